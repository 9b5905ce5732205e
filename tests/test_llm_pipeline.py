"""The LLM brain through the product's own entry points: settings → make_brain → start_debate → stored turns.

Skipped until core.config/core.pipeline/core.debate carry the wiring described in the LLM brain's hand-off
(Settings.llm_routing, make_brain building LLMBrain, AgentTurn.usage, ToolCall events).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from core.bundle import load_bundle
from core.config import Settings, load_settings
from core.debate import iterate_sync
from core.errors import ConfigError
from core.pipeline import fuse, ingest_bundle, make_brain, open_incident, start_debate
from core.schema import AgentTurn
from core.store import Store
from tests.conftest import MiniBundle
from tests.llm_server import LLMServer, Reply, llm_server_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.skipif(
    "llm_routing" not in Settings.model_fields or "usage" not in AgentTurn.model_fields,
    reason="waiting for the LLM wiring in core.config / core.pipeline / core.debate / core.schema",
)


def _settings(tmp_path: Path, env: dict[str, str]) -> Settings:
    return load_settings(env={"TRIBUNAL_HOME": str(tmp_path / "home"), **env}, secrets_path=tmp_path / "none.toml")


def test_settings_say_whether_and_how_the_llm_is_configured(tmp_path: Path) -> None:
    assert not _settings(tmp_path, {}).llm_configured
    cfg = _settings(tmp_path, {"LLM_API_KEY": "k-" + "s" * 10, "LLM_MODEL": "qwen-max"})
    assert cfg.llm_configured and cfg.default_brain == "llm" and cfg.llm_routing is not None
    assert cfg.llm_routing.route("JudgeAgent").model == "qwen-max" and cfg.llm_routing.single_model()
    bad = tmp_path / "models.yaml"
    bad.write_text("agents:\n  jduge: {model: x}\n", encoding="utf-8")
    broken = _settings(tmp_path, {"TRIBUNAL_MODELS": str(bad), "LLM_API_KEY": "k-" + "s" * 10})
    assert not broken.llm_configured  # the offline brain still works
    with pytest.raises(ConfigError, match="Unknown agent key"):
        make_brain(broken, "llm")


def test_a_debate_started_by_the_pipeline_runs_on_the_llm_brain(
    store: Store, mini_bundle: MiniBundle, llm_server: LLMServer, tmp_path: Path,
) -> None:
    routing = tmp_path / "models.yaml"
    routing.write_text(textwrap.dedent(f"""\
        default: {{base_url: "{llm_server.base_url}", model: glm-5, function_calling: true}}
        agents:
          critic: {{model: qwen-max}}
        retries: 0
    """), encoding="utf-8")
    cfg = _settings(tmp_path, {"TRIBUNAL_MODELS": str(routing), "LLM_API_KEY": "k-" + "p" * 10})
    loaded = load_bundle(mini_bundle.root)
    incident = open_incident(store, loaded.draft)
    ingest_bundle(store, cfg, incident, loaded)
    fuse(store, cfg, incident.id)
    # One expert looks something up before answering; the critic's endpoint fails once.
    llm_server.script("glm-5", Reply(tool_calls=[{"name": "evidence", "arguments": json.dumps({"evidence_id": "E1"})}]))
    llm_server.script("qwen-max", Reply(status=503))

    debate = start_debate(store, cfg, incident.id, "llm")
    events = list(iterate_sync(debate.events()))

    assert events[-1].type == "judgment"
    stored = store.list_events(debate.debate_id)
    tools = [e for e in stored if e.type == "tool_call"]
    assert [(t.tool, t.status) for t in tools] == [("evidence", "ok")]  # type: ignore[union-attr]
    turns = store.list_turns(debate.debate_id)
    critic = next(t for t in turns if t.agent == "CriticAgent")
    assert critic.brain == "offline" and critic.model is None and critic.usage is not None
    assert critic.usage.fallback and critic.summary.startswith("[offline fallback")
    judge = turns[-1]
    assert judge.brain == "llm" and judge.model == "glm-5" and judge.usage is not None
    assert judge.usage.prompt_tokens > 0 and judge.usage.calls == 1
