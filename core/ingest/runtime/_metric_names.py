"""Turn raw metric points into series: counters to rates, histograms to quantiles, names to a canonical set."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import pairwise

import pandas as pd

from core.ingest.runtime._metric_formats import Labels, RawPoint

__all__ = ["CANONICAL", "POINT_COLUMNS", "Mapping", "canonical_name", "to_series"]

# Canonical metric → (unit, how label sets at one instant combine).
CANONICAL: dict[str, tuple[str, str]] = {
    "heap.used": ("bytes", "sum"), "heap.max": ("bytes", "sum"),
    "gc.pause": ("ms", "max"), "gc.count": ("count", "sum"),
    "threads.live": ("threads", "sum"), "threads.blocked": ("threads", "sum"),
    "cpu": ("ratio", "max"),
    "hikari.active": ("connections", "sum"), "hikari.idle": ("connections", "sum"),
    "hikari.pending": ("connections", "sum"),
    "http.rate": ("req/s", "sum"),
    "latency.p50": ("ms", "max"), "latency.p95": ("ms", "max"), "latency.p99": ("ms", "max"),
    "latency.mean": ("ms", "max"),
}
POINT_COLUMNS = ["ts", "metric", "source_name", "labels", "unit", "value"]
_QUANTILES = {"0.5": "p50", "0.50": "p50", "0.95": "p95", "0.99": "p99"}
_SIZE = {"kb": 1024.0, "kib": 1024.0, "mb": 1024.0**2, "mib": 1024.0**2, "megabytes": 1024.0**2, "gb": 1024.0**3,
         "gib": 1024.0**3}
_TIME = {"seconds": 1000.0, "second": 1000.0, "sec": 1000.0, "s": 1000.0, "us": 1e-3, "micros": 1e-3,
         "microseconds": 1e-3, "ns": 1e-6, "nanos": 1e-6, "nanoseconds": 1e-6}
_POOL_WORDS = {"hikari", "hikaricp"}
_POOL_CONTEXT = {"connections", "connection", "pool", "jdbc", "db", "datasource"}


@dataclass(frozen=True)
class Mapping:
    metric: str
    factor: float = 1.0


def _tokens(name: str) -> set[str]:
    return {t for t in re.split(r"[^a-z0-9]+", name.lower()) if t}


def _factor(tokens: set[str], unit: str, table: dict[str, float]) -> float:
    for word in (unit.lower(), *sorted(tokens)):
        if word in table:
            return table[word]
    return 1.0


def _quantile_token(tokens: set[str]) -> str | None:
    for token in tokens:
        match = re.fullmatch(r"(p50|p95|p99|median)(ms|s)?", token)
        if match:
            return "p50" if match.group(1) == "median" else match.group(1)
    return None


@lru_cache(maxsize=8192)
def canonical_name(name: str, labels: Labels, unit: str = "", *, rate: bool = False) -> Mapping | None:
    """The canonical metric a source series stands for (with its unit factor), or None to keep its own name."""
    t = _tokens(name)
    lab = {k.lower(): v.lower() for k, v in labels}
    time_factor = _factor(t, unit, _TIME)
    if lab.get("area") == "nonheap" or "nonheap" in t or "non" in t:
        return None
    if "heap" in t or (lab.get("area") == "heap" and "memory" in t):
        if t & {"committed", "after", "init", "gc", "pool", "region"}:
            return None
        if "max" in t:
            return Mapping("heap.max", _factor(t, unit, _SIZE))
        if t & {"used", "usage"}:
            return Mapping("heap.used", _factor(t, unit, _SIZE))
        return None
    if "gc" in t:
        if t & {"count", "collections", "collection"}:
            return Mapping("gc.count")
        if "pause" in t and not t & {"sum", "total", "time"}:
            return Mapping("gc.pause", time_factor)
        return None
    if t & {"thread", "threads"} and not t & {"tomcat", "executor", "pool", "jetty", "undertow"}:
        if "blocked" in t or lab.get("state") == "blocked":
            return Mapping("threads.blocked")
        if "states" in t or lab.get("state"):
            return None
        if "live" in t or t <= {"jvm", "thread", "threads", "count", "current"}:
            return Mapping("threads.live")
        return None
    if "cpu" in t and not t & {"system", "count", "load", "seconds", "time"}:
        return Mapping("cpu", 0.01 if t & {"pct", "percent"} else 1.0)
    pool = (bool(t & _POOL_WORDS) or len(t & _POOL_CONTEXT) >= 2
            or ("pool" in t and bool(t & {"pending", "waiting", "active", "idle"})))
    if pool:
        if t & {"pending", "waiting", "awaiting"}:
            return Mapping("hikari.pending")
        if t & {"active", "busy", "inuse"}:
            return Mapping("hikari.active")
        if "idle" in t:
            return Mapping("hikari.idle")
        return None
    if "client" in t or t & {"sql", "db", "query", "queries"}:
        return None
    quantile = _QUANTILES.get(lab.get("quantile", lab.get("phi", "")))
    if quantile and t & {"http", "request", "requests", "latency", "duration", "response"}:
        return Mapping(f"latency.{quantile}", time_factor)
    if (token := _quantile_token(t)) and not quantile:
        return Mapping(f"latency.{token}", time_factor)
    if t & {"error", "errors", "failed", "failures", "5xx", "4xx", "timeout", "timeouts"}:
        return None
    if t & {"rps", "qps", "tps", "throughput"} or (t & {"http", "request", "requests"} and t & {"rate", "per"}):
        return Mapping("http.rate")
    if rate and "http" in t and t & {"request", "requests"} and t & {"count", "total"} and not t & {"time", "sum"}:
        return Mapping("http.rate")
    return None


@lru_cache(maxsize=8192)
def _labels_text(labels: Labels) -> str:
    return json.dumps(dict(labels), sort_keys=True, ensure_ascii=False) if labels else ""


def _rates(series: list[tuple[datetime, float]]) -> list[tuple[datetime, float]]:
    """Per-second rates of a cumulative series; a drop is a counter reset and yields no point."""
    out = []
    for (t0, v0), (t1, v1) in pairwise(series):
        seconds = (t1 - t0).total_seconds()
        if seconds > 0 and v1 >= v0:
            out.append((t1, (v1 - v0) / seconds))
    return out


def _histogram_quantiles(buckets: dict[tuple[str, Labels], list[tuple[datetime, float]]]) -> list[RawPoint]:
    """p50/p95/p99 per instant from bucket rates (summed over all labels but `le`), as Prometheus does."""
    by_family: dict[str, dict[datetime, dict[float, float]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(float)))
    for (name, labels), series in buckets.items():
        le = dict(labels).get("le")
        if le is None:
            continue
        bound = float("inf") if le in ("+Inf", "Inf", "inf") else float(le)
        for ts, value in series:
            by_family[name[: -len("_bucket")]][ts][bound] += value
    out = []
    for family, instants in by_family.items():
        for ts, counts in instants.items():
            bounds = sorted(counts)
            total = counts[bounds[-1]]
            if total <= 0 or bounds[-1] != float("inf") or len(bounds) < 2:
                continue
            for q, label in ((0.5, "0.5"), (0.95, "0.95"), (0.99, "0.99")):
                rank, lower, below = q * total, 0.0, 0.0
                for bound in bounds:
                    if counts[bound] >= rank:
                        upper = bound if bound != float("inf") else lower
                        width = counts[bound] - below
                        value = lower + (upper - lower) * ((rank - below) / width if width > 0 else 1.0)
                        out.append(RawPoint(ts, family, (("quantile", label),), value, False, "seconds"
                                            if "seconds" in family else ""))
                        break
                    lower, below = bound, counts[bound]
    return out


def to_series(points: Iterable[RawPoint]) -> pd.DataFrame:
    """Rows for metric_points (without incident/asset ids): canonical where recognised, else the source name."""
    grouped: dict[tuple[str, Labels, bool, str], dict[datetime | None, float]] = defaultdict(dict)
    for p in points:
        grouped[(p.name, p.labels, p.cumulative, p.unit)][p.ts] = p.value  # the last sample of an instant wins
    plain: list[tuple[RawPoint, bool]] = []
    buckets: dict[tuple[str, Labels], list[tuple[datetime, float]]] = {}
    sums: dict[str, dict[datetime, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[str, dict[datetime, float]] = defaultdict(lambda: defaultdict(float))
    for (name, labels, cumulative, unit), samples in grouped.items():
        if not cumulative:
            plain.extend((RawPoint(ts, name, labels, v, False, unit), False) for ts, v in samples.items())
            continue
        timed = sorted((ts, v) for ts, v in samples.items() if ts is not None)
        rates = _rates(timed)
        if name.endswith("_bucket"):
            buckets[(name, labels)] = rates
            continue
        for ts, value in rates:
            plain.append((RawPoint(ts, name, labels, value, False, unit), True))
            family = re.sub(r"[._](count|sum|total_time)$", "", name)
            if re.search(r"[._](sum|total_time)$", name):
                sums[family][ts] += value
            elif re.search(r"[._]count$", name):
                counts[family][ts] += value
    plain.extend((p, False) for p in _histogram_quantiles(buckets))
    for family, per_ts in sums.items():
        words = _tokens(family)
        if "http" not in words or "client" in words or not words & {"request", "requests"}:
            continue
        for ts, total in per_ts.items():
            if (n := counts[family].get(ts, 0.0)) > 0:
                plain.append((RawPoint(ts, family + "_mean", (), total / n, False, "seconds"), False))
    return _canonicalise(plain)


def _canonicalise(points: list[tuple[RawPoint, bool]]) -> pd.DataFrame:
    canonical: dict[tuple[str, datetime | None], list[float]] = defaultdict(list)
    sources: dict[str, set[str]] = defaultdict(set)
    rated: set[str] = set()
    rows: list[tuple[object, ...]] = []
    for point, rate in points:
        mapping = canonical_name(point.name, point.labels, point.unit, rate=rate)
        if point.name.endswith("_mean") and "http" in _tokens(point.name):
            mapping = Mapping("latency.mean", _factor(_tokens(point.name), point.unit, _TIME))
        if mapping is None:
            unit = (point.unit or "") + ("/s" if rate else "")
            rows.append((point.ts, point.name, point.name, _labels_text(point.labels), unit, point.value))
            continue
        if mapping.metric == "heap.max" and point.value < 0:
            continue  # JVM memory pools without a limit report -1
        canonical[(mapping.metric, point.ts)].append(point.value * mapping.factor)
        sources[mapping.metric].add(point.name)
        if rate:
            rated.add(mapping.metric)
    for (metric, ts), values in canonical.items():
        unit, how = CANONICAL[metric]
        value = sum(values) if how == "sum" else max(values)
        if metric == "gc.count" and metric in rated:
            unit = "gc/s"
        rows.append((ts, metric, ", ".join(sorted(sources[metric]))[:200], "", unit, value))
    frame = pd.DataFrame(rows, columns=POINT_COLUMNS)
    if frame.empty:
        return frame
    # A CPU column in percent (values past 1.5) becomes a ratio like Micrometer's process.cpu.usage.
    cpu = frame["metric"] == "cpu"
    if cpu.any() and frame.loc[cpu, "value"].max() > 1.5:
        frame.loc[cpu, "value"] = frame.loc[cpu, "value"] / 100.0
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    return frame.sort_values(["metric", "labels", "ts"], kind="stable").reset_index(drop=True)
