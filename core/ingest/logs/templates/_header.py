"""Generic detection of a log file's line header (timestamp, level, pid, component prefix)."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["HeaderSpec", "detect_header"]

_log = logging.getLogger(__name__)

# One header field: a bracket group (one level of nesting, as in "[QuorumPeer[myid=1]/...]"),
# a '|' separator, or a run of non-blank characters.
_BRACKET = r"\[(?:[^\[\]]|\[[^\[\]]*\])*\][^\s|\[]*"
# "launchd[1] (com.apple.xpc.launchd.domain):" is one component field with a qualifier.
_QUALIFIED = r"[^\s|\[]+(?:\[[^\]\s]*\])?\s\([^()\s]*\):"
_FIELD_RE = re.compile(rf"{_QUALIFIED}|{_BRACKET}|\||[^\s|]+")
_SEPARATORS = frozenset({"-", "--", "|", ":", "::", "=>", ">", "#", "*"})
_LEVELS = frozenset(
    ["info", "informational", "warn", "warning", "error", "err", "debug", "trace", "fatal", "critical", "crit",
     "severe", "notice", "alert", "emerg", "emergency", "fine", "finer", "finest", "config", "verbose", "panic", "dbg",
     "inf", "wrn"]
)
_SHORT_LEVELS = frozenset("VDIWEFA")
_MONTHS_DAYS = frozenset(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
     "mon", "tue", "wed", "thu", "fri", "sat", "sun"]
)
_TIME_RE = re.compile(r"[\[(]?\d+(?:[-/:.,_T]\d+)+(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?[\])]?[,:]?")
_NUM_RE = re.compile(r"[\[(]?[-+]?\d+[\])]?[,:]?")
_CLOCK_RE = re.compile(r"(?<![\d:])\d{1,2}:\d\d(?::\d\d)?(?![\d:])")

# Kinds of fields: T time/date, M month/day name, N number, L level, B bracket group,
# S separator, C component ending with ':', Q quoted text (never header), H other field with a
# digit (node-246), W other word. H and W count as one kind for consistency (a host column mixes
# calvisitor-10-105-160-95 and authorMacBook-Pro), but only W counts as a sentence word.
_TERMINATORS = frozenset("TMNLBSC")
_FIELD_PATTERNS = {
    "digit": r"(?:\[[^\]]*\d[^\]]*\][^\s|]*|[^\s|\[]*\d[^\s|]*)",
    "name": r"[A-Za-z]{3,9}\.?,?",
    "colon": rf"(?:{_QUALIFIED}|(?:{_BRACKET}|[^\s|])*:)",
    "any": rf"(?:{_BRACKET}|[^\s|\[][^\s|]*)",
}


_DIGITS_TO_ZERO = str.maketrans("123456789", "000000000")
_KIND_CACHE: dict[str, str] = {}


def _kind(tok: str) -> str:
    """Classify one header field (cached on its digit-normalised text)."""
    norm = tok.translate(_DIGITS_TO_ZERO)
    kind = _KIND_CACHE.get(norm)
    if kind is None:
        kind = _classify(norm)
        if len(_KIND_CACHE) < 100_000:
            _KIND_CACHE[norm] = kind
    return kind


def _classify(tok: str) -> str:
    """Classify one header field."""
    if tok in _SEPARATORS:
        return "S"
    if tok[0] in "\"'{":
        return "Q"  # quoted text or a JSON object: message, never header
    low = tok.strip("[]():,").lower()
    if low in _LEVELS or (len(tok) == 1 and tok in _SHORT_LEVELS):
        return "L"
    if tok[0] == "[":
        return "T" if _CLOCK_RE.search(tok) else "B"
    if _TIME_RE.fullmatch(tok):
        return "T"
    if _NUM_RE.fullmatch(tok):
        return "N"
    if low[:3] in _MONTHS_DAYS and low.isalpha() and len(low) <= 9:
        return "M"
    if tok.endswith(":") and len(tok) > 1:
        return "C"
    if any(ch.isdigit() for ch in tok):
        return "H"
    return "W"


@dataclass(frozen=True)
class HeaderSpec:
    """A detected header layout: one regex with a named group per header field.

    Attributes:
        pattern: Regex (RE2 and Python compatible) matching the header at the start of a line;
            the message is whatever follows the match. Empty when no header was found.
        columns: Names of the header fields, in order (e.g. ``["time_1", "level", "component"]``).
        kinds: One kind letter per column (T, M, N, L, B, C, H, W).
    """

    pattern: str = ""
    columns: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    _compiled: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @property
    def found(self) -> bool:
        """Whether the file has a recognisable header."""
        return bool(self.pattern)

    def message_of(self, line: str) -> str:
        """Strip the header from one line.

        Args:
            line: A raw log line.

        Returns:
            The message part; the whole line when it does not start with the header.
        """
        if self._compiled is None:
            return line
        m = self._compiled.match(line)
        return line[m.end():] if m else line


def _fields(line: str, limit: int) -> tuple[list[str], list[bool]]:
    """Split the start of a line into header fields; also flag fields followed by 2+ blanks."""
    out: list[str] = []
    wide: list[bool] = []
    for m in _FIELD_RE.finditer(line, 0, 600):
        out.append(m.group())
        wide.append(line[m.end(): m.end() + 2].isspace() and len(line) > m.end() + 2)
        if len(out) >= limit:
            break
    return out, wide


def _share(counter: Counter[str], total: float) -> tuple[str, float]:
    """Dominant kind at a position and its share (H and W pooled)."""
    if not counter:
        return "", 0.0
    pooled = Counter({k: w for k, w in counter.items() if k not in "HW"})
    if counter["H"] or counter["W"]:
        pooled["H" if counter["H"] > counter["W"] else "W"] = counter["H"] + counter["W"]
    kind, w = pooled.most_common(1)[0]
    return kind, w / total


def detect_header(
    lines: Sequence[str], weights: Sequence[int] | None = None, max_fields: int = 14
) -> HeaderSpec:
    """Find the header shared by most lines of a log, from the lines themselves.

    The header is the longest prefix of fields whose kinds are consistent across lines and
    which ends in a field that typically closes a header (a time, number, level, bracket
    group, separator or ``component:``). After a level field only bracket groups, a
    ``component:`` or ``logger -`` may follow, so message words are not mistaken for header.

    Args:
        lines: Sample of raw lines (distinct lines are fine).
        weights: How many lines each sample line stands for; 1 each when omitted.
        max_fields: Longest header considered, in fields.

    Returns:
        The detected ``HeaderSpec`` (``found`` is False when lines have no common header).
    """
    if weights is None:
        weights = [1] * len(lines)
    parsed = [(_fields(ln, max_fields + 1), w) for ln, w in zip(lines, weights, strict=True) if ln.strip()]
    if not parsed:
        return HeaderSpec()
    kinds = [([_kind(t) for t in f], f, w) for (f, _), w in parsed]
    wides = [(wd, w) for (_, wd), w in parsed]
    # Lines that carry a header start with a time within their first fields; continuation lines
    # (stack frames, wrapped text) do not and must not dilute the statistics.
    time_pos: Counter[int] = Counter()
    for ks, _, w in kinds:
        for j, kd in enumerate(ks[:4]):
            if kd in "TM":
                time_pos[j] += w
                break
    total_all = sum(w for _, _, w in kinds)
    population = kinds
    if time_pos:
        pos, w = time_pos.most_common(1)[0]
        if w >= 0.3 * total_all:
            population = [x for x in kinds if len(x[0]) > pos and x[0][pos] in "TM"]
    total = float(sum(w for _, _, w in population))
    per_pos: list[Counter[str]] = []
    present: list[float] = []
    for j in range(max_fields + 1):
        c: Counter[str] = Counter()
        for ks, _, w in population:
            if len(ks) > j:
                c[ks[j]] += w
        per_pos.append(c)
        present.append(sum(c.values()) / total)
    if _share(per_pos[0], total)[0] in ("W", "H", "C") and not time_pos:
        return HeaderSpec()  # starts with words: already messages, or no header at all
    best = 0
    level_at = -1
    words_in_a_row = 0
    for k in range(1, max_fields + 1):  # k: number of header fields tried
        kind, share = _share(per_pos[k - 1], total)
        if share < 0.75 or present[k] < 0.9 or kind == "Q":
            break
        words_in_a_row = words_in_a_row + 1 if kind == "W" else 0
        if words_in_a_row > 2:
            break  # three plain words in a row read like a sentence, not a header
        if level_at >= 0:
            # After a level only "[thread]", "component:", "logger -", "logger [ctx]" or a
            # column-aligned field follow; anything else is the message.
            if kind == "B":
                best = k
                continue
            if kind in "CS":
                best = k if share >= 0.9 else best
                break
            if kind not in "WH":
                break
            gap = sum(w for wd, w in wides if len(wd) >= k and wd[k - 1]) / total
            nxt_kind, nxt_share = _share(per_pos[k], total)
            if gap >= 0.9:
                best = k
            elif not (nxt_kind in "BSC" and nxt_share >= 0.9):
                break
            continue
        if kind in _TERMINATORS and share >= 0.9:
            best = k
        if kind == "L" and share >= 0.9:
            level_at = k - 1
    if best == 0:
        return HeaderSpec()
    return _build_spec([per_pos[j] for j in range(best)], population)


def _separator_literal(population: list[tuple[list[str], list[str], int]], j: int) -> str:
    """Regex for the separator tokens seen at field ``j`` (e.g. ``-``), literally."""
    seen = Counter(f[j] for _, f, w in population if len(f) > j and f[j] in _SEPARATORS)
    total = sum(seen.values())
    common = sorted((t for t, c in seen.items() if c >= 0.01 * total), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(t) for t in common) + ")" if common else r"[^\s|]{1,2}"


def _build_spec(per_pos: list[Counter[str]], population: list[tuple[list[str], list[str], int]]) -> HeaderSpec:
    parts: list[str] = []
    cols: list[str] = []
    col_kinds: list[str] = []
    names: Counter[str] = Counter()
    anchored = False
    prev_lazy = False
    prev_pipe = True  # no separator needed before the first field
    for j, counter in enumerate(per_pos):
        kind = _share(counter, 1.0)[0]
        kinds_here = {k for k, w in counter.items() if w >= 0.01 * sum(counter.values())}
        literal_pipe = all(f[j] == "|" for _, f, _ in population if len(f) > j and f[j] in _SEPARATORS)
        if kind == "S" and literal_pipe:
            parts.append(r"\s*\|")
            prev_pipe = True
            continue
        sep = r"\s*" if prev_pipe else r"\s+"
        prev_pipe = False
        if kind == "S" and (kinds_here == {"S"} or prev_lazy):
            # after a name that may hold a few words, the separator itself marks the end
            parts.append(sep + _separator_literal(population, j))
            prev_lazy = False
            continue
        prev_lazy = False
        next_is_sep = j + 1 < len(per_pos) and _share(per_pos[j + 1], 1.0)[0] == "S"
        if not anchored and kinds_here <= {"T", "N"}:
            rx = _FIELD_PATTERNS["digit"]  # the first time/number anchors the header
            anchored = True
        elif not anchored and kinds_here <= {"M"}:
            rx = _FIELD_PATTERNS["name"]
            anchored = True
        elif kind == "C" and kinds_here == {"C"}:
            # a component may hold a few words: "Google Chrome Helper[36175]:"
            rx = rf"(?:[^\s|\[]+\s+){{0,2}}?{_FIELD_PATTERNS['colon']}"
        elif kind in "WH" and next_is_sep:
            # a name before " - " may hold a few words: "chrome.exe *64 - msg"
            rx = rf"{_FIELD_PATTERNS['any']}(?:\s+[^\s|]+){{0,2}}?"
            prev_lazy = True
        else:
            rx = _FIELD_PATTERNS["any"]
        base = {"T": "time", "M": "date", "N": "num", "L": "level", "B": "bracket", "C": "component"}.get(
            kind, "field"
        )
        names[base] += 1
        name = base if base in ("level", "component") and names[base] == 1 else f"{base}_{names[base]}"
        cols.append(name)
        col_kinds.append(kind)
        parts.append(f"{sep}(?P<{name}>{rx})")
    pattern = "^" + "".join(parts) + (r"\s*" if prev_pipe else r"(?:\s+|$)")
    _log.debug("detected header %s", pattern)
    return HeaderSpec(pattern, tuple(cols), tuple(col_kinds), re.compile(pattern))
