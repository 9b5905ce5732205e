"""Redaction: secrets and personal data become consistent placeholders before any text leaves the machine."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

__all__ = ["KINDS", "Redactor", "TurnRedactor", "valid_cn_id"]

# An ASCII word boundary: Python's \b and \w treat CJK characters as word characters, and Chinese text
# often runs straight into a phone number or an id ("手机13812345678"), so we spell the class out.
_NA = r"(?<![A-Za-z0-9])"
_NZ = r"(?![A-Za-z0-9])"

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def valid_cn_id(number: str) -> bool:
    """True for an 18-character Chinese resident id with a real birth date and a correct check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not 1900 <= born.year <= date.today().year:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    group: int = 0  # the part of the match that is secret; the rest (a key name, a user name) stays
    accept: Callable[[str], bool] | None = None


# Order matters: whole blocks and structured tokens first, so a PEM body or a JWT is never half-matched
# by a looser rule further down.
_KEY_NAMES = (r"(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|account[_-]?key|private[_-]?key"
              r"|client[_-]?secret|credential|密码|口令|令牌|密钥)")
_KEY = r"(?i)(?<![A-Za-z0-9])(?:[A-Za-z0-9]+[_.-])*" + _KEY_NAMES + r"(?:[_.-][A-Za-z0-9]+)*[\"']?\s*(?:[:=]|：)\s*"

_RULES: tuple[_Rule, ...] = (
    # A whole PEM block, or one cut short (no END line: everything base64-like after BEGIN goes).
    _Rule("PRIVATE_KEY", re.compile(
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----"
        r"|(?:[A-Za-z0-9+/=:,\s-]|\\[nr])*)")),
    # A JWT, or its header and payload when the signature was cut off.
    _Rule("JWT", re.compile(_NA + r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?" + _NZ)),
    _Rule("BEARER", re.compile(r"(?i)\bBearer\s+([A-Za-z0-9._~+/=-]{12,})"), group=1),
    _Rule("API_KEY", re.compile(_NA + r"(sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,})" + _NZ), group=1),
    _Rule("API_KEY", re.compile(_NA + r"((?:ghp|gho|ghs|github_pat|xox[abpr]|glpat)[-_][A-Za-z0-9_-]{20,})" + _NZ),
          group=1),
    _Rule("API_KEY", re.compile(_NA + r"(AIza[0-9A-Za-z_-]{35})" + _NZ), group=1),  # Google Cloud
    _Rule("AWS_KEY", re.compile(_NA + r"((?:AKIA|ASIA)[A-Z0-9]{16})" + _NZ), group=1),
    # Aliyun, Tencent
    _Rule("CLOUD_KEY", re.compile(_NA + r"(LTAI[A-Za-z0-9]{12,24}|AKID[A-Za-z0-9]{32})" + _NZ), group=1),
    _Rule("AWS_SECRET", re.compile(
        r"(?i)aws[\w.-]{0,20}?(?:secret|private)[\w.-]{0,20}\s*[:=]\s*[\"']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"),
        group=1),
    # user:password@host in a URL or DSN; the password may hold any character but blanks and quotes (even '@'
    # and '/'), so it runs to the last '@' that is followed by a host name.
    _Rule("URL_PASSWORD", re.compile(
        r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@\"'<>]{0,64}:(?!\d{1,5}/)([^\s\"'<>]{1,128}?)@"
        r"(?=[A-Za-z0-9\[][A-Za-z0-9.\[\]:-]*(?:[/?#\s:;,\"')\]}>]|$))(?![^\s@\"'<>]{0,128}@[A-Za-z0-9])"),
        group=1),
    # key = "quoted value": everything up to the closing quote is the secret, blanks and punctuation included.
    _Rule("SECRET", re.compile(_KEY + r"\"((?:[^\"\\\n]|\\.){3,200})\""), group=1),
    _Rule("SECRET", re.compile(_KEY + r"'([^'\n]{3,200})'"), group=1),
    _Rule("SECRET", re.compile(_KEY + r"[\"']?([^\s\"',;}<>]{3,})"), group=1),
    _Rule("EMAIL", re.compile(_NA + r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}" + _NZ)),
    _Rule("CN_ID", re.compile(_NA + r"(\d{17}[\dXx])" + _NZ), group=1, accept=valid_cn_id),
    _Rule("PHONE", re.compile(r"(?<![A-Za-z0-9+])((?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2})" + _NZ), group=1),
    _Rule("PHONE", re.compile(r"(?<![A-Za-z0-9+])(\+[1-9]\d{0,2}(?:[\s-]?\d){7,13})" + _NZ), group=1),
)

KINDS: tuple[str, ...] = tuple(dict.fromkeys(rule.kind for rule in _RULES))
# `<EMAIL_1>` in prompts; `<EMAIL#1>` in what is stored (so the two numberings never read as the same value).
_PLACEHOLDER = re.compile(r"<(" + "|".join(KINDS) + r")[_#](\d+)>")


class Redactor:
    """Replaces secrets with placeholders like `<EMAIL_1>`: the same value always gets the same placeholder.

    Keep one redactor per debate so every prompt of the debate uses the same names and the model can
    still reason about "the same e-mail address" across turns; `restore` puts the values back for display.
    Thread-safe: concurrent expert turns share it.
    """

    def __init__(self, *, marker: str = "_", start: Mapping[str, int] | None = None,
                 known: Iterable[tuple[str, str, str]] = ()) -> None:
        """A redactor issuing `<KIND{marker}N>` placeholders.

        Args:
            marker: "_" for prompts, "#" for text at rest.
            start: per kind, how many placeholders were issued before (numbering continues after them).
            known: (placeholder, kind, value) issued before, so the same value gets the same placeholder again.
        """
        self._marker = marker
        self._by_value: dict[tuple[str, str], str] = {}
        self._by_placeholder: dict[str, str] = {}
        self._next: Counter[str] = Counter(start or {})
        for name, kind, value in known:
            self._by_value[(kind, value)] = name
            self._by_placeholder[name] = value
        self._found: Counter[str] = Counter()
        self._lock = threading.Lock()

    def _placeholder(self, kind: str, value: str, tally: Counter[str] | None) -> str:
        key = (kind, value)
        if key not in self._by_value:
            self._next[kind] += 1
            name = f"<{kind}{self._marker}{self._next[kind]}>"
            self._by_value[key] = name
            self._by_placeholder[name] = value
        self._found[kind] += 1
        if tally is not None:
            tally[kind] += 1
        return self._by_value[key]

    def redact(self, text: str, *, tally: Counter[str] | None = None) -> str:
        """Return `text` with every secret and personal datum replaced by its placeholder.

        Args:
            text: any text about to leave the machine (a prompt, a log excerpt, a note).
            tally: also count this call's replacements here, per kind (e.g. per agent turn).

        Returns:
            The redacted text; placeholders already in `text` are left as they are.
        """
        if not text:
            return text
        with self._lock:
            for rule in _RULES:
                text = rule.pattern.sub(lambda m, r=rule: self._replace(r, m, tally), text)  # type: ignore[misc]
        return text

    def _replace(self, rule: _Rule, match: re.Match[str], tally: Counter[str] | None) -> str:
        secret = match.group(rule.group)
        if _PLACEHOLDER.fullmatch(secret) or (rule.accept and not rule.accept(secret)):
            return match.group(0)
        start, end = match.start(rule.group) - match.start(0), match.end(rule.group) - match.start(0)
        whole = match.group(0)
        return whole[:start] + self._placeholder(rule.kind, secret, tally) + whole[end:]

    def restore(self, text: str) -> str:
        """Put the original values back in place of the placeholders this redactor issued (for display only)."""
        if not text or "<" not in text:
            return text
        with self._lock:
            return _PLACEHOLDER.sub(lambda m: self._by_placeholder.get(m.group(0), m.group(0)), text)

    def counts(self) -> dict[str, int]:
        """How many occurrences of each kind were replaced so far (for the report)."""
        with self._lock:
            return dict(self._found)

    def distinct(self) -> dict[str, int]:
        """How many distinct values of each kind were replaced so far."""
        with self._lock:
            return dict(self._next)

    def entries(self) -> list[tuple[str, str, str]]:
        """Every (placeholder, kind, original value) issued: secrets, for an opted-in map only."""
        with self._lock:
            return [(name, kind, value) for (kind, value), name in self._by_value.items()]

    def __repr__(self) -> str:  # never show the mapping: it holds the secrets
        return f"Redactor(distinct={self.distinct()})"


class TurnRedactor:
    """A view of a Redactor that also tallies what one agent turn redacted (for that turn's bubble and the report)."""

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor
        self.tally: Counter[str] = Counter()

    def redact(self, text: str) -> str:
        return self.redactor.redact(text, tally=self.tally)

    def restore(self, text: str) -> str:
        return self.redactor.restore(text)
