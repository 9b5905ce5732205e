"""TRIBUNAL_AUTH=local through AppTest: the sign-in form, roles on each page, sign-out, expiry and the audit page."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import accounts, audit, pipeline
from core.auth import Principal
from core.bundle import load_bundle
from core.config import load_settings
from core.store import Store
from tests.conftest import build_mini_bundle
from tests.ui.support import PAGES, new_app, no_exception, texts, wait_until

PASSWORD = "correct horse battery"
ADMIN = Principal("setup", "admin", "cli")


@pytest.fixture
def team_home(ui_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Sign-in on; one account per role and one fused incident, written before the app opens the store."""
    monkeypatch.setenv("TRIBUNAL_AUTH", "local")
    monkeypatch.setenv("TRIBUNAL_LOCKOUT_ATTEMPTS", "3")
    settings = load_settings()
    store = Store(settings.db_path)
    try:
        for name in ("vera", "ann", "ada"):
            accounts.add_user(store, name, {"vera": "viewer", "ann": "analyst", "ada": "admin"}[name], PASSWORD,
                              actor=ADMIN)
        bundle = load_bundle(build_mini_bundle(tmp_path / "bundle").root)
        incident = pipeline.open_incident(store, bundle.draft, actor=ADMIN)
        pipeline.ingest_bundle(store, settings, incident, bundle, actor=ADMIN)
        pipeline.fuse(store, settings, incident.id, actor=ADMIN)
    finally:
        store.close()
    return incident.id


def _sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="w.auth.name").set_value(name)
    at.text_input(key="w.auth.password").set_value(password)
    return at.button(key="w.auth.submit").click().run()


def _keys(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key}


def _audit(home: Path) -> list[tuple[str, str]]:
    from app import resources

    store = resources.store(load_settings())  # the app's own Store (one per file and process)
    return [(e.actor, e.action) for e in reversed(audit.list_events(store))]


def test_nothing_shows_before_sign_in_and_a_wrong_password_says_so(team_home: str, ui_home: Path) -> None:
    at = new_app().run()
    no_exception(at)
    assert "Sign in to SRE Tribunal" in texts(at)
    assert "w.intake.submit" not in _keys(at) and "w.intake.demo" not in _keys(at), "no page runs before sign-in"
    _sign_in(at, "ann", "wrong password!")
    assert [e.value for e in at.error] == ["Wrong name or password."]
    at.segmented_control(key="w.lang").set_value("zh").run()
    _sign_in(at, "nobody", "wrong password!")
    assert [e.value for e in at.error] == ["用户名或密码错误。"]
    assert [a for a in _audit(ui_home) if a[1].startswith("auth.")] == [
        ("ann", "auth.sign_in_failed"), ("nobody", "auth.sign_in_failed")]


def test_repeated_failures_lock_the_account(team_home: str) -> None:
    at = new_app().run()
    for _ in range(3):
        _sign_in(at, "ann", "wrong password!")
    _sign_in(at, "ann")
    assert "locked" in at.error[0].value and "Sign in to SRE Tribunal" in texts(at)


def test_a_viewer_reads_but_sees_no_upload_start_or_intervene(team_home: str) -> None:
    at = _sign_in(new_app().run(), "vera")
    no_exception(at)
    assert "vera · viewer" in texts(at) or any("vera · viewer" in str(b.label) for b in at.get("badge")), texts(at)
    assert "may only read" in texts(at)
    assert not {"w.intake.submit", "w.intake.demo", "w.intake.archive_go"} & _keys(at)
    at.session_state["tribunal.incident_id"] = team_home
    for name in ("assets", "debate", "report", "compare", "history", "settings"):
        at.switch_page(PAGES[name]).run()
        no_exception(at)
        keys = _keys(at)
        assert not {"w.debate.start", "w.debate.cancel", "w.debate.resume", "w.compare.run", "w.assets.add_go",
                    "w.assets.in_app_apply"} & keys, (name, keys)
        if name == "settings":  # shown read-only, with its apply button off
            assert at.button(key="w.settings.apply").disabled and "Only admins may change settings" in texts(at)
    at.switch_page(PAGES["debate"]).run()
    assert "may only read" in texts(at)


def test_an_analyst_starts_a_debate_in_their_name_and_signs_out(team_home: str, ui_home: Path) -> None:
    at = _sign_in(new_app(timeout=120).run(), "ann")
    at.session_state["tribunal.incident_id"] = team_home
    at.switch_page(PAGES["debate"]).run()
    at.button(key="w.debate.start").click().run()
    no_exception(at)
    assert wait_until(at, lambda a: "w.debate.to_report" in _keys(a), timeout_s=120)
    rows = [r for r in _audit(ui_home) if r[0] == "ann"]
    assert rows == [("ann", "auth.sign_in"), ("ann", "debate.started"), ("ann", "debate.ruling")]
    at.button(key="w.auth.sign_out").click().run()
    assert "Sign in to SRE Tribunal" in texts(at)
    assert _audit(ui_home)[-1] == ("ann", "auth.sign_out")


def test_a_session_expires(team_home: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIBUNAL_SESSION_HOURS", str(2 / 3600))  # two seconds
    at = _sign_in(new_app().run(), "ann")
    assert "ann · analyst" in texts(at) or "Sign in to SRE Tribunal" not in texts(at)
    time.sleep(2.5)
    at.run()
    assert "Sign in to SRE Tribunal" in texts(at) and "Your session has expired" in texts(at)


def test_the_admin_sees_filters_and_exports_the_audit(team_home: str) -> None:
    at = _sign_in(new_app().run(), "ada")
    at.switch_page("../pages/audit.py").run()
    no_exception(at)
    at.button(key="w.audit.verify").click().run()
    assert "The hash chain is intact" in texts(at)
    frame = at.dataframe[0].value
    assert {"incident.created", "asset.uploaded", "auth.sign_in", "user.added"} <= set(frame["What"])
    at.selectbox(key="w.audit.action").set_value("user.").run()
    assert set(at.dataframe[0].value["What"]) == {"user.added"}
    assert "Local accounts" in texts(at)
    _store()._conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")  # behind the product's back
    at.button(key="w.audit.verify").click().run()
    assert any("breaks at row 2" in e.value for e in at.error), [e.value for e in at.error]


def test_a_viewer_is_turned_away_from_the_audit_page(team_home: str) -> None:
    at = _sign_in(new_app().run(), "vera")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("../pages/audit.py")  # not in a viewer's navigation
    # and the page itself refuses, should it be reached some other way
    page = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "pages" / "audit.py"), default_timeout=30)
    page.session_state["tribunal.auth.principal"] = Principal("vera", "viewer", "local")
    page.run()
    no_exception(page)
    assert "This page is for admins only" in texts(page) and not page.dataframe


def test_the_admin_manages_accounts_on_the_page_and_each_change_is_audited(team_home: str, ui_home: Path) -> None:
    at = _sign_in(new_app().run(), "ada")
    at.switch_page("../pages/audit.py").run()
    at.selectbox(key="w.users.pick").set_value("vera")
    at.selectbox(key="w.users.role").set_value("analyst")
    at.button(key="w.users.set_role").click().run()
    no_exception(at)
    at.selectbox(key="w.users.pick").set_value("ann").run()
    at.button(key="w.users.disable").click().run()
    assert "w.users.enable" in _keys(at) and "w.users.disable" not in _keys(at), "ann can now be enabled again"
    at.text_input(key="w.users.new_name").set_value("otto")
    at.selectbox(key="w.users.new_role").set_value("approver")
    at.text_input(key="w.users.pw1").set_value("otto's long password")
    at.text_input(key="w.users.pw2").set_value("otto's long password")
    at.button(key="w.users.add_go").click().run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    rows = [r for r in _audit(ui_home) if r[1].startswith("user.") and r[0] == "ada"]
    assert rows == [("ada", "user.role_changed"), ("ada", "user.disabled"), ("ada", "user.added")]
    states = {u.name: (u.role, u.disabled) for u in accounts.list_users(_store())}
    assert states["vera"] == ("analyst", False) and states["ann"] == ("analyst", True)
    assert states["otto"] == ("approver", False)
    at.selectbox(key="w.users.pick").set_value("ada").run()
    assert "w.users.disable" not in _keys(at), "an admin is not offered to disable their own account"
    at.selectbox(key="w.users.pick").set_value("vera").run()
    assert "w.users.disable" in _keys(at)


def _store() -> Store:
    from app import resources

    return resources.store(load_settings())


def test_a_store_without_accounts_says_how_to_create_the_first(ui_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIBUNAL_AUTH", "local")
    at = new_app().run()
    no_exception(at)
    assert "There are no accounts yet" in texts(at)
    assert any("users add NAME --role admin" in c.value for c in at.code)


def test_oidc_without_an_auth_section_says_what_to_configure(ui_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIBUNAL_AUTH", "oidc")
    at = new_app().run()
    no_exception(at)
    assert "Sign in to SRE Tribunal" in texts(at)
    at.button(key="w.auth.oidc_login").click().run()
    no_exception(at)
    assert any("OIDC sign-in is not configured" in e.value for e in at.error), [e.value for e in at.error]


def test_the_audit_page_speaks_chinese(team_home: str) -> None:
    at = _sign_in(new_app().run(), "ada")
    at.segmented_control(key="w.lang").set_value("zh").run()
    at.switch_page("../pages/audit.py").run()
    no_exception(at)
    frame = at.dataframe[0].value
    assert "操作" in frame.columns and {"登录", "创建事件", "上传资产", "添加账号"} <= set(frame["操作"])
    at.selectbox(key="w.audit.action").set_value("user.").run()
    assert set(at.dataframe[0].value["操作"]) == {"添加账号"}
