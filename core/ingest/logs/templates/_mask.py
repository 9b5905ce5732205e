"""Generic variable masking of one log message into a token shape (private to templates)."""

from __future__ import annotations

import re

from core.ingest.logs.templates._settings import MinerSettings

__all__ = ["COMPOUND_RE", "WILDCARD", "MessageMasker"]

WILDCARD = "<*>"

# Date/time phrases inside a message ("at Sat Jul  9 22:53:19 2005", "2017-05-16T00:00:00.008Z"):
# masked as one variable so the weekday/month words do not split an event by calendar.
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*"
_MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
_DATETIME_RE = re.compile(
    rf"\b(?:{_DAY},?\s+)?{_MON}\.?\s+\d{{1,2}},?\s+(?:\d{{4}}\s+)?{_CLOCK}(?:\s+[A-Z]{{2,5}})?(?:\s+\d{{4}})?\b"
    rf"|\b\d{{4}}-\d{{2}}-\d{{2}}[T ]{_CLOCK}(?:Z|[+-]\d{{2}}:?\d{{2}})?"
)
# Whole tokens that are URLs or Windows paths; ':' would otherwise cut them into pieces.
_URL_RE = re.compile(r"[A-Za-z][\w+.-]*://\S+|\b[A-Za-z]:\\\S*")
# MAC addresses, IPv6 and other colon-joined hex groups ("FF:F2:9F:16:EB:27:00:0D", "fe80::1").
_HEX_GROUPS_RE = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?:::?[0-9A-Fa-f]{1,4}){2,}(?![\w:])")
# A "compound" is what variables are made of: word characters and the joiners ids and paths use.
# Everything else ('=', ':', ',', brackets, quotes, ...) delimits and stays in the template.
COMPOUND_RE = re.compile(r"(?:[\w\-/@#+%~$\\]|(?<!\.)\.(?!\.))+", re.ASCII)  # "..." delimits
_DIGIT_RUN_RE = re.compile(r"\d+")
_SPLIT_RE = re.compile(r"\s+")
# A quoted value of a key (tag="View Lock") is one value, however many words it has.
_QUOTED_VALUE_RE = re.compile(r"(?<==)(?:\"[^\"]*\"|'[^']*')")
# A size with its unit is one value: "estimated size 384.0 B" and "... 2.3 KB" are one event.
_SIZE_RE = re.compile(r"(?<![^\s(=])\d+(?:\.\d+)?\s?(?:[KMGTP]i?B|B)(?=[\s),;]|$)")
# An approximate duration ("lifetime <1 sec") stands for one value, like "00:02" does.
# (Exact ones keep their unit in the template: "took <*> ms"; "12ms" is one masked compound.)
_DURATION_RE = re.compile(
    r"(?<![^\s(=])[<>~]\d+(?:\.\d+)?\s?"
    r"(?:ns|us|ms|msec|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?)(?=[\s),;.]|$)"
)
_HAS_DIGIT_RE = re.compile(r"\d")
_MAYBE_VARIABLE_RE = re.compile(r"[\d/\\]")
_COLON_JOINED_RE = re.compile(r"<\*>(?::<\*>)+")


def _is_variable_compound(comp: str, short_digit_ids: bool = True) -> bool:
    """Decide whether one compound (e.g. ``blk_-123``, ``/etc/x``, ``ssh2``) is a variable.

    Args:
        comp: A run of word characters and id/path joiners, without trailing sentence dots.
        short_digit_ids: Keep identifiers with a short digit suffix (``ssh2``) as constants;
            otherwise any compound holding a digit is a variable.

    Returns:
        True when the compound should be replaced by the wildcard.
    """
    first = comp[0]
    if first == "/" and len(comp) > 1:
        return True  # absolute path
    if comp.count("/") >= 2 or "\\" in comp or comp.startswith(("~/", "./", "../")):
        return True  # relative or Windows path
    if not _HAS_DIGIT_RE.search(comp):
        return False
    if first.isdigit() or (first in "+-#" and len(comp) > 1 and comp[1].isdigit()):
        return True  # numbers, IPs, versions, sizes and durations with units, 0x.. hex
    if not short_digit_ids:
        return True
    runs = list(_DIGIT_RUN_RE.finditer(comp))
    for run in runs:
        if len(run.group()) >= 3:
            return True  # dn228, appattempt_1445..., a692162415ae
        if not comp[run.start() - 1].isalpha():
            return True  # node-246, blk_-12, core.7, rdd_42_3
    # Identifiers with a short digit suffix (ssh2, alt0, jk2_init, PSR0) stay constants unless
    # they carry several digit groups like a location code (R02-M1-N0).
    return len(runs) >= 3


def _hex_groups_sub(match: re.Match[str]) -> str:
    text = match.group()
    return WILDCARD if any(ch.isdigit() for ch in text) else text


class MessageMasker:
    """Turns a message into a tuple of tokens with generic variables replaced by ``<*>``.

    Results are cached per whitespace token, because the same tokens recur across the
    distinct messages of a log.
    """

    def __init__(self, max_chars: int = 2000, settings: MinerSettings | None = None) -> None:
        """Create a masker.

        Args:
            max_chars: Messages are truncated to this many characters before masking.
            settings: Which masking rules are on (all by default).
        """
        settings = settings or MinerSettings()
        self._max_chars = max_chars
        self._cache: dict[str, str] = {}
        self._dates = settings.on("dates")
        self._sizes = settings.on("sizes")
        self._durations = settings.on("durations")
        self._quoted = settings.on("quoted_values")
        self._hex_groups = settings.on("hex_groups")
        self._short_digit_ids = settings.on("short_digit_ids")

    def mask_token(self, token: str) -> str:
        """Mask the variable parts of one whitespace-delimited token.

        Args:
            token: A token without whitespace.

        Returns:
            The token with variable compounds replaced by ``<*>``.
        """
        hit = self._cache.get(token)
        if hit is not None:
            return hit
        if not _MAYBE_VARIABLE_RE.search(token):
            return token  # no digit, no path, no URL: nothing to mask (and not worth caching)
        out = _URL_RE.sub(WILDCARD, token) if ":" in token else token
        if self._hex_groups and ":" in out:
            out = _HEX_GROUPS_RE.sub(_hex_groups_sub, out)
        if out != WILDCARD:
            out = COMPOUND_RE.sub(self._compound_sub, out)
        while WILDCARD + WILDCARD in out:
            out = out.replace(WILDCARD + WILDCARD, WILDCARD)
        if WILDCARD + ":" + WILDCARD in out:
            out = _COLON_JOINED_RE.sub(WILDCARD, out)  # ip:port, host:port, hh:mm:ss are one value
        if len(self._cache) < 500_000:
            self._cache[token] = out
        return out

    def _compound_sub(self, match: re.Match[str]) -> str:
        comp = match.group()
        core = comp.rstrip(".")  # a sentence's full stop is not part of the value
        if core and _is_variable_compound(core, self._short_digit_ids):
            return WILDCARD + comp[len(core):]
        return comp

    def mask(self, message: str) -> tuple[str, ...]:
        """Mask a whole message.

        Args:
            message: The message part of a log line (header already removed).

        Returns:
            The masked tokens; empty for a blank message.
        """
        if len(message) > self._max_chars:
            message = message[: self._max_chars]
        if self._quoted and "=" in message:
            message = _QUOTED_VALUE_RE.sub(WILDCARD, message)
        if _HAS_DIGIT_RE.search(message):
            if self._dates:
                message = _DATETIME_RE.sub(WILDCARD, message)
            if self._sizes:
                message = _SIZE_RE.sub(WILDCARD, message)
            if self._durations:
                message = _DURATION_RE.sub(WILDCARD, message)
        out: list[str] = []
        for tok in _SPLIT_RE.split(message.strip()):
            if not tok:
                continue
            masked = self.mask_token(tok)
            # a run of variables ("delete blk_1 blk_2 blk_3") is one list-valued variable
            if masked == WILDCARD and out and out[-1] == WILDCARD:
                continue
            out.append(masked)
        return tuple(out)
