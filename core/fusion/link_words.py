"""What each kind of change link means, in either language (a link's own text is English; wording: finding.link.*)."""

from __future__ import annotations

from core.i18n import has, text

__all__ = ["link_kind", "link_said"]


def link_kind(kind: str, lang: str) -> str:
    """A link kind's short name in `lang` (``frame_line`` → "frame line"); an unknown kind as English words
    would read it, or as written in Chinese."""
    key = f"finding.link.kind.{kind}"
    if has(key):
        return text(key, lang)
    return kind if lang == "zh" else kind.replace("_", " ")


def link_said(kind: str, path: str | None, line: int | None, lang: str) -> str:
    """What the change did, by link kind, in `lang`."""
    where = f"{path}:{line}" if path and line else path or "?"
    key = f"finding.link.said.{kind}"
    return text(key if has(key) else "finding.link.said.other", lang, where=where)

