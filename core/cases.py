"""The case library: past incidents in LanceDB, found again by similar symptoms, exceptions and root causes.

Fully offline: vectors come from `core._cases_embed` (hashed character n-grams and words, zh and en,
plus a small bilingual glossary), and LanceDB's built-in full-text search (n-gram tokenizer, so Chinese
works without a segmenter) adds exact-term matches; the two are blended. A past root cause enters a
debate as a hypothesis to re-check, never as evidence.
"""

from __future__ import annotations

import contextlib
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import yaml
from pydantic import BaseModel

from core._cases_embed import DIM, embed
from core.config import Settings
from core.errors import IngestError, StoreError
from core.redact import Redactor
from core.schema import Incident, Judgment

__all__ = [
    "TABLE",
    "CaseHit",
    "PastCase",
    "add_case_files",
    "add_cases",
    "add_confirmed_ruling",
    "add_finished_analysis",
    "in_library",
    "library_size",
    "parse_case",
    "similar_cases",
]

log = logging.getLogger(__name__)

TABLE = "cases"
_VECTOR_WEIGHT = 0.75
#: One writer at a time: sessions (demo loads, rulings) writing at once race on LanceDB's optimistic
#: commits (index rebuilds conflict; concurrent upserts of one id both insert). A thread lock serialises
#: this process, a lock file next to the table serialises other processes (the CLI, a second server).
_WRITE_LOCK = threading.Lock()
_LOCK_FILE = ".cases.writer.lock"
_ATTEMPTS = 6
_BACKOFF_S = 0.05  # doubled per attempt, with jitter: 0.05 … 1.6 s, under 4 s in all

_SCHEMA = pa.schema([
    pa.field("id", pa.string()), pa.field("title", pa.string()), pa.field("date", pa.string()),
    pa.field("severity", pa.string()), pa.field("tags", pa.string()), pa.field("root_cause", pa.string()),
    pa.field("symptoms", pa.string()), pa.field("source", pa.string()), pa.field("kind", pa.string()),
    pa.field("text", pa.string()), pa.field("vector", pa.list_(pa.float32(), DIM)),
])


class PastCase(BaseModel):
    """One past incident: a hand-written case file or a finished analysis."""

    id: str
    title: str
    date: str = ""
    severity: str = ""
    tags: list[str] = []
    root_cause: str
    symptoms: str = ""
    source: str
    kind: str = "case"

    def search_text(self) -> str:
        return "\n".join([self.title, " ".join(self.tags), self.symptoms, self.root_cause])


class CaseHit(BaseModel):
    """A similar past case; its root cause is a hypothesis to re-check, not evidence."""

    id: str
    title: str
    score: float
    root_cause: str
    source: str


_SECTION = re.compile(r"^#{1,6}\s+(.+)$", re.MULTILINE)


def _section(body: str, names: tuple[str, ...]) -> str:
    parts = _SECTION.split(body)
    for i in range(1, len(parts) - 1, 2):
        if any(n in parts[i].lower() for n in names):
            return parts[i + 1].strip()
    return ""


def parse_case(text: str, source: str) -> PastCase:
    """Parse a case file: YAML front matter (id, title, root_cause, tags …) and a Markdown body.

    Raises:
        IngestError: no or broken front matter, or neither a root cause nor a title.
    """
    if not text.lstrip("\ufeff").startswith("---"):
        raise IngestError(f"{source}: a case file starts with YAML front matter between '---' lines "
                          "(id, title, root_cause, tags).")
    _, _, rest = text.lstrip("\ufeff").partition("---")
    head, sep, body = rest.partition("\n---")
    if not sep:
        raise IngestError(f"{source}: the front matter is never closed with '---'.")
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as exc:
        raise IngestError(f"{source}: the front matter is not valid YAML ({str(exc).splitlines()[0]}).") from exc
    if not isinstance(meta, dict):
        raise IngestError(f"{source}: the front matter must be a mapping (key: value lines).")
    root = str(meta.get("root_cause") or _section(body, ("root cause", "根因", "原因"))).strip()
    title = str(meta.get("title") or "").strip()
    if not root or not title:
        raise IngestError(f"{source}: a case needs a title and a root_cause (front matter or a 'Root cause' section).")
    symptoms = _section(body, ("symptom", "现象", "impact", "影响")) or body.strip()[:2000]
    tags = meta.get("tags") or []
    return PastCase(id=str(meta.get("id") or Path(source).stem), title=title, date=str(meta.get("date") or ""),
                    severity=str(meta.get("severity") or ""),
                    tags=[str(t) for t in tags] if isinstance(tags, list) else [str(tags)],
                    root_cause=root, symptoms=symptoms[:4000], source=source)


def _table(settings: Settings, create: bool) -> Any | None:
    settings.lance_dir.mkdir(parents=True, exist_ok=True)
    import lancedb  # here, not at the top: it takes seconds to import and most pages never need it

    db = lancedb.connect(str(settings.lance_dir))
    if TABLE in db.list_tables().tables:
        return db.open_table(TABLE)
    return db.create_table(TABLE, schema=_SCHEMA, exist_ok=True) if create else None  # another process may win


@contextlib.contextmanager
def _writer(settings: Settings) -> Iterator[None]:
    try:
        settings.lance_dir.mkdir(parents=True, exist_ok=True)
        handle = open(settings.lance_dir / _LOCK_FILE, "a+b")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise StoreError(f"case library: {settings.lance_dir} cannot be written ({exc}).") from exc
    with _WRITE_LOCK, handle:
        try:
            import fcntl
        except ImportError:  # not POSIX: other processes rely on the retry alone
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _retryable(exc: BaseException) -> bool:
    # LanceDB reports optimistic-commit races as "Retryable commit conflict for version N" (a RuntimeError
    # from the Rust side, or OSError/ValueError depending on where it surfaces).
    text = str(exc).lower()
    return "commit conflict" in text or "retryable" in text


def _with_retry(what: str, action: Callable[[], Any]) -> Any:
    """Run a LanceDB write, retrying commit conflicts with bounded, jittered backoff.

    Raises:
        StoreError: the write still failed after the last attempt, or failed for another reason.
    """
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            return action()
        except Exception as exc:  # an adapter: every LanceDB/Arrow failure becomes a StoreError the caller can log
            if not isinstance(exc, RuntimeError | OSError | ValueError):
                log.warning("case library: %s failed unexpectedly", what, exc_info=exc)
            if not _retryable(exc) or attempt == _ATTEMPTS:
                raise StoreError(f"case library: {what} failed "
                                 f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__}); "
                                 "the cases can be added again later.") from exc
            delay = _BACKOFF_S * 2 ** (attempt - 1) * (0.5 + random.random())
            log.info("case library: %s hit a commit conflict (attempt %d/%d), retrying in %.2fs",
                     what, attempt, _ATTEMPTS, delay)
            time.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def add_cases(settings: Settings, cases: Sequence[PastCase]) -> int:
    """Insert or replace cases (by id) and refresh the full-text index; returns how many were written.

    Writers take turns (a thread lock, and a lock file for other processes); a commit conflict is retried.

    Raises:
        StoreError: the library could not be written (after retries).
    """
    if not cases:
        return 0
    rows = [{**c.model_dump(exclude={"tags"}), "tags": " ".join(c.tags), "text": c.search_text(),
             "vector": embed(c.search_text()).tolist()} for c in cases]
    data = pa.Table.from_pylist(rows, schema=_SCHEMA)
    from lancedb.index import FTS

    def write() -> None:
        # Opened afresh on every attempt: a handle that lost a commit race stays on its old version.
        table = _table(settings, create=True)
        assert table is not None
        table.merge_insert("id").when_matched_update_all().when_not_matched_insert_all().execute(data)  # idempotent
        # n-gram tokens: Chinese has no spaces, and a 2–3 character window matches words in both languages.
        # Rebuilt under the lock, so two rebuilds in this process never race with replace=True.
        table.create_index("text", replace=True,  # with a config, the first argument names the column
                           config=FTS(base_tokenizer="ngram", ngram_min_length=2, ngram_max_length=3, stem=False,
                                      remove_stop_words=False))

    with _writer(settings):
        _with_retry("write", write)
    log.info("case library %s: %d case(s) written", settings.lance_dir, len(rows))
    return len(rows)


def add_case_files(settings: Settings, paths: Sequence[Path], root: Path | None = None) -> tuple[int, dict[str, str]]:
    """Add case files (e.g. a bundle's design/cases/*.md); a bad file is reported, the others still land.

    A library that cannot be written is reported per file in the returned failures, never raised.
    """
    cases, failed = [], {}
    for path in paths:
        source = path.relative_to(root).as_posix() if root and path.is_relative_to(root) else path.name
        try:
            cases.append(parse_case(path.read_text(encoding="utf-8-sig"), source))
        except (IngestError, UnicodeDecodeError) as exc:
            failed[source] = str(exc) if isinstance(exc, IngestError) else f"{source} is not UTF-8 text."
    try:
        return add_cases(settings, cases), failed
    except StoreError as exc:  # an ingest never fails because the shared library could not be written
        log.warning("case library: %d case file(s) not added: %s", len(cases), exc)
        return 0, {**failed, **{c.source: str(exc) for c in cases}}


def add_finished_analysis(settings: Settings, incident: Incident, judgment: Judgment, *,
                          confirmed_by: str | None = None) -> PastCase:
    """Feed a finished analysis back into the library (an abstained judgment is kept, marked as such).

    The library is shared by every incident, so what goes in is redacted (placeholders like `<EMAIL#1>`).
    Adding the same incident again replaces its case.

    Args:
        confirmed_by: who confirmed the ruling (kept as the case's source), when a person did.

    Raises:
        StoreError: the library could not be written (after retries); the caller logs it and carries on.
    """
    redact = Redactor(marker="#").redact
    symptoms = redact("\n".join([incident.description] + [f"- {e.text}" for e in judgment.evidence_chain]))
    root = redact(judgment.root_cause if not judgment.abstained else f"(abstained) {judgment.root_cause}")
    case = PastCase(id=incident.id, title=redact(incident.title), date=incident.started_at.date().isoformat(),
                    severity=incident.severity, tags=[incident.service] + ([judgment.responsible_team]
                                                                          if judgment.responsible_team else []),
                    root_cause=root, symptoms=symptoms[:4000], kind="confirmed" if confirmed_by else "analysis",
                    source=(f"confirmed:{incident.id}:{redact(confirmed_by)}" if confirmed_by
                            else f"analysis:{incident.id}"))
    add_cases(settings, [case])
    log.info("incident %s: added to the case library%s", incident.id,
             f" (confirmed by {confirmed_by})" if confirmed_by else "")
    return case


def add_confirmed_ruling(settings: Settings, incident: Incident, judgment: Judgment, confirmed_by: str) -> PastCase:
    """Add a ruling a person confirmed ("add to library", or an approved review) to the case library.

    The library holds confirmed rulings only: nothing joins it when a debate merely finishes.

    Raises:
        StoreError: the ruling abstained (no root cause to learn from), no one is named, or the library could not
            be written.
    """
    if judgment.abstained:
        raise StoreError("An abstained ruling names no root cause; it cannot join the case library.")
    if not confirmed_by.strip():
        raise StoreError("Say who confirms the ruling before it joins the case library.")
    return add_finished_analysis(settings, incident, judgment, confirmed_by=confirmed_by.strip())


def in_library(settings: Settings, case_id: str) -> bool:
    """True when the library holds a case with this id (an incident's confirmed ruling uses the incident id).

    Raises:
        StoreError: the library exists but cannot be read.
    """
    try:
        table = _table(settings, create=False)
        return table is not None and int(table.count_rows(f"id = '{case_id.replace(chr(39), chr(39) * 2)}'")) > 0
    except (OSError, ValueError, RuntimeError) as exc:
        raise StoreError(f"The case library cannot be read ({str(exc).splitlines()[0]}).") from exc


def similar_cases(settings: Settings, query_text: str, k: int = 5, *, exclude: str | None = None) -> list[CaseHit]:
    """The `k` past cases most like `query_text` (symptoms, exception names, suspected causes; zh or en).

    Score = 0.75 × cosine similarity of the offline embeddings + 0.25 × BM25 relative to the best
    full-text hit; 0 means unrelated. Returns [] when the library is empty.
    """
    table = _table(settings, create=False)
    if table is None or not query_text.strip() or table.count_rows() == 0:
        return []
    query_vec = embed(query_text)
    pool = max(k * 4, 20)
    by_vector = table.search(query_vec, vector_column_name="vector").distance_type("cosine").limit(pool).to_list()
    try:
        by_text = table.search(query_text[:2000], query_type="fts", fts_columns="text").limit(pool).to_list()
    except (ValueError, RuntimeError, OSError) as exc:  # no index yet, or a query the tokenizer rejects
        log.debug("case library full-text search skipped: %s", exc)
        by_text = []
    best_bm25 = max((r.get("_score", 0.0) for r in by_text), default=0.0) or 1.0
    rows: dict[str, dict[str, Any]] = {r["id"]: r for r in by_vector + by_text}
    scores: dict[str, float] = {}
    for case_id, row in rows.items():
        cosine = float(np.dot(query_vec, np.asarray(row["vector"], dtype=np.float32)))
        bm25 = next((r.get("_score", 0.0) for r in by_text if r["id"] == case_id), 0.0) / best_bm25
        scores[case_id] = _VECTOR_WEIGHT * max(cosine, 0.0) + (1 - _VECTOR_WEIGHT) * bm25
    ranked = sorted((i for i in scores if i != exclude), key=lambda i: scores[i], reverse=True)[:k]
    return [CaseHit(id=i, title=rows[i]["title"], score=round(scores[i], 4), root_cause=rows[i]["root_cause"],
                    source=rows[i]["source"]) for i in ranked]


def library_size(settings: Settings) -> int:
    """How many cases the library holds (0 when it does not exist yet)."""
    table = _table(settings, create=False)
    return int(table.count_rows()) if table is not None else 0

