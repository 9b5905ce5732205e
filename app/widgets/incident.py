"""The current incident: a guard for pages that need one, and the header they all share."""

from __future__ import annotations

import streamlit as st

from app import nav, state
from app.i18n import t
from app.theme import SEVERITY_COLORS
from core.errors import TribunalError
from core.plain_text import md_data, zone_name
from core.schema import Incident
from core.store import Store

__all__ = ["incident_header", "require_incident", "show_flash"]


def show_flash() -> None:
    """Show a message queued by the previous page (e.g. after intake switched here)."""
    queued = state.pop_flash()
    if queued:
        kind, message = queued
        (st.success if kind == "success" else st.info)(message)


def require_incident(store: Store) -> Incident:
    """The current incident, or stop the page with a pointer to intake and history."""
    incident_id = state.current_incident_id()
    if incident_id:
        try:
            return store.get_incident(incident_id)
        except TribunalError:
            state.set_current_incident(None)
    st.info(t("common.no_incident"), icon=":material/info:")
    with st.container(horizontal=True):
        st.page_link(nav.page("intake"), label=t("nav.intake"), icon=":material/input:")
        st.page_link(nav.page("history"), label=t("nav.history"), icon=":material/history:")
    st.stop()
    raise AssertionError("unreachable")


def incident_header(incident: Incident, page_title: str) -> None:
    """Page title, then the incident's title, id, severity, status, service and start time."""
    show_flash()
    lang = state.language()
    st.title(page_title)
    st.markdown(f"#### {md_data(incident.text('title', lang))}")
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.badge(t("severity." + incident.severity), color=SEVERITY_COLORS.get(incident.severity, "gray"))  # type: ignore[arg-type]
        st.badge(t("status." + incident.status), color="gray")
        st.badge(incident.service, icon=":material/dns:", color="blue")
        st.badge(f"{incident.started_at:%Y-%m-%d %H:%M} {zone_name(incident.started_at)}", icon=":material/schedule:",
                 color="gray")
        st.badge(incident.id, icon=":material/tag:", color="gray")
    description = incident.text("description", lang)
    if description:
        st.caption(md_data(description))
