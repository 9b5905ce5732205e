"""Report: the ruling with its evidence chain, confidence per round, and the post-mortem downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import nav, resources, state
from app.i18n import phase_label, t
from app.widgets.charts import confidence_figure, show_chart
from app.widgets.chat import brain_label, brain_tally_line
from app.widgets.evidence import show_open_source
from app.widgets.incident import incident_header, require_incident
from app.widgets.judgment import judgment_card
from app.widgets.library import library_control
from app.widgets.report_downloads import report_downloads
from app.widgets.review import review_panel
from app.widgets.usage import usage_panel
from core.errors import TribunalError
from core.plain_text import zone_name
from core.report import build_report
from core.views import usage_summary

cfg = resources.settings()
store = resources.store(cfg)
incident = require_incident(store)
incident_header(incident, t("report.title"))

info = store.latest_debate(incident.id)
if info is None or store.get_judgment(info.id) is None:
    running = info is not None and info.status == "running"
    st.info(t("report.running") if running else t("report.no_judgment"), icon=":material/hourglass_top:")
    st.page_link(nav.page("debate"), label=t("nav.debate"), icon=":material/forum:")
    st.stop()

try:
    report = build_report(store, info.id, state.language())
except TribunalError as exc:
    st.error(str(exc))
    st.stop()

evidence = {e.id: e for e in report.evidence}
judgment_card(report.judgment, evidence, incident.id, compact=False)
review_panel(store, report, cfg)
library_control(store, cfg, incident.id)

st.subheader(t("report.debate"))
debate = report.debate
model = next((x.model for x in report.turns if x.model), None)
st.badge(t("debate.brain_spoke", brain=brain_label(debate.brain, model), rounds=cfg.max_rounds),
         icon=":material/memory:" if debate.brain == "offline" else ":material/smart_toy:", color="blue")
if (brains := brain_tally_line(report.turns, debate.brain)) is not None:  # model, offline or mixed, with reasons
    if brains[0] == "warning":
        st.warning(brains[1], icon=":material/sync_problem:")
    else:
        st.caption(brains[1])
m = st.columns(4)
m[0].metric(t("report.m_rounds"), debate.rounds)
m[1].metric(t("report.m_consensus"), t("common.yes") if debate.consensus else t("common.no"))
m[2].metric(t("report.m_turns"), len(report.turns))
if debate.finished_at is not None:
    m[3].metric(t("report.m_duration"), f"{(debate.finished_at - debate.started_at).total_seconds():.1f} s")
usage_panel(usage_summary(report.turns))

chart_col, timeline_col = st.columns([1, 1], gap="large")
with chart_col:
    st.markdown(f"**{t('report.confidence_chart')}**")
    show_chart(confidence_figure(report.turns), key="chart-confidence")
with timeline_col:
    st.markdown(f"**{t('report.timeline')}**")
    zone = incident.started_at.tzinfo
    st.dataframe(pd.DataFrame([{"time": at.astimezone(zone).strftime("%m-%d %H:%M:%S"), "event": what}
                               for at, what in report.timeline], columns=["time", "event"]),
                 hide_index=True, height=330, column_config={
                     "time": f"{t('report.col_time')} ({zone_name(incident.started_at)})",
                     "event": st.column_config.TextColumn(t("report.col_event"), width="large")})

st.markdown(f"**{t('report.turns')}**")
turns = pd.DataFrame([{
    "agent": x.agent, "phase": phase_label(x.phase), "round": x.round, "confidence": x.confidence, "summary": x.summary,
} for x in report.turns])
st.dataframe(turns, hide_index=True, column_config={
    "agent": t("report.col_agent"), "phase": t("report.col_phase"), "round": t("report.col_round"),
    "confidence": st.column_config.ProgressColumn(t("debate.confidence"), min_value=0.0, max_value=1.0,
                                                  format="percent"),
    "summary": st.column_config.TextColumn(t("report.col_summary"), width="large"),
})

st.subheader(t("report.download"))
try:
    markdown = report_downloads(store, report, state.language())
except TribunalError as exc:
    st.error(str(exc))
    st.stop()
with st.expander(t("report.preview")):
    st.markdown(markdown)

show_open_source(store, cfg, incident.id, evidence)
