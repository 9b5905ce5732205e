"""Read JVM metrics exports into raw points: CSV (wide or long), Prometheus text, Micrometer/Actuator JSON."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import lru_cache
from itertools import pairwise

import pandas as pd

from core.errors import IngestError
from core.ingest.runtime._common import load_json, parse_time, to_float

__all__ = ["ParsedMetrics", "RawPoint", "detect_format", "parse_metrics_text"]

Labels = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RawPoint:
    """One sample as the source wrote it; `cumulative` marks counters that must become rates."""

    ts: datetime | None
    name: str
    labels: Labels
    value: float
    cumulative: bool = False
    unit: str = ""


@dataclass
class ParsedMetrics:
    format: str
    points: list[RawPoint] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


_PROM_SAMPLE = re.compile(
    r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:.]*)\s*(?:\{(?P<labels>.*)\})?\s+(?P<value>\S+)(?:\s+(?P<ts>-?\d+(?:\.\d+)?))?\s*$"
)
_PROM_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_.]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')
_ISO_IN_COMMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_CUMULATIVE_SUFFIXES = ("_total", "_count", "_sum", "_bucket", "_created")
_TIME_COLUMNS = (
    "timestamp", "ts", "time", "datetime", "date", "@timestamp", "time_local", "minute", "epoch", "epoch_ms",
)
_NAME_COLUMNS = ("metric", "name", "metric_name", "series", "__name__", "key")
_LABEL_COLUMNS = ("labels", "tags", "dimensions", "attributes")
# Text columns of a wide CSV that tell series apart; others (a version string) are ignored.
_INSTANCE_COLUMNS = ("instance", "pod", "host", "hostname", "node")
_GAUGE_WORDS = {"thread", "threads", "connections", "connection", "sessions", "classes", "loaded", "buffer", "buffers",
                "live", "active", "idle", "pending", "max", "p50", "p95", "p99"}


def detect_format(text: str, suffix: str) -> str:
    """'json', 'prometheus' or 'csv', from the content first and the file suffix second."""
    head = text.lstrip()[:4096]
    if head.startswith(("{", "[")):
        return "json"
    lines = [ln.strip() for ln in head.splitlines() if ln.strip()]
    if any(ln.startswith(("# TYPE", "# HELP")) for ln in lines):
        return "prometheus"
    samples = [ln for ln in lines if not ln.startswith("#")]
    prometheus_like = sum(bool(_PROM_SAMPLE.match(ln)) for ln in samples) >= 0.8 * len(samples)
    if samples and prometheus_like and "," not in samples[0].split("{")[0]:
        return "prometheus"
    if suffix in (".json", ".jsonl"):
        return "json"
    if samples and any(sep in samples[0] for sep in (",", ";", "\t")):
        return "csv"
    raise IngestError(
        "Unknown metrics format: expected CSV (a timestamp column and metric columns, or timestamp,metric,value), "
        "Prometheus text exposition, or Micrometer/Actuator JSON."
    )


def parse_metrics_text(text: str, name: str, suffix: str, zone: tzinfo) -> ParsedMetrics:
    """Parse a whole metrics file.

    Raises:
        IngestError: unknown format, wrong columns, malformed JSON or nothing readable in it.
    """
    kind = detect_format(text, suffix)
    parsed = {"json": _micrometer, "prometheus": _prometheus, "csv": _csv}[kind](text, name, zone)
    if not parsed.points:
        raise IngestError(f"{name}: no metric values could be read from this {kind} file.")
    return parsed


# --- Prometheus text exposition -------------------------------------------------------------


def _prom_labels(raw: str | None) -> Labels | None:
    if not raw or not raw.strip():
        return ()
    found = _PROM_LABEL.findall(raw)
    rebuilt = ",".join(f'{k}="{v}"' for k, v in found)
    if re.sub(r"[\s,]", "", rebuilt) != re.sub(r"[\s,]", "", raw):
        return None
    return tuple(sorted((k, v.replace('\\"', '"').replace("\\\\", "\\")) for k, v in found))


def _prometheus(text: str, name: str, zone: tzinfo) -> ParsedMetrics:
    out = ParsedMetrics("prometheus")
    types: dict[str, str] = {}
    snapshot_ts: datetime | None = None
    seen_in_snapshot: set[tuple[str, Labels]] = set()
    snapshot_index = 0
    bad = untimed = 0
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            parts = line.split()
            if len(parts) >= 4 and parts[1] == "TYPE":
                types[parts[2]] = parts[3].lower()
            elif len(parts) < 2 or parts[1] not in ("HELP", "UNIT", "EOF"):
                stamp = _ISO_IN_COMMENT.search(line)
                if stamp and (ts := parse_time(stamp.group(0), zone)):
                    snapshot_ts, seen_in_snapshot = ts, set()
            continue
        match = _PROM_SAMPLE.match(line)
        labels = _prom_labels(match.group("labels")) if match else None
        value = _prom_value(match.group("value")) if match else None
        if match is None or labels is None or value is None:
            bad += 1
            continue
        metric = match.group("name")
        key = (metric, labels)
        if match.group("ts"):
            ts = parse_time(float(match.group("ts")) / 1000.0, zone)  # exposition timestamps are epoch ms
        else:
            if key in seen_in_snapshot:  # the same series again: a new scrape without a time marker
                snapshot_index += 1
                seen_in_snapshot = set()
            seen_in_snapshot.add(key)
            ts = snapshot_ts
            untimed += ts is None
        if math.isnan(value):  # the exporter had no value (e.g. a max over an empty window)
            continue
        out.points.append(RawPoint(ts, metric, labels, value, _prom_cumulative(metric, types), _unit_of(metric)))
    if bad:
        out.warnings.append(f"{bad} malformed sample line(s) skipped")
    if untimed:
        out.warnings.append(
            f"{untimed} sample(s) carry no timestamp; they are stored but cannot show a change over time")
    return out


def _prom_value(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return None if value in (float("inf"), float("-inf")) else value


def _prom_cumulative(metric: str, types: dict[str, str]) -> bool:
    """Counters, and the _count/_sum/_bucket series of histograms and summaries, only ever grow."""
    kind = types.get(metric)
    if kind is not None:
        return kind == "counter"
    for suffix in _CUMULATIVE_SUFFIXES:
        if metric.endswith(suffix) and (base := metric[: -len(suffix)]) in types:
            return suffix != "_created" and types[base] in ("counter", "histogram", "summary")
    return metric.endswith(_CUMULATIVE_SUFFIXES[:4])


@lru_cache(maxsize=4096)
def _unit_of(metric: str) -> str:
    lowered = metric.lower()
    for unit in ("seconds", "bytes", "milliseconds", "ms"):
        if re.search(rf"(^|[_.]){unit}($|[_.])", lowered):
            return unit
    return ""


# --- Micrometer / Spring Boot Actuator JSON ------------------------------------------------

_STAT_SUFFIX = {"VALUE": "", "COUNT": ".count", "TOTAL_TIME": ".total_time", "TOTAL": ".total", "MAX": ".max",
                "ACTIVE_TASKS": ".active_tasks", "DURATION": ".duration", "UNKNOWN": ".unknown"}
_CUMULATIVE_STATS = {"COUNT", "TOTAL_TIME", "TOTAL"}
_TS_KEYS = ("timestamp", "ts", "time", "@timestamp", "scrapedAt", "scraped_at", "collectedAt")


def _micrometer(text: str, name: str, zone: tzinfo) -> ParsedMetrics:
    value, bad_lines = load_json(text, name)
    out = ParsedMetrics("micrometer-json")
    if isinstance(value, dict) and "names" in value and "measurements" not in value:
        raise IngestError(
            f"{name} is the Actuator index of metric names, not their values; export /actuator/metrics/<name> for each."
        )
    items = value if isinstance(value, list) else [value]
    skipped = 0
    for item in items:
        if not isinstance(item, dict):
            skipped += 1
            continue
        ts = _json_ts(item, zone)
        if "measurements" in item:
            skipped += _snapshot(item, ts, out.points)
        elif isinstance(item.get("metrics"), list):
            for sub in item["metrics"]:
                skipped += _snapshot(sub, _json_ts(sub, zone) or ts, out.points) if isinstance(sub, dict) else 1
        elif isinstance(item.get("metrics"), dict):
            for metric, body in item["metrics"].items():
                if isinstance(body, dict):
                    skipped += _snapshot({"name": metric, **body}, ts, out.points)
                elif (number := to_float(body)) is not None:
                    out.points.append(RawPoint(ts, str(metric), (), number))
                else:
                    skipped += 1
        else:
            skipped += 1
    if not out.points and items and skipped == len(items):
        raise IngestError(
            f"{name}: unknown JSON shape; expected Actuator metrics "
            '({"name": …, "measurements": [...]}) or a list of them.'
        )
    if bad_lines:
        out.warnings.append(f"{bad_lines} line(s) were not valid JSON and were skipped")
    if skipped:
        out.warnings.append(f"{skipped} record(s) without readable measurements skipped")
    if any(p.ts is None for p in out.points):
        out.warnings.append("some snapshots carry no timestamp; they are stored but cannot show a change over time")
    return out


def _json_ts(item: dict[str, object], zone: tzinfo) -> datetime | None:
    for key in _TS_KEYS:
        if key in item:
            return parse_time(item[key], zone)
    return None


def _snapshot(item: dict[str, object], ts: datetime | None, points: list[RawPoint]) -> int:
    metric = item.get("name")
    measurements = item.get("measurements")
    if not isinstance(metric, str) or not isinstance(measurements, list):
        return 1
    tags = item.get("tags") or []
    labels: list[tuple[str, str]] = []
    if isinstance(tags, dict):
        labels = [(str(k), str(v)) for k, v in tags.items()]
    elif isinstance(tags, list):
        labels = [(str(t.get("tag")), str(t.get("value"))) for t in tags if isinstance(t, dict) and "tag" in t]
    unit = str(item.get("baseUnit") or "")
    bad = 0
    for m in measurements:
        value = to_float(m.get("value")) if isinstance(m, dict) else None
        if value is None:
            bad += 1
            continue
        stat = str(m.get("statistic", "VALUE")).upper()
        points.append(RawPoint(
            ts, metric + _STAT_SUFFIX.get(stat, "." + stat.lower()), tuple(sorted(labels)), value,
            stat in _CUMULATIVE_STATS, "" if stat == "COUNT" else unit,
        ))
    return 1 if bad == len(measurements) else 0


# --- CSV -------------------------------------------------------------------------------------


def _csv(text: str, name: str, zone: tzinfo) -> ParsedMetrics:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t|")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    bad_rows = [0]

    def on_bad(_line: list[str]) -> None:
        bad_rows[0] += 1

    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, engine="python", on_bad_lines=on_bad, dtype=str,
                            skip_blank_lines=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise IngestError(f"{name} is not a readable CSV file ({exc}).") from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    out = ParsedMetrics("csv")
    name_col = next((c for c in _NAME_COLUMNS if c in frame.columns), None)
    time_col = next((c for c in _TIME_COLUMNS if c in frame.columns), None)
    if time_col is None and len(frame.columns) > 1 and len(frame):
        sample = frame[frame.columns[0]].dropna().head(20)
        if len(sample) and sum(parse_time(v, zone) is not None for v in sample) >= 0.8 * len(sample):
            time_col = frame.columns[0]
    if time_col is None:
        raise IngestError(
            f"{name}: wrong columns {list(frame.columns)[:8]}; a metrics CSV needs a timestamp column "
            "(timestamp/ts/time) plus one column per metric, or timestamp,metric,value[,labels]."
        )
    times = [parse_time(v, zone) for v in frame[time_col]]
    no_time = sum(t is None for t in times)
    if name_col and "value" in frame.columns:
        out.format = "csv-long"
        label_col = next((c for c in _LABEL_COLUMNS if c in frame.columns), None)
        bad_values = 0
        for ts, metric, raw, labels in zip(times, frame[name_col], frame["value"],
                                           frame[label_col] if label_col else [None] * len(frame), strict=True):
            value = to_float(raw)
            if ts is None or value is None or not isinstance(metric, str) or not metric.strip():
                bad_values += ts is not None
                continue
            series = metric.strip()
            out.points.append(RawPoint(ts, series, _csv_labels(labels), value, series.endswith("_total"),
                                       _unit_of(metric)))
        if bad_values:
            out.warnings.append(f"{bad_values} row(s) without a numeric value or metric name skipped")
    else:
        out.format = "csv-wide"
        metric_cols = [c for c in frame.columns if c != time_col]
        numeric = [c for c in metric_cols if frame[c].map(to_float).notna().sum() > 0]
        if not numeric:
            raise IngestError(
                f"{name}: wrong columns; no metric column holds numbers (columns: {list(frame.columns)[:8]})."
            )
        instance_cols = [c for c in _INSTANCE_COLUMNS if c in frame.columns and c not in numeric]
        instances = [tuple((c, str(row[c])) for c in instance_cols if isinstance(row[c], str))
                     for row in frame[instance_cols].to_dict("records")] if instance_cols else [()] * len(frame)
        for col in numeric:
            samples = [(ts, value, labels) for ts, raw, labels in zip(times, frame[col], instances, strict=True)
                       if ts is not None and (value := to_float(raw)) is not None]
            in_time_order = [v for _, v, _ in sorted(samples, key=lambda x: x[0])]
            cumulative = col.endswith("_total") or _looks_cumulative(col, in_time_order)
            unit = _unit_of(col)
            out.points.extend(RawPoint(ts, col, labels, value, cumulative, unit) for ts, value, labels in samples)
    if no_time:
        out.warnings.append(f"{no_time} row(s) with an unreadable timestamp skipped")
    if bad_rows[0]:
        out.warnings.append(f"{bad_rows[0]} malformed row(s) (wrong number of fields) skipped")
    return out


def _looks_cumulative(name: str, values: list[float]) -> bool:
    """A `…count`/`…total` column that only ever grows (bar a restart) is a counter, e.g. jvm_gc_count."""
    tokens = set(re.split(r"[^a-z0-9]+", name.lower()))
    if not tokens & {"count", "total", "sum"} or tokens & _GAUGE_WORDS or len(values) < 3:
        return False
    steps = [b - a for a, b in pairwise(values)]
    return sum(s >= 0 for s in steps) >= 0.95 * len(steps) and any(s > 0 for s in steps)


def _csv_labels(raw: object) -> Labels:
    if not isinstance(raw, str) or not raw.strip():
        return ()
    text = raw.strip()
    if text.startswith("{") and ":" in text:
        try:
            data = json.loads(text)
            if isinstance(data, dict):
                return tuple(sorted((str(k), str(v)) for k, v in data.items()))
        except json.JSONDecodeError:
            pass
    pairs: Iterable[str] = re.split(r"[;,|]", text.strip("{}"))
    found = []
    for pair in pairs:
        if "=" in pair:
            key, _, value = pair.partition("=")
            found.append((key.strip(), value.strip().strip('"')))
    return tuple(sorted(found))
