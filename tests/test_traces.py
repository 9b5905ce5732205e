"""Traces: OTLP, Jaeger and Zipkin into one spans table; critical paths, endpoint latency, the log join."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from core.errors import IngestError
from core.ingest.logs import ingest_log_file
from core.ingest.runtime.traces import critical_path, ingest_trace_file, norm_trace_id
from core.schema import Incident, IncidentDraft
from core.signals import endpoint_stats, logged_trace_ids, trace_summaries
from core.store import Store
from tests.conftest import START, ZONE

DATA = Path(__file__).parent / "data" / "runtime"
ONSET = datetime(2026, 11, 20, 14, 2, tzinfo=ZONE)
LOGGED = "4bf92f3577b34da6a3ce929d0e0e4736"  # the OTLP sample's 14:03:05 trace


@pytest.fixture
def incident() -> tuple[Store, Incident]:
    store = Store()
    return store, store.create_incident(IncidentDraft(title="t", severity="high", started_at=START, service="svc"))


def _spans(store: Store) -> pd.DataFrame:
    return store.query_df("SELECT * FROM spans ORDER BY start_ts, span_id")


def test_otlp_spans_errors_attributes_and_exception_events(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    asset = ingest_trace_file(store, inc, DATA / "otlp.json")
    assert (asset.kind, asset.status, asset.items) == ("trace", "ok", 32)
    spans = _spans(store)
    assert spans["trace_id"].nunique() == 8 and spans["trace_id"].str.fullmatch(r"[0-9a-f]{32}").all()
    roots = spans[spans["parent_id"].isna()]
    assert set(roots["http_route"]) == {"/api/orders"} and set(roots["span_kind"]) == {"SERVER"}
    failed = roots[roots["error"]]
    assert len(failed) == 4 and (failed["start_ts"] >= pd.Timestamp(ONSET)).all()
    assert set(failed["exception_type"]) == {"org.springframework.dao.CannotAcquireLockException"}
    assert set(failed["http_status"]) == {500}
    db = spans[spans["db_statement"].notna()]
    assert len(db) == 8 and db["db_statement"].str.contains("FOR UPDATE").all()
    slow = failed.iloc[0]
    assert 29_000 < slow["duration_ms"] < 31_000


def test_jaeger_references_processes_and_error_logs(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    ingest_trace_file(store, inc, DATA / "jaeger.json")
    spans = _spans(store).set_index("span_id")
    server = spans.loc["0000000000000001"]
    assert server["trace_id"] == "00000000000000000000000000abcdef"  # short ids are left-padded
    assert (server["service"], server["span_kind"], server["http_route"], bool(server["error"])) == (
        "stock-service", "SERVER", "/api/stock", True)
    assert server["exception_type"] == "java.sql.SQLTransientConnectionException"
    child = spans.loc["0000000000000002"]
    assert (child["parent_id"], child["service"]) == ("0000000000000001", "hikari")
    assert child["duration_ms"] == pytest.approx(1950.0)


def test_zipkin_v2_microseconds_and_error_tag(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    ingest_trace_file(store, inc, DATA / "zipkin.json")
    spans = _spans(store)
    assert set(spans["trace_id"]) == {"0000000000000000463ac35c9f6413ad", "00000000000000005af7183fb1d4cf5f"}
    gateway = spans[spans["name"] == "post /api/orders"].iloc[0]
    assert gateway["duration_ms"] == pytest.approx(31_000.0) and gateway["error"]
    assert gateway["status_message"] == "504 Gateway Timeout" and gateway["http_route"] == "/api/orders"
    assert gateway["start_ts"].tz_convert(ZONE).strftime("%H:%M") == "14:04"


def test_partly_bad_zipkin_lands_with_counts(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    asset = ingest_trace_file(store, inc, DATA / "zipkin-partial.json")
    assert asset.status == "warning" and asset.items == 3
    assert "3 span(s) skipped" in asset.message and "1 no trace or span id" in asset.message


@pytest.mark.parametrize(("name", "says"), [
    ("otlp-truncated.json", "truncated JSON"),
    ("binary.json", "binary"),
    ("empty.csv", "empty"),
    ("unknown-shape.json", "unknown trace format"),
    ("jvm-wide.csv", "not JSON"),
])
def test_bad_trace_files_are_clear_errors_and_write_nothing(
    incident: tuple[Store, Incident], name: str, says: str
) -> None:
    store, inc = incident
    ingest_trace_file(store, inc, DATA / "zipkin.json")
    with pytest.raises(IngestError, match=says):
        ingest_trace_file(store, inc, DATA / name)
    assert len(_spans(store)) == 3 and len(store.list_assets(inc.id)) == 1


def test_trace_ids_are_normalised() -> None:
    assert norm_trace_id("4BF92F3577B34DA6A3CE929D0E0E4736") == LOGGED
    assert norm_trace_id("463ac35c9f6413ad") == "0000000000000000463ac35c9f6413ad"
    assert norm_trace_id("S/kvNXezTaajzpKdDg5HNg==") == LOGGED  # protobuf-JSON base64
    assert norm_trace_id("0" * 32) is None and norm_trace_id("not-an-id") is None


# --- critical path ------------------------------------------------------------------------------


def _frame(rows: list[tuple[str, str | None, int, int]]) -> pd.DataFrame:
    """(span id, parent, start ms, end ms) → the columns critical_path reads."""
    base = datetime(2026, 11, 20, 6, 0)
    return pd.DataFrame([{
        "span_id": sid, "parent_id": parent, "service": "svc", "name": sid, "error": False, "db_statement": None,
        "start_ts": pd.Timestamp(base + timedelta(milliseconds=start), tz="UTC"),
        "end_ts": pd.Timestamp(base + timedelta(milliseconds=end), tz="UTC"), "duration_ms": float(end - start),
    } for sid, parent, start, end in rows])


def test_critical_path_follows_self_time_not_span_count() -> None:
    spans = _frame([
        ("root", None, 0, 100),
        ("a", "root", 0, 30), ("a1", "a", 1, 10), ("a2", "a", 10, 20), ("a3", "a", 20, 29),
        ("b", "root", 30, 95), ("c", "b", 35, 90),
    ])
    path = critical_path(spans)
    assert [s.span_id for s in path] == ["root", "b", "c"]
    assert [s.self_ms for s in path] == [5.0, 10.0, 55.0]
    assert max(path, key=lambda s: s.self_ms).name == "c"


def test_critical_path_survives_overlap_skew_orphans_and_cycles() -> None:
    # Parallel children overlap (their union counts once); a child outlives its parent (clock skew).
    spans = _frame([("root", None, 0, 100), ("x", "root", 10, 60), ("y", "root", 40, 120), ("lost", "gone", 0, 10)])
    path = critical_path(spans)
    assert path[0].span_id == "root" and path[0].self_ms == 10.0
    cycle = _frame([("p", "q", 0, 10), ("q", "p", 0, 20)])
    assert {s.span_id for s in critical_path(cycle)} <= {"p", "q"}
    assert critical_path(_frame([])) == []


# --- analysis over the store ---------------------------------------------------------------------


def test_endpoint_latency_and_error_rate_before_and_after_the_onset(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    ingest_trace_file(store, inc, DATA / "otlp.json")
    stats = endpoint_stats(store, inc.id, ONSET).set_index("endpoint")
    orders = stats.loc["POST /api/orders"]
    assert (orders["n_before"], orders["n_after"]) == (4, 4)
    assert (orders["err_before"], orders["err_after"]) == (0.0, 1.0)
    assert orders["p99_before"] < 100 and orders["p99_after"] > 29_000
    summary = trace_summaries(store, inc.id)
    assert len(summary) == 8 and (summary["endpoint"] == "POST /api/orders").all()


def test_traces_carrying_logged_exceptions(incident: tuple[Store, Incident], tmp_path: Path) -> None:
    store, inc = incident
    ingest_trace_file(store, inc, DATA / "otlp.json")
    log = tmp_path / "app.log"
    log.write_text(
        f"2026-11-20 14:03:35.100 ERROR [exec-3] [{LOGGED.upper()}] c.a.s.OrderController - Order failed\n"
        "org.springframework.dao.CannotAcquireLockException: could not execute statement\n"
        "\tat com.acme.shop.stock.application.StockService.reserve(StockService.java:14)\n"
        "2026-11-20 14:03:36.000 INFO [exec-4] [aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa] c.a.s.OrderController - ok\n",
        encoding="utf-8",
    )
    ingest_log_file(store, inc, log)
    assert logged_trace_ids(store, inc.id) == {LOGGED}
    summary = trace_summaries(store, inc.id).set_index("trace_id")
    assert summary.loc[LOGGED, "error_spans"] == 4
