"""Honest, fast failure: a dead endpoint costs seconds, not minutes; every turn says which brain answered and why;
an offline stand-in is never more confident than the model's turns; limits and budgets count every request."""

from __future__ import annotations

import asyncio
import itertools
import json
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.brain_tally import tally_brains
from core.bundle import load_bundle
from core.config import Settings
from core.debate import Debate, iterate_sync
from core.llm import LLMBrain, load_routing
from core.llm._guard import CircuitBreaker
from core.llm.brain import FALLBACK_CEILING
from core.pipeline import fuse, ingest_bundle, open_incident
from core.report import build_report, cli_payload, render_json, render_markdown
from core.schema import AgentTurn, Judgment, JudgmentReady, TurnFinished
from core.store import Store
from tests.conftest import MiniBundle
from tests.llm_server import (  # noqa: F401 - fixture
    LLMServer,
    dead_endpoint,
    llm_server_fixture,
    silent_endpoint,
    tiny_view,
    with_route,
)

KEY = "k-" + "h" * 16


@pytest.fixture
def second_server() -> Iterator[LLMServer]:
    with LLMServer() as server:
        yield server


def _fused(store: Store, settings: Settings, bundle: MiniBundle) -> str:
    loaded = load_bundle(bundle.root)
    incident = open_incident(store, loaded.draft)
    ingest_bundle(store, settings, incident, loaded)
    fuse(store, settings, incident.id)
    return incident.id


def _run(store: Store, incident_id: str, brain: LLMBrain) -> tuple[list[AgentTurn], Judgment, float]:
    started = time.monotonic()
    debate = Debate(store, incident_id, brain, max_rounds=3)
    _run.debate_id = debate.debate_id  # type: ignore[attr-defined]
    events = list(iterate_sync(debate.events()))
    elapsed = time.monotonic() - started
    turns = [e.turn for e in events if isinstance(e, TurnFinished)]
    rulings = [e.judgment for e in events if isinstance(e, JudgmentReady)]
    assert rulings, [getattr(e, "message", "") for e in events if e.type == "error"]
    return turns, rulings[0], elapsed


@pytest.mark.parametrize("failure", ["answers 500", "never answers"])
def test_a_dead_endpoint_reaches_a_visibly_offline_ruling_in_under_15_s(
    store: Store, settings: Settings, mini_bundle: MiniBundle, llm_server: LLMServer, failure: str,
) -> None:
    incident_id = _fused(store, settings, mini_bundle)
    llm_server.respond_with("*", dead_endpoint(500) if failure == "answers 500" else silent_endpoint(30))
    # The shipped defaults: 3 retries with 1 s backoff, a 60 s read timeout, 8 s for a response to start.
    brain = LLMBrain(load_routing({"LLM_API_KEY": KEY, "LLM_BASE_URL": llm_server.base_url}, {}))
    turns, judgment, elapsed = _run(store, incident_id, brain)
    assert elapsed < 15, f"{failure}: {elapsed:.1f}s to a ruling"
    assert turns and all(t.brain == "offline" and t.usage and t.usage.fallback for t in turns)
    assert all("endpoint unavailable" in (t.usage.fallback or "") for t in turns if t.usage)
    # The breaker stopped the calls: the three experts' first tries and little else reached the server.
    assert len(llm_server.requests) <= 6, len(llm_server.requests)
    assert any("circuit open" in (t.usage.fallback or "") for t in turns if t.usage)
    tally = tally_brains(turns, "llm")
    assert tally.brain == "offline" and tally.model_turns == 0 and tally.offline_turns == len(turns)
    assert tally.fallbacks == {"endpoint unavailable": len(turns)}
    # No model answered anything, so the offline ruling stays below what a working model would claim.
    assert judgment.confidence <= FALLBACK_CEILING
    assert any("offline brain answered" in m for m in judgment.missing)


def test_a_mixed_debate_counts_both_brains_and_the_fallback_ruling_is_capped(
    store: Store, settings: Settings, mini_bundle: MiniBundle, llm_server: LLMServer, second_server: LLMServer,
    tmp_path: Path,
) -> None:
    incident_id = _fused(store, settings, mini_bundle)
    second_server.respond_with("*", dead_endpoint(503))
    path = tmp_path / "models.yaml"
    path.write_text(textwrap.dedent(f"""\
        default: {{base_url: "{llm_server.base_url}", model: glm-5, api_key_env: LLM_API_KEY}}
        agents:
          critic: {{model: glm-5}}
          judge: {{base_url: "{second_server.base_url}", model: judge-model}}
        retries: 1
        backoff_s: 0.01
    """), encoding="utf-8")
    brain = LLMBrain(load_routing({"TRIBUNAL_MODELS": str(path), "LLM_API_KEY": KEY}, {}))
    turns, judgment, _ = _run(store, incident_id, brain)
    judge = [t for t in turns if t.agent == "JudgeAgent"]
    assert judge and judge[0].brain == "offline" and "503" in (judge[0].usage.fallback or "")  # type: ignore[union-attr]
    model_turns = [t for t in turns if t.brain == "llm"]
    assert model_turns and all(t.model == "glm-5" for t in model_turns)
    tally = tally_brains(turns, "llm")
    assert (tally.brain, tally.model_turns, tally.offline_turns) == ("mixed", len(model_turns), 1)
    assert tally.fallbacks == {"endpoint unavailable": 1}
    assert judgment.confidence <= max(t.confidence for t in model_turns)
    # The report says so: in its JSON, its Markdown (both languages) and the CLI's payload.
    debate_id = _run.debate_id  # type: ignore[attr-defined]
    report = build_report(store, debate_id)
    again = json.loads(render_json(report))
    assert again["brains"] == {"brain": "mixed", "model_turns": len(model_turns), "offline_turns": 1,
                               "fallbacks": {"endpoint unavailable": 1}}
    assert f"mixed: {len(model_turns)} model turns, 1 answered offline (endpoint unavailable ×1)" in render_markdown(
        report, "en")
    zh = render_markdown(build_report(store, debate_id, "zh"), "zh")
    assert f"混合：模型回答 {len(model_turns)} 轮，离线代答 1 轮" in zh
    payload = cli_payload(incident_id, store.get_debate(debate_id), judgment, turns)
    assert payload["brain"] == "mixed" and payload["brain_turns"]["offline_turns"] == 1


def test_the_breaker_opens_after_consecutive_failures_and_lets_one_request_try_after_the_cooldown() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failures=3, cooldown_s=30, clock=lambda: now[0])
    for _ in range(2):
        breaker.failure("e", "HTTP 500")
    assert breaker.refusal("e") is None and not breaker.is_open("e")
    breaker.success("e")  # a success in between: the count starts again
    for _ in range(3):
        breaker.failure("e", "timeout")
    assert breaker.is_open("e") and "3 consecutive failures" in (breaker.refusal("e") or "")
    assert breaker.refusal("other") is None  # per endpoint
    now[0] = 31.0
    assert breaker.refusal("e") is None  # half-open: one request may try …
    assert breaker.refusal("e") is not None  # … and only one
    breaker.failure("e", "timeout")  # it failed: open again for a full cooldown
    now[0] = 45.0
    assert breaker.refusal("e") is not None
    now[0] = 62.0
    assert breaker.refusal("e") is None
    breaker.success("e")
    assert not breaker.is_open("e") and breaker.refusal("e") is None


def _routing(base_url: str, **route: object):  # type: ignore[no-untyped-def]
    routing = load_routing({"LLM_API_KEY": KEY, "LLM_BASE_URL": base_url}, {})
    return with_route(routing, **route).model_copy(update={"backoff_s": 0.01})


def _experts(brain: LLMBrain) -> None:
    async def run() -> None:
        async def stream(text: str) -> None:
            return None

        await asyncio.gather(*(brain.reply(a, tiny_view(), stream) for a in ("LogAgent", "DomainAgent", "CodeAgent")))

    asyncio.run(run())


def test_requests_per_minute_spread_requests_out(llm_server: LLMServer) -> None:
    # One request every 2 s; the margins leave room for a loaded machine's scheduling jitter either way.
    _experts(LLMBrain(_routing(llm_server.base_url, requests_per_minute=30)))
    limited = sorted(r.at for r in llm_server.requests)
    assert len(limited) == 3 and all(b - a >= 1.5 for a, b in itertools.pairwise(limited))
    llm_server.requests.clear()
    _experts(LLMBrain(_routing(llm_server.base_url)))
    free = sorted(r.at for r in llm_server.requests)
    assert free[-1] - free[0] < 1.5


def test_the_call_budget_counts_every_request_tool_rounds_included(llm_server: LLMServer) -> None:
    from core.llm import Budget

    # Every request fails: the first try and two retries are three requests against a budget of two.
    llm_server.respond_with("*", dead_endpoint(502))
    routing = _routing(llm_server.base_url).model_copy(update={"agent_budget": Budget(calls=2), "retries": 5,
                                                               "breaker_failures": 10})
    brain = LLMBrain(routing)

    async def stream(text: str) -> None:
        return None

    reply = asyncio.run(brain.reply("LogAgent", tiny_view(), stream))
    usage = brain.usage_for_last_turn("LogAgent")
    assert usage is not None and usage.calls == 2 and len(llm_server.requests) == 2
    assert reply.summary.startswith("[offline fallback: budget exhausted]")
