"""Text shown as text: Markdown escaping for data, word-boundary clipping, human sizes (UI and reports)."""

from __future__ import annotations

import re
from datetime import datetime

from core.i18n import text

__all__ = ["clip", "human_size", "md_data", "md_literal", "relative_to"]

# Characters Markdown (and Streamlit's directives) would act on inside ordinary text.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-!|~:$])")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
# A `*` or `_` that Markdown could take for emphasis: any `*` not part of a `**` pair, `<*>` wildcards,
# and `_` that starts or ends a word (intraword `_` as in order_id is already literal).
_STAR = re.compile(r"(?<!\*)\*(?!\*)")
_BULLET = re.compile(r"^([ \t]*)\\\* ", re.MULTILINE)  # an escaped list bullet, put back
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9\\])_|_(?![A-Za-z0-9])")
_CJK = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]")


def md_literal(text: str) -> str:
    """Escape every Markdown-special character: for data (log templates, file names) shown inside Markdown."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_data(text: str) -> str:
    """Markdown written by the app or an agent, with data quoted in it: keep code spans and ``**bold**``,
    but show the data's lone ``*`` and edge ``_`` (``<*>`` wildcards, ``*`` in a template) literally."""
    out: list[str] = []
    last = 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_escape_emphasis(text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_escape_emphasis(text[last:]))
    return "".join(out)


def _escape_emphasis(part: str) -> str:
    part = _BULLET.sub(r"\1* ", _STAR.sub(r"\\*", part))
    return _UNDERSCORE.sub(r"\\_", part)


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word (or CJK character) boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: max(1, limit - 1)]
    nxt = text[len(head)]
    if not (nxt.isspace() or _CJK.match(nxt) or _CJK.match(head[-1])):
        space = head.rfind(" ")
        cjk = max((m.end() for m in _CJK.finditer(head)), default=0)
        cut = max(space, cjk)
        if cut >= limit // 2:
            head = head[:cut]
    return head.rstrip(" ,;:·-—") + "…"


def human_size(size_bytes: float) -> str:
    """A file size people read at a glance: ``512 B``, ``4.9 KiB``, ``12.3 MiB``."""
    value = float(size_bytes)
    if value < 1024:
        return f"{value:.0f} B"
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024 or unit == "GiB":
            return f"{value:.1f} {unit}"
    return f"{value:.1f} GiB"


def duration(seconds: float) -> str:
    """A wall time that never reads as zero: ``< 1 ms``, ``42 ms``, ``3.21 s``, ``2 min 05 s``."""
    if seconds < 0.0005:
        return "< 1 ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def zone_name(when: datetime) -> str:
    """``UTC+08:00`` for an aware time (``UTC`` for a zero offset)."""
    offset = when.utcoffset()
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def relative_to(minutes: float, reference: str, lang: str) -> str:
    """`minutes` before (positive) or after (negative) `reference` (``start`` or ``reported_start``) in `lang`,
    in minutes, hours or days: "2.5 h before the start"."""
    m = abs(minutes)
    span = (text("finding.time.minutes", lang, m=m) if m < 120 else text("finding.time.hours", lang, h=m / 60)
            if m < 2880 else text("finding.time.days", lang, d=m / 1440))
    side = "before" if minutes >= 0 else "after"
    return text(f"finding.time.{side}.{reference}", lang, span=span)
