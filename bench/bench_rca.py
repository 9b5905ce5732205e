"""Root-cause accuracy on incidents the product was not written against, beside a naive baseline.

Runs `python -m core analyze BUNDLE --json` (offline brain, a fresh TRIBUNAL_HOME each) on
- the development corpus: real crash bugs with their real Git history (`../shared/devset/`, built with its
  `d4j_bundles.py`), scored by its own runner against the first-app-frame baseline;
- planted incidents on real open-source codebases (`bench/planted/build.py`), scored on file, method and
  commit, where the right ruling for an incident no change caused names no commit;
and prints, product beside baseline: file and method acc@1/3/5, the hard subset, file+commit on the planted
incidents, the confidence calibration table, and the analysis time of every case (median and max), plus the
demo's verdict time. Targets are printed next to the figures; nothing here is a test.

    .venv/bin/python bench/bench_rca.py [--devset /tmp/devset-bundles] [--planted /tmp/planted-bundles] [--jobs 2]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT.parent / "shared" / "devset"
_FRAME = re.compile(r"^\s*at\s+(?:\S*/)?([\w$.]+)\.([\w$<>]+)\(([^):]+)(?::(\d+))?\)")
_CAL_BINS = ((0.0, 0.3), (0.3, 0.5), (0.5, 0.8), (0.8, 1.01))


def _run_cli(bundle: Path, timeout: float) -> tuple[dict | None, float, str]:
    home = tempfile.mkdtemp(prefix="rca-")
    env = {**os.environ, "TRIBUNAL_HOME": home}
    env.pop("LLM_API_KEY", None)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-m", "core", "analyze", str(bundle), "--json", "--brain", "offline"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)
        took = time.perf_counter() - t0
        if proc.returncode != 0:
            return None, took, (proc.stderr.strip().splitlines() or ["?"])[-1]
        return json.loads(proc.stdout), took, ""
    except (subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        return None, time.perf_counter() - t0, type(exc).__name__
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _ranked_files(result: dict | None) -> list[str]:
    if not result:
        return []
    j = result.get("judgment") or {}
    out: list[str] = []
    loc = j.get("root_cause_location") or {}
    if loc.get("file"):
        out.append(loc["file"])
    for ev in j.get("evidence_chain") or []:
        m = re.match(r"^(?:repo:|blame:)?([\w./$-]+\.(?:java|kt|xml|ya?ml|properties|sql|gradle|kts))",
                     ev.get("source", ""))
        if m and m.group(1) not in out:
            out.append(m.group(1))
    return out


def _baseline_files(bundle: Path) -> list[str]:
    """First appearance of stack frames whose source file exists in the bundle's repository (non-test)."""
    files = subprocess.run(["git", "-C", str(bundle / "repo"), "ls-files"], capture_output=True, text=True,
                           check=False).stdout.split()
    by_suffix: dict[str, str] = {}
    for path in files:
        if "/test/" in path:
            continue
        parts = path.split("/")
        for i in range(len(parts)):
            by_suffix.setdefault("/".join(parts[i:]), path)
    out: list[str] = []
    for log in sorted((bundle / "runtime").glob("*.log")):
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            m = _FRAME.match(line)
            if not m:
                continue
            cls, file_name = m.group(1), m.group(3)
            pkg = cls.split("$")[0].rsplit(".", 1)[0].replace(".", "/")
            path = by_suffix.get(f"{pkg}/{file_name}")
            if path and path not in out:
                out.append(path)
    return out


def _acc(ranked: list[list[str]], gold: list[set[str]], k: int) -> float:
    if not gold:
        return 0.0
    return sum(1 for r, g in zip(ranked, gold, strict=True) if g & set(r[:k])) / len(gold)


def planted(folder: Path, jobs: int, timeout: float) -> list[dict]:
    cases = sorted(p for p in folder.glob("*.expected.json"))
    if not cases:
        print(f"planted: no bundles in {folder}; build them with `python bench/planted/build.py --out {folder}`")
        return []
    work = [(json.loads(p.read_text()), folder / p.name.removesuffix(".expected.json")) for p in cases]
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda w: _run_cli(w[1], timeout), work))
    rows = []
    for (exp, bundle), (result, took, err) in zip(work, results, strict=True):
        j = (result or {}).get("judgment") or {}
        commit = (j.get("suspect_commit") or {}).get("sha")
        files = _ranked_files(result)
        gold = set(exp.get("gold_files") or [])
        file_ok = bool(gold & set(files[:1])) if gold else True  # no file to find: only the commit counts
        commit_ok = (commit == exp.get("gold_commit")) if exp.get("change_guilty") else commit is None
        rows.append({
            "case": exp.get("case", bundle.name), "fault_type": exp.get("fault_type"), "lang": exp.get("language"),
            "in_stack": exp.get("fault_in_stack"), "guilty": exp.get("change_guilty"), "files": files,
            "baseline": _baseline_files(bundle), "gold": gold, "commit_ok": commit_ok, "file_ok": file_ok,
            "confidence": j.get("confidence"), "seconds": took, "error": err,
        })
    print(f"\n== planted incidents: {len(rows)} ==")
    print(f"{'case':28} {'fault':24} {'lang':4} {'stack':5} {'guilty':6} | {'file@1':6} {'commit':6} {'conf':5} "
          f"{'secs':5} | {'base@1':6}")
    for r in rows:
        base_ok = bool(r["gold"] & set(r["baseline"][:1])) if r["gold"] else False
        print(f"{r['case'][:28]:28} {str(r['fault_type'])[:24]:24} {r['lang']!s:4} {str(r['in_stack'])[:5]:5} "
              f"{str(r['guilty'])[:6]:6} | {('yes' if r['file_ok'] else 'no'):6} "
              f"{('yes' if r['commit_ok'] else 'no'):6} {(r['confidence'] or 0):5.2f} {r['seconds']:5.1f} | "
              f"{('yes' if base_ok else 'no'):6}"
              + (f"  error: {r['error'][:60]}" if r["error"] else ""))
    scored = [r for r in rows if r["gold"]]
    ranked, gold = [r["files"] for r in scored], [r["gold"] for r in scored]
    base = [r["baseline"] for r in scored]
    print(f"file acc@1/3/5: product {_acc(ranked, gold, 1):.3f}/{_acc(ranked, gold, 3):.3f}/{_acc(ranked, gold, 5):.3f}"
          f"   first-app-frame baseline {_acc(base, gold, 1):.3f}/{_acc(base, gold, 3):.3f}/{_acc(base, gold, 5):.3f}")
    both = sum(1 for r in rows if r["commit_ok"] and (r["file_ok"] or not r["gold"]))
    hidden = [r for r in rows if r["in_stack"] is False]
    innocent = [r for r in rows if not r["guilty"]]
    print(f"file+commit right: {both}/{len(rows)} = {both / max(len(rows), 1):.0%} (target ≥ 80%); "
          f"fault in no stack: {sum(1 for r in hidden if r['commit_ok'] and r['file_ok'])}/{len(hidden)}; "
          f"no commit convicted where none is guilty: {sum(1 for r in innocent if r['commit_ok'])}/{len(innocent)}")
    return rows


def devset(folder: Path, jobs: int, timeout: float, keep: Path | None = None) -> list[dict]:
    runner = DEVSET / "d4j_run.py"
    if not runner.exists() or not any(folder.glob("*.expected.json")):
        print(f"devset: skipped ({runner} or bundles in {folder} missing; see {DEVSET / 'README.md'})")
        return []
    out = keep or Path(tempfile.mkdtemp(prefix="devset-run-"))
    proc = subprocess.run([sys.executable, str(runner), "--bundles", str(folder), "--python", sys.executable,
                           "--brain", "offline", "--jobs", str(jobs), "--timeout", str(int(timeout)),
                           "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    print("\n== development corpus (real bugs) ==")
    print(proc.stdout.strip())
    rows = []
    for line in (out / "preds.jsonl").read_text().splitlines() if (out / "preds.jsonl").exists() else []:
        pred = json.loads(line)
        name = f"{pred['project']}-{pred['bug_id']}"
        exp = json.loads((folder / f"{name}.expected.json").read_text())
        raw = out / "raw" / f"{name}.json"
        result = json.loads(raw.read_text()) if raw.exists() and raw.stat().st_size else {}
        conf = ((result.get("judgment") or {}).get("confidence")) if isinstance(result, dict) else None
        gold = set(exp["gold_files"])
        rows.append({"case": name, "file_ok": bool(gold & set(pred["ranked_files"][:1])), "confidence": conf,
                     "seconds": pred.get("seconds") or 0.0, "project": pred["project"]})
    if keep is None:
        shutil.rmtree(out, ignore_errors=True)
    return rows


def calibration(rows: list[dict]) -> None:
    print("\n== confidence calibration (file acc@1 by confidence, both sets) ==")
    print(f"{'confidence':12} {'n':>4} {'right':>6} {'share':>6}")
    for lo, hi in _CAL_BINS:
        inside = [r for r in rows if r.get("confidence") is not None and lo <= r["confidence"] < hi]
        right = sum(1 for r in inside if r["file_ok"] and r.get("commit_ok", True))
        share = f"{right / len(inside):.0%}" if inside else "—"
        print(f"[{lo:.1f}, {min(hi, 1.0):.1f}){'':3} {len(inside):>4} {right:>6} {share:>6}"
              + ("   (target ≥ 90%)" if lo >= 0.8 else ""))


def demo_time() -> None:
    sys.path.insert(0, str(ROOT))
    from core.bundle import load_bundle
    from core.config import load_settings
    from core.pipeline import (
        ensure_demo_bundle,
        fuse,
        ingest_bundle,
        open_incident,
        run_debate,
    )
    from core.store import Store

    home = tempfile.mkdtemp(prefix="rca-demo-")
    os.environ["TRIBUNAL_HOME"] = home
    settings = load_settings()
    store = Store(":memory:")
    bundle = load_bundle(ensure_demo_bundle(settings))
    incident = open_incident(store, bundle.draft)
    t0 = time.perf_counter()
    ingest_bundle(store, settings, incident, bundle)
    t1 = time.perf_counter()
    fuse(store, settings, incident.id)
    t2 = time.perf_counter()
    judgment = None
    for event in run_debate(store, settings, incident.id, "offline"):
        if event.type == "judgment":
            judgment = event.judgment  # type: ignore[union-attr]
    t3 = time.perf_counter()
    answer = json.loads((ROOT / "data" / "demo" / "answer_key.json").read_text())
    where = judgment.root_cause_location if judgment else None
    print(f"\n== demo ==\ningest {t1 - t0:.2f} s; verdict (fusion {t2 - t1:.2f} s + debate {t3 - t2:.2f} s) "
          f"{t3 - t1:.2f} s (target < 3 s); ruling {where.file if where else None}:{where.line if where else None} "
          f"commit {(judgment.suspect_commit.sha[:8] if judgment and judgment.suspect_commit else None)}; "
          f"answer key {answer.get('root_cause_file', answer.get('file'))}")
    shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=Path("/tmp/devset-bundles"))
    parser.add_argument("--planted", type=Path, default=Path("/tmp/planted-bundles"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--skip-devset", action="store_true")
    parser.add_argument("--keep", type=Path, default=None, help="keep the corpus runner's raw output here")
    args = parser.parse_args()
    rows = [] if args.skip_devset else devset(args.devset, args.jobs, args.timeout, args.keep)
    rows_p = planted(args.planted, args.jobs, args.timeout)
    calibration(rows + rows_p)
    times = [r["seconds"] for r in rows + rows_p if r.get("seconds")]
    if times:
        print(f"\n== time per incident (CLI wall time, {args.jobs} jobs on {os.cpu_count()} cores) ==\n"
              f"median {statistics.median(times):.1f} s (target ≤ 10 s), max {max(times):.1f} s (target ≤ 60 s), "
              f"n={len(times)}")
    demo_time()


if __name__ == "__main__":
    main()
