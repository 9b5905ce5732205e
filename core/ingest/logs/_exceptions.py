"""Stack traces in parsed log chunks: find the entries that carry one, parse only those, store in bulk."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.ingest.logs.stacktrace import (
    ParsedTrace,
    fingerprint,
    looks_like_trace_start,
    parse_trace,
)

__all__ = ["ExceptionBatch", "TraceCollector", "write_exceptions"]

_ROW_FIELDS = ["line_no", "ts", "logger", "head"]


@dataclass
class ExceptionBatch:
    """Rows for the exceptions and frames tables."""

    exceptions: pd.DataFrame
    frames: pd.DataFrame


def write_exceptions(cur: duckdb.DuckDBPyConnection, batches: list[ExceptionBatch]) -> None:
    """Insert exception batches inside the caller's transaction."""
    # Relation queries, not register() (Store.insert_frame): inside a transaction a registered
    # frame lives until commit, and a large log has a million frames.
    for batch in batches:
        cur.from_df(batch.exceptions).query("_exceptions", "INSERT INTO exceptions BY NAME SELECT * FROM _exceptions")
        if len(batch.frames):
            cur.from_df(batch.frames).query("_frames", "INSERT INTO frames BY NAME SELECT * FROM _frames")


@dataclass
class _Entry:
    line_no: int
    ts: datetime | None
    logger: str | None
    head: str | None  # the whole message, only where it may open a stack trace
    continuation: list[str] = field(default_factory=list)


class TraceCollector:
    """Collects the exceptions of one log asset, chunk by chunk, into batches of table rows.

    Only entries with continuation lines or a message that may open a trace reach Python; in an
    application log that is a small fraction of the lines. Chunks must come in file order, from
    one thread at a time; `take_batches` may be called from another thread.
    """

    def __init__(
        self, incident_id: str, asset_id: str, first_id: int, *, max_continuation: int = 2_000, batch: int = 10_000,
    ) -> None:
        self._incident_id, self._asset_id = incident_id, asset_id
        self._next_id = first_id
        self._max = max_continuation
        self._batch = batch
        self._open: _Entry | None = None  # the last entry seen: its continuation may go on in the next chunk
        self._exceptions: list[dict[str, object]] = []
        self._frames: dict[str, list[object]] = {k: [] for k in _FRAME_COLUMNS}
        self._ready: list[ExceptionBatch] = []
        self._lock = threading.Lock()
        self.count = 0

    def take_batches(self) -> list[ExceptionBatch]:
        """The batches completed so far (each is handed out once)."""
        with self._lock:
            ready, self._ready = self._ready, []
        return ready

    def add_text_chunk(self, table: pa.Table) -> None:
        """Take a parsed text chunk (line_no, is_start, ts, logger, hint, head, cont), in file order."""
        is_start = table.column("is_start").to_numpy(zero_copy_only=False)
        starts = np.flatnonzero(is_start)
        cont_idx = np.flatnonzero(~is_start)
        owner = np.searchsorted(starts, cont_idx) - 1  # -1: continues the entry left open by the last chunk
        # The how-many-th continuation line of its entry each line is: only the first `max` are kept.
        position = cont_idx - starts[np.maximum(owner, 0)] if len(starts) else np.zeros_like(cont_idx)
        already = len(self._open.continuation) if self._open is not None else 0
        position = np.where(owner < 0, cont_idx + 1 + already, position)
        keep = position <= self._max
        kept_owner = owner[keep]
        texts: list[str] = table.column("cont").take(pa.array(cont_idx[keep])).to_pylist()
        owners, first, counts = np.unique(kept_owner, return_index=True, return_counts=True)
        slices = {int(o): (int(f), int(f + c)) for o, f, c in zip(owners, first, counts, strict=True)}

        if self._open is not None and -1 in slices:
            lo, hi = slices[-1]
            self._open.continuation.extend(texts[lo:hi])
        if not len(starts):
            return
        if self._open is not None:
            self._finish(self._open)
        hint = table.column("hint").to_numpy(zero_copy_only=False)[starts]
        with_lines = np.zeros(len(starts), dtype=bool)
        with_lines[owners[owners >= 0]] = True
        chosen = np.flatnonzero(hint | with_lines)
        last = len(starts) - 1
        if not len(chosen) or chosen[-1] != last:
            chosen = np.append(chosen, last)
        rows = table.select(_ROW_FIELDS).take(pa.array(starts[chosen])).to_pylist()
        for k, row in zip(chosen.tolist(), rows, strict=True):
            lo, hi = slices.get(k, (0, 0))
            entry = _Entry(row["line_no"], row["ts"], row["logger"], row["head"], texts[lo:hi])
            if k == last:
                self._open = entry
            else:
                self._finish(entry)

    def add_json_chunk(self, table: pa.Table) -> None:
        """Take a parsed JSON-lines chunk (line_no, is_start, ts, logger, hint, head, stack)."""
        carries = pc.or_(table.column("hint"), pc.is_valid(table.column("stack")))
        chosen = table.filter(pc.and_(table.column("is_start"), carries))
        for row in chosen.select([*_ROW_FIELDS, "stack"]).to_pylist():
            stack = row["stack"]
            self._finish(_Entry(row["line_no"], row["ts"], row["logger"], row["head"],
                                stack.splitlines()[: self._max] if stack else []))

    def finish(self) -> None:
        """Parse the entry still open and complete the last batch."""
        if self._open is not None:
            self._finish(self._open)
            self._open = None
        self._flush()

    def _finish(self, entry: _Entry) -> None:
        lines = entry.continuation
        if entry.head is not None and looks_like_trace_start(entry.head):
            lines = [entry.head, *lines]
        if not lines:
            return
        trace = parse_trace(lines)
        if trace is not None:
            self._add(entry, trace)

    def _add(self, entry: _Entry, trace: ParsedTrace) -> None:
        exc_id = self._next_id
        self._next_id += 1
        self.count += 1
        self._exceptions.append({
            "incident_id": self._incident_id, "id": exc_id, "asset_id": self._asset_id, "line_no": entry.line_no,
            "ts": entry.ts, "logger": entry.logger, "exc_type": trace.exc_type,
            "message": trace.causes[0].message[:2000], "root_type": trace.root.exc_type,
            "root_message": trace.root.message[:2000], "fingerprint": fingerprint(trace),
            "causes": json.dumps([c.model_dump() for c in trace.causes]),
        })
        frames = self._frames
        for f in trace.frames:
            frames["exception_id"].append(exc_id)
            frames["depth"].append(f.depth)
            frames["cause_index"].append(f.cause_index)
            frames["class_name"].append(f.class_name)
            frames["method"].append(f.method)
            frames["file"].append(f.file)
            frames["line"].append(f.line)
            frames["in_app"].append(f.in_app)
        if len(self._exceptions) >= self._batch:
            self._flush()

    def _flush(self) -> None:
        if not self._exceptions:
            return
        exceptions = pd.DataFrame(self._exceptions)
        exceptions["ts"] = pd.to_datetime(exceptions["ts"], utc=True)
        frames = pd.DataFrame({k: v for k, v in self._frames.items() if k != "line"})
        frames["line"] = pd.array(self._frames["line"], dtype="Int64")
        frames["incident_id"] = self._incident_id
        with self._lock:
            self._ready.append(ExceptionBatch(exceptions, frames))
        self._exceptions = []
        self._frames = {k: [] for k in _FRAME_COLUMNS}


_FRAME_COLUMNS = ("exception_id", "depth", "cause_index", "class_name", "method", "file", "line", "in_app")
