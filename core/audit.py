"""The audit trail: an append-only, hash-chained table of who did what, when, on which incident."""

from __future__ import annotations

import csv
import getpass
import io
import json
import logging
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from core._store_audit import GENESIS, chain_hash

if TYPE_CHECKING:
    from core.store import Store

__all__ = ["Action", "AuditEvent", "actions", "cli_actor", "list_events", "record", "to_csv", "verify_chain"]

log = logging.getLogger(__name__)

class Action:
    """The action names the product records (a free string is accepted too; these keep names consistent)."""

    INCIDENT_CREATED = "incident.created"
    INCIDENT_DELETED = "incident.deleted"
    ASSET_UPLOADED = "asset.uploaded"
    DEBATE_STARTED = "debate.started"
    DEBATE_STOPPED = "debate.stopped"
    DEBATE_RESUMED = "debate.resumed"
    INTERVENTION = "debate.intervention"
    RULING = "debate.ruling"
    REVIEW = "review.decision"
    CASE_CONFIRMED = "case.confirmed"
    EXPORT = "report.export"
    SETTING_CHANGED = "setting.changed"
    SIGN_IN = "auth.sign_in"
    SIGN_IN_FAILED = "auth.sign_in_failed"
    SIGN_OUT = "auth.sign_out"
    USER_ADDED = "user.added"
    USER_ROLE_CHANGED = "user.role_changed"
    USER_DISABLED = "user.disabled"
    USER_ENABLED = "user.enabled"
    USER_PASSWORD_CHANGED = "user.password_changed"
    FORBIDDEN = "auth.forbidden"


def actions() -> list[str]:
    """Every action name in `Action`, sorted (the audit page offers them as a filter)."""
    return sorted(v for k, v in vars(Action).items() if k.isupper() and isinstance(v, str))


class AuditEvent(BaseModel):
    """One row of the audit trail."""

    model_config = ConfigDict(frozen=True)

    seq: int
    at: datetime
    actor: str
    action: str
    incident_id: str | None = None
    detail: dict[str, Any] = {}


def cli_actor() -> str:
    """The command line's actor: ``os:<user>`` (the account that ran `python -m core`)."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        user = f"uid{os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return f"os:{user}"


def record(store: Store, *, actor: str, action: str, incident_id: str | None = None,
           detail: dict[str, Any] | None = None) -> None:
    """Append one row to the audit trail (rows are never updated or deleted).

    Args:
        actor: who acted, as the audit shows it (a user name, ``os:<user>`` for the CLI).
        action: what happened, e.g. ``Action.DEBATE_STARTED``.
        incident_id: the incident it concerns, if any.
        detail: small JSON-able facts (names, ids, counts); never a password or an asset's content.

    Raises:
        StoreError: the row could not be written.
    """
    text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str)
    store.append_audit(actor, action, incident_id, text)
    log.info("audit: %s %s %s %s", actor, action, incident_id or "-", text)


def _event(row: dict[str, Any]) -> AuditEvent:
    at = row["at"]
    if hasattr(at, "to_pydatetime"):
        at = at.to_pydatetime()
    incident = row["incident_id"]
    return AuditEvent(seq=int(row["seq"]), at=at.astimezone(UTC), actor=row["actor"], action=row["action"],
                      incident_id=incident if isinstance(incident, str) else None,
                      detail=json.loads(row["detail"] or "{}"))


def list_events(store: Store, *, limit: int = 500, action: str | None = None, incident_id: str | None = None,
                actor: str | None = None, since: datetime | None = None, until: datetime | None = None,
                text: str | None = None) -> list[AuditEvent]:
    """Audit rows, newest first.

    Args:
        limit: at most this many rows.
        action: an action name, or a prefix before a dot (``"debate"`` matches ``debate.started`` …).
        incident_id, actor: exact matches.
        since, until: bounds on the time (inclusive, zone-aware).
        text: a case-insensitive substring of the actor, action, incident id or detail.
    """
    where: list[str] = []
    params: list[object] = []
    if action:
        where.append("(action = ? OR starts_with(action, ?))")
        params += [action, action.rstrip(".") + "."]
    if incident_id:
        where.append("incident_id = ?")
        params.append(incident_id)
    if actor:
        where.append("actor = ?")
        params.append(actor)
    if since is not None:
        where.append("occurred_at >= ?")
        params.append(since)
    if until is not None:
        where.append("occurred_at <= ?")
        params.append(until)
    if text:
        where.append("concat_ws(' ', actor, action, coalesce(incident_id, ''), detail) ILIKE ?")
        params.append(f"%{text.replace('%', '').replace('_', '')}%")
    sql = ("SELECT seq, occurred_at AS at, actor, action, incident_id, detail FROM audit_log"
           + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY seq DESC LIMIT ?")
    frame = store.query_df(sql, [*params, max(0, int(limit))])
    return [_event(row) for row in frame.to_dict("records")]


def verify_chain(store: Store) -> int | None:
    """The sequence number of the first row whose hash does not follow from the rows before it, or None if intact."""
    frame = store.query_df("SELECT seq, occurred_at AS at, actor, action, incident_id, detail, prev_hash, hash "
                           "FROM audit_log ORDER BY seq")
    prev = GENESIS
    for row in frame.to_dict("records"):
        event = _event(row)
        incident = row["incident_id"] if isinstance(row["incident_id"], str) else None
        if row["prev_hash"] != prev or row["hash"] != chain_hash(prev, event.at, row["actor"], row["action"],
                                                               incident, row["detail"]):
            return int(row["seq"])
        prev = row["hash"]
    return None


def _cell(value: str) -> str:
    # A spreadsheet runs a cell that starts with = + - @ as a formula; actor names and details are user text.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(events: list[AuditEvent]) -> str:
    """The events as CSV (header: seq, at_utc, actor, action, incident_id, detail), formula-safe for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["seq", "at_utc", "actor", "action", "incident_id", "detail"])
    for e in events:
        writer.writerow([e.seq, e.at.astimezone(UTC).isoformat(timespec="seconds"), _cell(e.actor), _cell(e.action),
                         e.incident_id or "", _cell(json.dumps(e.detail, ensure_ascii=False, sort_keys=True))])
    return out.getvalue()
