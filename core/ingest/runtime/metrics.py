"""JVM metrics: read CSV, Prometheus or Actuator exports into canonical series and flag anomaly windows."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from core.errors import IngestError
from core.ingest.runtime._anomaly import (
    Anomaly,
    anomaly_frame,
    detect_anomalies,
    series_anomalies,
)
from core.ingest.runtime._common import read_text, status_of, zone_of
from core.ingest.runtime._metric_formats import parse_metrics_text
from core.ingest.runtime._metric_names import CANONICAL, canonical_name, to_series
from core.schema import Asset, Incident
from core.store import Store

__all__ = [
    "CANONICAL",
    "Anomaly",
    "canonical_name",
    "detect_anomalies",
    "ingest_metrics_file",
    "metric_changes",
    "parse_metrics_file",
    "series_anomalies",
]

log = logging.getLogger(__name__)


def _suffix(name: str) -> str:
    parts = name.lower().removesuffix(".gz").removesuffix(".zip").rsplit(".", 1)
    return "." + parts[1] if len(parts) == 2 else ""


def parse_metrics_file(path: Path, incident: Incident, name: str | None = None) -> tuple[pd.DataFrame, str, list[str]]:
    """A metrics file as metric_points rows (ts, metric, source_name, labels, unit, value), its format and warnings.

    Raises:
        IngestError: empty, binary, malformed, unknown format, wrong columns, or no usable series.
    """
    name = name or path.name
    text, encoding = read_text(path)
    parsed = parse_metrics_text(text, name, _suffix(path.name), zone_of(incident))
    frame = to_series(parsed.points)
    if frame.empty:
        raise IngestError(
            f"{name}: no usable series — counters need at least two timestamped samples to become rates."
        )
    return frame, f"{parsed.format}, {encoding}", parsed.warnings


def ingest_metrics_file(store: Store, incident: Incident, path: Path, *, display_name: str | None = None) -> Asset:
    """Store a metrics export's series and the anomaly windows found against the hour before the incident start.

    The fusion pass recomputes the windows against the error onset once it is known; the stored windows are
    what the dashboard can show straight after upload.

    Args:
        store: the product's store.
        incident: the incident the file belongs to (its zone reads naive timestamps).
        path: CSV, Prometheus text (.txt/.prom) or Actuator JSON, optionally .gz/.zip.
        display_name: the name shown to users (defaults to the file name).

    Returns:
        The asset, with status "warning" and counts when some records were skipped.

    Raises:
        IngestError: the file cannot be used at all (nothing is written then).
    """
    name = display_name or path.name
    frame, described, warnings = parse_metrics_file(path, incident, name)
    anomalies = anomaly_frame(detect_anomalies(frame, incident.started_at))
    series = frame.groupby(["metric", "labels"]).ngroups
    canonical = sorted(set(frame["metric"]) & set(CANONICAL))
    status, message = status_of(
        warnings, f"{described}; {series} series ({len(canonical)} canonical), {len(frame)} points, "
                  f"{len(anomalies)} anomaly window(s)",
    )
    with store.transaction() as cur:
        asset = store.add_asset(cur, incident.id, "metrics", name, location=str(path), size_bytes=path.stat().st_size,
                                items=len(frame), status=status, message=message)
        store.insert_frame(cur, "metric_points", frame.assign(incident_id=incident.id, asset_id=asset.id))
        if len(anomalies):
            store.insert_frame(cur, "metric_anomalies", anomalies.assign(incident_id=incident.id, asset_id=asset.id))
    log.info("incident %s: metrics %s — %d points in %d series, %d anomalies", incident.id, name, len(frame), series,
             len(anomalies))
    return asset


@dataclass(frozen=True)
class FlatSeries:
    """A series with no anomaly window near the reference: its median in the hour before and after it."""

    unit: str
    before_median: float
    after_median: float
    after_max: float
    last_ts: datetime


@dataclass
class MetricChanges:
    """Anomaly windows per metric near the reference, the same metric's earlier windows, and flat series."""

    recent: dict[str, list[Anomaly]] = field(default_factory=dict)
    earlier: dict[str, list[Anomaly]] = field(default_factory=dict)
    flat: dict[str, FlatSeries] = field(default_factory=dict)


def metric_changes(points: pd.DataFrame, reference: datetime, *, relevant_before: timedelta,
                   watch: Collection[str] = ()) -> MetricChanges:
    """Split every series' anomaly windows (baseline: the hour before `reference`) into recent and earlier ones.

    A window is recent when it ends after `reference - relevant_before`. Series named in `watch` without labels
    and without a recent window are reported flat when they have three points on each side of the reference.
    """
    out = MetricChanges()
    ref = pd.Timestamp(reference)
    for (_, metric, labels), series in points.groupby(["asset_id", "metric", "labels"], sort=False):
        name, unit = str(metric), str(series["unit"].iloc[0])
        every = series_anomalies(series["ts"], series["value"].to_numpy(dtype=float), reference, metric=name,
                                 labels=str(labels), unit=unit)
        recent = [a for a in every if a.window_end >= reference - relevant_before]
        out.earlier.setdefault(name, []).extend(a for a in every if a not in recent)
        if recent:
            out.recent.setdefault(name, []).extend(recent)
            continue
        if name not in watch or labels or name in out.flat:
            continue
        ts = pd.to_datetime(series["ts"], utc=True)
        before = series["value"][(ts < ref) & (ts >= ref - pd.Timedelta(hours=1))]
        after = series["value"][ts >= ref]
        if len(before) >= 3 and len(after) >= 3:
            out.flat[name] = FlatSeries(unit, float(before.median()), float(after.median()), float(after.max()),
                                        ts.max().to_pydatetime())
    for name in out.recent:
        out.flat.pop(name, None)
    return out
