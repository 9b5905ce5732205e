"""Assets: what was ingested and what it shows — logs, metrics, traces, slow SQL — and the evidence ledger."""

from __future__ import annotations

import streamlit as st

from app import nav, resources
from app.i18n import t
from app.state import Keys
from app.state import Widgets as W
from app.widgets import assets_tabs as tabs
from app.widgets.evidence import show_open_source
from app.widgets.incident import incident_header, require_incident
from core import pipeline, views
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
    ctx = views.fused_context(store, incident.id)
except TribunalError as exc:
    st.error(str(exc))
    st.stop()

errors = (int(timeline.loc[timeline["level"].astype(str).str.upper().isin(["ERROR", "FATAL"]), "count"].sum())
          if not timeline.empty else 0)
m = st.columns(5)
m[0].metric(t("assets.m_assets"), len(assets))
m[1].metric(t("assets.m_problems"), sum(a.status in ("warning", "error") for a in assets))
m[2].metric(t("assets.m_error_lines"), f"{errors:,}")
m[3].metric(t("assets.m_groups"), len(groups))
m[4].metric(t("assets.m_evidence"), len(evidence))
if evidence:
    with st.container(horizontal=True):
        if st.button(t("assets.to_debate"), type="primary", icon=":material/forum:", key="w.assets.to_debate"):
            nav.switch_to("debate")
        st.page_link(nav.page("compare"), label=t("assets.to_compare"), icon=":material/compare_arrows:")

# Lazy tabs: only the open one runs. The open tab is kept by id, so a language switch keeps it open.
labels = tabs.tab_labels()
st.session_state[W.ASSETS_TAB] = labels.get(st.session_state.get(Keys.ASSETS_TAB, "overview"), labels["overview"])
opened = dict(zip(tabs.TABS, st.tabs(list(labels.values()), key=W.ASSETS_TAB, on_change=tabs.remember_tab),
                  strict=True))
by_id = {e.id: e for e in evidence}
try:
    for name, tab in opened.items():
        if not tab.open:
            continue
        with tab:
            if name == "overview":
                tabs.overview_tab(store, cfg, incident, ctx, assets, timeline)
            elif name == "logs":
                tabs.logs_tab(store, incident, ctx, groups)
            elif name == "metrics":
                tabs.metrics_tab(store, incident, ctx, by_id)
            elif name == "traces":
                tabs.traces_tab(store, incident, ctx)
            elif name == "sql":
                tabs.slow_sql_tab(store, incident, ctx)
            else:
                tabs.evidence_tab(incident, evidence)
except TribunalError as exc:
    st.error(str(exc))

show_open_source(store, cfg, incident.id, by_id)
