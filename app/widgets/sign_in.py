"""The sign-in form (local accounts, or the OIDC button) and the sidebar's line saying who is signed in."""

from __future__ import annotations

import streamlit as st

from app.access import AuthKeys, sign_out
from app.i18n import t
from core import accounts
from core.config import Settings
from core.errors import AuthError
from core.store import Store

__all__ = ["render_auth_status", "render_sign_in"]


def _local_form(cfg: Settings, store: Store) -> None:
    st.caption(t("auth.caption_local"))
    if not accounts.list_users(store):
        st.warning(t("auth.no_accounts"), icon=":material/person_off:")
        st.code("python -m core users add NAME --role admin", language="bash")
    with st.form(AuthKeys.FORM, width=420):
        name = st.text_input(t("auth.name"), key=AuthKeys.NAME, autocomplete="username")
        password = st.text_input(t("auth.password"), type="password", key=AuthKeys.PASSWORD,
                                 autocomplete="current-password")
        submitted = st.form_submit_button(t("auth.submit"), type="primary", key=AuthKeys.SUBMIT)
    if not submitted:
        return
    try:
        signed = accounts.sign_in(store, name, password, cfg.auth)
    except accounts.SignInRefused as exc:
        st.error(t(f"auth.err_{exc.reason}", minutes=f"{exc.minutes:g}"), icon=":material/lock:")
        return
    except AuthError as exc:
        st.error(str(exc))
        return
    st.session_state[AuthKeys.TOKEN] = signed.token
    st.session_state.pop(AuthKeys.EXPIRED, None)
    st.rerun()


def _oidc_button() -> None:
    st.caption(t("auth.caption_oidc"))
    if st.button(t("auth.oidc_login"), type="primary", key=AuthKeys.OIDC_LOGIN, icon=":material/login:"):
        try:
            st.login()
        except Exception:  # noqa: BLE001 - Streamlit raises its own API error when [auth] is missing or incomplete
            st.error(t("auth.oidc_unconfigured"))


def render_sign_in(cfg: Settings, store: Store) -> None:
    """The page shown instead of any other while nobody is signed in."""
    st.title(t("auth.title"))
    if st.session_state.get(AuthKeys.EXPIRED):
        st.warning(t("auth.expired"), icon=":material/timer_off:")
    if cfg.auth.mode == "oidc":
        _oidc_button()
    else:
        _local_form(cfg, store)


def render_auth_status(cfg: Settings, store: Store | None) -> None:
    """In the sidebar: "sign-in off (single user)", or who is signed in, their role and a sign-out button."""
    st.markdown(f"**{t('auth.sidebar')}**")
    if cfg.auth.mode == "off":
        st.caption(t("auth.off"), help=t("auth.off_help"))
        return
    who = st.session_state.get(AuthKeys.PRINCIPAL)
    if who is None or store is None:
        return
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.badge(t("auth.signed_in_as", name=who.name, role=t(f"role.{who.role}")), icon=":material/person:",
                 color="green" if who.may("analyst") else "gray")
        if st.button(t("auth.sign_out"), key=AuthKeys.SIGN_OUT, type="tertiary", icon=":material/logout:"):
            sign_out(cfg, store)
            st.rerun()
