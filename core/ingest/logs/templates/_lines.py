"""Vectorised line handling for the template miner: file bytes to lines, and line dedupe.

Lines are deduplicated on a digit-normalised key in two levels. Level 1 maps every digit byte
to ``0`` (one C-level ``bytes.translate`` over the whole buffer, so offsets stay valid) and
hashes the lines with Arrow. Level 2 runs Arrow regex kernels over the distinct level-1 keys only:
it collapses what the masker is sure to mask whole (numbers, ids, hex, UUIDs) and the digit
runs it keeps (``alt0``, ``r24``), so values of any length share a key. Only one representative
line per key reaches the masker: per line, the cost is a few vectorised passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["DedupedLines", "LineBuffer", "dedupe_lines"]

_NL = 10
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
# After digits became "0": a run of word characters and dashes holding a digit that starts the run
# or follows "_"/"-", or holding a 3+ digit run, lies in a compound the masker always masks
# whole (numbers, ids, hex, UUIDs). Collapsing such runs to "0" lets values of any length and
# unique hex ids share a key. Plain RE2, no captures, so Arrow runs it fast.
_ALWAYS_MASKED_RE2 = r"\b0[\w\-]*|[\w\-]*(?:[_\-]0|000)[\w\-]*"


@dataclass(frozen=True)
class LineBuffer:
    """Lines as one UTF-8 byte buffer plus offsets (line ``i`` is ``data[offsets[i]:offsets[i+1]]``).

    Attributes:
        data: Valid UTF-8 bytes; lines may still carry a trailing ``\\n`` / ``\\r``.
        offsets: int64 array of ``len + 1`` byte offsets into ``data``.
    """

    data: bytes | memoryview
    offsets: np.ndarray

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def line(self, i: int) -> str:
        """Decode line ``i`` without its line terminator."""
        raw = bytes(self.data[int(self.offsets[i]) : int(self.offsets[i + 1])])
        return raw.decode("utf-8", errors="replace").rstrip("\r\n")

    @classmethod
    def from_bytes(cls, raw: bytes) -> LineBuffer:
        """Split a whole file's bytes into lines (``\\n`` separated; invalid UTF-8 replaced).

        Args:
            raw: File contents.

        Returns:
            The lines; a final line without ``\\n`` counts, an empty tail after the last ``\\n`` does not.
        """
        if raw and not raw.isascii():
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                raw = raw.decode("utf-8", errors="replace").encode("utf-8")
        ends = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == _NL) + 1
        if raw and (len(ends) == 0 or ends[-1] != len(raw)):
            ends = np.append(ends, len(raw))
        offsets = np.zeros(len(ends) + 1, dtype=np.int64)
        offsets[1:] = ends
        return cls(raw, offsets)

    @classmethod
    def from_arrow(cls, arr: pa.Array) -> LineBuffer:
        """View an Arrow string array as a line buffer (nulls become empty lines).

        Args:
            arr: ``string`` or ``large_string`` array with valid UTF-8.

        Returns:
            The lines, sharing Arrow's memory.
        """
        if arr.null_count:
            arr = pc.fill_null(arr, "")
        if len(arr) == 0:
            return cls(b"", np.zeros(1, dtype=np.int64))
        _, off_buf, data_buf = arr.buffers()
        off_type = np.int64 if pa.types.is_large_string(arr.type) else np.int32
        offsets = np.frombuffer(off_buf, dtype=off_type)[arr.offset : arr.offset + len(arr) + 1]
        data = memoryview(data_buf) if data_buf is not None else memoryview(b"")
        return cls(data, offsets.astype(np.int64))


@dataclass(frozen=True)
class DedupedLines:
    """Result of ``dedupe_lines``; keys are numbered by first appearance.

    Attributes:
        inverse: For each line, the index of its key.
        first_line: For each key, the index of the first line having it.
        other_line: For each key, another line having it (the same as ``first_line`` when the
            key has one line). A second sample tells whether digits inside words vary.
        counts: For each key, how many lines have it.
        keys: The normalised key text (digits as ``0``, masked-for-sure compounds as ``0``).
    """

    inverse: np.ndarray
    first_line: np.ndarray
    other_line: np.ndarray
    counts: np.ndarray
    keys: list[str]


def _indices(encoded: pa.DictionaryArray) -> np.ndarray:
    """The codes of a dictionary-encoded array without nulls, as int64.

    Read straight from the Arrow buffer: ``to_numpy`` would import pandas, a second of start-up.
    """
    idx = encoded.indices
    codes = np.frombuffer(idx.buffers()[1], dtype=idx.type.to_pandas_dtype())
    return codes[idx.offset : idx.offset + len(idx)].astype(np.int64)


def _first_occurrences(inverse: np.ndarray) -> np.ndarray:
    """Index of the first line of each key, given keys numbered by first appearance."""
    running = np.maximum.accumulate(inverse)
    return np.flatnonzero(np.diff(running, prepend=-1) > 0)


def dedupe_lines(lines: LineBuffer, max_len: int = 2000) -> DedupedLines:
    """Group lines that are equal once their digit runs are normalised.

    Args:
        lines: The lines.
        max_len: Only the first ``max_len`` characters of a line take part in its key.

    Returns:
        Line-to-key mapping, two sample lines per key and per-key counts.
    """
    n = len(lines)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return DedupedLines(empty, empty, empty, empty, [])
    lo, hi = int(lines.offsets[0]), int(lines.offsets[-1])
    zeroed = bytes(lines.data[lo:hi]).translate(_DIGITS_TO_ZERO)
    rel = lines.offsets - lo
    if hi - lo < 2**31 - 1:
        level1 = pa.StringArray.from_buffers(n, pa.py_buffer(rel.astype(np.int32)), pa.py_buffer(zeroed))
    else:
        level1 = pa.LargeStringArray.from_buffers(n, pa.py_buffer(rel), pa.py_buffer(zeroed))
    encoded = pc.dictionary_encode(level1)
    inverse1 = _indices(encoded)
    first1 = _first_occurrences(inverse1)
    other1 = first1.copy()
    other1[inverse1] = np.arange(n, dtype=np.int64)  # some later line of the key (the last, in practice)

    # level 2, over the distinct level-1 keys only, with Arrow's regex kernels
    keys1 = encoded.dictionary
    if pc.max(pc.utf8_length(keys1)).as_py() > max_len:
        keys1 = pc.utf8_slice_codeunits(keys1, 0, max_len)
    keys1 = pc.utf8_rtrim(keys1, characters="\r\n")
    keys1 = pc.replace_substring_regex(keys1, _ALWAYS_MASKED_RE2, "0")
    keys1 = pc.replace_substring(keys1, "00", "0")  # letter-prefixed 1-2 digit runs: alt0, r24
    encoded2 = pc.dictionary_encode(keys1)
    map12 = _indices(encoded2)
    level2 = encoded2.dictionary.to_pylist()
    inverse = map12[inverse1]
    counts = np.bincount(inverse, minlength=len(level2))
    first_line = first1[_first_occurrences(map12)]
    other_line = first_line.copy()
    np.maximum.at(other_line, map12, other1)
    return DedupedLines(inverse, first_line, other_line, counts, level2)
