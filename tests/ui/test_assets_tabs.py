"""The assets page's tabs: each renders without runtime assets and on the demo, showing what a user checks."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from app import resources
from core import views
from core.fusion.facts import FusedContext
from tests.ui.support import PAGES, new_app, no_exception, texts
from tests.ui.test_pages import LOG

TAB = "tribunal.assets_tab"
TABS = ("overview", "logs", "metrics", "traces", "sql", "evidence")


def open_tab(at: AppTest, name: str) -> AppTest:
    at.session_state[TAB] = name
    at.run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    return at


def _context(at: AppTest) -> FusedContext:
    """What fusion found for the demo (tests read evidence ids from it rather than hard-coding them)."""
    ctx = views.fused_context(resources.store(resources.settings()), at.session_state["tribunal.incident_id"])
    assert ctx is not None and ctx.runtime is not None and ctx.burst is not None
    return ctx


def _figure(at: AppTest, index: int = 0) -> dict[str, object]:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def test_every_tab_renders_for_an_incident_with_only_a_log(ui_home: Path) -> None:
    at = new_app(timeout=120).run()
    at.text_input(key="w.intake.title").set_value("Checkout 500s")
    at.text_input(key="w.intake.service").set_value("order-service")
    at.text_area(key="w.intake.pasted").set_value(LOG)
    at.button(key="w.intake.submit").click().run()
    seen = {}
    for name in TABS:
        seen[name] = texts(open_tab(at, name))
        if name == "overview":
            assert "pasted.log" in set(at.dataframe[0].value["name"])
    assert "Ingested assets" in seen["overview"]
    assert "Template bursts" in seen["logs"] and "Exception groups" in seen["logs"]
    assert "No JVM metrics were ingested" in seen["metrics"]
    assert "No traces were ingested" in seen["traces"]
    assert "No slow-SQL log was ingested" in seen["sql"]
    assert "Select a row to see where the evidence comes from." in seen["evidence"]


def test_a_tab_without_an_incident_points_to_intake(ui_home: Path) -> None:
    at = new_app().run()
    at.session_state[TAB] = "metrics"
    at.switch_page(PAGES["assets"]).run()
    no_exception(at)
    assert "Open an incident first" in texts(at)


def test_overview_lists_key_findings_with_their_evidence(demo_app: AppTest) -> None:
    at = open_tab(demo_app.switch_page(PAGES["assets"]), "overview")
    page = texts(at)
    assert "Key findings" in page and f":orange-badge[{_context(at).burst.evidence_id}]" in page, "findings cite ids"  # type: ignore[union-attr]
    assert "Ingested assets" in page and at.get("plotly_chart")
    timeline = _figure(at)
    labels = [a.get("text") for a in timeline["layout"]["annotations"]]  # type: ignore[index]
    assert "incident start" in labels and "error onset" in labels


def test_logs_tab_ranks_the_templates_that_burst_at_the_onset(demo_app: AppTest) -> None:
    at = open_tab(demo_app.switch_page(PAGES["assets"]), "logs")
    bursts = at.dataframe[0].value
    top = " | ".join(bursts["template"].head(4))
    assert "Lock wait timeout exceeded" in top and "SQL Error" in top, top
    assert (bursts["after"] > bursts["before"]).all() and bursts["jump"].is_monotonic_decreasing
    assert "Refresh of dataId" not in " ".join(bursts["template"]), "steady background noise is not a burst"
    names = {trace["name"] for trace in _figure(at)["data"]}  # type: ignore[index]
    assert len(names) == len(bursts)
    assert "Exception groups" in texts(at)


def test_logs_tab_shows_what_users_saw_in_the_access_log(demo_app: AppTest) -> None:
    at = open_tab(demo_app.switch_page(PAGES["assets"]), "logs")
    assert "What users saw (access logs)" in texts(at)
    cited = {e.evidence_id: e.endpoint for e in _context(at).runtime.endpoints if e.source == "access_log"}  # type: ignore[union-attr]
    table = at.dataframe[1].value
    assert table["evidence"][0] in cited and table["endpoint"][0] == "POST /api/orders"
    assert set(table["source"]) == {"runtime/ingress-nginx-access.log"}
    before, after = table["errors"][0].split(" → ")
    assert float(after.rstrip("%")) > float(before.rstrip("%"))
    shares = _figure(at, 1)
    assert next(trace["name"] for trace in shares["data"]) == "POST /api/orders"  # type: ignore[index]
    assert shares["layout"]["yaxis"]["ticksuffix"] == "%"  # type: ignore[index]


def test_metrics_tab_shades_the_cited_anomaly_windows(demo_app: AppTest) -> None:
    at = open_tab(demo_app.switch_page(PAGES["assets"]), "metrics")
    fig = _figure(at)
    titles = " ".join(str(a.get("text")) for a in fig["layout"]["annotations"])  # type: ignore[index]
    for panel in ("Connection pool", "Blocked threads", "p99 latency", "Heap", "GC pause"):
        assert panel in titles, panel
    runtime = _context(at).runtime
    assert runtime is not None
    ids = {f.metric: f.evidence_id for f in (*runtime.anomalies, *runtime.unchanged)}
    for metric in ("hikari.pending", "latency.p99", "threads.blocked"):
        assert f"<b>{ids[metric]}</b> {metric}" in titles, metric
    assert f"<b>{ids['heap.used']}</b> heap.used" in titles, "a metric that did not move is labelled too"
    shaded = [s for s in fig["layout"]["shapes"] if s.get("type") == "rect"]  # type: ignore[index, union-attr]
    assert len(shaded) >= 5
    chips = {b.label for b in at.button if b.key and b.key.startswith("chip-metric-")}
    assert {ids["hikari.pending"], ids["latency.p99"], ids["heap.used"]} <= chips
    before = len(fig["data"][0]["x"]) if isinstance(fig["data"][0]["x"], list) else None  # type: ignore[index]
    at.toggle(key="w.assets.metrics_whole").set_value(True).run()
    no_exception(at)
    assert _figure(at)["data"], "the whole series is drawn too"
    assert before is None or len(_figure(at)["data"][0]["x"]) >= before  # type: ignore[index]


def test_traces_tab_draws_the_worst_error_trace_with_its_critical_path(demo_app: AppTest) -> None:
    at = open_tab(demo_app.switch_page(PAGES["assets"]), "traces")
    runtime = _context(at).runtime
    assert runtime is not None
    endpoints = at.dataframe[0].value.set_index("endpoint")
    cited = next(e for e in runtime.endpoints if e.endpoint == "POST /api/orders")
    assert endpoints.loc["POST /api/orders", "evidence"] == cited.evidence_id
    picker = at.selectbox(key="w.assets.trace_pick")
    assert picker.value == runtime.traces[0].trace_id, "the cited trace is shown first"
    assert f"· {runtime.traces[0].evidence_id}" in picker.format_func(picker.value)
    fig = _figure(at)
    spans = [a["text"] for a in fig["layout"]["annotations"]]  # type: ignore[index]
    assert any("SELECT shop.inventory_item" in s for s in spans) and any("└" in s for s in spans), "nested spans"
    path = at.dataframe[1].value
    assert path["self"].max() > 40_000, "the critical path shows where the time went"
    other = picker.options[1]
    picker.set_value(other).run()
    no_exception(at)
    assert at.get("plotly_chart")


def test_slow_sql_tab_compares_before_and_after_with_for_update(demo_app: AppTest) -> None:
    at = open_tab(demo_app.switch_page(PAGES["assets"]), "sql")
    table = at.dataframe[0].value
    top = table.iloc[0]
    runtime = _context(at).runtime
    assert runtime is not None
    assert top["evidence"] == runtime.slow_queries[0].evidence_id
    assert bool(top["for_update"]) and "inventory_item" in top["tables"]
    before, after = (int(x) for x in top["n"].split(" → "))
    assert after > before, "the locking query ran more often after the onset"
    assert {"p95_before", "p95_after", "lock_before", "lock_after"} <= set(table.columns)
    assert "for update" in at.code[0].value.lower()


def test_evidence_tab_and_a_language_switch_keep_the_open_tab(demo_app: AppTest) -> None:
    at = open_tab(demo_app.switch_page(PAGES["assets"]), "evidence")
    ledger = at.dataframe[0].value
    assert ledger["id"].iloc[0] == "E1" and len(ledger) > 30
    open_tab(at, "metrics")
    at.segmented_control(key="w.lang").set_value("zh").run()
    no_exception(at)
    assert "被引用的指标证据" in texts(at), "still on the metrics tab, now in Chinese"
    at.segmented_control(key="w.lang").set_value("en").run()
    assert "Metric evidence" in texts(at)


def test_in_app_rules_from_the_logs_tab_change_what_is_app_code(ui_home: Path) -> None:
    """A user says a package is not app code: it is saved, frames are re-decided and the evidence fused again."""
    at = new_app(timeout=120).run()
    at.text_input(key="w.intake.title").set_value("Checkout 500s")
    at.text_input(key="w.intake.service").set_value("order-service")
    at.text_area(key="w.intake.pasted").set_value(LOG)
    at.button(key="w.intake.submit").click().run()
    open_tab(at, "logs")
    assert "marks the incident's own code" in texts(at)
    at.text_area(key="w.assets.in_app_include").set_value("com.shop.orders.\ncom.shop.stock.")
    at.text_area(key="w.assets.in_app_exclude").set_value("com.shop.orders.generated.")
    at.button[-1].click().run()
    no_exception(at)
    assert any("In-app rules applied" in s.value for s in at.success)
    store = resources.store(resources.settings())
    assert store.in_app_rules(at.session_state["tribunal.incident_id"]) == (
        ["com.shop.orders.", "com.shop.stock."], ["com.shop.orders.generated."])
