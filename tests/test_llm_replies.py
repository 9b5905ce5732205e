"""Each agent's reply through the LLM brain with autogen's replay client: parsing, repair, fallback, streaming."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from autogen_core.models import AssistantMessage, SystemMessage

from core.agents.base import AgentReply, DebateView
from core.errors import DebateError
from core.llm import LLMBrain, LLMOutputError, Routing, load_routing
from core.llm._prompt import system_prompt
from core.llm._stream import PlaceholderHold, ProseStream
from core.schema import AgentName
from tests.llm_server import RecordingReplay, tiny_view

LOCATION = {"file": "src/StockService.java", "line": 13, "symbol": "com.acme.StockService.reserve"}


def _routing(**extra: Any) -> Routing:
    routing = load_routing({"LLM_API_KEY": "k-" + "x" * 10, "LLM_BASE_URL": "http://127.0.0.1:9/v1"}, {})
    return routing.model_copy(update={"backoff_s": 0.0, **extra})


def _run(brain: LLMBrain, agent: AgentName, view: DebateView) -> tuple[AgentReply, list[str]]:
    deltas: list[str] = []

    async def stream(text: str) -> None:
        deltas.append(text)

    return asyncio.run(brain.reply(agent, view, stream)), deltas


def _brain(replies: list[str], **kwargs: Any) -> tuple[LLMBrain, RecordingReplay]:
    client = RecordingReplay(replies)
    return LLMBrain(_routing(), client_factory=lambda route, schema: client, **kwargs), client


REPLIES: dict[AgentName, dict[str, Any]] = {
    "LogAgent": {"summary": "Lock timeouts began at 12:30.", "confidence": 0.6,
                 "claims": [{"text": "40 lock timeouts", "citations": ["E1", "E2"]}],
                 "hypotheses": [{"id": "H1", "title": "Lock wait", "statement": "Rows stay locked.",
                                 "citations": ["E1"],
                                 "confidence": 0.6}]},
    "CodeAgent": {"summary": "The changed line locks rows.", "confidence": 0.8, "claims": [],
                  "hypotheses": [{"id": "HC1", "title": "FOR UPDATE", "statement": "findBySkuForUpdate locks.",
                                  "location": LOCATION, "commit_sha": "0c46d3f1", "citations": ["E3", "E4"],
                                  "confidence": 0.8}]},
    "CriticAgent": {"summary": "Timing is unproven.", "confidence": 0.5, "consensus": False,
                    "challenges": [{"id": "C1-timing", "target": "HC1", "text": "Was it deployed?",
                                    "citations": ["E4"]}]},
    "RebuttalAgent": {"summary": "It was released at 12:15.", "confidence": 0.8,
                      "answers": [{"challenge_id": "C1-timing", "verdict": "resolved", "text": "Tag v1.2.0.",
                                   "citations": ["E4"]}]},
    "JudgeAgent": {"summary": "Ruling for HC1.", "confidence": 0.8, "judgment": {
        "root_cause": "Row lock in reserve()", "root_cause_location": LOCATION,
        "suspect_commit": {"sha": "0c46d3f1", "author": "Cai Wu", "message": "Lock stock rows"},
        "evidence_chain": ["E1", "E3", "E4", "E99"], "fix_suggestion": "Roll back.",
        "impact_analysis": "Checkout down.",
        "risk_level": "high", "rollback_recommended": True, "responsible_team": "@acme/stock-team", "confidence": 0.8}},
}


@pytest.mark.parametrize("agent", list(REPLIES))
def test_each_agent_reply_is_parsed_into_the_contract(agent: AgentName) -> None:
    brain, client = _brain([json.dumps(REPLIES[agent])])
    reply, deltas = _run(brain, agent, tiny_view())
    assert isinstance(reply, AgentReply) and reply.summary == REPLIES[agent]["summary"]
    assert not reply.summary.startswith("[offline")
    messages = client.streamed[0]
    assert isinstance(messages[0], SystemMessage) and messages[0].content == system_prompt(agent, "en")
    assert "".join(deltas).startswith(REPLIES[agent]["summary"])  # prose streamed, not JSON
    assert "{" not in "".join(deltas)
    usage = brain.usage_for_last_turn(agent)
    assert usage is not None and usage.calls == 1 and usage.completion_tokens > 0 and usage.fallback is None
    if agent == "LogAgent":
        assert [h.id for h in reply.hypotheses] == ["HL1"]  # experts' ids cannot collide
    if agent == "CriticAgent":
        assert reply.consensus is False and reply.challenges[0].id == "C1-timing"
    if agent == "RebuttalAgent":
        assert reply.answers[0].verdict == "resolved"
    if agent == "JudgeAgent":
        assert reply.judgment is not None
        assert [(e.id, e.kind) for e in reply.judgment.evidence_chain] == [
            ("E1", "exception"), ("E3", "stack_frame"), ("E4", "commit")]  # resolved from the ledger; E99 dropped


def test_usual_slips_are_forgiven_code_fences_bracketed_ids_percentages() -> None:
    sloppy = "```json\n" + json.dumps({"summary": "s", "confidence": 70, "claims": [
        {"text": "t", "citations": ["[E1]", "E2, E3"]}]}) + "\n```"
    brain, _ = _brain([sloppy])
    reply, _ = _run(brain, "DomainAgent", tiny_view())
    assert reply.confidence == 0.7 and reply.claims[0].citations == ["E1", "E2", "E3"]


def test_an_invalid_reply_gets_one_repair_turn_that_shows_the_error() -> None:
    judge_without_ruling = json.dumps({"summary": "I think it is the lock.", "confidence": 0.7})
    brain, client = _brain([judge_without_ruling, json.dumps(REPLIES["JudgeAgent"])])
    reply, _ = _run(brain, "JudgeAgent", tiny_view())
    assert reply.judgment is not None and not reply.summary.startswith("[offline")
    repair = client.streamed[1]
    assert isinstance(repair[-2], AssistantMessage) and "I think it is the lock." in str(repair[-2].content)
    assert "judgment: Field required" in str(repair[-1].content)
    usage = brain.usage_for_last_turn("JudgeAgent")
    assert usage is not None and usage.repaired and usage.calls == 2


def test_still_invalid_after_the_repair_falls_back_offline_for_that_turn() -> None:
    brain, _ = _brain(["not json at all", '{"summary": "still no ruling", "confidence": 0.5}'])
    reply, deltas = _run(brain, "JudgeAgent", tiny_view())
    assert reply.summary.startswith("[offline fallback: invalid model output]")
    assert reply.judgment is not None  # the offline judge always rules (or abstains)
    assert any("offline fallback" in d for d in deltas)
    usage = brain.usage_for_last_turn("JudgeAgent")
    assert usage is not None and usage.fallback and usage.fallback.startswith("invalid model output")
    assert usage.calls == 2 and usage.repaired and usage.completion_tokens > 0  # what the failed turn still cost
    assert brain.totals().fallbacks == 1 and brain.totals().calls == 2


def test_without_fallback_the_error_is_a_debate_error() -> None:
    brain, _ = _brain(["{}", "{}"], use_fallback=False)
    with pytest.raises(LLMOutputError) as caught:
        _run(brain, "CriticAgent", tiny_view())
    assert isinstance(caught.value, DebateError) and "challenges" in str(caught.value)


def test_placeholders_are_what_the_model_sees_and_real_values_what_people_see() -> None:
    email = "dba.on.call" + "@" + "example.com"
    view = tiny_view(extra_text=f" reported by {email}")
    brain, client = _brain([json.dumps({**REPLIES["LogAgent"], "summary": "Ask <EMAIL_1> about 12:30."})])
    reply, deltas = _run(brain, "LogAgent", view)
    sent = " ".join(str(m.content) for m in client.streamed[0])
    assert email not in sent and "<EMAIL_1>" in sent
    assert reply.summary == f"Ask {email} about 12:30."
    assert email in "".join(deltas)  # restored while streaming too
    assert brain.totals().redactions["EMAIL"] >= 1


def test_the_answer_language_is_part_of_the_fixed_instructions() -> None:
    assert "Simplified Chinese" in system_prompt("JudgeAgent", "zh")
    assert "English" in system_prompt("JudgeAgent", "en")
    brain, client = _brain([json.dumps({**REPLIES["CriticAgent"], "summary": "时间线未被证实。"})])
    reply, _ = _run(brain, "CriticAgent", tiny_view("zh"))
    assert reply.summary == "时间线未被证实。"
    assert client.streamed[0][0].content == system_prompt("CriticAgent", "zh")


def test_prose_stream_reads_json_as_it_arrives() -> None:
    text = json.dumps({"summary": "A \"quoted\" 中文 line", "claims": [{"text": "one", "citations": ["E1"]}],
                       "confidence": 0.5}, ensure_ascii=True)
    prose = ProseStream()
    out = "".join(prose.feed(text[i:i + 3]) for i in range(0, len(text), 3))
    assert out == 'A "quoted" 中文 line\n- one'
    hold = PlaceholderHold(lambda s: s.replace("<EMAIL_1>", "a@b.co"))
    assert hold.feed("mail <EMA") == "mail " and hold.feed("IL_1> now") == "a@b.co now" and hold.flush() == ""


def test_prose_stream_leaves_reasoning_blocks_out_of_the_bubble() -> None:
    body = json.dumps({"summary": "Lock timeouts.", "claims": [{"text": "one", "citations": ["E1"]}],
                       "confidence": 0.5})
    for text in ('<think>weigh {burst} and "E1" first</think>\n' + body,  # a reasoning model's thinking first
                 'reasoning {x: "y"} without its opening tag</think>' + body):
        for step in (1, 3, 7, 500):  # tags split across chunks
            prose = ProseStream()
            assert "".join(prose.feed(text[i:i + step]) for i in range(0, len(text), step)) == "Lock timeouts.\n- one"
