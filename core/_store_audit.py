"""The audit side of the store: appending one hash-chained row (the product never updates or deletes them)."""

from __future__ import annotations

import hashlib
import json
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import duckdb

__all__ = ["GENESIS", "AuditLog", "chain_hash"]

#: The `prev_hash` of the first row.
GENESIS = "0" * 64


def chain_hash(prev_hash: str, at: datetime, actor: str, action: str, incident_id: str | None, detail: str) -> str:
    """The hash of a row: its fields and the hash of the row before it."""
    payload = json.dumps([prev_hash, at.astimezone(UTC).isoformat(), actor, action, incident_id, detail],
                         ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class AuditLog:
    """Store method for the audit trail (mixed into Store; a plain call, so it also works through a worker's proxy)."""

    if TYPE_CHECKING:
        def transaction(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]: ...

    def append_audit(self, actor: str, action: str, incident_id: str | None, detail_json: str) -> None:
        """Append one row to `audit_log`, chained to the row before it."""
        at = datetime.now(UTC)
        with self.transaction() as cur:  # the write lock orders rows, so each sees the hash of the one before
            rows = cur.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchall()
            prev = rows[0][0] if rows else GENESIS
            cur.execute(
                "INSERT INTO audit_log (occurred_at, actor, action, incident_id, detail, prev_hash, hash) "
                "VALUES (?,?,?,?,?,?,?)",
                [at, actor, action, incident_id, detail_json, prev,
                 chain_hash(prev, at, actor, action, incident_id, detail_json)],
            )
