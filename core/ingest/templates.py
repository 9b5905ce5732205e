"""Log template mining: every line gets a template id and a template with variables as ``<*>``.

How it works, and why it is fast on millions of lines:

1. Lines are deduplicated on a digit-normalised key with numpy and Arrow (``_template_lines``):
   no per-line Python.
2. For each distinct key, one representative line has its header (timestamp, level, pid,
   component, detected from the file itself by ``_template_header``) stripped and its generic
   variables (numbers, ids, IPs, hex, paths, URLs, sizes, dates...) masked (``_template_mask``).
3. The distinct masked shapes are clustered Drain-style (same length, similar tokens), then split
   again wherever the differing words look like different events rather than data
   (``_template_cluster``). This runs per distinct shape, not per line.
4. Cluster numbers are broadcast back to every line with one numpy gather.

No per-system settings exist: all knobs are generic.
"""

from __future__ import annotations

import logging
import pathlib
from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from pydantic import BaseModel, ConfigDict

from core.errors import IngestError
from core.ingest._template_cluster import cluster_shapes
from core.ingest._template_header import HeaderSpec, detect_header
from core.ingest._template_lines import LineBuffer, dedupe_lines
from core.ingest._template_mask import WILDCARD, MessageMasker

__all__ = [
    "WILDCARD",
    "HeaderSpec",
    "MinedTemplates",
    "TemplateMiner",
    "mine_lines",
    "split_header",
    "write_loghub_csv",
]

_log = logging.getLogger(__name__)

Lines: TypeAlias = "Sequence[str] | Sequence[bytes] | pa.Array | pa.ChunkedArray"


class MinedTemplates(BaseModel):
    """Templates of a batch of log lines; ``template_ids`` is aligned with the input order.

    Attributes:
        template_ids: Arrow string array, one id (``"T1"``, ``"T2"``...) per input line. Ids are
            numbered by first occurrence, so the same input always yields the same ids.
        templates: Template id -> template text, variables shown as ``<*>``.
        counts: Template id -> number of lines.
        header_columns: Names of the header fields found before the messages (empty when the
            input was already messages or had no recognisable header).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    template_ids: pa.Array
    templates: dict[str, str]
    counts: dict[str, int]
    header_columns: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.template_ids)

    def template_of_line(self, i: int) -> str:
        """Template text of input line ``i`` (0-based).

        Args:
            i: Line index.

        Returns:
            The template text.
        """
        return self.templates[self.template_ids[i].as_py()]


def _to_arrow(lines: Lines) -> pa.Array:
    """Turn any supported line container into an Arrow string array (valid UTF-8)."""
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks() if lines.num_chunks else pa.array([], pa.string())
    if isinstance(lines, pa.Array):
        return _as_text(lines)
    items = list(lines)
    try:
        return pa.array(items, pa.large_string())
    except (pa.ArrowException, TypeError, UnicodeEncodeError):
        # bytes (maybe not UTF-8), lone surrogates (errors="surrogateescape"), other objects
        return pa.array([_clean_text(x) for x in items], pa.large_string())


def _clean_text(item: object) -> str | None:
    if item is None:
        return None
    if isinstance(item, (bytes, bytearray, memoryview)):
        return bytes(item).decode("utf-8", errors="replace")
    return str(item).encode("utf-8", errors="replace").decode("utf-8")


class TemplateMiner:
    """Mines templates from log messages or raw log lines, in bulk."""

    def __init__(
        self,
        *,
        similarity: float = 0.5,
        max_variants: int = 5,
        max_line_chars: int = 2000,
        header_sample: int = 1000,
    ) -> None:
        """Create a miner. Every knob is generic; there are no per-system settings.

        Args:
            similarity: Share of equal constant tokens for two same-length shapes to be compared
                as one candidate event (Drain's similarity threshold).
            max_variants: A token position with at least this many different plain words is a
                variable; fewer different words are kept as distinct events.
            max_line_chars: Lines are truncated to this many characters for shape computation.
            header_sample: At most this many distinct lines are used to detect the header.
        """
        if not 0.0 < similarity <= 1.0:
            raise ValueError("similarity must be in (0, 1]")
        self._similarity = similarity
        self._max_variants = max(2, max_variants)
        self._max_chars = max(16, max_line_chars)
        self._header_sample = max(50, header_sample)

    def mine(self, messages: Lines) -> MinedTemplates:
        """Mine templates from messages whose header was already removed.

        Args:
            messages: One message per log line: a list of ``str``/``bytes`` or an Arrow
                string/binary array (nulls count as empty messages).

        Returns:
            The templates, aligned with ``messages``.
        """
        return self._mine(LineBuffer.from_arrow(_to_arrow(messages)), with_header=False)[0]

    def mine_lines(self, lines: Lines) -> MinedTemplates:
        """Mine templates from raw log lines, detecting and skipping their header first.

        Args:
            lines: Raw log lines (with timestamps, levels...).

        Returns:
            The templates, aligned with ``lines``.
        """
        return self._mine(LineBuffer.from_arrow(_to_arrow(lines)), with_header=True)[0]

    def mine_file(self, log_path: pathlib.Path) -> MinedTemplates:
        """Mine templates from a raw log file (lines split on ``\\n``, bad UTF-8 replaced).

        Args:
            log_path: The log file.

        Returns:
            The templates, one per line of the file.

        Raises:
            IngestError: The file cannot be read.
        """
        return self._mine(_read_lines(log_path), with_header=True)[0]

    def detect_header(self, lines: Lines) -> HeaderSpec:
        """Detect the header layout of raw log lines.

        Args:
            lines: Raw log lines.

        Returns:
            The header layout (``found`` is False when there is none).
        """
        buf = LineBuffer.from_arrow(_to_arrow(lines))
        dd = dedupe_lines(buf, self._max_chars)
        reps = [buf.line(int(i)) for i in dd.first_line]
        return self._detect(reps, dd.counts)

    def _detect(self, reps: list[str], counts: np.ndarray) -> HeaderSpec:
        if len(reps) > self._header_sample:
            half = self._header_sample // 2
            heavy = np.argsort(-counts, kind="stable")[:half]
            spread = np.linspace(0, len(reps) - 1, half).astype(np.int64)
            pick = np.unique(np.concatenate([heavy, spread]))
            return detect_header([reps[i] for i in pick], counts[pick].tolist())
        return detect_header(reps, counts.tolist())

    def _mine(self, buf: LineBuffer, *, with_header: bool) -> tuple[MinedTemplates, np.ndarray, list[str]]:
        """Mine a line buffer; also returns the cluster of each line and the template texts."""
        n = len(buf)
        if n == 0:
            return MinedTemplates(template_ids=pa.array([], pa.string()), templates={}, counts={}), np.zeros(0, np.int64), []
        dd = dedupe_lines(buf, self._max_chars)
        reps = [buf.line(int(i)) for i in dd.first_line]
        spec = self._detect(reps, dd.counts) if with_header else HeaderSpec()
        masker = MessageMasker(self._max_chars)
        shape_index: dict[tuple[str, ...], int] = {}
        rep_shape = np.empty(len(reps), dtype=np.int64)
        message_of = spec.message_of
        for k, rep in enumerate(reps):
            shape = masker.mask(message_of(rep))
            if dd.other_line[k] != dd.first_line[k] and _has_digit(shape):
                # Lines of one key differ only in digits; where the last line's digits differ from
                # the first's inside a word kept as constant (root14_local / root22_local), the
                # word is data after all.
                other = buf.line(int(dd.other_line[k]))
                if other != rep:
                    shape = _merge_variants(shape, masker.mask(message_of(other)))
            rep_shape[k] = shape_index.setdefault(shape, len(shape_index))
        shape_weight = np.bincount(rep_shape, weights=dd.counts, minlength=len(shape_index))
        cluster_of, texts = cluster_shapes(
            list(shape_index),
            shape_weight.astype(np.int64).tolist(),
            similarity=self._similarity,
            max_variants=self._max_variants,
        )
        line_cluster = np.asarray(cluster_of, dtype=np.int64)[rep_shape][dd.inverse]
        ids = [f"T{c + 1}" for c in range(len(texts))]
        counts = np.bincount(line_cluster, minlength=len(texts))
        template_ids = pc.take(pa.array(ids, pa.string()), pa.array(line_cluster))
        _log.info(
            "mined %d templates from %d lines (%d distinct keys, %d shapes, header %s)",
            len(texts), n, len(reps), len(shape_index), ",".join(spec.columns) or "none",
        )
        mined = MinedTemplates(
            template_ids=template_ids,
            templates=dict(zip(ids, texts)),
            counts={i: int(c) for i, c in zip(ids, counts)},
            header_columns=spec.columns,
        )
        return mined, line_cluster, texts


def _has_digit(shape: tuple[str, ...]) -> bool:
    return any(ch.isdigit() for tok in shape for ch in tok)


def _merge_variants(shape: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...]:
    """Mask the tokens where two samples of one key differ."""
    if shape == other or len(shape) != len(other):
        return shape
    out: list[str] = []
    for a, b in zip(shape, other):
        tok = a if a == b else WILDCARD
        if not (tok == WILDCARD and out and out[-1] == WILDCARD):
            out.append(tok)
    return tuple(out)


def _read_lines(log_path: pathlib.Path) -> LineBuffer:
    try:
        raw = pathlib.Path(log_path).read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read log file {log_path}: {exc}") from exc
    return LineBuffer.from_bytes(raw)


def split_header(lines: Lines) -> tuple[pa.Table, pa.Array]:
    """Split raw log lines into header columns and messages, detecting the header generically.

    Args:
        lines: Raw log lines.

    Returns:
        ``(header_table, messages)``: one row per line; ``messages`` is an Arrow string (or
        large_string) array. The table has one string column per
        detected header field (e.g. ``time_1``, ``level``, ``component``), null where a line does
        not start with the header (continuation lines); the messages are what follows the
        header, or the whole line. With no detectable header the table is empty (no columns,
        so no rows) and the messages are the lines.
    """
    arr = _to_arrow(lines)
    if arr.null_count:
        arr = pc.fill_null(arr, "")
    spec = TemplateMiner().detect_header(arr)
    if not spec.found:
        return pa.table({}), arr
    parts = pc.extract_regex(arr, spec.pattern + r"(?P<message>.*)")
    matched = pc.is_valid(parts)
    messages = pc.if_else(matched, parts.field("message"), arr)
    none = pa.scalar(None, parts.type.field(0).type)
    table = pa.table({name: pc.if_else(matched, parts.field(name), none) for name in spec.columns})
    return table, messages


def _as_text(arr: pa.Array) -> pa.Array:
    """Cast binary to string, replacing invalid UTF-8; other non-string types are stringified."""
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return arr
    if pa.types.is_null(arr.type):
        return pa.array([""] * len(arr), pa.string())
    if pa.types.is_binary(arr.type) or pa.types.is_large_binary(arr.type):
        try:
            return arr.cast(pa.large_string())
        except pa.ArrowInvalid:
            return pa.array(
                [None if b is None else b.decode("utf-8", "replace") for b in arr.to_pylist()], pa.large_string()
            )
    return arr.cast(pa.string())


def mine_lines(lines: Lines) -> MinedTemplates:
    """Mine templates from raw log lines with the default miner (header detected and skipped).

    Args:
        lines: Raw log lines, as a list or an Arrow array.

    Returns:
        The templates, aligned with ``lines``.
    """
    return TemplateMiner().mine_lines(lines)


def write_loghub_csv(log_path: pathlib.Path, out_csv: pathlib.Path) -> int:
    """Mine a raw log file and write Loghub-style structured output.

    Args:
        log_path: Raw log file (header included).
        out_csv: Destination CSV with columns ``LineId`` (1-based), ``EventId``, ``EventTemplate``,
            one row per input line.

    Returns:
        Number of rows written.

    Raises:
        IngestError: The log cannot be read or the CSV cannot be written.
    """
    mined, line_cluster, texts = TemplateMiner()._mine(_read_lines(log_path), with_header=True)
    n = len(line_cluster)
    table = pa.table(
        {
            "LineId": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "EventId": mined.template_ids,
            "EventTemplate": pc.take(pa.array(texts, pa.string()), pa.array(line_cluster))
            if n
            else pa.array([], pa.string()),
        }
    )
    try:
        pathlib.Path(out_csv).parent.mkdir(parents=True, exist_ok=True)
        pacsv.write_csv(table, out_csv)
    except (OSError, pa.ArrowException) as exc:
        raise IngestError(f"cannot write {out_csv}: {exc}") from exc
    return n
