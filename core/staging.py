"""Ingest in a worker process: it writes a staging DuckDB file of its own, which the store's owner then merges.

DuckDB lets one process hold a database file. A worker ingests and fuses a new incident into a
private staging file (a full Store, same migrations), closes it, and the process that owns the main
store copies the incident's rows across in one transaction — DuckDB does the copying, so the
page-serving process spends little of its own time on it. Code-index rows (shared between incidents
of one repository) are copied only for indexes the main store does not have yet; audit rows are
appended to the main store's own chain rather than copied.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core import audit
from core.store import Store

__all__ = ["copy_incident_to_staging", "incident_rows", "merge_staging", "seed_staging"]

log = logging.getLogger(__name__)

#: Tables with an incident_id that an ingest and fusion do not write (or that have a chain of their own).
_NOT_COPIED = {"incidents", "audit_log", "debates", "events", "judgments", "reviews", "schema_version"}
#: Code-index tables: keyed by index id, shared between the incidents of one repository.
_CODE_TABLES = ("code_indexes", "code_files", "code_symbols", "code_endpoints", "code_members", "code_refs")


def incident_rows(store: Store, incident_id: str) -> list[dict[str, object]]:
    """The incident's row, as `seed_staging` takes it (pickled to the worker with its job)."""
    return store.query_df("SELECT * FROM incidents WHERE id = ?", [incident_id]).to_dict("records")


def seed_staging(staging: Store, incident_row: list[dict[str, object]]) -> None:
    """Give a fresh staging store the incident's row (as `Store.query_df(...).to_dict("records")` gave it)."""
    import pandas as pd

    with staging.transaction() as cur:
        staging.insert_frame(cur, "incidents", pd.DataFrame(incident_row))


def copy_incident_to_staging(store: Store, path: Path, incident_id: str) -> int:
    """Give a new staging file everything of an existing incident, for a worker to add to it or fuse it again.

    The incident's row and its rows in every table a merge copies back, and the code index it is tied to;
    DuckDB does the copying. The merge then replaces the incident's rows with the staging file's, all or
    nothing, so a worker's re-fusion lands whole. Returns how many rows were copied.

    Raises:
        StoreError: the staging file cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    Store(path).close()  # a fresh file with every migration applied
    with _attached(store, path, read_only=False) as (cur, name):
        cur.execute(f"INSERT INTO {name}.incidents BY NAME SELECT * FROM main.incidents WHERE id = ?", [incident_id])
        copied = sum(_copy_rows(cur, "main", name, table, incident_id) for table in _incident_tables(cur, name))
        for table in _CODE_TABLES:
            cur.execute(f"INSERT INTO {name}.{table} BY NAME SELECT * FROM main.{table} WHERE index_id IN "
                        "(SELECT index_id FROM main.incident_code WHERE incident_id = ?)", [incident_id])
    log.info("incident %s: %d rows copied to a staging store for a worker", incident_id, copied)
    return copied


def merge_staging(store: Store, path: Path, incident_id: str) -> int:
    """Copy the incident's rows from a closed staging file into `store`, all or nothing; returns how many landed.

    Raises:
        StoreError: the staging file cannot be read or the copy failed (then nothing of it landed).
    """
    with _attached(store, path, read_only=True) as (cur, name):
        copied = _copy(cur, name, incident_id)
        audit_rows = cur.execute(f"SELECT actor, action, detail FROM {name}.audit_log ORDER BY seq").fetchall()
    for actor, action, detail in audit_rows:  # the worker's audit rows join the main store's own chain
        if action != audit.Action.INCIDENT_CREATED:  # the page recorded that when it opened the incident
            audit.record(store, actor=str(actor), action=str(action), incident_id=incident_id,
                         detail=json.loads(detail or "{}"))
    log.info("incident %s: %d rows merged from the worker's staging store", incident_id, copied)
    return copied


@contextmanager
def _attached(store: Store, path: Path, *, read_only: bool) -> Iterator[tuple[Any, str]]:
    """A transaction on `store` with the staging file attached under a name of its own: (cursor, that name)."""
    name = "staging_" + "".join(ch if ch.isalnum() else "_" for ch in path.stem)
    try:
        with store.transaction() as cur:
            cur.execute(f"ATTACH '{path.as_posix()}' AS {name}" + (" (READ_ONLY)" if read_only else ""))
            yield cur, name
    finally:
        with store.transaction() as cur:  # after the commit: DuckDB keeps a database with work in flight attached
            cur.execute(f"DETACH DATABASE IF EXISTS {name}")


def _incident_tables(cur: Any, database: str) -> list[str]:
    """The tables of `database` with an incident_id that a staging file carries (see _NOT_COPIED)."""
    return [r[0] for r in cur.execute(
        "SELECT DISTINCT table_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' "
        "AND column_name = 'incident_id'", [database]).fetchall() if r[0] not in _NOT_COPIED]


def _copy_rows(cur: Any, source: str, target: str, table: str, incident_id: str) -> int:
    """Copy the incident's rows of `table` from one attached database to another; returns how many `target` holds."""
    cur.execute(f'INSERT INTO {target}."{table}" BY NAME SELECT * FROM {source}."{table}" WHERE incident_id = ?',
                [incident_id])
    return int(cur.execute(f'SELECT count(*) FROM {target}."{table}" WHERE incident_id = ?',
                           [incident_id]).fetchall()[0][0])


def _copy(cur: Any, name: str, incident_id: str) -> int:
    copied = 0
    for table in _incident_tables(cur, name):
        cur.execute(f'DELETE FROM main."{table}" WHERE incident_id = ?', [incident_id])
        copied += _copy_rows(cur, name, "main", table, incident_id)
    new_indexes = [r[0] for r in cur.execute(
        f"SELECT index_id FROM {name}.code_indexes EXCEPT SELECT index_id FROM main.code_indexes").fetchall()]
    if new_indexes:
        marks = ",".join("?" * len(new_indexes))
        for table in _CODE_TABLES:
            cur.execute(f"INSERT INTO main.{table} BY NAME SELECT * FROM {name}.{table} WHERE index_id IN ({marks})",
                        new_indexes)
    cur.execute(f"INSERT INTO main.code_blobs BY NAME SELECT * FROM {name}.code_blobs ON CONFLICT DO NOTHING")
    columns = [r[0] for r in cur.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND table_name = 'incidents' "
        "AND column_name <> 'id' ORDER BY column_index", [name]).fetchall()]
    assignments = ", ".join(f'"{c}" = s."{c}"' for c in columns)
    cur.execute(f"UPDATE main.incidents AS m SET {assignments} FROM {name}.incidents AS s "
                "WHERE m.id = s.id AND m.id = ?", [incident_id])
    return copied
