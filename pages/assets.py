"""Assets: what was ingested, log levels over time, exception groups with stacks, the evidence ledger."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import nav, resources, state
from app.i18n import t
from app.intake_flow import add_files
from app.state import Widgets as W
from app.widgets.charts import error_rate_figure
from app.widgets.evidence import open_source, show_open_source
from app.widgets.incident import incident_header, require_incident
from core import pipeline
from core.errors import TribunalError

cfg = resources.settings()
store = resources.store(cfg)
incident = require_incident(store)
incident_header(incident, t("assets.title"))

try:
    assets = store.list_assets(incident.id)
    groups = pipeline.exception_groups(store, incident.id)
    timeline = pipeline.log_timeline(store, incident.id)
    evidence = store.list_evidence(incident.id)
except TribunalError as exc:
    st.error(str(exc))
    st.stop()

errors = int(timeline.loc[timeline["level"].astype(str).str.upper().isin(["ERROR", "FATAL"]), "count"].sum()) if not timeline.empty else 0
m = st.columns(5)
m[0].metric(t("assets.m_assets"), len(assets))
m[1].metric(t("assets.m_problems"), sum(a.status in ("warning", "error") for a in assets))
m[2].metric(t("assets.m_error_lines"), f"{errors:,}")
m[3].metric(t("assets.m_groups"), len(groups))
m[4].metric(t("assets.m_evidence"), len(evidence))
if evidence and st.button(t("assets.to_debate"), type="primary", icon=":material/forum:", key="w.assets.to_debate"):
    nav.switch_to("debate")

with st.expander(t("assets.add"), icon=":material/upload_file:"):
    with st.form(W.ADD_ASSETS, border=False, clear_on_submit=True):
        more = st.file_uploader(t("intake.field_files"), accept_multiple_files=True, help=t("intake.field_files_help"))
        pasted = st.text_area(t("assets.add_paste"), height=120, key=W.ADD_PASTE)
        if st.form_submit_button(t("assets.add_button"), type="primary", key=W.ADD_GO):
            files = [(f.name, f.getvalue()) for f in more or []] + ([("pasted.log", pasted.encode())] if pasted.strip() else [])
            try:
                with st.status(t("assets.adding"), expanded=False) as status:
                    add_files(store, cfg, incident, files, lambda msg, frac: status.update(label=f"{t('assets.adding')} {frac:.0%}"))
            except TribunalError as exc:
                st.error(str(exc))
            else:
                st.rerun()

st.subheader(t("assets.ingested"))
if assets:
    icons = {"ok": "✓", "warning": "⚠", "error": "✗", "stored": "·"}
    table = pd.DataFrame([{
        "status": f"{icons.get(a.status, '')} {t('asset_status.' + a.status)}", "kind": a.kind, "name": a.name,
        "items": a.items, "size": a.size_bytes / 1024, "message": a.message,
    } for a in assets])
    st.dataframe(table, hide_index=True, column_config={
        "status": t("assets.col_status"), "kind": t("assets.col_kind"), "name": t("assets.col_name"),
        "items": st.column_config.NumberColumn(t("assets.col_items"), format="%d"),
        "size": st.column_config.NumberColumn(t("assets.col_size"), format="%.1f KiB"),
        "message": st.column_config.TextColumn(t("assets.col_message"), width="large"),
    })
    for a in assets:
        if a.status == "error":
            st.error(f"**{a.name}** — {a.message}")
else:
    st.info(t("assets.none"))

st.subheader(t("assets.timeline"))
if timeline.empty:
    st.caption(t("assets.no_timeline"))
else:
    st.plotly_chart(error_rate_figure(timeline, incident.started_at), key="chart-timeline")

st.subheader(t("assets.groups"))
if groups.empty:
    st.caption(t("assets.no_groups"))
else:
    samples = pipeline.exception_samples(store, incident.id)
    for row in groups.to_dict("records"):
        root = f" ← `{row['root_type']}`" if row["root_type"] != row["exc_type"] else ""
        with st.expander(f"**{row['count']}×** `{row['exc_type']}`{root} · {row['top_frame']}"):
            st.caption(t("assets.seen", first=row["first_seen"], last=row["last_seen"]))
            sample = samples.get(row["fingerprint"])
            if sample is not None:
                lines = [f"{sample.exc_type}: {sample.message}"]
                for frame in sample.frames:
                    mark = "▶" if frame.in_app else " "
                    lines.append(f"{mark}   at {frame.symbol}({frame.file or '?'}:{frame.line or '?'})")
                lines += [f"Caused by: {c.exc_type}: {c.message}" for c in sample.causes]
                st.code("\n".join(lines), language="text", wrap_lines=True)

st.subheader(t("assets.ledger"))
if not evidence:
    st.caption(t("assets.no_evidence"))
else:
    ledger = pd.DataFrame([{"id": e.id, "kind": e.kind, "text": e.text, "source": e.source} for e in evidence])

    def picked() -> None:  # on change only, so a dismissed source dialog stays closed
        rows = st.session_state[W.SOURCE_PICK].selection.rows
        if rows:
            open_source(incident.id, evidence[rows[0]].id)

    st.dataframe(ledger, hide_index=True, on_select=picked, selection_mode="single-row", key=W.SOURCE_PICK,
                          column_config={"id": st.column_config.TextColumn("ID", width="small"),
                                         "kind": t("assets.col_kind"), "text": st.column_config.TextColumn(t("evidence.text"), width="large"),
                                         "source": st.column_config.TextColumn(t("assets.col_source"), width="medium")})
    st.caption(t("assets.ledger_hint"))
    show_open_source(store, cfg, incident.id, {e.id: e for e in evidence})
