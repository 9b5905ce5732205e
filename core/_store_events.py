"""The debate log of the store: events in order, turns, interventions and rulings, written with their secrets
replaced."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import duckdb
from pydantic import TypeAdapter

from core.schema import (
    AgentTurn,
    Consensus,
    DebateEvent,
    Intervention,
    Judgment,
    RoundFinished,
    TokenDelta,
    TurnFinished,
)

__all__ = ["DebateLog"]

log = logging.getLogger(__name__)

_EVENT = TypeAdapter(DebateEvent)


def _now() -> datetime:
    return datetime.now(UTC)


class DebateLog:
    """Store methods for a debate's events (mixed into Store, whose transaction and redaction they use)."""

    if TYPE_CHECKING:
        def transaction(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]: ...
        def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...
        def _redacted_json(self, cur: duckdb.DuckDBPyConnection, incident_id: str, value: Any) -> str: ...

    def append_event(self, event: DebateEvent) -> DebateEvent:
        """Persist one event (token deltas are transient and skipped) and return it with its seq.

        A round's Consensus or RoundFinished is stored once: a resumed debate announces its finished rounds
        again, and those are not new events.
        """
        if isinstance(event, TokenDelta):
            return event
        with self.transaction() as cur:
            if isinstance(event, Consensus | RoundFinished):
                stored = cur.execute(
                    "SELECT seq FROM events WHERE debate_id = ? AND type = ? AND CAST(json_extract(payload, '$.round') "
                    "AS INTEGER) = ? LIMIT 1", [event.debate_id, event.type, event.round]).fetchall()
                if stored:
                    return event.model_copy(update={"seq": stored[0][0]})
            seq = cur.execute(
                "SELECT coalesce(max(seq), 0) + 1 FROM events WHERE debate_id = ?", [event.debate_id]
            ).fetchall()[0][0]
            event = event.model_copy(update={"seq": seq})
            # Stored with its secrets replaced (a turn quotes what the model was told, restored for display).
            payload = self._redacted_json(cur, event.incident_id, event.model_dump(mode="json"))
            cur.execute(
                "INSERT INTO events VALUES (?,?,?,?,?,?)",
                [event.debate_id, seq, event.incident_id, event.type, payload, event.at],
            )
        if isinstance(event, TurnFinished):
            log.info("incident %s: turn %s round %d stored", event.incident_id, event.turn.agent, event.turn.round)
        return event

    def list_events(self, debate_id: str, after_seq: int = 0) -> list[DebateEvent]:
        rows = self._rows(
            "SELECT payload FROM events WHERE debate_id = ? AND seq > ? ORDER BY seq", [debate_id, after_seq]
        )
        return [_EVENT.validate_json(r[0]) for r in rows]

    def list_turns(self, debate_id: str) -> list[AgentTurn]:
        return [e.turn for e in self.list_events(debate_id) if isinstance(e, TurnFinished)]

    def list_interventions(self, debate_id: str) -> list[Intervention]:
        return [e for e in self.list_events(debate_id) if isinstance(e, Intervention)]

    def save_judgment(self, debate_id: str, incident_id: str, judgment: Judgment) -> None:
        with self.transaction() as cur:
            cur.execute(
                "INSERT OR REPLACE INTO judgments VALUES (?,?,?,?)",
                [debate_id, incident_id, self._redacted_json(cur, incident_id, judgment.model_dump(mode="json")),
                 _now()],
            )

    def get_judgment(self, debate_id: str) -> Judgment | None:
        rows = self._rows("SELECT payload FROM judgments WHERE debate_id = ?", [debate_id])
        return Judgment.model_validate_json(rows[0][0]) if rows else None

    def drop_unruled_judge_turns(self, debate_id: str) -> int:
        """Remove the judge's events of a debate that has no stored ruling (it stopped between the two).

        Returns:
            How many events were removed.
        """
        if self.get_judgment(debate_id) is not None:
            return 0
        with self.transaction() as cur:
            agent = "coalesce(json_extract_string(payload, '$.agent'), json_extract_string(payload, '$.turn.agent'))"
            removed = cur.execute(f"SELECT count(*) FROM events WHERE debate_id = ? AND {agent} = 'JudgeAgent'",
                                  [debate_id]).fetchall()[0][0]
            cur.execute(f"DELETE FROM events WHERE debate_id = ? AND {agent} = 'JudgeAgent'", [debate_id])
        if removed:
            log.info("debate %s: %d event(s) of a judge turn without a ruling removed before resuming", debate_id,
                     removed)
        return int(removed)
