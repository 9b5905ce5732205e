"""Each offline agent on its own: what it concludes from a fused context, in both languages."""

from __future__ import annotations

import pytest

from core.agents import DebateView, code_agent, critic, judge, log_agent, rebuttal
from core.bundle import load_bundle
from core.config import Settings
from core.fusion import FusedContext
from core.pipeline import fuse, ingest_bundle, open_incident
from core.schema import AgentTurn
from core.store import Store
from tests.conftest import MiniBundle


@pytest.fixture
def context(store: Store, settings: Settings, mini_bundle: MiniBundle) -> FusedContext:
    bundle = load_bundle(mini_bundle.root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    return fuse(store, settings, incident.id)


def _turn(agent: str, reply, seq: int, round_no: int = 0) -> AgentTurn:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    return AgentTurn(incident_id="i", debate_id="d", seq=seq, agent=agent, round=round_no, phase="experts",  # type: ignore[arg-type]
                     brain="offline", summary=reply.summary, claims=reply.claims, hypotheses=reply.hypotheses,
                     challenges=reply.challenges, answers=reply.answers, confidence=reply.confidence,
                     started_at=now, finished_at=now)


def test_experts_cite_only_ledger_ids_and_speak_chinese(context: FusedContext) -> None:
    known = context.evidence_ids()
    for lang in ("en", "zh"):
        view = DebateView(context=context, language=lang)  # type: ignore[arg-type]
        for module in (log_agent, code_agent):
            reply = module.offline_reply(view)
            cited = {c for claim in reply.claims for c in claim.citations}
            assert cited and cited <= known
    zh = code_agent.offline_reply(DebateView(context=context, language="zh"))
    assert "头号嫌疑" in zh.summary


def test_critic_calls_out_a_commit_that_landed_after_the_errors(context: FusedContext, mini_bundle: MiniBundle) -> None:
    assert context.burst is not None
    late = context.model_copy(deep=True)
    late.suspects[0].minutes_before_start = context.burst.minutes_before_start - 30  # after the onset
    view = DebateView(context=late)
    view.turns.append(_turn("CodeAgent", code_agent.offline_reply(view), 1))
    reply = critic.offline_reply(view.model_copy(update={"round": 1}))
    assert any(c.id.endswith("contradiction") and c.material for c in reply.challenges)
    assert reply.consensus is False


def test_rebuttal_concedes_unsupported_claims(context: FusedContext) -> None:
    view = DebateView(context=context, round=1)
    challenge_reply = critic.offline_reply(view)
    crit = _turn("CriticAgent", challenge_reply, 1, 1)
    crit.challenges.append(crit.challenges[0].model_copy(update={"id": "C1-citation3.0", "kind": "citation"}))
    view.turns.append(crit)
    answers = {a.challenge_id: a.verdict for a in rebuttal.offline_reply(view).answers}
    assert answers["C1-citation3.0"] == "conceded"


def test_a_lone_judge_reads_the_evidence_itself(context: FusedContext, mini_bundle: MiniBundle) -> None:
    reply = judge.offline_reply(DebateView(context=context))
    assert reply.judgment is not None and not reply.judgment.abstained
    assert reply.judgment.root_cause_location is not None
    assert reply.judgment.root_cause_location.line == mini_bundle.bug_line


def test_judge_abstains_without_evidence(context: FusedContext) -> None:
    empty = context.model_copy(update={"groups": [], "suspects": [], "owner": None, "burst": None, "evidence": []})
    reply = judge.offline_reply(DebateView(context=empty))
    assert reply.judgment is not None and reply.judgment.abstained and reply.judgment.root_cause_location is None
    assert reply.judgment.missing


def test_every_agent_has_one_spec_and_its_output_tools_labels_come_from_it():
    from core.agents.spec import AGENT_SPECS, TOOL_NAMES
    from core.llm._output import _MODEL_OF_KIND, OUTPUT_MODELS
    from core.schema import AGENTS

    assert tuple(AGENT_SPECS) == AGENTS and all(AGENT_SPECS[a].name == a for a in AGENTS)
    for name, s in AGENT_SPECS.items():
        assert OUTPUT_MODELS[name] is _MODEL_OF_KIND[s.output]
        assert set(s.tools) <= set(TOOL_NAMES)
        assert s.label_keys == (f"agent.{name}", f"duty.{name}")
