"""Benchmark log ingest per layout: syslog, access and nginx error logs against the Logback baseline.

The 1 GiB target (bench_ingest.py) is measured on a Logback log; this script checks that the
other layouts are not a slow path. Each format gets a generated log of the same size (default
100 MiB; deterministic), ingested end to end (layout detection, parse, templates, stack traces,
DuckDB writes) into a fresh DuckDB file capped at 256 MB, each in its own process so its peak RSS
is its own. The baseline, named in the output, is the Logback log from gen_app_log.py.

usage: python bench/bench_formats.py [--size 100M] [--rounds 1]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import random
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

ZONE = timezone(timedelta(hours=8))
START = datetime(2026, 11, 20, 13, 0, 0, tzinfo=ZONE)
_ROUTES = ("/api/orders", "/api/orders/SO{n}", "/api/inventory/SKU-{n}", "/api/payments", "/api/payments/callback")
_WORDS = ("reserved", "released", "timed out", "retrying", "connected", "closed", "refreshed", "evicted")


def _syslog_line(rng: random.Random, at: datetime, i: int) -> str:
    level = rng.choices(("INFO", "WARN", "ERROR", ""), (70, 15, 5, 10))[0]
    return (f"{at:%b} {at.day:2d} {at:%H:%M:%S} shop-{i % 9} order-service[{4000 + i % 64}]: "
            f"{level + ' ' if level else ''}{rng.choice(_WORDS)} sku=SKU-{rng.randrange(10**5)} qty={rng.randrange(9)}")


def _access_line(rng: random.Random, at: datetime, i: int) -> str:
    status = rng.choices((200, 201, 404, 499, 502, 504), (80, 10, 5, 2, 2, 1))[0]
    took = rng.expovariate(20)
    route = rng.choice(_ROUTES).format(n=rng.randrange(10**9))
    return (f"10.42.{i % 7}.{rng.randrange(2, 250)} - - [{at:%d/%b/%Y:%H:%M:%S %z}] \"{rng.choice(('GET', 'POST'))} "
            f"{route} HTTP/1.1\" {status} {rng.randrange(2000)} \"-\" \"okhttp/4.12.0\" {rng.randrange(150, 900)} "
            f"{took:.3f} [shop-order-service-8080] [] 10.42.3.17:8080 {rng.randrange(2000)} {took:.3f} {status} "
            f"{rng.getrandbits(128):032x}")


def _nginx_error_line(rng: random.Random, at: datetime, i: int) -> str:
    level = rng.choices(("error", "warn", "crit", "notice"), (50, 35, 5, 10))[0]
    return (f"{at:%Y/%m/%d %H:%M:%S} [{level}] {i % 4 + 30}#{i % 4 + 30}: *{i} upstream timed out (110: Connection "
            f"timed out) while reading response header from upstream, client: 10.42.{i % 7}.{rng.randrange(250)}, "
            f"server: _, request: \"POST /api/orders HTTP/1.1\", upstream: \"http://10.42.3.17:8080/api/orders\"")


_MAKERS = {"syslog": _syslog_line, "http-access": _access_line, "nginx-error": _nginx_error_line}


def generate(kind: str, path: pathlib.Path, size: int) -> None:
    if kind == "logback":
        gen_app_log.generate(path, size, seed=7)
        return
    rng = random.Random(f"bench-formats-{kind}")
    written, i = 0, 0
    with path.open("w", encoding="utf-8") as out:
        while written < size:
            block = "".join(_MAKERS[kind](rng, START + timedelta(milliseconds=40 * (i + k)), i + k) + "\n"
                            for k in range(20_000))
            i += 20_000
            out.write(block)
            written += len(block.encode("utf-8"))


def run_one(path: pathlib.Path) -> dict[str, object]:
    from core.ingest.logs import ingest_log_file
    from core.schema import IncidentDraft
    from core.store import Store

    with tempfile.TemporaryDirectory(dir=HERE / "out") as tmp:
        store = Store(pathlib.Path(tmp) / "bench.duckdb", memory_limit="256MB")
        incident = store.create_incident(IncidentDraft(title="bench", severity="high",
                                                       started_at=START + timedelta(hours=1), service="shop"))
        started = time.perf_counter()
        result = ingest_log_file(store, incident, path)
        seconds = time.perf_counter() - started
        store.close()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "lines": result.lines, "entries": result.entries, "layout": result.layout,
            "rss_mb": rss_mb}


def _size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units else int(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="100M", help="size of each generated log (default 100M)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_one(pathlib.Path(args.child))))
        return
    size = _size(args.size)
    (HERE / "out").mkdir(exist_ok=True)
    files = {}
    for kind in ("logback", *_MAKERS):
        path = HERE / "out" / f"formats-{kind}-{args.size}.log"
        if not path.exists():
            generate(kind, path, size)
        files[kind] = path
    print(f"each log {args.size}; DuckDB capped at 256MB; one fresh process per run; "
          "baseline: logback (gen_app_log.py)")
    for r in range(1, args.rounds + 1):
        print(f"round {r}:")
        base_rate = None
        for kind, path in files.items():
            out = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True,
                                 check=True)
            m = json.loads(out.stdout.strip().splitlines()[-1])
            mb = path.stat().st_size / 1e6
            rate = mb / m["seconds"]
            base_rate = base_rate or rate
            label = "baseline " if kind == "logback" else ""
            print(f"  {label}{kind:<12} detected {m['layout']:<12} {m['lines']:>10,} lines {mb:7.0f} MB "
                  f"{m['seconds']:6.1f} s {m['lines'] / m['seconds']:>10,.0f} lines/s {rate:6.1f} MB/s "
                  f"peak RSS {m['rss_mb']:5.0f} MB  ({rate / base_rate:.2f}× the baseline's MB/s)")


if __name__ == "__main__":
    main()
