"""Application logs: detect the layout, then parse, group and store the file chunk by chunk in DuckDB.

A file of any size streams through as Arrow batches of whole lines into one DuckDB query, which
parses them vectorised (header regex, timestamps, levels, trace ids, or JSON fields) and streams
the parsed rows back in batches; only the entries that carry a stack trace reach Python, for
`stacktrace.parse_trace`. Templates are mined in bulk per batch of entries and written with the
entries, so no row is updated afterwards.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from itertools import chain
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from core.errors import IngestError
from core.ingest._log_exceptions import TraceCollector, write_exceptions
from core.ingest._log_lanes import Lane
from core.ingest._log_lines import LINE_SCHEMA, line_tables
from core.ingest._log_sql import ZoneSQL, json_query, text_query
from core.ingest._log_templates import ENTRY_COLUMNS, TemplatedWriter
from core.ingest.textfile import open_utf8_chunks
from core.schema import Asset, Incident
from core.store import Store

__all__ = ["AUTO", "JSON_LINES", "LAYOUTS", "LogIngestResult", "LogLayout", "detect_layout", "ingest_log_file",
           "log_formats", "resolve_layout"]

log = logging.getLogger(__name__)

_TS = r"(?P<ts>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)"
_LEVEL = r"(?P<level>TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|SEVERE|FATAL|CRITICAL)"
_LOGGER = r"(?P<logger>[\w.$\[\]-]+)"
_TS_ANY = _TS.replace(r"\d{4}-\d{2}-\d{2}", r"\d{4}[-/]\d{2}[-/]\d{2}")
# RFC 3339 as syslog writes it: a 'T' between date and time, and a zone.
_TS_RFC3339 = r"(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2}))"
_MON = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_JUL_LEVEL = r"(?P<level>SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST)"
_MAX_CONTINUATION = 2_000
_CHUNK_BYTES = 8 << 20  # file text cut into lines at once
_RESULT_ROWS = 100_000  # parsed lines handed back by DuckDB at once
_BATCH_BYTES = 32 << 20  # entries mined for templates at once
_QUEUED = 2  # parsed batches waiting per worker lane


@dataclass(frozen=True)
class LogLayout:
    """One line layout: a name and the regex of an entry's first line up to its message (``head``).

    ``pattern`` is the whole first line: ``head`` followed by the message. ``fast`` are narrower
    forms of ``head`` without its ambiguities (so RE2 parses them in one pass, several times
    faster): where one matches, ``head`` gives the same groups; lines none of them matches fall
    back to ``head`` itself.
    """

    name: str
    head: str
    fast: tuple[str, ...] = ()
    ts_formats: tuple[str, ...] = ()  # DuckDB strptime formats of the ts group; none: ISO-8601
    yearless: bool = False  # the ts group has no year (classic syslog)
    http_status: bool = False  # the message opens with an HTTP request line and status (access logs)
    example: str = ""  # one first line in this layout, for help texts and tests
    # Groups that must not hold a level word for a line to count towards detecting this layout
    # (`2026-11-20T14:05:03Z ERROR app: boom` is not syslog from a host named ERROR).
    not_levels: tuple[str, ...] = ()
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", re.compile(self.head + r"(?P<msg>.*)$"))


# A logger in the fast forms cannot start with '[' (which would also open an optional bracket).
_LOGGER_FAST = r"(?P<logger>[\w.$-][\w.$\[\]-]*)"
_BRACKET = r"\[(?P<{}>[^\]]*)\]\s+"

LAYOUTS: tuple[LogLayout, ...] = (
    # Most specific first: a Spring Boot line would also pass for Logback with a numeric logger.
    # Spring Boot default: ts  LEVEL pid --- [thread] logger : msg
    LogLayout(
        "spring-boot", rf"^{_TS}\s+{_LEVEL}\s+\d+\s+---\s+\[\s*(?P<thread>[^\]]*)\]\s+{_LOGGER}\s+:\s?",
        fast=(rf"^{_TS}\s+{_LEVEL}\s+\d+\s+---\s+\[\s*(?:(?P<thread>[^\]\s][^\]]*))?\]\s+{_LOGGER}\s+:\s?",),
        example="2026-11-20 14:05:03.117 ERROR 4242 --- [nio-8080-exec-1] c.a.s.order.OrderController : boom",
    ),
    # Logback/Log4j: ts LEVEL [thread] [traceId] logger - msg   (thread and trace optional)
    LogLayout(
        "logback",
        rf"^{_TS}\s+{_LEVEL}\s+(?:\[(?P<thread>[^\]]*)\]\s+)?(?:\[(?P<trace>[^\]]*)\]\s+)?{_LOGGER}\s+-\s?",
        fast=(
            rf"^{_TS}\s+{_LEVEL}\s+{_BRACKET.format('thread')}{_BRACKET.format('trace')}{_LOGGER_FAST}\s+-\s?",
            rf"^{_TS}\s+{_LEVEL}\s+{_BRACKET.format('thread')}{_LOGGER_FAST}\s+-\s?",
            rf"^{_TS}\s+{_LEVEL}\s+{_LOGGER_FAST}\s+-\s?",
        ),
        example="2026-11-20 14:05:03.117 ERROR [exec-2] [4bf92f3577b34da6] c.a.s.order.OrderService - boom",
    ),
    # Logback default: ts [thread] LEVEL logger - msg
    LogLayout(
        "logback-thread-first",
        rf"^{_TS}\s+\[(?P<thread>[^\]]*)\]\s+{_LEVEL}\s+(?:\[(?P<trace>[^\]]*)\]\s+)?{_LOGGER}\s+-\s?",
        fast=(
            rf"^{_TS}\s+{_BRACKET.format('thread')}{_LEVEL}\s+{_BRACKET.format('trace')}{_LOGGER_FAST}\s+-\s?",
            rf"^{_TS}\s+{_BRACKET.format('thread')}{_LEVEL}\s+{_LOGGER_FAST}\s+-\s?",
        ),
        example="2026-11-20 14:05:03.117 [exec-2] ERROR c.a.s.order.OrderService - boom",
    ),
    # Python logging: ts - logger - LEVEL - msg
    LogLayout(
        "python-logging", rf"^{_TS}\s+-\s+{_LOGGER}\s+-\s+{_LEVEL}\s+-\s?",
        example="2026-11-20 14:05:03,117 - shop.orders - ERROR - payment failed",
    ),
    # Tomcat/JULI one-line: dd-Mon-yyyy time LEVEL [thread] logger msg
    LogLayout(
        "tomcat",
        rf"^(?P<ts>\d{{2}}-{_MON}-\d{{4}} \d{{2}}:\d{{2}}:\d{{2}}(?:\.\d{{1,3}})?)\s+{_JUL_LEVEL}\s+"
        rf"\[(?P<thread>[^\]]*)\]\s+(?P<logger>\S+)\s*",
        ts_formats=("%d-%b-%Y %H:%M:%S.%g", "%d-%b-%Y %H:%M:%S"),
        example="20-Nov-2026 14:05:03.117 SEVERE [http-nio-8080-exec-1] org.apache.catalina.core.StandardWrapperValve.invoke boom",
    ),
    # Spark and the Hadoop tools' log4j default (%d{yy/MM/dd HH:mm:ss} %p %c{1}: %m): yy/MM/dd time LEVEL logger: msg
    LogLayout(
        "log4j-spark",
        rf"^(?P<ts>\d{{2}}/\d{{2}}/\d{{2}} \d{{2}}:\d{{2}}:\d{{2}}(?:[.,]\d{{1,3}})?)\s+{_LEVEL}\s+{_LOGGER}:\s?",
        ts_formats=("%y/%m/%d %H:%M:%S", "%y/%m/%d %H:%M:%S.%g"),
        example="17/06/09 20:10:40 ERROR executor.Executor: Exception in task 0.0 in stage 1.0 (TID 1)",
    ),
    # Older Hadoop daemons: yyMMdd HHmmss pid LEVEL logger: msg
    LogLayout(
        "hadoop-compact",
        rf"^(?P<ts>\d{{6}} \d{{6}})\s+(?P<thread>\d+)\s+{_LEVEL}\s+{_LOGGER}:\s?",
        ts_formats=("%y%m%d %H%M%S",),
        example="081109 203615 148 WARN dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_3886 terminating",
    ),
    # logfmt as logrus writes it: time="…" level=… msg=…
    LogLayout(
        "logfmt", rf'^(?:time|ts|timestamp|t)="?{_TS}"?\s+(?:level|lvl)=(?P<level>[A-Za-z]+)\s+(?:msg=)?',
        example='time="2026-11-20T14:05:03+08:00" level=error msg="lock wait timeout" order=7',
    ),
    # nginx error log: yyyy/mm/dd time [level] pid#tid: *conn msg
    LogLayout(
        "nginx-error",
        r"^(?P<ts>\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2})\s+\[(?P<level>debug|info|notice|warn|error|crit|alert|emerg)\]"
        r"\s+(?P<thread>\d+#\d+):\s?",
        example="2026/11/20 14:05:03 [error] 31#31: *9 upstream timed out (110: Connection timed out)",
    ),
    # Apache httpd error log: [Www Mon dd time yyyy] [module:level] [pid N] [client ip:port] msg
    LogLayout(
        "apache-error",
        rf"^\[(?P<ts>[A-Z][a-z]{{2}} {_MON} [ \d]?\d \d{{2}}:\d{{2}}:\d{{2}}(?:\.\d{{1,6}})? \d{{4}})\]\s+"
        r"\[(?:[\w-]+:)?(?P<level>[a-z]+\d?)\]\s+(?:\[pid (?P<thread>\d+)[^\]]*\]\s+)?(?:\[client [^\]]*\]\s+)?",
        ts_formats=("%a %b %d %H:%M:%S.%f %Y", "%a %b %d %H:%M:%S %Y"),
        example="[Thu Nov 20 14:05:03.117000 2026] [proxy:error] [pid 4242] [client 10.0.0.9:51234] AH00898: Error reading",
    ),
    # nginx/Apache access log (common and combined): client ident user [dd/Mon/yyyy:time zone] "request" status …
    LogLayout(
        "http-access",
        rf"^\S+\s+\S+\s+\S+\s+\[(?P<ts>\d{{2}}/{_MON}/\d{{4}}:\d{{2}}:\d{{2}}:\d{{2}}(?:\.\d+)?\s[+-]\d{{4}})\]\s*",
        ts_formats=("%d/%b/%Y:%H:%M:%S %z", "%d/%b/%Y:%H:%M:%S.%f %z"),
        http_status=True,
        example='10.0.0.9 - - [20/Nov/2026:14:05:03 +0800] "POST /api/orders HTTP/1.1" 504 167 "-" "okhttp/4.12.0"',
    ),
    # RFC 5424 syslog: <pri>version ts host app procid msgid structured-data msg
    LogLayout(
        "syslog-rfc5424",
        rf"^<(?P<pri>\d{{1,3}})>\d{{1,2}}\s+{_TS}\s+\S+\s+(?P<logger>\S+)\s+(?P<thread>\S+)\s+\S+\s+"
        r"(?:-|(?:\[[^\]]*\])+)\s?",
        example="<131>1 2026-11-20T14:05:03.117+08:00 shop-7 order-service 4242 - - lock wait timeout",
    ),
    # Classic (RFC 3164) syslog: [<pri>]Mon dd time host tag[pid]: msg
    LogLayout(
        "syslog",
        rf"^(?:<(?P<pri>\d{{1,3}})>)?(?P<ts>{_MON}\s+\d{{1,2}}\s\d{{2}}:\d{{2}}:\d{{2}}(?:\.\d{{1,6}})?)\s+\S+\s+"
        r"(?:(?P<logger>[^\s\[:]+)(?:\[(?P<thread>\d+)\])?:)?\s?",
        fast=(
            (rf"^(?:<(?P<pri>\d{{1,3}})>)?(?P<ts>{_MON}\s+\d{{1,2}}\s\d{{2}}:\d{{2}}:\d{{2}}(?:\.\d{{1,6}})?)\s+\S+\s+"
             r"(?P<logger>[^\s\[:]+)(?:\[(?P<thread>\d+)\])?:\s?"),
        ),
        ts_formats=("%b %d %H:%M:%S", "%b %d %H:%M:%S.%f"),
        yearless=True,
        example="Nov 20 14:05:03 shop-7 order-service[4242]: ERROR lock wait timeout",
    ),
    # ISO-stamped syslog (rsyslog's high-precision template): ts host tag[pid]: msg
    LogLayout(
        "syslog-iso", rf"^{_TS_RFC3339}\s+(?P<host>\S+)\s+(?P<logger>[^\s\[:]+)(?:\[(?P<thread>\d+)\])?:\s?",
        not_levels=("host",),
        example="2026-11-20T14:05:03.117+08:00 shop-7 order-service[4242]: lock wait timeout",
    ),
    # Anything that starts with a timestamp (ISO, or with '/' between date parts) and has a level soon after.
    LogLayout("generic", rf"^\[?{_TS_ANY}\]?\s+(?:.{{0,40}}?\b)?{_LEVEL}\b[:\]]?\s*",
              example="[2026/11/20 14:05:03] app ERROR: boom"),
)


AUTO = "auto"
JSON_LINES = "json-lines"


def log_formats() -> tuple[str, ...]:
    """Every name `ingest_log_file(log_format=...)` accepts: "auto" first, then JSON lines and the layouts."""
    return (AUTO, JSON_LINES, *(layout.name for layout in LAYOUTS))


def resolve_layout(log_format: str, sample: list[str], name: str) -> LogLayout | None:
    """The layout to parse with: detected from `sample` for "auto", else the one named (None: JSON lines).

    Raises:
        IngestError: an unknown format name, or a chosen layout that opens none of the sample's lines.
    """
    if log_format in ("", AUTO):
        return detect_layout(sample)
    if log_format == JSON_LINES:
        if not any(ln.lstrip().startswith("{") for ln in sample):
            raise IngestError(f"{name}: no line among the first {len(sample)} is a JSON object; "
                              "choose another format, or 'auto' to detect it.")
        return None
    chosen = next((layout for layout in LAYOUTS if layout.name == log_format), None)
    if chosen is None:
        raise IngestError(f"Unknown log format {log_format!r}; choose one of: {', '.join(log_formats())}.")
    if not any(chosen.pattern.match(ln) for ln in sample):
        raise IngestError(
            f"{name}: no line among the first {len(sample)} matches the log format {log_format!r}; "
            f"choose another format, or 'auto' to detect it."
        )
    return chosen


_LEVEL_WORDS = frozenset(
    "TRACE DEBUG INFO NOTICE WARN WARNING ERROR ERR SEVERE FATAL CRITICAL CRIT ALERT EMERG PANIC".split())


def _counts_for(layout: LogLayout, line: str) -> bool:
    match = layout.pattern.match(line)
    if match is None:
        return False
    return not any((match.group(g) or "").upper() in _LEVEL_WORDS for g in layout.not_levels)


def detect_layout(sample: Iterable[str]) -> LogLayout | None:
    """The layout whose pattern opens the most lines of the sample (None if it looks like JSON lines)."""
    lines = [ln for ln in sample if ln.strip()]
    if lines and sum(ln.lstrip().startswith("{") for ln in lines) > len(lines) * 0.8:
        return None
    best, best_hits = LAYOUTS[-1], 0
    for layout in LAYOUTS:
        hits = sum(1 for ln in lines if _counts_for(layout, ln))
        if hits > best_hits:
            best, best_hits = layout, hits
    if best_hits == 0:
        raise IngestError(
            "No line of this file starts the way a known log layout does (a timestamp, then a level, as in "
            "Logback, Log4j, Spring Boot, Python, Tomcat, logfmt, syslog, nginx or Apache logs, or JSON lines); "
            "it does not look like a log. Check the file, or choose its format by hand."
        )
    return best


_JSON_FIELDS = {
    "ts": ("@timestamp", "timestamp", "time", "ts", "datetime", "date"),
    "level": ("level", "severity", "log.level", "levelname", "lvl"),
    "message": ("message", "msg", "log", "text"),
    "logger": ("logger", "logger_name", "log.logger", "name", "category"),
    "thread": ("thread", "thread_name", "threadName"),
    "trace": ("trace_id", "traceId", "trace.id", "traceid", "dd.trace_id"),
    "stack": ("stack_trace", "stacktrace", "exception", "exc_info", "error.stack_trace", "stack"),
}


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


Progress = Callable[[str, float], None]


@dataclass
class _Totals:
    lines: int = 0
    bad_json: int = 0
    first_ts: datetime | None = None
    last_ts: datetime | None = None

    def see(self, entries: pa.Table) -> None:
        stamps = pc.drop_null(entries.column("ts"))
        if len(stamps):
            self.first_ts = self.first_ts or stamps[0].as_py()
            self.last_ts = stamps[-1].as_py()


def ingest_log_file(
    store: Store, incident: Incident, path: Path, *, display_name: str | None = None, progress: Progress | None = None,
    log_format: str = AUTO,
) -> LogIngestResult:
    """Parse one log file into log_lines (with templates), exceptions and frames; all of it lands, or none of it.

    Memory stays bounded whatever the file's size: the file streams through in chunks. The
    layout is detected from the first lines unless `log_format` names one (see `log_formats`).

    Raises:
        IngestError: empty, binary, undecodable, not a log, or not in the chosen format (nothing
            is written then).
    """
    name = display_name or path.name
    zone: tzinfo = incident.started_at.tzinfo or timezone(timedelta(0))
    zone_sql = ZoneSQL(zone, incident.started_at)
    with open_utf8_chunks(path, _CHUNK_BYTES) as stream:
        lines = line_tables(stream.blocks, _CHUNK_BYTES)
        first = next(lines, None)
        if first is None:
            raise IngestError(f"{name} is empty; nothing to ingest.")
        layout = resolve_layout(log_format, first.column("line").slice(0, 200).to_pylist(), name)
        chunks = chain([first], lines)
        del first  # let each chunk go once parsed
        layout_name = layout.name if layout else JSON_LINES
        sql = (json_query(_JSON_FIELDS, zone_sql, "_log_chunk") if layout is None
               else text_query([*layout.fast, layout.head], zone_sql, "_log_chunk", ts_formats=layout.ts_formats,
                               yearless=layout.yearless, http_status=layout.http_status))
        totals = _Totals()
        first_id = store.next_exception_id(incident.id)
        with (
            store.transaction() as cur,
            _chunk_reader(cur) as reader,
            Lane("log-traces", _QUEUED) as trace_lane,
            Lane("log-writes", _QUEUED) as write_lane,
        ):
            asset = store.add_asset(cur, incident.id, "log", name, location=str(path), size_bytes=path.stat().st_size)
            traces = TraceCollector(incident.id, asset.id, first_id, max_continuation=_MAX_CONTINUATION)
            writer = TemplatedWriter(store, cur, incident.id, asset.id, batch_bytes=_BATCH_BYTES)
            add_traces = traces.add_json_chunk if layout is None else traces.add_text_chunk
            # Three lanes at once: DuckDB parses the line stream (this thread drives it), one lane
            # parses stack traces in Python, one mines templates and writes rows (the only user of
            # `cur` until it is drained).
            source = _LineSource(chunks)
            with closing(_parsed_batches(reader, sql, source)) as batches:
                for parsed in batches:
                    entries = parsed.filter(parsed.column("is_start"))
                    totals.bad_json += parsed.num_rows - entries.num_rows if layout is None else 0
                    totals.see(entries)
                    trace_lane.submit(add_traces, parsed)
                    write_lane.submit(writer.add, entries.select(ENTRY_COLUMNS))
                    write_lane.submit(write_exceptions, cur, traces.take_batches())
                    if progress:
                        progress(f"{name}: {source.lines:,} lines", min(0.95, stream.fraction()))
            totals.lines = source.lines
            trace_lane.drain()
            traces.finish()
            write_lane.submit(write_exceptions, cur, traces.take_batches())
            write_lane.submit(writer.finish)
            write_lane.drain()
            if writer.entries == 0:
                raise IngestError(f"{name} holds no log entries.")
            message = f"{stream.encoding}, layout {layout_name}"
            if totals.bad_json:
                message += f"; {totals.bad_json} line(s) were not valid JSON and were skipped"
            cur.execute(
                "UPDATE assets SET items = ?, message = ?, status = ?, format = ? WHERE id = ?",
                [writer.entries, message, "warning" if totals.bad_json else "ok", layout_name, asset.id],
            )
    log.info("incident %s: log %s — %d lines, %d entries, %d exceptions, %d templates", incident.id, name,
             totals.lines, writer.entries, traces.count, len(writer.counts))
    return LogIngestResult(
        asset=asset.model_copy(update={"items": writer.entries, "message": message}), lines=totals.lines,
        entries=writer.entries, exceptions=traces.count, encoding=stream.encoding, layout=layout_name,
        first_ts=totals.first_ts.astimezone(zone) if totals.first_ts else None,
        last_ts=totals.last_ts.astimezone(zone) if totals.last_ts else None,
    )


@contextmanager
def _chunk_reader(cur: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A second connection for parsing chunks, outside the write transaction.

    Parsing reads only the line stream; doing it in autocommit lets what was registered go as soon
    as it is parsed (inside a transaction a registered table lives until commit).
    """
    reader = cur.cursor()
    try:
        reader.execute("SET TimeZone = 'UTC'")
        yield reader
    finally:
        reader.close()


class _LineSource:
    """The file's line tables as one Arrow stream for DuckDB, remembering how far it got."""

    def __init__(self, tables: Iterator[pa.Table]) -> None:
        self._tables = tables
        self.lines = 0
        self.error: BaseException | None = None
        self.reader = pa.RecordBatchReader.from_batches(LINE_SCHEMA, self._batches())

    def _batches(self) -> Iterator[pa.RecordBatch]:
        try:
            for table in self._tables:
                self.lines = table.column("line_no")[-1].as_py()
                yield from table.to_batches()
        except Exception as exc:  # DuckDB would turn it into its own error; keep it to re-raise
            self.error = exc
            raise


def _parsed_batches(reader: duckdb.DuckDBPyConnection, sql: str, source: _LineSource) -> Generator[pa.Table]:
    """Parsed lines, in line order, from one DuckDB query over the whole stream (bound once, run in parallel)."""
    reader.register("_log_chunk", source.reader)
    last = 0
    try:
        for batch in reader.sql(sql).to_arrow_reader(_RESULT_ROWS):
            numbers = batch.column(0).to_numpy()
            if len(numbers) and (numbers[0] <= last or not bool(np.all(numbers[1:] > numbers[:-1]))):
                raise IngestError("DuckDB returned log lines out of order; please report this.")
            last = int(numbers[-1]) if len(numbers) else last
            yield pa.Table.from_batches([batch])
    except Exception:  # DuckDB's error, or Arrow's as the stream ends
        if source.error is not None:
            raise source.error from source.error.__cause__  # DuckDB's wrapper adds nothing
        raise
    finally:
        reader.unregister("_log_chunk")
