"""Fusion findings, post-mortems and the rest of core word everything through the catalog, in both languages."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import get_args

from core.fusion.facts import LinkKind
from core.fusion.link_words import link_kind, link_said
from core.i18n import CATALOG, has, text
from core.plain_text import relative_to
from core.report_render import _labels
from core.schema import EvidenceKind, ReviewDecision, ReviewState, Severity

ROOT = Path(__file__).resolve().parents[1]
# Modules converted to the catalog: their wording may only come from core/i18n/.
CONVERTED = [
    "core/report.py", "core/report_render.py", "core/plain_text.py", "core/llm/brain.py",
    "core/fusion/correlate.py", "core/fusion/changes.py", "core/fusion/culprit.py", "core/fusion/runtime_rules.py",
    "core/fusion/link_words.py",
]
AREAS = ("postmortem.", "finding.", "llm_brain.")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_KEY = re.compile(r"""(?<![.\w])text\(\s*"([a-z_.]+)"\s*,""")


def _fields(wording: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(wording) if name}


def test_every_entry_has_both_languages_with_the_same_placeholders() -> None:
    ours = {k: v for k, v in CATALOG.items() if k.startswith(AREAS)}
    assert len(ours) > 250
    for key, entry in ours.items():
        assert entry.en.strip() and entry.zh.strip(), key
        assert _fields(entry.en) == _fields(entry.zh), key
        words = re.sub(r"\{[^}]*\}", "", entry.en)
        assert _CJK.search(entry.zh) or not re.search(r"[a-z]{4,}", words), f"{key}: Chinese looks untranslated"


def test_converted_modules_hold_no_chinese_and_ask_only_for_keys_that_exist() -> None:
    for path in CONVERTED:
        source = (ROOT / path).read_text(encoding="utf-8")
        assert not _CJK.search(source), f"{path} still holds Chinese wording"
        missing = [key for key in _KEY.findall(source) if not has(key)]
        assert not missing, f"{path} asks for unknown keys {missing}"


def test_keys_built_from_data_exist_for_every_value() -> None:
    """Keys put together from a value (a link kind, a severity, a review state…) cover every value the data has."""
    for kind in get_args(LinkKind):
        assert has(f"finding.link.kind.{kind}") and has(f"finding.link.said.{kind}"), kind
        assert link_kind(kind, "en") == kind.replace("_", " ")
    for area, values in (("severity", get_args(Severity)), ("state", get_args(ReviewState)),
                         ("decision", get_args(ReviewDecision))):
        for value in values:
            assert has(f"postmortem.{area}.{value}"), (area, value)
    assert sum(has(f"postmortem.kind.{kind}") for kind in get_args(EvidenceKind)) >= len(get_args(EvidenceKind)) - 1
    for reference in ("start", "reported_start"):
        for minutes in (5, -5, 200, 5000):
            assert not relative_to(minutes, reference, "en").startswith("finding."), (minutes, reference)


def test_findings_read_the_same_in_both_languages() -> None:
    assert relative_to(150, "start", "en") == "2.5 h before the start"
    assert relative_to(150, "start", "zh") == "开始前 2.5 小时"
    assert relative_to(-30, "reported_start", "zh") == "报告的开始时间后 30 分钟"
    assert link_said("frame_line", "A.java", 3, "zh") == "它写下了出错行 A.java:3"
    assert link_said("no_such_kind", None, None, "zh") == "它与症状相关（?）"
    assert text("postmortem.rounds", "en", n=1) == "1 round" and text("postmortem.rounds", "en", n=2) == "2 rounds"


def test_report_labels_are_filled_by_the_templates_not_here() -> None:
    """`L` keeps its placeholders: the chart fills round_short, the Markdown template fills peak."""
    for lang in ("en", "zh"):
        labels = _labels(lang)
        assert "{n}" in labels["round_short"] and "{low}" in labels["peak"]
        assert labels["post_mortem"] == text("postmortem.label.post_mortem", lang)
