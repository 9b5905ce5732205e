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
from collections.abc import Sequence
from datetime import datetime, timedelta

from core.fusion.facts import (
    GUILTY_SCORE,
    ChangeCandidate,
    ChangeLink,
    ErrorGroup,
    FrameFinding,
    LinkKind,
)
from core.fusion.ledger import EvidenceLedger
from core.fusion.runtime_rules import RuntimeFindings
from core.ingest.app_code import is_test_path
from core.ingest.git_repo import FilePatch, GitRepo, Tag
from core.ingest.slow_sql import Fingerprint, fingerprint_sql
from core.ingest.symbols import incident_index
from core.schema import Commit
from core.store import Store

__all__ = ["GUILTY_SCORE", "LOOKBACK_DAYS", "ChangeCandidate", "ChangeLink", "link_changes"]

log = logging.getLogger(__name__)

LOOKBACK_DAYS = 30
_MAX_COMMITS = 200  # work is bounded by the window, not by the history
_MAX_NEIGHBOURS = 40

_CONFIG_FILE = re.compile(r"(^|/)(application|bootstrap)[\w.-]*\.(ya?ml|properties)$|\.(conf|env|ini|toml)$"
                          r"|(^|/)(values|config|settings)[\w.-]*\.(ya?ml|json|properties)$", re.IGNORECASE)
_BUILD_FILE = re.compile(r"(^|/)(pom\.xml|build\.gradle(\.kts)?|gradle\.properties|libs\.versions\.toml|"
                         r"package\.json|requirements[\w.-]*\.txt|pyproject\.toml|go\.mod|Cargo\.toml)$")
_MAPPER_FILE = re.compile(r"\.xml$", re.IGNORECASE)
_SQL_WORDS = re.compile(r"\b(select|insert|update|delete|from|where|join|order\s+by|group\s+by|limit)\b", re.IGNORECASE)
_QUERY_HINT = re.compile(r"@Query|@Select|@Update|@Insert|@Delete|<select|<update|<insert|<delete|"
                         r"createQuery|createNativeQuery|jdbcTemplate|prepareStatement|\bfind\w*By\w*\(|\bcount\w*By\w*\(",
                         re.IGNORECASE)
_STRING = re.compile(r'"((?:[^"\\]|\\.){6,200})"')
_PLACEHOLDER = re.compile(r"\{\}|%[sdfx]|\{\d*\}|\\[nt]")
_KEY_VALUE = re.compile(r"^\s*([\w.\-\[\]]+)\s*[:=]\s*(.*?)\s*$")
_POOL_KEY = re.compile(r"pool|max[-_.]?(active|total|idle|size|connections?|threads?)|min[-_.]?idle|connections?", re.IGNORECASE)
_TIMEOUT_KEY = re.compile(r"timeout|deadline|ttl|wait|retr(y|ies)|backoff", re.IGNORECASE)
_LIMIT_KEY = re.compile(r"limit|size|capacity|queue|batch|threads?|workers?|heap|xmx|memory", re.IGNORECASE)
_XML_TAG = re.compile(r"<[^>]+>")
_BIND = re.compile(r"[#$]\{[^}]*\}|:\w+|\?\d*")
_STATEMENT = re.compile(r"\b(select|update|delete|insert)\b", re.IGNORECASE)
_CODE_EXT = (".java", ".kt", ".scala", ".groovy")
_SERIAL_KEY = re.compile(r"serializ|typing|objectmapper|mapper|codec|converter|marshal", re.IGNORECASE)
_CODE_CONFIG_FILE = re.compile(r"(Config|Configuration|Configurer|Properties|Settings)\.(java|kt|scala|groovy)$")
_FLAG_KEY = re.compile(r"enabled?|feature|flag|toggle|switch", re.IGNORECASE)
_VERSION = re.compile(r"<[\w.\-]*version>\s*([^<]+?)\s*</[\w.\-]*version>|['\"]?[\w.\-]+['\"]?\s*[:=]\s*['\"]?(\d+\.\d+[\w.\-]*)")
_ARTIFACT = re.compile(r"<(?:artifactId|groupId)>\s*([^<]+?)\s*</|<([\w.\-]+?)\.version>|([\w.\-]+):([\w.\-]+):[\d$]")
_LINKAGE = ("NoSuchMethodError", "NoClassDefFoundError", "ClassNotFoundException", "AbstractMethodError",
            "IncompatibleClassChangeError", "NoSuchFieldError", "LinkageError", "UnsupportedClassVersionError",
            "ModuleNotFoundError", "ImportError")
_WAITING = re.compile(r"Connection is not available|timeout waiting|Timeout|timed out|Unable to acquire|"
                      r"CannotGetJdbcConnection|SQLTransientConnection|PoolExhausted", re.IGNORECASE)
_ACQUIRE = re.compile(r"\.getConnection\(|\.openConnection\(|\.getInputStream\(|\.getOutputStream\(|new File(Input|Output)Stream\(|"
                      r"Files\.new(Input|Output)Stream\(|Files\.(lines|newBufferedReader)\(|\.openStream\(|\.openSession\(|"
                      r"\.borrowObject\(|\.getResource\(\)|new Socket\(|\.acquire\(|\.lock\(\)")
_RELEASE = re.compile(r"\.close\(|\.release\(|\.unlock\(|\.returnObject\(|try\s*\(|\buse\s*\{|closeQuietly|"
                      r"\.returnResource\(")
_LOCAL_TYPE = re.compile(r"\b([A-Z][\w$]*)(?:<[^>=;]*>)?\s+([a-z_][\w$]*)\s*(?:=|;|:)")
_WRITE = re.compile(r"\b(insert|replace|update|save|persist|merge|upsert|put|write)\w*\s*\(", re.IGNORECASE)
_POOL_SIGNAL = re.compile(r"pool|connection is not available|too many connections|timeout waiting for (idle )?"
                          r"(connection|object)|hikari|pending|active", re.IGNORECASE)
_TIMEOUT_SIGNAL = re.compile(r"timeout|timed out|deadline", re.IGNORECASE)
_LIMIT_SIGNAL = re.compile(r"rejected|queue|capacity|OutOfMemory|heap|limit|too large|exceed", re.IGNORECASE)


def _noisy_or(strengths: Sequence[float]) -> float:
    p = 1.0
    for s in strengths:
        p *= 1.0 - max(0.0, min(s, 0.99))
    return 1.0 - p


def _recency(hours: float) -> float:
    """Recent changes are likelier causes; an old one still counts when its links are strong."""
    return 0.6 + 0.4 * math.pow(0.5, max(hours, 0.0) / 72.0)


class _Spans:
    """Method spans of the incident's code index at the incident revision."""

    def __init__(self, store: Store, incident_id: str) -> None:
        self.store, self.index_id = store, incident_index(store, incident_id)

    def of_class(self, class_fqn: str) -> list[tuple[str, int, int, str]]:
        if self.index_id is None:
            return []
        df = self.store.query_df(
            "SELECT name, start_line, end_line, path FROM code_members WHERE index_id = ? AND class_fqn = ? "
            "AND kind <> 'field'", [self.index_id, class_fqn])
        return [(str(r.name), int(r.start_line), int(r.end_line), str(r.path)) for r in df.itertuples()]

    def neighbours(self, methods: Sequence[tuple[str, str]]) -> list[tuple[str, str, str, int, int, str]]:
        """Methods one or two calls from the failing ones, either direction: (class, method, path, start, end, why)."""
        if self.index_id is None or not methods:
            return []
        pairs = [f"{c}#{m}" for c, m in methods]
        df = self.store.query_df(
            "WITH seed AS (SELECT unnest(?::VARCHAR[]) AS k), "
            "hop1 AS (SELECT r.dst AS cls, r.dst_member AS m, 'called by ' || r.src || '.' || r.src_member AS why "
            "  FROM code_refs r WHERE r.index_id = ? AND r.kind = 'calls' AND r.dst_member IS NOT NULL "
            "  AND r.src || '#' || r.src_member IN (SELECT k FROM seed) "
            "  UNION SELECT r.src, r.src_member, 'calls ' || r.dst || '.' || r.dst_member FROM code_refs r "
            "  WHERE r.index_id = ? AND r.kind = 'calls' AND r.src_member IS NOT NULL "
            "  AND r.dst || '#' || r.dst_member IN (SELECT k FROM seed)) "
            "SELECT h.cls, h.m, min(h.why) AS why, m.path, m.start_line, m.end_line FROM hop1 h "
            "JOIN code_members m ON m.index_id = ? AND m.class_fqn = h.cls AND m.name = h.m AND m.kind <> 'field' "
            "WHERE h.cls || '#' || h.m NOT IN (SELECT k FROM seed) GROUP BY ALL LIMIT ?",
            [pairs, self.index_id, self.index_id, self.index_id, _MAX_NEIGHBOURS])
        return [(str(r.cls), str(r.m), str(r.path), int(r.start_line), int(r.end_line), str(r.why))
                for r in df.itertuples()]

    def known_types(self, names: set[str]) -> set[str]:
        """Which of these simple type names are the application's own classes."""
        if self.index_id is None or not names:
            return set()
        df = self.store.query_df("SELECT DISTINCT name FROM code_symbols WHERE index_id = ? AND name IN "
                                 "(SELECT unnest(?::VARCHAR[]))", [self.index_id, sorted(names)])
        return {str(n) for n in df["name"]}

    def symbol_at(self, path: str, line: int | None) -> str | None:
        """`Class.method` enclosing `path:line` at the incident revision, when the index has it."""
        if self.index_id is None or not line:
            return None
        df = self.store.query_df(
            "SELECT class_fqn || '.' || name FROM code_members WHERE index_id = ? AND path = ? AND kind <> 'field' "
            "AND start_line <= ? AND end_line >= ? ORDER BY end_line - start_line LIMIT 1", [self.index_id, path, line, line])
        return str(df.iloc[0, 0]) if len(df) else None

    def table_code(self, tables: set[str]) -> dict[str, tuple[set[str], set[str]]]:
        """Per table: the simple names of the entities mapped to it, and the paths of the code that persists
        them (the entity itself, and repositories, mappers and DAOs that refer to it)."""
        out: dict[str, tuple[set[str], set[str]]] = {t: (set(), set()) for t in tables}
        if self.index_id is None or not tables:
            return out
        df = self.store.query_df(
            "SELECT fqn, name, path, lower(coalesce(table_name, '')) AS t, lower(coalesce(CAST(tables AS VARCHAR), '')) "
            "AS ts FROM code_symbols WHERE index_id = ?", [self.index_id])
        entity_of: dict[str, str] = {}
        for r in df.itertuples():
            for t in tables:
                if r.t == t or f'"{t}"' in r.ts:
                    out[t][0].add(str(r.name))
                    out[t][1].add(str(r.path))
                    entity_of[str(r.fqn)] = t
        if entity_of:
            refs = self.store.query_df(
                "SELECT DISTINCT r.dst, s.path FROM code_refs r JOIN code_symbols s ON s.index_id = r.index_id "
                "AND s.fqn = r.src WHERE r.index_id = ? AND r.dst IN (SELECT unnest(?::VARCHAR[])) "
                "AND (s.role = 'repository' OR regexp_matches(s.name, '(Repository|Repo|Mapper|Dao|DAO|Store)$'))",
                [self.index_id, sorted(entity_of)])
            for r in refs.itertuples():
                out[entity_of[str(r.dst)]][1].add(str(r.path))
        return out


def _index_name(class_name: str) -> str:
    parts = class_name.split("$")
    return ".".join([parts[0]] + [p for p in parts[1:] if p and not p[0].isdigit()])


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
    spans = _Spans(store, incident_id)
    production = [f for f in frames if f.path and not f.is_test]
    top_score = max((f.score for f in production), default=1.0) or 1.0
    candidates: dict[str, ChangeCandidate] = {}

    def candidate(commit: Commit) -> ChangeCandidate:
        if commit.sha not in candidates:
            hours = (start - commit.authored_at).total_seconds() / 3600
            candidates[commit.sha] = ChangeCandidate(
                sha=commit.sha, author=commit.author, message=(commit.message or "").splitlines()[0][:200] if commit.message else "",
                authored_at=commit.authored_at, minutes_before_start=round(hours * 60, 1), files=list(commit.files[:50]))
        return candidates[commit.sha]

    in_window = {c.sha: c for c in window}
    top_group = groups[0] if groups else None
    waited = bool(top_group and _WAITING.search(f"{top_group.root_type} {' '.join(top_group.chain)} {top_group.root_message}"))
    _frame_links(repo, rev, production, top_score, spans, in_window, candidate, 0.65 if waited else 1.0)
    _neighbour_links(repo, rev, production, top_score, spans, in_window, candidate)
    symptoms = _Symptoms(groups, runtime, templates, {f.path for f in production if f.path})
    if production and production[0].path:
        symptoms.value_types, symptoms.failing_at = _value_types(repo, rev, production[0], spans), production[0].symbol
    for commit in window:
        patches = None
        if any(_CONFIG_FILE.search(p) or _BUILD_FILE.search(p) or _MAPPER_FILE.search(p) or p.endswith(
                (".java", ".kt", ".scala", ".groovy", ".py", ".go", ".ts", ".js")) for p in commit.files):
            patches = repo.patches(commit.sha)
        if not patches:
            continue
        for link in _content_links(patches, symptoms, spans, commit.authored_at):
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
        cand.score = round(_noisy_or(list(best.values())) * _recency(hours) * (1.05 if tag else 1.0), 4)
        out.append(cand)
    out.sort(key=lambda c: -c.score)
    for cand in out[:6]:
        _record(cand, ledger)
    log.info("incident %s: %d commits in the window, %d linked to the symptoms", incident_id, len(window), len(out))
    return out[:6]


def _value_types(repo: GitRepo, rev: str, frame: FrameFinding, spans: _Spans) -> set[str]:
    """The application's own types of the values used on the failing line, from their local declarations."""
    lines = repo.file_lines(rev, frame.path or "")
    if not lines or not 0 < frame.line <= len(lines):
        return set()
    members = [m for m in spans.of_class(_index_name(frame.class_name)) if m[0] == frame.method]
    start = next((a for _, a, b, _ in members if a <= frame.line <= b), max(1, frame.line - 30))
    declared = {var: typ for ln in range(start, frame.line + 1) for typ, var in _LOCAL_TYPE.findall(lines[ln - 1])}
    used = set(re.findall(r"\b([a-z_][\w$]*)\s*\.", lines[frame.line - 1]))
    types = {declared[v] for v in used if v in declared}
    known = spans.known_types(types)
    return known


def _record(cand: ChangeCandidate, ledger: EvidenceLedger) -> None:
    for i, link in enumerate(sorted(cand.links, key=lambda lk: -lk.strength)[:4]):
        link.evidence_id = ledger.add(
            "change_link", f"change:{cand.sha}#{link.kind}:{i}",
            f"{cand.sha[:8]} ({link.kind.replace('_', ' ')}, strength {link.strength:.2f}): {link.text[:260]}",
            sha=cand.sha, link=link.kind, strength=link.strength, path=link.path, line=link.line)
    deployed = (f"; shipped by {cand.deployed_tag} {_ago(cand.deployed_minutes_before_start or 0)} the start"
                if cand.deployed_tag else "; no release tag shows when it went live")
    cand.evidence_id = ledger.add(
        "commit", f"commit:{cand.sha}",
        f"{cand.sha[:8]} by {cand.author}, {_ago(cand.minutes_before_start)} the start: \"{cand.message[:100]}\" — "
        f"{len(cand.links)} link(s) to the symptoms, score {cand.score:.2f}{deployed}",
        sha=cand.sha, score=cand.score, match=max(cand.links, key=lambda lk: lk.strength).kind)


def _ago(minutes: float) -> str:
    m = abs(minutes)
    text = f"{m:.0f} min" if m < 120 else f"{m / 60:.1f} h" if m < 2880 else f"{m / 1440:.1f} days"
    return f"{text} {'before' if minutes >= 0 else 'after'}"


def _frame_links(repo: GitRepo, rev: str, frames: Sequence[FrameFinding], top_score: float, spans: _Spans,
                 window: dict[str, Commit], candidate, waiting: float) -> None:  # type: ignore[no-untyped-def]
    """Blame each failing frame's line and method at the incident revision: who wrote what failed.

    `waiting` < 1 when the code failed waiting for a shared resource (a pool, a remote call): the waiting
    code is then a victim, and changing it does not by itself explain the wait.
    """
    for frame in frames[:4]:
        weight = max(0.2, frame.score / top_score)
        members = [m for m in spans.of_class(_index_name(frame.class_name)) if m[0] == frame.method]
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
            exact = any(abs(ln - frame.line) <= 1 for ln in changed) and (span is None or span[0] <= frame.line <= span[1])
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


def _neighbour_links(repo: GitRepo, rev: str, frames: Sequence[FrameFinding], top_score: float, spans: _Spans,
                     window: dict[str, Commit], candidate) -> None:  # type: ignore[no-untyped-def]
    """Changes to methods one call away from the failing frames: producers and consumers of the failing value."""
    seeds = [(_index_name(f.class_name), f.method) for f in frames[:3]]
    weight = {(_index_name(f.class_name), f.method): max(0.2, f.score / top_score) for f in frames[:3]}
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


class _Symptoms:
    """What the runtime says, in the forms the content links compare against."""

    def __init__(self, groups: Sequence[ErrorGroup], runtime: RuntimeFindings | None, templates: Sequence[str],
                 stack_paths: set[str]) -> None:
        self.stack_paths = stack_paths
        self.value_types: set[str] = set()
        self.failing_at = ""
        self.types = [t for g in groups[:5] for t in g.chain + [g.root_type]]
        self.messages = [g.root_message for g in groups[:5] if g.root_message]
        self.texts = [_PLACEHOLDER.sub(" ", t) for t in (*templates, *self.messages)]
        # Slow statements per table: the fingerprint, when that shape was first seen, and whether it got worse
        # at the onset. A change is tied to a statement when the statement appears (or worsens) after it.
        self.slow_tables: dict[str, tuple[str, datetime | None, bool]] = {}
        if runtime:
            for q in runtime.slow_queries:
                worse = q.n_before == 0 or (q.p95_after_ms or 0) > 2 * (q.p95_before_ms or 0)
                for t in q.tables:
                    key = t.lower().split(".")[-1]
                    known = self.slow_tables.get(key)
                    first = min((x for x in (q.first_seen, known[1] if known else None) if x), default=None)
                    self.slow_tables[key] = (known[0] if known else q.fingerprint, first, worse or bool(known and known[2]))
        metrics = " ".join(a.metric for a in (runtime.anomalies if runtime else []))
        blob = " ".join(self.types + self.messages) + " " + metrics
        self.pool = bool(_POOL_SIGNAL.search(blob))
        self.timeout = bool(_TIMEOUT_SIGNAL.search(blob)) or any(
            (e.error_rate_after or 0) > (e.error_rate_before or 0) for e in (runtime.endpoints if runtime else []))
        self.limit = bool(_LIMIT_SIGNAL.search(blob))
        self.linkage = [t for t in self.types if t.rsplit(".", 1)[-1] in _LINKAGE]
        self.serialization = bool(re.search(r"ClassCast|Serializ|JsonMapping|MismatchedInput|InvalidDefinition|"
                                            r"HttpMessageNotReadable|Cannot deserialize|cannot be cast", blob))
        self.missing = [m for g in groups[:5] if g.root_type.rsplit(".", 1)[-1] in _LINKAGE for m in [g.root_message]]


def _content_links(patches: dict[str, FilePatch], symptoms: _Symptoms, spans: _Spans, when: datetime) -> list[ChangeLink]:
    links: list[ChangeLink] = []
    table_code = spans.table_code(set(symptoms.slow_tables)) if symptoms.slow_tables else {}
    for path, patch in patches.items():
        added = patch.added
        text = "\n".join(t for _, t in added)
        removed = "\n".join(patch.removed)
        if symptoms.slow_tables and (added or removed):
            link = _sql_link(path, added, removed, symptoms, table_code, when)
            if link:
                links.append(link)
        if symptoms.texts and added and not is_test_path(path):
            for ln, row in added:
                literal = next((c for lit in _STRING.findall(row) for c in [_PLACEHOLDER.sub(" ", lit).strip()]
                                if len(c) >= 8 and any(c in t for t in symptoms.texts)), None)
                if literal:
                    # Text can be copied between files: the link is strong where the failing code lives.
                    on_stack = path in symptoms.stack_paths
                    links.append(ChangeLink(kind="log_string", strength=0.7 if on_stack else 0.4, path=path, line=ln,
                                            text=f"added the text \"{literal[:80]}\" at {path}:{ln}, which the "
                                                 f"errors after the onset show" + ("" if on_stack else
                                                 " (that file is not on the failing stack)")))
                    break
        if _CONFIG_FILE.search(path) and (added or removed):
            link = _config_link(path, added, patch.removed, symptoms)
            if link:
                links.append(link)
        elif _CODE_CONFIG_FILE.search(path) and not is_test_path(path):
            link = _code_config_link(patch, symptoms)
            if link:
                links.append(link)
        if _BUILD_FILE.search(path) and _VERSION.search(text + "\n" + removed):
            links.append(_dependency_link(path, added, symptoms))
        if added and not is_test_path(path) and path.endswith(_CODE_EXT):
            leak = _leak_link(path, added, symptoms)
            if leak:
                links.append(leak)
            flow = _data_flow_link(path, added, symptoms)
            if flow:
                links.append(flow)
    return links


def _sql_link(path: str, added: list[tuple[int, str]], removed: str, symptoms: _Symptoms,
              table_code: dict[str, tuple[set[str], set[str]]], when: datetime) -> ChangeLink | None:
    """A change to code that queries a table whose statements are slow: strong when they appeared after it.

    The query may name the table (SQL, MyBatis XML) or its entity (JPQL, derived query methods), or live in
    a repository of that entity.
    """
    text = "\n".join(t for _, t in added)
    for table, (fingerprint, first_seen, worse) in symptoms.slow_tables.items():
        entities, paths = table_code.get(table, (set(), set()))
        names = [table, *entities]
        word = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)
        sql_change = (_QUERY_HINT.search(text) or _SQL_WORDS.search(text) or _QUERY_HINT.search(removed)
                      or _SQL_WORDS.search(removed))
        names_table = word.search(text) or word.search(removed)
        if not sql_change or not (names_table or path in paths):
            continue
        line = next((ln for ln, t in added if _QUERY_HINT.search(t) or _SQL_WORDS.search(t) or word.search(t)),
                    added[0][0] if added else None)
        shared = _shared_columns(fingerprint, text + "\n" + removed)
        after = first_seen is not None and first_seen >= when
        code_fp = _code_statement(text)
        same_shape = code_fp is not None and code_fp.text == fingerprint
        reads_table = code_fp is not None and table in {t.lower().split(".")[-1] for t in code_fp.tables}
        strength = 0.55 + (0.15 if names_table else 0.0) + (0.1 if shared else 0.0) + (0.15 if after else 0.0) \
            + (0.05 if worse else 0.0) + (0.1 if same_shape else 0.05 if reads_table else 0.0)
        timing = ("; that statement shape first appears after this change" if after else
                  "; that statement shape was already slow before this change" if first_seen else "")
        return ChangeLink(
            kind="sql", strength=round(min(strength, 0.95), 3), path=path, line=line,
            text=f"changed a query on `{table}` ({path}:{line}), whose statements are slow: {fingerprint[:110]}"
                 + (f" (shared columns: {', '.join(sorted(shared)[:4])})" if shared else "")
                 + ("; normalised, the changed statement has the same shape" if same_shape else
                    f"; normalised, the changed statement reads `{table}`" if reads_table else "") + timing)
    return None


def _code_statement(text: str) -> Fingerprint | None:
    """The SQL a change wrote (a MyBatis mapper body or string literals), normalised like the slow log's."""
    body = _XML_TAG.sub(" ", text) if "<" in text else " ".join(_STRING.findall(text)) or text
    body = _BIND.sub("?", body)
    start = _STATEMENT.search(body)
    if start is None:
        return None
    statement = " ".join(body[start.start():].split())[:4000]
    try:
        return fingerprint_sql(statement)
    except Exception:  # noqa: BLE001 - a statement the normaliser cannot read is simply not compared
        return None


def _shared_columns(fingerprint: str, code: str) -> set[str]:
    words = {w.lower() for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", fingerprint)}
    words -= {"select", "from", "where", "and", "or", "order", "by", "limit", "join", "on", "in", "like", "not", "null",
              "desc", "asc", "group", "count", "update", "set", "insert", "into", "values", "delete", "for", "as", "is"}
    code_words = {w.lower() for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", code)}
    snake = {re.sub(r"(?<!^)(?=[A-Z])", "_", w).lower() for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", code)}
    return words & (code_words | snake)


def _config_link(path: str, added: list[tuple[int, str]], removed: list[str], symptoms: _Symptoms) -> ChangeLink | None:
    """A configuration change, linked to the runtime signal its keys govern."""
    changed = []
    old = {m.group(1): _uncomment(m.group(2)) for r in removed if (m := _KEY_VALUE.match(r))}
    for ln, row in added:
        m = _KEY_VALUE.match(row)
        if m and not row.strip().startswith(("#", "//", ";")):
            value = _uncomment(m.group(2))
            if old.get(m.group(1)) != value:
                changed.append((ln, m.group(1), value))
    if not changed:
        return None
    best: tuple[float, str, int] | None = None
    for ln, key, value in changed:
        was = f" (was {old[key]})" if key in old else ""
        if _POOL_KEY.search(key) and symptoms.pool:
            found = (0.8, f"changed `{key}` to {value}{was} in {path}:{ln}; the connection pool ran dry after the onset", ln)
        elif _TIMEOUT_KEY.search(key) and symptoms.timeout:
            found = (0.75, f"changed `{key}` to {value}{was} in {path}:{ln}; calls time out after the onset", ln)
        elif _LIMIT_KEY.search(key) and symptoms.limit:
            found = (0.7, f"changed `{key}` to {value}{was} in {path}:{ln}; a limit is hit after the onset", ln)
        elif _FLAG_KEY.search(key):
            found = (0.35, f"switched `{key}` to {value}{was} in {path}:{ln} before the onset", ln)
        else:
            found = (0.2, f"changed `{key}` to {value}{was} in {path}:{ln} before the onset", ln)
        if best is None or found[0] > best[0]:
            best = found
    assert best is not None
    return ChangeLink(kind="config", strength=best[0], path=path, line=best[2], text=best[1])


def _leak_link(path: str, added: list[tuple[int, str]], symptoms: _Symptoms) -> ChangeLink | None:
    """New code that acquires a connection, stream or lock and never releases it, when a pool or limit ran dry."""
    text = "\n".join(t for _, t in added)
    acquired = [(ln, t.strip()) for ln, t in added if _ACQUIRE.search(t)]
    if not acquired or _RELEASE.search(text) or not (symptoms.pool or symptoms.limit):
        return None
    ln, row = acquired[0]
    return ChangeLink(kind="resource_leak", strength=0.75, path=path, line=ln,
                      text=f"added `{row[:90]}` at {path}:{ln} with no close or release in the change: each call "
                           f"keeps what it acquired, and the pool ran dry after the onset")


def _data_flow_link(path: str, added: list[tuple[int, str]], symptoms: _Symptoms) -> ChangeLink | None:
    """New code that writes records of a type whose values fail downstream (an upstream producer)."""
    if not symptoms.value_types or path in symptoms.stack_paths:
        return None
    best: ChangeLink | None = None
    for ln, row in added:
        if not _WRITE.search(row):
            continue
        context = "\n".join(t for n, t in added if abs(n - ln) <= 8)
        found = sorted(t for t in symptoms.value_types if re.search(rf"\b{re.escape(t)}\b", context))
        if not found:
            continue
        # Written through a persistence object (DAO, mapper, repository), not just passed along.
        persists = bool(re.search(r"\b\w*(Dao|DAO|Mapper|Repository|Repo|Template|Store)\s*\.\s*\w+\s*\(", row))
        link = ChangeLink(kind="data_flow", strength=0.7 if persists else 0.6, path=path, line=ln,
                          text=f"changed how {found[0]} records are written ({path}:{ln}: `{row.strip()[:80]}`); "
                               f"a {found[0]} value is what fails downstream, at {symptoms.failing_at}")
        if best is None or link.strength > best.strength:
            best = link
    return best


def _uncomment(value: str) -> str:
    return re.split(r"\s+#|\s+//", value, maxsplit=1)[0].strip()


def _code_config_link(patch: FilePatch, symptoms: _Symptoms) -> ChangeLink | None:
    """Configuration written as code (a @Configuration class, client or executor set-up): the settings it
    changed, added or removed, linked to the runtime signal they govern."""
    rows = [(ln, t, "+") for ln, t in patch.added] + [
        (at, t, "-") for at, t in zip(patch.removed_at or [0] * len(patch.removed), patch.removed, strict=False)]
    best: tuple[float, str, int] | None = None
    for ln, row, sign in rows:
        text = row.strip()
        if not text or text.startswith(("//", "*", "/*", "import ", "package ")):
            continue
        for category, rx, signal, strength in (("pool", _POOL_KEY, symptoms.pool, 0.8),
                                               ("timeout", _TIMEOUT_KEY, symptoms.timeout, 0.75),
                                               ("serialization", _SERIAL_KEY, symptoms.serialization, 0.75),
                                               ("limit", _LIMIT_KEY, symptoms.limit, 0.7)):
            m = rx.search(text)
            if not m:
                continue
            verb = "added" if sign == "+" else "removed"
            found = ((strength, (f"{verb} `{text[:90]}` in {patch.path}:{ln}, a {category} setting; "
                                f"the symptoms after the onset are of that kind"), ln) if signal else
                     (0.25, f"{verb} `{text[:90]}` in {patch.path}:{ln}, a {category} setting", ln))
            if best is None or found[0] > best[0]:
                best = found
    if best is None:
        return None
    return ChangeLink(kind="config", strength=best[0], path=patch.path, line=max(1, best[2]), text=best[1])


def _dependency_link(path: str, added: list[tuple[int, str]], symptoms: _Symptoms) -> ChangeLink:
    """A dependency version change; strong when the runtime cannot link a class or method."""
    artifacts = [a for _, row in added for m in [_ARTIFACT.search(row)] if m
                 for a in [m.group(1) or m.group(2) or m.group(4)] if a]
    line = next((ln for ln, row in added if _VERSION.search(row)), added[0][0] if added else None)
    what = f" ({', '.join(sorted(set(artifacts))[:3])})" if artifacts else ""
    if symptoms.linkage:
        missing = symptoms.missing[0][:120] if symptoms.missing else symptoms.linkage[0]
        return ChangeLink(kind="dependency", strength=0.9, path=path, line=line,
                          text=f"changed dependency versions in {path}{what}; the runtime then failed to link "
                               f"code: {symptoms.linkage[0].rsplit('.', 1)[-1]} {missing}")
    return ChangeLink(kind="dependency", strength=0.15, path=path, line=line,
                      text=f"changed dependency versions in {path}{what} before the onset")
