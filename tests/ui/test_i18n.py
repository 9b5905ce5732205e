"""Every value the dashboard shows through a key prefix is translated (the catalog: tests/test_i18n_catalog.py)."""

from __future__ import annotations

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
