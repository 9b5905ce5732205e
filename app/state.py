"""Every session-state key and widget key of the dashboard, in one place, with typed accessors."""

from __future__ import annotations

import streamlit as st

__all__ = [
    "DEFAULT_PACE_S",
    "Keys",
    "Widgets",
    "current_incident_id",
    "flash",
    "language",
    "pop_flash",
    "set_current_incident",
    "sync_url",
]

DEFAULT_PACE_S = 0.02


class Keys:
    """Session-state keys that are not bound to a widget (they survive page switches)."""

    INCIDENT = "tribunal.incident_id"
    LANG = "tribunal.lang"
    FLASH = "tribunal.flash"
    WATCHING = "tribunal.watching_debate"
    ASSETS_TAB = "tribunal.assets_tab"  # the open tab's id (its label changes with the language)
    OVERRIDES = "tribunal.session_overrides"  # SessionOverrides: what the settings page changed for this session
    PROBES = "tribunal.probes"  # endpoint·model -> ProbeResult of the last connection test
    COMPARE_BRAIN = "tribunal.compare_brain"
    INTAKE_NOW = "tribunal.intake_now"  # (zone index, date, time) the form's "now" default was seeded with
    PRESENT = "tribunal.present"  # incident id whose debate the "present" path starts, then shows its report


class Widgets:
    """Widget keys; pages use these so tests can find widgets by key."""

    LANG = "w.lang"
    # intake
    DEMO = "w.intake.demo"
    PRESENT = "w.intake.present"
    ADD_ASSETS = "w.assets.add"
    IN_APP_INCLUDE = "w.assets.in_app_include"
    IN_APP_EXCLUDE = "w.assets.in_app_exclude"
    IN_APP_APPLY = "w.assets.in_app_apply"
    ADD_PASTE = "w.assets.add_paste"
    ADD_GO = "w.assets.add_go"
    ADD_LOG_FORMAT = "w.assets.add_log_format"
    ARCHIVE = "w.intake.archive"
    ARCHIVE_GO = "w.intake.archive_go"
    ARCHIVE_LOG_FORMAT = "w.intake.archive_log_format"
    FORM = "w.intake.form"
    TITLE = "w.intake.title"
    SEVERITY = "w.intake.severity"
    DATE = "w.intake.date"
    TIME = "w.intake.time"
    ZONE = "w.intake.zone"
    SERVICE = "w.intake.service"
    DESCRIPTION = "w.intake.description"
    INCIDENT_LANG = "w.intake.language"
    PASTED = "w.intake.pasted"
    FILES = "w.intake.files"
    LOG_FORMAT = "w.intake.log_format"
    SUBMIT = "w.intake.submit"
    # assets
    SOURCE_PICK = "w.assets.source_pick"
    # debate
    BRAIN = "w.debate.brain"
    PACE = "w.debate.pace"
    START = "w.debate.start"
    CANCEL = "w.debate.cancel"
    RESUME = "w.debate.resume"
    INTERVENE = "w.debate.intervene"
    INTERVENE_KIND = "w.debate.intervene_kind"
    INTERVENE_TEXT = "w.debate.intervene_text"
    INTERVENE_TARGET = "w.debate.intervene_target"
    INTERVENE_SEND = "w.debate.intervene_send"
    ASSETS_TAB = "w.assets.tab"
    METRICS_WHOLE = "w.assets.metrics_whole"
    TRACE_PICK = "w.assets.trace_pick"
    SQL_PICK = "w.assets.sql_pick"
    # settings
    SET_ROUNDS = "w.settings.max_rounds"
    SET_PACE = "w.settings.pace"
    SET_AGENTS = "w.settings.agents"
    SET_APPLY = "w.settings.apply"
    SET_RESET = "w.settings.reset"
    PROBE = "w.settings.probe"  # + "." + endpoint index
    # compare
    CMP_BRAIN = "w.compare.brain"
    CMP_RUN = "w.compare.run"
    # report
    REPORT_LANG = "w.report.lang"
    DL_MD = "w.report.dl_md"
    DL_JSON = "w.report.dl_json"
    DL_HTML = "w.report.dl_html"
    DL_PDF = "w.report.dl_pdf"
    REVIEW_TEXT = "w.report.review_text"
    REVIEW_DECIDE = "w.report.review"  # + "." + decision
    # history
    HISTORY_PICK = "w.history.pick"
    HISTORY_OPEN = "w.history.open"
    HISTORY_SEARCH = "w.history.search"
    HISTORY_STATUS = "w.history.status"
    HISTORY_REVIEW = "w.history.review"
    HISTORY_SEVERITY = "w.history.severity"
    HISTORY_TEAM = "w.history.team"
    HISTORY_SINCE = "w.history.since"
    HISTORY_UNTIL = "w.history.until"
    HISTORY_DELETE = "w.history.delete"
    HISTORY_DELETE_OK = "w.history.delete_ok"


def current_incident_id() -> str | None:
    """The incident the user is looking at: session state, else the URL (a reload starts a new session)."""
    value = st.session_state.get(Keys.INCIDENT)
    if not value:
        value = st.query_params.get("incident")
        if value:
            st.session_state[Keys.INCIDENT] = value
    return str(value) if value else None


def set_current_incident(incident_id: str | None) -> None:
    st.session_state[Keys.INCIDENT] = incident_id
    if not incident_id:
        st.query_params.pop("incident", None)


def sync_url() -> None:
    """Mirror the current incident and language into the URL, so a reload or a shared link re-attaches."""
    wanted = {"incident": st.session_state.get(Keys.INCIDENT), "lang": st.session_state.get(Keys.LANG)}
    for name, value in wanted.items():
        if value and st.query_params.get(name) != value:
            st.query_params[name] = value


def language() -> str:
    """The UI language: ``zh`` or ``en``."""
    return "zh" if st.session_state.get(Keys.LANG) == "zh" else "en"


def flash(message: str, kind: str = "success") -> None:
    """Queue a message for the next page render (survives st.switch_page)."""
    st.session_state[Keys.FLASH] = (kind, message)


def pop_flash() -> tuple[str, str] | None:
    return st.session_state.pop(Keys.FLASH, None)
