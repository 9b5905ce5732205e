"""Clustering of distinct masked message shapes into templates (private to templates)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from core.ingest.logs.templates._mask import WILDCARD
from core.ingest.logs.templates._settings import MinerSettings

__all__ = ["cluster_shapes"]

Shape = tuple[str, ...]

_ENUM_RE = re.compile(r"[A-Z][A-Z_]*[A-Z]")
_CODE_RE = re.compile(r"(?<![A-Za-z])[A-Za-z]?\d+")  # a number, or one letter + number (A8, U01)
_LETTER_RE = re.compile(r"[A-Za-z]")
_DIGIT_COMPOUND_RE = re.compile(r"[\w.\-]*\d[\w.\-]*")
_NON_LETTER_RE = re.compile(r"[^A-Za-z]+")
_KV_KEY_RE = re.compile(r"[A-Za-z_][\w.\-]*=(?=.)")
# Literals that are values in every programming language's logs, never the name of an event.
_VALUE_LITERALS = frozenset({"true", "false", "null", "none", "nil", "undefined", "nan"})
_PUNCT = "[](){}<>,;:.'\""


def _merge_similar(shapes: list[int], toks: Sequence[Shape], weights: Sequence[int], sim: float) -> list[list[int]]:
    """Greedy Drain-like grouping of same-length shapes, heaviest first.

    An index of (position, constant token) -> clusters gives each cluster's number of equal
    constant positions directly, so no cluster is compared token by token.
    """
    templates: list[list[str]] = []
    members: list[list[int]] = []
    index: dict[tuple[int, str], set[int]] = defaultdict(set)
    for i in sorted(shapes, key=lambda s: -weights[s]):
        tokens = toks[i]
        n = len(tokens)
        same: dict[int, int] = defaultdict(int)
        for p, tok in enumerate(tokens):
            if tok != WILDCARD:
                for c in index.get((p, tok), ()):
                    same[c] += 1
        best, best_same = -1, 0
        for c, k in same.items():
            if k > best_same or (k == best_same and c < best):
                best, best_same = c, k
        if best >= 0 and best_same / n >= sim:
            tpl = templates[best]
            for p, tok in enumerate(tokens):
                if tpl[p] != tok and tpl[p] != WILDCARD:
                    index[(p, tpl[p])].discard(best)
                    tpl[p] = WILDCARD
            members[best].append(i)
        else:
            c = len(templates)
            templates.append(list(tokens))
            members.append([i])
            for p, tok in enumerate(tokens):
                if tok != WILDCARD:
                    index[(p, tok)].add(c)
    return members


def _wildcard_regex(value: str) -> re.Pattern[str]:
    return re.compile(".+".join(re.escape(part) for part in value.split(WILDCARD)))


def _reduce(value: str) -> str:
    """Treat every compound holding a digit as data, so ``bglio46`` reads like ``<*>``."""
    return _DIGIT_COMPOUND_RE.sub(WILDCARD, value)


def _letters(value: str) -> str:
    return _NON_LETTER_RE.sub("", value.replace(WILDCARD, " "))


def _kv_key(value: str) -> str:
    m = _KV_KEY_RE.match(value)
    return m.group() if m else value


def _is_constant_position(
    values: dict[str, int],
    settings: MinerSettings,
    first: bool,
    previous: str | None = None,
    namers: frozenset[str] = frozenset(),
) -> bool:
    """Whether the differing values at one position name different events (not a variable).

    Args:
        values: Distinct tokens seen at the position, with their line counts.
        settings: The knobs and rules.
        first: Whether this is the message's first token.
        previous: The token before this position when it is the same in every shape, else None.
        namers: Words this log follows with many different words (learned by ``_namers``).

    Returns:
        True when the cluster should be split on this position.
    """
    max_variants = settings.max_variants * (3 if first and settings.on("first_word") else 1)
    masked = [v for v in values if WILDCARD in v]
    plain = [v for v in values if WILDCARD not in v]
    if masked:
        # A masked value means the position carries data. Values that differ only in data
        # (bglio46 vs <*>, host:<*> vs <*>:<*>), fit a partly masked value (chdir(pwd) vs
        # chdir(<*>)) or are names standing in for mostly masked values are the same variable.
        variants = {_letters(_reduce(v)) for v in values}
        if len(variants) == 1 or len(variants) >= max_variants:
            return False
        if plain:
            patterns = [_wildcard_regex(v) for v in masked if v != WILDCARD]
            masked_share = sum(values[v] for v in masked) / sum(values.values())
            mostly_masked = settings.on("mostly_masked") and masked_share >= 0.5
            if all(
                any(p.fullmatch(v) for p in patterns)
                or (mostly_masked and _LETTER_RE.search(v) and not _ENUM_RE.fullmatch(v))
                for v in plain
            ):
                return False
        else:
            return True  # a few different texts around the masks: uid=<*> vs euid=<*>
    if settings.on("numbered_codes") and len({_CODE_RE.sub("0", v) for v in values}) == 1:
        return False  # values differ only in numbered codes: node U01 vs U11, [Thunderbird_A8] vs _B3
    if settings.on("kv_keys") and len({_kv_key(v) for v in values}) == 1:
        return False  # key=value pairs with one key and differing values: the value is data
    if settings.on("value_literals") and all(v.strip(_PUNCT).lower() in _VALUE_LITERALS for v in plain):
        return False  # true / false / null are values of something, whatever the log
    if settings.on("after_equals") and previous is not None and previous.endswith("=") and previous != "=":
        return False  # "allDrawn= false": the word after "key=" is its value
    if settings.on("enum_words") and all(_ENUM_RE.fullmatch(v.strip(_PUNCT)) for v in plain):
        return True  # ALL_CAPS words are states and keywords (RUNNING, LOOKING), not data
    if previous is not None and previous in namers:
        return False  # this log follows that word with many different words: it names a value
    # A message's first word usually names its event (as Drain's prefix tree assumes), so it
    # takes many more different words to call it a variable there.
    return len(values) < max_variants


def _split(
    members: list[int],
    toks: Sequence[Shape],
    weights: Sequence[int],
    settings: MinerSettings,
    namers: frozenset[str] = frozenset(),
) -> list[list[int]]:
    """Recursively split a cluster on its most constant-looking differing position."""
    n = len(toks[members[0]])
    best_p, best_d = -1, 0
    for p in range(n):
        values: dict[str, int] = defaultdict(int)
        for i in members:
            values[toks[i][p]] += weights[i]
        if len(values) < 2:
            continue
        prev = {toks[i][p - 1] for i in members} if p else set()
        previous = next(iter(prev)) if len(prev) == 1 else None
        if _is_constant_position(values, settings, p == 0, previous, namers) and (best_p < 0 or len(values) < best_d):
            best_p, best_d = p, len(values)
    if best_p < 0:
        return [members]
    groups: dict[str, list[int]] = defaultdict(list)
    for i in members:
        groups[toks[i][best_p]].append(i)
    out: list[list[int]] = []
    for sub in groups.values():
        out.extend(_split(sub, toks, weights, settings, namers))
    return out


def _namers(groups: list[list[int]], toks: Sequence[Shape], max_variants: int) -> frozenset[str]:
    """Words followed by at least ``max_variants`` different plain words, over all candidate groups.

    Learned from the log itself, so it holds in any language or vocabulary (no word list).
    """
    after: dict[str, set[str]] = defaultdict(set)
    for members in groups:
        for p in range(1, len(toks[members[0]])):
            prev = {toks[i][p - 1] for i in members}
            values = {toks[i][p] for i in members}
            if len(prev) == 1 and len(values) > 1:
                after[prev.pop()].update(v for v in values if WILDCARD not in v)
    # only words name things: after "-" or ":" any text may follow
    return frozenset(w for w, vals in after.items() if len(vals) >= max_variants and w.isalpha())


def _render(p: int, tok: str, toks: Sequence[Shape], members: list[int]) -> str:
    """Template text at one position: the constant, or the variable with its fixed key kept."""
    values = {toks[i][p] for i in members}
    if len(values) == 1:
        return tok
    keys = {_kv_key(v) for v in values}
    if len(keys) == 1 and (key := keys.pop()).endswith("="):
        return key + WILDCARD  # user=root / user=admin -> user=<*>
    return WILDCARD


def cluster_shapes(
    toks: Sequence[Shape], weights: Sequence[int], settings: MinerSettings | None = None
) -> tuple[list[int], list[str]]:
    """Group distinct masked shapes into templates.

    Args:
        toks: Distinct masked token tuples.
        weights: Number of log lines behind each shape.
        settings: The knobs and rules (similarity, max_variants...); defaults when omitted.

    Returns:
        ``(cluster_of_shape, templates)``: the cluster index of each shape (clusters numbered
        by first shape) and each cluster's template text.
    """
    settings = settings or MinerSettings()
    by_len: dict[int, list[int]] = defaultdict(list)
    for i, t in enumerate(toks):
        by_len[len(t)].append(i)
    cluster_of = [-1] * len(toks)
    raw: list[list[int]] = []
    merged: list[list[int]] = []
    for n, shapes in by_len.items():
        if n == 0:
            raw.append(shapes)
            continue
        merged.extend(_merge_similar(shapes, toks, weights, settings.similarity))
    namers = _namers(merged, toks, settings.max_variants) if settings.on("learned_namers") else frozenset()
    # "Invalid user root/admin/...": a word this log follows with many different words names a
    # value, so the word after it is data even where one event shows only two or three of them.
    raw.extend(part for group in merged for part in _split(group, toks, weights, settings, namers))
    raw.sort(key=min)
    templates: list[str] = []
    for c, members in enumerate(raw):
        for i in members:
            cluster_of[i] = c
        first = toks[members[0]]
        templates.append(" ".join(_render(p, first[p], toks, members) for p in range(len(first))))
    return cluster_of, templates
