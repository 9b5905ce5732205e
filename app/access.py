"""Who is signed in to this browser session, and the role checks pages make (TRIBUNAL_AUTH=off|local|oidc).

Pages hide what a role may not do; core refuses it again (`core.auth.require_principal`), so a hidden
button is never the only guard. Every page passes `principal()` to the core calls it makes.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from core import accounts, audit
from core.audit import Action
from core.auth import ANONYMOUS_LOCAL, Principal
from core.config import Settings
from core.errors import TribunalError
from core.oidc_roles import load_role_map, principal_from_claims, token_expired
from core.store import Store

__all__ = ["AuthKeys", "can", "current", "oidc_claims", "principal", "require_role", "sign_out"]

log = logging.getLogger(__name__)


class AuthKeys:
    """Session-state and widget keys of sign-in (kept with the code that owns them)."""

    TOKEN = "tribunal.auth.token"  # the local session token (its hash is in the store)
    PRINCIPAL = "tribunal.auth.principal"  # this run's principal, set by app/main.py before the page runs
    EXPIRED = "tribunal.auth.expired"  # the last session ended by expiry: say so on the sign-in form
    OIDC_SEEN = "tribunal.auth.oidc_seen"  # the OIDC user whose sign-in was audited in this session
    FORM = "w.auth.form"
    NAME = "w.auth.name"
    PASSWORD = "w.auth.password"
    SUBMIT = "w.auth.submit"
    SIGN_OUT = "w.auth.sign_out"
    OIDC_LOGIN = "w.auth.oidc_login"


def oidc_claims() -> dict[str, Any]:
    """The signed-in OIDC user's ID-token claims (empty when nobody is signed in or OIDC is not configured)."""
    try:
        if not st.user.get("is_logged_in"):
            return {}
        return {k: v for k, v in st.user.to_dict().items() if k not in ("is_logged_in", "tokens")}
    except (AttributeError, KeyError, TypeError):
        return {}


def _oidc(cfg: Settings, store: Store) -> Principal | None:
    claims = oidc_claims()
    if not claims:
        return None
    if token_expired(claims, cfg.auth):
        name = str(claims.get("email") or claims.get("sub") or "?")
        audit.record(store, actor=name, action=Action.SIGN_OUT, detail={"mode": "oidc", "reason": "expired"})
        st.session_state[AuthKeys.EXPIRED] = True
        st.session_state.pop(AuthKeys.OIDC_SEEN, None)
        st.logout()  # drops Streamlit's identity cookie; the next run shows the sign-in page
        return None
    who = principal_from_claims(claims, cfg.auth, load_role_map(cfg.auth.role_map))
    if st.session_state.get(AuthKeys.OIDC_SEEN) != who.name:  # once per browser session, not per rerun
        st.session_state[AuthKeys.OIDC_SEEN] = who.name
        audit.record(store, actor=who.name, action=Action.SIGN_IN,
                     detail={"mode": "oidc", "role": who.role, "issuer": str(claims.get("iss", ""))})
    return who


def current(cfg: Settings, store: Store) -> Principal | None:
    """The principal of this browser session, read fresh (a role change or a disabled account applies at once).

    Returns:
        ANONYMOUS_LOCAL with sign-in off; None when nobody is signed in (or the session expired).

    Raises:
        ConfigError: the OIDC role mapping file is unusable.
    """
    mode = cfg.auth.mode
    if mode == "off":
        return ANONYMOUS_LOCAL
    if mode == "oidc":
        return _oidc(cfg, store)
    token = st.session_state.get(AuthKeys.TOKEN)
    who = accounts.resume_session(store, token)
    if who is None and token:
        st.session_state.pop(AuthKeys.TOKEN, None)
        st.session_state[AuthKeys.EXPIRED] = True
    return who


def principal() -> Principal:
    """The principal app/main.py resolved for this run; pages pass it to every core call they make.

    Outside the dashboard's entry point (a page run on its own) it is resolved here; nobody signed in reads as a
    viewer, so such a run can never do more than read.
    """
    who = st.session_state.get(AuthKeys.PRINCIPAL)
    if isinstance(who, Principal):
        return who
    from app import resources

    try:
        cfg = resources.settings()
        who = current(cfg, resources.store(cfg))
    except TribunalError:
        who = None
    return who or Principal(name="nobody", role="viewer", source="none")


def can(needed: str) -> bool:
    """True when this session's role is at least `needed` (pages show a control only then)."""
    return principal().may(needed)


def require_role(needed: str, message_key: str = "auth.admin_only") -> Principal:
    """Stop the page with a message unless this session's role is at least `needed`."""
    from app.i18n import t

    who = principal()
    if not who.may(needed):
        st.info(t(message_key, role=t(f"role.{who.role}")), icon=":material/lock:")
        st.stop()
    return who


def sign_out(cfg: Settings, store: Store) -> None:
    """End this session's sign-in (audited), then the page reruns into the sign-in form."""
    who = principal()
    if cfg.auth.mode == "local":
        accounts.sign_out(store, st.session_state.pop(AuthKeys.TOKEN, None), actor=who)
    elif cfg.auth.mode == "oidc":
        audit.record(store, actor=who.name, action=Action.SIGN_OUT, detail={"mode": "oidc"})
        st.session_state.pop(AuthKeys.OIDC_SEEN, None)
        st.logout()
    st.session_state.pop(AuthKeys.PRINCIPAL, None)
