"""Resolve an evidence id to what it points at: log lines, source code, a commit's diff, a rule."""

from __future__ import annotations

import itertools
from pathlib import Path

from pydantic import BaseModel

from core.errors import IngestError, TribunalError
from core.ingest.code import GitRepo
from core.ingest.textfile import open_text
from core.store import Store

__all__ = ["SourceView", "resolve_source"]

_CONTEXT = 8


class SourceView(BaseModel):
    """A snippet to show next to a citation."""

    title: str
    location: str
    language: str = "text"
    text: str


def _log_excerpt(path: Path, line: int, after: int = 40) -> str:
    start = max(1, line - 3)
    with open_text(path) as (stream, _):
        rows = itertools.islice(stream, start - 1, line + after)
        return "".join(f"{'>>' if n == line else '  '} {n:>7}  {text}" for n, text in enumerate(rows, start))


def _code_excerpt(repo: GitRepo, rev: str, path: str, line: int) -> str:
    rows = repo.show_lines(rev, path, line - _CONTEXT, line + _CONTEXT)
    return "\n".join(f"{'>>' if n == line else '  '} {n:>5}  {text}" for n, text in rows)


def resolve_source(store: Store, incident_id: str, evidence_id: str) -> SourceView:
    """Show the source behind one evidence entry.

    Returns:
        A snippet; when the source cannot be read any more, the evidence's own text with a note.
    """
    evidence = {e.id: e for e in store.list_evidence(incident_id)}.get(evidence_id)
    if evidence is None:
        return SourceView(title=evidence_id, location="?",
                          text=f"{evidence_id} is not in this incident's evidence ledger.")
    ref = evidence.ref
    base = SourceView(title=f"{evidence.id} · {evidence.kind}", location=evidence.source, text=evidence.text)
    try:
        repo_path = store.asset_location(incident_id, kind="repo")
        repo = GitRepo(Path(repo_path)) if repo_path else None
        if evidence.kind in ("exception",) and ref.get("asset"):
            where = store.asset_location(incident_id, kind="log", name=str(ref["asset"]))
            if where:
                return base.model_copy(update={"text": _log_excerpt(Path(where), int(ref.get("line") or 1))})
        if evidence.kind in ("stack_frame", "blame") and repo and ref.get("path"):
            rev = str(ref.get("rev") or "HEAD")
            return base.model_copy(update={
                "language": "java" if str(ref["path"]).endswith(".java") else "text",
                "text": _code_excerpt(repo, rev, str(ref["path"]), int(ref.get("line") or 1)),
            })
        if evidence.kind == "commit" and repo and ref.get("sha"):
            return base.model_copy(update={"language": "diff", "text": repo.diff(str(ref["sha"]))})
        if evidence.kind == "deploy" and repo and ref.get("sha"):
            return base.model_copy(update={"language": "text", "text": repo.diff(str(ref["sha"]), max_chars=3000)})
    except (TribunalError, IngestError, OSError, ValueError) as exc:
        return base.model_copy(update={"text": f"{evidence.text}\n\n(source not readable any more: {exc})"})
    return base
