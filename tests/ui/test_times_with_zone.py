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
