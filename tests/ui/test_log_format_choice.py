"""The "Log format" picker: auto by default, and a chosen format is the one a pasted or uploaded log is parsed with."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.ingest.logs import log_formats
from tests.conftest import build_mini_bundle
from tests.ui.support import new_app, no_exception
from tests.ui.test_pages import LOG, _upload, _zip


def _messages(at: AppTest) -> dict[str, str]:
    """The ingested-assets table: asset name -> its message."""
    table = at.dataframe[0].value
    return dict(zip(table["name"], table["message"], strict=True))


def _fill_form(at: AppTest) -> AppTest:
    at.text_input(key="w.intake.title").set_value("Checkout 500s")
    at.text_input(key="w.intake.service").set_value("order-service")
    return at


def test_picker_offers_auto_first_and_every_format(ui_home: Path) -> None:
    at = new_app().run()
    picker = at.selectbox(key="w.intake.log_format")
    assert picker.label == "Log format" and picker.value == "auto"
    assert picker.options == ["auto (detect)", *log_formats()[1:]]
    assert "first lines" in picker.help
    at.segmented_control(key="w.lang").set_value("zh").run()
    assert at.selectbox(key="w.intake.log_format").label == "日志格式"


def test_pasted_log_is_parsed_with_the_chosen_format(ui_home: Path) -> None:
    at = _fill_form(new_app(timeout=120).run())
    at.text_area(key="w.intake.pasted").set_value(LOG)
    at.selectbox(key="w.intake.log_format").set_value("generic")
    at.button(key="w.intake.submit").click().run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert "layout generic" in _messages(at)["pasted.log"], "auto would have picked logback"


def test_a_format_that_fits_no_line_says_so(ui_home: Path) -> None:
    at = _fill_form(new_app(timeout=120).run())
    at.text_area(key="w.intake.pasted").set_value(LOG)
    at.selectbox(key="w.intake.log_format").set_value("json-lines")
    at.button(key="w.intake.submit").click().run()
    no_exception(at)
    assert any("pasted.log" in e.value and "is a JSON object" in e.value for e in at.error), [e.value for e in at.error]


def test_added_log_uses_the_chosen_format(ui_home: Path) -> None:
    at = _fill_form(new_app(timeout=120).run())
    at.button(key="w.intake.submit").click().run()
    no_exception(at)
    at.text_area(key="w.assets.add_paste").set_value(LOG)
    at.selectbox(key="w.assets.add_log_format").set_value("generic")
    at.button(key="w.assets.add_go").click().run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert "layout generic" in _messages(at)["pasted.log"]


def test_uploaded_bundle_uses_the_chosen_format(ui_home: Path, tmp_path: Path) -> None:
    bundle = build_mini_bundle(tmp_path / "bundle", with_repo=False)
    files = {str(p.relative_to(bundle.root.parent)): p.read_bytes() for p in bundle.root.rglob("*") if p.is_file()}
    at = new_app(timeout=120).run()
    at.selectbox(key="w.intake.archive_log_format").set_value("generic")
    at = _upload(at, "bundle.zip", _zip(files))
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert "layout generic" in _messages(at)["runtime/app.log"]
