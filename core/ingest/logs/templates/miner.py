"""Log template mining: every line gets a template id and a template with variables as ``<*>``.

How it works, and why it is fast on millions of lines:

1. Lines are deduplicated on a digit-normalised key with numpy and Arrow (``_lines``):
   no per-line Python. Files are read in bounded chunks, plain or gzip (``_stream``);
   only the keys' sample lines and one int32 per line stay in memory.
2. For each distinct key, one representative line has its header (timestamp, level, pid,
   component, detected from the file itself by ``_header``) stripped and its generic
   variables (numbers, ids, IPs, hex, paths, URLs, sizes, dates...) masked (``_mask``).
3. The distinct masked shapes are clustered Drain-style (same length, similar tokens), then split
   again wherever the differing words look like different events rather than data
   (``_cluster``). This runs per distinct shape, not per line.
4. Cluster numbers are broadcast back to every line with one numpy gather.

No per-system settings exist: the knobs and switchable rules (``MinerSettings``) are generic,
and ``bench/bench_templates.py`` measures them leave-one-system-out.
"""

from __future__ import annotations

import logging
import pathlib
from collections.abc import Iterable, Sequence
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from pydantic import BaseModel, ConfigDict, ValidationError

from core.errors import IngestError
from core.ingest.logs.templates._cluster import cluster_shapes
from core.ingest.logs.templates._header import HeaderSpec, detect_header
from core.ingest.logs.templates._lines import LineBuffer
from core.ingest.logs.templates._mask import WILDCARD, MessageMasker
from core.ingest.logs.templates._settings import RULES, MinerSettings
from core.ingest.logs.templates._stream import KeyCollector, iter_line_chunks

__all__ = [
    "RULES",
    "WILDCARD",
    "HeaderSpec",
    "MinedTemplates",
    "MinerSettings",
    "TemplateMiner",
    "mine_lines",
    "split_header",
    "write_loghub_csv",
]

_log = logging.getLogger(__name__)
_CSV_ROWS = 1 << 20

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
        settings: MinerSettings | None = None,
        similarity: float | None = None,
        max_variants: int | None = None,
        max_line_chars: int = 2000,
        header_sample: int = 1000,
    ) -> None:
        """Create a miner. Every knob is generic; there are no per-system settings.

        Args:
            settings: The generic knobs and switchable rules; the defaults when omitted.
            similarity: Overrides ``settings.similarity`` (Drain's similarity threshold).
            max_variants: Overrides ``settings.max_variants``.
            max_line_chars: Lines are truncated to this many characters for shape computation.
            header_sample: At most this many distinct lines are used to detect the header.

        Raises:
            ValueError: A knob is out of range.
        """
        settings = settings or MinerSettings()
        overrides = {k: v for k, v in (("similarity", similarity), ("max_variants", max_variants)) if v is not None}
        if overrides:
            try:
                settings = MinerSettings(**{**settings.model_dump(), **overrides})
            except ValidationError as exc:
                raise ValueError(str(exc)) from exc
        self._settings = settings
        self._max_chars = max(16, max_line_chars)
        self._header_sample = max(50, header_sample)

    @property
    def settings(self) -> MinerSettings:
        """The knobs and rules this miner runs with."""
        return self._settings

    def mine(self, messages: Lines) -> MinedTemplates:
        """Mine templates from messages whose header was already removed.

        Args:
            messages: One message per log line: a list of ``str``/``bytes`` or an Arrow
                string/binary array (nulls count as empty messages).

        Returns:
            The templates, aligned with ``messages``.
        """
        return self._mine([LineBuffer.from_arrow(_to_arrow(messages))], with_header=False)[0]

    def mine_lines(self, lines: Lines) -> MinedTemplates:
        """Mine templates from raw log lines, detecting and skipping their header first.

        Args:
            lines: Raw log lines (with timestamps, levels...).

        Returns:
            The templates, aligned with ``lines``.
        """
        return self._mine([LineBuffer.from_arrow(_to_arrow(lines))], with_header=True)[0]

    def mine_file(self, log_path: pathlib.Path) -> MinedTemplates:
        """Mine templates from a raw log file, plain or gzip, read in bounded chunks.

        Lines are split on ``\\n`` and bad UTF-8 is replaced. Memory grows with the number of
        lines (a few bytes each) and of distinct line shapes, not with the file's size.

        Args:
            log_path: The log file (``.gz`` is decompressed on the fly).

        Returns:
            The templates, one per line of the file.

        Raises:
            IngestError: The file cannot be read, or is binary rather than text.
        """
        return self._mine(iter_line_chunks(log_path), with_header=True)[0]

    def detect_header(self, lines: Lines) -> HeaderSpec:
        """Detect the header layout of raw log lines.

        Args:
            lines: Raw log lines.

        Returns:
            The header layout (``found`` is False when there is none).
        """
        keys = KeyCollector(self._max_chars)
        keys.add(LineBuffer.from_arrow(_to_arrow(lines)))
        counts = np.bincount(keys.line_keys(), minlength=len(keys.firsts))
        return self._detect(keys.firsts, counts)

    def _detect(self, reps: list[str], counts: np.ndarray) -> HeaderSpec:
        if len(reps) > self._header_sample:
            half = self._header_sample // 2
            heavy = np.argsort(-counts, kind="stable")[:half]
            spread = np.linspace(0, len(reps) - 1, half).astype(np.int64)
            pick = np.unique(np.concatenate([heavy, spread]))
            return detect_header([reps[i] for i in pick], counts[pick].tolist())
        return detect_header(reps, counts.tolist())

    def _mine(
        self, chunks: Iterable[LineBuffer], *, with_header: bool
    ) -> tuple[MinedTemplates, np.ndarray, list[str]]:
        """Mine chunks of lines; also returns the cluster of each line and the template texts."""
        keys = KeyCollector(self._max_chars)
        for chunk in chunks:
            keys.add(chunk)
        line_key = keys.line_keys()
        n = len(line_key)
        if n == 0:
            empty = MinedTemplates(template_ids=pa.array([], pa.string()), templates={}, counts={})
            return empty, np.zeros(0, np.int64), []
        reps, others = keys.firsts, keys.others
        key_counts = np.bincount(line_key, minlength=len(reps))
        spec = self._detect(reps, key_counts) if with_header else HeaderSpec()
        masker = MessageMasker(self._max_chars, self._settings)
        second_sample = self._settings.on("second_sample")
        shape_index: dict[tuple[str, ...], int] = {}
        rep_shape = np.empty(len(reps), dtype=np.int64)
        message_of = spec.message_of
        for k, rep in enumerate(reps):
            shape = masker.mask(message_of(rep))
            other = others[k]
            if second_sample and other is not None and other != rep and _has_digit(shape):
                # Lines of one key differ only in digits; where the second line's digits differ from
                # the first's inside a word kept as constant (root14_local / root22_local), the
                # word is data after all.
                shape = _merge_variants(shape, masker.mask(message_of(other)))
            rep_shape[k] = shape_index.setdefault(shape, len(shape_index))
        shape_weight = np.bincount(rep_shape, weights=key_counts, minlength=len(shape_index))
        cluster_of, texts = cluster_shapes(
            list(shape_index), shape_weight.astype(np.int64).tolist(), self._settings
        )
        line_cluster = np.asarray(cluster_of, dtype=np.int32)[rep_shape][line_key]
        ids = [f"T{c + 1}" for c in range(len(texts))]
        counts = np.bincount(line_cluster, minlength=len(texts))
        template_ids = pc.take(pa.array(ids, pa.string()), pa.array(line_cluster))
        _log.info(
            "mined %d templates from %d lines (%d distinct keys, %d shapes, header %s)",
            len(texts), n, len(reps), len(shape_index), ",".join(spec.columns) or "none",
        )
        mined = MinedTemplates(
            template_ids=template_ids,
            templates=dict(zip(ids, texts, strict=True)),
            counts={i: int(c) for i, c in zip(ids, counts, strict=True)},
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
    for a, b in zip(shape, other, strict=True):
        tok = a if a == b else WILDCARD
        if not (tok == WILDCARD and out and out[-1] == WILDCARD):
            out.append(tok)
    return tuple(out)


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
    mined, line_cluster, texts = TemplateMiner()._mine(iter_line_chunks(log_path), with_header=True)
    n = len(line_cluster)
    text_of = pa.array(texts, pa.string())
    schema = pa.schema([("LineId", pa.int64()), ("EventId", pa.string()), ("EventTemplate", pa.string())])
    try:
        pathlib.Path(out_csv).parent.mkdir(parents=True, exist_ok=True)
        with pacsv.CSVWriter(out_csv, schema) as writer:
            # in slices, so the template text of every line never sits in memory at once
            for lo in range(0, n, _CSV_ROWS):
                hi = min(n, lo + _CSV_ROWS)
                writer.write_table(
                    pa.table(
                        [
                            pa.array(np.arange(lo + 1, hi + 1, dtype=np.int64)),
                            mined.template_ids.slice(lo, hi - lo),
                            pc.take(text_of, pa.array(line_cluster[lo:hi])),
                        ],
                        schema=schema,
                    )
                )
    except (OSError, pa.ArrowException) as exc:
        raise IngestError(f"cannot write {out_csv}: {exc}") from exc
    return n
