"""The debate: ordered persisted events, citation checks, resume after a crash, human control."""

from __future__ import annotations

import asyncio

import pytest

from core.agents import AgentReply, DebateView, OfflineBrain
from core.agents.base import StreamFn
from core.bundle import load_bundle
from core.config import Settings
from core.debate import Debate, iterate_sync
from core.errors import DebateError
from core.pipeline import fuse, ingest_bundle, open_incident, run_debate
from core.schema import AgentName, Claim
from core.store import Store
from tests.conftest import MiniBundle


@pytest.fixture
def fused(store: Store, settings: Settings, mini_bundle: MiniBundle) -> str:
    bundle = load_bundle(mini_bundle.root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    fuse(store, settings, incident.id)
    return incident.id


def test_offline_debate_flow_and_ruling(store: Store, settings: Settings, fused: str, mini_bundle: MiniBundle) -> None:
    events = list(run_debate(store, settings, fused))
    kinds = [e.type for e in events]
    assert kinds[0] == "turn_started" and kinds[-1] == "judgment"
    assert "token_delta" in kinds and "consensus" in kinds
    debate_id = events[0].debate_id
    turns = store.list_turns(debate_id)
    assert {t.agent for t in turns[:3]} == {"LogAgent", "DomainAgent", "CodeAgent"}  # concurrent: any order
    assert [t.agent for t in turns[3:]] == ["CriticAgent", "RebuttalAgent", "CriticAgent", "JudgeAgent"]
    assert all(c.valid for t in turns for c in t.claims)
    # Everything but token deltas was stored, in the order it was yielded.
    stored = store.list_events(debate_id)
    assert [e.type for e in stored] == [k for k in kinds if k != "token_delta"]
    assert [e.seq for e in stored] == list(range(1, len(stored) + 1))
    judgment = store.get_judgment(debate_id)
    assert judgment is not None and judgment.suspect_commit is not None
    assert judgment.suspect_commit.sha == mini_bundle.bug_sha
    assert judgment.root_cause_location is not None and judgment.root_cause_location.line == mini_bundle.bug_line
    assert judgment.responsible_team == "@acme/stock-team" and judgment.rollback_recommended
    # The closer commit landed after the errors began: it is never convicted, and nothing in the chain is about it.
    assert all(mini_bundle.distractor_sha not in (e.source + e.text) for e in judgment.evidence_chain)
    assert any("metrics" in m or "database" in m for m in judgment.missing)
    info = store.get_debate(debate_id)
    assert info.status == "finished" and info.consensus and store.get_incident(fused).status == "judged"


class _Liar(OfflineBrain):
    """Cites evidence that does not exist; the orchestrator must flag it and keep it out of the chain."""

    async def reply(self, agent: AgentName, view: DebateView, stream: StreamFn) -> AgentReply:
        result = await super().reply(agent, view, stream)
        if agent == "LogAgent":
            result = result.model_copy(update={"claims": [
                *result.claims, Claim(text="The CPU was at 100%", citations=["E404"]),
                Claim(text="Trust me", citations=[])]})
        return result


def test_unknown_or_missing_citations_are_flagged_attacked_and_excluded(store: Store, fused: str) -> None:
    debate = Debate(store, fused, _Liar(), max_rounds=3)
    events = list(iterate_sync(debate.events()))
    turns = store.list_turns(debate.debate_id)
    log_turn = next(t for t in turns if t.agent == "LogAgent")
    flagged = {c.text: c.problems for c in log_turn.claims if not c.valid}
    assert flagged == {"The CPU was at 100%": ["cites unknown evidence E404"], "Trust me": ["cites no evidence"]}
    critic = next(t for t in turns if t.agent == "CriticAgent")
    assert sum("citation" in c.id for c in critic.challenges) == 2
    judgment = events[-1].judgment  # type: ignore[union-attr]
    assert "E404" not in {e.id for e in judgment.evidence_chain}


def test_a_crashed_debate_resumes_without_repeating_turns(store: Store, fused: str) -> None:
    first = Debate(store, fused, OfflineBrain())
    stream = first.events()
    loop = asyncio.new_event_loop()
    try:
        while True:  # "crash" right after the critic's first turn is stored
            event = loop.run_until_complete(stream.__anext__())
            if event.type == "turn_finished" and event.turn.agent == "CriticAgent":  # type: ignore[union-attr]
                break
        loop.run_until_complete(stream.aclose())
    finally:
        loop.close()
    assert len(store.list_turns(first.debate_id)) == 4
    resumed = Debate(store, fused, OfflineBrain(), debate_id=first.debate_id)
    list(iterate_sync(resumed.events()))
    turns = store.list_turns(first.debate_id)
    assert [t.agent for t in turns].count("LogAgent") == 1
    assert turns[-1].agent == "JudgeAgent" and store.get_judgment(first.debate_id) is not None


def test_humans_can_reject_a_hypothesis_add_a_note_and_stop(store: Store, fused: str) -> None:
    debate = Debate(store, fused, OfflineBrain())
    debate.intervene("reject_hypothesis", "not convinced", target="HC1")
    debate.intervene("note", "the DBA saw no load on the primary")
    debate.intervene("evidence", "The inventory_item table had 3,000 lock waits at 12:35")
    events = list(iterate_sync(debate.events()))
    kinds = [e.kind for e in events if e.type == "intervention"]  # type: ignore[union-attr]
    assert kinds == ["reject_hypothesis", "note", "evidence"]
    human = [e for e in store.list_evidence(fused) if e.kind == "human"]
    assert len(human) == 1 and "lock waits" in human[0].text  # joined the ledger with the next id
    judgment = events[-1].judgment  # type: ignore[union-attr]
    assert "HC1" in {h.id for h in judgment.rejected_hypotheses}
    critic = next(t for t in store.list_turns(debate.debate_id) if t.agent == "CriticAgent")
    assert any("DBA" in c.text for c in critic.challenges)

    stopped = Debate(store, fused, OfflineBrain())
    stopped.cancel()
    list(iterate_sync(stopped.events()))
    assert store.get_debate(stopped.debate_id).status == "cancelled"
    assert store.get_judgment(stopped.debate_id) is None


def test_debate_needs_fused_evidence(store: Store, settings: Settings) -> None:
    from core.schema import IncidentDraft
    from tests.conftest import START

    incident = store.create_incident(IncidentDraft(title="t", severity="low", started_at=START, service="s"))
    with pytest.raises(DebateError, match="no fused evidence"):
        Debate(store, incident.id, OfflineBrain())
