"""Open text assets whatever their packaging and encoding: plain, .gz, .zip; UTF-8, UTF-16, GBK…"""

from __future__ import annotations

import codecs
import gzip
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes

from core.errors import IngestError

__all__ = ["open_text", "detect_encoding", "SAMPLE_BYTES"]

SAMPLE_BYTES = 64 * 1024


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
def _raw_stream(path: Path) -> Iterator[BinaryIO]:
    name = path.name.lower()
    if name.endswith(".gz"):
        with gzip.open(path, "rb") as stream:
            yield stream  # type: ignore[misc]
    elif name.endswith(".zip"):
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise IngestError(f"{path.name} is not a valid zip file.") from exc
        with archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                raise IngestError(f"{path.name} must hold exactly one log file (it holds {len(members)}).")
            with archive.open(members[0]) as stream:
                yield stream  # type: ignore[misc]
    else:
        with path.open("rb") as stream:
            yield stream


@contextmanager
def open_text(path: Path) -> Iterator[tuple[io.TextIOWrapper, str]]:
    """Open `path` as a stream of text lines, with its detected encoding.

    Memory stays bounded whatever the file's size: only a sample is read to detect the encoding.

    Raises:
        IngestError: the file is empty, binary, damaged or of unknown encoding.
    """
    if not path.is_file():
        raise IngestError(f"{path} does not exist or is not a file.")
    try:
        with _raw_stream(path) as raw:
            buffered = io.BufferedReader(raw, buffer_size=1 << 20)  # type: ignore[arg-type]
            sample = buffered.peek(SAMPLE_BYTES)[:SAMPLE_BYTES]
            if not sample.strip():
                raise IngestError(f"{path.name} is empty; nothing to ingest.")
            encoding = detect_encoding(sample, path.name)
            text = io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline=None)
            yield text, encoding
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise IngestError(f"{path.name} could not be read ({exc}); check the file is complete.") from exc
