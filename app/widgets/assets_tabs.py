"""The assets page's tabs: overview, logs & exceptions, metrics, traces, slow SQL and the evidence ledger.

Each tab reads what it shows through core (pipeline and core.views) only when it is open.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from app import resources, state
from app.access import can, principal
from app.i18n import t
from app.intake_flow import add_files, apply_in_app_rules
from app.state import Keys
from app.state import Widgets as W
from app.widgets.charts import error_rate_figure, show_chart
from app.widgets.evidence import citation_chips, evidence_kind, open_source
from app.widgets.log_format import log_format_select
from app.widgets.runtime_charts import (
    access_errors_figure,
    metric_panels_figure,
    template_bursts_figure,
    waterfall_figure,
)
from core import pipeline, views
from core.config import Settings
from core.errors import TribunalError
from core.fusion.facts import FusedContext
from core.fusion.ledger import evidence_text
from core.fusion.runtime_rules import MetricFinding, share
from core.plain_text import human_size, md_data, md_literal, zone_name
from core.schema import Asset, Evidence, Incident
from core.signals import template_bursts  # fusion's own ranking, so the chart shows what the evidence cites
from core.store import Store

__all__ = [
    "TABS",
    "evidence_tab",
    "logs_tab",
    "metrics_tab",
    "overview_tab",
    "remember_tab",
    "slow_sql_tab",
    "tab_labels",
    "traces_tab",
]

TABS = ("overview", "logs", "metrics", "traces", "sql", "evidence")
_ICONS = {"overview": "dashboard", "logs": "receipt_long", "metrics": "monitoring", "traces": "account_tree",
          "sql": "database", "evidence": "fact_check"}
_CITE = re.compile(r"\[(E\d+)\]")


def tab_labels() -> dict[str, str]:
    return {tab: f":material/{_ICONS[tab]}: {t('assets.tab_' + tab)}" for tab in TABS}


def remember_tab() -> None:
    """Widget callback: keep the open tab by id, so it survives a language switch (its label changes)."""
    label = st.session_state.get(W.ASSETS_TAB)
    st.session_state[Keys.ASSETS_TAB] = next((k for k, v in tab_labels().items() if v == label), "overview")


def _clock(ts: object, zone: object) -> str:
    if ts is None or (isinstance(ts, float) and pd.isna(ts)) or ts is pd.NaT:
        return "—"
    return pd.Timestamp(ts).tz_convert(zone).strftime("%H:%M:%S")


def _stamp(ts: object, started_at: datetime) -> str:
    """``11-20 14:01:00 UTC+08:00``: a stored (UTC) time in the incident's zone, with the zone."""
    if ts is None or (isinstance(ts, float) and pd.isna(ts)) or ts is pd.NaT:
        return "—"
    stamp = pd.Timestamp(ts)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return f"{stamp.tz_convert(started_at.tzinfo).strftime('%m-%d %H:%M:%S')} {zone_name(started_at)}"


def _finding_line(text: str) -> str:
    return "- " + _CITE.sub(r":orange-badge[\1]", md_data(text))


# --- overview --------------------------------------------------------------------------------------


def overview_tab(store: Store, cfg: Settings, incident: Incident, ctx: FusedContext | None, assets: list[Asset],
                 timeline: pd.DataFrame) -> None:
    left, right = st.columns([0.42, 0.58], gap="large")
    with left:
        st.markdown(f"**{t('assets.key_findings')}**")
        if ctx is not None and ctx.key_findings:
            st.markdown("\n".join(_finding_line(k) for k in ctx.findings_in(state.language())))
        else:
            st.caption(t("assets.no_findings"))
    with right:
        st.markdown(f"**{t('assets.timeline')}**")
        if timeline.empty:
            st.caption(t("assets.no_timeline"))
        else:
            show_chart(error_rate_figure(timeline, incident.started_at, views.onset_of(ctx)), key="chart-timeline")
    st.subheader(t("assets.ingested"))
    if assets:
        icons = {"ok": "✓", "warning": "⚠", "error": "✗", "stored": "·"}
        table = pd.DataFrame([{
            "status": f"{icons.get(a.status, '')} {t('asset_status.' + a.status)}", "kind": a.kind, "name": a.name,
            "items": a.items, "size": human_size(a.size_bytes) if a.size_bytes else "—", "message": a.message,
        } for a in assets])
        st.dataframe(table, hide_index=True, column_config={
            "status": t("assets.col_status"), "kind": t("assets.col_kind"), "name": t("assets.col_name"),
            "items": st.column_config.NumberColumn(t("assets.col_items"), format="%d"),
            "size": st.column_config.TextColumn(t("assets.col_size")),
            "message": st.column_config.TextColumn(t("assets.col_message"), width="large"),
        })
        for a in assets:
            if a.status == "error":
                st.error(f"**{md_literal(a.name)}** — {md_data(a.message)}")
    else:
        st.info(t("assets.none"))
    if not can("analyst"):
        return  # a viewer reads; adding assets is an analyst's (and core refuses it too)
    with (st.expander(t("assets.add"), icon=":material/upload_file:"),
          st.form(W.ADD_ASSETS, border=False, clear_on_submit=True)):
        more = st.file_uploader(t("intake.field_files"), accept_multiple_files=True, help=t("intake.field_files_help"))
        pasted = st.text_area(t("assets.add_paste"), height=120, key=W.ADD_PASTE)
        log_format = log_format_select(W.ADD_LOG_FORMAT, t("log_format.help"))
        if st.form_submit_button(t("assets.add_button"), type="primary", key=W.ADD_GO):
            files = [(f.name, f.getvalue()) for f in more or []]
            files += [("pasted.log", pasted.encode())] if pasted.strip() else []
            try:
                with st.status(t("assets.adding"), expanded=False) as status:
                    add_files(store, cfg, incident, files,
                              lambda msg, frac: status.update(label=f"{t('assets.adding')} {frac:.0%}"),
                              log_format=log_format, actor=principal(), jobs=resources.jobs(cfg))
            except TribunalError as exc:
                st.error(str(exc))
            else:
                st.rerun()


# --- logs and exceptions ---------------------------------------------------------------------------


def logs_tab(store: Store, incident: Incident, ctx: FusedContext | None, groups: pd.DataFrame) -> None:
    onset = views.onset_of(ctx)
    st.subheader(t("logs.bursts"))
    reference = onset or incident.started_at
    bursts = template_bursts(store, incident.id, reference)
    if bursts.table.empty:
        st.caption(t("logs.no_bursts"))
    else:
        st.caption(t("logs.bursts_help", before=f"{bursts.before_minutes:.0f}", after=f"{bursts.after_minutes:.0f}",
                     ref=t("assets.error_onset") if onset else t("assets.incident_start")))
        show_chart(template_bursts_figure(bursts.series, bursts.table, incident.started_at, onset), key="chart-bursts")
        zone = incident.started_at.tzinfo
        table = pd.DataFrame({
            "template": bursts.table["template"], "level": bursts.table["level"],
            "before": bursts.table["rate_before"], "after": bursts.table["rate_after"], "jump": bursts.table["jump"],
            "first": [_clock(x, zone) for x in bursts.table["first_after"]],
        })
        st.dataframe(table, hide_index=True, column_config={
            "template": st.column_config.TextColumn(t("logs.col_template"), width="large"),
            "level": t("logs.col_level"),
            "before": st.column_config.NumberColumn(t("logs.col_before"), format="%.2f"),
            "after": st.column_config.NumberColumn(t("logs.col_after"), format="%.2f"),
            "jump": st.column_config.NumberColumn(t("logs.col_jump"), format="×%.1f"),
            "first": f"{t('logs.col_first')} ({zone_name(incident.started_at)})",
        })
    _access_section(store, incident, ctx, reference,
                    ref=t("assets.error_onset") if onset else t("assets.incident_start"))
    st.subheader(t("assets.groups"))
    if groups.empty:
        st.caption(t("assets.no_groups"))
        return
    samples = pipeline.exception_samples(store, incident.id)
    st.caption(t("assets.frames_legend"))
    for row in groups.to_dict("records"):
        root = f" ← `{row['root_type']}`" if row["root_type"] != row["exc_type"] else ""
        with st.expander(f"**{row['count']}×** `{row['exc_type']}`{root} · {row['top_frame']}"):
            st.caption(t("assets.seen", first=_stamp(row["first_seen"], incident.started_at),
                         last=_stamp(row["last_seen"], incident.started_at)))
            sample = samples.get(row["fingerprint"])
            if sample is not None:
                lines = [f"{sample.exc_type}: {sample.message}"]
                for frame in sample.frames:
                    mark = "▶" if frame.in_app else " "
                    lines.append(f"{mark}   at {frame.symbol}({frame.file or '?'}:{frame.line or '?'})")
                lines += [f"Caused by: {c.exc_type}: {c.message}" for c in sample.causes]
                st.code("\n".join(lines), language="text", wrap_lines=True)
    in_app_rules(store, incident)


def in_app_rules(store: Store, incident: Incident) -> None:
    """The user's in-app package prefixes, like Sentry's in-app rules: they win over the repository."""
    if not can("analyst"):
        return
    include, exclude = store.in_app_rules(incident.id)
    with st.expander(t("assets.in_app")), st.form(W.IN_APP_APPLY):
        st.caption(t("assets.in_app_help"))
        inc = st.text_area(t("assets.in_app_include"), "\n".join(include), key=W.IN_APP_INCLUDE, height=80)
        exc = st.text_area(t("assets.in_app_exclude"), "\n".join(exclude), key=W.IN_APP_EXCLUDE, height=80)
        if st.form_submit_button(t("assets.in_app_apply")):
            try:
                cfg = resources.settings()
                apply_in_app_rules(store, cfg, incident, inc, exc, actor=principal(), jobs=resources.jobs(cfg))
            except TribunalError as exc_:
                st.error(str(exc_))
            else:
                st.success(t("assets.in_app_done"))


def _access_section(store: Store, incident: Incident, ctx: FusedContext | None, reference: datetime, ref: str) -> None:
    """Access logs, when the incident has any: the 5xx share per route over time, and per route before vs after."""
    view = views.access_view(store, incident.id, reference, ctx)
    if view.table.empty:
        return
    st.subheader(t("logs.access"))
    st.caption(t("logs.access_help", ref=ref))
    show_chart(access_errors_figure(view.series, incident.started_at, views.onset_of(ctx),
                                         list(view.table["endpoint"])), key="chart-access")
    table = view.table
    st.dataframe(pd.DataFrame({
        "evidence": table["evidence_id"].fillna(""), "endpoint": table["endpoint"], "source": table["service"],
        "n": [f"{b:,} → {a:,}" for b, a in zip(table["n_before"], table["n_after"], strict=True)],
        "errors": [f"{share(b)} → {share(a)}" for b, a in zip(table["err_before"], table["err_after"], strict=True)],
        "p99_before": pd.to_numeric(table["p99_before"]), "p99_after": pd.to_numeric(table["p99_after"]),
    }), hide_index=True, column_config={
        "evidence": st.column_config.TextColumn("ID", width="small"),
        "endpoint": st.column_config.TextColumn(t("logs.col_endpoint"), width="medium"),
        "source": t("logs.col_source"), "n": t("logs.col_requests"), "errors": t("logs.col_5xx"),
        "p99_before": st.column_config.NumberColumn(t("logs.col_p99_before"), format="%,.0f ms"),
        "p99_after": st.column_config.NumberColumn(t("logs.col_p99_after"), format="%,.0f ms"),
    })


# --- metrics ---------------------------------------------------------------------------------------


def _value(value: float, unit: str) -> str:
    if unit == "bytes":
        return f"{value / 1024 ** 2:,.0f} MiB"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    if unit in ("threads", "connections", "count"):  # counted things: "1 thread", "36 connections", "36 个连接"
        return t(f"unit.{unit}" + (".one" if value == 1 else ""), v=text)
    return f"{text} {unit}".strip()


def _metric_text(f: MetricFinding) -> str:
    if not f.changed:
        level = f.after_median if f.after_median is not None else f.baseline
        return t("metrics.finding_flat", metric=f.metric, value=_value(level, f.unit))
    return t("metrics.finding_moved", metric=f.metric, base=_value(f.baseline, f.unit), peak=_value(f.peak, f.unit))


def metrics_tab(store: Store, incident: Incident, ctx: FusedContext | None, evidence: dict[str, Evidence]) -> None:
    onset = views.onset_of(ctx)
    reference = onset or incident.started_at
    whole = st.toggle(t("metrics.whole"), key=W.METRICS_WHOLE, help=t("metrics.whole_help"))
    since = None if whole else reference - timedelta(minutes=60)
    panels = views.metric_panels(store, incident.id, since=since)
    if not panels:
        st.info(t("metrics.none"), icon=":material/monitoring:")
        return
    runtime = ctx.runtime if ctx is not None else None
    anomalies = runtime.anomalies if runtime else []
    flat = runtime.unchanged if runtime else []
    fig = metric_panels_figure(panels, anomalies, views.anomaly_windows(store, incident.id), incident.started_at, onset,
                               since, flat=flat)
    st.caption(t("metrics.legend"))
    show_chart(fig, key="chart-metrics")
    cited = [f for f in (*anomalies, *flat) if f.evidence_id]
    if cited:
        st.markdown(f"**{t('metrics.cited')}**")
        cols = st.columns(2)
        for i, f in enumerate(cited):
            with cols[i % 2]:
                chip, text = st.columns([0.16, 0.84], vertical_alignment="center")
                with chip:
                    citation_chips([f.evidence_id or ""], evidence, f"metric-{i}", incident.id)
                text.markdown(_metric_text(f))


# --- traces ----------------------------------------------------------------------------------------


def _pct(value: object) -> str:
    return "—" if value is None or pd.isna(value) else f"{float(value):.0%}"  # type: ignore[arg-type]


def traces_tab(store: Store, incident: Incident, ctx: FusedContext | None) -> None:
    onset = views.onset_of(ctx) or incident.started_at
    endpoints = views.endpoint_table(store, incident.id, onset, ctx)
    traces = views.error_traces(store, incident.id)
    if endpoints.empty and traces.empty:
        st.info(t("traces.none"), icon=":material/account_tree:")
        return
    st.subheader(t("traces.endpoints"))
    st.dataframe(pd.DataFrame({
        "evidence": endpoints["evidence_id"].fillna(""), "endpoint": endpoints["endpoint"],
        "service": endpoints["service"],
        "n": [f"{b} → {a}" for b, a in zip(endpoints["n_before"], endpoints["n_after"], strict=True)],
        "errors": [f"{_pct(b)} → {_pct(a)}"
                   for b, a in zip(endpoints["err_before"], endpoints["err_after"], strict=True)],
        "p99_before": pd.to_numeric(endpoints["p99_before"]), "p99_after": pd.to_numeric(endpoints["p99_after"]),
    }), hide_index=True, column_config={
        "evidence": st.column_config.TextColumn("ID", width="small"), "endpoint": t("traces.col_endpoint"),
        "service": t("traces.col_service"), "n": t("traces.col_requests"), "errors": t("traces.col_errors"),
        "p99_before": st.column_config.NumberColumn(t("traces.col_p99_before"), format="%,.0f ms"),
        "p99_after": st.column_config.NumberColumn(t("traces.col_p99_after"), format="%,.0f ms"),
    })
    if traces.empty:
        st.caption(t("traces.no_errors"))
        return
    st.subheader(t("traces.waterfall"))
    cited = {tr.trace_id: tr.evidence_id for tr in (ctx.runtime.traces if ctx and ctx.runtime else [])}
    zone = incident.started_at.tzinfo
    by_id = {r.trace_id: r for r in traces.itertuples(index=False)}
    ids = list(by_id)
    default = next((i for i, tid in enumerate(ids) if tid in cited), 0)

    # Labels are built here: a format_func runs outside the script run, where the language cannot be read.
    labels = {}
    for tid, r in by_id.items():
        ev = f" · {cited[tid]}" if cited.get(tid) else ""
        labels[tid] = (f"{r.endpoint} · {r.duration_ms / 1000:,.1f} s · "
                       f"{t('traces.spans', n=r.spans, e=r.error_spans)} · "
                       f"{_clock(r.start_ts, zone)} · {tid[:8]}{ev}")

    picked = st.selectbox(t("traces.pick"), ids, index=default, format_func=labels.__getitem__, key=W.TRACE_PICK)
    spans = views.trace_waterfall(store, incident.id, picked or ids[default])
    if spans.empty:
        st.caption(t("traces.no_spans"))
        return
    show_chart(waterfall_figure(spans), key="chart-waterfall")
    path = spans[spans["critical"]]
    st.markdown(f"**{t('traces.critical_path')}**")
    st.dataframe(pd.DataFrame({
        "span": ["\u2003" * int(d) + str(n) for d, n in zip(path["depth"], path["name"], strict=True)],
        "service": path["service"], "self": path["self_ms"], "duration": path["duration_ms"],
        "error": path["error"], "detail": path["exception_type"].fillna(path["db_statement"]).fillna(""),
    }), hide_index=True, column_config={
        "span": st.column_config.TextColumn(t("traces.col_span"), width="large"), "service": t("traces.col_service"),
        "self": st.column_config.ProgressColumn(t("traces.col_self"), format="%,.0f ms", min_value=0.0,
                                                max_value=float(max(path["duration_ms"].max(), 1.0))),
        "duration": st.column_config.NumberColumn(t("traces.col_duration"), format="%,.0f ms"),
        "error": st.column_config.CheckboxColumn(t("traces.col_error")),
        "detail": st.column_config.TextColumn(t("traces.col_detail"), width="medium"),
    })


# --- slow SQL --------------------------------------------------------------------------------------


def slow_sql_tab(store: Store, incident: Incident, ctx: FusedContext | None) -> None:
    onset = views.onset_of(ctx) or incident.started_at
    stats = views.slow_sql_table(store, incident.id, onset, ctx)
    if stats.empty:
        st.info(t("sql.none"), icon=":material/database:")
        return
    st.caption(t("sql.help", at=f"{_clock(onset, incident.started_at.tzinfo)} {zone_name(incident.started_at)}"))
    table = pd.DataFrame({
        "evidence": stats["evidence_id"].fillna(""), "fingerprint": stats["fingerprint"].str.slice(0, 160),
        "kind": stats["statement_kind"], "for_update": stats["for_update"], "tables": stats["tables"],
        "n": [f"{b} → {a}" for b, a in zip(stats["n_before"], stats["n_after"], strict=True)],
        "p95_before": pd.to_numeric(stats["p95_before"]), "p95_after": pd.to_numeric(stats["p95_after"]),
        "lock_before": pd.to_numeric(stats["lock_p95_before"]), "lock_after": pd.to_numeric(stats["lock_p95_after"]),
    })
    st.dataframe(table, hide_index=True, on_select="rerun", selection_mode="single-row", key=W.SQL_PICK, column_config={
        "evidence": st.column_config.TextColumn("ID", width="small"),
        "fingerprint": st.column_config.TextColumn(t("sql.col_fingerprint"), width="medium"),
        "kind": st.column_config.TextColumn(t("sql.col_kind"), width="small"),
        "for_update": st.column_config.CheckboxColumn("FOR UPDATE", width="small"),
        "tables": t("sql.col_tables"), "n": t("sql.col_count"),
        "p95_before": st.column_config.NumberColumn(t("sql.col_p95_before"), format="%,.0f ms"),
        "p95_after": st.column_config.NumberColumn(t("sql.col_p95_after"), format="%,.0f ms"),
        "lock_before": st.column_config.NumberColumn(t("sql.col_lock_before"), format="%,.0f ms"),
        "lock_after": st.column_config.NumberColumn(t("sql.col_lock_after"), format="%,.0f ms"),
    })
    state = st.session_state.get(W.SQL_PICK)
    rows = state.selection.rows if state is not None else []
    row = stats.iloc[rows[0] if rows else 0]
    st.markdown(f"**{t('sql.sample')}** · `{row['fingerprint_id']}`"
                + (f" · {row['evidence_id']}" if row["evidence_id"] else ""))
    st.code(str(row["sample"]), language="sql", wrap_lines=True)


# --- evidence --------------------------------------------------------------------------------------


def evidence_tab(incident: Incident, evidence: list[Evidence]) -> None:
    if not evidence:
        st.caption(t("assets.no_evidence"))
        return
    lang = state.language()
    ledger = pd.DataFrame([{"id": e.id, "kind": evidence_kind(e.kind), "text": evidence_text(e, lang),
                            "source": e.source}
                           for e in evidence])

    def picked() -> None:  # on change only, so a dismissed source dialog stays closed
        rows = st.session_state[W.SOURCE_PICK].selection.rows
        if rows:
            open_source(incident.id, evidence[rows[0]].id)

    st.dataframe(ledger, hide_index=True, on_select=picked, selection_mode="single-row", key=W.SOURCE_PICK,
                 column_config={"id": st.column_config.TextColumn("ID", width="small"), "kind": t("assets.col_kind"),
                                "text": st.column_config.TextColumn(t("evidence.text"), width="large"),
                                "source": st.column_config.TextColumn(t("assets.col_source"), width="medium")})
    st.caption(t("assets.ledger_hint"))

