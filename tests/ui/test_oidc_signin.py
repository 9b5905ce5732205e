"""TRIBUNAL_AUTH=oidc end to end: a real OpenID provider on loopback (oidc-provider-mock), a real `streamlit run`
configured with [auth] in a secrets file, and headless Chromium signing in through st.login. The role comes from
the mapping file, from the ID token's role claim, or is the default; each sign-in is audited."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.ui.support import ROOT
from tests.ui.test_browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    _free_port,
    _wait_healthy,
)

oidc_mock = pytest.importorskip("oidc_provider_mock")


@contextmanager
def _provider() -> Iterator[str]:
    with oidc_mock.run_server_in_thread(port=0) as server:  # any client id and secret are accepted
        yield f"http://localhost:{server.server_port}"


def _set_user(provider: str, sub: str, claims: dict[str, object]) -> None:
    request = urllib.request.Request(f"{provider}/users/{sub}", data=json.dumps(claims).encode(), method="PUT",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as resp:
        assert resp.status == 204


@contextmanager
def _dashboard(tmp_path: Path, provider: str) -> Iterator[str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-of-some-length"\n'
        'client_id = "tribunal-test"\n'
        'client_secret = "tribunal-test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n', encoding="utf-8")
    roles = tmp_path / "roles.toml"
    roles.write_text('[users]\n"alice@example.com" = "approver"\n[domains]\n"example.com" = "analyst"\n',
                     encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "NEO4J_", "TRIBUNAL_"))}
    env.update({"TRIBUNAL_HOME": str(tmp_path / "home"), "LLM_API_KEY_ENV": "TRIBUNAL_UI_TEST_NO_KEY",
                "TRIBUNAL_AUTH": "oidc", "TRIBUNAL_ROLE_MAP": str(roles), "TRIBUNAL_ROLE_CLAIM": "tribunal_role"})
    log = (tmp_path / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--secrets.files", str(secrets)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        _wait_healthy(url, proc, 60)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()
        print((tmp_path / "streamlit.log").read_text(errors="replace")[-3000:])


def _sign_in(browser, url: str, sub: str, shot: str) -> str:  # type: ignore[no-untyped-def]
    """Sign in as `sub` at the provider in a fresh browser context; returns the sidebar's sign-in line."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(url)
        expect(page.get_by_text("Sign in to SRE Tribunal").first).to_be_visible(timeout=60_000)
        page.get_by_role("button", name="Sign in with your identity provider").click()
        page.wait_for_url("**/oauth2/authorize**")  # the provider's own page
        page.locator("input[name=sub]").fill(sub)
        page.get_by_role("button", name="Authorize").click()
        line = page.get_by_text(f"{sub} · ").first
        expect(line).to_be_visible(timeout=60_000)
        page.wait_for_timeout(500)
        page.screenshot(path=ARTIFACTS / shot)
        text = line.inner_text()
        if "viewer" in text:  # a viewer reads: the intake page offers nothing to open
            expect(page.get_by_text("may only read").first).to_be_visible()
            expect(page.get_by_role("button", name="Open incident")).to_have_count(0)
        return text
    finally:
        context.close()


def test_oidc_sign_in_with_roles_from_the_mapping_file_the_claim_and_the_default(tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent; install Debian's chromium package to run the browser test")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with _provider() as provider:
        _set_user(provider, "bob@corp.org", {"email": "bob@corp.org", "tribunal_role": "analyst"})
        with _dashboard(tmp_path, provider) as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                assert "approver" in _sign_in(browser, url, "alice@example.com", "30-oidc-alice.png")  # the file
                assert "analyst" in _sign_in(browser, url, "bob@corp.org", "31-oidc-bob.png")  # the claim
                assert "viewer" in _sign_in(browser, url, "carol@other.org", "32-oidc-carol.png")  # the default
            finally:
                browser.close()

    from core import audit
    from core.store import Store

    store = Store(tmp_path / "home" / "tribunal.duckdb")  # the server has stopped: the file is free
    signed = {(e.actor, e.detail["role"]) for e in audit.list_events(store, action="auth.sign_in")}
    assert signed == {("alice@example.com", "approver"), ("bob@corp.org", "analyst"), ("carol@other.org", "viewer")}
    assert all(e.detail["mode"] == "oidc" for e in audit.list_events(store, action="auth.sign_in"))
