"""The report page in either language: timeline labels, the Markdown preview's headings and times with the zone."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.state import Keys
from tests.conftest import build_mini_bundle
from tests.ui.support import PAGES, new_app, no_exception, texts


@pytest.fixture
def judged(ui_home: Path, tmp_path: Path) -> tuple[str, str]:
    from app import resources
    from core.bundle import load_bundle
    from core.pipeline import fuse, ingest_bundle, open_incident, run_debate
    from core.plain_text import zone_name

    cfg = resources.settings()
    store = resources.store(cfg)  # the app's own cached store on this test's home
    bundle = load_bundle(build_mini_bundle(tmp_path / "bundle").root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, cfg, incident, bundle)
    fuse(store, cfg, incident.id)
    list(run_debate(store, cfg, incident.id))
    return incident.id, zone_name(incident.started_at)


@pytest.mark.parametrize("lang,start,heading,other", [
    ("zh", "事件报告的开始时间", "## 时间线", "Incident reported start"),
    ("en", "Incident reported start", "## Timeline", "事件报告的开始时间"),
])
def test_report_page_speaks_one_language_with_zoned_times(judged: tuple[str, str], lang: str, start: str,
                                                          heading: str, other: str) -> None:
    incident_id, zone = judged
    at = new_app()
    at.session_state[Keys.INCIDENT] = incident_id
    at.session_state[Keys.LANG] = lang
    at.run()
    at.switch_page(PAGES["report"]).run()
    no_exception(at)
    timeline = next(df.value for df in at.dataframe if "event" in df.value.columns)
    assert start in set(timeline["event"]) and other not in set(timeline["event"])
    preview = texts(at)
    assert f"{heading} ({zone})" in preview and other not in preview
