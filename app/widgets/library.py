"""The report page's "add to library" control: a person confirms a ruling into the case library."""

from __future__ import annotations

import streamlit as st

from app.access import principal
from app.i18n import t
from core.case_review import confirm_ruling, library_state
from core.config import Settings
from core.errors import TribunalError
from core.store import Store

__all__ = ["library_control"]


_OUTCOME = "tribunal.library_outcome"  # (ok, message) of the last click, shown once


def _confirm(store: Store, cfg: Settings, incident_id: str) -> None:
    # A click callback runs before the page redraws, so the badge below already shows the new state.
    try:
        confirm_ruling(store, cfg, incident_id, actor=principal())
    except TribunalError as exc:
        st.session_state[_OUTCOME] = (False, t("library.failed", message=str(exc)))
    else:
        st.session_state[_OUTCOME] = (True, t("library.added"))


def library_control(store: Store, cfg: Settings, incident_id: str) -> None:
    """A button that adds the latest ruling to the case library, or a line saying why it cannot (or already did)."""
    state = library_state(store, cfg, incident_id)
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key="library-control"):
        label = t("library.update") if state.in_library else t("library.add")
        st.button(label, key="w.report.add_to_library", icon=":material/library_add:",
                  disabled=not state.allowed or not principal().may("analyst"),
                  help=t("library.help"), on_click=_confirm, args=(store, cfg, incident_id))
        if state.in_library:
            st.badge(t("library.in"), icon=":material/library_add_check:", color="green")
        elif not state.allowed:
            st.caption(t(f"library.why_{state.reason}"))
    ok, message = st.session_state.pop(_OUTCOME, (None, ""))
    if ok is False:
        st.error(message)
    elif ok:
        st.toast(message, icon=":material/library_add_check:")
