"""Benchmark log ingest end to end: file → log_lines + exceptions with frames + templates in DuckDB.

Each measured run is its own process (so its peak RSS is its own, tracemalloc off) and goes
through the pipeline's own entry point (`core.pipeline._ingest_log`) into a fresh DuckDB file.
Every round ingests the big log (default 1 GiB) and a small one (default 50 MiB); the small one is
also ingested by the baseline, the previous per-line implementation: `core/ingest/logs.py` as of
BASELINE_COMMIT, loaded from Git, followed by that commit's template step (all messages read back
into Python lists, mined, and written with an UPDATE). The speedup on the small log is printed in
the same run. Logs come from bench/gen_app_log.py and are kept in bench/out/ for the next run.

DuckDB's memory_limit is set for each run (256MB by default; the dashboard's Store takes
TRIBUNAL_DUCKDB_MEMORY, 1GB by default). With DuckDB's own default (80% of RAM, `--duckdb-memory
default`) its buffer cache keeps the blocks just written, so RSS then grows with the file (about
+400 MB for 1 GiB) though none of it is needed.

usage: python bench/bench_ingest.py [--size 1G] [--small 50M] [--rounds 2] [--skip-baseline]
                                    [--duckdb-memory 256MB]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import pathlib
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

# Imported after the sys.path set-up above: the script runs as `python bench/<name>.py`.
import gen_app_log  # noqa: E402

# The last commit with the per-line implementation (regex loop, pandas batches, templates by UPDATE).
BASELINE_COMMIT = "659607c"
START = datetime(2026, 11, 20, 14, 0, tzinfo=timezone(timedelta(hours=8)))


def _log_file(size_text: str) -> pathlib.Path:
    size = gen_app_log.parse_size(size_text)
    path = gen_app_log.OUT / f"app-{size_text}.log"
    # The generator stops at the last whole entry below the size; a file within 1 MiB of it is ours.
    if not path.exists() or not size - (1 << 20) <= path.stat().st_size <= size:
        print(f"generating {path.name} ...", flush=True)
        started = time.perf_counter()
        gen_app_log.generate(path, size)
        print(f"  {path.stat().st_size / 1e6:,.0f} MB in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def _baseline_module() -> object:
    """The old logs.py from Git, imported under its own name (it still runs against today's core)."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BASELINE_COMMIT}:core/ingest/logs.py"],
        check=True, capture_output=True, text=True,
    ).stdout
    target = pathlib.Path(tempfile.mkdtemp()) / "baseline_logs.py"
    target.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("baseline_logs", target)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["baseline_logs"] = module
    spec.loader.exec_module(module)
    return module


def _baseline_ingest(store, incident, path: pathlib.Path) -> None:  # type: ignore[no-untyped-def]
    """The old pipeline step: per-line parse, then templates mined from lists and set with an UPDATE."""
    import pandas as pd

    from core.ingest.logs.templates import TemplateMiner

    old = _baseline_module()
    result = old.ingest_log_file(store, incident, path, display_name="app.log")  # type: ignore[attr-defined]
    rows = store.query_df("SELECT line_no, coalesce(message, '') AS message FROM log_lines WHERE asset_id = ? "
                          "ORDER BY line_no", [result.asset.id])
    line_nos, messages = rows["line_no"].tolist(), rows["message"].tolist()
    mined = TemplateMiner().mine(messages)
    assignment = pd.DataFrame({"line_no": line_nos, "template_id": [str(t) for t in mined.template_ids]})
    table = pd.DataFrame({
        "incident_id": incident.id, "asset_id": result.asset.id, "template_id": list(mined.templates),
        "template": list(mined.templates.values()), "count": [mined.counts.get(k, 0) for k in mined.templates],
    })
    with store.transaction() as cur:
        cur.register("_assign", assignment)
        cur.execute(
            "UPDATE log_lines SET template_id = a.template_id FROM _assign a "
            "WHERE log_lines.asset_id = ? AND log_lines.line_no = a.line_no",
            [result.asset.id],
        )
        cur.unregister("_assign")
        store.insert_frame(cur, "log_templates", table)


def run_one(path: pathlib.Path, implementation: str, duckdb_memory: str) -> dict[str, object]:
    """Ingest `path` into a fresh DuckDB file in this process and measure it."""
    from core.pipeline import _ingest_log
    from core.schema import IncidentDraft
    from core.store import Store

    with tempfile.TemporaryDirectory(dir=HERE / "out") as tmp:
        store = Store(pathlib.Path(tmp) / "bench.duckdb",
                      memory_limit=None if duckdb_memory == "default" else duckdb_memory)
        incident = store.create_incident(IncidentDraft(title="bench", severity="high", started_at=START,
                                                       service="shop"))
        started = time.perf_counter()
        if implementation == "baseline":
            _baseline_ingest(store, incident, path)
        else:
            asset = _ingest_log(store, incident, path, "app.log", lambda message, fraction: None)
            if asset.status == "error":
                raise SystemExit(f"ingest failed: {asset.message}")
        seconds = time.perf_counter() - started
        counts = store.query_df(
            "SELECT (SELECT count(*) FROM log_lines) AS entries, "
            "(SELECT count(template_id) FROM log_lines) AS templated, "
            "(SELECT count(*) FROM log_templates) AS templates, (SELECT count(*) FROM exceptions) AS exceptions, "
            "(SELECT count(*) FROM frames) AS frames"
        ).iloc[0]
        store.close()
    with path.open("rb") as fh:
        lines = sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 24), b""))
    return {
        "implementation": implementation, "file": path.name, "mb": path.stat().st_size / 1e6, "lines": lines,
        "seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **{k: int(v) for k, v in counts.items()},
    }


def _measure(path: pathlib.Path, implementation: str, duckdb_memory: str) -> dict[str, object]:
    """Run one measurement in a child process (a fresh interpreter: its own peak RSS)."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path), implementation, duckdb_memory],
        check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _row(r: dict[str, object]) -> str:
    mb, seconds, lines = float(r["mb"]), float(r["seconds"]), int(r["lines"])  # type: ignore[arg-type]
    return (
        f"  {r['implementation']:<9} {r['file']:<14} {lines:>11,} lines {mb:>8,.0f} MB {seconds:>7.1f} s "
        f"{lines / seconds:>10,.0f} lines/s {mb / seconds:>6.1f} MB/s  peak RSS {float(r['peak_rss_mb']):>6,.0f} MB  "  # type: ignore[arg-type]
        f"| {r['entries']:,} entries, {r['templated']:,} templated, {r['templates']} templates, "
        f"{r['exceptions']:,} exceptions, {r['frames']:,} frames"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="1G", help="big log size (default 1G = 1 GiB)")
    ap.add_argument("--small", default="50M", help="small log size, also run by the baseline (default 50M)")
    ap.add_argument("--rounds", type=int, default=2, help="measure everything this many times (default 2)")
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--duckdb-memory", default="256MB",
                    help="DuckDB memory_limit for the run, or 'default' (the Store sets none: 80%% of RAM)")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(run_one(pathlib.Path(args.child[0]), args.child[1], args.child[2])))
        return 0

    big, small = _log_file(args.size), _log_file(args.small)
    print(f"DuckDB memory_limit: {args.duckdb_memory}; each run is a fresh process, tracemalloc off", flush=True)
    for round_no in range(1, args.rounds + 1):
        print(f"round {round_no}:", flush=True)
        results = {}
        plan = [(big, "new"), (small, "new")] + ([] if args.skip_baseline else [(small, "baseline")])
        for path, implementation in plan:
            results[(path, implementation)] = r = _measure(path, implementation, args.duckdb_memory)
            print(_row(r), flush=True)
        if not args.skip_baseline:
            old, new = results[(small, "baseline")], results[(small, "new")]
            ratio = float(old["seconds"]) / float(new["seconds"])  # type: ignore[arg-type]
            print(f"  speedup on {small.name}: {ratio:.1f}x (baseline {float(old['seconds']):.1f} s, "  # type: ignore[arg-type]
                  f"new {float(new['seconds']):.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
