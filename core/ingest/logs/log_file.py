"""Application logs: detect the layout, then parse, group and store the file chunk by chunk in DuckDB.

A file of any size streams through as Arrow batches of whole lines into one DuckDB query, which
parses them vectorised (header regex, timestamps, levels, trace ids, or JSON fields) and streams
the parsed rows back in batches; only the entries that carry a stack trace reach Python, for
`stacktrace.parse_trace`. Templates are mined in bulk per batch of entries and written with the
entries, so no row is updated afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from itertools import chain
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from core.errors import IngestError
from core.ingest.logs._exceptions import TraceCollector, write_exceptions
from core.ingest.logs._lanes import Lane
from core.ingest.logs._lines import LINE_SCHEMA, line_tables
from core.ingest.logs._sql import ZoneSQL, json_query, text_query
from core.ingest.logs._templated import ENTRY_COLUMNS, TemplatedWriter
from core.ingest.logs.layouts import AUTO, JSON_LINES, resolve_layout
from core.ingest.textfile import open_utf8_chunks
from core.schema import Asset, Incident
from core.store import Store

__all__ = ["LogIngestResult", "ingest_log_file"]

log = logging.getLogger(__name__)

_MAX_CONTINUATION = 2_000
_CHUNK_BYTES = 8 << 20  # file text cut into lines at once
_RESULT_ROWS = 100_000  # parsed lines handed back by DuckDB at once
_BATCH_BYTES = 32 << 20  # entries mined for templates at once
_QUEUED = 2  # parsed batches waiting per worker lane


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
