"""Headless Chromium on a real `streamlit run` with local sign-in (TRIBUNAL_AUTH=local): an approver signs in, signs a
high-risk ruling off on the report page, and downloads the PDF post-mortem. The PDF's text holds the root cause, in
Chinese, with the review state; its first page is rendered to PNG in tests/artifacts/ for a human to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pypdfium2
import pytest

from core.i18n import CATALOG
from tests.conftest import build_mini_bundle
from tests.ui.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _streamlit

APPROVER, PASSWORD = "apollo", "correct horse battery staple"


def zh(key: str, **fmt: object) -> str:
    return CATALOG[key].zh.format(**fmt)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def judged_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The server's data directory, prepared beforehand: a zh incident with a ruling, and an approver account."""
    from core import accounts
    from core.auth import cli_principal
    from core.bundle import load_bundle
    from core.config import load_settings
    from core.pipeline import fuse, ingest_bundle, open_incident, run_debate
    from core.store import Store

    monkeypatch.setenv("TRIBUNAL_HOME", str(tmp_path / "home"))  # the home _streamlit gives the server
    monkeypatch.setenv("LLM_API_KEY_ENV", "TRIBUNAL_UI_TEST_NO_KEY")
    root = build_mini_bundle(tmp_path / "bundle").root
    yaml = root / "incident.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("language: en", "language: zh"), encoding="utf-8")
    settings = load_settings()
    store = Store(settings.db_path)  # closed before the server opens the file
    try:
        bundle = load_bundle(root)
        incident = open_incident(store, bundle.draft)
        ingest_bundle(store, settings, incident, bundle)
        fuse(store, settings, incident.id)
        list(run_debate(store, settings, incident.id))
        root_cause = store.get_judgment(store.latest_debate(incident.id).id).root_cause  # type: ignore[union-attr]
        accounts.add_user(store, APPROVER, "approver", PASSWORD, actor=cli_principal())
    finally:
        store.close()
    return incident.id, root_cause


def test_approver_signs_in_signs_off_and_downloads_the_pdf(judged_home: tuple[str, str], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    incident_id, root_cause = judged_home
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with _streamlit(tmp_path, {"TRIBUNAL_AUTH": "local"}) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1400}, accept_downloads=True)
            page.set_default_timeout(30_000)
            page.goto(f"{url}/report?incident={incident_id}&lang=zh")
            expect(page.get_by_text(zh("auth.title")).first).to_be_visible(timeout=90_000)
            page.get_by_label(zh("auth.name")).fill(APPROVER)
            page.get_by_label(zh("auth.password")).fill(PASSWORD)
            page.get_by_role("button", name=zh("auth.submit")).click()

            expect(page.get_by_text(zh("review.title")).first).to_be_visible(timeout=60_000)
            expect(page.get_by_text(zh("review.state.draft")).first).to_be_visible()
            page.get_by_role("button", name=zh("review.btn.approve"), exact=True).click()
            expect(page.get_by_text(zh("review.what.approve")).first).to_be_visible()
            expect(page.get_by_text(zh("review.state.final")).first).to_be_visible()
            # a final ruling takes no more decisions: the buttons go once the rerun settles
            approve = page.get_by_role("button", name=zh("review.btn.approve"), exact=True)
            expect(approve).to_have_count(0, timeout=30_000)
            page.wait_for_timeout(500)
            page.screenshot(path=ARTIFACTS / "20-report-review-zh.png")

            button = page.get_by_role("button", name=zh("report.dl_pdf"))
            button.scroll_into_view_if_needed()
            with page.expect_download(timeout=90_000) as download:
                button.click()
            pdf_path = ARTIFACTS / "21-postmortem-zh.pdf"
            download.value.save_as(pdf_path)
            assert download.value.suggested_filename == f"{incident_id}-postmortem-zh.pdf"
        finally:
            browser.close()

    from core import audit
    from core.config import load_settings
    from core.store import Store

    store = Store(load_settings().db_path)  # the server has stopped: the file is free again
    try:
        exports = audit.list_events(store, action=audit.Action.EXPORT, incident_id=incident_id)
        reviews = audit.list_events(store, action=audit.Action.REVIEW, incident_id=incident_id)
    finally:
        store.close()
    assert [(e.actor, e.detail["format"], e.detail["review_state"]) for e in exports] == [(APPROVER, "pdf", "final")]
    assert [(e.actor, e.detail["decision"]) for e in reviews] == [(APPROVER, "approve")]

    text = "".join(p.extract_text() for p in pypdf.PdfReader(pdf_path).pages)
    assert _squash(root_cause)[:40] in _squash(text)  # the ruling's root cause, as the store holds it
    for words in ("事后复盘", "下单失败", "根因", "证据链", "后续行动", "已定稿"):
        assert words in text, words
    assert APPROVER in text  # who signed it off
    pdf = pypdfium2.PdfDocument(pdf_path)
    try:
        pdf[0].render(scale=1.5).to_pil().save(ARTIFACTS / "21-postmortem-zh-page1.png")
    finally:
        pdf.close()
    assert (ARTIFACTS / "21-postmortem-zh-page1.png").stat().st_size > 20_000  # a page with text, not a blank one
