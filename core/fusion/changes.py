"""Change-centric reasoning: every recent change is a candidate cause, linked to the symptoms it explains.

Most incidents follow a change. Each commit in a window before the error onset is linked to the symptoms
by how code, configuration and builds fail in general:
- it changed a failing frame's line or method (blame at the incident revision says so exactly);
- it changed a method a call or two away from a failing frame: a producer of the value that failed, or a
  callee it relies on;
- it changed code that issues SQL against a table whose statements became slow at the onset;
- it added a string that a new or much louder log template or exception message now shows;
- it changed configuration (pools, timeouts, limits, flags) matching the runtime signal that moved;
- it changed dependency versions, and the runtime cannot find a class or method.
Each link is evidence with its own id and a strength; a change deployed after the errors began is no
candidate. The ruling names a change only when its links are strong enough; otherwise the failing code is
ruled on alone and no commit is convicted.
"""

from __future__ import annotations

import logging
import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from core.fusion._change_content import (
    BUILD_FILE,
    CONFIG_FILE,
    LOCAL_TYPE,
    MAPPER_FILE,
    WAITING,
    Symptoms,
    content_links,
)
from core.fusion._code_index import CodeIndexView, index_name
from core.fusion.facts import (
    GUILTY_SCORE,
    ChangeCandidate,
    ChangeLink,
    ErrorGroup,
    FrameFinding,
    LinkKind,
)
from core.fusion.ledger import EvidenceLedger
from core.fusion.link_words import link_kind, link_said
from core.fusion.runtime_rules import RuntimeFindings
from core.i18n import text
from core.ingest.code import GitRepo, Tag, is_test_path
from core.plain_text import relative_to
from core.schema import Commit
from core.store import Store

__all__ = ["GUILTY_SCORE", "LOOKBACK_DAYS", "ChangeCandidate", "ChangeLink", "link_changes"]

log = logging.getLogger(__name__)

LOOKBACK_DAYS = 30
_MAX_COMMITS = 200  # work is bounded by the window, not by the history

def _noisy_or(strengths: Sequence[float]) -> float:
    p = 1.0
    for s in strengths:
        p *= 1.0 - max(0.0, min(s, 0.99))
    return 1.0 - p


def _recency(hours: float) -> float:
    """Recent changes are likelier causes; an old one still counts when its links are strong."""
    return 0.6 + 0.4 * math.pow(0.5, max(hours, 0.0) / 72.0)


def _window(commits: Sequence[Commit], start: datetime, onset: datetime | None, lookback_days: int) -> list[Commit]:
    since = start - timedelta(days=lookback_days)
    until = min(start, onset) if onset else start
    found = [c for c in commits if since <= c.authored_at <= until and c.parents <= 1]
    return sorted(found, key=lambda c: c.authored_at, reverse=True)[:_MAX_COMMITS]


def _deployed(commit: Commit, tags: Sequence[Tag], repo: GitRepo, until: datetime) -> Tag | None:
    """The first release tag, before `until`, whose history holds the commit."""
    for tag in tags:
        if commit.authored_at <= tag.at <= until and repo.is_ancestor(commit.sha, tag.sha):
            return tag
    return None


def link_changes(
    store: Store, incident_id: str, repo: GitRepo, rev: str, commits: Sequence[Commit], frames: Sequence[FrameFinding],
    groups: Sequence[ErrorGroup], runtime: RuntimeFindings | None, templates: Sequence[str], start: datetime,
    onset: datetime | None, ledger: EvidenceLedger, *, lookback_days: int = LOOKBACK_DAYS,
) -> list[ChangeCandidate]:
    """Link every change in the window before the onset to the symptoms; candidates best first.

    Args:
        frames: ranked failing frames (test frames are ignored: a test change is no production cause).
        groups: error groups, dominant first (their types and messages).
        templates: texts of log templates that are new or much louder after the onset.

    Returns:
        Candidates with at least one link, best first; each link and candidate is in the ledger.
    """
    window = _window(commits, start, onset, lookback_days)
    if not window:
        return []
    spans = CodeIndexView(store, incident_id)
    production = [f for f in frames if f.path and not f.is_test]
    top_score = max((f.score for f in production), default=1.0) or 1.0
    candidates: dict[str, ChangeCandidate] = {}

    def candidate(commit: Commit) -> ChangeCandidate:
        if commit.sha not in candidates:
            hours = (start - commit.authored_at).total_seconds() / 3600
            candidates[commit.sha] = ChangeCandidate(
                sha=commit.sha, author=commit.author,
                message=(commit.message or "").splitlines()[0][:200] if commit.message else "",
                authored_at=commit.authored_at, minutes_before_start=round(hours * 60, 1),
                files=list(commit.files[:50]))
        return candidates[commit.sha]

    in_window = {c.sha: c for c in window}
    top_group = groups[0] if groups else None
    waited = bool(top_group and WAITING.search(
        f"{top_group.root_type} {' '.join(top_group.chain)} {top_group.root_message}"))
    _frame_links(repo, rev, production, top_score, spans, in_window, candidate, 0.65 if waited else 1.0)
    _neighbour_links(repo, rev, production, top_score, spans, in_window, candidate)
    symptoms = Symptoms(groups, runtime, templates, {f.path for f in production if f.path})
    if production and production[0].path:
        symptoms.value_types, symptoms.failing_at = _value_types(repo, rev, production[0], spans), production[0].symbol
    for commit in window:
        patches = None
        if any(CONFIG_FILE.search(p) or BUILD_FILE.search(p) or MAPPER_FILE.search(p) or p.endswith(
                (".java", ".kt", ".scala", ".groovy", ".py", ".go", ".ts", ".js")) for p in commit.files):
            patches = repo.patches(commit.sha)
        if not patches:
            continue
        for link in content_links(patches, symptoms, spans, commit.authored_at):
            link.symbol = link.symbol or (spans.symbol_at(link.path, link.line) if link.path else None)
            candidate(commit).links.append(link)

    tags = [t for t in repo.tags() if t.at <= start]
    out = []
    for cand in candidates.values():
        if not cand.links:
            continue
        commit = in_window[cand.sha]
        tag = _deployed(commit, tags, repo, onset or start) if tags else None
        if tag:
            cand.deployed_tag = tag.name
            cand.deployed_minutes_before_start = round((start - tag.at).total_seconds() / 60, 1)
        best: dict[str, float] = {}
        for link in cand.links:
            best[link.kind] = max(best.get(link.kind, 0.0), link.strength)
        hours = cand.minutes_before_start / 60
        cand.score = round(min(1.0, _noisy_or(list(best.values())) * _recency(hours) * (1.05 if tag else 1.0)), 4)
        out.append(cand)
    out.sort(key=lambda c: -c.score)
    for cand in out[:6]:
        _record(cand, ledger)
    log.info("incident %s: %d commits in the window, %d linked to the symptoms", incident_id, len(window), len(out))
    return out[:6]


def _value_types(repo: GitRepo, rev: str, frame: FrameFinding, spans: CodeIndexView) -> set[str]:
    """The application's own types of the values used on the failing line, from their local declarations."""
    lines = repo.file_lines(rev, frame.path or "")
    if not lines or not 0 < frame.line <= len(lines):
        return set()
    members = [m for m in spans.of_class(index_name(frame.class_name)) if m[0] == frame.method]
    start = next((a for _, a, b, _ in members if a <= frame.line <= b), max(1, frame.line - 30))
    declared = {var: typ for ln in range(start, frame.line + 1) for typ, var in LOCAL_TYPE.findall(lines[ln - 1])}
    used = set(re.findall(r"\b([a-z_][\w$]*)\s*\.", lines[frame.line - 1]))
    types = {declared[v] for v in used if v in declared}
    known = spans.known_types(types)
    return known


def _link_said(cand: ChangeCandidate, link: ChangeLink, lang: str) -> str:
    """One change link as evidence: in English the link's own text, in Chinese what its kind of change did."""
    said = link_said(link.kind, link.path, link.line, lang) if lang == "zh" else link.text[:260]
    return text("finding.change_link", lang, sha=cand.sha[:8], link=link_kind(link.kind, lang),
                strength=link.strength, said=said)


def _commit_said(cand: ChangeCandidate, lang: str) -> str:
    deployed = (text("finding.commit.shipped", lang, tag=cand.deployed_tag,
                     when=relative_to(cand.deployed_minutes_before_start or 0, "start", lang))
                if cand.deployed_tag else text("finding.commit.no_tag", lang))
    return text("finding.commit", lang, sha=cand.sha[:8], author=cand.author,
                when=relative_to(cand.minutes_before_start, "start", lang), message=cand.message[:100],
                links=len(cand.links), score=cand.score, deployed=deployed)


def _record(cand: ChangeCandidate, ledger: EvidenceLedger) -> None:
    for i, link in enumerate(sorted(cand.links, key=lambda lk: -lk.strength)[:4]):
        link.evidence_id = ledger.add(
            "change_link", f"change:{cand.sha}#{link.kind}:{i}", _link_said(cand, link, "en"),
            zh=_link_said(cand, link, "zh"),
            sha=cand.sha, link=link.kind, strength=link.strength, path=link.path, line=link.line)
    cand.evidence_id = ledger.add(
        "commit", f"commit:{cand.sha}", _commit_said(cand, "en"), zh=_commit_said(cand, "zh"),
        sha=cand.sha, score=cand.score, match=max(cand.links, key=lambda lk: lk.strength).kind)


def _frame_links(repo: GitRepo, rev: str, frames: Sequence[FrameFinding], top_score: float, spans: CodeIndexView,
                 window: dict[str, Commit], candidate: Callable[[Commit], ChangeCandidate], waiting: float) -> None:
    """Blame each failing frame's line and method at the incident revision: who wrote what failed.

    `waiting` < 1 when the code failed waiting for a shared resource (a pool, a remote call): the waiting
    code is then a victim, and changing it does not by itself explain the wait.
    """
    for frame in frames[:4]:
        weight = max(0.2, frame.score / top_score)
        members = [m for m in spans.of_class(index_name(frame.class_name)) if m[0] == frame.method]
        span = next(((a, b) for _, a, b, _ in members if a <= frame.line <= b), None)
        if span is None and members:
            span = (members[0][1], members[0][2])
        lines = repo.blame_range(rev, frame.path or "", *(span or (max(1, frame.line - 2), frame.line + 2)))
        start_line = span[0] if span else max(1, frame.line - 2)
        touched: dict[str, list[int]] = defaultdict(list)
        for offset, blamed in enumerate(lines):
            if blamed.sha in window:
                touched[blamed.sha].append(start_line + offset)
        for sha, changed in touched.items():
            in_span = span is None or span[0] <= frame.line <= span[1]
            exact = any(abs(ln - frame.line) <= 1 for ln in changed) and in_span
            kind: LinkKind = "frame_line" if exact else "frame_method"
            # A change to code on the failing path is a strong link whatever the frame's rank; the rank
            # only decides between such changes.
            strength = ((0.75 if exact else 0.6) + 0.2 * weight) * (0.6 + 0.4 * weight) * waiting
            candidate(window[sha]).links.append(ChangeLink(
                kind=kind, strength=round(strength, 3), path=frame.path, line=frame.line if exact else changed[0],
                symbol=frame.symbol,
                text=(f"wrote the failing line {frame.path}:{frame.line} of {frame.symbol} (location candidate "
                      f"#{frame.position + 1})" if exact else
                      f"changed {len(changed)} line(s) of the failing method {frame.symbol} ({frame.path}:"
                      f"{changed[0]}–{changed[-1]}), location candidate #{frame.position + 1}")))
        for commit in window.values():
            if frame.path in commit.files and commit.sha not in touched:
                candidate(commit).links.append(ChangeLink(
                    kind="frame_file", strength=round(0.1 * weight, 3), path=frame.path, symbol=frame.symbol,
                    text=f"changed {frame.path}, the file of {frame.symbol}, but none of that method's lines"))


def _neighbour_links(repo: GitRepo, rev: str, frames: Sequence[FrameFinding], top_score: float, spans: CodeIndexView,
                     window: dict[str, Commit], candidate: Callable[[Commit], ChangeCandidate]) -> None:
    """Changes to methods one call away from the failing frames: producers and consumers of the failing value."""
    seeds = [(index_name(f.class_name), f.method) for f in frames[:3]]
    weight = {(index_name(f.class_name), f.method): max(0.2, f.score / top_score) for f in frames[:3]}
    changed_files = {p for c in window.values() for p in c.files}
    for cls, method, path, a, b, why in spans.neighbours(seeds):
        if path not in changed_files or is_test_path(path):
            continue
        touched: dict[str, list[int]] = defaultdict(list)
        for offset, blamed in enumerate(repo.blame_range(rev, path, a, b)):
            if blamed.sha in window:
                touched[blamed.sha].append(a + offset)
        seed_weight = max(weight.values(), default=0.5)
        for sha, changed in touched.items():
            candidate(window[sha]).links.append(ChangeLink(
                kind="call_graph", strength=round(0.5 * seed_weight, 3), path=path, line=changed[0],
                symbol=f"{cls}.{method}",
                text=f"changed {len(changed)} line(s) of {cls.rsplit('.', 1)[-1]}.{method} ({path}:{changed[0]}), "
                     f"which {why.split(' ', 1)[0]} a failing method ({why.split(' ', 1)[-1].rsplit('.', 2)[-2:][0]}."
                     f"{why.rsplit('.', 1)[-1]}) one call away"))

