"""Distributed traces: OTLP, Jaeger or Zipkin spans into one table; critical paths, endpoint latency, log joins."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from core.errors import IngestError
from core.ingest.runtime._common import load_json, read_text, status_of
from core.ingest.runtime._trace_formats import (
    SpanRecord,
    norm_span_id,
    norm_trace_id,
    parse_traces,
)
from core.schema import Asset, Incident
from core.store import Store

__all__ = ["PathStep", "critical_path", "ingest_trace_file", "norm_span_id", "norm_trace_id", "parse_trace_file"]

log = logging.getLogger(__name__)

_COLUMNS = [
    "trace_id", "span_id", "parent_id", "service", "name", "span_kind", "start_ts", "end_ts", "duration_ms", "error",
    "status_message", "http_method", "http_route", "http_status", "db_statement", "exception_type",
    "exception_message", "attributes",
]


def parse_trace_file(path: Path, name: str | None = None) -> tuple[pd.DataFrame, str, list[str]]:
    """A trace export as spans rows, its format and warnings (counts of what was skipped).

    Raises:
        IngestError: empty, binary, truncated or malformed JSON, unknown format, or no usable span.
    """
    name = name or path.name
    text, encoding = read_text(path)
    if not text.lstrip().startswith(("{", "[")):
        raise IngestError(f"{name} is not JSON; traces are read from OTLP, Jaeger or Zipkin v2 JSON exports.")
    value, bad_lines = load_json(text, name)
    parsed = parse_traces(value, name)
    if not parsed.spans:
        why = ", ".join(f"{n} {r}" for r, n in parsed.reasons.items()) or "it holds no spans"
        raise IngestError(f"{name}: no usable span in this {parsed.format} file ({why}).")
    seen: set[tuple[str, str]] = set()
    rows = []
    duplicates = 0
    for span in parsed.spans:
        key = (span.trace_id, span.span_id)
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        rows.append(_row(span))
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    for col in ("start_ts", "end_ts"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    frame["http_status"] = frame["http_status"].astype("Int64")
    warnings = []
    if parsed.skipped:
        reasons = ", ".join(f"{n} {r}" for r, n in sorted(parsed.reasons.items()))
        warnings.append(f"{parsed.skipped} span(s) skipped ({reasons})")
    if duplicates:
        warnings.append(f"{duplicates} duplicate span(s) dropped")
    if bad_lines:
        warnings.append(f"{bad_lines} line(s) were not valid JSON and were skipped")
    return frame, f"{parsed.format}, {encoding}", warnings


def _row(span: SpanRecord) -> dict[str, object]:
    row = {col: getattr(span, col) for col in _COLUMNS if col != "attributes"}
    row["attributes"] = json.dumps(span.attributes, default=str, ensure_ascii=False)[:20000]
    return row


def ingest_trace_file(store: Store, incident: Incident, path: Path, *, display_name: str | None = None) -> Asset:
    """Store every span of a trace export (OTLP JSON, Jaeger JSON or Zipkin v2 JSON).

    Args:
        store: the product's store.
        incident: the incident the file belongs to.
        path: the export, optionally .gz/.zip.
        display_name: the name shown to users (defaults to the file name).

    Returns:
        The asset, with status "warning" and counts when some spans were skipped.

    Raises:
        IngestError: the file cannot be used at all (nothing is written then).
    """
    name = display_name or path.name
    frame, described, warnings = parse_trace_file(path, name)
    traces, errors = frame["trace_id"].nunique(), int(frame["error"].sum())
    status, message = status_of(warnings, f"{described}; {len(frame)} spans in {traces} traces, {errors} error span(s)")
    with store.transaction() as cur:
        asset = store.add_asset(cur, incident.id, "trace", name, location=str(path), size_bytes=path.stat().st_size,
                                items=len(frame), status=status, message=message)
        store.insert_frame(cur, "spans", frame.assign(incident_id=incident.id, asset_id=asset.id))
    log.info("incident %s: traces %s — %d spans, %d traces, %d errors", incident.id, name, len(frame), traces, errors)
    return asset


# --- analysis ----------------------------------------------------------------------------------


class PathStep(BaseModel):
    """One span on a trace's critical path, with the time it spent itself (not in its children)."""

    span_id: str
    service: str
    name: str
    duration_ms: float
    self_ms: float
    error: bool = False
    db_statement: str | None = None


def _self_time(start: float, end: float, children: list[tuple[float, float]]) -> float:
    """Duration minus the union of the children's intervals, clipped to the parent (clock skew happens)."""
    covered, cursor = 0.0, start
    for c_start, c_end in sorted(children):
        c_start, c_end = max(c_start, cursor), min(c_end, end)
        if c_end > c_start:
            covered += c_end - c_start
            cursor = c_end
    return max(0.0, (end - start) - covered)


def critical_path(spans: pd.DataFrame) -> list[PathStep]:
    """The root-to-leaf chain of one trace with the most self time: where the trace's time went.

    Spans whose parent is missing count as roots; the longest root wins. Cycles are ignored.
    """
    if spans.empty:
        return []
    rows = {r.span_id: r for r in spans.itertuples(index=False)}
    millis = {sid: (r.start_ts.timestamp() * 1000.0, r.end_ts.timestamp() * 1000.0) for sid, r in rows.items()}
    children: dict[str, list[str]] = defaultdict(list)
    roots = []
    for sid, r in rows.items():
        parent = r.parent_id if isinstance(r.parent_id, str) else None
        if parent and parent in rows and parent != sid:
            children[parent].append(sid)
        else:
            roots.append(sid)
    if not roots:  # every span claims a parent inside the trace: a cycle; start from the longest span
        roots = [max(rows, key=lambda s: rows[s].duration_ms)]
    own = {sid: _self_time(*millis[sid], [millis[c] for c in children[sid]]) for sid in rows}
    best: dict[str, tuple[float, str | None]] = {}
    # Iterative post-order: deep traces must not hit Python's recursion limit.
    for root in roots:
        stack, visiting = [(root, False)], set()
        while stack:
            sid, done = stack.pop()
            if sid in best:
                continue
            if done:
                options = [(best[c][0], c) for c in children[sid] if c in best]
                top = max(options, default=(0.0, None))
                best[sid] = (own[sid] + top[0], top[1])
                continue
            if sid in visiting:
                continue
            visiting.add(sid)
            stack.append((sid, True))
            stack.extend((c, False) for c in children[sid] if c not in best and c not in visiting)
    start = max(roots, key=lambda s: (rows[s].duration_ms, best.get(s, (0.0, None))[0]))
    path: list[PathStep] = []
    current: str | None = start
    while current is not None and len(path) < len(rows):
        r = rows[current]
        path.append(PathStep(span_id=current, service=r.service, name=r.name, duration_ms=round(r.duration_ms, 3),
                             self_ms=round(own[current], 3), error=bool(r.error),
                             db_statement=r.db_statement if isinstance(r.db_statement, str) else None))
        current = best.get(current, (0.0, None))[1]
    return path
