"""TRIBUNAL_AUTH=oidc: who a signed-in OpenID Connect user is, and their role (a claim, or a mapping file)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.auth import ROLES, AuthSettings, Principal, rank
from core.errors import AuthError, ConfigError

__all__ = ["RoleMap", "load_role_map", "principal_from_claims", "token_expired"]


class RoleMap:
    """Roles by user (e-mail or subject), by e-mail domain, and by value of the role claim (e.g. a group name)."""

    def __init__(self, users: Mapping[str, str] | None = None, domains: Mapping[str, str] | None = None,
                 claims: Mapping[str, str] | None = None) -> None:
        self.users = {k.lower(): v for k, v in (users or {}).items()}
        self.domains = {k.lower().lstrip("@"): v for k, v in (domains or {}).items()}
        self.claims = {k.lower(): v for k, v in (claims or {}).items()}


def load_role_map(path: Path | None) -> RoleMap:
    """Read the mapping file (TOML with tables `[users]`, `[domains]`, `[claims]`, each `"key" = "role"`).

    Raises:
        ConfigError: the file is missing, not TOML, or maps to something that is not a role.
    """
    if path is None:
        return RoleMap()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"TRIBUNAL_ROLE_MAP names {path}, which does not exist.") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"TRIBUNAL_ROLE_MAP {path} cannot be read as TOML: {exc}") from exc
    tables: dict[str, dict[str, str]] = {}
    for table in ("users", "domains", "claims"):
        entries = raw.get(table, {})
        if not isinstance(entries, dict):
            raise ConfigError(f"{path}: [{table}] must be a table of \"key\" = \"role\".")
        for key, role in entries.items():
            if role not in ROLES:
                raise ConfigError(f"{path}: [{table}] {key!r} = {role!r} is not a role; one of {', '.join(ROLES)}.")
        tables[table] = entries
    return RoleMap(**tables)


def _claim_roles(value: Any, role_map: RoleMap) -> list[str]:
    values = value if isinstance(value, list | tuple) else [value] if value else []
    found: list[str] = []
    for item in values:
        text = str(item).strip().lower()
        if text in ROLES:
            found.append(text)
        elif text in role_map.claims:
            found.append(role_map.claims[text])
    return found


def principal_from_claims(claims: Mapping[str, Any], settings: AuthSettings, role_map: RoleMap) -> Principal:
    """The principal of an ID token's claims.

    The role is, first found: the user's entry in the mapping file (by e-mail, then subject); the role claim
    (a role name, or a value the file's `[claims]` maps; the highest if it lists several); the e-mail domain's
    entry; else `settings.default_role`.

    Raises:
        AuthError: the claims name nobody (no e-mail, preferred_username or subject).
    """
    email = str(claims.get("email") or "").strip()
    subject = str(claims.get("sub") or "").strip()
    name = email or str(claims.get("preferred_username") or "").strip() or subject
    if not name:
        raise AuthError("The identity provider returned no e-mail, user name or subject; cannot tell who signed in.")
    role = role_map.users.get(email.lower()) or role_map.users.get(subject.lower())
    if role is None:
        from_claim = _claim_roles(claims.get(settings.role_claim), role_map)
        role = max(from_claim, key=rank) if from_claim else None
    if role is None and "@" in email:
        role = role_map.domains.get(email.rsplit("@", 1)[1].lower())
    return Principal(name=name, role=role or settings.default_role, source="oidc")


def token_expired(claims: Mapping[str, Any], settings: AuthSettings, now: datetime | None = None) -> bool:
    """True when the ID token's `exp` has passed, or it was issued (`iat`) longer ago than the session length.

    Streamlit keeps the identity cookie without checking either, so the dashboard checks on every page load.
    """
    now = now or datetime.now(UTC)
    stamp = now.timestamp()
    try:
        if claims.get("exp") is not None and float(claims["exp"]) <= stamp:
            return True
        if claims.get("iat") is not None and stamp - float(claims["iat"]) > settings.session_hours * 3600:
            return True
    except (TypeError, ValueError):
        return True  # a token with unreadable times is not trusted
    return False
