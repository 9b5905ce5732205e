"""The report page's review panel: where the ruling stands, who decided and when, and the decisions this role may
take."""

from __future__ import annotations

from typing import Literal

import streamlit as st

from app import nav
from app.i18n import has_key, t
from app.state import Widgets as W
from core.auth import ANONYMOUS_LOCAL, Principal
from core.config import Settings
from core.errors import TribunalError
from core.plain_text import zone_name
from core.review import allowed_decisions, decide
from core.schema import ReportData
from core.store import Store

__all__ = ["acting", "review_panel", "role_label"]

_COLORS: dict[str, Literal["orange", "green", "red", "violet"]] = {
    "draft": "orange", "final": "green", "rejected": "red", "sent_back": "violet"}
_ICONS = {"draft": ":material/edit_note:", "final": ":material/verified:", "rejected": ":material/block:",
          "sent_back": ":material/undo:"}


def acting() -> Principal:
    """Who uses this session: the signed-in principal, or the single local user when sign-in is not part of the app."""
    try:
        from app.access import principal
    except ImportError:
        return ANONYMOUS_LOCAL
    return principal()


def role_label(role: str | None) -> str:
    return t(f"role.{role}") if role and has_key(f"role.{role}") else (role or "—")


def review_panel(store: Store, report: ReportData, cfg: Settings | None = None) -> None:
    """Show the ruling's review state and, for the roles allowed, the buttons that decide it (core checks again).

    With `cfg`, a ruling made final also joins the case library.
    """
    status = report.review
    if status is None:
        return
    incident = report.incident
    who = acting()
    with st.container(border=True):
        st.markdown(f"**{t('review.title')}**")
        st.badge(t(f"review.state.{status.state}"), icon=_ICONS[status.state], color=_COLORS[status.state])
        if status.state == "draft":
            if status.needs_approval:
                why = t("review.why_join").join(
                    t("review.why.risk", risk=t(f"severity.{report.judgment.risk_level}")) if w == "risk"
                    else t("review.why.rollback") for w in status.why)
                st.caption(t("review.needs_approver", why=why))
            else:
                st.caption(t("review.analyst_may"))
        if status.decided_by and status.decided_at:
            when = status.decided_at.astimezone(incident.started_at.tzinfo)
            st.markdown(t("review.decided", who=status.decided_by, role=role_label(status.decided_role),
                          what=t(f"review.what.{status.decision}"),
                          when=f"{when:%Y-%m-%d %H:%M:%S} {zone_name(incident.started_at)}"))
        if status.text:
            label = t("review.reason") if status.decision == "reject" else t("review.note")
            st.markdown(f"{label}: {status.text}")
        if status.state == "sent_back":
            st.info(t("review.sent_back_hint"), icon=":material/forum:")
            st.page_link(nav.page("debate"), label=t("review.rerun"), icon=":material/replay:")
        decisions = allowed_decisions(status, who.role)
        if status.state == "draft" and not decisions:
            st.caption(t("review.read_only", role=role_label(who.role)))
        if not decisions:
            return
        text = ""
        if {"reject", "send_back"} & set(decisions):
            text = st.text_area(t("review.text"), key=W.REVIEW_TEXT, help=t("review.text_help"), height=80)
        with st.container(horizontal=True):
            for decision in decisions:
                primary = decision in ("approve", "finalize")
                if not st.button(t(f"review.btn.{decision}"), key=f"{W.REVIEW_DECIDE}.{decision}",
                                 type="primary" if primary else "secondary"):
                    continue
                if decision in ("reject", "send_back") and not text.strip():
                    st.warning(t("review.need_text"), icon=":material/edit:")
                    return
                try:
                    done = decide(store, incident.id, who, decision, text, settings=cfg)
                except TribunalError as exc:
                    st.error(str(exc))
                    return
                st.toast(t("review.recorded", state=t(f"review.state.{done.state}")), icon=":material/task_alt:")
                st.rerun()
