"""N dashboard sessions at once: each loads the demo and watches the offline debate to its ruling.

Default: one `streamlit run` server on 127.0.0.1 per N (fresh data directory), and N headless sessions
speaking Streamlit's websocket protocol (`bench/_ws_session.py`: button triggers, page switches and the
fragment auto-rerun timers the server asks for, as the browser does; Chromium is not installed here).
With N ≥ 3 the first session goes to History two seconds into its debate and comes back.

Per N: rulings shown (the report button reached the session), time from Start to the first bubble and
to the ruling (median / max), demo load time, server CPU (cores) and RSS (now / peak), tracebacks in the
server log. N=1 is the baseline of the same run.

`--apptest`: the same with AppTest sessions in one process (page runs take turns; a poll is a full page
run), plus what one refresh of a finished debate costs, whole reread against the session's watch.

usage: python bench/bench_concurrency.py [--sessions 1,3,6] [--budget 270] [--apptest] [--root DIR] [--dump-stacks-at S]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REFRESH_S = 1.0  # the debate page's fragment refresh interval
PAGE_LOCK = threading.Lock()


def _rss_mib() -> tuple[float, float]:
    status = Path("/proc/self/status").read_text()
    get = {line.split(":")[0]: line.split()[1] for line in status.splitlines() if line.startswith(("VmRSS", "VmHWM"))}
    return int(get["VmRSS"]) / 1024, int(get["VmHWM"]) / 1024


def _session(out: dict[str, object], deadline: float) -> None:
    from streamlit.testing.v1 import AppTest

    def run(at: AppTest) -> AppTest:
        with PAGE_LOCK:
            return at.run()

    def page(at: AppTest) -> str:
        return "".join(str(m.value) for m in at.markdown)

    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=240)
    run(at)
    t0 = time.monotonic()
    at.button(key="w.intake.demo").click()
    run(at)
    out["demo_s"] = time.monotonic() - t0
    out["exceptions"] = [e.value for e in at.exception]  # the demo load's, kept apart from the debate page's
    if at.exception or "tribunal.incident_id" not in at.session_state:
        return
    at.switch_page("../pages/debate.py")
    run(at)
    start = time.monotonic()
    at.button(key="w.debate.start").click()
    run(at)
    while time.monotonic() < deadline:
        html = page(at)
        if "first_bubble_s" not in out and 'class="tb-chip' in html:
            out["first_bubble_s"] = time.monotonic() - start
        if 'class="tb-verdict"' in html and any(b.key == "w.debate.to_report" for b in at.button):
            out["ruling_s"] = time.monotonic() - start
            break
        time.sleep(REFRESH_S)
        run(at)
    out["exceptions"] = [e.value for e in at.exception] + list(out["exceptions"])  # type: ignore[call-overload]
    out["incident"] = at.session_state["tribunal.incident_id"]


def _refresh_cost(incident_id: str) -> dict[str, float]:
    from app.debate_session import DebateWatch, snapshot
    from app.resources import registry, settings, store

    cfg = settings()
    st_, reg, watch = store(cfg), registry(cfg), DebateWatch(incident_id)
    snapshot(st_, reg, incident_id, watch)

    def median_ms(fn: object) -> float:
        times = []
        for _ in range(20):
            t = time.perf_counter()
            fn()  # type: ignore[operator]
            times.append((time.perf_counter() - t) * 1000)
        return statistics.median(times)

    return {"whole_ms": median_ms(lambda: snapshot(st_, reg, incident_id)),
            "watch_ms": median_ms(lambda: snapshot(st_, reg, incident_id, watch))}


def worker(n: int, budget_s: float) -> dict[str, object]:
    """Run N sessions in this process; returns the figures (printed as JSON by the child)."""
    import logging

    logging.disable(logging.WARNING)
    deadline = time.monotonic() + budget_s
    cpu0, wall0 = os.times(), time.monotonic()
    results: list[dict[str, object]] = [{} for _ in range(n)]
    threads = [threading.Thread(target=_session, args=(results[i], deadline), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(deadline - time.monotonic(), 0) + 5)
    cpu1, wall = os.times(), time.monotonic() - wall0
    rss, peak = _rss_mib()
    done = [r for r in results if "incident" in r]
    return {"n": n, "results": results, "wall_s": wall,
            "cpu_cores": ((cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)) / wall,
            "rss_mib": rss, "peak_mib": peak, **(_refresh_cost(str(done[0]["incident"])) if done else {})}


def _proc(pid: int) -> tuple[float, float, float]:
    """CPU seconds, RSS and peak RSS (MiB) of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    status = Path(f"/proc/{pid}/status").read_text()
    get = {line.split(":")[0]: line.split()[1] for line in status.splitlines() if line.startswith(("VmRSS", "VmHWM"))}
    return cpu, int(get["VmRSS"]) / 1024, int(get["VmHWM"]) / 1024


def server_round(n: int, budget_s: float, app_root: Path, port: int, dump_at_s: float = 0) -> dict[str, object]:
    """Start a server, drive N websocket sessions at once, return the figures."""
    import asyncio
    import socket

    sys.path.insert(0, str(ROOT / "bench"))
    from _ws_session import WsSession

    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "TRIBUNAL_HOME": home, "LLM_API_KEY_ENV": "BENCH_NO_KEY", "PYTHONPATH": str(app_root)}
        for name in ("LLM_API_KEY", "LLM_BASE_URL", "LLM_MODEL", "NEO4J_URI"):
            env.pop(name, None)
        log_path = Path(home) / "server.log"
        with open(log_path, "w", encoding="utf-8") as log_file:
            # SIGUSR1 dumps every thread's stack into the server log (a stalled session's page run shows
            # where it waits).
            boot = ("import faulthandler, signal, sys; faulthandler.register(signal.SIGUSR1, all_threads=True); "
                    "from streamlit.web.cli import main; sys.argv = ['streamlit'] + sys.argv[1:]; main()")
            server = subprocess.Popen(
                [sys.executable, "-c", boot, "run", "app/main.py", "--server.port", str(port),
                 "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                env=env, cwd=app_root, stdout=log_file, stderr=subprocess.STDOUT)
        try:
            ready = time.monotonic() + 60
            while time.monotonic() < ready:
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.3)
            cpu0, wall0 = _proc(server.pid)[0], time.monotonic()
            results: list[dict[str, object]] = [{} for _ in range(n)]
            deadline = time.monotonic() + budget_s

            async def one(i: int) -> None:
                try:
                    await asyncio.wait_for(WsSession(port, results[i]).drive(deadline, detour=(n >= 3 and i == 0)),
                                           budget_s + 30)
                except Exception as exc:  # noqa: BLE001 - a session that fails is counted, not fatal
                    results[i]["error"] = f"{type(exc).__name__}: {exc}"[:200]

            async def everyone() -> None:
                await asyncio.gather(*(one(i) for i in range(n)))

            if dump_at_s:
                import signal
                threading.Timer(dump_at_s, server.send_signal, args=(signal.SIGUSR1,)).start()
            asyncio.run(everyone())
            cpu1, rss, peak = _proc(server.pid)
            wall = time.monotonic() - wall0
        finally:
            server.terminate()
            server.wait(20)
        server_log = log_path.read_text(encoding="utf-8", errors="replace")
        # A session closing its socket at the end logs a disconnect traceback; only the others count.
        blocks = server_log.split("Traceback (most recent call last)")[1:]
        tracebacks = sum(1 for b in blocks if "websocket" not in b[:3000].lower())
        kept = Path(tempfile.gettempdir()) / f"bench_concurrency_server_n{n}.log"
        kept.write_text(server_log, encoding="utf-8")  # for the tracebacks and the debates' own timings
    return {"n": n, "results": results, "cpu_cores": (cpu1 - cpu0) / wall, "rss_mib": rss, "peak_mib": peak,
            "tracebacks": tracebacks}


def _fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} / {max(values):.1f} s" if values else "none"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,3,6")
    parser.add_argument("--budget", type=float, default=270.0, help="seconds for all N together (bounded)")
    parser.add_argument("--apptest", action="store_true", help="AppTest sessions in one process instead of a server")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose app is served (e.g. an older one)")
    parser.add_argument("--port", type=int, default=8591)
    parser.add_argument("--dump-stacks-at", type=float, default=0, help="seconds in: dump the server's thread stacks")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.budget), default=str))
        return
    ns = [int(x) for x in args.sessions.split(",")]
    share = {n: args.budget * (n + 2) / sum(m + 2 for m in ns) for n in ns}  # more sessions, more time
    rows, base = [], None
    for n in ns:
        if args.apptest:
            fig = _apptest_round(n, share[n])
        else:
            fig = server_round(n, share[n] - 20, args.root.resolve(), args.port, args.dump_stacks_at)
        if fig is None:
            continue
        res = fig["results"]
        demo = [r["demo_s"] for r in res if "demo_s" in r]
        first = [r["first_bubble_s"] for r in res if "first_bubble_s" in r]
        ruling = [r["ruling_s"] for r in res if "ruling_s" in r]
        errors = sum(len(r.get("exceptions", [])) + ("error" in r) for r in res) + int(fig.get("tracebacks", 0))
        base = base or (statistics.median(ruling) if ruling else None)
        ratio = f"×{statistics.median(ruling) / base:.1f}" if base and ruling else "–"
        refresh = (f"{fig['whole_ms']:.1f} → {fig['watch_ms']:.2f} ms" if "whole_ms" in fig else "–")
        rows.append(f"| {n} | {len(ruling)}/{n} | {_fmt(first)} | {_fmt(ruling)} | {_fmt(demo)} | {errors} | "
                    f"{fig['cpu_cores']:.2f} | {fig['rss_mib']:.0f} (peak {fig['peak_mib']:.0f}) MiB | {refresh} | "
                    f"{ratio} |")
        for r in res:
            print(f"N={n}: " + json.dumps({k: v for k, v in r.items() if k != "exceptions"}, default=str),
                  file=sys.stderr)
            if "error" in r or r.get("exceptions"):
                print(f"N={n}: {r.get('error') or r.get('exceptions')}", file=sys.stderr)
    print("| N | rulings shown | first bubble median / max | ruling median / max | demo load median / max | "
          "exceptions + tracebacks | server CPU (cores) | server RSS | one refresh, finished debate: whole → watch | "
          "ruling median vs N=1 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


def _apptest_round(n: int, share: float) -> dict[str, object] | None:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "TRIBUNAL_HOME": home, "LLM_API_KEY_ENV": "BENCH_NO_KEY", "PYTHONPATH": str(ROOT)}
        for name in ("LLM_API_KEY", "LLM_BASE_URL", "LLM_MODEL", "NEO4J_URI"):
            env.pop(name, None)
        child = subprocess.run([sys.executable, __file__, "--worker", str(n), "--budget", str(share - 15)],
                               check=False, env=env, capture_output=True, text=True, timeout=share + 60, cwd=ROOT)
    if child.returncode != 0:
        print(f"N={n}: worker failed\n{child.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(child.stdout.strip().splitlines()[-1])

if __name__ == "__main__":
    main()
