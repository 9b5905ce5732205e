"""OIDC principals: the name from the ID token, the role from the mapping file, a claim, the domain, or the default;
tokens past their expiry or the session length are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.auth import AuthSettings, Principal
from core.errors import AuthError, ConfigError
from core.oidc_roles import RoleMap, load_role_map, principal_from_claims, token_expired

SETTINGS = AuthSettings(mode="oidc", role_claim="groups", default_role="viewer", session_hours=8)


@pytest.fixture
def role_map(tmp_path: Path) -> RoleMap:
    path = tmp_path / "roles.toml"
    path.write_text('[users]\n"Alice@Example.com" = "admin"\n"sub-42" = "approver"\n'
                    '[domains]\n"example.com" = "analyst"\n[claims]\n"sre-leads" = "approver"\n', encoding="utf-8")
    return load_role_map(path)


def test_the_mapping_file_wins_then_the_claim_then_the_domain_then_the_default(role_map: RoleMap) -> None:
    who = principal_from_claims({"email": "alice@example.com", "groups": ["viewer"]}, SETTINGS, role_map)
    assert who == Principal("alice@example.com", "admin", "oidc")
    assert principal_from_claims({"sub": "sub-42"}, SETTINGS, role_map).role == "approver"
    assert principal_from_claims({"email": "bob@corp.org", "groups": ["staff", "sre-leads", "analyst"]}, SETTINGS,
                                 role_map).role == "approver", "the highest role the claim names"
    assert principal_from_claims({"email": "carol@example.com"}, SETTINGS, role_map).role == "analyst"
    assert principal_from_claims({"email": "dan@corp.org", "groups": "staff"}, SETTINGS, role_map).role == "viewer"
    assert principal_from_claims({"preferred_username": "erin"}, SETTINGS, RoleMap()).name == "erin"


def test_a_token_that_names_nobody_is_refused() -> None:
    with pytest.raises(AuthError, match="no e-mail, user name or subject"):
        principal_from_claims({"iss": "https://idp"}, SETTINGS, RoleMap())


def test_a_bad_mapping_file_says_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_role_map(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('[users]\n"x@y" = "root"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="'root' is not a role"):
        load_role_map(bad)
    bad.write_text("[users\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot be read as TOML"):
        load_role_map(bad)


def test_expired_or_too_old_tokens_end_the_session() -> None:
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    fresh = {"iat": (now - timedelta(minutes=5)).timestamp(), "exp": (now + timedelta(minutes=55)).timestamp()}
    assert not token_expired(fresh, SETTINGS, now)
    assert token_expired({**fresh, "exp": (now - timedelta(seconds=1)).timestamp()}, SETTINGS, now)
    assert token_expired({"iat": (now - timedelta(hours=9)).timestamp()}, SETTINGS, now), "older than the session"
    assert token_expired({"exp": "soon"}, SETTINGS, now), "unreadable times are not trusted"
