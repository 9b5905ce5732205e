"""One translation catalog (core/i18n/) for core and the dashboard: every key in both languages, every key the
code asks for exists, and Chinese wording lives nowhere else.

Keys built from data (a link kind, a severity, a review state…) are checked against every value the data can
take; the dashboard's own prefixes are checked in tests/ui/test_i18n.py.
"""

from __future__ import annotations

import ast
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
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# Modules that READ Chinese (what a model, a design document or a secret may contain): their Chinese is input to
# recognise, not wording to show, so it stays beside the code that matches it.
READERS = {
    "core/_cases_embed.py": "maps Chinese and English terms to shared concepts for past-case search",
    "core/cases.py": "finds the root-cause and symptom sections of past-case write-ups",
    "core/ingest/code/_roles.py": "spots an aggregate root named in a code comment",
    "core/ingest/design/_markdown.py": "recognises design-document headings and table columns",
    "core/llm/_output.py": "words a model may reply with for severities, statuses and yes/no",
    "core/llm/_prompt.py": "names the language the model must answer in, inside the English prompt",
    "core/redact.py": "Chinese words for password, token… in the secret patterns",
    "core/stored_secrets.py": "the same secret words, to decide whether a value may hold one",
}
SOURCES = sorted(p for d in ("core", "app", "pages") for p in ROOT.joinpath(d).rglob("*.py")
                 if p.relative_to(ROOT).parts[:2] != ("core", "i18n"))


def _fields(wording: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(wording) if name}


def _chinese_literals(path: Path) -> list[str]:
    """String literals holding Chinese, docstrings left out (they may show an example of what the code reads)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body
            and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs and CJK.search(n.value)]


def test_every_entry_has_both_languages_with_the_same_placeholders() -> None:
    assert len(CATALOG) > 1000
    for key, entry in CATALOG.items():
        assert entry.en.strip() and entry.zh.strip(), f"{key}: a language is empty"
        assert _fields(entry.en) == _fields(entry.zh), f"{key}: placeholders differ"
        words = re.sub(r"\{[^}]*\}", "", entry.en)
        assert CJK.search(entry.zh) or not re.search(r"[a-z]{4,}", words), f"{key}: Chinese looks untranslated"


def test_chinese_wording_lives_only_in_the_catalog() -> None:
    offenders = {p.relative_to(ROOT).as_posix(): found[0][:40] for p in SOURCES
                 if (found := _chinese_literals(p)) and p.relative_to(ROOT).as_posix() not in READERS}
    assert not offenders, f"move these to core/i18n/: {offenders}"
    stale = [path for path in READERS if not _chinese_literals(ROOT / path)]
    assert not stale, f"no longer reads Chinese, drop from READERS: {stale}"


def test_every_literal_key_the_code_asks_for_exists() -> None:
    core_key = re.compile(r"""(?<![.\w])text\(\s*["']([a-z_]+\.[A-Za-z0-9_.-]+)["']""")
    ui_key = re.compile(r"""\bt\(\s*["']([a-z_]+\.[A-Za-z0-9_.]+)["']\s*[,)]""")
    used: dict[str, str] = {}
    for path in SOURCES:
        source = path.read_text(encoding="utf-8")
        for key in [*core_key.findall(source), *ui_key.findall(source)]:
            used.setdefault(key, path.relative_to(ROOT).as_posix())
    assert len(used) > 600, f"the patterns no longer find the keys ({len(used)})"
    missing = {key: where for key, where in used.items() if not has(key)}
    assert not missing, missing


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


def test_lookups_fill_in_values_pick_the_singular_and_show_an_unknown_key() -> None:
    assert relative_to(150, "start", "en") == "2.5 h before the start"
    assert relative_to(150, "start", "zh") == "开始前 2.5 小时"
    assert relative_to(-30, "reported_start", "zh") == "报告的开始时间后 30 分钟"
    assert link_said("frame_line", "A.java", 3, "zh") == "它写下了出错行 A.java:3"
    assert link_said("no_such_kind", None, None, "zh") == "它与症状相关（?）"
    assert text("postmortem.rounds", "en", n=1) == "1 round" and text("postmortem.rounds", "en", n=2) == "2 rounds"
    assert text("no.such_key", "zh") == "no.such_key"


def test_report_labels_are_filled_by_the_templates_not_here() -> None:
    """`L` keeps its placeholders: the chart fills round_short, the Markdown template fills peak."""
    for lang in ("en", "zh"):
        labels = _labels(lang)
        assert "{n}" in labels["round_short"] and "{low}" in labels["peak"]
        assert labels["post_mortem"] == text("postmortem.label.post_mortem", lang)
