"""JVM metrics: CSV, Prometheus and Actuator inputs, canonical names, anomaly windows, and bad files."""

from __future__ import annotations

import gzip
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.errors import IngestError
from core.ingest.runtime import canonical_name, ingest_metrics_file, series_anomalies
from core.schema import Incident, IncidentDraft
from core.store import Store
from tests.conftest import START, ZONE

DATA = Path(__file__).parent / "data" / "runtime"
ONSET = datetime(2026, 11, 20, 14, 2, tzinfo=ZONE)


@pytest.fixture
def incident() -> tuple[Store, Incident]:
    store = Store()
    return store, store.create_incident(IncidentDraft(title="t", severity="high", started_at=START, service="svc"))


def _series(store: Store, metric: str) -> pd.DataFrame:
    return store.query_df("SELECT ts, value, unit, labels FROM metric_points WHERE metric = ? ORDER BY ts", [metric])


def _anomalies(store: Store) -> pd.DataFrame:
    return store.query_df("SELECT * FROM metric_anomalies ORDER BY metric, window_start")


def _local(ts: pd.Timestamp) -> str:
    return ts.tz_convert(ZONE).strftime("%H:%M")


def test_wide_csv_canonical_names_units_and_the_step_at_the_onset(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    asset = ingest_metrics_file(store, inc, DATA / "jvm-wide.csv")
    assert (asset.kind, asset.status) == ("metrics", "ok")
    assert "13 canonical" in asset.message
    heap = _series(store, "heap.used")
    # heap_used_mb becomes bytes; naive 13:00 is read in the incident's zone (+08:00).
    assert heap["unit"][0] == "bytes" and 350 * 2**20 < heap["value"].median() < 500 * 2**20
    assert _local(heap["ts"][0]) == "13:00"
    assert _series(store, "cpu")["value"].max() <= 1.0  # cpu_pct becomes a ratio
    found = _anomalies(store).set_index("metric")
    for metric in ("hikari.pending", "threads.blocked", "latency.p99", "hikari.active"):
        row = found.loc[metric]
        assert (_local(row["window_start"]), _local(row["window_end"]), row["direction"]) == ("14:02", "14:40", "up")
    assert found.loc["hikari.idle", "direction"] == "down"
    assert found.loc["latency.p99", "ratio"] > 100
    for flat in ("heap.used", "gc.pause", "cpu", "http.rate"):
        assert flat not in found.index


def test_long_csv_keeps_unknown_metrics_with_their_labels(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    ingest_metrics_file(store, inc, DATA / "jvm-long.csv")
    queue = _series(store, "custom_queue_depth")
    assert len(queue) == 30 and queue["labels"][0] == '{"queue": "orders", "shard": "1"}'
    assert _series(store, "hikari.pending")["value"].max() == 30


def test_prometheus_counters_become_rates_and_pools_are_summed(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    ingest_metrics_file(store, inc, DATA / "prometheus.txt")
    rate = _series(store, "http.rate")
    # Two URIs: ~300 and ~950 requests a minute → about 21 req/s; the first scrape has no rate yet.
    assert rate["unit"][0] == "req/s" and 18 < rate["value"].median() < 24 and len(rate) == 30
    heap = _series(store, "heap.used")  # Eden + Old Gen, never Metaspace
    assert 360e6 < heap["value"].median() < 400e6
    assert _series(store, "gc.count")["unit"][0] == "gc/s"
    p99 = _series(store, "latency.p99")  # quantile="0.99" in seconds → ms
    assert p99["unit"][0] == "ms" and p99["value"].max() > 28_000
    assert _series(store, "tomcat_sessions_active_current_sessions")["value"].min() >= 40
    found = _anomalies(store)
    assert {"hikari.pending", "threads.blocked", "latency.p99"} <= set(found["metric"])
    assert not {"heap.used", "cpu", "http.rate"} & set(found["metric"])


def test_prometheus_scrapes_timed_by_comment_markers(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    asset = ingest_metrics_file(store, inc, DATA / "prometheus-scrapes.txt")
    points = _series(store, "hikari.pending")
    assert [_local(t) for t in points["ts"]] == ["13:58", "14:00", "14:04"] and asset.status == "ok"
    found = _anomalies(store)
    assert list(found["method"]) == ["snapshot-ratio"] and _local(found["window_start"][0]) == "14:04"


def test_actuator_snapshots_with_statistics(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    asset = ingest_metrics_file(store, inc, DATA / "actuator.json")
    assert asset.status == "ok" and "micrometer-json" in asset.message
    assert _series(store, "http.rate")["value"].median() == pytest.approx(5.0)  # COUNT +300 a minute
    mean = _series(store, "latency.mean")  # TOTAL_TIME / COUNT, seconds → ms
    assert mean["value"].iloc[0] == pytest.approx(200.0) and mean["value"].iloc[-1] == pytest.approx(3000.0)
    assert "hikari.pending" in set(_anomalies(store)["metric"])


def test_single_actuator_response_without_time_lands_with_a_warning(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    asset = ingest_metrics_file(store, inc, DATA / "actuator-single.json")
    assert asset.status == "warning" and "no timestamp" in asset.message
    assert _series(store, "hikari.pending")["value"].tolist() == [31.0]


def test_odd_encoding_and_separator(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    asset = ingest_metrics_file(store, inc, DATA / "utf16-metrics.csv")
    assert asset.status == "ok" and "utf-16" in asset.message
    assert len(_series(store, "température_°c")) == 10


def test_partly_bad_csv_lands_with_counts(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    asset = ingest_metrics_file(store, inc, DATA / "bad-rows.csv")
    assert asset.status == "warning"
    assert "1 row(s) with an unreadable timestamp skipped" in asset.message


@pytest.mark.parametrize(("name", "says"), [
    ("truncated.json", "truncated JSON"),
    ("binary.json", "binary"),
    ("empty.csv", "empty"),
    ("wrong-columns.csv", "wrong columns"),
    ("unknown-shape.json", "unknown JSON shape"),
])
def test_bad_files_are_clear_errors_and_keep_what_was_there(
    incident: tuple[Store, Incident], tmp_path: Path, name: str, says: str
) -> None:
    store, inc = incident
    ingest_metrics_file(store, inc, DATA / "jvm-long.csv")
    before = len(store.query_df("SELECT * FROM metric_points"))
    with pytest.raises(IngestError, match=says):
        ingest_metrics_file(store, inc, DATA / name)
    assert len(store.query_df("SELECT * FROM metric_points")) == before
    assert [a.name for a in store.list_assets(inc.id)] == ["jvm-long.csv"]


def test_unknown_format_is_named(incident: tuple[Store, Incident], tmp_path: Path) -> None:
    store, inc = incident
    odd = tmp_path / "notes.txt"
    odd.write_text("the pool looked busy\naround two\n", encoding="utf-8")
    with pytest.raises(IngestError, match="Unknown metrics format"):
        ingest_metrics_file(store, inc, odd)


def test_gzipped_export_reads_like_plain(incident: tuple[Store, Incident], tmp_path: Path) -> None:
    store, inc = incident
    packed = tmp_path / "prometheus.txt.gz"
    packed.write_bytes(gzip.compress((DATA / "prometheus.txt").read_bytes()))
    assert ingest_metrics_file(store, inc, packed).status == "ok"


@pytest.mark.parametrize(("name", "labels", "expected"), [
    ("jvm_memory_used_bytes", (("area", "heap"), ("id", "G1 Eden Space")), "heap.used"),
    ("jvm_memory_used_bytes", (("area", "nonheap"),), None),
    ("jvm_memory_heap_max_mb", (), "heap.max"),
    ("jvm_gc_pause_seconds_max", (), "gc.pause"),
    ("jvm_gc_pause_seconds_count", (), "gc.count"),
    ("jvm_threads_states_threads", (("state", "blocked"),), "threads.blocked"),
    ("jvm_threads_states_threads", (("state", "runnable"),), None),
    ("jvm_threads_live_threads", (), "threads.live"),
    ("process_cpu_usage", (), "cpu"),
    ("system_cpu_usage", (), None),
    ("hikaricp_connections_pending", (("pool", "HikariPool-1"),), "hikari.pending"),
    ("db_pool_waiting", (), "hikari.pending"),
    ("jdbc_connections_active", (), "hikari.active"),
    ("hikaricp_connections_acquire_p99_ms", (), None),
    ("http_server_requests_per_s", (), "http.rate"),
    ("http_server_errors_per_s", (), None),
    ("http_server_requests_seconds", (("quantile", "0.95"),), "latency.p95"),
    ("http_p50_ms", (), "latency.p50"),
    ("tomcat_threads_busy_threads", (), None),
])
def test_canonical_names(name: str, labels: tuple[tuple[str, str], ...], expected: str | None) -> None:
    mapping = canonical_name(name, labels)
    assert (mapping.metric if mapping else None) == expected


def test_canonical_units() -> None:
    assert canonical_name("jvm_memory_heap_used_mb", ()).factor == 2**20  # type: ignore[union-attr]
    assert canonical_name("jvm_gc_pause_seconds_max", ()).factor == 1000  # type: ignore[union-attr]
    assert canonical_name("cpu_pct", ()).factor == 0.01  # type: ignore[union-attr]


# --- anomaly detection on synthetic series -------------------------------------------------------


def _minutes(n: int, start: datetime = START - timedelta(minutes=60)) -> pd.Series:
    return pd.Series(pd.date_range(start, periods=n, freq="min"))


def test_a_step_change_is_found_with_its_window() -> None:
    rng = np.random.default_rng(7)
    values = np.r_[rng.normal(10, 1, 62), rng.normal(40, 2, 20), rng.normal(10, 1, 18)]
    found = series_anomalies(_minutes(100), values, START)
    assert len(found) == 1
    a = found[0]
    assert (a.window_start, a.window_end) == (START + timedelta(minutes=2), START + timedelta(minutes=21))
    assert a.direction == "up" and 9 < a.baseline < 11 and a.peak > 40 and a.ratio > 3.5 and a.zscore > 10


def test_a_flat_noisy_series_and_a_single_spike_are_not_anomalies() -> None:
    rng = np.random.default_rng(11)
    values = rng.normal(400, 15, 120)
    assert series_anomalies(_minutes(120), values, START) == []
    values[90] = 4000  # one GC hiccup in a dense series
    assert series_anomalies(_minutes(120), values, START) == []


def test_a_zero_one_flicker_is_not_an_anomaly_but_a_real_rise_from_zero_is() -> None:
    values = np.array([0, 0, 1, 0, 0, 1, 1, 0, 0, 0] * 6 + [1, 1, 1, 0, 1, 1] + [25] * 10, dtype=float)
    found = series_anomalies(_minutes(len(values)), values, START)
    assert len(found) == 1 and found[0].peak == 25 and found[0].ratio is None
    assert found[0].window_start == START + timedelta(minutes=6)


def test_a_drop_is_found_going_down() -> None:
    values = np.r_[np.full(60, 25.0), np.full(15, 0.0)]
    (a,) = series_anomalies(_minutes(75), values, START)
    assert a.direction == "down" and a.peak == 0 and a.ratio == 0
