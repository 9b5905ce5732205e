"""Code decides: consensus from typed challenges, rejected hypotheses not ruled, humans' questions answered,
the ruling checked against the ledger, and a confidence cap that padding cannot raise (offline and fake brains)."""

from __future__ import annotations

import asyncio

import pytest

from core.agents import AgentReply, DebateView, OfflineBrain
from core.agents.base import StreamFn
from core.agents.objections import consensus_reached, open_objections
from core.agents.ruling_check import check_ruling, evidence_cap
from core.bundle import load_bundle
from core.config import Settings
from core.debate import Debate, iterate_sync
from core.errors import DebateError
from core.pipeline import fuse, ingest_bundle, open_incident
from core.resume import resume_incident
from core.schema import (
    AgentName,
    AgentTurn,
    Challenge,
    CodeLocation,
    CommitRef,
    EvidenceRef,
    Judgment,
)
from core.store import Store
from tests.conftest import MiniBundle


@pytest.fixture
def fused(store: Store, settings: Settings, mini_bundle: MiniBundle) -> str:
    bundle = load_bundle(mini_bundle.root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    fuse(store, settings, incident.id)
    return incident.id


def _finished(store: Store, fused: str) -> tuple[Debate, Judgment]:
    debate = Debate(store, fused, OfflineBrain())
    events = list(iterate_sync(debate.events()))
    assert events[-1].type == "judgment"
    return debate, events[-1].judgment  # type: ignore[union-attr]


class _HastyCritic(OfflineBrain):
    """A critic that declares consensus in round 1 while raising a material challenge."""

    async def reply(self, agent: AgentName, view: DebateView, stream: StreamFn) -> AgentReply:
        result = await super().reply(agent, view, stream)
        if agent == "CriticAgent" and view.round == 1:
            assert any(c.material for c in result.challenges)
            result = result.model_copy(update={"consensus": True})
        return result


class _StubbornCritic(OfflineBrain):
    """A critic that never declares consensus, even with nothing material left to say."""

    async def reply(self, agent: AgentName, view: DebateView, stream: StreamFn) -> AgentReply:
        result = await super().reply(agent, view, stream)
        return result.model_copy(update={"consensus": False}) if agent == "CriticAgent" else result


def test_a_material_challenge_goes_to_rebuttal_although_the_critic_says_consensus(store: Store, fused: str) -> None:
    debate = Debate(store, fused, _HastyCritic())
    events = list(iterate_sync(debate.events()))
    turns = store.list_turns(debate.debate_id)
    assert [(t.agent, t.round) for t in turns[3:5]] == [("CriticAgent", 1), ("RebuttalAgent", 1)]
    assert not any(e.type == "consensus" and e.round == 1 for e in events)  # type: ignore[union-attr]
    assert "material challenge" in turns[3].note  # the bubble says code overruled the critic


def test_the_critic_flag_is_advisory_no_material_challenge_ends_the_debate(store: Store, fused: str) -> None:
    debate = Debate(store, fused, _StubbornCritic())
    list(iterate_sync(debate.events()))
    info = store.get_debate(debate.debate_id)
    critics = [t for t in store.list_turns(debate.debate_id) if t.agent == "CriticAgent"]
    assert info.consensus and info.rounds == 2 and len(critics) == 2
    assert not any(c.material for c in critics[-1].challenges) and critics[-1].note


class _GapsOnlyThenCrash(OfflineBrain):
    """Round 1: the critic raises only gaps (and no consensus flag); the judge then crashes the process."""

    async def reply(self, agent: AgentName, view: DebateView, stream: StreamFn) -> AgentReply:
        if agent == "JudgeAgent":
            raise DebateError("the process died")
        result = await super().reply(agent, view, stream)
        if agent == "CriticAgent":
            gaps = [c.model_copy(update={"material": False}) for c in result.challenges]
            result = result.model_copy(update={"challenges": gaps, "consensus": False})
        return result


def test_resume_applies_the_same_consensus_rule(store: Store, settings: Settings, fused: str) -> None:
    first = Debate(store, fused, _GapsOnlyThenCrash())
    list(iterate_sync(first.events()))
    assert store.get_debate(first.debate_id).status == "failed"
    assert [t.agent for t in store.list_turns(first.debate_id)][3:] == ["CriticAgent"]  # consensus in round 1
    result = resume_incident(store, settings, fused)
    turns = store.list_turns(first.debate_id)
    # Read back from the store, the round-1 critique still leaves nothing material open: straight to the judge.
    assert result.judgment is not None and [t.agent for t in turns][3:] == ["CriticAgent", "JudgeAgent"]
    assert store.get_debate(first.debate_id).consensus


def test_challenge_kind_is_a_field_and_old_ids_still_read() -> None:
    assert Challenge(id="C1", kind="timing", target="HC1", text="x").kind == "timing"
    assert Challenge(id="C2-closer-commit", target="HC1", text="x").kind == "closer-commit"  # stored before the field
    assert Challenge(id="C3-citation4.0", target="LogAgent", text="x").kind == "citation"


def test_open_objections_lower_the_ruling_confidence(store: Store, fused: str) -> None:
    debate, judgment = _finished(store, fused)
    view = debate.view
    critic = view.last("CriticAgent")
    assert critic is not None and consensus_reached(critic)
    high = judgment.model_copy(update={"confidence": 0.95, "checks": []})
    confidences = []
    for n in range(3):
        objections = [Challenge(id=f"C9-x{i}", kind="other", target="HC1", text="no", citations=[]) for i in range(n)]
        turns = [*view.turns, critic.model_copy(update={"seq": 99, "challenges": objections})]
        probe = view.model_copy(update={"turns": turns})
        assert len(open_objections(probe).material) == n
        confidences.append(check_ruling(high, probe).confidence)
    assert confidences[0] > confidences[1] > confidences[2]


def test_a_rejected_hypothesis_is_not_ruled(store: Store, fused: str) -> None:
    debate, judgment = _finished(store, fused)
    assert judgment.hypothesis_id and not judgment.checks
    # Everything the experts proposed is rejected by a human: the offline judge has nothing left to rule.
    rejected = Debate(store, fused, OfflineBrain())
    for hid in ("HC1", "HC2", "HL1", "HD1", "HD2"):
        rejected.intervene("reject_hypothesis", "not convinced", target=hid)
    ruling = list(iterate_sync(rejected.events()))[-1].judgment  # type: ignore[union-attr]
    assert ruling.abstained and ruling.root_cause_location is None and ruling.suspect_commit is None
    assert not ruling.rollback_recommended
    # A judge (say, a model) that rules for a rejected hypothesis anyway: code takes the ruling back.
    view = debate.view.model_copy(update={"interventions": rejected.view.interventions})
    checked = check_ruling(judgment, view)
    assert checked.abstained and checked.root_cause_location is None and checked.suspect_commit is None
    assert checked.confidence <= 0.3 and checked.checks[0].field == "hypothesis"


def test_a_question_is_answered_by_the_agent_it_names(store: Store, fused: str) -> None:
    debate = Debate(store, fused, OfflineBrain())
    stream = debate.events()
    loop = asyncio.new_event_loop()
    experts = 0
    events = []
    try:
        while True:
            try:
                event = loop.run_until_complete(stream.__anext__())
            except StopAsyncIteration:
                break
            events.append(event)
            if event.type == "turn_finished" and event.turn.phase == "experts":  # type: ignore[union-attr]
                experts += 1
                if experts == 3:  # the experts have spoken; they will not speak again unless asked
                    debate.intervene("question", "Did the connection pool run dry?", target="LogAgent")
                    debate.intervene("question", "Why not blame the database?", target="critic")
                    debate.intervene("question", "Who should be paged?")
    finally:
        loop.close()
    asked = {e.text: f"Q{e.seq}" for e in events if e.type == "intervention"}  # type: ignore[union-attr]
    turns = store.list_turns(debate.debate_id)
    answers = {a.challenge_id: (t.agent, t.answer_only, a.verdict) for t in turns for a in t.answers
               if a.challenge_id.startswith("Q")}
    assert answers[asked["Did the connection pool run dry?"]] == ("LogAgent", True, "answered")
    assert answers[asked["Why not blame the database?"]] == ("CriticAgent", False, "answered")
    assert answers[asked["Who should be paged?"]][0] == "CriticAgent"  # unaddressed: the next agent to speak
    # The LogAgent's answer turn leaves its hypotheses and the ruling as they were.
    log_answer = next(t for t in turns if t.agent == "LogAgent" and t.answer_only)
    assert not log_answer.hypotheses and "connection pool" in log_answer.answers[0].text
    _, plain = _finished(store, fused)
    ruled = store.get_judgment(debate.debate_id)
    assert ruled is not None and ruled.root_cause_location == plain.root_cause_location
    assert ruled.suspect_commit == plain.suspect_commit


def test_the_ruling_is_checked_against_the_ledger(store: Store, fused: str, mini_bundle: MiniBundle) -> None:
    debate, judgment = _finished(store, fused)
    assert judgment.root_cause_location is not None and judgment.suspect_commit is not None
    assert judgment.responsible_team and not judgment.checks  # the offline ruling passes as it is
    invented = judgment.model_copy(update={
        "root_cause_location": CodeLocation(file="src/main/java/com/acme/Nowhere.java", line=7, symbol="Nowhere.run"),
        "suspect_commit": CommitRef(sha="deadbeefcafe0123", author="someone", message="the change"),
        "responsible_team": "@acme/made-up-team", "impact_analysis": "All users lost data (E999).",
    })
    checked = check_ruling(invented, debate.view)
    assert checked.root_cause_location is None and checked.suspect_commit is None
    assert checked.responsible_team is None and not checked.rollback_recommended
    assert {c.field for c in checked.checks} >= {"location", "commit", "team", "impact"}
    assert "E999" in next(c.reason for c in checked.checks if c.field == "impact")
    assert checked.confidence <= 0.45
    # The real commit named with a short sha and an invented author: the history's author and message win.
    sloppy = judgment.model_copy(update={"suspect_commit": CommitRef(sha=mini_bundle.bug_sha[:8], author="someone",
                                                                      message="the change")})
    fixed = check_ruling(sloppy, debate.view)
    assert fixed.suspect_commit is not None and fixed.suspect_commit.sha == mini_bundle.bug_sha
    assert fixed.suspect_commit.author == judgment.suspect_commit.author != "someone"
    assert [c.field for c in fixed.checks] == ["author"]
    # A team whose ownership evidence nobody verified does not survive, even when the ledger holds it.
    unverified = debate.view.model_copy(update={"turns": [
        t.model_copy(update={"claims": [c for c in t.claims if not any(
            e.kind == "ownership" for e in debate.view.context.evidence if e.id in c.citations)]})
        for t in debate.view.turns]})
    assert check_ruling(judgment, unverified).responsible_team is None


def test_padding_the_chain_cannot_raise_the_cap(store: Store, fused: str) -> None:
    assert evidence_cap({"exception"}) == evidence_cap({"exception", "stack_frame", "log_burst", "log_noise"})
    assert evidence_cap({"exception", "commit"}) > evidence_cap({"exception"})  # a second, independent source
    assert evidence_cap({"exception", "commit"}, contradicting=1) < evidence_cap({"exception", "commit"})
    debate, judgment = _finished(store, fused)
    ledger = debate.view.context.evidence
    logs = [e for e in ledger if e.kind in ("exception", "log_burst", "log_noise", "stack_frame")]
    assert len(logs) >= 3
    refs = [EvidenceRef(id=e.id, kind=e.kind, source=e.source, text=e.text) for e in logs]
    # Every link verified (cited by a claim), so only the count of sources can matter.
    cited = debate.view.turns[0].model_copy(update={"seq": 98, "claims": [
        *debate.view.turns[0].claims,
        *(c.model_copy(update={"citations": [r.id]}) for r in refs for c in debate.view.turns[0].claims[:1])]})
    view = debate.view.model_copy(update={"turns": [*debate.view.turns, cited]})
    one = check_ruling(judgment.model_copy(update={"confidence": 0.95, "evidence_chain": refs[:1]}), view)
    padded = check_ruling(judgment.model_copy(update={"confidence": 0.95, "evidence_chain": refs}), view)
    assert len(padded.evidence_chain) > len(one.evidence_chain) and padded.confidence == one.confidence
    assert one.confidence <= evidence_cap({"exception"})


def test_an_expert_starts_alone_on_its_slice(store: Store, fused: str) -> None:
    seen: dict[str, tuple[set[str], int, list[str]]] = {}

    class _Spy(OfflineBrain):
        async def reply(self, agent: AgentName, view: DebateView, stream: StreamFn) -> AgentReply:
            seen.setdefault(agent, ({e.kind for e in view.context.evidence}, len(view.turns),
                                    view.context.key_findings))
            return await super().reply(agent, view, stream)

    debate = Debate(store, fused, _Spy())
    list(iterate_sync(debate.events()))
    assert seen["LogAgent"][0].isdisjoint({"commit", "blame", "change_link", "ownership", "design"})
    assert seen["CodeAgent"][0].isdisjoint({"log_burst", "log_noise", "ownership", "design"})
    assert seen["DomainAgent"][0] <= {"design", "ownership", "human"}
    assert all(seen[a][1] == 0 and not seen[a][2] for a in ("LogAgent", "DomainAgent", "CodeAgent"))
    assert seen["CriticAgent"][1] == 3 and "commit" in seen["CriticAgent"][0]  # the critic sees everything


def test_turns_of_answers_only_are_not_the_last_word(store: Store, fused: str) -> None:
    debate, _ = _finished(store, fused)
    critic = debate.view.last("CriticAgent")
    assert critic is not None
    extra = AgentTurn.model_validate({**critic.model_dump(), "seq": 100, "challenges": [], "answer_only": True})
    view = debate.view.model_copy(update={"turns": [*debate.view.turns, extra]})
    assert view.last("CriticAgent") == critic


def test_termination_is_composed_of_conditions(store: Store, fused: str) -> None:
    from core.agents.termination import debate_termination, turn_message

    debate, _ = _finished(store, fused)
    turns = store.list_turns(debate.debate_id)
    critic_1, rebuttal_1, critic_2 = (t for t in turns if t.agent in ("CriticAgent", "RebuttalAgent"))
    loop = asyncio.new_event_loop()
    try:
        run = loop.run_until_complete
        condition, stop = debate_termination(max_rounds=1)
        assert run(condition([turn_message(critic_1)])) is None  # material challenges open: go on
        assert "RoundLimit" in run(condition([turn_message(rebuttal_1)])).source  # type: ignore[union-attr]
        condition, stop = debate_termination(max_rounds=3)
        assert run(condition([turn_message(critic_2)])).source == "NoMaterialChallenge"  # type: ignore[union-attr]
        run(condition.reset())
        stop.set()
        assert run(condition([])).source == "ExternalTermination"  # type: ignore[union-attr]
    finally:
        loop.close()
