"""History: every incident in the store, searched and filtered; re-open one, or (admin) delete it."""

from __future__ import annotations

import streamlit as st

from app import access, nav, resources, state
from app.i18n import t
from app.intake_flow import fuse_again
from app.state import Widgets as W
from app.widgets.history_search import delete_control, history_search
from app.widgets.incident import show_flash
from core.errors import TribunalError
from core.history import history
from core.reingest import find_bundle, redo_ingest
from core.resume import resume_step

cfg = resources.settings()
store = resources.store(cfg)
show_flash()
st.title(t("history.title"))
rows = history(store)
if not rows:
    st.info(t("history.empty"), icon=":material/inbox:")
    st.page_link(nav.page("intake"), label=t("nav.intake"), icon=":material/input:")
    st.stop()

lang = state.language()
incidents = history_search(rows)  # search, filters, and the table of what matches
if not incidents:
    st.stop()

by_id = {i.id: i for i in incidents}
current = state.current_incident_id()
ids = list(by_id)
with st.container(border=True):
    st.markdown(f"**{t('history.reopen')}**")
    picked = st.selectbox(t("history.pick"), ids, index=ids.index(current) if current in by_id else 0,
                          key=W.HISTORY_PICK,
                          format_func=lambda i: f"{i} · {by_id[i].text('title', lang)}")
    with st.container(horizontal=True):
        for target, icon in (("assets", ":material/inventory_2:"), ("debate", ":material/forum:"),
                             ("report", ":material/gavel:")):
            if st.button(t(f"history.open_{target}"), key=f"{W.HISTORY_OPEN}.{target}", icon=icon,
                         type="primary" if target == "report" else "secondary"):
                state.set_current_incident(picked)
                nav.switch_to(target)
    step = resume_step(store, picked)  # an incident killed part way: say so, and continue it where the UI can
    if step in ("ingest", "fusion"):
        st.warning(t(f"history.stopped_{step}", id=picked), icon=":material/pause_circle:")
    who = access.principal()
    if not who.may("analyst"):
        step = "read-only"  # continuing an incident is an analyst's (core refuses it too)
    if step == "ingest":  # stopped (or failed) while its files were read: read them again from its bundle
        if find_bundle(cfg, by_id[picked]) is None:
            st.caption(t("history.reingest_none", id=picked))
        elif st.button(t("history.reingest"), key=f"{W.HISTORY_OPEN}.reingest", icon=":material/restart_alt:",
                       help=t("history.reingest_help")):
            try:
                with st.spinner(t("history.reingest_running", id=picked)):
                    redo_ingest(store, cfg, picked, actor=who, jobs=resources.jobs(cfg))
            except TribunalError as exc:
                st.error(str(exc))
            else:
                state.set_current_incident(picked)
                nav.switch_to("assets")
    if step == "fusion" and st.button(t("history.resume"), key=f"{W.HISTORY_OPEN}.resume", icon=":material/resume:"):
        try:
            fuse_again(store, cfg, by_id[picked], actor=who, jobs=resources.jobs(cfg))
        except TribunalError as exc:
            st.error(str(exc))
            st.stop()
        state.set_current_incident(picked)
        nav.switch_to("debate")

delete_control(store, cfg, by_id[picked])  # admins only; audited in core
