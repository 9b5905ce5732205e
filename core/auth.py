"""Roles and the check every guarded core entry point makes: viewer < analyst < approver < admin."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.errors import ConfigError, Forbidden

if TYPE_CHECKING:
    from core.store import Store

__all__ = [
    "ANONYMOUS_LOCAL",
    "AUTH_MODES",
    "ROLES",
    "AuthMode",
    "Forbidden",
    "Principal",
    "Role",
    "allows",
    "cli_principal",
    "is_role",
    "rank",
    "require",
    "require_principal",
]

Role = Literal["viewer", "analyst", "approver", "admin"]
#: Lowest to highest; a role may do everything the roles before it may.
ROLES: tuple[Role, ...] = ("viewer", "analyst", "approver", "admin")
AuthMode = Literal["off", "local", "oidc"]
AUTH_MODES: tuple[AuthMode, ...] = ("off", "local", "oidc")

_WHAT = {
    "viewer": "read incidents and reports",
    "analyst": "create incidents, upload assets, run debates and intervene",
    "approver": "sign off rulings",
    "admin": "manage users, settings and the audit trail",
}


@dataclass(frozen=True)
class Principal:
    """Who is acting: `name` is what the audit trail records, `role` what they may do."""

    name: str
    role: str
    source: str = "local"  # off | local | oidc | cli

    def may(self, needed: str) -> bool:
        """True when this principal's role is at least `needed`."""
        return allows(self.role, needed)


#: TRIBUNAL_AUTH=off: one user on their own machine, who may do everything.
ANONYMOUS_LOCAL = Principal(name="local-user", role="admin", source="off")


class AuthSettings(BaseModel):
    """How people sign in (TRIBUNAL_AUTH and friends); part of `Settings`."""

    model_config = ConfigDict(frozen=True)

    mode: AuthMode = "off"
    session_hours: float = Field(default=8.0, gt=0, le=24 * 30,
                                 description="A local session ends this long after sign-in.")
    lockout_attempts: int = Field(default=5, ge=1, le=100, description="Failed sign-ins in a row that lock an account.")
    lockout_minutes: float = Field(default=15.0, gt=0, le=24 * 60,
                                   description="How long a locked account stays locked.")
    role_claim: str = Field(default="tribunal_role", description="OIDC: the ID-token claim that holds the role.")
    role_map: Path | None = Field(default=None, description="OIDC: a TOML file mapping e-mails/subjects to roles.")
    default_role: Role = Field(default="viewer", description="OIDC: the role of a signed-in user no rule names.")


def load_auth_settings(get: Callable[[str], str | None]) -> AuthSettings:
    """Read TRIBUNAL_AUTH, TRIBUNAL_SESSION_HOURS, TRIBUNAL_LOCKOUT_ATTEMPTS, TRIBUNAL_LOCKOUT_MINUTES,
    TRIBUNAL_ROLE_CLAIM, TRIBUNAL_ROLE_MAP and TRIBUNAL_DEFAULT_ROLE through `get` (environment, then secrets.toml).

    Raises:
        ConfigError: a value is malformed; the message names the variable and what it takes.
    """
    mode = (get("TRIBUNAL_AUTH") or "off").strip().lower()
    if mode not in AUTH_MODES:
        raise ConfigError(f"TRIBUNAL_AUTH={mode!r} is not one of {', '.join(AUTH_MODES)}.")
    default_role = (get("TRIBUNAL_DEFAULT_ROLE") or "viewer").strip().lower()
    if default_role not in ROLES:
        raise ConfigError(f"TRIBUNAL_DEFAULT_ROLE={default_role!r} is not one of {', '.join(ROLES)}.")
    values: dict[str, object] = {"mode": mode, "default_role": default_role}
    for name, key, kind in (("TRIBUNAL_SESSION_HOURS", "session_hours", float),
                            ("TRIBUNAL_LOCKOUT_ATTEMPTS", "lockout_attempts", int),
                            ("TRIBUNAL_LOCKOUT_MINUTES", "lockout_minutes", float)):
        raw = get(name)
        if raw:
            try:
                values[key] = kind(raw)
            except ValueError as exc:
                raise ConfigError(f"{name}={raw!r} is not a number.") from exc
    if claim := get("TRIBUNAL_ROLE_CLAIM"):
        values["role_claim"] = claim.strip()
    if role_map := get("TRIBUNAL_ROLE_MAP"):
        values["role_map"] = Path(role_map).expanduser()
    try:
        return AuthSettings(**values)  # type: ignore[arg-type]
    except ValueError as exc:
        raise ConfigError(f"Invalid sign-in setting: {exc}") from exc


def is_role(role: str) -> bool:
    return role in ROLES


def rank(role: str) -> int:
    """The role's place in viewer < analyst < approver < admin; -1 for an unknown role (may do nothing)."""
    return ROLES.index(role) if role in ROLES else -1


def allows(actor_role: str, needed: str) -> bool:
    """True when `actor_role` is at least `needed`.

    Raises:
        ValueError: `needed` is not a role (a bug in the caller, not a user's doing).
    """
    if needed not in ROLES:
        raise ValueError(f"unknown role {needed!r}; one of {', '.join(ROLES)}")
    return rank(actor_role) >= rank(needed)


def require(actor_role: str, needed: str) -> None:
    """Refuse unless `actor_role` is at least `needed`.

    Raises:
        Forbidden: the role is lower (or unknown); the message names both roles and what `needed` allows.
    """
    if not allows(actor_role, needed):
        shown = actor_role if actor_role in ROLES else f"unknown role {actor_role!r}"
        raise Forbidden(f"Your role ({shown}) may not do this: only {needed} and above may "
                        f"{_WHAT[needed]}. Ask an admin for the role.")


def require_principal(actor: Principal, needed: str, what: str, *, audit_to: Store | None = None,
                      incident_id: str | None = None) -> None:
    """Like `require`, naming the user and the refused action (`what`, e.g. "start a debate").

    Args:
        audit_to: the store whose audit trail records a refusal (``auth.forbidden``), so a forged call leaves a trace.
        incident_id: the incident the refused call was about.

    Raises:
        Forbidden: `actor`'s role is lower than `needed`.
    """
    if not allows(actor.role, needed):
        if audit_to is not None:
            from core import audit

            audit.record(audit_to, actor=actor.name, action=audit.Action.FORBIDDEN, incident_id=incident_id,
                         detail={"what": what, "role": actor.role, "needed": needed})
        raise Forbidden(f"{actor.name} ({actor.role}) may not {what}: it needs the {needed} role or above. "
                        "Ask an admin for the role.")


def cli_principal() -> Principal:
    """The command line acts as the OS user, with every right (whoever runs it can open the store file anyway)."""
    from core.audit import cli_actor

    return Principal(name=cli_actor(), role="admin", source="cli")
