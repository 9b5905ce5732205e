"""History: every incident in the store, and a way to re-open one."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import nav, resources, state
from app.i18n import t
from app.state import Widgets as W
from app.widgets.incident import show_flash
from core import pipeline
from core.errors import TribunalError
from core.plain_text import zone_name
from core.reingest import find_bundle, redo_ingest
from core.resume import resume_step

cfg = resources.settings()
store = resources.store(cfg)
show_flash()
st.title(t("history.title"))
incidents = store.list_incidents()
if not incidents:
    st.info(t("history.empty"), icon=":material/inbox:")
    st.page_link(nav.page("intake"), label=t("nav.intake"), icon=":material/input:")
    st.stop()

lang = state.language()
icons = {"critical": "●●●●", "high": "●●●○", "medium": "●●○○", "low": "●○○○"}
table = pd.DataFrame([{
    "id": i.id, "title": i.text("title", lang), "severity": f"{icons.get(i.severity, '')} {t('severity.' + i.severity)}",
    "status": t("status." + i.status), "service": i.service,
    "started": f"{i.started_at:%Y-%m-%d %H:%M} {zone_name(i.started_at)}",
    "created": f"{i.created_at.astimezone(i.started_at.tzinfo):%Y-%m-%d %H:%M} {zone_name(i.started_at)}",
} for i in incidents])
st.dataframe(table, hide_index=True, column_config={
    "id": st.column_config.TextColumn("ID", width="medium"), "title": st.column_config.TextColumn(t("history.col_title"), width="large"),
    "severity": t("history.col_severity"), "status": t("history.col_status"), "service": t("history.col_service"),
    "started": t("history.col_started"), "created": t("history.col_created"),
})

by_id = {i.id: i for i in incidents}
current = state.current_incident_id()
ids = list(by_id)
with st.container(border=True):
    st.markdown(f"**{t('history.reopen')}**")
    picked = st.selectbox(t("history.pick"), ids, index=ids.index(current) if current in by_id else 0, key=W.HISTORY_PICK,
                          format_func=lambda i: f"{i} · {by_id[i].text('title', lang)}")
    with st.container(horizontal=True):
        for target, icon in (("assets", ":material/inventory_2:"), ("debate", ":material/forum:"), ("report", ":material/gavel:")):
            if st.button(t(f"history.open_{target}"), key=f"{W.HISTORY_OPEN}.{target}", icon=icon,
                         type="primary" if target == "report" else "secondary"):
                state.set_current_incident(picked)
                nav.switch_to(target)
    step = resume_step(store, picked)  # an incident killed part way: say so, and continue it where the UI can
    if step in ("ingest", "fusion"):
        st.warning(t(f"history.stopped_{step}", id=picked), icon=":material/pause_circle:")
    if step == "ingest":  # stopped (or failed) while its files were read: read them again from its bundle
        if find_bundle(cfg, by_id[picked]) is None:
            st.caption(t("history.reingest_none", id=picked))
        elif st.button(t("history.reingest"), key=f"{W.HISTORY_OPEN}.reingest", icon=":material/restart_alt:",
                       help=t("history.reingest_help")):
            try:
                with st.spinner(t("history.reingest_running", id=picked)):
                    redo_ingest(store, cfg, picked)
            except TribunalError as exc:
                st.error(str(exc))
            else:
                state.set_current_incident(picked)
                nav.switch_to("assets")
    if step == "fusion" and st.button(t("history.resume"), key=f"{W.HISTORY_OPEN}.resume", icon=":material/resume:"):
        pipeline.fuse(store, cfg, picked)
        state.set_current_incident(picked)
        nav.switch_to("debate")
