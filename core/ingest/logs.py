"""Application logs: detect the layout, group multiline entries, parse stack traces, store in bulk."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

import pandas as pd

from core.errors import IngestError
from core.ingest.stacktrace import fingerprint, looks_like_trace_start, parse_trace
from core.ingest.textfile import open_text
from core.schema import Asset, ExceptionRecord, Incident
from core.store import Store

__all__ = ["LogLayout", "LAYOUTS", "detect_layout", "ingest_log_file", "LogIngestResult"]

log = logging.getLogger(__name__)

_TS = r"(?P<ts>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)"
_LEVEL = r"(?P<level>TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|SEVERE|FATAL|CRITICAL)"
_LOGGER = r"(?P<logger>[\w.$\[\]-]+)"
_LEVELS = {"WARNING": "WARN", "SEVERE": "ERROR", "CRITICAL": "FATAL", "NOTICE": "INFO"}
_HEX_ID = re.compile(r"\b([0-9a-f]{16,32})\b")
_BATCH = 50_000
_MAX_CONTINUATION = 2_000


@dataclass(frozen=True)
class LogLayout:
    """One line layout: a name and the regex of an entry's first line."""

    name: str
    pattern: re.Pattern[str]


LAYOUTS: tuple[LogLayout, ...] = (
    # Most specific first: a Spring Boot line would also pass for Logback with a numeric logger.
    # Spring Boot default: ts  LEVEL pid --- [thread] logger : msg
    LogLayout("spring-boot", re.compile(
        rf"^{_TS}\s+{_LEVEL}\s+\d+\s+---\s+\[\s*(?P<thread>[^\]]*)\]\s+{_LOGGER}\s+:\s?(?P<msg>.*)$")),
    # Logback/Log4j: ts LEVEL [thread] [traceId] logger - msg   (thread and trace optional)
    LogLayout("logback", re.compile(
        rf"^{_TS}\s+{_LEVEL}\s+(?:\[(?P<thread>[^\]]*)\]\s+)?(?:\[(?P<trace>[^\]]*)\]\s+)?{_LOGGER}\s+-\s?(?P<msg>.*)$")),
    # Logback default: ts [thread] LEVEL logger - msg
    LogLayout("logback-thread-first", re.compile(
        rf"^{_TS}\s+\[(?P<thread>[^\]]*)\]\s+{_LEVEL}\s+(?:\[(?P<trace>[^\]]*)\]\s+)?{_LOGGER}\s+-\s?(?P<msg>.*)$")),
    # Anything that starts with a timestamp and has a level soon after.
    LogLayout("generic", re.compile(rf"^\[?{_TS}\]?\s+(?:.{{0,40}}?\b)?{_LEVEL}\b[:\]]?\s*(?P<msg>.*)$")),
)


def detect_layout(sample: Iterable[str]) -> LogLayout | None:
    """The layout whose pattern opens the most lines of the sample (None if it looks like JSON lines)."""
    lines = [ln for ln in sample if ln.strip()]
    if lines and sum(ln.lstrip().startswith("{") for ln in lines) > len(lines) * 0.8:
        return None
    best, best_hits = LAYOUTS[-1], 0
    for layout in LAYOUTS:
        hits = sum(1 for ln in lines if layout.pattern.match(ln))
        if hits > best_hits:
            best, best_hits = layout, hits
    if best_hits == 0:
        raise IngestError(
            "No line of this file starts with a timestamp and a level; it does not look like an application log."
        )
    return best


@dataclass
class _Entry:
    line_no: int
    ts: datetime | None
    level: str | None
    thread: str | None
    trace_id: str | None
    logger: str | None
    message: str
    continuation: list[str] = field(default_factory=list)


@dataclass
class LogIngestResult:
    asset: Asset
    lines: int
    entries: int
    exceptions: int
    encoding: str
    layout: str
    first_ts: datetime | None
    last_ts: datetime | None


def _parse_ts(text: str | None, zone: tzinfo) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace(",", ".").replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=zone)


def _trace_id(raw: str | None) -> str | None:
    if not raw:
        return None
    match = _HEX_ID.search(raw.lower())
    return match.group(1) if match else None


def _text_entries(lines: Iterator[str], layout: LogLayout, zone: tzinfo, counter: list[int]) -> Iterator[_Entry]:
    current: _Entry | None = None
    for line_no, raw in enumerate(lines, 1):
        counter[0] = line_no
        line = raw.rstrip("\r\n")
        match = layout.pattern.match(line)
        if match:
            if current:
                yield current
            groups = match.groupdict()
            level = groups["level"].upper()
            current = _Entry(
                line_no=line_no, ts=_parse_ts(groups["ts"], zone), level=_LEVELS.get(level, level),
                thread=groups.get("thread"), trace_id=_trace_id(groups.get("trace")), logger=groups.get("logger"),
                message=groups["msg"],
            )
        elif current is None:
            current = _Entry(line_no, None, None, None, None, None, line)
        elif len(current.continuation) < _MAX_CONTINUATION:
            current.continuation.append(line)
    if current:
        yield current


_JSON_FIELDS = {
    "ts": ("@timestamp", "timestamp", "time", "ts", "datetime", "date"),
    "level": ("level", "severity", "log.level", "levelname", "lvl"),
    "message": ("message", "msg", "log", "text"),
    "logger": ("logger", "logger_name", "log.logger", "name", "category"),
    "thread": ("thread", "thread_name", "threadName"),
    "trace": ("trace_id", "traceId", "trace.id", "traceid", "dd.trace_id"),
    "stack": ("stack_trace", "stacktrace", "exception", "exc_info", "error.stack_trace", "stack"),
}


def _pick(obj: dict[str, object], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = obj.get(name)
        if value is not None and value != "":
            return value if isinstance(value, str) else json.dumps(value) if isinstance(value, dict | list) else str(value)
    return None


def _json_entries(lines: Iterator[str], zone: tzinfo, counter: list[int], warnings: list[str]) -> Iterator[_Entry]:
    bad = 0
    for line_no, raw in enumerate(lines, 1):
        counter[0] = line_no
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
            if not isinstance(obj, dict):
                raise ValueError("not an object")
        except ValueError:
            bad += 1
            continue
        level = (_pick(obj, _JSON_FIELDS["level"]) or "INFO").upper()
        stack = _pick(obj, _JSON_FIELDS["stack"])
        yield _Entry(
            line_no=line_no, ts=_parse_ts(_pick(obj, _JSON_FIELDS["ts"]), zone), level=_LEVELS.get(level, level),
            thread=_pick(obj, _JSON_FIELDS["thread"]), trace_id=_trace_id(_pick(obj, _JSON_FIELDS["trace"])),
            logger=_pick(obj, _JSON_FIELDS["logger"]), message=_pick(obj, _JSON_FIELDS["message"]) or "",
            continuation=stack.splitlines() if stack else [],
        )
    if bad:
        warnings.append(f"{bad} line(s) were not valid JSON and were skipped")


def _exception(entry: _Entry, incident_id: str, asset_id: str, exc_id: int) -> ExceptionRecord | None:
    lines = entry.continuation
    if looks_like_trace_start(entry.message):
        lines = [entry.message, *lines]
    if not lines:
        return None
    trace = parse_trace(lines)
    if trace is None:
        return None
    return ExceptionRecord(
        id=exc_id, incident_id=incident_id, asset_id=asset_id, line_no=entry.line_no, ts=entry.ts, logger=entry.logger,
        exc_type=trace.exc_type, message=trace.causes[0].message[:2000], root_type=trace.root.exc_type,
        root_message=trace.root.message[:2000], fingerprint=fingerprint(trace), causes=trace.causes, frames=trace.frames,
    )


Progress = Callable[[str, float], None]


def ingest_log_file(
    store: Store, incident: Incident, path: Path, *, display_name: str | None = None, progress: Progress | None = None
) -> LogIngestResult:
    """Parse one log file into log_lines and exceptions; all of it lands, or none of it.

    Raises:
        IngestError: empty, binary, undecodable or not a log (nothing is written then).
    """
    name = display_name or path.name
    zone = incident.started_at.tzinfo or timedelta(0)  # type: ignore[assignment]
    warnings: list[str] = []
    size = path.stat().st_size
    counter = [0]
    first_id = store.next_exception_id(incident.id)
    with open_text(path) as (text, encoding):
        head = [text.readline() for _ in range(200)]
        layout = detect_layout(head)
        lines: Iterator[str] = _chain(head, text)
        entries = _json_entries(lines, zone, counter, warnings) if layout is None else _text_entries(lines, layout, zone, counter)  # type: ignore[arg-type]
        with store.transaction() as cur:
            asset = store.add_asset(cur, incident.id, "log", name, location=str(path), size_bytes=size)
            rows: list[tuple[object, ...]] = []
            exceptions: list[ExceptionRecord] = []
            n_entries = n_exc = 0
            first_ts = last_ts = None
            for entry in entries:
                n_entries += 1
                if entry.ts:
                    first_ts = first_ts or entry.ts
                    last_ts = entry.ts
                rows.append((incident.id, asset.id, entry.line_no, entry.ts, entry.level, entry.thread, entry.trace_id,
                             entry.logger, entry.message[:4000]))
                if entry.continuation or looks_like_trace_start(entry.message):
                    record = _exception(entry, incident.id, asset.id, first_id + n_exc)
                    if record:
                        exceptions.append(record)
                        n_exc += 1
                if len(rows) >= _BATCH:
                    _flush(store, cur, rows, exceptions)
                    if progress:
                        progress(f"{name}: {counter[0]:,} lines", min(0.95, text.buffer.tell() / max(size, 1)))  # type: ignore[attr-defined]
            _flush(store, cur, rows, exceptions)
            if n_entries == 0:
                raise IngestError(f"{name} holds no log entries.")
            message = f"{encoding}, layout {layout.name if layout else 'json-lines'}"
            if warnings:
                message += "; " + "; ".join(warnings)
            cur.execute(
                "UPDATE assets SET items = ?, message = ?, status = ? WHERE id = ?",
                [n_entries, message, "warning" if warnings else "ok", asset.id],
            )
    log.info("incident %s: log %s — %d lines, %d entries, %d exceptions", incident.id, name, counter[0], n_entries, n_exc)
    return LogIngestResult(
        asset=asset.model_copy(update={"items": n_entries, "message": message}), lines=counter[0], entries=n_entries,
        exceptions=n_exc, encoding=encoding, layout=layout.name if layout else "json-lines", first_ts=first_ts,
        last_ts=last_ts,
    )


def _chain(head: list[str], rest: Iterable[str]) -> Iterator[str]:
    for line in head:
        if line:
            yield line
    yield from rest


_COLUMNS = ["incident_id", "asset_id", "line_no", "ts", "level", "thread", "trace_id", "logger", "message"]


def _flush(store: Store, cur: object, rows: list[tuple[object, ...]], exceptions: list[ExceptionRecord]) -> None:
    if rows:
        frame = pd.DataFrame(rows, columns=_COLUMNS)
        frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
        store.insert_frame(cur, "log_lines", frame)  # type: ignore[arg-type]
        rows.clear()
    if exceptions:
        store.insert_exceptions(cur, exceptions)  # type: ignore[arg-type]
        exceptions.clear()
