"""Log files read in bounded chunks (plain or gzip), and the distinct line keys collected over them."""

from __future__ import annotations

import gzip
import pathlib
import zlib
from collections.abc import Iterator

import numpy as np

from core.errors import IngestError
from core.ingest.logs.templates._lines import LineBuffer, dedupe_lines

__all__ = ["CHUNK_BYTES", "MAX_LINE_BYTES", "KeyCollector", "iter_line_chunks", "looks_binary"]

_GZIP_MAGIC = b"\x1f\x8b"
CHUNK_BYTES = 16 << 20  # about how much of a file is held at once
MAX_LINE_BYTES = 1 << 20  # a longer line keeps only its head
_SNIFF_BYTES = 64 << 10
# Control bytes that text logs do carry: tab, newline, vertical tab, form feed, return, escape.
_TEXT_CONTROLS = frozenset(b"\t\n\v\f\r\x1b")
_BINARY_BYTES = bytes(b for b in range(32) if b not in _TEXT_CONTROLS) + b"\x7f"


def looks_binary(sample: bytes) -> bool:
    """Whether a file's first bytes read like binary data rather than text.

    A text log may carry a stray NUL or a few bytes of broken UTF-8; a binary file (executable,
    image, archive, database) has them everywhere. The file is binary when more than a tenth of
    the sample is control bytes or undecodable as UTF-8.

    Args:
        sample: The first bytes of the file (a few KB or more).

    Returns:
        True for binary data.
    """
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _BINARY_BYTES))
    undecodable = 0 if sample.isascii() else sample.decode("utf-8", errors="replace").count("\ufffd")
    return (controls + undecodable) > 0.1 * len(sample)


def iter_line_chunks(path: pathlib.Path, chunk_bytes: int | None = None) -> Iterator[LineBuffer]:
    """Read a log file as consecutive chunks of whole lines, so memory stays bounded.

    A ``.gz`` file (or any file starting with the gzip magic bytes) is decompressed on the fly.
    A line longer than ``MAX_LINE_BYTES`` keeps only its head.

    Args:
        path: The log file.
        chunk_bytes: About how many bytes each chunk holds (a longer line makes a longer chunk);
            ``CHUNK_BYTES`` when omitted.

    Yields:
        The lines of each chunk, in file order.

    Raises:
        IngestError: The file cannot be read, is a broken gzip file, or is binary.
    """
    path = pathlib.Path(path)
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    try:
        with path.open("rb") as probe:
            compressed = probe.read(2) == _GZIP_MAGIC
        with gzip.open(path, "rb") if compressed else path.open("rb") as fh:
            carry = b""
            skipping = False  # inside the dropped tail of an over-long line
            first = True
            while block := fh.read(chunk_bytes):
                if first:
                    first = False
                    if looks_binary(block[:_SNIFF_BYTES]):
                        raise IngestError(
                            f"{path} looks like a binary file, not a text log; give a plain-text or .gz log file"
                        )
                if skipping:
                    nl = block.find(b"\n")
                    if nl < 0:
                        continue
                    block, skipping = block[nl:], False  # its newline ends the kept head
                data = carry + block if carry else block
                cut = data.rfind(b"\n") + 1
                carry = data[cut:]
                if len(carry) > MAX_LINE_BYTES:
                    # only a line's head takes part in its template: a line without end (a one-line
                    # bomb) must not grow memory
                    carry, skipping = carry[:MAX_LINE_BYTES], True
                if cut:
                    yield LineBuffer.from_bytes(data[:cut])
            if carry:
                yield LineBuffer.from_bytes(carry)
    except (OSError, EOFError, zlib.error) as exc:
        # gzip.BadGzipFile is an OSError; a truncated archive raises EOFError
        raise IngestError(f"cannot read log file {path}: {exc}") from exc


class KeyCollector:
    """Distinct line keys over a stream of line chunks: two sample lines and a line count per key.

    Only the keys' samples and one int32 per line are kept, never the lines themselves.
    """

    def __init__(self, max_chars: int) -> None:
        """Create an empty collector.

        Args:
            max_chars: Only the first ``max_chars`` characters of a line take part in its key.
        """
        self._max_chars = max_chars
        self._index: dict[str, int] = {}
        self.firsts: list[str] = []
        self.others: list[str | None] = []  # a second line of the key, None while it has one line
        self._line_keys: list[np.ndarray] = []

    def add(self, lines: LineBuffer) -> None:
        """Take in the next chunk of lines.

        Args:
            lines: The chunk, in file order.
        """
        if not len(lines):
            return
        dd = dedupe_lines(lines, self._max_chars)
        glob = np.empty(len(dd.keys), dtype=np.int32)
        for k, key in enumerate(dd.keys):
            g = self._index.get(key)
            if g is None:
                g = self._index[key] = len(self.firsts)
                self.firsts.append(lines.line(int(dd.first_line[k])))
                other = int(dd.other_line[k])
                self.others.append(lines.line(other) if other != dd.first_line[k] else None)
            elif self.others[g] is None:
                self.others[g] = lines.line(int(dd.other_line[k]))
            glob[k] = g
        self._line_keys.append(glob[dd.inverse])

    def line_keys(self) -> np.ndarray:
        """Key index of every line taken in so far, in order."""
        if not self._line_keys:
            return np.zeros(0, dtype=np.int32)
        if len(self._line_keys) > 1:
            self._line_keys = [np.concatenate(self._line_keys)]
        return self._line_keys[0]
