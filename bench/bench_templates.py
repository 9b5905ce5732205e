"""Benchmark the template miner against drain3 0.9.11: leave-systems-out accuracy and large-input speed.

drain3 runs with the published per-system Drain settings (header format, masking regexes,
similarity threshold, depth) from drain_settings.json. The miner has no per-system settings:
it detects the header and the variables itself, with generic knobs and switchable rules
(core.ingest.logs.templates.miner.MinerSettings).

Accuracy, three ways, per system and on average (GA, FGA and PA; score.py's definitions):

* in-sample: the shipped defaults on every system. The miner's rules were written while looking
  at all eight shared systems, so this is a fit, not a forecast.
* leave-one-system-out: for each system X, the rules and knobs are selected on the other seven
  only (a rule is on when switching it off costs GA there; then the best knob values of a small
  grid), and X is scored with what was selected. Nothing learnt on X reaches X's figure.
* shifted systems, to ask whether a rule is keyed to one system's words or layout: X's lines
  with every word outside a small generic vocabulary (level, month and day names, size and time
  units) replaced through a random one-to-one cipher ("words"), and X's messages under each other
  system's header layout ("layouts"). Ground truth is unchanged by both. drain3 gets X's masking
  settings and the header regex of the layout it reads. A third shift keeps at most 3 lines of
  each event ("rare"), as in a log of many rarely seen events. The selection's objective is the
  training systems as they are, with ciphered words and with rare events, so a rule keyed to
  words does not earn its place.

Speed: one mixed file of all eight systems (>= 1M lines, values re-drawn per line by
gen_big_log, lines of the systems interleaved), end to end (read file -> template per line), each
run in a fresh child process, in the same bench run; peak RSS of each child is reported beside
the file size. drain3 (default configuration: a mixed file has no single header format or mask
set) reads the raw file, and, as its best case, the same lines with each system's header cut off
beforehand (the cutting is not timed).

usage: python bench/bench_templates.py [--data DIR] [--lines 1200000] [--miner-runs 3]
                                       [--skip-speed] [--skip-accuracy]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import pathlib
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

# Imported after the sys.path set-up above: the script runs as `python bench/<name>.py`.
import gen_big_log  # noqa: E402
import numpy as np  # noqa: E402

from core.ingest.logs.templates import RULES, MinerSettings, TemplateMiner  # noqa: E402

OUT = HERE / "out"
# The only words the miner may know in advance: generic across logs, not taken from one system.
# (a word list reads best as text, hence SIM905 is waived)
GENERIC_WORDS = frozenset(
    "info informational warn warning error err debug trace fatal critical crit severe notice alert emerg "  # noqa: SIM905
    "emergency fine finer finest config verbose panic "
    "jan feb mar apr may jun jul aug sep oct nov dec january february march april june july august september "
    "october november december mon tue wed thu fri sat sun monday tuesday wednesday thursday friday saturday "
    "sunday b kb mb gb tb pb kib mib gib tib ns us ms msec s sec secs second seconds min mins minute minutes "
    "h hr hrs hour hours day days".split()
)
SIMILARITIES = (0.4, 0.5, 0.6, 0.7)
MAX_VARIANTS = (3, 4, 5, 6, 8)


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


@dataclass
class System:
    """One Loghub-2k system: raw lines, each line's header prefix and message, ground truth."""

    name: str
    lines: list[str]
    prefixes: list[str]
    messages: list[str]
    gt: dict[int, str]
    drain: dict


def load_system(data: pathlib.Path, name: str, settings: dict, score) -> System:
    header = _format_regex(settings["log_format"])
    lines = (data / settings["log_file"]).read_text(encoding="utf-8", errors="replace").splitlines()
    prefixes, messages = [], []
    for line in lines:
        m = header.search(line.strip())
        cut = len(line) - len(line.lstrip()) + m.start("Content") if m else 0
        prefixes.append(line[:cut])
        messages.append(line[cut:])
    return System(name, lines, prefixes, messages, score.load_groundtruth(str(data), name), settings)


# --- shifted systems -----------------------------------------------------------------------------

_WORD_RE = re.compile(r"[A-Za-z]{2,}")


class WordCipher:
    """A random one-to-one replacement of words (same length and case), generic words kept."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._map: dict[str, str] = {}
        self._used: set[str] = set()

    def _new(self, low: str) -> str:
        while True:
            word = "".join(self._rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in low)
            if word not in self._used and word not in GENERIC_WORDS:
                self._used.add(word)
                return word

    def _sub(self, m: re.Match[str]) -> str:
        word = m.group()
        low = word.lower()
        if low in GENERIC_WORDS:
            return word
        new = self._map.get(low)
        if new is None:
            new = self._map[low] = self._new(low)
        return "".join(n.upper() if c.isupper() else n for c, n in zip(word, new, strict=False))

    def __call__(self, line: str) -> str:
        return _WORD_RE.sub(self._sub, line)


def variant(system: System, kind: str, layout: System | None = None) -> list[str]:
    """The system's lines as-is, with words ciphered, or with its messages under another layout."""
    if kind == "as-is":
        return system.lines
    if kind == "words":
        cipher = WordCipher(sum(map(ord, system.name)))
        return [cipher(line) for line in system.lines]
    assert layout is not None
    k = len(layout.prefixes)
    return [layout.prefixes[i % k] + msg for i, msg in enumerate(system.messages)]


def rare_events(system: System, per_event: int = 3, seed: int = 1) -> tuple[list[str], dict[int, str]]:
    """At most ``per_event`` lines of each ground-truth event: a log of many rarely seen events."""
    rnd = random.Random(seed)
    by_event: dict[str, list[int]] = {}
    for line_id, tpl in system.gt.items():
        by_event.setdefault(tpl, []).append(line_id)
    keep = sorted(i for ids in by_event.values() for i in rnd.sample(ids, min(per_event, len(ids))))
    return [system.lines[i - 1] for i in keep], {k: system.gt[i] for k, i in enumerate(keep, 1)}


# --- scoring --------------------------------------------------------------------------------------


def miner_scores(lines: list[str], gt: dict[int, str], settings: MinerSettings, score) -> dict:
    mined = TemplateMiner(settings=settings).mine_lines(lines)
    ids = mined.template_ids.to_pylist()
    return score.score(gt, dict(enumerate(ids, 1)), {i: mined.templates[t] for i, t in enumerate(ids, 1)})


def _drain3(settings: dict | None):
    from drain3 import TemplateMiner as Drain3Miner
    from drain3.masking import MaskingInstruction
    from drain3.template_miner_config import TemplateMinerConfig

    cfg = TemplateMinerConfig()
    if settings is not None:
        cfg.drain_sim_th = settings["st"]
        cfg.drain_depth = settings["depth"]
        cfg.masking_instructions = [MaskingInstruction(r, "*") for r in settings["regex"]]
    cfg.profiling_enabled = False
    return Drain3Miner(config=cfg)


def drain3_scores(lines: list[str], gt: dict[int, str], content: dict, layout: dict, score) -> dict:
    """drain3 with the content system's settings, reading headers with the layout system's format."""
    miner = _drain3(content)
    header = _format_regex(layout["log_format"])
    ids = []
    for line in lines:
        m = header.search(line.strip())
        ids.append(miner.add_log_message(m.group("Content") if m else line)["cluster_id"])
    tpl = {c.cluster_id: c.get_template() for c in miner.drain.clusters}
    return score.score(gt, dict(enumerate(ids, 1)), {i: tpl[c] for i, c in enumerate(ids, 1)})


class Scorer:
    """Miner scores per (settings, system, variant), computed once."""

    def __init__(self, systems: dict[str, System], score) -> None:
        self.systems, self._score = systems, score
        self._cache: dict[tuple, dict] = {}
        self._lines: dict[tuple[str, str, str], tuple[list[str], dict[int, str]]] = {}

    def lines(self, name: str, kind: str, layout: str = "") -> tuple[list[str], dict[int, str]]:
        """The lines of a system's variant and their ground truth."""
        key = (name, kind, layout)
        if key not in self._lines:
            system = self.systems[name]
            self._lines[key] = (
                rare_events(system) if kind == "rare" else (variant(system, kind, self.systems.get(layout)), system.gt)
            )
        return self._lines[key]

    def get(self, settings: MinerSettings, name: str, kind: str = "as-is", layout: str = "") -> dict:
        key = (settings, name, kind, layout)
        if key not in self._cache:
            self._cache[key] = miner_scores(*self.lines(name, kind, layout), settings, self._score)
        return self._cache[key]

    def training_ga(self, settings: MinerSettings, train: list[str]) -> float:
        """Mean GA over the training systems: as they are, with words ciphered, with rare events."""
        return statistics.mean(
            self.get(settings, name, kind)["GA"] for name in train for kind in ("as-is", "words", "rare")
        )


NEUTRAL = MinerSettings(rules=frozenset())


def select(scorer: Scorer, train: list[str]) -> MinerSettings:
    """Pick the rules and knobs on the training systems only.

    A rule is on when switching it off, with every other rule on, costs GA on the training
    systems; a rule that helps only a held-out system, or no shared system at all, is off. The
    knobs are then the best point of the grid on the training systems (a tie keeps the defaults).
    """
    full = MinerSettings()
    base = scorer.training_ga(full, train)
    rules = frozenset(
        r for r in RULES
        if base - scorer.training_ga(MinerSettings(rules=full.rules - {r}), train) > 1e-9
    )
    grid = [MinerSettings(similarity=sim, max_variants=mv, rules=rules) for sim in SIMILARITIES for mv in MAX_VARIANTS]
    best = MinerSettings(rules=rules)
    best_ga = scorer.training_ga(best, train)
    for cand in grid:
        ga = scorer.training_ga(cand, train)
        if ga > best_ga + 1e-9:
            best, best_ga = cand, ga
    return best


def describe(s: MinerSettings) -> str:
    d = NEUTRAL
    parts = [f"sim {s.similarity}"] if s.similarity != d.similarity else []
    parts += [f"variants {s.max_variants}"] if s.max_variants != d.max_variants else []
    parts += [r for r in RULES if r in s.rules]
    return ", ".join(parts) or "no rule"


def accuracy(systems: dict[str, System], score) -> None:
    scorer = Scorer(systems, score)
    names = list(systems)
    default = MinerSettings()
    rows = {}
    for x in names:
        train = [s for s in names if s != x]
        chosen = select(scorer, train)
        sx = systems[x]
        rows[x] = {
            "chosen": describe(chosen),
            "in": scorer.get(default, x),
            "out": scorer.get(chosen, x),
            "d3": drain3_scores(sx.lines, sx.gt, sx.drain, sx.drain, score),
            "words": scorer.get(chosen, x, "words")["GA"],
            "d3_words": drain3_scores(scorer.lines(x, "words")[0], sx.gt, sx.drain, sx.drain, score)["GA"],
            "layouts": statistics.mean(scorer.get(chosen, x, "layout", y)["GA"] for y in train),
            "rare": scorer.get(chosen, x, "rare")["GA"],
            "d3_rare": drain3_scores(*scorer.lines(x, "rare"), sx.drain, sx.drain, score)["GA"],
            "d3_layouts": statistics.mean(
                drain3_scores(scorer.lines(x, "layout", y)[0], sx.gt, sx.drain, systems[y].drain, score)["GA"]
                for y in train
            ),
        }
    print("Loghub-2k accuracy: miner (no per-system settings) vs drain3 (published per-system settings)")
    print("in-sample = shipped defaults; held-out = knobs and rules selected without the system\n")
    hdr = (f"{'System':<10} | {'in-sample':^20} | {'held-out':^20} | {'drain3':^20} | GA >= d3\n"
           f"{'':<10} | {'GA':>6} {'FGA':>6} {'PA':>6} | {'GA':>6} {'FGA':>6} {'PA':>6} | {'GA':>6} {'FGA':>6} "
           f"{'PA':>6} |")
    print(hdr)
    print("-" * 85)
    for x, r in rows.items():
        cells = " | ".join(" ".join(f"{r[k][m]:6.3f}" for m in ("GA", "FGA", "PA")) for k in ("in", "out", "d3"))
        ok = "yes" if r["out"]["GA"] >= r["d3"]["GA"] - 1e-9 else "NO"
        print(f"{x:<10} | {cells} | {ok}")
    print("-" * 85)
    mean = " | ".join(
        " ".join(f"{statistics.mean(r[k][m] for r in rows.values()):6.3f}" for m in ("GA", "FGA", "PA"))
        for k in ("in", "out", "d3")
    )
    wins = sum(r["out"]["GA"] >= r["d3"]["GA"] - 1e-9 for r in rows.values())
    print(f"{'mean':<10} | {mean} | {wins}/{len(rows)}")

    print("\nShifted systems, held-out settings (GA): words ciphered; messages under the 7 other layouts (mean);")
    print("rare events: at most 3 lines of each event, like a log of many rarely seen events")
    cols = (("words", 7), ("d3_words", 7), ("layouts", 8), ("d3_layouts", 7), ("rare", 7), ("d3_rare", 7))
    print(f"{'System':<10} {'words':>7} {'d3':>7} {'layouts':>8} {'d3':>7} {'rare':>7} {'d3':>7}   "
          "selected without the system")
    for x, r in rows.items():
        print(f"{x:<10} " + " ".join(f"{r[k]:{w}.3f}" for k, w in cols) + f"   {r['chosen']}")
    print(f"{'mean':<10} " + " ".join(f"{statistics.mean(r[k] for r in rows.values()):{w}.3f}" for k, w in cols))
    full = select(scorer, names)
    print(f"\nselected with all systems in training: {describe(full)}")


def other_shapes(score) -> None:
    """Synthetic Logback (with stack traces), JSON, nginx and syslog logs with their own ground truth."""
    folder = OUT / "shapes"
    if not (folder / "nginx_truth.csv").exists():
        gen_big_log.write_shapes(folder, 3000, np.random.default_rng(11))
    print("\nOther shapes (synthetic, own ground truth; shipped defaults; drain3 with no settings, none are "
          "published for these shapes, on raw lines)")
    print(f"{'Shape':<10} {'GA':>6} {'FGA':>6} {'GA d3':>6} {'#gt':>5} {'#pred':>6}  header found")
    for name in ("logback", "json", "nginx", "syslog"):
        mined = TemplateMiner().mine_file(folder / f"{name}.log")
        with (folder / f"{name}_truth.csv").open(newline="", encoding="utf-8") as fh:
            gt = {int(r["LineId"]): r["EventTemplate"] for r in csv.DictReader(fh)}
        r = score.score(gt, dict(enumerate(mined.template_ids.to_pylist(), 1)))
        drain = _drain3(None)
        with (folder / f"{name}.log").open(encoding="utf-8") as fh:
            ids = [drain.add_log_message(line.rstrip("\n"))["cluster_id"] for line in fh]
        d = score.score(gt, dict(enumerate(ids, 1)))
        cols = ",".join(mined.header_columns) or "none"
        print(f"{name:<10} {r['GA']:6.3f} {r['FGA']:6.3f} {d['GA']:6.3f} {r['gt_groups']:5d} {r['pred_groups']:6d}  "
              f"{cols}")


# --- speed ------------------------------------------------------------------------------------------


def mixed_file(data: pathlib.Path, settings: dict, total: int) -> tuple[pathlib.Path, pathlib.Path]:
    """One file of all systems' generated lines, interleaved in runs of 1-20 lines (cached).

    Also writes the same lines with each system's header cut off by its published format, in
    the same order: drain3's best case, since in a mixed file nothing says which format a line has.
    """
    path, content = OUT / f"mixed_{total}.log", OUT / f"mixed_{total}.content"
    if path.exists() and content.exists():
        return path, content
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    per = total // len(settings) + 1
    pools = []
    for s, cfg in settings.items():
        tmp = OUT / f"_{s}_part.log"
        gen_big_log.generate(data / cfg["log_file"], tmp, per, rng)
        lines = tmp.read_bytes().splitlines(keepends=True)
        tmp.unlink()
        header = _format_regex(cfg["log_format"])
        cut = []
        for raw in lines:
            text = raw.decode("utf-8", "replace").rstrip("\n")
            m = header.search(text.strip())
            cut.append(((m.group("Content") if m else text) + "\n").encode())
        pools.append((lines, cut))
    pos = [0] * len(pools)
    with path.open("wb") as fh, content.open("wb") as fc:
        written = 0
        while written < total:
            k = int(rng.integers(0, len(pools)))
            run = min(int(rng.integers(1, 21)), len(pools[k][0]) - pos[k], total - written)
            fh.writelines(pools[k][0][pos[k]: pos[k] + run])
            fc.writelines(pools[k][1][pos[k]: pos[k] + run])
            pos[k] += run
            written += run
    return path, content


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; unlike ru_maxrss it starts afresh at exec)."""
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(tool: str, path: pathlib.Path) -> None:
    """Run one tool over a file in this (fresh) process and print its figures as JSON."""
    base_mb = _peak_rss_mb()
    t0 = time.perf_counter()
    if tool == "miner":
        n = len(TemplateMiner().mine_file(path))
    else:
        miner = _drain3(None)
        n = 0
        with path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                miner.add_log_message(line.rstrip("\n"))
                n += 1
    secs = time.perf_counter() - t0
    print(json.dumps({"lines": n, "seconds": secs, "peak_mb": _peak_rss_mb(), "base_mb": base_mb}))


def _run_child(tool: str, path: pathlib.Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", tool, str(path)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def speed(data: pathlib.Path, settings: dict, total: int, miner_runs: int) -> None:
    path, content = mixed_file(data, settings, total)
    mb = path.stat().st_size / 1e6
    print(f"\nSpeed: {path.name}, {total:,} lines / {mb:.0f} MB, {len(settings)} systems interleaved; "
          "end to end (read -> template per line), one fresh process per run, same bench run")
    runs = [_run_child("miner", path) for _ in range(miner_runs)]
    miner = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]  # the median run
    raw = _run_child("drain3", path)
    cut = _run_child("drain3", content)
    rate = {k: r["lines"] / r["seconds"] for k, r in (("miner", miner), ("raw", raw), ("cut", cut))}
    print(f"{'run':<34} {'lines/s':>10} {'seconds':>8} {'peak RSS MB':>12} {'after imports':>14}")
    rows = ((f"miner (median of {miner_runs} runs)", miner), ("drain3, raw lines, default config", raw),
            ("drain3, headers cut off beforehand", cut))
    for label, r in rows:
        print(f"{label:<34} {r['lines'] / r['seconds']:>10,.0f} {r['seconds']:>8.1f} {r['peak_mb']:>12.0f} "
              f"{r['base_mb']:>14.0f}")
    print("miner runs (s): " + ", ".join(f"{r['seconds']:.2f}" for r in runs))
    grown = miner["peak_mb"] - miner["base_mb"]
    print(f"ratio {rate['miner'] / rate['raw']:.1f}x drain3 on the same raw file, {rate['miner'] / rate['cut']:.1f}x "
          f"drain3 on pre-cut messages (target >= 10x); the miner's memory grew {grown:.0f} MB for a {mb:.0f} MB "
          f"file ({grown / mb:.2f}x the input)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=pathlib.Path, default=gen_big_log.DEFAULT_DATA)
    ap.add_argument("--lines", type=int, default=1_200_000, help="lines of the mixed speed file")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-accuracy", action="store_true")
    ap.add_argument("--miner-runs", type=int, default=3, help="miner runs on the mixed file (the median is used)")
    ap.add_argument("--child", nargs=2, metavar=("TOOL", "FILE"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        _child(a.child[0], pathlib.Path(a.child[1]))
        return 0
    if not (a.data / "score.py").exists():
        print(f"Loghub-2k samples not found at {a.data}; nothing to benchmark")
        return 0
    score = _load_score(a.data)
    settings = json.loads((a.data / "drain_settings.json").read_text())
    names = [s for s, cfg in settings.items() if (a.data / cfg["log_file"]).exists()]
    t0 = time.perf_counter()
    if not a.skip_accuracy:
        accuracy({s: load_system(a.data, s, settings[s], score) for s in names}, score)
        other_shapes(score)
    if not a.skip_speed:
        speed(a.data, {s: settings[s] for s in names}, a.lines, a.miner_runs)
    print(f"\nbench took {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
