"""The one translation catalog of the product: every text a person reads, in English and Chinese, by key.

Core (agents, fusion findings, reports) and the dashboard (``app/``, ``pages/``) both look their
wording up here, so a translator reviews one place and a test checks that every key has both
languages with the same placeholders. Each catalog module in this package defines
``STRINGS: dict[str, Text]``; they are merged at import and a key defined twice is an error.

    text("judge.summary", "zh", cause=..., conf=0.8)

Placeholders use ``str.format`` syntax. With ``n=1``, a ``<key>.one`` entry, if present, gives the
singular (English has one; Chinese needs none).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import NamedTuple

__all__ = ["CATALOG", "LANGS", "LANGUAGE_NAMES", "Text", "has", "text"]

LANGS: tuple[str, str] = ("en", "zh")
#: Each language by its own name, the same in either UI (a reader looks for the name they can read).
LANGUAGE_NAMES: dict[str, str] = {"zh": "中文", "en": "English"}


class Text(NamedTuple):
    """One entry: the English and the Chinese wording. Write it with keywords: ``Text(en=..., zh=...)``."""

    en: str
    zh: str


def _load() -> dict[str, Text]:
    catalog: dict[str, Text] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        strings: dict[str, Text] = getattr(module, "STRINGS")  # noqa: B009 - every catalog module defines it
        twice = sorted(set(strings) & set(catalog))
        if twice:
            raise RuntimeError(f"translation keys defined twice (again in core.i18n.{info.name}): {twice[:5]}")
        catalog.update(strings)
    return catalog


CATALOG: dict[str, Text] = _load()


def has(key: str) -> bool:
    return key in CATALOG


def text(key: str, lang: str, /, **values: object) -> str:
    """The wording of `key` in `lang` ("zh" for Chinese, anything else English), filled in with `values`.

    An unknown key returns the key itself, so a missing entry is visible but never crashes; tests
    check that every key the code uses exists.
    """
    entry = CATALOG.get(key)
    if entry is None:
        return key
    if values.get("n") == 1 and key + ".one" in CATALOG:
        entry = CATALOG[key + ".one"]
    wording = entry.zh if lang == "zh" else entry.en
    return wording.format(**values) if values else wording
