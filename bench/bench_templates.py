"""Benchmark the template miner against drain3 0.9.11: Loghub-2k accuracy and large-input speed.

drain3 runs with the published per-system Drain settings (header format, masking regexes,
similarity threshold, depth) from drain_settings.json; the miner runs with none: it detects the
header and the variables itself.

Holdout discipline: the miner's rules were developed on HDFS, Hadoop, BGL and OpenSSH (dev).
Spark, Zookeeper, HPC and Apache (holdout) were scored once before any change informed by them:
GA 0.923, 0.991, 0.919, 1.000 (each >= drain3). Later changes were generic fixes prompted by
holdout errors (first word names the event, size units, ids varying only in digits), so the
holdout is no longer blind; the Loghub systems not shipped here are. Synthetic Logback (with
stack traces), JSON, nginx and syslog logs with their own ground truth are a further check.

usage: python bench/bench_templates.py [--data DIR] [--lines 2400000] [--repeats 5]
                                       [--drain-repeats 1] [--skip-speed]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import pathlib
import re
import statistics
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import gen_big_log
import numpy as np
from drain3 import TemplateMiner as Drain3Miner
from drain3.masking import MaskingInstruction
from drain3.template_miner_config import TemplateMinerConfig

from core.ingest.templates import TemplateMiner, write_loghub_csv

DEV = ("HDFS", "Hadoop", "BGL", "OpenSSH")
OUT = HERE / "out"


def _load_score(data: pathlib.Path):
    spec = importlib.util.spec_from_file_location("loghub_score", data / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _format_regex(log_format: str) -> re.Pattern[str]:
    """Loghub's header regex for a ``<Field> <Field>: <Content>`` log format (as in logparser)."""
    parts = re.split(r"(<[^<>]+>)", log_format)
    rx = ""
    for k, part in enumerate(parts):
        rx += re.sub(" +", r"\\s+", part) if k % 2 == 0 else f"(?P<{part.strip('<>')}>.*?)"
    return re.compile("^" + rx + "$")


def _drain3(settings: dict) -> Drain3Miner:
    cfg = TemplateMinerConfig()
    cfg.drain_sim_th = settings["st"]
    cfg.drain_depth = settings["depth"]
    cfg.masking_instructions = [MaskingInstruction(r, "*") for r in settings["regex"]]
    return Drain3Miner(config=cfg)


def run_drain3(path: pathlib.Path, settings: dict) -> tuple[list[int], dict[int, str]]:
    """Read a log and run drain3 on each line's content; returns cluster ids and templates."""
    miner = _drain3(settings)
    header = _format_regex(settings["log_format"])
    ids: list[int] = []
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            line = line.rstrip("\n")
            m = header.search(line.strip())
            ids.append(miner.add_log_message(m.group("Content") if m else line)["cluster_id"])
    return ids, {c.cluster_id: c.get_template() for c in miner.drain.clusters}


def accuracy(data: pathlib.Path, score, settings: dict) -> dict[str, dict[str, dict]]:
    """Score the miner and drain3 on every Loghub-2k system present."""
    pred_dir = OUT / "pred"
    results: dict[str, dict[str, dict]] = {}
    for system, cfg in settings.items():
        log = data / cfg["log_file"]
        if not log.exists():
            continue
        gt = score.load_groundtruth(str(data), system)
        write_loghub_csv(log, pred_dir / f"{system}.csv")
        groups, templates = score.load_prediction(str(pred_dir / f"{system}.csv"))
        mine = score.score(gt, groups, templates)
        ids, tpl = run_drain3(log, cfg)
        drain = score.score(gt, {i + 1: c for i, c in enumerate(ids)}, {i + 1: tpl[c] for i, c in enumerate(ids)})
        results[system] = {"miner": mine, "drain3": drain}
    return results


def print_accuracy(results: dict[str, dict[str, dict]]) -> bool:
    print("Loghub-2k accuracy (miner: no settings; drain3: published per-system settings)")
    hdr = f"{'System':<10} {'set':<8} {'GA':>6} {'GA d3':>6} {'FGA':>6} {'FGA d3':>6} {'PA':>6} {'PA d3':>6}  GA>=d3"
    print(hdr)
    print("-" * len(hdr))
    all_ok = True
    for system, r in results.items():
        m, d = r["miner"], r["drain3"]
        ok = m["GA"] >= d["GA"] - 1e-9
        all_ok &= ok
        tag = "dev" if system in DEV else "holdout"
        print(
            f"{system:<10} {tag:<8} {m['GA']:6.3f} {d['GA']:6.3f} {m['FGA']:6.3f} {d['FGA']:6.3f} "
            f"{m['PA']:6.3f} {d['PA']:6.3f}  {'yes' if ok else 'NO'}"
        )
    print("-" * len(hdr))
    for label, names in (("mean", list(results)), ("dev", [s for s in results if s in DEV]),
                         ("holdout", [s for s in results if s not in DEV])):
        if not names:
            continue
        vals = [statistics.mean(results[s][w][k] for s in names) for k in ("GA", "FGA", "PA") for w in ("miner", "drain3")]
        print(f"{label:<10} {'':<8} " + " ".join(f"{v:6.3f}" for v in vals))
    return all_ok


def shapes_accuracy(score) -> None:
    """Score the miner on the synthetic non-Loghub shapes (their own ground truth)."""
    folder = OUT / "shapes"
    if not (folder / "nginx_truth.csv").exists():
        gen_big_log.write_shapes(folder, 3000, np.random.default_rng(11))
    print("\nOther shapes (synthetic, own ground truth; header detected, no settings)")
    print(f"{'Shape':<10} {'GA':>6} {'FGA':>6} {'#gt':>5} {'#pred':>6}  header")
    for name in ("logback", "json", "nginx", "syslog"):
        mined = TemplateMiner().mine_file(folder / f"{name}.log")
        with (folder / f"{name}_truth.csv").open(newline="", encoding="utf-8") as fh:
            gt = {int(r["LineId"]): r["EventTemplate"] for r in csv.DictReader(fh)}
        ids = mined.template_ids.to_pylist()
        r = score.score(gt, {i + 1: x for i, x in enumerate(ids)})
        cols = ",".join(mined.header_columns) or "none"
        print(f"{name:<10} {r['GA']:6.3f} {r['FGA']:6.3f} {r['gt_groups']:5d} {r['pred_groups']:6d}  {cols}")


def big_inputs(data: pathlib.Path, total_lines: int, systems: list[str], *, vary: bool = True) -> list[pathlib.Path]:
    """The large per-system logs, generated by gen_big_log when missing or of another size."""
    per = total_lines // len(systems)
    rng = np.random.default_rng(7)
    suffix = "big" if vary else "verbatim"
    paths = []
    for s in systems:
        path = OUT / f"{s}_{suffix}.log"
        stamp = OUT / f"{s}_{suffix}.lines"
        if not path.exists() or not stamp.exists() or stamp.read_text().strip() != str(per):
            OUT.mkdir(parents=True, exist_ok=True)
            gen_big_log.generate(data / s / f"{s}_2k.log", path, per, rng, vary=vary)
            stamp.write_text(str(per))
        paths.append(path)
    return paths


def speed(paths: list[pathlib.Path], settings: dict, repeats: int, drain_repeats: int, title: str) -> None:
    n_lines = sum(sum(1 for _ in p.open("rb")) for p in paths)
    n_mb = sum(p.stat().st_size for p in paths) / 1e6
    print(f"\nSpeed, {title}: end to end (read file -> template id per line), {n_lines:,} lines / "
          f"{n_mb:.0f} MB in {len(paths)} per-system files, one process, 2 cores shared with other work")
    TemplateMiner().mine_file(paths[0])  # warm-up: imports, regex compilation, allocator
    miner_rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for p in paths:
            TemplateMiner().mine_file(p)
        miner_rates.append(n_lines / (time.perf_counter() - t0))
    drain_rates = []
    for _ in range(drain_repeats):
        t0 = time.perf_counter()
        for p in paths:
            run_drain3(p, settings[p.name.rsplit("_", 1)[0]])
        drain_rates.append(n_lines / (time.perf_counter() - t0))
    t0 = time.perf_counter()
    rows = write_loghub_csv(paths[0], OUT / "big_pred.csv")
    csv_rate = rows / (time.perf_counter() - t0)
    print(f"{'':<8} {'runs':>4} {'best lines/s':>14} {'median lines/s':>15}")
    print(f"{'miner':<8} {repeats:>4} {max(miner_rates):>14,.0f} {statistics.median(miner_rates):>15,.0f}")
    print(f"{'drain3':<8} {drain_repeats:>4} {max(drain_rates):>14,.0f} {statistics.median(drain_rates):>15,.0f}")
    print(f"ratio    best {max(miner_rates) / max(drain_rates):.1f}x   median "
          f"{statistics.median(miner_rates) / statistics.median(drain_rates):.1f}x")
    print(f"(write_loghub_csv incl. CSV writing on {paths[0].name}: {csv_rate:,.0f} lines/s)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=pathlib.Path, default=gen_big_log.DEFAULT_DATA)
    ap.add_argument("--lines", type=int, default=2_400_000, help="total lines of the large input")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--drain-repeats", type=int, default=1,
                    help="drain3 runs (one run already spans minutes, averaging out load)")
    ap.add_argument("--skip-speed", action="store_true")
    a = ap.parse_args()
    if not (a.data / "score.py").exists():
        print(f"Loghub-2k samples not found at {a.data}; nothing to benchmark")
        return 0
    score = _load_score(a.data)
    settings = json.loads((a.data / "drain_settings.json").read_text())
    t0 = time.perf_counter()
    results = accuracy(a.data, score, settings)
    all_ok = print_accuracy(results)
    shapes_accuracy(score)
    if not a.skip_speed:
        speed(big_inputs(a.data, a.lines, list(results)), settings, a.repeats, a.drain_repeats,
              "values re-drawn per line (realistic)")
        speed(big_inputs(a.data, a.lines, list(results), vary=False), settings, a.repeats, a.drain_repeats,
              "sample lines repeated verbatim (drain3's easiest case)")
    mean_ga = statistics.mean(r["miner"]["GA"] for r in results.values())
    print(f"\ntargets: GA >= drain3 on every system: {'yes' if all_ok else 'NO'}; "
          f"mean GA {mean_ga:.3f} (target 0.95); bench took {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
