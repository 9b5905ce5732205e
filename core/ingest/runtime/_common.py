"""Shared plumbing of the runtime parsers: times in the incident's zone, JSON loading, asset status."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from core.errors import IngestError
from core.ingest.textfile import open_text
from core.schema import Incident

__all__ = ["epoch_to_datetime", "load_json", "parse_time", "read_text", "status_of", "to_float", "zone_of"]

# Largest file a runtime parser reads whole, counted unpacked (a .gz is measured by what comes out of it):
# parsing holds the text and its table at once, so this keeps one file well under 1 GB of memory.
MAX_BYTES = 128 * 1024 * 1024
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$")


def zone_of(incident: Incident) -> tzinfo:
    """The zone naive timestamps are read in: the incident's own."""
    return incident.started_at.tzinfo or UTC


def epoch_to_datetime(value: float) -> datetime | None:
    """An epoch in s, ms, µs or ns (told apart by magnitude) as an aware UTC datetime; None if implausible."""
    if not math.isfinite(value) or value <= 0:
        return None
    for limit, scale in ((1e17, 1e9), (1e14, 1e6), (1e11, 1e3), (1e8, 1.0)):
        if value >= limit:
            return datetime.fromtimestamp(value / scale, UTC)
    return None


def parse_time(value: object, zone: tzinfo) -> datetime | None:
    """A timestamp from ISO text or an epoch number; naive text is read in `zone`. None when unreadable."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, int | float):
        return epoch_to_datetime(float(value))
    text = str(value).strip().strip('"')
    if not text:
        return None
    if _NUMBER.match(text):
        return epoch_to_datetime(float(text))
    text = text.replace(",", ".")
    if re.match(r"^\d{4}/\d{2}/\d{2}", text):
        text = text.replace("/", "-", 2)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def to_float(value: object) -> float | None:
    """A finite float from a number or numeric text ('1,234' and '12%' included); None otherwise."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().rstrip("%").replace(",", "")
        if not text or text.lower() in ("nan", "null", "none", "-"):
            return None
        try:
            number = float(text)
        except ValueError:
            return None
    return number if math.isfinite(number) else None


def read_text(path: Path) -> tuple[str, str]:
    """The whole file as text with its encoding (open_text handles .gz/.zip, encodings, binary, empty).

    Raises:
        IngestError: missing, empty, binary, undecodable or too large.
    """
    if path.is_file() and path.stat().st_size > MAX_BYTES:
        raise IngestError(
            f"{path.name} is larger than {MAX_BYTES // (1024 * 1024)} MB; "
            "export a shorter time window around the incident."
        )
    with open_text(path, max_bytes=MAX_BYTES) as (stream, encoding):
        text = stream.read()
    if not text.strip():
        raise IngestError(f"{path.name} is empty; nothing to ingest.")
    return text.lstrip("\ufeff"), encoding


def load_json(text: str, name: str) -> tuple[object, int]:
    """Parse a JSON document, or JSON lines; returns the value and how many lines were skipped.

    Raises:
        IngestError: the document is truncated or malformed (and is not JSON lines).
    """
    try:
        return json.loads(text), 0
    except json.JSONDecodeError as exc:
        first_error = exc
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) > 1 and lines[0].lstrip().startswith("{"):
        values, bad = [], 0
        for line in lines:
            try:
                values.append(json.loads(line))
            except json.JSONDecodeError:
                bad += 1
        if values and bad < len(lines) / 2:
            return values, bad
    where = f"line {first_error.lineno}, column {first_error.colno}"
    if first_error.pos >= len(text.rstrip()) - 1 or "Unterminated" in first_error.msg:
        raise IngestError(
            f"{name} is truncated JSON (it ends at {where} before the document closes); export it again completely."
        ) from first_error
    raise IngestError(f"{name} is not valid JSON ({first_error.msg} at {where}); check the export.") from first_error


def status_of(warnings: Iterable[str], base: str) -> tuple[str, str]:
    """The asset's status and message: 'warning' when anything was skipped, with the counts."""
    notes = [w for w in warnings if w]
    return ("warning" if notes else "ok"), "; ".join([base, *notes]) if base else "; ".join(notes)
