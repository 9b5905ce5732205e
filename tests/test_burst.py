"""The error-rate change point: found from the minutes around the start, whatever else a log holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd

from core.fusion.correlate import _detect_burst
from core.schema import Incident

START = datetime(2024, 5, 2, 10, 0, tzinfo=UTC)


def _incident() -> Incident:
    return Incident(id="INC-1", title="checkout failing", severity="high", started_at=START, service="shop",
                    created_at=START)


def _series(points: dict[datetime, int]) -> pd.DataFrame:
    return pd.DataFrame({"minute": pd.to_datetime(list(points), utc=True), "errors": list(points.values())})


def _quiet_then_loud() -> dict[datetime, int]:
    points = {START - timedelta(minutes=m): (1 if m % 7 == 0 else 0) for m in range(60, 10, -1)}
    points.update({START - timedelta(minutes=m): 12 + m % 3 for m in range(10, -20, -1)})
    return points


def test_the_onset_is_where_the_rate_jumps() -> None:
    burst = _detect_burst(_series(_quiet_then_loud()), _incident())
    assert burst is not None
    assert burst.onset == START - timedelta(minutes=10)
    assert burst.after_per_min > 3 * max(burst.baseline_per_min, 0.1)


def test_a_stray_line_from_a_year_before_changes_nothing() -> None:
    """One minute per point: a year of minutes (500k points) was scanned split by split and never finished."""
    points = _quiet_then_loud()
    alone = _detect_burst(_series(points), _incident())
    points[START - timedelta(days=400)] = 1
    assert _detect_burst(_series(points), _incident()) == alone


def test_a_flat_or_falling_rate_is_no_burst() -> None:
    flat = {START - timedelta(minutes=m): 4 for m in range(60, -10, -1)}
    falling = {START - timedelta(minutes=m): (9 if m > 20 else 1) for m in range(60, -10, -1)}
    assert _detect_burst(_series(flat), _incident()) is None
    assert _detect_burst(_series(falling), _incident()) is None
