"""Every wording the agents and the debate ask the catalog for exists, in English and Chinese."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

from core.fusion.facts import LinkKind
from core.i18n import CATALOG

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*sorted(ROOT.joinpath("core", "agents").glob("*.py")), ROOT / "core" / "debate.py"]


def test_every_literal_key_the_agents_use_exists() -> None:
    literal = re.compile(r"""\btext\(\s*["']([a-z_]+\.[A-Za-z0-9_.-]+)["']""")
    used = {key for path in SOURCES for key in literal.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 100, "the pattern no longer finds the agents' keys"
    assert not sorted(k for k in used if k not in CATALOG)


def test_every_change_link_kind_is_worded_for_a_chinese_ruling() -> None:
    missing = [kind for kind in get_args(LinkKind) if f"judge.link.{kind}" not in CATALOG]
    assert not missing


def test_the_agents_hold_no_chinese_of_their_own() -> None:
    chinese = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
    offenders = [f"{path.name}:{n}" for path in SOURCES
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if chinese.search(line)]
    assert not offenders
