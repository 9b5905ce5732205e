"""Local accounts (TRIBUNAL_AUTH=local): argon2 hashes in the store, lockout after failures, expiring sessions."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import BaseModel, ConfigDict

from core import audit
from core.audit import Action
from core.auth import ROLES, AuthSettings, Principal, require_principal
from core.errors import AuthError

if TYPE_CHECKING:
    from core.store import Store

__all__ = [
    "MIN_PASSWORD",
    "SignInRefused",
    "SignedIn",
    "UserInfo",
    "add_user",
    "check_name",
    "list_users",
    "resume_session",
    "set_disabled",
    "set_password",
    "set_role",
    "sign_in",
    "sign_out",
]

log = logging.getLogger(__name__)

MIN_PASSWORD = 10
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_HASHER = PasswordHasher()  # argon2id with the library's recommended parameters
# Verified when the name is unknown, so a wrong name costs as long as a wrong password (no name probing by timing).
_DUMMY_HASH = _HASHER.hash(secrets.token_hex(16))
_WRONG = "Wrong name or password."


class SignInRefused(AuthError):
    """A sign-in was refused; `reason` is "wrong", "locked" or "disabled" (the UI words it in the user's language)."""

    def __init__(self, message: str, reason: str, minutes: float = 0) -> None:
        super().__init__(message)
        self.reason = reason
        self.minutes = minutes


class UserInfo(BaseModel):
    """An account as the admin sees it (never its hash)."""

    model_config = ConfigDict(frozen=True)

    name: str
    role: str
    disabled: bool
    failed_attempts: int
    locked_until: datetime | None
    created_at: datetime
    last_sign_in: datetime | None


class SignedIn(BaseModel):
    """A successful sign-in: who, and the session token the browser keeps (only its hash is stored)."""

    model_config = ConfigDict(frozen=True)

    principal: Principal
    token: str
    expires_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    """The name, stripped, if it is a valid account name.

    Raises:
        AuthError: it is empty, too long, or holds characters other than letters, digits and ``. _ @ -``.
    """
    name = name.strip()
    if not _NAME.match(name):
        raise AuthError(f"{name!r} is not a valid account name: 1-64 letters, digits, '.', '_', '@' or '-', "
                        "starting with a letter or digit.")
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise AuthError(f"{role!r} is not a role; one of {', '.join(ROLES)}.")
    return role


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"The password is too short: at least {MIN_PASSWORD} characters.")


def _user_row(store: Store, name: str) -> dict | None:
    frame = store.query_df("SELECT * FROM users WHERE name = ?", [name])
    return frame.to_dict("records")[0] if len(frame) else None


def _ts(value: object) -> datetime | None:
    if value is None or str(value) in ("NaT", "nan", "None"):
        return None
    return value.to_pydatetime() if hasattr(value, "to_pydatetime") else value  # type: ignore[return-value]


def add_user(store: Store, name: str, role: str, password: str, *, actor: Principal) -> UserInfo:
    """Create an account.

    Raises:
        Forbidden: `actor` is not an admin.
        AuthError: the name, role or password is invalid, or the name is taken.
    """
    require_principal(actor, "admin", "add users")
    name, role = check_name(name), _check_role(role)
    _check_password(password)
    with store.transaction() as cur:
        if cur.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchall():
            raise AuthError(f"An account {name!r} already exists; use set-role or a new name.")
        cur.execute("INSERT INTO users (name, role, password_hash, created_at) VALUES (?,?,?,?)",
                    [name, role, _HASHER.hash(password), _now()])
    audit.record(store, actor=actor.name, action=Action.USER_ADDED, detail={"user": name, "role": role})
    return next(u for u in list_users(store) if u.name == name)


def list_users(store: Store) -> list[UserInfo]:
    """Every account, by name."""
    frame = store.query_df("SELECT name, role, disabled, failed_attempts, locked_until, created_at, last_sign_in "
                           "FROM users ORDER BY name")
    return [UserInfo(name=r["name"], role=r["role"], disabled=bool(r["disabled"]),
                     failed_attempts=int(r["failed_attempts"]), locked_until=_ts(r["locked_until"]),
                     created_at=_ts(r["created_at"]), last_sign_in=_ts(r["last_sign_in"]))  # type: ignore[arg-type]
            for r in frame.to_dict("records")]


def _existing(store: Store, name: str) -> dict:
    row = _user_row(store, name)
    if row is None:
        raise AuthError(f"No account {name!r}; `python -m core users list` shows them.")
    return row


def set_role(store: Store, name: str, role: str, *, actor: Principal) -> None:
    """Change an account's role (takes effect on the user's next page load).

    Raises:
        Forbidden: `actor` is not an admin.
        AuthError: no such account, or not a role.
    """
    require_principal(actor, "admin", "change roles")
    role = _check_role(role)
    before = _existing(store, name)["role"]
    with store.transaction() as cur:
        cur.execute("UPDATE users SET role = ? WHERE name = ?", [role, name])
    audit.record(store, actor=actor.name, action=Action.USER_ROLE_CHANGED, detail={"user": name, "from": before,
                                                                                     "to": role})


def set_disabled(store: Store, name: str, disabled: bool, *, actor: Principal) -> None:
    """Disable an account (its sessions end at once) or enable it again (its lockout is cleared).

    Raises:
        Forbidden: `actor` is not an admin.
        AuthError: no such account.
    """
    require_principal(actor, "admin", "disable or enable users")
    _existing(store, name)
    with store.transaction() as cur:
        cur.execute("UPDATE users SET disabled = ?, failed_attempts = 0, locked_until = NULL WHERE name = ?",
                    [disabled, name])
        if disabled:
            cur.execute("UPDATE auth_sessions SET revoked = TRUE WHERE user_name = ?", [name])
    audit.record(store, actor=actor.name, action=Action.USER_DISABLED if disabled else Action.USER_ENABLED,
                 detail={"user": name})


def set_password(store: Store, name: str, password: str, *, actor: Principal) -> None:
    """Set a new password (admins for anyone, a user for themself); other sessions of the account end.

    Raises:
        Forbidden: `actor` is neither an admin nor the account's owner.
        AuthError: no such account, or the password is too short.
    """
    if actor.name != name:
        require_principal(actor, "admin", "set other users' passwords")
    _check_password(password)
    _existing(store, name)
    with store.transaction() as cur:
        cur.execute("UPDATE users SET password_hash = ?, failed_attempts = 0, locked_until = NULL WHERE name = ?",
                    [_HASHER.hash(password), name])
        cur.execute("UPDATE auth_sessions SET revoked = TRUE WHERE user_name = ?", [name])
    audit.record(store, actor=actor.name, action=Action.USER_PASSWORD_CHANGED, detail={"user": name})


def _fail(store: Store, name: str, reason: str, message: str, kind: str = "wrong", minutes: float = 0) -> AuthError:
    audit.record(store, actor=name[:64] or "?", action=Action.SIGN_IN_FAILED, detail={"reason": reason})
    log.info("sign-in refused for %r: %s", name, reason)
    return SignInRefused(message, kind, minutes)


def sign_in(store: Store, name: str, password: str, policy: AuthSettings) -> SignedIn:
    """Check a name and password and open a session.

    Every refusal is audited with its reason; the user is told only "wrong name or password" for an unknown
    name or a wrong password, and is told when the account is locked or disabled.

    Raises:
        AuthError: the sign-in is refused.
    """
    name = name.strip()
    row = _user_row(store, name) if _NAME.match(name) else None
    if row is None:
        with contextlib.suppress(VerificationError):
            _HASHER.verify(_DUMMY_HASH, password or "-")
        raise _fail(store, name, "unknown user", _WRONG)
    now = _now()
    if row["disabled"]:
        raise _fail(store, name, "disabled", "This account is disabled; ask an admin.", "disabled")
    locked_until = _ts(row["locked_until"])
    if locked_until is not None and locked_until > now:
        minutes = max(1, round((locked_until - now).total_seconds() / 60))
        raise _fail(store, name, "locked", f"Too many failed sign-ins: this account is locked for {minutes} more "
                    "minute(s), or until an admin enables it again.", "locked", minutes)
    try:
        _HASHER.verify(row["password_hash"], password)
    except (VerifyMismatchError, InvalidHashError, VerificationError):
        failures = int(row["failed_attempts"]) + 1
        lock = failures >= policy.lockout_attempts
        with store.transaction() as cur:
            cur.execute("UPDATE users SET failed_attempts = ?, locked_until = ? WHERE name = ?",
                        [0 if lock else failures, now + timedelta(minutes=policy.lockout_minutes) if lock else None,
                         name])
        if lock:
            raise _fail(store, name, f"wrong password; locked after {failures} failures",
                        f"Too many failed sign-ins: this account is locked for {policy.lockout_minutes:g} minute(s).",
                        "locked", policy.lockout_minutes) from None
        raise _fail(store, name, f"wrong password ({failures}/{policy.lockout_attempts})", _WRONG) from None
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=policy.session_hours)
    with store.transaction() as cur:
        new_hash = _HASHER.hash(password) if _HASHER.check_needs_rehash(row["password_hash"]) else row["password_hash"]
        cur.execute("UPDATE users SET failed_attempts = 0, locked_until = NULL, last_sign_in = ?, password_hash = ? "
                    "WHERE name = ?", [now, new_hash, name])
        cur.execute("INSERT INTO auth_sessions (token_hash, user_name, created_at, expires_at) VALUES (?,?,?,?)",
                    [_token_hash(token), name, now, expires])
    audit.record(store, actor=name, action=Action.SIGN_IN, detail={"mode": "local", "expires_at": expires.isoformat()})
    return SignedIn(principal=Principal(name=name, role=row["role"], source="local"), token=token, expires_at=expires)


def resume_session(store: Store, token: str | None) -> Principal | None:
    """The principal a session token stands for, with the account's current role; None when the token is unknown,
    expired or revoked, or the account is disabled."""
    if not token:
        return None
    frame = store.query_df(
        "SELECT u.name, u.role FROM auth_sessions s JOIN users u ON u.name = s.user_name "
        "WHERE s.token_hash = ? AND NOT s.revoked AND s.expires_at > ? AND NOT u.disabled",
        [_token_hash(token), _now()])
    if not len(frame):
        return None
    row = frame.to_dict("records")[0]
    return Principal(name=row["name"], role=row["role"], source="local")


def sign_out(store: Store, token: str | None, *, actor: Principal) -> None:
    """End a session (its token no longer resumes)."""
    if token:
        with store.transaction() as cur:
            cur.execute("UPDATE auth_sessions SET revoked = TRUE WHERE token_hash = ?", [_token_hash(token)])
    audit.record(store, actor=actor.name, action=Action.SIGN_OUT)
