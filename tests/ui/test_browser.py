"""Headless Chromium clicks through the demo on a real `streamlit run`: load demo → assets tabs → debate → report
→ compare, and (with a model on the OpenAI-compatible test server) the settings page and an LLM debate.

Screenshots land in tests/artifacts/ (git-ignored) for a human to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.llm_server import LLMServer, Reply, llm_server_fixture  # noqa: F401 - fixture
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


@contextmanager
def _streamlit(tmp_path: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run app/main.py` on a free port with its own data directory; yields its URL."""
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is absent; install Debian's chromium package to run the browser test"
        print(reason)
        pytest.skip(reason)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "NEO4J_", "TRIBUNAL_"))}
    env.update({"TRIBUNAL_HOME": str(tmp_path / "home"), "LLM_API_KEY_ENV": "TRIBUNAL_UI_TEST_NO_KEY",
                **(extra_env or {})})
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


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with _streamlit(tmp_path) as url:
        yield url


def _open_tab(page, name: str, shot: str, height: int) -> None:  # type: ignore[no-untyped-def]
    """Click an assets tab, wait for its charts to draw, and take a screenshot of the whole page."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1440, "height": height})
    tab = page.get_by_role("tab", name=name)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    page.wait_for_timeout(1500)  # the rerun for a lazy tab, then Plotly's first draw
    page.screenshot(path=ARTIFACTS / shot)


def test_demo_click_through(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(30_000)
            page.goto(server)
            # The first run imports the whole pipeline (LanceDB, sqlglot, autogen's deps): allow it a minute.
            expect(page.get_by_role("button", name="Load demo incident")).to_be_visible(timeout=60_000)
            page.screenshot(path=ARTIFACTS / "00-intake.png")
            page.get_by_role("button", name="Load demo incident").click()
            # The audience came for the debate: the demo opens there, ready to start.
            expect(page.get_by_role("button", name="Start the debate")).to_be_visible(timeout=240_000)
            page.screenshot(path=ARTIFACTS / "00a-demo-opens-the-debate.png")
            page.get_by_role("link", name="Assets & evidence").click()
            expect(page.get_by_text("Ingested assets")).to_be_visible()
            page.locator(".js-plotly-plot .main-svg").first.wait_for()  # Plotly draws after the page settles
            page.wait_for_timeout(500)
            page.screenshot(path=ARTIFACTS / "01-assets.png", full_page=True)

            _open_tab(page, "Logs & exceptions", "01a-assets-logs.png", 2300)
            expect(page.get_by_text("Template bursts")).to_be_visible()
            _open_tab(page, "Metrics", "01b-assets-metrics.png", 1700)
            expect(page.get_by_text("Metric evidence")).to_be_visible()
            assert page.locator(".js-plotly-plot").count() == 1
            expect(page.locator(".js-plotly-plot").first).to_contain_text("hikari.pending")
            _open_tab(page, "Traces", "01c-assets-traces.png", 1500)
            expect(page.get_by_text("Critical path: where the time went")).to_be_visible()
            expect(page.locator(".js-plotly-plot").first).to_contain_text("SELECT shop.inventory_item")
            _open_tab(page, "Slow SQL", "01d-assets-sql.png", 1100)
            expect(page.get_by_text("Sample statement")).to_be_visible()
            page.set_viewport_size({"width": 1440, "height": 1000})

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
            page.wait_for_timeout(500)
            page.screenshot(path=ARTIFACTS / "05-report.png")
            # The evidence chain is long: the chart sits far below the fold, and Plotly draws only once in view.
            chart = page.locator(".js-plotly-plot").first
            chart.scroll_into_view_if_needed()
            page.locator(".js-plotly-plot .main-svg").first.wait_for()
            page.wait_for_timeout(500)
            page.screenshot(path=ARTIFACTS / "05a-report-chart.png")
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

            page.get_by_test_id("stSidebarUserContent").get_by_role("radio", name="English").click()
            page.get_by_role("link", name="Compare").click()
            page.get_by_role("button", name="Run the comparison").click()
            expect(page.get_by_text("modes named a root-cause location")).to_be_visible(timeout=60_000)
            page.set_viewport_size({"width": 1440, "height": 1350})
            page.wait_for_timeout(1200)
            page.screenshot(path=ARTIFACTS / "09-compare.png")

            page.get_by_role("link", name="Asset graph").click()
            started = time.monotonic()
            page.locator('[data-testid="stGraphVizChart"] svg').first.wait_for(timeout=60_000)
            drawn_s = time.monotonic() - started
            print(f"graph drawn {drawn_s:.2f} s after the click")
            expect(page.get_by_text("The failure's story")).to_be_visible()
            page.set_viewport_size({"width": 1440, "height": 900})
            page.wait_for_timeout(300)
            page.screenshot(path=ARTIFACTS / "13-graph.png")
            page.set_viewport_size({"width": 1440, "height": 1500})
            page.screenshot(path=ARTIFACTS / "13a-graph-details.png")
            page.get_by_text("Show the neighbourhood").click()
            expect(page.get_by_text("path of")).to_be_visible(timeout=60_000)
            page.wait_for_timeout(800)
            page.screenshot(path=ARTIFACTS / "13b-graph-neighbourhood.png")
            assert drawn_s < 10, drawn_s  # a generous bound: bench figures are printed above, not timed here

            # The whole demo in Chinese at 1440x900: every page, chrome and content in one language.
            page.set_viewport_size({"width": 1440, "height": 900})
            page.get_by_test_id("stSidebarUserContent").get_by_role("radio", name="中文").click()
            for i, (link, ready) in enumerate([("事件录入", "载入演示事件"), ("资产与证据", "已导入资产"),
                                               ("多智能体辩论", "查看裁决报告"), ("裁决报告", "裁决报告"),
                                               ("资产图谱", "故障主线"), ("模式对比", "模式对比"),
                                               ("历史事件", "重新打开事件"), ("模型设置", "模型设置")]):
                page.get_by_role("link", name=link).click()
                expect(page.get_by_text(ready).first).to_be_visible(timeout=60_000)
                page.wait_for_timeout(1200)
                page.screenshot(path=ARTIFACTS / f"20-zh-{i}-{link}.png", full_page=True)
                if i == 0:  # Streamlit's own uploader text, drawn in Chinese by CSS
                    upload = page.get_by_test_id("stFileUploaderDropzone").first.locator("button p")
                    assert upload.evaluate("e => getComputedStyle(e, '::after').content") == '"上传"'
                    assert upload.evaluate("e => getComputedStyle(e).fontSize") == "0px", "the English is hidden"
        finally:
            browser.close()


def test_settings_and_an_llm_debate(tmp_path: Path, llm_server: LLMServer) -> None:
    """With two models on the test server: the routing table, both connection tests, and LLM bubbles."""
    from playwright.sync_api import expect, sync_playwright

    routing = tmp_path / "models.yaml"
    routing.write_text(textwrap.dedent(f"""\
        default: {{base_url: "{llm_server.base_url}", model: glm-5, api_key_env: TRIBUNAL_UI_TEST_KEY}}
        agents:
          critic: {{model: qwen-max, temperature: 0.6}}
        prices:
          glm-5: {{prompt_per_1m: 4.0, completion_per_1m: 16.0, currency: CNY}}
          qwen-max: {{prompt_per_1m: 2.4, completion_per_1m: 9.6, currency: CNY}}
        retries: 0
    """), encoding="utf-8")
    llm_server.script("glm-5", "pong")
    llm_server.script("qwen-max", "pong", Reply(status=503))  # the probe, then the critic's first turn fails
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = {"TRIBUNAL_MODELS": str(routing), "TRIBUNAL_UI_TEST_KEY": "k-" + "b" * 24,
           "LLM_API_KEY_ENV": "TRIBUNAL_UI_TEST_KEY"}
    with _streamlit(tmp_path, env) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1250})
            page.set_default_timeout(30_000)
            page.goto(f"{url}/settings")
            expect(page.get_by_text("Model routing")).to_be_visible(timeout=60_000)
            buttons = page.get_by_role("button", name="Test connection")
            expect(buttons).to_have_count(2)
            for i in range(2):  # one at a time: a click during a running probe would restart the script
                buttons.nth(i).click()
                expect(page.get_by_text("Connected")).to_have_count(i + 1, timeout=30_000)
            assert "b" * 24 not in page.content(), "the key never reaches the browser"
            page.wait_for_timeout(500)
            page.screenshot(path=ARTIFACTS / "10-settings.png")

            page.get_by_role("link", name="Intake").click()
            page.get_by_role("button", name="Load demo incident").click()
            page.get_by_role("button", name="Start the debate").click(timeout=240_000)
            expect(page.get_by_role("button", name="Open the report")).to_be_visible(timeout=240_000)
            expect(page.get_by_text("answered offline").first).to_be_visible()
            page.set_viewport_size({"width": 1440, "height": 2400})
            page.wait_for_timeout(800)
            page.screenshot(path=ARTIFACTS / "11-debate-llm.png")
            page.get_by_role("button", name="Open the report").click()
            expect(page.get_by_text("Model usage")).to_be_visible()
            page.set_viewport_size({"width": 1440, "height": 1900})
            page.wait_for_timeout(800)
            page.screenshot(path=ARTIFACTS / "12-report-llm.png")
        finally:
            browser.close()
