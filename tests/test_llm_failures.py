"""The real client stack against the test server: retries, timeouts, truncation, outages, budgets, limits."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import time
from typing import Any

from core.agents.base import AgentReply, DebateView
from core.llm import Budget, LLMBrain, Routing, load_routing
from core.schema import AgentName
from tests.llm_server import (  # noqa: F401 - fixture
    LLMServer,
    Reply,
    llm_server_fixture,
    plausible_reply,
    tiny_view,
    with_route,
)

VALID = json.dumps({"summary": "Lock timeouts began at 12:30.", "confidence": 0.6,
                    "claims": [{"text": "40 lock timeouts", "citations": ["E1"]}], "hypotheses": []})


def _routing(base_url: str, **route: Any) -> Routing:
    routing = load_routing({"LLM_API_KEY": "k-" + "x" * 10, "LLM_BASE_URL": base_url}, {})
    return with_route(routing, **{"timeout_s": 5.0, **route}).model_copy(update={"backoff_s": 0.01, "retries": 2})


def _ask(brain: LLMBrain, agent: AgentName = "LogAgent", view: DebateView | None = None) -> tuple[AgentReply, str]:
    deltas: list[str] = []

    async def stream(text: str) -> None:
        deltas.append(text)

    return asyncio.run(brain.reply(agent, view or tiny_view(), stream)), "".join(deltas)


def test_429_is_retried_after_the_servers_retry_after(llm_server: LLMServer) -> None:
    llm_server.script("glm-5", Reply(status=429, retry_after=0.3), VALID)
    brain = LLMBrain(_routing(llm_server.base_url))
    started = time.monotonic()
    reply, text = _ask(brain)
    assert time.monotonic() - started >= 0.3
    assert reply.summary == "Lock timeouts began at 12:30." and "[retry 1: HTTP 429]" in text
    usage = brain.usage_for_last_turn("LogAgent")
    # Both requests count against the call budget: the refused one too.
    assert usage is not None and usage.retries == 1 and usage.calls == 2 and usage.prompt_tokens > 0
    assert [r.reply_status for r in llm_server.requests] == [429, 200]
    body = llm_server.requests[-1].body
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


def test_persistent_5xx_falls_back_offline_with_a_visible_note(llm_server: LLMServer) -> None:
    llm_server.script("glm-5", *[Reply(status=500)] * 3, Reply(status=503))
    brain = LLMBrain(_routing(llm_server.base_url))
    reply, text = _ask(brain)
    assert reply.summary.startswith("[offline fallback: endpoint unavailable]")
    assert len(llm_server.requests) == 3  # the first try and two bounded retries
    assert "[offline fallback: endpoint unavailable]" in text
    usage = brain.usage_for_last_turn("LogAgent")
    assert usage is not None and "HTTP 500" in (usage.fallback or "")


def test_truncated_json_gets_a_repair_turn(llm_server: LLMServer) -> None:
    llm_server.script("glm-5", Reply(content=VALID, truncate=True), VALID)
    brain = LLMBrain(_routing(llm_server.base_url))
    reply, _ = _ask(brain)
    assert reply.summary == "Lock timeouts began at 12:30."
    repair = llm_server.requests[1].messages
    assert repair[-2]["role"] == "assistant" and repair[-1]["role"] == "user"
    assert "cut off" in repair[-1]["content"]
    assert brain.usage_for_last_turn("LogAgent").repaired  # type: ignore[union-attr]


def test_a_hung_stream_times_out_and_is_retried(llm_server: LLMServer) -> None:
    llm_server.script("glm-5", Reply(content=VALID, hang_s=10), VALID)
    brain = LLMBrain(_routing(llm_server.base_url, timeout_s=0.5))
    started = time.monotonic()
    reply, text = _ask(brain)
    assert time.monotonic() - started < 5
    assert reply.summary == "Lock timeouts began at 12:30." and "[retry 1: timeout]" in text


def test_a_stream_cut_off_without_done_is_repaired(llm_server: LLMServer) -> None:
    llm_server.script("glm-5", Reply(content=VALID, drop=True), VALID)
    brain = LLMBrain(_routing(llm_server.base_url))
    reply, _ = _ask(brain)
    assert reply.summary == "Lock timeouts began at 12:30."
    # HTTP/1.0 closes the stream cleanly, so the cut shows up as half a JSON object: one repair turn.
    assert len(llm_server.requests) == 2 and brain.usage_for_last_turn("LogAgent").repaired  # type: ignore[union-attr]


def test_a_bad_key_is_not_retried(llm_server: LLMServer) -> None:
    llm_server.script("glm-5", Reply(status=401))
    brain = LLMBrain(_routing(llm_server.base_url))
    reply, _ = _ask(brain)
    assert reply.summary.startswith("[offline fallback: endpoint unavailable]") and len(llm_server.requests) == 1
    assert "HTTP 401" in (brain.usage_for_last_turn("LogAgent").fallback or "")  # type: ignore[union-attr]


def test_an_endpoint_that_is_down_falls_back() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    brain = LLMBrain(_routing(f"http://127.0.0.1:{port}/v1"))
    reply, _ = _ask(brain, "JudgeAgent")
    assert reply.summary.startswith("[offline fallback: endpoint unavailable]") and reply.judgment is not None
    assert "connection failed" in (brain.usage_for_last_turn("JudgeAgent").fallback or "")  # type: ignore[union-attr]


def test_budgets_refuse_calls_before_they_are_made(llm_server: LLMServer) -> None:
    routing = _routing(llm_server.base_url).model_copy(update={"agent_budget": Budget(tokens=100)})
    brain = LLMBrain(routing)
    reply, _ = _ask(brain)
    assert reply.summary.startswith("[offline fallback: budget exhausted]") and llm_server.requests == []

    routing = _routing(llm_server.base_url).model_copy(update={"debate_budget": Budget(calls=1)})
    brain = LLMBrain(routing)
    first, _ = _ask(brain, "LogAgent")
    second, _ = _ask(brain, "CodeAgent")
    assert not first.summary.startswith("[offline") and second.summary.startswith("[offline fallback: budget")
    totals = brain.totals()
    assert totals.calls == 1 and totals.fallbacks == 1 and totals.tokens > 0 and totals.per_model["glm-5"] > 0


def test_cost_comes_from_the_price_table(llm_server: LLMServer) -> None:
    from core.llm import Price

    llm_server.script("glm-5", Reply(content=VALID, usage=(1000, 500)))
    routing = _routing(llm_server.base_url).model_copy(
        update={"prices": {"glm-5": Price(prompt_per_1m=2.0, completion_per_1m=8.0, currency="CNY")}})
    brain = LLMBrain(routing)
    _ask(brain)
    usage = brain.usage_for_last_turn("LogAgent")
    assert usage is not None and (usage.prompt_tokens, usage.completion_tokens) == (1000, 500)
    assert usage.cost == 0.006 and usage.currency == "CNY" and brain.totals().cost == 0.006


def _three_experts(brain: LLMBrain, server: LLMServer) -> list[float]:
    """Run the three experts concurrently; return when their requests reached the server."""
    async def run() -> None:
        async def stream(text: str) -> None:
            return None

        await asyncio.gather(*(brain.reply(a, tiny_view(), stream) for a in ("LogAgent", "DomainAgent", "CodeAgent")))

    server.requests.clear()
    asyncio.run(run())
    return sorted(r.at for r in server.requests)


def test_the_endpoint_concurrency_limit_holds(llm_server: LLMServer) -> None:
    llm_server.latency["glm-5"] = 0.6  # each answer takes this long, so a limit of one spaces the requests out
    serial = _three_experts(LLMBrain(_routing(llm_server.base_url, max_concurrency=1)), llm_server)
    parallel = _three_experts(LLMBrain(_routing(llm_server.base_url, max_concurrency=3)), llm_server)
    assert all(b - a >= 0.55 for a, b in itertools.pairwise(serial))
    assert parallel[-1] - parallel[0] < 0.55


def test_response_format_follows_the_routes_capabilities(llm_server: LLMServer) -> None:
    for caps, expected in (({"structured_output": True}, "json_schema"), ({}, "json_object"),
                           ({"json_output": False}, None)):
        llm_server.requests.clear()
        _ask(LLMBrain(_routing(llm_server.base_url, **caps)), "CriticAgent")
        fmt = llm_server.requests[0].body.get("response_format")
        assert (fmt or {}).get("type") == expected
        if expected == "json_schema":
            assert "consensus" in fmt["json_schema"]["schema"]["required"]


def test_the_fake_model_answers_every_agent_validly() -> None:
    from core.llm._output import parse_output
    from core.llm._prompt import system_prompt, user_prompt
    from tests.llm_server import RecordedRequest

    view = tiny_view()
    for agent in ("LogAgent", "DomainAgent", "CodeAgent", "CriticAgent", "RebuttalAgent", "JudgeAgent"):
        body = {"messages": [{"role": "system", "content": system_prompt(agent, "en")},  # type: ignore[arg-type]
                             {"role": "user", "content": user_prompt(agent, view)}]}  # type: ignore[arg-type]
        parse_output(agent, plausible_reply(RecordedRequest(path="/", body=body, headers={}, at=0.0)))  # type: ignore[arg-type]


def test_retry_after_is_read_as_seconds_milliseconds_or_a_date() -> None:
    from datetime import UTC, datetime

    from core.llm._client import retry_after_s

    now = datetime(2026, 12, 6, 3, 0, 0, tzinfo=UTC)
    assert retry_after_s({"retry-after": "2.5"}) == 2.5
    assert retry_after_s({"retry-after-ms": "750", "retry-after": "9"}) == 0.75
    assert retry_after_s({"retry-after": "Sun, 06 Dec 2026 03:00:07 GMT"}, now) == 7.0
    assert retry_after_s({"retry-after": "soon"}) is None and retry_after_s({}) is None
