"""The intake form across a language switch: values kept and shown in the new language; "now" in the chosen zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from streamlit.testing.v1 import AppTest

from app.state import Widgets as W
from tests.ui.support import new_app, no_exception


def _switch(at: AppTest, lang: str) -> AppTest:
    at.segmented_control(key=W.LANG).set_value(lang).run()
    no_exception(at)
    return at


def test_switching_language_keeps_the_form_values_in_the_new_language(ui_home: Path) -> None:
    at = new_app().run()
    no_exception(at)
    assert not at.warning, [w.value for w in at.warning]
    severity, incident_lang = at.selectbox(key=W.SEVERITY), at.radio(key=W.INCIDENT_LANG)
    assert (severity.value, severity.format_func(severity.value)) == ("high", "High")
    assert incident_lang.value == "en" and incident_lang.format_func("en") == "English"

    _switch(at, "zh")
    severity, incident_lang = at.selectbox(key=W.SEVERITY), at.radio(key=W.INCIDENT_LANG)
    zone = at.selectbox(key=W.ZONE)
    assert severity.value == "high" and severity.format_func(severity.value) == "P1 严重"
    assert "P1 严重" in severity.options and "High" not in severity.options
    assert incident_lang.value == "en" and incident_lang.format_func("en") == "英文"
    assert zone.format_func(zone.value) == "UTC+08:00 · 北京 · 上海 · 新加坡"
    assert at.selectbox(key=W.LOG_FORMAT).format_func("auto") == "自动识别"

    at.selectbox(key=W.SEVERITY).set_value("critical")
    _switch(at, "en")
    severity = at.selectbox(key=W.SEVERITY)
    assert severity.value == "critical" and severity.format_func(severity.value) == "Critical"
    assert at.selectbox(key=W.ZONE).format_func(0) == "UTC+08:00 · Beijing · Shanghai · Singapore"
    assert at.radio(key=W.INCIDENT_LANG).value == "en"


def test_the_default_start_is_now_in_the_selected_zone(ui_home: Path) -> None:
    at = new_app().run()
    no_exception(at)
    zone = at.selectbox(key=W.ZONE)
    assert zone.value == 0 and zone.format_func(0).startswith("UTC+08:00")
    shown = datetime.combine(at.date_input(key=W.DATE).value, at.time_input(key=W.TIME).value)
    beijing_now = datetime.now(UTC).astimezone(timezone(timedelta(hours=8))).replace(tzinfo=None)
    assert abs((beijing_now - shown).total_seconds()) < 180, (shown, beijing_now)


def test_keeping_now_but_changing_the_zone_records_the_same_instant(ui_home: Path) -> None:
    at = new_app().run()
    before = datetime.now(UTC)
    at.text_input(key=W.TITLE).input("Checkout 500s")
    at.text_input(key=W.SERVICE).input("order-service")
    at.selectbox(key=W.ZONE).set_value(3)  # UTC · London
    at.button(key=W.SUBMIT).click().run()
    no_exception(at)
    from app import resources  # the page's cached store, opened on this test's home

    store = resources.store(resources.settings())
    started = store.list_incidents()[0].started_at
    assert started.utcoffset() == timedelta(0)
    assert abs((started - before).total_seconds()) < 180, (started, before)
