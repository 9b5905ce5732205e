"""Secrets at rest: what the store keeps of an incident's files holds placeholders, never the secrets themselves."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from core.redact import Redactor
from core.schema import Evidence

__all__ = ["SecretsAtRest", "StoredSecrets", "redact_json", "redact_stored_text"]

log = logging.getLogger(__name__)

# Stored text columns that come from the incident's files, per table; JSON columns are redacted value by value.
_TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "log_lines": ("message",),
    "log_templates": ("template",),
    "exceptions": ("message", "root_message"),
    "spans": ("status_message", "db_statement", "exception_message"),
    "sql_queries": ("statement", "user_host"),
}
_JSON_COLUMNS: dict[str, tuple[str, ...]] = {"exceptions": ("causes",)}
# A cheap RE2 test DuckDB runs over every row, so only rows that may hold a secret reach Python's rules.
# It must match whatever any rule in core.redact matches (a superset is fine).
_MAYBE_SECRET = (r"(?i)(@|eyJ|BEGIN|passw|pwd|secret|token|key|credential|bearer|AKIA|ASIA|sk-|gh[pos]_|github_pat"
                 r"|xox|glpat|AIza|LTAI|AKID|\d{3}[\s-]?\d{4}|\+\d|密码|口令|令牌|密钥)")
_WINDOW = 200_000  # rows read back per query


def redact_json(value: Any, redact: Callable[[str], str]) -> Any:
    """`value` (parsed JSON) with every string redacted; keys stay as they are."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_json(v, redact) for v in value]
    if isinstance(value, dict):
        return {k: redact_json(v, redact) for k, v in value.items()}
    return value


class StoredSecrets:
    """The at-rest redactor of each incident, kept consistent with what was stored before.

    Placeholders at rest look like `<EMAIL#1>` (prompts use `<EMAIL_1>`). Numbering continues from the
    counts in `redactions`; the originals are kept in `secret_map` only when the incident opted in.
    """

    def __init__(self) -> None:
        self._redactors: dict[str, Redactor] = {}

    def redactor(self, cur: duckdb.DuckDBPyConnection, incident_id: str) -> Redactor:
        """The incident's at-rest redactor (loaded from the store the first time)."""
        if incident_id not in self._redactors:
            start = dict(cur.execute("SELECT kind, distinct_values FROM redactions WHERE incident_id = ?",
                                     [incident_id]).fetchall())
            known = cur.execute("SELECT placeholder, kind, value FROM secret_map WHERE incident_id = ?",
                                [incident_id]).fetchall()
            self._redactors[incident_id] = Redactor(marker="#", start=start, known=known)
        return self._redactors[incident_id]

    def forget(self, incident_id: str) -> None:
        """Drop the cached redactor (its counts were removed from the store)."""
        self._redactors.pop(incident_id, None)

    @staticmethod
    def keeps_map(cur: duckdb.DuckDBPyConnection, incident_id: str) -> bool:
        rows = cur.execute("SELECT keep_map FROM secret_policy WHERE incident_id = ?", [incident_id]).fetchall()
        return bool(rows and rows[0][0])

    def redact_text(self, cur: duckdb.DuckDBPyConnection, incident_id: str, text: str) -> str:
        """`text` with its secrets replaced; the counts (and the map, if kept) are saved in `cur`'s transaction."""
        redactor = self.redactor(cur, incident_id)
        tally: Counter[str] = Counter()
        out = redactor.redact(text, tally=tally)
        if tally:
            self.save(cur, incident_id, tally)
        return out

    def save(self, cur: duckdb.DuckDBPyConnection, incident_id: str, tally: Counter[str]) -> None:
        """Add `tally` to the incident's counts and store the numbering (and the originals, if kept)."""
        redactor = self.redactor(cur, incident_id)
        distinct = redactor.distinct()
        for kind, count in tally.items():
            cur.execute(
                "INSERT INTO redactions VALUES (?, ?, ?, ?) ON CONFLICT (incident_id, kind) DO UPDATE SET "
                "occurrences = redactions.occurrences + excluded.occurrences, distinct_values = "
                "excluded.distinct_values",
                [incident_id, kind, count, distinct.get(kind, 0)])
        if self.keeps_map(cur, incident_id):
            cur.executemany("INSERT OR IGNORE INTO secret_map VALUES (?, ?, ?, ?)",
                            [[incident_id, name, kind, value] for name, kind, value in redactor.entries()])


def redact_stored_text(cur: duckdb.DuckDBPyConnection, secrets: StoredSecrets, incident_id: str) -> Counter[str]:
    """Replace the secrets in an incident's stored log lines, templates, exceptions, spans and SQL, in place.

    Runs inside the caller's transaction. Idempotent: placeholders are never replaced again.

    Returns:
        How many occurrences of each kind were replaced by this call.
    """
    redactor = secrets.redactor(cur, incident_id)
    tally: Counter[str] = Counter()
    for table in dict.fromkeys([*_TEXT_COLUMNS, *_JSON_COLUMNS]):
        texts, jsons = _TEXT_COLUMNS.get(table, ()), _JSON_COLUMNS.get(table, ())
        columns = [*texts, *jsons]
        test = " OR ".join(f"regexp_matches(CAST({c} AS VARCHAR), $2)" for c in columns)
        low, high = cur.execute(f"SELECT min(rowid), max(rowid) FROM {table} WHERE incident_id = $1",
                                [incident_id]).fetchall()[0]
        if low is None:
            continue
        for start in range(int(low), int(high) + 1, _WINDOW):
            frame = cur.execute(
                f"SELECT rowid AS _rid, {', '.join(columns)} FROM {table} WHERE incident_id = $1 "
                f"AND rowid BETWEEN $3 AND $4 AND ({test})", [incident_id, _MAYBE_SECRET, start, start + _WINDOW - 1],
            ).df()
            if frame.empty:
                continue
            changed = _redacted_frame(frame, texts, jsons, lambda text: redactor.redact(text, tally=tally))
            if changed.empty:
                continue
            sets = ", ".join(f"{c} = _changes.{c}" for c in columns)
            cur.from_df(changed).query(
                "_changes", f"UPDATE {table} SET {sets} FROM _changes WHERE {table}.rowid = _changes._rid")
    if tally:
        secrets.save(cur, incident_id, tally)
        log.info("incident %s: secrets replaced at rest: %s", incident_id, dict(tally))
    return tally


def _redacted_frame(frame: pd.DataFrame, texts: tuple[str, ...], jsons: tuple[str, ...],
                    redact: Callable[[str], str]) -> pd.DataFrame:
    """The rows of `frame` whose text changed once redacted (all their columns, redacted)."""
    out = frame.copy()
    for column in texts:
        out[column] = [redact(v) if isinstance(v, str) else v for v in frame[column]]
    for column in jsons:
        out[column] = [json.dumps(redact_json(json.loads(v), redact), ensure_ascii=False) if isinstance(v, str) else v
                       for v in frame[column]]
    differs = pd.Series(False, index=frame.index)
    for column in (*texts, *jsons):
        differs |= out[column].fillna("\0") != frame[column].fillna("\0")
    return out[differs]


class SecretsAtRest:
    """Store methods that keep secrets out of what is stored (mixed into Store, whose transaction they use)."""

    _secrets: StoredSecrets

    if TYPE_CHECKING:
        def transaction(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]: ...
        def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def _redacted_json(self, cur: duckdb.DuckDBPyConnection, incident_id: str, value: Any) -> str:
        """`value` as JSON text, every string in it redacted with the incident's at-rest placeholders."""
        return json.dumps(redact_json(value, lambda text: self._secrets.redact_text(cur, incident_id, text)),
                          ensure_ascii=False)

    def _redacted_evidence(self, cur: duckdb.DuckDBPyConnection, items: Sequence[Evidence]) -> list[Evidence]:
        return [e.model_copy(update={"text": self._secrets.redact_text(cur, e.incident_id, e.text)}) for e in items]

    def redact_incident(self, incident_id: str, *, keep_map: bool = False) -> dict[str, int]:
        """Replace the secrets in what the store holds of an incident's files (log lines, templates, exceptions,
        spans, SQL) with placeholders like `<EMAIL#1>`; evidence, fused context, turns and judgments are
        redacted as they are written.

        Args:
            incident_id: the incident.
            keep_map: keep the original values in `secret_map` (the user opted in to see them); off by default.

        Returns:
            How many occurrences of each kind this call replaced.
        """
        with self.transaction() as cur:
            cur.execute("INSERT OR REPLACE INTO secret_policy VALUES (?, ?)", [incident_id, keep_map])
            tally = redact_stored_text(cur, self._secrets, incident_id)
        return dict(tally)

    def redaction_counts(self, incident_id: str) -> dict[str, int]:
        """How many values of each kind were replaced in what is stored of the incident (for the report)."""
        return {k: int(n) for k, n in self._rows(
            "SELECT kind, occurrences FROM redactions WHERE incident_id = ? AND occurrences > 0 ORDER BY kind",
            [incident_id])}

    def restore_secrets(self, incident_id: str, text: str) -> str:
        """`text` with the incident's stored placeholders replaced by the originals, if the incident kept them."""
        known = self._rows("SELECT placeholder, kind, value FROM secret_map WHERE incident_id = ?", [incident_id])
        return Redactor(marker="#", known=known).restore(text) if known else text

    def forget_secrets(self, incident_id: str) -> None:
        """Drop the cached numbering of an incident whose stored rows (and counts) were removed."""
        self._secrets.forget(incident_id)
