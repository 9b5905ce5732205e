"""The DuckDB store: versioned schema, and every read and write of the product's tables."""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from core._store_audit import AuditLog
from core._store_events import DebateLog
from core._store_review import ReviewRecords
from core.errors import StoreError, StoreLockedError
from core.schema import (
    Asset,
    Commit,
    DebateInfo,
    Evidence,
    ExceptionCause,
    ExceptionRecord,
    Incident,
    IncidentDraft,
    StackFrame,
    started_at_problem,
)
from core.stored_secrets import SecretsAtRest, StoredSecrets

__all__ = ["SCHEMA_VERSION", "Store"]

log = logging.getLogger(__name__)

_MIGRATIONS = Path(__file__).with_name("migrations")


def _migrations() -> list[tuple[int, Path]]:
    found = []
    for path in sorted(_MIGRATIONS.glob("*.sql")):
        match = re.match(r"(\d+)_", path.name)
        if match:
            found.append((int(match.group(1)), path))
    return found


SCHEMA_VERSION = max(v for v, _ in _migrations())


def _now() -> datetime:
    return datetime.now(UTC)


def _new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5)}"


class Store(DebateLog, SecretsAtRest, ReviewRecords, AuditLog):
    """One DuckDB database (a file, or ``:memory:``) holding every incident.

    One instance per process: DuckDB lets only one process open a file for writing, so the
    dashboard caches a single Store and hands each thread its own cursor.
    """

    def __init__(self, path: Path | str = ":memory:", *, memory_limit: str | None = None) -> None:
        """Open (and migrate) the store; `memory_limit` caps DuckDB's memory (e.g. "1GB", see Settings)."""
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        config: dict[str, str | bool | int | float | list[str]] = {"memory_limit": memory_limit} if memory_limit else {}
        try:
            self._conn = duckdb.connect(self.path, config=config)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"The store {self.path} is open in another process (the dashboard or another CLI run). "
                    "Stop it, or point TRIBUNAL_HOME at another folder."
                ) from exc
            raise StoreError(f"Cannot open the store {self.path}: {exc}") from exc
        self._write_lock = threading.RLock()
        self._secrets = StoredSecrets()
        self._migrate()

    # --- plumbing --------------------------------------------------------------------------

    @contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._conn.cursor()
        try:
            cur.execute("SET TimeZone = 'UTC'")
            yield cur
        except duckdb.Error as exc:
            raise StoreError(f"Store operation failed: {exc}") from exc
        finally:
            cur.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside one transaction: everything in it lands, or nothing does."""
        with self._write_lock, self._cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._cursor() as cur:
            return cur.execute(sql, list(params)).fetchall()

    def query_df(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a read query and return a DataFrame (used by core modules, never by pages)."""
        with self._cursor() as cur:
            return cur.execute(sql, list(params)).df()

    def query_df_within(self, sql: str, params: Sequence[Any] = (), *, timeout_s: float) -> pd.DataFrame:
        """Like `query_df`, but DuckDB interrupts the query once it has run `timeout_s` seconds.

        Raises:
            StoreError: the query failed, or was interrupted at its timeout (then it no longer runs).
        """
        with self._cursor() as cur:
            timer = threading.Timer(timeout_s, cur.interrupt)
            timer.daemon = True
            timer.start()
            try:
                return cur.execute(sql, list(params)).df()
            except duckdb.InterruptException as exc:
                raise StoreError(f"The query was stopped after {timeout_s:g}s; narrow it (a WHERE, a LIMIT, "
                                 "fewer joins).") from exc
            finally:
                timer.cancel()

    def close(self) -> None:
        self._conn.close()

    def schema_version(self) -> int:
        return int(self._rows("SELECT max(version) FROM schema_version")[0][0] or 0)

    def _migrate(self) -> None:
        with self.transaction() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ)"
            )
            # Every migration not applied yet, gaps included: two branches may each add one, landing out of order.
            applied = {r[0] for r in cur.execute("SELECT version FROM schema_version").fetchall()}
            for version, path in _migrations():
                if version in applied:
                    continue
                log.info("store %s: applying migration %s", self.path, path.name)
                cur.execute(path.read_text(encoding="utf-8"))
                cur.execute("INSERT INTO schema_version VALUES (?, ?)", [version, _now()])

    # --- incidents -------------------------------------------------------------------------

    def create_incident(self, draft: IncidentDraft) -> Incident:
        """Write the incident row first; every later step hangs off its id.

        Raises:
            StoreError: started_at is implausible (nothing is written: a bad row would break listing for everyone).
        """
        problem = started_at_problem(draft.started_at)
        if problem:
            raise StoreError(problem)
        incident = Incident(
            **draft.model_dump(),
            id=f"INC-{draft.started_at:%Y%m%d}-{secrets.token_hex(3)}",
            created_at=_now(),
        )
        with self.transaction() as cur:
            cur.execute(
                "INSERT INTO incidents VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    incident.id, incident.title, incident.severity, incident.started_at,
                    int(incident.started_at.utcoffset().total_seconds() // 60),  # type: ignore[union-attr]
                    incident.service,
                    incident.description, incident.language, incident.repo, json.dumps(incident.i18n),
                    incident.status, incident.created_at,
                ],
            )
        log.info("incident %s: created (%s)", incident.id, incident.title)
        return incident

    _INCIDENT_COLS = (
        "id, title, severity, started_at, utc_offset_min, service, description, language, repo, i18n, "
        "status, created_at"
    )

    def _incident(self, row: tuple[Any, ...]) -> Incident:
        keys = [c.strip() for c in self._INCIDENT_COLS.split(",")]
        data = dict(zip(keys, row, strict=True))
        data["i18n"] = json.loads(data["i18n"]) if data["i18n"] else {}
        # Give started_at back its own zone: naive log timestamps are read in it.
        data["started_at"] = data["started_at"].astimezone(timezone(timedelta(minutes=data.pop("utc_offset_min"))))
        return Incident(**data)

    def get_incident(self, incident_id: str) -> Incident:
        rows = self._rows(f"SELECT {self._INCIDENT_COLS} FROM incidents WHERE id = ?", [incident_id])
        if not rows:
            raise StoreError(f"No incident {incident_id!r}; pick one from the history page or create it.")
        try:
            return self._incident(rows[0])
        except (ValueError, TypeError, OverflowError, AttributeError) as exc:
            raise StoreError(f"Incident {incident_id} cannot be read ({str(exc).splitlines()[0]}); "
                             "open a new incident for it.") from exc

    def list_incidents(self) -> list[Incident]:
        """Every incident, newest first; a row that no longer reads (written by an older version) is skipped."""
        rows = self._rows(f"SELECT {self._INCIDENT_COLS} FROM incidents ORDER BY created_at DESC")
        found = []
        for row in rows:
            try:
                found.append(self._incident(row))
            # DuckDB hands back text past year 9999
            except (ValueError, TypeError, OverflowError, AttributeError) as exc:
                log.warning("incident %s: unreadable row skipped in the list: %s", row[0], str(exc).splitlines()[0])
        return found

    def set_incident_status(self, incident_id: str, status: str) -> None:
        with self.transaction() as cur:
            cur.execute("UPDATE incidents SET status = ? WHERE id = ?", [status, incident_id])

    # --- assets ----------------------------------------------------------------------------

    def add_asset(
        self,
        cur: duckdb.DuckDBPyConnection,
        incident_id: str,
        kind: str,
        name: str,
        *,
        location: str | None = None,
        size_bytes: int = 0,
        items: int = 0,
        status: str = "ok",
        message: str = "",
    ) -> Asset:
        """Record an asset inside the caller's transaction (so its rows and its record land together)."""
        asset = Asset(
            id=_new_id("A"), incident_id=incident_id, kind=kind, name=name, size_bytes=size_bytes,  # type: ignore[arg-type]
            items=items, status=status, message=message, created_at=_now(),  # type: ignore[arg-type]
        )
        cur.execute(
            "INSERT INTO assets (id, incident_id, kind, name, location, size_bytes, items, status, message, "
            "created_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            [asset.id, incident_id, kind, name, location, size_bytes, items, status, message, asset.created_at],
        )
        log.info("incident %s: asset %s %s (%s) %s", incident_id, kind, name, status, message)
        return asset

    def record_failed_asset(self, incident_id: str, kind: str, name: str, message: str, size_bytes: int = 0) -> Asset:
        with self.transaction() as cur:
            return self.add_asset(cur, incident_id, kind, name, size_bytes=size_bytes, status="error", message=message)

    def asset_location(self, incident_id: str, *, kind: str | None = None, name: str | None = None) -> str | None:
        """Where the newest readable asset of this kind/name lives on disk (for showing sources)."""
        rows = self._rows(
            "SELECT location FROM assets WHERE incident_id = ? AND status != 'error' AND location IS NOT NULL "
            "AND (? IS NULL OR kind = ?) AND (? IS NULL OR name = ?) ORDER BY created_at DESC LIMIT 1",
            [incident_id, kind, kind, name, name],
        )
        return rows[0][0] if rows else None

    def list_assets(self, incident_id: str) -> list[Asset]:
        rows = self._rows(
            "SELECT id, incident_id, kind, name, size_bytes, items, status, message, created_at "
            "FROM assets WHERE incident_id = ? ORDER BY created_at",
            [incident_id],
        )
        keys = ["id", "incident_id", "kind", "name", "size_bytes", "items", "status", "message", "created_at"]
        return [Asset(**dict(zip(keys, r, strict=True))) for r in rows]

    # --- logs and exceptions ---------------------------------------------------------------

    @staticmethod
    def insert_frame(cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
        """Bulk-insert a DataFrame whose columns match `table`, inside the caller's transaction."""
        cur.register("_bulk", frame)
        try:
            cur.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _bulk")
        finally:
            cur.unregister("_bulk")

    def next_exception_id(self, incident_id: str) -> int:
        return int(self._rows("SELECT coalesce(max(id), 0) FROM exceptions WHERE incident_id = ?",
                              [incident_id])[0][0]) + 1

    def list_exceptions(self, incident_id: str, limit: int | None = None, *, one_per_group: bool = False,
                        frames_per_group: int | None = None) -> list[ExceptionRecord]:
        """The incident's exceptions with their frames, oldest first (or the first of each fingerprint).

        Args:
            frames_per_group: load frames for at most this many exceptions of each fingerprint (the rest come
                without frames), so a log with thousands of identical traces stays cheap to analyse.
        """
        where = "incident_id = ?"
        if one_per_group:
            where += " AND id IN (SELECT min(id) FROM exceptions WHERE incident_id = ? GROUP BY fingerprint)"
        params = [incident_id, incident_id] if one_per_group else [incident_id]
        sql = (
            "SELECT id, asset_id, line_no, ts, logger, exc_type, message, root_type, root_message, fingerprint, causes "
            f"FROM exceptions WHERE {where} ORDER BY ts NULLS LAST, id"
        )
        rows = self._rows(sql + (f" LIMIT {int(limit)}" if limit else ""), params)
        frames: dict[int, list[StackFrame]] = {}
        chosen = f"SELECT id FROM exceptions WHERE {where}"
        if frames_per_group:
            chosen = (f"SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY fingerprint ORDER BY id) AS k "
                      f"FROM exceptions WHERE {where}) WHERE k <= {int(frames_per_group)}")
        for fr in self._rows(
            "SELECT exception_id, class_name, method, file, line, in_app, cause_index, depth FROM frames "
            f"WHERE incident_id = ? AND exception_id IN ({chosen}) "
            "ORDER BY exception_id, cause_index, depth",
            [incident_id, *params],
        ):
            frames.setdefault(fr[0], []).append(
                StackFrame(class_name=fr[1], method=fr[2], file=fr[3], line=fr[4], in_app=fr[5], cause_index=fr[6],
                           depth=fr[7])
            )
        out = []
        for r in rows:
            out.append(
                ExceptionRecord(
                    id=r[0], incident_id=incident_id, asset_id=r[1], line_no=r[2], ts=r[3], logger=r[4], exc_type=r[5],
                    message=r[6], root_type=r[7], root_message=r[8], fingerprint=r[9],
                    causes=[ExceptionCause(**c) for c in json.loads(r[10] or "[]")], frames=frames.get(r[0], []),
                )
            )
        return out

    # --- git -------------------------------------------------------------------------------

    def frame_classes(self, incident_id: str) -> list[tuple[str, str | None]]:
        """Every distinct (class, file name) on the incident's stack frames."""
        return [(r[0], r[1]) for r in self._rows(
            "SELECT DISTINCT class_name, file FROM frames WHERE incident_id = ?", [incident_id])]

    def logger_names(self, incident_id: str, limit: int = 500) -> list[str]:
        """The loggers that wrote the incident's log lines, busiest first."""
        return [r[0] for r in self._rows(
            "SELECT logger FROM log_lines WHERE incident_id = ? AND logger IS NOT NULL GROUP BY logger "
            f"ORDER BY count(*) DESC LIMIT {int(limit)}", [incident_id])]

    def set_frame_origins(self, incident_id: str, origins: pd.DataFrame) -> None:
        """Re-mark frames in or out of app code (`origins`: class_name, file, in_app) and regroup exceptions.

        An exception's group key becomes its root-cause type plus its first five in-app frames, so traces
        that pass through the same application code group together whatever the framework frames around them.
        """
        with self.transaction() as cur:
            cur.register("_origins", origins)  # a few thousand classes at most: distinct, not per frame
            cur.execute(
                "UPDATE frames AS f SET in_app = o.in_app FROM _origins AS o WHERE f.incident_id = ? "
                "AND f.class_name = o.class_name AND f.file IS NOT DISTINCT FROM o.file", [incident_id])
            cur.unregister("_origins")
            cur.execute(
                "UPDATE exceptions AS e SET fingerprint = k.fp FROM (SELECT f.exception_id, "
                "substr(md5(any_value(x.root_type) "
                "|| '|' || array_to_string(list(f.class_name || '.' || f.method ORDER BY f.cause_index DESC, "
                "f.depth)[1:5], "
                "'|')), 1, 12) AS fp FROM frames f JOIN exceptions x ON x.incident_id = f.incident_id AND x.id = "
                "f.exception_id "
                "WHERE f.incident_id = ? AND f.in_app GROUP BY f.exception_id) AS k "
                "WHERE e.incident_id = ? AND e.id = k.exception_id", [incident_id, incident_id])

    def in_app_rules(self, incident_id: str) -> tuple[list[str], list[str]]:
        """The user's in-app (include, exclude) package prefixes for an incident."""
        rows = self._rows("SELECT include_prefixes, exclude_prefixes FROM in_app_rules WHERE incident_id = ?",
                          [incident_id])
        if not rows:
            return [], []
        return list(json.loads(rows[0][0] or "[]")), list(json.loads(rows[0][1] or "[]"))

    def set_in_app_rules(self, incident_id: str, include: Sequence[str], exclude: Sequence[str]) -> None:
        with self.transaction() as cur:
            cur.execute("DELETE FROM in_app_rules WHERE incident_id = ?", [incident_id])
            cur.execute("INSERT INTO in_app_rules VALUES (?, ?, ?, ?)",
                        [incident_id, json.dumps(list(include)), json.dumps(list(exclude)), _now()])

    def replace_commits(self, incident_id: str, commits: Iterable[Commit]) -> int:
        rows = [
            [incident_id, c.sha, c.author, c.email, c.authored_at, c.message, json.dumps(c.files), c.insertions,
             c.deletions, c.parents]
            for c in commits
        ]
        with self.transaction() as cur:
            cur.execute("DELETE FROM commits WHERE incident_id = ?", [incident_id])
            if rows:
                cur.executemany("INSERT INTO commits VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        return len(rows)

    def list_commits(self, incident_id: str) -> list[Commit]:
        rows = self._rows(
            "SELECT sha, author, email, authored_at, message, files, insertions, deletions, parents FROM commits "
            "WHERE incident_id = ? ORDER BY authored_at DESC",
            [incident_id],
        )
        return [
            Commit(sha=r[0], author=r[1], email=r[2], authored_at=r[3], message=r[4], files=json.loads(r[5] or "[]"),
                   insertions=r[6], deletions=r[7], parents=r[8])
            for r in rows
        ]

    def put_blame(self, incident_id: str, file: str, line: int, sha: str, author: str, authored_at: datetime,
                  content: str) -> None:
        with self.transaction() as cur:
            cur.execute(
                "INSERT OR REPLACE INTO blame VALUES (?,?,?,?,?,?,?)",
                [incident_id, file, line, sha, author, authored_at, content],
            )

    def replace_ownership(self, incident_id: str, rules: Sequence[tuple[str, str, str]]) -> None:
        """Store ownership rules (pattern, team, source) in file order; later rules win, as in CODEOWNERS."""
        with self.transaction() as cur:
            cur.execute("DELETE FROM ownership WHERE incident_id = ?", [incident_id])
            if rules:
                cur.executemany(
                    "INSERT INTO ownership VALUES (?,?,?,?,?)",
                    [[incident_id, i, p, t, s] for i, (p, t, s) in enumerate(rules)],
                )

    def list_ownership(self, incident_id: str) -> list[tuple[str, str, str]]:
        rows = self._rows(
            "SELECT pattern, team, source FROM ownership WHERE incident_id = ? ORDER BY position", [incident_id]
        )
        return [(r[0], r[1], r[2]) for r in rows]

    # --- evidence --------------------------------------------------------------------------

    def add_evidence(self, items: Sequence[Evidence]) -> None:
        with self.transaction() as cur:
            self._insert_evidence(cur, self._redacted_evidence(cur, items))

    @staticmethod
    def _insert_evidence(cur: duckdb.DuckDBPyConnection, items: Sequence[Evidence]) -> None:
        if items:
            cur.executemany(
                "INSERT INTO evidence VALUES (?,?,?,?,?,?,?,?)",
                [
                    [e.incident_id, e.id, int(e.id[1:]), e.kind, e.source, e.text, json.dumps(e.ref),
                     e.created_at or _now()]
                    for e in items
                ],
            )

    def list_evidence(self, incident_id: str) -> list[Evidence]:
        rows = self._rows(
            "SELECT id, kind, source, text, ref, created_at FROM evidence WHERE incident_id = ? ORDER BY seq",
            [incident_id],
        )
        return [
            Evidence(id=r[0], incident_id=incident_id, kind=r[1], source=r[2], text=r[3], ref=json.loads(r[4] or "{}"),
                     created_at=r[5])
            for r in rows
        ]

    # --- debates and their events ----------------------------------------------------------

    def create_debate(self, incident_id: str, brain: str) -> DebateInfo:
        info = DebateInfo(id=_new_id("D"), incident_id=incident_id, brain=brain, status="running",  # type: ignore[arg-type]
                          started_at=_now())
        with self.transaction() as cur:
            cur.execute(
                "INSERT INTO debates (id, incident_id, brain, status, started_at) VALUES (?,?,?,?,?)",
                [info.id, incident_id, brain, "running", info.started_at],
            )
        return info

    def finish_debate(self, debate_id: str, status: str, rounds: int, consensus: bool,
                      error: str | None = None) -> None:
        with self.transaction() as cur:
            cur.execute(
                "UPDATE debates SET status = ?, rounds = ?, consensus = ?, finished_at = ?, error = ? WHERE id = ?",
                [status, rounds, consensus, _now(), error, debate_id],
            )

    _DEBATE_COLS = "id, incident_id, brain, status, rounds, consensus, started_at, finished_at, error"

    def _debate(self, row: tuple[Any, ...]) -> DebateInfo:
        keys = [c.strip() for c in self._DEBATE_COLS.split(",")]
        return DebateInfo(**dict(zip(keys, row, strict=True)))

    def get_debate(self, debate_id: str) -> DebateInfo:
        rows = self._rows(f"SELECT {self._DEBATE_COLS} FROM debates WHERE id = ?", [debate_id])
        if not rows:
            raise StoreError(f"No debate {debate_id!r}.")
        return self._debate(rows[0])

    def latest_debate(self, incident_id: str) -> DebateInfo | None:
        rows = self._rows(
            f"SELECT {self._DEBATE_COLS} FROM debates WHERE incident_id = ? ORDER BY started_at DESC LIMIT 1",
            [incident_id],
        )
        return self._debate(rows[0]) if rows else None

    # --- fused context ---------------------------------------------------------------------

    def save_fusion(self, incident_id: str, payload_json: str, evidence: Sequence[Evidence]) -> None:
        """Replace the incident's evidence ledger and fused context together."""
        with self.transaction() as cur:
            cur.execute("DELETE FROM evidence WHERE incident_id = ?", [incident_id])
            self._insert_evidence(cur, self._redacted_evidence(cur, evidence))
            payload = self._redacted_json(cur, incident_id, json.loads(payload_json))
            cur.execute("INSERT OR REPLACE INTO fusion VALUES (?,?,?)", [incident_id, payload, _now()])

    def load_fusion(self, incident_id: str) -> str | None:
        rows = self._rows("SELECT payload FROM fusion WHERE incident_id = ?", [incident_id])
        return rows[0][0] if rows else None

    # --- views for the dashboard and the template miner ----------------------------------------

    def exception_groups(self, incident_id: str) -> pd.DataFrame:
        """One row per exception fingerprint: types, count, first/last seen, innermost in-app frame."""
        return self.query_df(
            "WITH top_frame AS ("
            "  SELECT exception_id, arg_min(class_name || '.' || method || '(' || coalesce(file, '?') || ':' || "
            "  coalesce(CAST(line AS VARCHAR), '?') || ')', cause_index * 1000 + depth) AS frame "
            "  FROM frames WHERE incident_id = ? AND in_app GROUP BY exception_id) "
            "SELECT e.fingerprint, any_value(e.exc_type) AS exc_type, any_value(e.root_type) AS root_type, "
            "any_value(e.root_message) AS root_message, count(*) AS count, min(e.ts) AS first_seen, "
            "max(e.ts) AS last_seen, any_value(t.frame) AS top_frame, min(e.id) AS sample_id "
            "FROM exceptions e LEFT JOIN top_frame t ON t.exception_id = e.id "
            "WHERE e.incident_id = ? GROUP BY e.fingerprint ORDER BY count DESC",
            [incident_id, incident_id],
        )

    def log_timeline(self, incident_id: str) -> pd.DataFrame:
        """Log entries per minute and level, for the error-rate chart."""
        return self.query_df(
            "SELECT date_trunc('minute', ts) AS minute, coalesce(level, '?') AS level, count(*) AS count "
            "FROM log_lines WHERE incident_id = ? AND ts IS NOT NULL GROUP BY ALL ORDER BY 1",
            [incident_id],
        )

    def log_messages(self, asset_id: str) -> pd.DataFrame:
        """An asset's entries in file order: line_no, message ('' when missing), template_id."""
        return self.query_df(
            "SELECT line_no, coalesce(message, '') AS message, template_id FROM log_lines WHERE asset_id = ? "
            "ORDER BY line_no",
            [asset_id],
        )

    def set_templates(
        self, cur: duckdb.DuckDBPyConnection, incident_id: str, asset_id: str, templates: dict[str, str],
        counts: dict[str, int],
    ) -> None:
        """Store an asset's mined templates inside the caller's transaction (its log lines carry the ids)."""
        table = pd.DataFrame({
            "incident_id": incident_id, "asset_id": asset_id, "template_id": list(templates),
            "template": list(templates.values()), "count": [counts.get(k, 0) for k in templates],
        })
        cur.execute("DELETE FROM log_templates WHERE asset_id = ?", [asset_id])
        if len(table):
            self.insert_frame(cur, "log_templates", table)
        log.info("asset %s: %d log templates stored", asset_id, len(table))
