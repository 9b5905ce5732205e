"""Every page renders on an empty store; the intake form opens an incident or says what is wrong."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import build_mini_bundle
from tests.ui.support import PAGES, new_app, no_exception, texts

LOG = """\
2026-11-20 14:01:02.000 INFO [main] c.a.s.order.OrderController - Order 1 placed
2026-11-20 14:05:10.000 ERROR [exec-1] c.a.s.order.OrderController - Order failed
java.lang.NullPointerException: coupon list is null
\tat com.acme.shop.order.PricingService.apply(PricingService.java:87)
\tat com.acme.shop.order.OrderController.create(OrderController.java:40)
"""


def test_every_page_renders_on_an_empty_store(ui_home: Path) -> None:
    at = new_app().run()
    no_exception(at)
    assert "Incident intake" in texts(at)
    assert str(ui_home / "tribunal.duckdb") in texts(at), "the sidebar shows where the store is"
    assert "Offline brain" in texts(at), "the sidebar says which brain is active"
    for name, path in PAGES.items():
        at.switch_page(path).run()
        no_exception(at)
        if name in ("assets", "debate", "report", "compare"):
            assert "Open an incident first" in texts(at), name
        if name == "history":
            assert "The store holds no incidents yet." in texts(at)
        if name == "settings":
            assert "No model configured" in texts(at)


def test_chinese_interface(ui_home: Path) -> None:
    at = new_app().run()
    at.segmented_control(key="w.lang").set_value("zh").run()
    no_exception(at)
    assert "事件录入" in texts(at) and "离线推理引擎" in texts(at)
    at.switch_page(PAGES["history"]).run()
    assert "存储中还没有事件。" in texts(at), "the language choice survives a page switch"


def test_form_without_title_says_what_to_fix(ui_home: Path) -> None:
    at = new_app().run()
    at.text_input(key="w.intake.title").set_value("   ")
    at.button(key="w.intake.submit").click().run()
    no_exception(at)
    assert any("Title" in e.value for e in at.error), [e.value for e in at.error]
    at.switch_page(PAGES["history"]).run()
    assert "The store holds no incidents yet." in texts(at), "nothing is written for a refused form"


def test_form_with_pasted_log_opens_and_ingests(ui_home: Path) -> None:
    at = new_app(timeout=120).run()
    at.text_input(key="w.intake.title").set_value("Checkout 500s")
    at.text_input(key="w.intake.service").set_value("order-service")
    at.text_area(key="w.intake.pasted").set_value(LOG)
    at.button(key="w.intake.submit").click().run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    page = texts(at)
    assert "Assets & evidence" in page and "Checkout 500s" in page
    table = at.dataframe[0].value
    assert "pasted.log" in set(table["name"]), table


def test_assets_can_be_added_later(ui_home: Path) -> None:
    at = new_app(timeout=120).run()
    at.text_input(key="w.intake.title").set_value("Checkout 500s")
    at.text_input(key="w.intake.service").set_value("order-service")
    at.button(key="w.intake.submit").click().run()
    no_exception(at)
    assert "Nothing has been ingested for this incident yet." in texts(at)
    at.text_area(key="w.assets.add_paste").set_value(LOG)
    at.button(key="w.assets.add_go").click().run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert "pasted.log" in set(at.dataframe[0].value["name"])
    at.session_state["tribunal.assets_tab"] = "logs"
    at.run()
    assert "Exception groups" in texts(at) and "No stack traces found." not in texts(at)


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buf.getvalue()


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="w.intake.archive").upload(name, data, "application/zip").run()
    return at.button(key="w.intake.archive_go").click().run()


def test_unsafe_archive_is_refused_with_a_reason(ui_home: Path) -> None:
    at = _upload(new_app().run(), "evil.zip", _zip({"incident.yaml": b"title: x\n", "../evil.sh": b"rm -rf /"}))
    no_exception(at)
    assert any("outside its folder" in e.value for e in at.error), [e.value for e in at.error]
    assert not (ui_home / "evil.sh").exists() and not (ui_home.parent / "evil.sh").exists()
    at.switch_page(PAGES["history"]).run()
    assert "The store holds no incidents yet." in texts(at)


def test_uploaded_bundle_is_ingested(ui_home: Path, tmp_path: Path) -> None:
    bundle = build_mini_bundle(tmp_path / "bundle")
    files = {str(p.relative_to(bundle.root.parent)): p.read_bytes() for p in bundle.root.rglob("*") if p.is_file()}
    at = _upload(new_app(timeout=120).run(), "bundle.zip", _zip(files))
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert "Ingested assets" in texts(at) and "Checkout fails" in texts(at)


def test_sidebar_names_the_live_graph_backend(ui_home: Path, monkeypatch) -> None:
    at = new_app().run()
    assert "Graph backend: DuckDB" in texts(at)
    import socket

    with socket.socket() as sock:  # a port nobody listens on: Neo4j is configured but down
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{port}")
    at = new_app(timeout=60).run()
    no_exception(at)
    assert "Graph backend: DuckDB" in texts(at)
    assert any("NEO4J_URI" in w.value for w in at.warning), [w.value for w in at.warning]
