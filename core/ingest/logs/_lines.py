"""Cut a stream of UTF-8 byte blocks into numbered lines as Arrow tables, without a per-line loop."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["LINE_SCHEMA", "line_tables"]

LINE_SCHEMA = pa.schema([("line_no", pa.int64()), ("line", pa.string())])
_LF, _CR = 10, 13


# A line longer than this is cut here (the rest of it, up to its end, is dropped): a file without line
# ends must not be held whole. Messages are cut much shorter again when parsed.
MAX_LINE_BYTES = 1 << 20


def line_tables(blocks: Iterable[bytes], min_bytes: int = 16 << 20, batch_rows: int = 16_384, *,
                max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[pa.Table]:
    """Whole lines of the stream, numbered from 1, as tables of about `min_bytes` of text each.

    Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r`` (Python's universal newlines) and are given
    without their ending; a last line without an ending counts, an empty tail does not. Invalid
    UTF-8 becomes U+FFFD, as Python's ``errors="replace"`` would. Each table is cut in record
    batches of `batch_rows` so DuckDB can scan it on several threads. A line still without an end
    after `min_bytes` and `max_line_bytes` is cut to `max_line_bytes`, so memory stays bounded.
    """
    carry = b""
    next_no = 1
    skipping = False  # dropping the rest of a line that was cut
    for block in blocks:
        if skipping:
            end = _first_end(block)
            if end < 0:
                continue
            block, skipping = block[end + 1 :], False
        data = carry + block if carry else block
        del block
        if len(data) < min_bytes:
            carry = data
            continue
        cut = _last_end(data)
        if cut < 0:
            if len(data) <= max_line_bytes:
                carry = data
                continue
            table = _numbered(memoryview(data[:max_line_bytes]), next_no, batch_rows, final=True)
            carry, skipping = b"", True
            del data
            next_no += table.num_rows
            yield table
            continue
        table = _numbered(memoryview(data)[: cut + 1], next_no, batch_rows)
        carry = data[cut + 1 :]
        del data  # the table holds its own copy: only it stays alive while the caller works
        next_no += table.num_rows
        yield table
    if carry:
        yield _numbered(memoryview(carry), next_no, batch_rows, final=True)


def _first_end(data: bytes) -> int:
    """Where the first line ending is (-1: none); a ``\\r\\n`` counts as one, ending at its ``\\n``."""
    lf, cr = data.find(b"\n"), data.find(b"\r")
    if cr >= 0 and (lf < 0 or cr < lf):
        return cr + 1 if data[cr + 1 : cr + 2] == b"\n" else cr
    return lf


def _last_end(data: bytes) -> int:
    """Where the last complete line ends (-1: none); a trailing ``\\r`` waits, it may be half of ``\\r\\n``."""
    limit = len(data) - 1 if data.endswith(b"\r") else len(data)
    return max(data.rfind(b"\n", 0, limit), data.rfind(b"\r", 0, limit))


def _numbered(data: memoryview, first_no: int, batch_rows: int, *, final: bool = False) -> pa.Table:
    raw = np.frombuffer(data, dtype=np.uint8)
    if _CR in raw:
        is_lf = raw == _LF
        # A line ends at every \n, and at a \r not followed by \n (that \r then belongs to \r\n).
        lone_cr = raw == _CR
        lone_cr[:-1] &= ~is_lf[1:]
        ends = np.flatnonzero(is_lf | lone_cr)
    else:
        ends = np.flatnonzero(raw == _LF)
    n = len(ends)
    offsets = np.empty(n + 2, dtype=np.int64)
    offsets[0] = 0
    offsets[1 : n + 1] = ends + 1
    if final and (n == 0 or ends[-1] != len(data) - 1):
        offsets[n + 1] = len(data)
        n += 1
    lines = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets[: n + 1]), pa.py_buffer(data))
    if not raw.max(initial=0) < 0x80:
        try:
            lines.validate(full=True)  # checks UTF-8, much faster than decoding
        except pa.ArrowInvalid:
            fixed = bytes(data).decode("utf-8", errors="replace").encode("utf-8")
            return _numbered(memoryview(fixed), first_no, batch_rows, final=final)
    # Both endings are ASCII, which never occurs inside a UTF-8 sequence: trimming bytes is safe.
    lines = pc.ascii_rtrim(lines, characters="\r\n").cast(pa.string())
    numbers = pa.array(np.arange(first_no, first_no + n, dtype=np.int64))
    table = pa.Table.from_arrays([numbers, lines], schema=LINE_SCHEMA)
    return pa.Table.from_batches(table.to_batches(max_chunksize=batch_rows), schema=LINE_SCHEMA)
