"""Against a real endpoint (LLM_API_KEY, LLM_BASE_URL, LLM_MODEL or TRIBUNAL_MODELS): one debate, end to end."""

from __future__ import annotations

import os

import pytest

from core.bundle import load_bundle
from core.config import Settings
from core.debate import Debate, iterate_sync
from core.llm import LLMBrain, load_routing
from core.pipeline import fuse, ingest_bundle, open_incident
from core.store import Store
from tests.conftest import MiniBundle

# Read at import: the `settings` fixture clears LLM_* from the environment for the offline tests.
_LIVE_ENV = {k: v for k, v in os.environ.items() if k.startswith(("LLM_", "TRIBUNAL_MODELS")) or k.endswith("_KEY")}
_SKIP = "no LLM_API_KEY: set it (and LLM_BASE_URL, LLM_MODEL or TRIBUNAL_MODELS) to run the live LLM test"


@pytest.mark.live
@pytest.mark.skipif(not _LIVE_ENV.get("LLM_API_KEY"), reason=_SKIP)
def test_a_real_model_debates_the_mini_incident(store: Store, settings: Settings, mini_bundle: MiniBundle) -> None:
    loaded = load_bundle(mini_bundle.root)
    incident = open_incident(store, loaded.draft)
    ingest_bundle(store, settings, incident, loaded)
    fuse(store, settings, incident.id)
    brain = LLMBrain(load_routing(_LIVE_ENV, {}))
    debate = Debate(store, incident.id, brain, max_rounds=2)
    events = list(iterate_sync(debate.events()))
    assert events[-1].type == "judgment"
    turns = store.list_turns(debate.debate_id)
    fallbacks = [t.agent for t in turns if t.summary.startswith("[offline fallback")]
    print(f"live debate: {len(turns)} turns, fallbacks={fallbacks}, totals={brain.totals()}")
    assert len(fallbacks) < len(turns), "every turn fell back: the endpoint never gave a usable answer"
    assert any(e.type == "token_delta" for e in events)
