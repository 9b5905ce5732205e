"""Where in the application's code a failure lives: stack frames ranked as root-cause locations.

The innermost in-app frame is where a failure *surfaced*, not always where it *lives*. How code fails in
general says where to look instead:
- the root cause of an exception chain (the last `Caused by:`) is thrown closest to the fault, so its
  frames come first;
- a frame that only detects a bad value — a guard (`checkArgument`, `validate…`, `…Error` builders) or a
  `throw` statement — reports a fault made by its caller, when the caller is also the application's;
- a widely shared helper (called from many classes) is less likely broken than the one caller that
  handed it a bad value, since the helper's other callers do not fail;
- a location on the path of several distinct failing traces explains more of the incident;
- test code shows how the failure was reached; it ranks below production code, and when only tests are
  on the stack (an assertion failed) the class under test is the place to look.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.fusion.facts import FrameFinding
from core.i18n import text
from core.ingest.code import AppCode, GitRepo, incident_index
from core.schema import ExceptionRecord, StackFrame
from core.store import Store

__all__ = ["MAX_FRAMES", "rank_frames"]

MAX_FRAMES = 6
_MAX_GROUPS = 8
# Method names of guards and error reporters across ecosystems (Preconditions.checkArgument, Validate.notNull,
# Objects.requireNonNull, reportError, syntaxError …): words, matched on camelCase boundaries.
_GUARD_NAME = re.compile(
    r"^_*(?:check|validate|verify|require|assert|precondition|fail|throw|raise|report)(?![a-z])"
    r"|(?:Error|Exception|Failure)$|^(?:notNull|notEmpty|notBlank|isTrue|isFalse|noNullElements|state|argument)$")
_THROW_LINE = re.compile(r"^\s*(?:throw\b|[\w.]*(?:fail|error|raise)\w*\s*\()", re.IGNORECASE)
_CALL = re.compile(r"\b([a-z_$][\w$]*)\s*\(")
_TEST_AFFIX = re.compile(r"^(?:Test)(?=[A-Z])|(?:Tests?|TestCase|IT|ITCase|Spec)$")


@dataclass
class _Site:
    """One application frame across the incident's traces: class, method and the line it failed on."""

    frame: StackFrame
    path: str | None
    is_test: bool
    score: float = 0.0
    hits: int = 0
    groups: set[int] = field(default_factory=set)
    why: list[str] = field(default_factory=list)
    why_zh: list[str] = field(default_factory=list)
    line_votes: Counter[int] = field(default_factory=Counter)
    library_rejected: bool = False  # a runtime call it made rejected the argument it passed (index, number)


# Exceptions a runtime library raises when handed a bad argument: an index, a number, a format.
_ARGUMENT_CHECK = re.compile(r"^(\w*IndexOutOfBounds\w*|NumberFormatException|IllegalArgumentException|"
                             r"DateTimeParseException|NoSuchElementException|IndexError|KeyError|ValueError)$")


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _root_cause_order(frames: Sequence[StackFrame]) -> list[StackFrame]:
    """Frames of the innermost cause first (innermost frame first), then each enclosing cause's."""
    by_cause: dict[int, list[StackFrame]] = defaultdict(list)
    for f in frames:
        by_cause[f.cause_index].append(f)
    out: list[StackFrame] = []
    for cause in sorted(by_cause, reverse=True):
        out.extend(sorted(by_cause[cause], key=lambda f: f.depth))
    return out


class _Code:
    """The facts about code a ranking needs, read once: source lines and how widely each method is called."""

    def __init__(self, store: Store, incident_id: str, repo: GitRepo | None, rev: str | None) -> None:
        self.repo, self.rev = repo, rev
        self.index_id = incident_index(store, incident_id)
        self.store = store
        self._text: dict[str, list[str]] = {}
        self._fan_in: dict[tuple[str, str], int] = {}
        self._spans: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)

    def line(self, path: str | None, line: int | None) -> str:
        if not path or not line or self.repo is None or self.rev is None:
            return ""
        if path not in self._text:
            self._text[path] = self.repo.file_lines(self.rev, path)
        lines = self._text[path]
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def statement_throws(self, path: str | None, line: int | None) -> bool:
        """The statement that contains `path:line` throws (or builds the error it reports)."""
        if not line:
            return False
        for ln in range(line, max(0, line - 4), -1):
            text = self.line(path, ln)
            if ln < line and text.rstrip().endswith((";", "{", "}")):
                return False
            if _THROW_LINE.match(text):
                return True
        return False

    def method_spans(self, keys: set[tuple[str, str]]) -> None:
        """Line spans of every (class, method) named on the stack (overloads give several)."""
        if self.index_id is None or not keys:
            return
        df = self.store.query_df(
            "SELECT class_fqn, name, start_line, end_line FROM code_members WHERE index_id = ? AND kind <> 'field' "
            "AND class_fqn IN (SELECT unnest(?::VARCHAR[]))", [self.index_id, sorted({c for c, _ in keys})])
        for row in df.itertuples():
            self._spans[(row.class_fqn, row.name)].append((int(row.start_line), int(row.end_line)))

    def is_thin(self, key: tuple[str, str]) -> bool:
        """A method of a few lines (every overload of the name), i.e. one that mostly forwards its arguments."""
        spans = self._spans.get(key)
        return spans is not None and len(spans) > 0 and all(b - a <= 8 for a, b in spans)

    def line_matches(self, key: tuple[str, str], line: int | None) -> bool | None:
        """Whether the frame's line lies in the method it names at this revision (None: not indexed).

        A deployed build and the repository revision can disagree on line numbers; then only the method
        name can be trusted, not the line's text.
        """
        spans = self._spans.get(key)
        if not spans or not line:
            return None
        return any(a <= line <= b for a, b in spans)

    def load_fan_in(self, keys: set[tuple[str, str]]) -> None:
        """Distinct classes that call each (class, method) by its own type.

        Calls made through a supertype are not counted: an interface method called everywhere says nothing
        about how widely one of its many implementations is shared.
        """
        if self.index_id is None or not keys:
            return
        df = self.store.query_df(
            "SELECT dst, dst_member, count(DISTINCT src) AS n FROM code_refs WHERE index_id = ? AND kind = 'calls' "
            "AND dst IN (SELECT unnest(?::VARCHAR[])) AND src <> dst GROUP BY dst, dst_member",
            [self.index_id, sorted({c for c, _ in keys})])
        for row in df.itertuples():
            self._fan_in[(row.dst, row.dst_member)] = int(row.n)

    def fan_in(self, cls: str, method: str) -> int:
        return self._fan_in.get((cls, method), 0)

    def members(self, class_fqn: str) -> dict[str, tuple[str, int]]:
        """Methods of a class in the index: name -> (path, start line)."""
        if self.index_id is None:
            return {}
        df = self.store.query_df(
            "SELECT name, path, min(start_line) AS line FROM code_members WHERE index_id = ? AND class_fqn = ? "
            "AND kind <> 'field' GROUP BY name, path", [self.index_id, class_fqn])
        return {str(r.name): (str(r.path), int(r.line)) for r in df.itertuples()}

    def classes_named(self, simple: str) -> list[tuple[str, str, int]]:
        if self.index_id is None:
            return []
        df = self.store.query_df(
            "SELECT fqn, path, start_line FROM code_symbols WHERE index_id = ? AND name = ? ORDER BY length(path)",
            [self.index_id, simple])
        return [(str(r.fqn), str(r.path), int(r.start_line)) for r in df.itertuples()]


def _index_name(class_name: str) -> str:
    """The symbol index's name for a frame's class: nested classes dotted, anonymous ones their outer class."""
    parts = class_name.split("$")
    kept = [parts[0]] + [p for p in parts[1:] if p and not p[0].isdigit()]
    return ".".join(kept)


def rank_frames(
    groups: Sequence[tuple[str, list[ExceptionRecord]]], app_code: AppCode, store: Store, incident_id: str,
    repo: GitRepo | None, rev: str | None,
) -> list[FrameFinding]:
    """Rank the application frames of the incident's error groups as root-cause locations, best first.

    Args:
        groups: error groups, most important first (as fusion orders them).

    Returns:
        At most `MAX_FRAMES` frames; `position` is the rank, `score` and `why` say how it was reached.
    """
    code = _Code(store, incident_id, repo, rev)
    kept = groups[:_MAX_GROUPS]
    total = sum(len(items) for _, items in kept) or 1
    sites: dict[tuple[str, str], _Site] = {}
    per_group: list[list[_Site]] = []
    for g, (_, items) in enumerate(kept):
        sampled = [e for e in items if e.frames] or items  # frames are loaded for a sample of each group
        shapes = {tuple((f.class_name, f.method, f.line) for f in e.frames): e for e in sampled}
        stacks = Counter(tuple((f.class_name, f.method, f.line) for f in e.frames) for e in sampled)
        common = stacks.most_common(1)[0][0]
        shape = _root_cause_order(shapes[common].frames)
        ordered: list[_Site] = []
        seen: set[tuple[str, str]] = set()
        checked_call = False  # the frame just inside is library code that rejected an argument
        thrown_by_library: set[int] = set()
        root_type = _short(items[0].root_type)
        for i, f in enumerate(shape):
            origin = app_code.origin(f.class_name, f.file)
            if not origin.in_app or f.line is None:
                checked_call = i == 0 or checked_call
                continue
            if checked_call and f.cause_index == shape[0].cause_index and _ARGUMENT_CHECK.match(root_type):
                thrown_by_library.add(id(f))
            checked_call = False
            key = (_index_name(f.class_name), f.method)
            if key in seen:
                continue  # recursion, or a frame shared by two causes of one chain
            seen.add(key)
            site = sites.setdefault(key, _Site(frame=f, path=origin.path, is_test=origin.is_test))
            if id(f) in thrown_by_library:
                site.library_rejected = True
            site.hits += len(items)
            site.groups.add(g)
            site.line_votes[f.line] += len(items)
            ordered.append(site)
        per_group.append(ordered)
    code.load_fan_in(set(sites))
    code.method_spans(set(sites))

    for g, ordered in enumerate(per_group):
        weight = len(kept[g][1]) / total
        production = [s for s in ordered if not s.is_test]
        inner_is_guard, carried = False, 0.0
        for k, site in enumerate(production):
            later = production[k + 1:]
            prior, keep = 1.0 / (1.0 + 0.8 * k), 1.0
            notes: list[tuple[str, dict[str, object]]] = []  # (catalog key, values) of each reason
            guard = bool(_GUARD_NAME.search(site.frame.method[:1].lower() + site.frame.method[1:]))
            if later:
                frame = site.frame
                fan_in, caller_fan_in = code.fan_in(*_key(site)), code.fan_in(*_key(later[0]))
                # Blame moves outward only to code that is more specific than the frame it leaves.
                shared = fan_in >= 8 and fan_in >= 3 * caller_fan_in + 2
                trusted = code.line_matches(_key(site), frame.line) is not False
                if guard:
                    keep = 0.3
                    notes.append(("finding.why.guard", {}))
                elif inner_is_guard and frame.method == "<init>":
                    keep = 0.5
                    notes.append(("finding.why.constructor", {}))
                elif site.library_rejected and code.is_thin(_key(site)):
                    keep = 0.5
                    notes.append(("finding.why.thin_wrapper", {}))
                elif shared and trusted and code.statement_throws(site.path, frame.line):
                    keep = 0.4
                    notes.append(("finding.why.shared_helper_throws", {"fan_in": fan_in}))
                elif shared:
                    keep = 0.6
                    notes.append(("finding.why.shared_helper", {"fan_in": fan_in}))
            # A chain of constructors (a subclass calling super(...)) passes the same arguments down.
            inner_is_guard = guard or (inner_is_guard and site.frame.method == "<init>")
            # What a frame gives up as "detects, does not make" passes to its caller, the next frame out.
            mass = prior + carried
            site.score += weight * mass * keep
            carried = mass * (1.0 - keep) * 0.9 if later else 0.0
            for reason, values in notes:
                if text(reason, "en", **values) not in site.why:
                    _why(site, reason, **values)
        for site in ordered:
            if site.is_test:
                site.score += weight * 0.02  # how the failure was reached, never ahead of production code

    # A frame on the path of most failing traces that is never where one of them fails is the way requests
    # come in (a filter, a dispatcher, a public entry point), not the fault.
    innermost = {id(next((s for s in ordered if not s.is_test), None)) for ordered in per_group}
    if len(per_group) >= 3:
        for site in sites.values():
            if id(site) not in innermost and len(site.groups) >= max(3, 0.6 * len(per_group)):
                site.score *= 0.5
                _why(site, "finding.why.entry_point")
    ranked = sorted(sites.values(), key=lambda s: (-s.score, s.is_test))
    production_sites = [s for s in ranked if not s.is_test]
    if not production_sites:
        ranked = _under_test(ranked, code) + ranked
    out = []
    for position, site in enumerate(ranked[:MAX_FRAMES]):
        f = site.frame
        line = site.line_votes.most_common(1)[0][0] if site.line_votes else (f.line or 0)
        if len(site.groups) > 1:
            _why(site, "finding.why.many_traces", count=len(site.groups))
        out.append(FrameFinding(
            symbol=f"{f.class_name}.{f.method}", class_name=f.class_name, method=f.method, file_name=f.file or "?",
            path=site.path, line=line, hits=site.hits, share=round(min(site.hits / total, 1.0), 3), position=position,
            code=code.line(site.path, line).strip() or None, score=round(site.score, 4), is_test=site.is_test,
            why=site.why, why_zh=site.why_zh, stack_depth=f.depth, cause_index=f.cause_index,
        ))
    return out


def _why(site: _Site, key: str, **values: object) -> None:
    """Give a reason for the frame's rank, in both languages (`why` and `why_zh` stay parallel)."""
    site.why.append(text(key, "en", **values))
    site.why_zh.append(text(key, "zh", **values))


def _key(site: _Site) -> tuple[str, str]:
    return _index_name(site.frame.class_name), site.frame.method


def _under_test(tests: list[_Site], code: _Code) -> list[_Site]:
    """When only test code is on the stack, the production methods the failing test line calls.

    The class under test is found by the test naming convention (FooTest, TestFoo, FooIT → Foo); the
    method by the calls written on the failing line and just above it.
    """
    found: list[_Site] = []
    for site in tests[:3]:
        simple = site.frame.class_name.split("$")[0].rsplit(".", 1)[-1]
        target = _TEST_AFFIX.sub("", simple)
        if not target or target == simple:
            continue
        package = site.frame.class_name.rsplit(".", 1)[0]
        classes = code.classes_named(target)
        classes.sort(key=lambda c: (c[0].rsplit(".", 1)[0] != package, len(c[1])))
        if not classes:
            continue
        fqn, path, start = classes[0]
        members = code.members(fqn)
        called: list[str] = []
        for ln in range(max(1, (site.frame.line or 1) - 3), (site.frame.line or 1) + 1):
            called.extend(m for m in _CALL.findall(code.line(site.path, ln)) if m in members)
        method, (mpath, mline) = (called[-1], members[called[-1]]) if called else ("<class>", (path, start))
        frame = StackFrame(class_name=fqn, method=method, file=mpath.rsplit("/", 1)[-1], line=mline, in_app=True)
        hit = _Site(frame=frame, path=mpath, is_test=False, score=site.score * 0.9, hits=site.hits,
                    groups=set(site.groups), line_votes=Counter({mline: 1}))
        for lang, why in (("en", hit.why), ("zh", hit.why_zh)):
            why.append(text("finding.why.only_tests", lang, test=simple, target=target)
                       + (text("finding.why.only_tests_calls", lang, method=method) if called else ""))
        if not any(s.frame.class_name == fqn and s.frame.method == method for s in found):
            found.append(hit)
    return found


def location_margin(frames: Sequence[FrameFinding]) -> float:
    """How clearly the best location beats the next one in another file (0 = a tie, 1 = alone)."""
    if not frames:
        return 0.0
    best = frames[0]
    rival = next((f for f in frames[1:] if f.path != best.path and not f.is_test), None)
    if rival is None or best.score <= 0:
        return 1.0
    return max(0.0, min(1.0, 1.0 - math.sqrt(rival.score / best.score)))
