"""Headless Chromium on a real `streamlit run` with TRIBUNAL_AUTH=local: a viewer signs in and finds no button to
start, stop or steer a debate; an analyst signs in on the same incident, starts the debate and reaches the ruling.
Screenshots land in tests/artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.i18n import CATALOG
from tests.conftest import build_mini_bundle
from tests.ui.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _streamlit

PASSWORD = "correct horse battery"


def en(key: str) -> str:
    return CATALOG[key].en


@pytest.fixture
def team_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The server's data directory, prepared beforehand: a viewer, an analyst and one fused incident."""
    from core import accounts, pipeline
    from core.auth import cli_principal
    from core.bundle import load_bundle
    from core.config import load_settings
    from core.store import Store

    monkeypatch.setenv("TRIBUNAL_HOME", str(tmp_path / "home"))  # the home _streamlit gives the server
    monkeypatch.setenv("LLM_API_KEY_ENV", "TRIBUNAL_UI_TEST_NO_KEY")
    settings = load_settings()
    store = Store(settings.db_path)  # closed before the server opens the file
    try:
        accounts.add_user(store, "vera", "viewer", PASSWORD, actor=cli_principal())
        accounts.add_user(store, "ann", "analyst", PASSWORD, actor=cli_principal())
        bundle = load_bundle(build_mini_bundle(tmp_path / "bundle").root)
        incident = pipeline.open_incident(store, bundle.draft, actor=cli_principal())
        pipeline.ingest_bundle(store, settings, incident, bundle, actor=cli_principal())
        pipeline.fuse(store, settings, incident.id, actor=cli_principal())
    finally:
        store.close()
    return incident.id


def _sign_in(page, url: str, name: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    expect(page.get_by_text(en("auth.title")).first).to_be_visible(timeout=90_000)
    page.get_by_label(en("auth.name"), exact=True).fill(name)
    page.get_by_label(en("auth.password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=en("auth.submit")).click()
    expect(page.get_by_text(f"{name} · ").first).to_be_visible(timeout=60_000)


def test_a_viewer_sees_no_start_button_and_an_analyst_starts_the_debate(team_home: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with _streamlit(tmp_path, {"TRIBUNAL_AUTH": "local"}) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(30_000)
            page.goto(f"{url}/debate?incident={team_home}")
            page.screenshot(path=ARTIFACTS / "40-sign-in.png")
            _sign_in(page, url, "vera")
            expect(page.get_by_text("vera · viewer").first).to_be_visible()
            expect(page.get_by_text("may only read").first).to_be_visible(timeout=60_000)  # the page, not the form
            expect(page.get_by_role("button", name=en("debate.start"))).to_have_count(0)
            page.wait_for_timeout(500)
            page.screenshot(path=ARTIFACTS / "41-viewer-debate.png")

            page.get_by_role("button", name=en("auth.sign_out")).click()
            _sign_in(page, url, "ann")
            start = page.get_by_role("button", name=en("debate.start"))
            expect(start).to_be_visible()
            start.click()
            expect(page.get_by_role("button", name=en("debate.to_report"))).to_be_visible(timeout=120_000)
            page.screenshot(path=ARTIFACTS / "42-analyst-debate.png")
        finally:
            browser.close()

    from core import audit
    from core.store import Store

    store = Store(tmp_path / "home" / "tribunal.duckdb")  # the server has stopped: the file is free
    rows = [(e.actor, e.action) for e in reversed(audit.list_events(store)) if e.actor in ("vera", "ann")]
    assert rows == [("vera", "auth.sign_in"), ("vera", "auth.sign_out"), ("ann", "auth.sign_in"),
                    ("ann", "debate.started"), ("ann", "debate.ruling")]
