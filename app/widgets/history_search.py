"""History's search box, filters and table (root cause, confidence, team, review state), and the admin's delete."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import state
from app.i18n import t
from app.state import Widgets as W
from app.widgets.review import acting
from core.config import Settings
from core.errors import TribunalError
from core.history import (
    REVIEW_FILTERS,
    HistoryQuery,
    HistoryRow,
    delete_incident,
    matches,
    teams,
)
from core.plain_text import clip, zone_name
from core.schema import Incident
from core.store import Store

__all__ = ["delete_control", "history_search"]

_SEVERITIES = ("critical", "high", "medium", "low")
_STATUSES = ("new", "ingested", "debating", "judged", "failed")
_ICONS = {"critical": "●●●●", "high": "●●●○", "medium": "●●○○", "low": "●○○○"}
_REVIEW_ICONS = {"draft": "✎", "final": "✔", "rejected": "✘", "sent_back": "↺", "none": ""}


def _query(rows: list[HistoryRow]) -> HistoryQuery:
    text = st.text_input(t("history.search"), key=W.HISTORY_SEARCH, help=t("history.search_help"),
                         icon=":material/search:")
    cols = st.columns([1, 1, 1, 1, 1, 1])
    statuses = cols[0].multiselect(t("history.f_status"), _STATUSES, key=W.HISTORY_STATUS,
                                   format_func=lambda s: t(f"status.{s}"))
    reviews = cols[1].multiselect(t("history.f_review"), REVIEW_FILTERS, key=W.HISTORY_REVIEW,
                                  format_func=lambda s: t(f"review.state.{s}"))
    severities = cols[2].multiselect(t("history.f_severity"), _SEVERITIES, key=W.HISTORY_SEVERITY,
                                     format_func=lambda s: t(f"severity.{s}"))
    team = cols[3].multiselect(t("history.f_team"), teams(rows), key=W.HISTORY_TEAM)
    since = cols[4].date_input(t("history.f_since"), value=None, key=W.HISTORY_SINCE)
    until = cols[5].date_input(t("history.f_until"), value=None, key=W.HISTORY_UNTIL)
    return HistoryQuery(text=text or "", statuses=statuses, reviews=reviews, severities=severities, teams=team,
                        since=since, until=until)


def history_search(rows: list[HistoryRow]) -> list[Incident]:
    """The search box, the filters and the table of what matches; returns the incidents shown, newest first."""
    query = _query(rows)
    shown = [r for r in rows if matches(r, query)]
    st.caption(t("history.count", n=len(shown), total=len(rows)))
    if not shown:
        st.info(t("history.no_match"), icon=":material/search_off:")
        return []
    lang = state.language()
    table = pd.DataFrame([{
        "id": r.incident.id, "title": r.incident.text("title", lang),
        "severity": f"{_ICONS.get(r.incident.severity, '')} {t('severity.' + r.incident.severity)}",
        "status": t("status." + r.incident.status), "service": r.incident.service,
        "root_cause": clip(r.root_cause, 160) if r.root_cause else "—", "confidence": r.confidence,
        "team": r.team or "—",
        "review": f"{_REVIEW_ICONS[r.review_state]} {t('review.state.' + r.review_state)}".strip(),
        "started": f"{r.incident.started_at:%Y-%m-%d %H:%M} {zone_name(r.incident.started_at)}",
        "created": f"{r.incident.created_at.astimezone(r.incident.started_at.tzinfo):%Y-%m-%d %H:%M} "
                   f"{zone_name(r.incident.started_at)}",
    } for r in shown])
    st.dataframe(table, hide_index=True, column_config={
        "id": st.column_config.TextColumn("ID", width="medium"),
        "title": st.column_config.TextColumn(t("history.col_title"), width="medium"),
        "severity": t("history.col_severity"), "status": t("history.col_status"), "service": t("history.col_service"),
        "root_cause": st.column_config.TextColumn(t("history.col_root_cause"), width="large"),
        "confidence": st.column_config.ProgressColumn(t("history.col_confidence"), min_value=0.0, max_value=1.0,
                                                      format="percent"),
        "team": t("history.col_team"), "review": t("history.col_review"), "started": t("history.col_started"),
        "created": t("history.col_created"),
    })
    return [r.incident for r in shown]


def delete_control(store: Store, cfg: Settings, incident: Incident) -> None:
    """An admin's delete button for the picked incident, behind a confirmation (core checks the role again)."""
    who = acting()
    if not who.may("admin"):
        return
    with st.expander(t("history.delete"), icon=":material/delete:"):
        st.caption(t("history.delete_admin"))
        sure = st.checkbox(t("history.delete_confirm", id=incident.id), key=f"{W.HISTORY_DELETE_OK}.{incident.id}")
        if st.button(t("history.delete"), key=W.HISTORY_DELETE, type="primary", disabled=not sure,
                     icon=":material/delete_forever:"):
            try:
                removed = delete_incident(store, cfg, incident.id, who)
            except TribunalError as exc:
                st.error(str(exc))
                return
            if state.current_incident_id() == incident.id:
                state.set_current_incident(None)
            state.flash(t("history.deleted", id=incident.id, rows=sum(removed.values())))
            st.rerun()
