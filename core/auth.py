"""Roles and the check every guarded core entry point makes: viewer < analyst < approver < admin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.errors import Forbidden

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


def is_role(role: str) -> bool:
    return role in ROLES


def rank(role: str) -> int:
    """The role's place in viewer < analyst < approver < admin; -1 for an unknown role (may do nothing)."""
    return ROLES.index(role) if role in ROLES else -1  # type: ignore[arg-type]


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


def require_principal(actor: Principal, needed: str, what: str) -> None:
    """Like `require`, naming the user and the refused action (`what`, e.g. "start a debate").

    Raises:
        Forbidden: `actor`'s role is lower than `needed`.
    """
    if not allows(actor.role, needed):
        raise Forbidden(f"{actor.name} ({actor.role}) may not {what}: it needs the {needed} role or above. "
                        "Ask an admin for the role.")


def cli_principal() -> Principal:
    """The command line acts as the OS user, with every right (whoever runs it can open the store file anyway)."""
    from core.audit import cli_actor

    return Principal(name=cli_actor(), role="admin", source="cli")
