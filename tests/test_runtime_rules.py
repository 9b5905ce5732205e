"""Runtime evidence: anomalies and flat metrics, slow SQL and traces become a modest set of citable facts."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from core.fusion.ledger import EvidenceLedger
from core.fusion.runtime_rules import RuntimeFindings, add_runtime_evidence
from core.ingest.logs import ingest_log_file
from core.ingest.runtime import ingest_metrics_file, ingest_slow_sql_file, ingest_trace_file
from core.schema import Evidence, Incident, IncidentDraft
from core.store import Store
from tests.conftest import START, ZONE

DATA = Path(__file__).parent / "data" / "runtime"
ROOT = Path(__file__).resolve().parents[1]
ONSET = datetime(2026, 11, 20, 14, 2, tzinfo=ZONE)
LOGGED = "4bf92f3577b34da6a3ce929d0e0e4736"


def _incident(started_at: datetime = START) -> tuple[Store, Incident]:
    store = Store()
    return store, store.create_incident(IncidentDraft(title="t", severity="high", started_at=started_at, service="svc"))


@pytest.fixture
def samples(tmp_path: Path) -> tuple[Store, Incident]:
    store, inc = _incident()
    ingest_metrics_file(store, inc, DATA / "jvm-wide.csv")
    ingest_trace_file(store, inc, DATA / "otlp.json")
    ingest_slow_sql_file(store, inc, DATA / "mysql-slow.log")
    log = tmp_path / "app.log"
    log.write_text(
        f"2026-11-20 14:03:35.100 ERROR [exec-3] [{LOGGED}] c.a.s.OrderController - Order failed\n"
        "org.springframework.dao.CannotAcquireLockException: could not execute statement\n"
        "\tat com.acme.shop.stock.application.StockService.reserve(StockService.java:14)\n", encoding="utf-8")
    ingest_log_file(store, inc, log)
    return store, inc


def _by_kind(ledger: EvidenceLedger) -> dict[str, list[Evidence]]:
    out: dict[str, list[Evidence]] = {}
    for e in ledger.items():
        out.setdefault(e.kind, []).append(e)
    return out


def test_metric_anomalies_name_baseline_peak_and_timing(samples: tuple[Store, Incident]) -> None:
    store, inc = samples
    ledger = EvidenceLedger(inc.id)
    found = add_runtime_evidence(store, inc, ledger, ONSET, set())
    assert found.anomalies[0].metric == "hikari.pending"
    assert {"hikari.pending", "threads.blocked", "latency.p99"} <= {a.metric for a in found.anomalies[:4]}
    pending = ledger.get(found.anomalies[0].evidence_id or "")
    assert pending is not None and pending.source == "metric:hikari.pending@14:02-14:40"
    assert "from a baseline of 0 connections to 60 connections" in pending.text
    assert "at the error onset (14:02)" in pending.text and pending.ref["changed"] == 1
    p99 = next(a for a in found.anomalies if a.metric == "latency.p99")
    assert "× the baseline" in ledger.get(p99.evidence_id or "").text  # type: ignore[union-attr]


def test_metrics_that_did_not_move_are_negative_evidence(samples: tuple[Store, Incident]) -> None:
    store, inc = samples
    ledger = EvidenceLedger(inc.id)
    found = add_runtime_evidence(store, inc, ledger, ONSET, set())
    assert [u.metric for u in found.unchanged] == ["heap.used", "gc.pause"]
    heap = ledger.get(found.unchanged[0].evidence_id or "")
    assert heap is not None and heap.kind == "metric_anomaly" and heap.source == "metric:heap.used@no-change"
    assert "no change" in heap.text and "memory leak" in heap.text and not heap.ref["changed"]
    assert all(u.metric not in {a.metric for a in found.anomalies} for u in found.unchanged)


def test_slow_sql_evidence_compares_before_and_after(samples: tuple[Store, Incident]) -> None:
    store, inc = samples
    ledger = EvidenceLedger(inc.id)
    found = add_runtime_evidence(store, inc, ledger, ONSET, set())
    top = found.slow_queries[0]
    assert top.for_update and top.tables == ["inventory"] and (top.n_before, top.n_after) == (0, 17)
    fact = ledger.get(top.evidence_id or "")
    assert fact is not None and fact.source == f"sql:{top.fingerprint_id}"
    assert fact.text.startswith("SELECT … FOR UPDATE on inventory: 0 slow execution(s) before the error onset")
    assert "lock wait p95 — →" in fact.text and "`SELECT id, sku, qty FROM inventory WHERE sku = ?" in fact.text


def test_trace_evidence_endpoint_critical_path_and_log_join(samples: tuple[Store, Incident]) -> None:
    store, inc = samples
    ledger = EvidenceLedger(inc.id)
    found = add_runtime_evidence(store, inc, ledger, ONSET, set())
    (endpoint,) = found.endpoints
    assert (endpoint.error_rate_before, endpoint.error_rate_after) == (0.0, 1.0)
    assert ledger.get(endpoint.evidence_id or "").source == "trace:endpoint:/api/orders"  # type: ignore[union-attr]
    slowest = found.traces[0]
    assert slowest.hot_span == "SELECT shop.inventory" and slowest.hot_self_ms > 29_000
    assert [s.name for s in slowest.critical_path] == [
        "POST /api/orders", "OrderService.create", "StockService.reserve", "SELECT shop.inventory"]
    text = ledger.get(slowest.evidence_id or "").text  # type: ignore[union-attr]
    assert "SELECT shop.inventory holds" in text and "FOR UPDATE" in text and "CannotAcquireLockException" in text
    assert found.logged_error_traces == 1
    join = next(e for e in ledger.items() if e.source == "trace:log-join")
    assert join.text.startswith("1 of 4 error trace(s) share their trace id with an error in the logs")


def test_error_trace_ids_from_the_caller_count_as_logged(samples: tuple[Store, Incident]) -> None:
    store, inc = samples
    slowest = add_runtime_evidence(store, inc, EvidenceLedger(inc.id), ONSET, set()).traces[0]
    found = add_runtime_evidence(store, inc, EvidenceLedger(inc.id), ONSET, {slowest.trace_id.upper()})
    assert found.traces[0].carries_logged_exception and found.logged_error_traces == 2


def test_evidence_stays_modest_and_stable(samples: tuple[Store, Incident]) -> None:
    store, inc = samples
    ledger = EvidenceLedger(inc.id)
    first = add_runtime_evidence(store, inc, ledger, ONSET, set())
    ids = [e.id for e in ledger.items()]
    again = add_runtime_evidence(store, inc, ledger, ONSET, set())
    assert [e.id for e in ledger.items()] == ids  # same facts, same ids
    assert again.anomalies[0].evidence_id == first.anomalies[0].evidence_id
    counts = Counter(e.kind for e in ledger.items())
    assert set(counts) == {"metric_anomaly", "slow_sql", "trace"} and max(counts.values()) <= 8
    assert RuntimeFindings.model_validate_json(first.model_dump_json()) == first


def test_without_an_onset_the_reported_start_is_the_reference(samples: tuple[Store, Incident]) -> None:
    store, inc = samples
    ledger = EvidenceLedger(inc.id)
    found = add_runtime_evidence(store, inc, ledger, None, set())
    assert found.reference == START and found.reference_kind == "reported start"
    assert "2 min after the reported start (14:00)" in ledger.get(found.anomalies[0].evidence_id or "").text  # type: ignore[union-attr]


def test_an_incident_without_runtime_assets_adds_nothing() -> None:
    store, inc = _incident()
    ledger = EvidenceLedger(inc.id)
    found = add_runtime_evidence(store, inc, ledger, ONSET, {LOGGED})
    assert len(ledger) == 0 and not (found.anomalies or found.unchanged or found.slow_queries or found.traces)


def test_demo_bundle_runtime_evidence(tmp_path: Path) -> None:
    if not (ROOT / "data" / "build_demo.py").exists():
        pytest.skip("data/build_demo.py (the demo bundle builder) is not in this tree yet")
    from data.build_demo import build_demo_bundle

    bundle = build_demo_bundle(tmp_path / "demo")
    runtime = bundle / "runtime"
    spec = yaml.safe_load((bundle / "incident.yaml").read_text(encoding="utf-8"))
    store, inc = _incident(datetime.fromisoformat(str(spec["started_at"])))
    for path in (runtime / "metrics" / "jvm-metrics.csv", runtime / "metrics" / "prometheus.txt"):
        assert ingest_metrics_file(store, inc, path).status == "ok"
    assert ingest_trace_file(store, inc, runtime / "traces" / "traces.json").status == "ok"
    assert ingest_slow_sql_file(store, inc, runtime / "sql" / "mysql-slow.log").status == "ok"
    ledger = EvidenceLedger(inc.id)
    found = add_runtime_evidence(store, inc, ledger, None, set())
    top = [a.metric for a in found.anomalies]
    assert top[0] == "hikari.pending" and {"threads.blocked", "latency.p99"} <= set(top[:5])
    assert "heap.used" in [u.metric for u in found.unchanged]
    assert "heap.used" not in top
    query = found.slow_queries[0]
    assert query.for_update and query.tables == ["inventory_item"] and query.statement_kind == "select"
    assert found.traces[0].hot_span.startswith("SELECT") and "inventory_item" in found.traces[0].hot_span
    kinds = Counter(e.kind for e in ledger.items())
    assert max(kinds.values()) <= 8
