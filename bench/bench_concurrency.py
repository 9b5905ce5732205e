"""N dashboard sessions at once: each loads the demo and watches the offline debate to its ruling.

Without Chromium on the machine the sessions are Streamlit AppTest sessions, all in one process (the
"server"): every session has its own session state and polls its page once per refresh interval, the
debates run in the process's background threads, and the case library takes every ruling. AppTest
swaps a process-wide runtime while a page runs, so page runs take turns (one lock), as on one core;
a poll is a full page run, heavier than the browser's fragment-only refresh.

Per N (a fresh process each): demo loads, rulings shown (ruling banner and report button), time from
Start to the first bubble and to the ruling (median / max), tracebacks on the pages, server CPU and RSS;
then what one refresh costs on a finished debate, whole reread (the old page) against the session's
incremental watch. N=1 is the baseline of the same run.

usage: python bench/bench_concurrency.py [--sessions 1,3,6] [--budget 270]
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
    return {"n": n, "results": results, "wall_s": wall, "cpu_cores": ((cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)) / wall,
            "rss_mib": rss, "peak_mib": peak, **(_refresh_cost(str(done[0]["incident"])) if done else {})}


def _fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} / {max(values):.1f} s" if values else "none"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,3,6")
    parser.add_argument("--budget", type=float, default=270.0, help="seconds for all N together (bounded)")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.budget), default=str))
        return
    ns = [int(x) for x in args.sessions.split(",")]
    share = {n: args.budget * (n + 2) / sum(m + 2 for m in ns) for n in ns}  # more sessions, more time
    rows, base = [], None
    for n in ns:
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "TRIBUNAL_HOME": home, "LLM_API_KEY_ENV": "BENCH_NO_KEY", "PYTHONPATH": str(ROOT)}
            for name in ("LLM_API_KEY", "LLM_BASE_URL", "LLM_MODEL", "NEO4J_URI"):
                env.pop(name, None)
            child = subprocess.run([sys.executable, __file__, "--worker", str(n), "--budget", str(share[n] - 15)],
                                   check=False, env=env, capture_output=True, text=True, timeout=share[n] + 60,
                                   cwd=ROOT)
        if child.returncode != 0:
            print(f"N={n}: worker failed\n{child.stderr[-2000:]}")
            continue
        fig = json.loads(child.stdout.strip().splitlines()[-1])
        res = fig["results"]
        demo = [r["demo_s"] for r in res if "demo_s" in r]
        first = [r["first_bubble_s"] for r in res if "first_bubble_s" in r]
        ruling = [r["ruling_s"] for r in res if "ruling_s" in r]
        errors = sum(len(r.get("exceptions", [])) for r in res)
        base = base or (statistics.median(ruling) if ruling else None)
        ratio = f"×{statistics.median(ruling) / base:.1f}" if base and ruling else "–"
        row = (f"| {n} | {len(ruling)}/{n} | {_fmt(first)} | {_fmt(ruling)} | {_fmt(demo)} | {errors} | "
               f"{fig['cpu_cores']:.2f} | {fig['rss_mib']:.0f} (peak {fig['peak_mib']:.0f}) MiB | "
               f"{fig.get('whole_ms', 0):.1f} → {fig.get('watch_ms', 0):.2f} ms | {ratio} |")
        rows.append(row)
    print("| N | rulings shown | first bubble median / max | ruling median / max | demo load median / max | "
          "page exceptions | server CPU (cores) | server RSS | one refresh, finished debate: whole reread → watch | "
          "ruling median vs N=1 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
