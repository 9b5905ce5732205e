"""Slow SQL: MySQL slow logs, PostgreSQL duration lines or CSV into statements grouped by fingerprint."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from core.ingest.runtime._common import read_text, status_of, zone_of
from core.ingest.runtime._sql_fingerprint import (
    Fingerprint,
    Fingerprinter,
    fingerprint_sql,
    regex_fingerprint,
)
from core.ingest.runtime._sql_logs import parse_slow_log
from core.schema import Asset, Incident
from core.store import Store

__all__ = [
    "Fingerprint",
    "fingerprint_sql",
    "ingest_slow_sql_file",
    "parse_slow_sql_file",
    "regex_fingerprint",
]

log = logging.getLogger(__name__)

_QUERY_COLUMNS = ["line_no", "ts", "fingerprint_id", "query_ms", "lock_ms", "rows_sent", "rows_examined", "db",
                  "user_host", "statement"]


def parse_slow_sql_file(
    path: Path, incident: Incident, name: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, str, list[str]]:
    """A slow-query file as (sql_queries rows, sql_fingerprints rows, format description, warnings).

    Raises:
        IngestError: empty, binary, unknown format, wrong columns, or no statement in it.
    """
    name = name or path.name
    text, encoding = read_text(path)
    parsed = parse_slow_log(text, name, zone_of(incident))
    fingerprint = Fingerprinter(parsed.dialect)
    shapes: dict[str, Fingerprint] = {}
    rows = []
    for s in parsed.statements:
        fp = fingerprint(s.statement)
        shapes.setdefault(fp.id, fp)
        rows.append((s.line_no, s.ts, fp.id, s.query_ms, s.lock_ms, s.rows_sent, s.rows_examined, s.db, s.user_host,
                     s.statement))
    queries = pd.DataFrame(rows, columns=_QUERY_COLUMNS)
    queries["ts"] = pd.to_datetime(queries["ts"], utc=True)
    for col in ("rows_sent", "rows_examined"):
        queries[col] = queries[col].astype("Int64")
    queries["lock_ms"] = queries["lock_ms"].astype(float)
    fingerprints = _aggregate(queries, shapes)
    warnings = list(parsed.warnings)
    untimed = int(queries["ts"].isna().sum())
    if untimed:
        warnings.append(f"{untimed} statement(s) without a timestamp cannot be placed before or after the onset")
    return queries, fingerprints, f"{parsed.format}, {encoding}", warnings


def _aggregate(queries: pd.DataFrame, shapes: dict[str, Fingerprint]) -> pd.DataFrame:
    rows = []
    for fid, group in queries.groupby("fingerprint_id", sort=False):
        fp = shapes[str(fid)]
        times = group["query_ms"].to_numpy(dtype=float)
        locks = group["lock_ms"].dropna()
        examined = group["rows_examined"].dropna()
        rows.append({
            "fingerprint_id": fp.id, "fingerprint": fp.text[:8000], "statement_kind": fp.kind,
            "for_update": fp.for_update, "tables": ",".join(fp.tables), "parser": fp.parser, "parse_note": fp.note,
            "count": len(group), "total_ms": float(times.sum()), "p95_ms": float(np.percentile(times, 95)),
            "max_ms": float(times.max()), "lock_total_ms": float(locks.sum()) if len(locks) else None,
            "rows_examined": int(examined.sum()) if len(examined) else None,
            "first_ts": group["ts"].min(), "last_ts": group["ts"].max(),
            "sample": str(group.loc[group["query_ms"].idxmax(), "statement"])[:4000],
        })
    frame = pd.DataFrame(rows)
    for col in ("first_ts", "last_ts"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    return frame.sort_values("total_ms", ascending=False).reset_index(drop=True)


def ingest_slow_sql_file(store: Store, incident: Incident, path: Path, *, display_name: str | None = None) -> Asset:
    """Store a slow-query file's statements and one fingerprint row per statement shape.

    Args:
        store: the product's store.
        incident: the incident the file belongs to (its zone reads naive timestamps).
        path: a MySQL slow query log, PostgreSQL log with duration lines, or a CSV export (optionally .gz/.zip).
        display_name: the name shown to users (defaults to the file name).

    Returns:
        The asset, with status "warning" and counts when some entries were skipped.

    Raises:
        IngestError: the file cannot be used at all (nothing is written then).
    """
    name = display_name or path.name
    queries, fingerprints, described, warnings = parse_slow_sql_file(path, incident, name)
    fallback = int((fingerprints["parser"] == "regex").sum())
    status, message = status_of(
        warnings, f"{described}; {len(queries)} statement(s), {len(fingerprints)} fingerprint(s)"
        + (f" ({fallback} by the regex normaliser: sqlglot could not parse them)" if fallback else ""))
    with store.transaction() as cur:
        asset = store.add_asset(cur, incident.id, "slow_sql", name, location=str(path), size_bytes=path.stat().st_size,
                                items=len(queries), status=status, message=message)
        store.insert_frame(cur, "sql_queries", queries.assign(incident_id=incident.id, asset_id=asset.id))
        store.insert_frame(cur, "sql_fingerprints", fingerprints.assign(incident_id=incident.id, asset_id=asset.id))
    log.info("incident %s: slow SQL %s — %d statements, %d fingerprints", incident.id, name, len(queries),
             len(fingerprints))
    return asset
