"""History through AppTest: the search box and filters narrow the table, its columns carry the ruling and the review
state, and only an admin sees (and can use) the delete."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app.state import Keys
from app.state import Widgets as W
from core.auth import Principal
from tests.conftest import START, build_mini_bundle
from tests.ui.support import PAGES, new_app, no_exception, texts


@pytest.fixture
def incidents(ui_home: Path, tmp_path: Path) -> dict[str, str]:
    from app import resources
    from core.bundle import load_bundle
    from core.pipeline import fuse, ingest_bundle, open_incident, run_debate
    from core.schema import IncidentDraft

    cfg = resources.settings()
    store = resources.store(cfg)  # the app's own cached store on this test's home
    bundle = load_bundle(build_mini_bundle(tmp_path / "bundle").root)
    judged = open_incident(store, bundle.draft)
    ingest_bundle(store, cfg, judged, bundle)
    fuse(store, cfg, judged.id)
    list(run_debate(store, cfg, judged.id))
    slow = store.create_incident(IncidentDraft(title="Login is slow", severity="low", service="auth-service",
                                               started_at=START + timedelta(days=30)))
    pay = store.create_incident(IncidentDraft(title="Payments time out", severity="critical", service="payment-gateway",
                                              started_at=START + timedelta(days=60)))
    return {"judged": judged.id, "slow": slow.id, "pay": pay.id}


def _history(lang: str = "en"):  # type: ignore[no-untyped-def]
    at = new_app()
    at.session_state[Keys.LANG] = lang
    at.run()
    at.switch_page(PAGES["history"]).run()
    no_exception(at)
    return at


def _table(at):  # type: ignore[no-untyped-def]
    return next(df.value for df in at.dataframe if "root_cause" in df.value.columns)


def test_columns_search_and_filters(incidents: dict[str, str]) -> None:
    at = _history()
    table = _table(at)
    assert {"root_cause", "confidence", "team", "review"} <= set(table.columns)
    assert set(table["id"]) == set(incidents.values())
    judged = table[table["id"] == incidents["judged"]].iloc[0]
    assert judged["team"] == "@acme/stock-team" and judged["review"].endswith("Draft") and judged["confidence"] > 0
    assert table[table["id"] == incidents["slow"]].iloc[0]["review"] == "No ruling"

    at.text_input(key=W.HISTORY_SEARCH).input("stock-team").run()
    no_exception(at)
    assert list(_table(at)["id"]) == [incidents["judged"]]
    assert "1 of 3 incidents" in texts(at)

    at.text_input(key=W.HISTORY_SEARCH).input("").run()
    at.multiselect(key=W.HISTORY_SEVERITY).select("low").select("critical").run()
    assert set(_table(at)["id"]) == {incidents["slow"], incidents["pay"]}
    at.multiselect(key=W.HISTORY_REVIEW).select("draft").run()
    assert "No incident matches" in texts(at)  # low/critical and draft: nothing
    at.multiselect(key=W.HISTORY_SEVERITY).unselect("low").unselect("critical").run()
    assert list(_table(at)["id"]) == [incidents["judged"]]
    at.multiselect(key=W.HISTORY_REVIEW).unselect("draft").run()
    at.date_input(key=W.HISTORY_SINCE).set_value(START.date() + timedelta(days=45)).run()
    assert list(_table(at)["id"]) == [incidents["pay"]]
    # the picker offers what the table shows
    assert at.selectbox(key=W.HISTORY_PICK).options == [f"{incidents['pay']} · Payments time out"]
    no_exception(at)


def test_search_in_chinese_finds_the_chinese_title(incidents: dict[str, str]) -> None:
    at = _history("zh")
    at.text_input(key=W.HISTORY_SEARCH).input("下单失败").run()
    no_exception(at)
    assert list(_table(at)["id"]) == [incidents["judged"]]
    assert "显示 1 / 3 个事件" in texts(at)


def test_an_admin_deletes_and_a_viewer_sees_no_delete(incidents: dict[str, str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from app import resources
    from core import audit

    at = _history()  # sign-in off: the local user is an admin
    at.selectbox(key=W.HISTORY_PICK).set_value(incidents["slow"]).run()
    delete = at.button(key=W.HISTORY_DELETE)
    assert delete.disabled  # nothing goes before the confirmation is ticked
    at.checkbox(key=f"{W.HISTORY_DELETE_OK}.{incidents['slow']}").check().run()
    at.button(key=W.HISTORY_DELETE).click().run()
    no_exception(at)
    assert f"Deleted {incidents['slow']}" in texts(at)
    assert set(_table(at)["id"]) == {incidents["judged"], incidents["pay"]}
    store = resources.store(resources.settings())
    [row] = audit.list_events(store, action=audit.Action.INCIDENT_DELETED, incident_id=incidents["slow"])
    assert row.actor == "local-user"

    monkeypatch.setattr("app.widgets.history_search.acting", lambda: Principal("vera", "viewer"))
    at = _history()
    assert not [b for b in at.button if b.key == W.HISTORY_DELETE]
    assert not [e for e in at.expander if "Delete" in e.label]
