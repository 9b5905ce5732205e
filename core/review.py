"""Review and sign-off: every ruling starts as a draft; a risky one needs an approver before its report is final.

States and who may move a ruling out of ``draft`` (every other state is where it stays; a new debate makes a
new draft):

==============  ==========  ========================================================================
decision        role        leads to
==============  ==========  ========================================================================
``approve``     approver    ``final``
``finalize``    analyst     ``final`` — only a ruling that does not need an approver
``reject``      approver    ``rejected`` (a reason is required)
``send_back``   approver    ``sent_back`` (a note is required; it enters the debate as a human note,
                            and the next debate of the incident starts with it)
==============  ==========  ========================================================================

A ruling needs an approver when its risk is critical or high or when it recommends a rollback.
Every decision is written to the audit trail.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from core import audit
from core.auth import Principal, allows, require_principal
from core.config import Settings
from core.errors import Forbidden, ReviewError, TribunalError
from core.schema import Intervention, Judgment, ReviewDecision, ReviewStatus
from core.store import Store

__all__ = ["DECISIONS", "allowed_decisions", "carried_note", "decide", "latest_ruling", "needs_approval",
           "review_status"]

log = logging.getLogger(__name__)

#: Every decision, with the least role that may take it and the state it leads to.
DECISIONS: dict[ReviewDecision, tuple[str, str]] = {
    "approve": ("approver", "final"),
    "finalize": ("analyst", "final"),
    "reject": ("approver", "rejected"),
    "send_back": ("approver", "sent_back"),
}
_WHAT = {"approve": "approve a ruling", "finalize": "finalise a ruling", "reject": "reject a ruling",
         "send_back": "send a ruling back"}


def needs_approval(judgment: Judgment) -> list[str]:
    """Why the ruling needs an approver's decision ("risk", "rollback"); empty when an analyst may finalise it."""
    why = []
    if judgment.risk_level in ("critical", "high"):
        why.append("risk")
    if judgment.rollback_recommended:
        why.append("rollback")
    return why


def latest_ruling(store: Store, incident_id: str) -> tuple[str, Judgment]:
    """The incident's latest debate id and its ruling.

    Raises:
        StoreError: the incident does not exist.
        ReviewError: its latest debate has no ruling (none yet, still running, failed or stopped).
    """
    store.get_incident(incident_id)
    info = store.latest_debate(incident_id)
    judgment = store.get_judgment(info.id) if info else None
    if info is None or judgment is None:
        raise ReviewError(f"Incident {incident_id} has no ruling to review yet: run its debate to the end first.")
    return info.id, judgment


def review_status(store: Store, debate_id: str, judgment: Judgment | None = None) -> ReviewStatus:
    """Where the ruling of `debate_id` stands: its stored decision, or a draft.

    Raises:
        ReviewError: the debate has no ruling.
    """
    judgment = judgment or store.get_judgment(debate_id)
    if judgment is None:
        raise ReviewError("This debate has no ruling to review yet.")
    why = needs_approval(judgment)
    stored = store.get_review(debate_id)
    if stored is not None:
        return stored.model_copy(update={"why": why})
    return ReviewStatus(debate_id=debate_id, state="draft", needs_approval=bool(why), why=why)  # type: ignore[arg-type]


def allowed_decisions(status: ReviewStatus, role: str) -> list[ReviewDecision]:
    """The decisions `role` may take on a ruling in `status` (what the report page offers as buttons)."""
    if status.state != "draft":
        return []
    return [d for d, (needed, _) in DECISIONS.items()
            if allows(role, needed) and not (d == "finalize" and status.needs_approval)]


def decide(store: Store, incident_id: str, actor: Principal, decision: ReviewDecision, text: str = "", *,
           settings: Settings | None = None) -> ReviewStatus:
    """Take a review decision on the incident's latest ruling, audited.

    Args:
        text: the reason of a rejection, or the note of a send-back (required for those two).
        settings: when given, a ruling made final joins the case library as a confirmed ruling (if it may: not
            the built-in demo, not abstained); a library that cannot be written is logged, the decision stands.

    Raises:
        Forbidden: `actor`'s role may not take this decision (the refusal is audited too).
        ReviewError: no ruling, already decided, a missing reason or note, or finalising a ruling that needs an
            approver.
    """
    if decision not in DECISIONS:
        raise ReviewError(f"Unknown decision {decision!r}; one of {', '.join(DECISIONS)}.")
    debate_id, judgment = latest_ruling(store, incident_id)
    needed, target = DECISIONS[decision]
    try:
        require_principal(actor, needed, _WHAT[decision])
    except Forbidden:
        audit.record(store, actor=actor.name, action=audit.Action.FORBIDDEN, incident_id=incident_id,
                     detail={"wanted": f"review.{decision}", "role": actor.role})
        raise
    current = review_status(store, debate_id, judgment)
    if current.state != "draft":
        raise ReviewError(f"This ruling was already decided ({current.state}, {current.decision} by "
                          f"{current.decided_by}); a new debate makes a new draft.")
    if decision == "finalize" and current.needs_approval:
        raise ReviewError("This ruling " + " and ".join(
            {"risk": f"has risk {judgment.risk_level}", "rollback": "recommends a rollback"}[w] for w in current.why)
            + ": an approver must approve, reject or send it back.")
    text = (text or "").strip()
    if decision in ("reject", "send_back") and not text:
        raise ReviewError("Say why: a rejection needs a reason, and a send-back needs a note for the debate.")
    now = datetime.now(UTC)
    status = current.model_copy(update={"state": target, "decision": decision, "decided_by": actor.name,
                                        "decided_role": actor.role, "decided_at": now, "text": text})
    if not store.put_review(incident_id, status):
        raise ReviewError("Someone else decided on this ruling a moment ago; reload to see their decision.")
    if decision == "send_back":
        store.append_event(Intervention(incident_id=incident_id, debate_id=debate_id, at=now, kind="note",
                                        text=text, target=None))
    audit.record(store, actor=actor.name, action=audit.Action.REVIEW, incident_id=incident_id,
                 detail={"decision": decision, "state": target, "debate_id": debate_id, "role": actor.role,
                         **({"text": text} if text else {})})
    if settings is not None and target == "final":
        _confirm_into_library(store, settings, incident_id, actor)
    return status


def _confirm_into_library(store: Store, settings: Settings, incident_id: str, actor: Principal) -> None:
    from core.case_review import confirm_ruling, library_state

    try:
        if library_state(store, settings, incident_id).allowed:
            confirm_ruling(store, settings, incident_id, actor)
    except TribunalError as exc:
        log.warning("incident %s: the final ruling did not join the case library: %s", incident_id, exc)


def carried_note(store: Store, incident_id: str) -> str | None:
    """The note of the incident's latest ruling if an approver sent it back: the next debate starts with it."""
    info = store.latest_debate(incident_id)
    stored = store.get_review(info.id) if info else None
    return stored.text if stored is not None and stored.state == "sent_back" and stored.text else None
