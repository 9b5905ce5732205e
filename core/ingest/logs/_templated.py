"""Write a log's entries to log_lines with their template ids, mined in bulk over bounded batches."""

from __future__ import annotations

import logging

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from core.ingest.logs._sql import sql_literal
from core.ingest.logs.templates import TemplateMiner
from core.store import Store

__all__ = ["ENTRY_COLUMNS", "TemplatedWriter"]

log = logging.getLogger(__name__)

ENTRY_COLUMNS = ["line_no", "ts", "level", "thread", "trace_id", "logger", "message"]


class TemplatedWriter:
    """Buffers parsed entries, mines their templates batch by batch, and inserts them with the ids joined.

    Mining runs on the whole batch at once (the miner is vectorised); a batch holds up to
    `batch_bytes` of entries, which bounds memory whatever the file's size. Across batches,
    templates with the same text share one id, numbered by first appearance in the file, so a file
    that fits in one batch gets exactly the miner's templates.
    """

    def __init__(
        self, store: Store, cur: duckdb.DuckDBPyConnection, incident_id: str, asset_id: str, *,
        batch_bytes: int = 48 << 20,
    ) -> None:
        self._store, self._cur = store, cur
        self._incident_id, self._asset_id = incident_id, asset_id
        self._batch_bytes = batch_bytes
        self._buffer: list[pa.Table] = []
        self._buffered = 0
        self._id_of: dict[str, str] = {}  # template text → the asset's template id
        self.counts: dict[str, int] = {}
        self.entries = 0

    def add(self, entries: pa.Table) -> None:
        """Queue entries (ENTRY_COLUMNS, file order); a full batch is mined and written."""
        if not entries.num_rows:
            return
        self._buffer.append(entries.select(ENTRY_COLUMNS))
        self._buffered += entries.nbytes
        if self._buffered >= self._batch_bytes:
            self.flush()

    def flush(self) -> None:
        if not self._buffer:
            return
        batch = pa.concat_tables(self._buffer)
        self._buffer, self._buffered = [], 0
        mined = TemplateMiner().mine(batch.column("message").combine_chunks())
        local = list(mined.templates)
        shared = [self._shared_id(mined.templates[t]) for t in local]
        for t, s in zip(local, shared, strict=True):
            self.counts[s] = self.counts.get(s, 0) + mined.counts[t]
        template_id = pc.take(pa.array(shared, pa.string()), pc.index_in(mined.template_ids, value_set=pa.array(local)))
        batch = batch.append_column("template_id", template_id)
        # A relation query, not register(): inside a transaction a registered table lives until commit.
        self._cur.from_arrow(batch).query(
            "_log_batch",
            "INSERT INTO log_lines (incident_id, asset_id, line_no, ts, level, thread, trace_id, logger, message, "
            f"template_id) SELECT {sql_literal(self._incident_id)}, {sql_literal(self._asset_id)}, line_no, ts, level, "
            "thread, trace_id, logger, message, template_id FROM _log_batch",
        )
        self.entries += batch.num_rows
        log.debug("asset %s: %d entries written, %d templates so far", self._asset_id, self.entries, len(self._id_of))

    def _shared_id(self, text: str) -> str:
        found = self._id_of.get(text)
        if found is None:
            found = self._id_of[text] = f"T{len(self._id_of) + 1}"
        return found

    def finish(self) -> None:
        """Write what is buffered, then the asset's templates with their line counts."""
        self.flush()
        templates = {tid: text for text, tid in self._id_of.items()}
        self._store.set_templates(self._cur, self._incident_id, self._asset_id, templates, self.counts)
