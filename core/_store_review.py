"""The review side of the store: sign-off decisions per ruling, the rows History lists, and deleting an incident."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import duckdb

from core.schema import Incident, ReviewStatus

__all__ = ["ReviewRecords"]

log = logging.getLogger(__name__)

# Tables that outlive an incident's deletion: the audit trail is append-only (it records the deletion itself).
_KEPT_ON_DELETE = frozenset({"audit_log"})


class ReviewRecords:
    """Store methods for review decisions and the History list (mixed into Store)."""

    if TYPE_CHECKING:
        _INCIDENT_COLS: str

        def _incident(self, row: tuple[Any, ...]) -> Incident: ...
        def transaction(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]: ...
        def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def get_review(self, debate_id: str) -> ReviewStatus | None:
        """The stored decision on a ruling, or None while nobody decided (a draft)."""
        rows = self._rows(
            "SELECT debate_id, state, needs_approval, decision, decided_by, decided_role, decided_at, text "
            "FROM reviews WHERE debate_id = ?", [debate_id])
        if not rows:
            return None
        r = rows[0]
        return ReviewStatus(debate_id=r[0], state=r[1], needs_approval=r[2], decision=r[3], decided_by=r[4],
                            decided_role=r[5], decided_at=r[6], text=r[7] or "")

    def put_review(self, incident_id: str, review: ReviewStatus, *, expect_state: str = "draft") -> bool:
        """Write a decision if the ruling is still in `expect_state` (two deciders at once: the first one wins).

        Returns:
            False when someone else decided first (nothing written).
        """
        with self.transaction() as cur:
            row = cur.execute("SELECT state FROM reviews WHERE debate_id = ?", [review.debate_id]).fetchall()
            if (row[0][0] if row else "draft") != expect_state:
                return False
            cur.execute("INSERT OR REPLACE INTO reviews VALUES (?,?,?,?,?,?,?,?,?)", [
                review.debate_id, incident_id, review.state, review.needs_approval, review.decision,
                review.decided_by, review.decided_role, review.decided_at, review.text])
        log.info("incident %s: ruling of %s is now %s (%s by %s)", incident_id, review.debate_id, review.state,
                 review.decision, review.decided_by)
        return True

    def history_rows(self) -> list[tuple[Incident, str | None, str | None, str | None, str | None]]:
        """Every incident (newest first) with its latest debate's id, ruling JSON, review state and decider.

        The ruling and review are None when there is none; an incident row that no longer reads is left out.
        """
        n = len(self._INCIDENT_COLS.split(","))
        cols = ", ".join(f"i.{c.strip()}" for c in self._INCIDENT_COLS.split(","))
        rows = self._rows(
            f"WITH latest AS (SELECT incident_id, arg_max(id, started_at) AS debate_id FROM debates GROUP BY "
            f"incident_id) "
            f"SELECT {cols}, l.debate_id, j.payload, r.state, r.decided_by FROM incidents i "
            "LEFT JOIN latest l ON l.incident_id = i.id LEFT JOIN judgments j ON j.debate_id = l.debate_id "
            "LEFT JOIN reviews r ON r.debate_id = l.debate_id ORDER BY i.created_at DESC")
        out = []
        for row in rows:
            try:
                incident = self._incident(row[:n])
            except (ValueError, TypeError, OverflowError, AttributeError) as exc:
                log.warning("incident %s: unreadable row left out of History: %s", row[0], str(exc).splitlines()[0])
                continue
            out.append((incident, row[n], row[n + 1], row[n + 2], row[n + 3]))
        return out

    def delete_incident(self, incident_id: str) -> dict[str, int]:
        """Remove every row of an incident from every table that holds one (the audit trail excepted), at once.

        Tables are found by their `incident_id` column, so a table a later migration adds is covered too.

        Returns:
            Rows removed per table (tables with none left out).
        """
        removed: dict[str, int] = {}
        with self.transaction() as cur:
            tables = [r[0] for r in cur.execute(
                "SELECT table_name FROM information_schema.columns WHERE column_name = 'incident_id' "
                "AND table_schema = current_schema() ORDER BY table_name").fetchall()]
            for table in tables:
                if table in _KEPT_ON_DELETE:
                    continue
                n = cur.execute(f'SELECT count(*) FROM "{table}" WHERE incident_id = ?', [incident_id]).fetchall()[0][0]
                if n:
                    cur.execute(f'DELETE FROM "{table}" WHERE incident_id = ?', [incident_id])
                    removed[table] = int(n)
            n = cur.execute("SELECT count(*) FROM incidents WHERE id = ?", [incident_id]).fetchall()[0][0]
            if n:
                cur.execute("DELETE FROM incidents WHERE id = ?", [incident_id])
                removed["incidents"] = int(n)
        log.info("incident %s: deleted (%s)", incident_id, ", ".join(f"{t} {n}" for t, n in removed.items()))
        return removed
