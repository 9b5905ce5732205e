"""Audit trail (admins): who did what, when, on which incident; filter, check the hash chain, export CSV."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pandas as pd
import streamlit as st

from app import access, resources, state
from app.i18n import has_key, t
from app.widgets.user_admin import user_admin
from core import audit
from core.audit import Action

W = "w.audit."  # widget keys of this page


def action_label(action: str, lang: str = state.language()) -> str:
    """An action (or a group, "debate.") in the UI's language; one no key names is shown as recorded."""
    return t(f"audit_action.{action}", lang) if has_key(f"audit_action.{action}") else action


cfg = resources.settings()
store = resources.store(cfg)
who = access.require_role("admin")

st.title(t("audit.title"))
st.caption(t("audit.caption"))
with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
    groups = sorted({a.split(".")[0] + "." for a in audit.actions()})  # "debate." matches every debate.* row
    action = st.selectbox(t("audit.action"), ["", *groups, *audit.actions()], key=W + "action",
                          format_func=lambda a: action_label(a) if a else t("audit.any"))
    actor = st.text_input(t("audit.actor"), key=W + "actor")
    incident_id = st.text_input(t("audit.incident"), key=W + "incident")
    text = st.text_input(t("audit.text"), key=W + "text")
with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
    since = st.date_input(t("audit.since"), value=None, key=W + "since")
    until = st.date_input(t("audit.until"), value=None, key=W + "until")
    limit = st.number_input(t("audit.limit"), min_value=10, max_value=100_000, value=1000, step=100, key=W + "limit")

events = audit.list_events(
    store, limit=int(limit), action=action or None, actor=actor.strip() or None,
    incident_id=incident_id.strip() or None, text=text.strip() or None,
    since=datetime.combine(since, time.min, UTC) if since else None,
    until=datetime.combine(until, time.min, UTC) + timedelta(days=1) if until else None,
)
if st.button(t("audit.verify"), key=W + "verify", icon=":material/verified:"):  # reads every row: on demand
    broken = audit.verify_chain(store)
    if broken is None:
        st.success(t("audit.chain_ok"), icon=":material/verified:")
    else:
        st.error(t("audit.chain_broken", seq=broken), icon=":material/gpp_bad:")
if not events:
    st.info(t("audit.none"))
else:
    st.caption(t("audit.rows", n=len(events)))
    frame = pd.DataFrame([{
        t("audit.col_seq"): e.seq, t("audit.col_at"): e.at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        t("audit.col_actor"): e.actor, t("audit.col_action"): action_label(e.action),
        t("audit.col_incident"): e.incident_id or "",
        t("audit.col_detail"): ", ".join(f"{k}={v}" for k, v in e.detail.items()),
    } for e in events])
    st.dataframe(frame, hide_index=True, width="stretch")
    clicked = st.download_button(t("audit.export"), audit.to_csv(events), file_name="tribunal-audit.csv",
                                 mime="text/csv", key=W + "export", icon=":material/download:", on_click="rerun")
    if clicked:
        audit.record(store, actor=who.name, action=Action.EXPORT, detail={"what": "audit_csv", "rows": len(events)})

if cfg.auth.mode == "local":
    user_admin(store, who)
