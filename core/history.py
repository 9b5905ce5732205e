"""History: every incident with its latest ruling and review state, searched and filtered; deleting one (admin)."""

from __future__ import annotations

import json
import shutil
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from core import audit
from core.auth import Principal, require_principal
from core.config import Settings
from core.errors import Forbidden, StoreError
from core.review import needs_approval
from core.schema import Incident, Judgment, Severity
from core.store import Store

__all__ = ["REVIEW_FILTERS", "HistoryQuery", "HistoryRow", "delete_incident", "history", "matches", "teams"]

#: Review filter values: a ruling's review state, or "none" for an incident without a ruling.
REVIEW_FILTERS = ("draft", "final", "rejected", "sent_back", "none")


class HistoryRow(BaseModel):
    """One incident as History lists it."""

    model_config = ConfigDict(frozen=True)

    incident: Incident
    debate_id: str | None = None
    root_cause: str | None = None
    confidence: float | None = None
    team: str | None = None
    risk: Severity | None = None
    review_state: str = Field(default="none", description="draft | final | rejected | sent_back, or none (no ruling)")
    needs_approval: bool = False
    decided_by: str | None = None


class HistoryQuery(BaseModel):
    """What the user searches for: words (all must appear) and filters (empty = any)."""

    text: str = ""
    statuses: list[str] = Field(default_factory=list)
    reviews: list[str] = Field(default_factory=list)
    severities: list[str] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)
    since: date | None = None
    until: date | None = None


def history(store: Store) -> list[HistoryRow]:
    """Every incident, newest first, with its latest debate's ruling and review state."""
    rows = []
    for incident, debate_id, payload, state, decided_by in store.history_rows():
        judgment = Judgment.model_validate_json(payload) if payload else None
        rows.append(HistoryRow(
            incident=incident, debate_id=debate_id,
            root_cause=judgment.root_cause if judgment else None, confidence=judgment.confidence if judgment else None,
            team=judgment.responsible_team if judgment else None, risk=judgment.risk_level if judgment else None,
            review_state=state or ("draft" if judgment else "none"),
            needs_approval=bool(judgment and needs_approval(judgment)), decided_by=decided_by))
    return rows


def _haystack(row: HistoryRow) -> str:
    inc = row.incident
    titles = [inc.title] + [texts.get("title", "") for texts in inc.i18n.values()]  # every language's title
    return " ".join([*titles, inc.id, inc.service, row.root_cause or "", row.team or ""]).casefold()


def matches(row: HistoryRow, query: HistoryQuery) -> bool:
    """True when the row has every word of the query's text and passes every filter that is set."""
    words = query.text.casefold().split()
    if words:
        hay = _haystack(row)
        if not all(w in hay for w in words):
            return False
    inc = row.incident
    if query.statuses and inc.status not in query.statuses:
        return False
    if query.reviews and row.review_state not in query.reviews:
        return False
    if query.severities and inc.severity not in query.severities:
        return False
    if query.teams and (row.team or "") not in query.teams:
        return False
    day = inc.started_at.date()
    if query.since and day < query.since:
        return False
    return not (query.until and day > query.until)


def teams(rows: list[HistoryRow]) -> list[str]:
    """Every responsible team a ruling named, sorted."""
    return sorted({r.team for r in rows if r.team})


def delete_incident(store: Store, settings: Settings, incident_id: str, actor: Principal) -> dict[str, int]:
    """Delete an incident: every row of it in the store and its files under the data directory (admin only, audited).

    The audit trail keeps its rows, and gains one saying who deleted what.

    Raises:
        Forbidden: `actor` is not an admin (the refusal is audited).
        StoreError: no such incident, or the store could not be written.
    """
    try:
        require_principal(actor, "admin", "delete an incident")
    except Forbidden:
        audit.record(store, actor=actor.name, action=audit.Action.FORBIDDEN, incident_id=incident_id,
                     detail={"wanted": audit.Action.INCIDENT_DELETED, "role": actor.role})
        raise
    incident = store.get_incident(incident_id)
    removed = store.delete_incident(incident_id)
    folder = (settings.work_dir / incident_id).resolve()
    if folder.is_dir() and folder.is_relative_to(settings.work_dir.resolve()):
        shutil.rmtree(folder, ignore_errors=True)
    if not removed.get("incidents"):
        raise StoreError(f"Incident {incident_id} was already gone.")
    audit.record(store, actor=actor.name, action=audit.Action.INCIDENT_DELETED, incident_id=incident_id,
                 detail={"title": incident.title, "service": incident.service, "rows": json.dumps(removed)})
    return removed
