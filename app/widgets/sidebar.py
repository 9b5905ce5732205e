"""The sidebar on every page: language, active brain, store location, current incident."""

from __future__ import annotations

import html

import streamlit as st

from app import resources, state
from app.debate_runner import DebateRegistry
from app.i18n import LANGUAGES, t
from app.theme import SEVERITY_COLORS
from app.widgets.sign_in import render_auth_status
from core.config import Settings
from core.errors import TribunalError
from core.plain_text import zone_name
from core.store import Store

__all__ = ["render_sidebar", "resolve_language"]


def resolve_language() -> str:
    """The UI language for this run: the sidebar switch, else ``?lang=``, else English."""
    chosen = st.session_state.get(state.Widgets.LANG)
    if chosen not in LANGUAGES:
        chosen = st.session_state.get(state.Keys.LANG)
    if chosen not in LANGUAGES:
        chosen = st.query_params.get("lang", "en")
    lang = chosen if chosen in LANGUAGES else "en"
    st.session_state[state.Keys.LANG] = lang
    return lang


def render_sidebar(cfg: Settings | None, store: Store | None, registry: DebateRegistry | None) -> None:
    with st.sidebar:
        st.segmented_control(
            t("sidebar.language"), options=list(LANGUAGES), default=state.language(), required=True,
            format_func=lambda code: LANGUAGES[code], key=state.Widgets.LANG, width="stretch",
        )
        if cfg is None:
            return
        render_auth_status(cfg, store)
        st.markdown(f"**{t('sidebar.brain')}**")
        if cfg.default_brain == "offline":
            st.badge(t("brain.offline"), icon=":material/memory:", color="blue", help=t("brain.offline_help"))
        else:
            st.badge(cfg.llm.model, icon=":material/smart_toy:", color="violet", help=t("brain.llm_help"))
        st.markdown(f"**{t('sidebar.store')}**")
        st.markdown(f'<div class="tb-mono">{html.escape(str(cfg.db_path))}</div>', unsafe_allow_html=True)
        backend, problem = resources.graph_backend(cfg.neo4j_uri, str(cfg.home))
        st.caption(t("sidebar.graph", backend=backend if backend == "DuckDB" else f"{backend} + DuckDB"))
        if problem:
            st.warning(problem, icon=":material/cloud_off:")
        st.markdown(f"**{t('sidebar.incident')}**")
        incident_id = state.current_incident_id()
        if not incident_id or store is None:
            st.caption(t("sidebar.no_incident"))
            return
        try:
            incident = store.get_incident(incident_id)
        except TribunalError:
            state.set_current_incident(None)
            st.caption(t("sidebar.no_incident"))
            return
        title = html.escape(incident.text("title", state.language()))
        st.markdown(
            f'<div class="tb-incident"><div class="tb-inc-title">{title}</div>'
            f'<div class="tb-mono">{html.escape(incident.id)}</div>'
            f"<div>{html.escape(incident.service)} · {incident.started_at:%Y-%m-%d %H:%M} "
            f"{zone_name(incident.started_at)}</div></div>",
            unsafe_allow_html=True,
        )
        with st.container(horizontal=True, gap="small"):
            st.badge(t("severity." + incident.severity), color=SEVERITY_COLORS.get(incident.severity, "gray"))  # type: ignore[arg-type]
            st.badge(t("status." + incident.status), color="gray")
            run = registry.get(incident_id) if registry is not None else None
            if run is not None and run.alive:
                st.badge(t("sidebar.debating"), icon=":material/sensors:", color="orange")
