"""What the ledger check dropped from a ruling is shown: on the report page's judgment card and in the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.state import Keys
from core.schema import RulingCheck
from tests.conftest import build_mini_bundle
from tests.ui.support import PAGES, new_app, no_exception, texts


@pytest.fixture
def judged(ui_home: Path, tmp_path: Path) -> tuple[str, str]:
    from app import resources
    from core.bundle import load_bundle
    from core.pipeline import fuse, ingest_bundle, open_incident, run_debate

    cfg = resources.settings()
    store = resources.store(cfg)
    bundle = load_bundle(build_mini_bundle(tmp_path / "bundle").root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, cfg, incident, bundle)
    fuse(store, cfg, incident.id)
    debate_id = list(run_debate(store, cfg, incident.id))[-1].debate_id
    judgment = store.get_judgment(debate_id)
    assert judgment is not None and not judgment.checks
    # As if a model's judge had named a team no ownership evidence backs: the check dropped it.
    dropped = RulingCheck(field="team", value="@acme/made-up-team",
                          reason="no verified ownership evidence names this team")
    checked = judgment.model_copy(update={"responsible_team": None, "checks": [dropped]})
    store.save_judgment(debate_id, incident.id, checked)
    return incident.id, debate_id


@pytest.mark.parametrize("lang,said", [("en", "The evidence check dropped or corrected 1 part(s) of the ruling"),
                                       ("zh", "证据核查删除或更正了裁决的 1 处")])
def test_the_card_lists_what_was_dropped(judged: tuple[str, str], lang: str, said: str) -> None:
    at = new_app(timeout=60)
    at.session_state[Keys.INCIDENT] = judged[0]
    at.session_state[Keys.LANG] = lang
    at.run()
    at = at.switch_page(PAGES["report"]).run()
    no_exception(at)
    shown = texts(at)
    assert said in shown and "made-up-team" in shown


def test_the_report_lists_what_was_dropped(judged: tuple[str, str]) -> None:
    from app import resources
    from core.report import build_report
    from core.report_render import render_html, render_markdown

    report = build_report(resources.store(resources.settings()), judged[1], "en")
    markdown = render_markdown(report, "en")
    assert "## Dropped or corrected by the evidence check" in markdown and "@acme/made-up-team" in markdown
    assert "证据核查删除或更正的内容" in render_markdown(report, "zh")
    assert "Dropped or corrected by the evidence check" in render_html(report, "en")
