"""N analysts at once in real browsers: intake → debate → report, on one `streamlit run` server on 127.0.0.1.

Per N (a fresh server and data directory each): N headless Chromium pages (Playwright, Debian's
/usr/bin/chromium; one browser, one context — one Streamlit session — per analyst) each upload the demo
incident as a bundle archive (so each has an incident and a debate of their own), open the debate, start it
at the page's default pace, wait for the ruling and the "Open the report" button, and open the report.
With N ≥ 3 the first analyst goes to History once the first bubble is shown and comes back; the second
reloads the page mid-debate. `--shared`: every analyst presses "Load demo incident" instead, so they
share one incident (the first to press Start starts the debate, the others watch it).

Per N it prints: reports reached, rulings and report buttons seen, time from Start to the first bubble
and to the ruling (median / max), bundle load time, server CPU (the page-serving process and the debate
workers apart), peak RSS (page-serving process, and with its workers), tracebacks in the server log.

usage: python bench/bench_concurrent_users.py [--sessions 1,3,6,10] [--budget 300] [--workers N] [--shared]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
TARGETS = "targets: every report reached; first bubble median < 3 s, max < 10 s; ruling median < 60 s; " \
          "no traceback; RSS < 1.5 GB"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _demo_archive(dest: Path) -> Path:
    """The demo incident bundle (with its Git repository) as a .zip, built once in a scratch data directory."""
    from core import pipeline
    from core.config import load_settings

    scratch = dest / "scratch-home"
    root = pipeline.ensure_demo_bundle(load_settings({"TRIBUNAL_HOME": str(scratch)}))
    return Path(shutil.make_archive(str(dest / "demo-bundle"), "zip", root_dir=root))


class ProcessSampler:
    """Samples CPU time and RSS of the server and of its child processes (the debate workers) every 0.5 s."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_server = self.peak_total = 0.0
        self.cpu: dict[int, float] = {}  # pid -> latest CPU seconds seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _stat(pid: int) -> tuple[float, float] | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            rss = int(next(line.split()[1] for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                           if line.startswith("VmRSS")))
        except (OSError, StopIteration):
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), rss / 1024

    def _children(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        except OSError:
            return []
        return [int(x) for x in text.split()]

    def sample(self) -> None:
        server = self._stat(self.pid)
        if server is None:
            return
        self.cpu[self.pid] = server[0]
        total = server[1]
        for child in self._children():
            got = self._stat(child)
            if got is not None:
                self.cpu[child] = got[0]
                total += got[1]
        self.peak_server = max(self.peak_server, server[1])
        self.peak_total = max(self.peak_total, total)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.sample()

    def start(self) -> None:
        self.sample()
        self.base = dict(self.cpu)
        self._thread.start()

    def stop(self) -> tuple[float, float]:
        """CPU seconds used since start: (page-serving process, its workers)."""
        self.sample()
        self._stop.set()
        server = self.cpu.get(self.pid, 0.0) - self.base.get(self.pid, 0.0)
        workers = sum(v - self.base.get(p, 0.0) for p, v in self.cpu.items() if p != self.pid)
        return server, workers


async def _settled(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page's script run has finished (Streamlit's running indicator is gone)."""
    await page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')?.innerText?.includes('Running')")


async def _analyst(browser, url: str, archive: Path | None, i: int, n: int, out: dict, budget_s: float) -> None:  # type: ignore[no-untyped-def]
    from playwright.async_api import expect

    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(budget_s * 1000)
    try:
        await page.goto(url)
        await expect(page.get_by_role("button", name="Load demo incident")).to_be_visible()
        t0 = time.monotonic()
        if archive is None:
            await page.get_by_role("button", name="Load demo incident").click()
            await expect(page.get_by_text("The tribunal").or_(page.get_by_role("button", name="Open the report"))
                         .or_(page.get_by_text("speaking…")).first).to_be_visible()
        else:
            uploader = page.locator('[data-testid="stFileUploader"]', has_text="Bundle archive")
            await uploader.locator("input[type=file]").set_input_files(str(archive))
            ingest = page.get_by_role("button", name="Ingest bundle")
            to_debate = page.get_by_role("button", name="Go to the debate")
            for _ in range(5):  # a click landing while the upload's rerun redraws the button is lost: click again
                await expect(ingest).to_be_enabled()
                await _settled(page)
                await ingest.click()
                try:
                    await expect(page.get_by_text("Extracting and ingesting").or_(to_debate).first).to_be_visible(
                        timeout=15_000)
                    break
                except AssertionError:
                    out["ingest_clicks"] = out.get("ingest_clicks", 1) + 1
            await to_debate.click()
        out["load_s"] = time.monotonic() - t0
        await expect(page.get_by_text("Start the debate").or_(page.get_by_text("Run it again")).first
                     .or_(page.get_by_text("speaking…").first)).to_be_visible()
        start = page.get_by_role("button", name="Start the debate")
        t_start = time.monotonic()
        if await start.count() and await start.is_enabled():
            await start.click()
            out["started"] = True
        bubble = page.locator('div[class*="st-key-bubble-"]').first
        await bubble.wait_for()
        out["first_bubble_s"] = time.monotonic() - t_start
        if n >= 3 and i == 0:  # away to History and back while the debate runs
            await page.get_by_role("link", name="History").click()
            await expect(page.get_by_text("Re-open an incident")).to_be_visible()
            await page.wait_for_timeout(2000)
            await page.get_by_role("link", name="Debate").click()
            out["detour"] = True
        elif n >= 3 and i == 1:  # a reload mid-debate: a new session, re-attached through the URL
            await page.wait_for_timeout(1500)
            await page.reload()
            out["reload"] = True
        report = page.get_by_role("button", name="Open the report")
        await report.wait_for()
        out["ruling_s"] = time.monotonic() - t_start
        if await page.locator(".tb-verdict").count():
            out["verdict"] = True
        await report.click()
        await expect(page.get_by_text("Post-mortem report").first).to_be_visible()
        out["report_s"] = time.monotonic() - t_start
    except Exception as exc:  # noqa: BLE001 - any failure of one analyst is counted in its row, not the round lost
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        shot = Path(tempfile.gettempdir()) / f"bench_users_n{n}_{i}.png"
        try:
            await page.screenshot(path=str(shot), full_page=True)
            out["screenshot"] = str(shot)
        except Exception:  # noqa: BLE001 - the screenshot is a best-effort aid; the error is already recorded
            pass
    finally:
        await context.close()


async def _drive(url: str, archive: Path | None, n: int, budget_s: float) -> list[dict]:
    from playwright.async_api import async_playwright, expect

    expect.set_options(timeout=budget_s * 1000)  # its default is 5 s; a loaded server is slower than that
    results: list[dict] = [{} for _ in range(n)]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            async def bounded(i: int) -> None:  # each analyst has `budget_s` in all; one who runs out is counted
                try:
                    await asyncio.wait_for(_analyst(browser, url, archive, i, n, results[i], budget_s), budget_s)
                except TimeoutError:
                    results[i].setdefault("error", f"not at the report within {budget_s:.0f} s")

            await asyncio.gather(*(bounded(i) for i in range(n)))
        finally:
            await browser.close()
    return results


def one_round(n: int, budget_s: float, archive: Path | None, workers: int | None) -> dict:
    with tempfile.TemporaryDirectory() as home:
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "NEO4J_", "TRIBUNAL_"))}
        env.update({"TRIBUNAL_HOME": home, "LLM_API_KEY_ENV": "BENCH_NO_KEY"})
        if workers is not None:
            env["TRIBUNAL_WORKERS"] = str(workers)
        log_path = Path(home) / "server.log"
        with open(log_path, "wb") as log_file:
            server = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.address", "127.0.0.1",
                 "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
                 "--server.fileWatcherType", "none", "--server.maxUploadSize", "400"],
                cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                        if resp.status == 200:
                            break
                except OSError:
                    time.sleep(0.3)
            sampler = ProcessSampler(server.pid)
            sampler.start()
            wall0 = time.monotonic()
            results = asyncio.run(_drive(url, archive, n, budget_s))
            wall = time.monotonic() - wall0
            server_cpu, worker_cpu = sampler.stop()
        finally:
            server.terminate()
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
        text = log_path.read_text(encoding="utf-8", errors="replace")
        kept = Path(tempfile.gettempdir()) / f"bench_concurrent_users_n{n}.log"
        kept.write_text(text, encoding="utf-8")
    # A browser closing its socket can log a websocket traceback at the end; only the others count.
    blocks = text.split("Traceback (most recent call last)")[1:]
    tracebacks = sum(1 for b in blocks if "websocket" not in b[:3000].lower())
    return {"n": n, "results": results, "wall_s": wall, "server_cores": server_cpu / wall,
            "worker_cores": worker_cpu / wall, "peak_server_mib": sampler.peak_server,
            "peak_total_mib": sampler.peak_total, "tracebacks": tracebacks, "log": str(kept)}


def _fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} / {max(values):.1f} s" if values else "none"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,3,6,10")
    parser.add_argument("--budget", type=float, default=420.0, help="seconds each analyst may take, per N")
    parser.add_argument("--workers", type=int, default=None, help="TRIBUNAL_WORKERS for the server (default: app's)")
    parser.add_argument("--shared", action="store_true", help="everyone loads the demo: one shared incident")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is absent: install Debian's chromium package")
    with tempfile.TemporaryDirectory() as scratch:
        archive = None if args.shared else _demo_archive(Path(scratch))
        rows = []
        for n in (int(x) for x in args.sessions.split(",")):
            fig = one_round(n, args.budget, archive, args.workers)
            res = fig["results"]
            for r in res:
                print(f"N={n}: {json.dumps(r)}", file=sys.stderr)
            reports = sum("report_s" in r for r in res)
            rulings = sum("ruling_s" in r for r in res)
            first = [r["first_bubble_s"] for r in res if "first_bubble_s" in r]
            ruling = [r["ruling_s"] for r in res if "ruling_s" in r]
            load = [r["load_s"] for r in res if "load_s" in r]
            row = (f"| {n} | {reports}/{n} | {rulings}/{n} | {_fmt(first)} | {_fmt(ruling)} | {_fmt(load)} | "
                   f"{fig['server_cores']:.2f} + {fig['worker_cores']:.2f} | {fig['peak_server_mib']:.0f} / "
                   f"{fig['peak_total_mib']:.0f} MiB | {fig['tracebacks']} |")
            rows.append(row)
            print(f"N={n}: server log kept at {fig['log']}\n{row}", file=sys.stderr, flush=True)
    print(TARGETS)
    print("| N | reports reached | rulings + report buttons | first bubble median / max | ruling median / max | "
          "bundle load median / max | CPU cores: page server + debate workers | peak RSS: page server / with workers "
          "| tracebacks |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
