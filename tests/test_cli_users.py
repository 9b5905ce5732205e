"""`python -m core users …` as an admin runs it: passwords never on the command line, changes audited as os:<user>."""

from __future__ import annotations

import getpass
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core import accounts, audit
from core.auth import AuthSettings
from core.cli import main
from core.errors import AuthError
from core.store import Store

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], home: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "NEO4J_", "TRIBUNAL_"))}
    env["TRIBUNAL_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "core", "users", *args], check=False, capture_output=True, text=True,
                          cwd=ROOT, env=env, input=stdin, timeout=120)


def test_add_list_set_role_disable_and_the_audit_names_the_os_user(tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = _run(["add", "alice", "--role", "analyst", "--password-stdin"], home, "a very long password\n")
    assert out.returncode == 0, out.stderr
    assert _run(["set-role", "alice", "approver"], home).returncode == 0
    listed = json.loads(_run(["list", "--json"], home).stdout)
    assert [(u["name"], u["role"], u["disabled"]) for u in listed] == [("alice", "approver", False)]
    assert _run(["disable", "alice"], home).returncode == 0
    store = Store(home / "tribunal.duckdb")
    with pytest.raises(AuthError, match="disabled"):
        accounts.sign_in(store, "alice", "a very long password", AuthSettings(mode="local"))
    events = audit.list_events(store, action="user")
    assert [e.action for e in events] == ["user.disabled", "user.role_changed", "user.added"]
    assert {e.actor for e in events} == {f"os:{getpass.getuser()}"}
    assert "a very long password" not in json.dumps([e.detail for e in events])


def test_the_password_is_not_an_argument_and_bad_input_exits_2(tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = _run(["add", "bob", "--role", "viewer", "--password", "x"], home)
    assert out.returncode == 2 and "unrecognized arguments" in out.stderr
    out = _run(["add", "bob", "--role", "viewer", "--password-stdin"], home, "short\n")
    assert out.returncode == 2 and out.stderr.startswith("error: The password is too short")
    out = _run(["set-role", "nobody", "admin"], home)
    assert out.returncode == 2 and "No account 'nobody'" in out.stderr


def test_the_prompt_asks_twice_and_refuses_a_mismatch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TRIBUNAL_HOME", str(tmp_path / "home"))
    answers = iter(["first password 1", "second password 2", "same password 12", "same password 12"])
    prompts: list[str] = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": prompts.append(prompt) or next(answers))
    assert main(["users", "add", "carol", "--role", "viewer"]) == 2
    assert "differ" in capsys.readouterr().err
    assert main(["users", "add", "carol", "--role", "viewer"]) == 0
    assert prompts == ["Password: ", "Password again: "] * 2
    store = Store(tmp_path / "home" / "tribunal.duckdb")
    assert accounts.sign_in(store, "carol", "same password 12", AuthSettings(mode="local")).principal.role == "viewer"
