"""Headless Chromium clicks through the demo on a real `streamlit run`: load demo → debate → report.

Screenshots land in tests/artifacts/ (git-ignored) for a human to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.support import ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on {url} within {timeout_s:.0f}s")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is absent; install Debian's chromium package to run the browser test"
        print(reason)
        pytest.skip(reason)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "NEO4J_"))}
    env.update(TRIBUNAL_HOME=str(tmp_path / "home"), LLM_API_KEY_ENV="TRIBUNAL_UI_TEST_NO_KEY")
    log = (tmp_path / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, 60)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()
        print((tmp_path / "streamlit.log").read_text(errors="replace")[-3000:])


def test_demo_click_through(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(30_000)
            page.goto(server)
            expect(page.get_by_role("button", name="Load demo incident")).to_be_visible()
            page.screenshot(path=ARTIFACTS / "00-intake.png")
            page.get_by_role("button", name="Load demo incident").click()
            expect(page.get_by_text("Ingested assets")).to_be_visible(timeout=240_000)
            page.locator(".js-plotly-plot .main-svg").first.wait_for()  # Plotly draws after the page settles
            page.wait_for_timeout(500)
            page.screenshot(path=ARTIFACTS / "01-assets.png", full_page=True)

            page.get_by_role("button", name="Go to the debate").click()
            expect(page.get_by_text("The tribunal")).to_be_visible()
            page.screenshot(path=ARTIFACTS / "02-debate-roster.png")
            page.get_by_role("button", name="Start the debate").click()
            expect(page.get_by_text("speaking…").first).to_be_visible(timeout=60_000)
            page.wait_for_timeout(1200)
            page.screenshot(path=ARTIFACTS / "03-debate-live.png")
            # A reload is a new session: the URL carries the incident, the runner still has the debate.
            assert "incident=INC-" in page.url
            page.reload()
            expect(page.locator('div[class*="st-key-bubble-LogAgent-"]').first).to_be_visible()
            expect(page.get_by_role("button", name="Open the report")).to_be_visible(timeout=240_000)
            verdict = page.locator(".tb-verdict").first.inner_text().strip()
            assert verdict, "the debate ends with a ruling"
            page.set_viewport_size({"width": 1440, "height": 4200})
            page.wait_for_timeout(800)
            page.screenshot(path=ARTIFACTS / "04-debate-finished.png")

            page.set_viewport_size({"width": 1440, "height": 2600})
            page.get_by_role("button", name="Open the report").click()
            expect(page.get_by_text("Post-mortem report").first).to_be_visible()
            expect(page.locator(".tb-verdict").first).to_have_text(verdict)
            page.locator(".js-plotly-plot .main-svg").first.wait_for()
            page.wait_for_timeout(500)
            page.screenshot(path=ARTIFACTS / "05-report.png")
            page.locator('div[class*="st-key-chips-chain-1"] button').first.click()
            dialog = page.get_by_role("dialog")
            expect(dialog).to_be_visible()
            expect(dialog.get_by_text("Source of evidence")).to_be_visible()
            page.wait_for_timeout(500)
            page.screenshot(path=ARTIFACTS / "05b-source-dialog.png")
            page.keyboard.press("Escape")
            expect(dialog).to_be_hidden()

            page.get_by_test_id("stSidebarUserContent").get_by_role("radio", name="中文").click()
            expect(page.get_by_text("裁决报告").first).to_be_visible()
            page.wait_for_timeout(1200)
            page.screenshot(path=ARTIFACTS / "06-report-zh.png")
            page.get_by_role("link", name="多智能体辩论").click()
            expect(page.get_by_text("查看裁决报告")).to_be_visible()
            page.set_viewport_size({"width": 1440, "height": 4200})
            page.wait_for_timeout(1000)
            page.screenshot(path=ARTIFACTS / "07-debate-zh.png")
            page.set_viewport_size({"width": 1440, "height": 1000})
            page.get_by_role("link", name="历史事件").click()
            expect(page.get_by_text("重新打开事件")).to_be_visible()
            page.screenshot(path=ARTIFACTS / "08-history-zh.png")
        finally:
            browser.close()
