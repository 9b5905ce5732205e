"""Local accounts on the admin page: the list, and add / change role / disable / enable (each audited in core)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from app.i18n import labeler, t
from core import accounts
from core.auth import ROLES, Principal
from core.errors import TribunalError
from core.store import Store

__all__ = ["user_admin"]

W = "w.users."  # widget keys of this section


def _table(users: list[accounts.UserInfo]) -> None:
    now = datetime.now(UTC)
    st.dataframe(pd.DataFrame([{
        t("auth.name"): u.name, t("audit.col_role"): t(f"role.{u.role}"),
        t("audit.col_state"): t("audit.state_disabled") if u.disabled else (
            t("audit.state_locked") if u.locked_until and u.locked_until > now else t("audit.state_active")),
        t("audit.col_last"): u.last_sign_in.strftime("%Y-%m-%d %H:%M UTC") if u.last_sign_in else "—",
    } for u in users]), hide_index=True, width="stretch")


def _run(action, done: str) -> None:
    try:
        action()
    except TribunalError as exc:
        st.error(str(exc))
    else:
        st.toast(done, icon=":material/check:")
        st.rerun()


def user_admin(store: Store, who: Principal) -> None:
    """The accounts of TRIBUNAL_AUTH=local, and an admin's changes to them (core checks the admin role again)."""
    st.subheader(t("audit.users"))
    st.caption(t("audit.users_caption"))
    users = accounts.list_users(store)
    _table(users)
    names = [u.name for u in users]
    if names:
        with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
            name = st.selectbox(t("auth.name"), names, key=W + "pick")
            role = st.selectbox(t("audit.col_role"), ROLES, key=W + "role", format_func=labeler("role."))
            if st.button(t("users.set_role"), key=W + "set_role"):
                _run(lambda: accounts.set_role(store, name, role, actor=who), t("users.done"))
            picked = next(u for u in users if u.name == name)
            if picked.disabled or picked.locked_until:
                if st.button(t("users.enable"), key=W + "enable"):
                    _run(lambda: accounts.set_disabled(store, name, False, actor=who), t("users.done"))
            elif name != who.name and st.button(t("users.disable"), key=W + "disable"):  # never lock oneself out
                _run(lambda: accounts.set_disabled(store, name, True, actor=who), t("users.done"))
    with st.expander(t("users.add"), icon=":material/person_add:"), st.form(W + "add", clear_on_submit=True):
        new_name = st.text_input(t("auth.name"), key=W + "new_name")
        new_role = st.selectbox(t("audit.col_role"), ROLES, key=W + "new_role", format_func=labeler("role."))
        first = st.text_input(t("auth.password"), type="password", key=W + "pw1", autocomplete="new-password")
        again = st.text_input(t("users.password_again"), type="password", key=W + "pw2", autocomplete="new-password")
        if st.form_submit_button(t("users.add_button"), type="primary", key=W + "add_go"):
            if first != again:
                st.error(t("users.mismatch"))
            else:
                _run(lambda: accounts.add_user(store, new_name, new_role, first, actor=who), t("users.done"))
