"""A corpus of replies in the styles real models write, read by the LLM brain: most without help, the rest after one
repair.

Each file under tests/data/llm_replies/ is one raw reply, named `<role>--<style>--<n>.txt`; a reply a model must be
asked to fix has the fixed reply beside it as `<name>.repair.txt`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from core.llm import LLMBrain, load_routing
from core.llm._output import OutputInvalid, parse_output
from core.schema import AgentName
from tests.llm_server import RecordingReplay, tiny_view

CORPUS = Path(__file__).parent / "data" / "llm_replies"
ROLES: dict[str, AgentName] = {"log": "LogAgent", "domain": "DomainAgent", "code": "CodeAgent",
                               "critic": "CriticAgent", "rebuttal": "RebuttalAgent", "judge": "JudgeAgent"}
REPLIES = sorted(p for p in CORPUS.glob("*.txt") if not p.name.endswith(".repair.txt"))


def _agent(path: Path) -> AgentName:
    return ROLES[path.name.split("--")[0]]


def _repair(path: Path) -> Path:
    return path.with_name(path.stem + ".repair.txt")


def test_the_corpus_covers_every_role_in_several_styles() -> None:
    assert len(REPLIES) >= 30
    for role in ROLES:
        styles = {p.name.split("--")[1] for p in REPLIES if p.name.startswith(role + "--")}
        assert len(styles) >= 4, (role, styles)


def test_at_least_90_percent_parse_without_repair_and_the_rest_are_labelled() -> None:
    direct, failed = [], []
    for path in REPLIES:
        try:
            parse_output(_agent(path), path.read_text(encoding="utf-8"))
            direct.append(path.name)
        except OutputInvalid:
            failed.append(path.name)
    assert len(direct) / len(REPLIES) >= 0.9, failed
    # The corpus says which replies need a repair; the parser must agree both ways (no silent acceptance of those).
    assert sorted(failed) == sorted(p.name for p in REPLIES if _repair(p).exists())


@pytest.mark.parametrize("path", REPLIES, ids=lambda p: p.stem)
def test_each_reply_becomes_a_model_turn_with_repair_where_needed(path: Path) -> None:
    replies = [path.read_text(encoding="utf-8")]
    if _repair(path).exists():
        replies.append(_repair(path).read_text(encoding="utf-8"))
    client = RecordingReplay(replies)
    routing = load_routing({"LLM_API_KEY": "k-" + "x" * 10, "LLM_BASE_URL": "http://127.0.0.1:9/v1"}, {})
    brain = LLMBrain(routing, client_factory=lambda route, schema: client)

    async def stream(text: str) -> None:
        return None

    agent = _agent(path)
    reply = asyncio.run(brain.reply(agent, tiny_view(), stream))
    usage = brain.usage_for_last_turn(agent)
    assert usage is not None and usage.fallback is None, usage
    assert usage.repaired == (len(replies) == 2) and usage.calls == len(replies)
    assert reply.summary and 0.0 <= reply.confidence <= 1.0
    if agent == "JudgeAgent":
        assert reply.judgment is not None and reply.judgment.evidence_chain
    if agent == "RebuttalAgent":
        assert reply.answers and all(a.challenge_id.startswith("C1-") for a in reply.answers)
    if agent == "CriticAgent":
        assert reply.consensus is not None


def _parsed(name: str):  # type: ignore[no-untyped-def]
    path = CORPUS / f"{name}.txt"
    return parse_output(_agent(path), path.read_text(encoding="utf-8"))


def test_variants_are_read_as_what_they_mean() -> None:
    assert _parsed("judge--p-levels--1").judgment.risk_level == "high"
    assert _parsed("judge--critical-caps--1").judgment.risk_level == "critical"
    zh = _parsed("judge--zh-severity--1").judgment
    assert zh.risk_level == "high" and zh.rollback_recommended is True
    loose = _parsed("judge--strings-everywhere--1")
    assert loose.confidence == 0.75 and loose.judgment.confidence == 0.75
    where = loose.judgment.root_cause_location
    assert (where.file, where.line) == ("StockService.java", 13)
    assert where.symbol == "com.acme.StockService.reserve"
    assert loose.judgment.suspect_commit.sha == "0c46d3f1" and loose.judgment.responsible_team is None
    assert loose.judgment.evidence_chain == ["E1", "E3", "E4"]
    flat = _parsed("judge--flat--1")
    assert flat.judgment.root_cause.startswith("reserve()") and flat.confidence == 0.75
    assert _parsed("log--percent--1").confidence == 0.6 and _parsed("log--percent--1").hypotheses[0].confidence == 0.6
    assert _parsed("log--strings--1").hypotheses[0].confidence == 0.55
    code = _parsed("code--commit-string--1").hypotheses[0]
    assert code.commit_sha == "0c46d3f1"
    statuses = [h.status for h in _parsed("code--status-synonym--1").hypotheses]
    assert statuses == ["supported", "rejected"]
    assert _parsed("code--line-string--1").hypotheses[0].location.line == 13
    assert _parsed("code--hyp-confidence-only--1").confidence == 0.8
    verdicts = [a.verdict for a in _parsed("rebuttal--verdict-synonyms--1").answers]
    assert verdicts == ["resolved", "conceded"]
    critic = _parsed("critic--zh--1")
    assert critic.consensus is False and critic.challenges[0].material is True and critic.challenges[0].target == "HC1"
    assert [c.citations for c in _parsed("domain--claims-as-strings--1").claims] == [["E3"], ["E5"]]


def test_a_repair_turn_quotes_the_value_that_did_not_fit() -> None:
    path = CORPUS / "rebuttal--restated--1.txt"
    with pytest.raises(OutputInvalid, match=r"status.*\(got \"strengthened\"\)"):
        parse_output("RebuttalAgent", path.read_text(encoding="utf-8"))
