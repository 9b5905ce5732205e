"""Access logs: HTTP outcomes per endpoint become evidence, and never double as application errors."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from core.fusion.correlate import _error_series
from core.fusion.ledger import EvidenceLedger
from core.fusion.runtime_rules import add_runtime_evidence
from core.ingest.logs import ingest_log_file
from core.schema import Incident, IncidentDraft
from core.signals import access_endpoint_stats, access_series
from core.store import Store

CST = timezone(timedelta(hours=8))
ONSET = datetime(2026, 11, 20, 14, 1, tzinfo=CST)


def _incident() -> tuple[Store, Incident]:
    store = Store()
    return store, store.create_incident(IncidentDraft(
        title="t", severity="high", started_at=datetime(2026, 11, 20, 14, 5, tzinfo=CST), service="shop"))


def _access_log(path: Path) -> Path:
    """Ten minutes of traffic before 14:01 (all fine), ten after (orders fail half the time and slow down)."""
    lines = []
    for minute in range(-10, 10):
        for k in range(6):
            at = ONSET + timedelta(minutes=minute, seconds=k * 10)
            stamp = at.strftime("%d/%b/%Y:%H:%M:%S %z")
            failing = minute >= 0 and k % 2 == 0
            status, took = (504, 60.0) if failing else (201, 0.120 if minute < 0 else 0.300)
            lines.append(f'10.0.0.{k} - - [{stamp}] "POST /api/orders?src=app HTTP/1.1" {status} 0 "-" "ua" 312 '
                         f"{took:.3f} [shop-order-8080] [] 10.1.0.7:8080 0 {took:.3f} {status} {k:032x}")
            lines.append(f'10.0.0.{k} - - [{stamp}] "GET /api/orders/SO{minute + 100}{k} HTTP/1.1" 200 90 "-" "ua" '
                         "rt=0.010")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_endpoint_stats_fold_paths_into_routes_and_read_request_times(tmp_path: Path) -> None:
    store, inc = _incident()
    ingest_log_file(store, inc, _access_log(tmp_path / "access.log"))
    stats = access_endpoint_stats(store, inc.id, ONSET).set_index("endpoint")
    assert set(stats.index) == {"GET /api/orders/{}", "POST /api/orders"}
    orders = stats.loc["POST /api/orders"]
    assert (orders.n_before, orders.n_after) == (60, 60)
    assert (orders.err_before, orders.err_after) == (0.0, 0.5)
    assert orders.p99_after > 59_000 and orders.p99_before < 200  # ingress-nginx's request_time, in ms
    assert stats.loc["GET /api/orders/{}"].p99_after == 10.0  # from rt=


def test_access_log_findings_are_evidence_and_stay_out_of_the_app_error_rate(tmp_path: Path) -> None:
    store, inc = _incident()
    ingest_log_file(store, inc, _access_log(tmp_path / "access.log"))
    # Alone, the access log is all the incident has: its 5xx lines make the error series.
    assert _error_series(store, inc)["errors"].sum() == 30
    app = tmp_path / "app.log"
    app.write_text("2026-11-20 14:02:00.000 ERROR [exec-1] [] c.a.OrderService - lock wait timeout\n", encoding="utf-8")
    ingest_log_file(store, inc, app)
    assert _error_series(store, inc)["errors"].sum() == 1  # with an application log, only its errors count

    ledger = EvidenceLedger(inc.id)
    findings = add_runtime_evidence(store, inc, ledger, ONSET, set())
    edge = [e for e in findings.endpoints if e.source == "access_log"]
    assert [e.endpoint for e in edge] == ["POST /api/orders"]  # the GET route neither failed nor slowed
    entry = ledger.get(edge[0].evidence_id or "")
    assert entry is not None
    assert entry.kind == "log_burst" and entry.source == "access:/api/orders@access.log"
    assert "5xx 0.0% → 50% of requests" in entry.text and "p99 request time" in entry.text


def test_series_buckets_five_minutes_per_endpoint(tmp_path: Path) -> None:
    store, inc = _incident()
    ingest_log_file(store, inc, _access_log(tmp_path / "access.log"))
    series = access_series(store, inc.id, ["POST /api/orders"])
    assert set(series["endpoint"]) == {"POST /api/orders"} and series["requests"].sum() == 120
    assert len(series) == 5  # 13:51 to 14:10:50 falls in the buckets of 13:50, 13:55, 14:00, 14:05 and 14:10
    assert list(series["share"][series["minute"] < ONSET - timedelta(minutes=1)]) == [0.0, 0.0]
    assert list(series["share"][series["minute"] > ONSET]) == [0.5, 0.5]
    assert access_series(store, inc.id, []).empty
