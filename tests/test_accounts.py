"""Local accounts: argon2 hashes, lockout after repeated failures, sessions that expire or end, admin-only changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core import accounts, audit
from core.auth import AuthSettings, Principal
from core.errors import AuthError, Forbidden
from core.store import Store

ADMIN = Principal("root-admin", "admin")
POLICY = AuthSettings(mode="local", lockout_attempts=3, lockout_minutes=10, session_hours=1)
PW = "correct horse battery"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "t.duckdb")
    accounts.add_user(s, "alice", "analyst", PW, actor=ADMIN)
    return s


def test_the_store_keeps_an_argon2_hash_never_the_password(store: Store) -> None:
    stored = store.query_df("SELECT password_hash FROM users WHERE name = 'alice'")["password_hash"][0]
    assert stored.startswith("$argon2id$") and PW not in stored
    signed = accounts.sign_in(store, "alice", PW, POLICY)
    assert signed.principal == Principal("alice", "analyst", "local")
    assert accounts.resume_session(store, signed.token) == signed.principal
    assert signed.token not in store.query_df("SELECT token_hash FROM auth_sessions")["token_hash"].tolist()


def test_wrong_password_and_unknown_name_read_the_same_and_are_audited(store: Store) -> None:
    with pytest.raises(AuthError) as wrong:
        accounts.sign_in(store, "alice", "nope-nope-nope", POLICY)
    with pytest.raises(AuthError) as unknown:
        accounts.sign_in(store, "mallory", "nope-nope-nope", POLICY)
    assert str(wrong.value) == str(unknown.value) == "Wrong name or password."
    failed = audit.list_events(store, action="auth.sign_in_failed")
    assert [(e.actor, e.detail["reason"]) for e in failed] == [("mallory", "unknown user"),
                                                               ("alice", "wrong password (1/3)")]


def test_repeated_failures_lock_the_account_even_for_the_right_password(store: Store) -> None:
    for _ in range(2):
        with pytest.raises(AuthError, match="Wrong name"):
            accounts.sign_in(store, "alice", "bad-password!", POLICY)
    with pytest.raises(AuthError, match="locked for 10 minute"):
        accounts.sign_in(store, "alice", "bad-password!", POLICY)
    with pytest.raises(AuthError, match="locked for"):
        accounts.sign_in(store, "alice", PW, POLICY)
    # the lock lifts after its time (moved into the past here) and the count starts again
    store._conn.execute("UPDATE users SET locked_until = ? WHERE name = 'alice'",
                        [datetime.now(UTC) - timedelta(seconds=1)])
    assert accounts.sign_in(store, "alice", PW, POLICY).principal.name == "alice"
    assert accounts.list_users(store)[0].failed_attempts == 0


def test_sessions_expire_end_on_sign_out_and_on_disable(store: Store) -> None:
    first = accounts.sign_in(store, "alice", PW, POLICY)
    assert timedelta(minutes=59) < first.expires_at - datetime.now(UTC) <= timedelta(hours=1)
    store._conn.execute("UPDATE auth_sessions SET expires_at = ?", [datetime.now(UTC) - timedelta(seconds=1)])
    assert accounts.resume_session(store, first.token) is None
    second = accounts.sign_in(store, "alice", PW, POLICY)
    accounts.sign_out(store, second.token, actor=second.principal)
    assert accounts.resume_session(store, second.token) is None
    third = accounts.sign_in(store, "alice", PW, POLICY)
    accounts.set_disabled(store, "alice", True, actor=ADMIN)
    assert accounts.resume_session(store, third.token) is None
    with pytest.raises(AuthError, match="disabled"):
        accounts.sign_in(store, "alice", PW, POLICY)
    assert accounts.resume_session(store, "forged-token") is None


def test_a_role_change_applies_to_an_open_session(store: Store) -> None:
    signed = accounts.sign_in(store, "alice", PW, POLICY)
    accounts.set_role(store, "alice", "viewer", actor=ADMIN)
    assert accounts.resume_session(store, signed.token) == Principal("alice", "viewer", "local")
    event = audit.list_events(store, action="user.role_changed")[0]
    assert event.actor == "root-admin" and event.detail == {"user": "alice", "from": "analyst", "to": "viewer"}


def test_only_an_admin_manages_accounts(store: Store) -> None:
    analyst = Principal("alice", "analyst")
    with pytest.raises(Forbidden):
        accounts.add_user(store, "bob", "admin", PW, actor=analyst)
    with pytest.raises(Forbidden):
        accounts.set_role(store, "alice", "admin", actor=analyst)
    with pytest.raises(Forbidden):
        accounts.set_disabled(store, "alice", False, actor=analyst)
    assert [u.name for u in accounts.list_users(store)] == ["alice"]
    assert store.query_df("SELECT role FROM users")["role"].tolist() == ["analyst"]


def test_bad_names_roles_passwords_and_duplicates_are_refused(store: Store) -> None:
    for name, role, pw, match in [("bad name", "viewer", PW, "not a valid account name"),
                                  ("bob", "root", PW, "not a role"), ("bob", "viewer", "short", "too short"),
                                  ("alice", "viewer", PW, "already exists")]:
        with pytest.raises(AuthError, match=match):
            accounts.add_user(store, name, role, pw, actor=ADMIN)
