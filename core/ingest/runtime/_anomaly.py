"""Find windows where a metric left its robust baseline (median and MAD of the hour before a reference time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

__all__ = ["LOOKBACK", "Anomaly", "anomaly_frame", "detect_anomalies", "series_anomalies"]

LOOKBACK = timedelta(minutes=60)
_MIN_BASELINE = 5        # points the lookback must hold; otherwise every point before the reference is used
_Z = 4.0                 # robust z a point must pass …
_REL = 0.25              # … and the relative change it must pass (25 % of the baseline)
_GAP = 1                 # a quiet point inside a window does not end it
_Z_CAP = 999.0


@dataclass(frozen=True)
class Anomaly:
    """A window where one series left its baseline; `ratio` is peak/baseline (None when the baseline is 0)."""

    metric: str
    labels: str
    unit: str
    window_start: datetime
    window_end: datetime
    baseline: float
    peak: float
    ratio: float | None
    zscore: float | None
    direction: str
    points: int
    baseline_end: datetime
    method: str


def _min_points(n: int) -> int:
    # One odd sample is noise on a dense series; on a handful of snapshots it is all there is.
    return 3 if n >= 30 else 2 if n >= 10 else 1


def series_anomalies(
    ts: pd.Series, values: np.ndarray, baseline_end: datetime, *, metric: str = "", labels: str = "", unit: str = "",
    lookback: timedelta = LOOKBACK,
) -> list[Anomaly]:
    """Anomaly windows of one time-sorted series against the median/MAD of the `lookback` before `baseline_end`.

    A point is anomalous when it is more than 4 robust standard deviations *and* 25 % away from the baseline
    median (with a zero spread, the mean absolute deviation stands in; with none at all, any sustained move
    counts), and more than the baseline's own 90th-percentile deviation. Consecutive anomalous points in one
    direction, allowing one quiet point between, form a window.
    """
    times = pd.to_datetime(ts, utc=True)
    end = pd.Timestamp(baseline_end)
    before = (times < end).to_numpy()
    recent = before & (times >= end - lookback).to_numpy()
    base = values[recent] if recent.sum() >= _MIN_BASELINE else values[before]
    if len(base) == 0:
        return []
    median = float(np.median(base))
    method = "median/MAD"
    if len(base) >= 3:
        sigma = 1.4826 * float(np.median(np.abs(base - median)))
        if sigma == 0:
            sigma = float(np.mean(np.abs(base - median)))
        # Nor may a move count that the baseline itself made one time in ten (a 0/1 flicker on a count).
        usual = float(np.quantile(np.abs(base - median), 0.9))
        threshold = max(_Z * sigma, _REL * abs(median), usual, 1e-9 * max(1.0, abs(median)))
    else:
        # Two snapshots or fewer before the reference: only a doubling (or halving) says anything.
        sigma, method = 0.0, "snapshot-ratio"
        threshold = max(abs(median), 1e-9)
    deviation = values - median
    flags = np.where(deviation > threshold, 1, np.where(deviation < -threshold, -1, 0))
    found: list[Anomaly] = []
    min_points = _min_points(len(values))
    i, n = 0, len(values)
    while i < n:
        if flags[i] == 0:
            i += 1
            continue
        sign, start, last, quiet = flags[i], i, i, 0
        j = i + 1
        while j < n and quiet <= _GAP:
            if flags[j] == sign:
                last, quiet = j, 0
            elif flags[j] == -sign:
                break
            else:
                quiet += 1
            j += 1
        hits = int(np.sum(flags[start:last + 1] == sign))
        if hits >= min_points:
            window = values[start:last + 1]
            peak = float(window.max() if sign > 0 else window.min())
            z = (peak - median) / sigma if sigma > 0 else None
            found.append(Anomaly(
                metric=metric, labels=labels, unit=unit, window_start=times.iloc[start].to_pydatetime(),
                window_end=times.iloc[last].to_pydatetime(), baseline=median, peak=peak,
                ratio=peak / median if median != 0 else None,
                zscore=None if z is None else float(np.clip(z, -_Z_CAP, _Z_CAP)),
                direction="up" if sign > 0 else "down", points=hits, baseline_end=end.to_pydatetime(), method=method,
            ))
        i = last + 1
    return found


def detect_anomalies(points: pd.DataFrame, baseline_end: datetime, *, lookback: timedelta = LOOKBACK) -> list[Anomaly]:
    """Anomaly windows of every timed series in a metric_points-shaped frame (ts, metric, labels, unit, value)."""
    timed = points[points["ts"].notna()]
    found: list[Anomaly] = []
    for (metric, labels), series in timed.groupby(["metric", "labels"], sort=True):
        series = series.sort_values("ts")
        found.extend(series_anomalies(
            series["ts"], series["value"].to_numpy(dtype=float), baseline_end, metric=str(metric), labels=str(labels),
            unit=str(series["unit"].iloc[0]), lookback=lookback,
        ))
    return found


def anomaly_frame(anomalies: list[Anomaly]) -> pd.DataFrame:
    """Rows for metric_anomalies (without incident/asset ids)."""
    frame = pd.DataFrame([a.__dict__ for a in anomalies])
    for col in ("window_start", "window_end", "baseline_end"):
        if col in frame:
            frame[col] = pd.to_datetime(frame[col], utc=True)
    return frame
