"""Open text assets whatever their packaging and encoding: plain, .gz, .zip; UTF-8, UTF-16, GBK…"""

from __future__ import annotations

import codecs
import gzip
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from charset_normalizer import from_bytes

from core.errors import IngestError

__all__ = ["MAX_UNPACKED_BYTES", "SAMPLE_BYTES", "Utf8Chunks", "detect_encoding", "open_text", "open_utf8_chunks"]

SAMPLE_BYTES = 64 * 1024
# What one file may unpack to. Counted on the bytes actually read, not on the size a .gz or .zip claims:
# a 2 MB gzip can unpack to gigabytes.
MAX_UNPACKED_BYTES = 4 * 1024**3


class _CappedStream(io.RawIOBase):
    """A byte stream that stops with a clear error once more than `limit` bytes came out of it."""

    def __init__(self, inner: IO[bytes] | io.BufferedIOBase, limit: int, name: str) -> None:
        super().__init__()
        self._inner, self._limit, self._name = inner, limit, name
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        # Never ask for more than one byte past the limit: the bomb is refused before it is inflated.
        want = min(len(buffer), self._limit - self.count + 1)
        data = self._inner.read(want) if want > 0 else b""
        n = len(data)
        buffer[:n] = data
        self.count += n
        if self.count > self._limit:
            raise IngestError(
                f"{self._name} unpacks to more than {_size(self._limit)}; the rest of it was not read. "
                "Export a shorter time window around the incident, or split the file.")
        return n

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes (fewer only at the end of the stream)."""
        if size is None or size < 0:
            return self.readall()
        parts, left = [], size
        while left > 0:
            chunk = super().read(left)
            if not chunk:
                break
            parts.append(chunk)
            left -= len(chunk)
        return b"".join(parts)


def _size(count: int) -> str:
    return f"{count / 1024**3:.0f} GB" if count >= 1024**3 else f"{count / 1024**2:.0f} MB"


def _looks_binary(sample: bytes) -> bool:
    if not sample:
        return False
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    nul = sample.count(b"\x00")
    controls = sum(1 for b in sample[:8192] if b < 9 or 13 < b < 32)
    return nul > 0 or controls / min(len(sample), 8192) > 0.05


def detect_encoding(sample: bytes, name: str) -> str:
    """Pick the encoding of a text sample.

    Raises:
        IngestError: the sample is binary, or no text encoding fits it.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _looks_binary(sample):
        raise IngestError(f"{name} looks like a binary file, not text; upload the log as plain text, .gz or .zip.")
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(sample) - 4:
            return "utf-8"  # a multi-byte character cut by the sample's end
    best = from_bytes(sample).best()
    if best is None:
        raise IngestError(f"{name}: cannot tell its text encoding; save it as UTF-8 and retry.")
    # GB2312/GBK are subsets of GB18030; decoding as the superset avoids errors on rarer characters.
    return "gb18030" if best.encoding.lower() in ("gb2312", "gbk", "gb18030") else best.encoding


@contextmanager
def _raw_stream(path: Path, max_bytes: int) -> Iterator[BinaryIO]:
    with _measured_stream(path, max_bytes) as (stream, _):
        yield stream


@contextmanager
def _measured_stream(path: Path, max_bytes: int = MAX_UNPACKED_BYTES) -> Iterator[tuple[BinaryIO, Callable[[], float]]]:
    """The decompressed byte stream (stopping past `max_bytes`), and how far through the file it has read (0..1)."""
    name = path.name.lower()
    size = max(path.stat().st_size, 1)
    if name.endswith(".gz"):
        with path.open("rb") as packed, gzip.GzipFile(fileobj=packed, mode="rb") as stream:
            yield _CappedStream(stream, max_bytes, path.name), lambda: packed.tell() / size  # type: ignore[misc]
    elif name.endswith(".zip"):
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise IngestError(f"{path.name} is not a valid zip file.") from exc
        with archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                raise IngestError(f"{path.name} must hold exactly one log file (it holds {len(members)}).")
            unpacked = max(members[0].file_size, 1)
            with archive.open(members[0]) as stream:
                yield _CappedStream(stream, max_bytes, path.name), lambda: stream.tell() / unpacked  # type: ignore[misc]
    else:
        with path.open("rb") as stream:
            yield _CappedStream(stream, max_bytes, path.name), lambda: stream.tell() / size  # type: ignore[misc]


@contextmanager
def open_text(path: Path, max_bytes: int = MAX_UNPACKED_BYTES) -> Iterator[tuple[io.TextIOWrapper, str]]:
    """Open `path` as a stream of text lines, with its detected encoding.

    Memory stays bounded whatever the file's size: only a sample is read to detect the encoding.

    Args:
        path: a plain, .gz or single-member .zip text file.
        max_bytes: reading past this many unpacked bytes raises IngestError.

    Raises:
        IngestError: the file is empty, binary, damaged, of unknown encoding or unpacks past `max_bytes`.
    """
    if not path.is_file():
        raise IngestError(f"{path} does not exist or is not a file.")
    try:
        with _raw_stream(path, max_bytes) as raw:
            buffered = io.BufferedReader(raw, buffer_size=1 << 20)  # type: ignore[type-var]
            sample = buffered.peek(SAMPLE_BYTES)[:SAMPLE_BYTES]
            if not sample.strip():
                raise IngestError(f"{path.name} is empty; nothing to ingest.")
            encoding = detect_encoding(sample, path.name)
            text = io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline=None)
            yield text, encoding
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
        raise IngestError(f"{path.name} could not be read ({exc}); check the file is complete.") from exc


@dataclass
class Utf8Chunks:
    """A text file as a stream of UTF-8 byte blocks (cut anywhere, even inside a character).

    Attributes:
        encoding: The file's detected encoding (what it was transcoded from).
        blocks: UTF-8 bytes, BOM removed. Blocks of a UTF-8 file are passed through as read, so
            they may hold invalid sequences; blocks of other encodings were decoded with
            replacement characters.
        fraction: How far through the file the stream is (0..1), for progress reports.
    """

    encoding: str
    blocks: Iterator[bytes]
    fraction: Callable[[], float]


@contextmanager
def open_utf8_chunks(
    path: Path, block_bytes: int = 16 << 20, max_bytes: int = MAX_UNPACKED_BYTES,
) -> Iterator[Utf8Chunks]:
    """Open `path` as UTF-8 byte blocks of about `block_bytes`, transcoding other encodings on the fly.

    Memory stays bounded whatever the file's size: one block is held at a time; reading past
    `max_bytes` unpacked bytes raises IngestError.

    Raises:
        IngestError: the file is empty, binary, damaged or of unknown encoding (reading errors
            surface while iterating the blocks, as IngestError too).
    """
    if not path.is_file():
        raise IngestError(f"{path} does not exist or is not a file.")
    with ExitStack() as stack:
        try:
            raw, fraction = stack.enter_context(_measured_stream(path, max_bytes))
            first = raw.read(max(block_bytes, SAMPLE_BYTES))
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
            raise IngestError(f"{path.name} could not be read ({exc}); check the file is complete.") from exc
        if not first[:SAMPLE_BYTES].strip():
            raise IngestError(f"{path.name} is empty; nothing to ingest.")
        encoding = detect_encoding(first[:SAMPLE_BYTES], path.name)
        # Errors while reading later blocks are raised by the iterator, not around the caller's code.
        yield Utf8Chunks(encoding, _utf8_blocks(path.name, raw, first, encoding, block_bytes), fraction)


def _utf8_blocks(name: str, raw: BinaryIO, first: bytes, encoding: str, block_bytes: int) -> Iterator[bytes]:
    decoder = None if encoding in ("utf-8", "utf-8-sig") else codecs.getincrementaldecoder(encoding)(errors="replace")
    block = first.removeprefix(codecs.BOM_UTF8) if encoding == "utf-8-sig" else first
    while block:
        yield block if decoder is None else decoder.decode(block).encode("utf-8", errors="replace")
        try:
            block = raw.read(block_bytes)
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
            raise IngestError(f"{name} could not be read ({exc}); check the file is complete.") from exc
    if decoder is not None:
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail.encode("utf-8", errors="replace")
