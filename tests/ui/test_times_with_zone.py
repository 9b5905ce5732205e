"""Times on screen carry their zone (the incident's), in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.state import Keys
from app.state import Widgets as W
from tests.ui.support import PAGES, new_app, no_exception


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_history_and_sidebar_show_times_with_the_incident_zone(ui_home: Path, lang: str) -> None:
    at = new_app()
    at.session_state[Keys.LANG] = lang
    at.run()
    at.text_input(key=W.TITLE).input("Checkout 500s")
    at.text_input(key=W.SERVICE).input("order-service")
    at.selectbox(key=W.ZONE).set_value(5)  # UTC-05:00, New York
    at.button(key=W.SUBMIT).click().run()
    no_exception(at)
    at.switch_page(PAGES["history"]).run()
    no_exception(at)
    table = at.dataframe[0].value
    assert table["started"].iloc[0].endswith(" UTC-05:00") and table["created"].iloc[0].endswith(" UTC-05:00")
    sidebar = " ".join(str(m.value) for m in at.sidebar.markdown)
    assert "UTC-05:00" in sidebar and "-0500" not in sidebar


@pytest.mark.parametrize("lang,first", [("zh", "首次 "), ("en", "first ")])
def test_exception_groups_say_when_in_the_incident_zone(ui_home: Path, tmp_path: Path, lang: str, first: str) -> None:
    from app import resources
    from core.bundle import load_bundle
    from core.pipeline import fuse, ingest_bundle, open_incident
    from core.plain_text import zone_name
    from tests.conftest import build_mini_bundle

    cfg = resources.settings()
    store = resources.store(cfg)
    bundle = load_bundle(build_mini_bundle(tmp_path / "bundle").root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, cfg, incident, bundle)
    fuse(store, cfg, incident.id)
    at = new_app()
    at.session_state[Keys.INCIDENT] = incident.id
    at.session_state[Keys.LANG] = lang
    at.session_state[Keys.ASSETS_TAB] = "logs"
    at.run()
    at.switch_page(PAGES["assets"]).run()
    no_exception(at)
    seen = [str(c.value) for c in at.caption if str(c.value).startswith(first)]
    zone = zone_name(incident.started_at)
    assert seen and all(s.count(zone) == 2 for s in seen), (seen, zone)
    group = store.exception_groups(incident.id).iloc[0]
    local = group["first_seen"].tz_convert(incident.started_at.tzinfo) if group["first_seen"].tzinfo else None
    if local is not None:
        assert f"{local:%m-%d %H:%M:%S} {zone}" in seen[0]
