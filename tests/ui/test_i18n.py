"""Every string the dashboard shows exists in Chinese and English, and every key it asks for exists."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import get_args

from app.i18n import t
from app.nav import PAGES
from app.widgets.assets_tabs import TABS
from core.compare import MODES
from core.i18n import CATALOG
from core.schema import (
    AGENTS,
    Answer,
    Hypothesis,
    Incident,
    Intervention,
    Phase,
    Severity,
)
from core.views import METRIC_PANELS

ROOT = Path(__file__).resolve().parents[2]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    for key, entry in CATALOG.items():
        assert entry.zh.strip() and entry.en.strip(), key
        assert _fields(entry.zh) == _fields(entry.en), key


def test_chinese_strings_are_chinese() -> None:
    untranslated = [k for k, e in CATALOG.items() if e.zh == e.en and re.search(r"[a-z]{4,}", e.en)]
    assert not untranslated, untranslated


def test_every_literal_key_used_in_the_ui_exists() -> None:
    used: set[str] = set()
    for path in [*ROOT.joinpath("app").rglob("*.py"), *ROOT.joinpath("pages").glob("*.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[A-Za-z0-9_.]+)["']\s*[,)]""",
                               path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in CATALOG)
    assert not missing, missing


def test_every_value_shown_through_a_prefix_is_translated() -> None:
    statuses = get_args(Incident.model_fields["status"].annotation)
    hypothesis = get_args(Hypothesis.model_fields["status"].annotation)
    verdicts = get_args(Answer.model_fields["verdict"].annotation)
    wanted = (
        [f"severity.{s}" for s in get_args(Severity)]
        + [f"status.{s}" for s in (*statuses, *hypothesis)]
        + [f"verdict.{v}" for v in verdicts]
        + [f"phase.{p}" for p in get_args(Phase)]
        + [f"agent.{a}" for a in AGENTS] + [f"duty.{a}" for a in AGENTS]
        + [f"nav.{n}" for n in PAGES]
        + [f"asset_status.{s}" for s in ("ok", "warning", "error", "stored")]
        + [f"history.open_{p}" for p in ("assets", "debate", "report")]
        + [f"lang.{code}" for code in ("zh", "en")]
        + [f"intervention.{k}" for k in get_args(Intervention.model_fields["kind"].annotation)]
        + [f"assets.tab_{tab}" for tab in TABS] + [f"metrics.panel_{p.name}" for p in METRIC_PANELS]
        + [f"compare.{what}_{mode}" for mode in MODES for what in ("mode", "how")]
        + [f"settings.key_{state}" for state in ("set", "missing", "none")]
    )
    assert not [k for k in wanted if k not in CATALOG]


def test_formatting_and_fallback() -> None:
    assert t("debate.round_n", lang="zh", n=2) == "第 2 轮"
    assert t("debate.round_n", lang="en", n=2) == "Round 2"
    assert t("no.such_key") == "no.such_key"
