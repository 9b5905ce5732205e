"""Review and sign-off: the state machine, who may decide, the audit rows, and a send-back's note in the next debate."""

from __future__ import annotations

import pytest

from core import audit
from core.auth import Principal
from core.bundle import load_bundle
from core.config import Settings
from core.errors import Forbidden, ReviewError
from core.pipeline import fuse, ingest_bundle, open_incident, run_debate
from core.review import allowed_decisions, decide, latest_ruling, review_status
from core.schema import Intervention
from core.store import Store
from tests.conftest import MiniBundle

VIEWER, ANALYST = Principal("vera", "viewer"), Principal("ann", "analyst")
APPROVER, ADMIN = Principal("apollo", "approver"), Principal("ada", "admin")


@pytest.fixture
def incident_id(store: Store, settings: Settings, mini_bundle: MiniBundle) -> str:
    bundle = load_bundle(mini_bundle.root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    fuse(store, settings, incident.id)
    list(run_debate(store, settings, incident.id))
    return incident.id


def _set_risk(store: Store, incident_id: str, risk: str, rollback: bool) -> None:
    debate_id, judgment = latest_ruling(store, incident_id)
    store.save_judgment(debate_id, incident_id,
                        judgment.model_copy(update={"risk_level": risk, "rollback_recommended": rollback}))


def _reviews(store: Store, incident_id: str) -> list[audit.AuditEvent]:
    return audit.list_events(store, action=audit.Action.REVIEW, incident_id=incident_id)


@pytest.mark.parametrize("risk,rollback,why", [("high", False, ["risk"]), ("critical", False, ["risk"]),
                                               ("low", True, ["rollback"]), ("high", True, ["risk", "rollback"])])
def test_a_risky_ruling_starts_as_a_draft_an_analyst_cannot_finalise(store: Store, incident_id: str, risk: str,
                                                                      rollback: bool, why: list[str]) -> None:
    _set_risk(store, incident_id, risk, rollback)
    debate_id, _ = latest_ruling(store, incident_id)
    status = review_status(store, debate_id)
    assert status.state == "draft" and status.needs_approval and status.why == why
    assert allowed_decisions(status, "analyst") == [] and allowed_decisions(status, "viewer") == []
    assert set(allowed_decisions(status, "approver")) == {"approve", "reject", "send_back"}
    with pytest.raises(ReviewError, match="approver must"):
        decide(store, incident_id, ADMIN, "finalize")
    with pytest.raises(Forbidden):
        decide(store, incident_id, ANALYST, "approve")
    assert review_status(store, debate_id).state == "draft" and not _reviews(store, incident_id)
    refused = audit.list_events(store, action=audit.Action.FORBIDDEN, incident_id=incident_id)
    assert [(e.actor, e.detail["wanted"]) for e in refused] == [("ann", "review.approve")]

    approved = decide(store, incident_id, APPROVER, "approve")
    assert approved.state == "final" and approved.decided_by == "apollo" and approved.decided_at is not None
    assert review_status(store, debate_id).state == "final"
    [row] = _reviews(store, incident_id)
    assert row.actor == "apollo" and row.detail["decision"] == "approve" and row.detail["state"] == "final"
    with pytest.raises(ReviewError, match="already decided"):
        decide(store, incident_id, APPROVER, "reject", "too late")


def test_a_low_risk_ruling_an_analyst_finalises_and_a_viewer_cannot(store: Store, incident_id: str) -> None:
    _set_risk(store, incident_id, "medium", False)
    debate_id, _ = latest_ruling(store, incident_id)
    status = review_status(store, debate_id)
    assert not status.needs_approval and allowed_decisions(status, "analyst") == ["finalize"]
    with pytest.raises(Forbidden):
        decide(store, incident_id, VIEWER, "finalize")
    final = decide(store, incident_id, ANALYST, "finalize")
    assert final.state == "final" and final.decision == "finalize" and final.decided_role == "analyst"
    assert allowed_decisions(review_status(store, debate_id), "admin") == []


def test_reject_needs_a_reason_and_keeps_it(store: Store, incident_id: str) -> None:
    _set_risk(store, incident_id, "high", True)
    with pytest.raises(ReviewError, match="reason"):
        decide(store, incident_id, APPROVER, "reject", "   ")
    rejected = decide(store, incident_id, APPROVER, "reject", "the commit was never deployed")
    assert rejected.state == "rejected" and rejected.text == "the commit was never deployed"
    assert _reviews(store, incident_id)[0].detail["text"] == "the commit was never deployed"


def test_send_back_puts_the_note_in_the_debate_and_the_next_debate_starts_with_it(
        store: Store, settings: Settings, incident_id: str) -> None:
    _set_risk(store, incident_id, "high", True)
    first, _ = latest_ruling(store, incident_id)
    note = "check whether the pool size changed in the same release"
    sent = decide(store, incident_id, APPROVER, "send_back", note)
    assert sent.state == "sent_back"
    assert [(i.kind, i.text) for i in store.list_interventions(first)] == [("note", note)]

    events = list(run_debate(store, settings, incident_id))
    second, _ = latest_ruling(store, incident_id)
    assert second != first
    carried = [e for e in events if isinstance(e, Intervention)]
    assert [(i.kind, i.text) for i in carried] == [("note", note)]
    critic = next(t for t in store.list_turns(second) if t.agent == "CriticAgent")
    assert any(note[:40] in c.text for c in critic.challenges)
    assert review_status(store, second).state == "draft"  # a new ruling is a new draft


def test_no_ruling_nothing_to_review(store: Store, settings: Settings, mini_bundle: MiniBundle) -> None:
    incident = open_incident(store, load_bundle(mini_bundle.root).draft)
    with pytest.raises(ReviewError, match="no ruling"):
        decide(store, incident.id, ADMIN, "approve")


def test_a_ruling_made_final_joins_the_case_library_and_a_rejected_one_does_not(
        store: Store, settings: Settings, incident_id: str, mini_bundle: MiniBundle) -> None:
    from core.cases import in_library

    _set_risk(store, incident_id, "high", True)
    decide(store, incident_id, APPROVER, "reject", "wrong commit", settings=settings)
    assert not in_library(settings, incident_id)
    list(run_debate(store, settings, incident_id))  # a new ruling, a new draft
    decide(store, incident_id, APPROVER, "approve", settings=settings)
    assert in_library(settings, incident_id)  # confirmed by the approver
