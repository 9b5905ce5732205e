"""The report page's review panel through AppTest: the state, who decided and when, the buttons each role gets,
and the four downloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.state import Keys
from app.state import Widgets as W
from core.auth import Principal
from tests.conftest import build_mini_bundle
from tests.ui.support import PAGES, new_app, no_exception, texts


@pytest.fixture
def judged(ui_home: Path, tmp_path: Path) -> str:
    from app import resources
    from core.bundle import load_bundle
    from core.pipeline import fuse, ingest_bundle, open_incident, run_debate

    cfg = resources.settings()
    store = resources.store(cfg)
    bundle = load_bundle(build_mini_bundle(tmp_path / "bundle").root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, cfg, incident, bundle)
    fuse(store, cfg, incident.id)
    list(run_debate(store, cfg, incident.id))
    return incident.id


def _report(incident_id: str, lang: str = "en"):  # type: ignore[no-untyped-def]
    at = new_app()
    at.session_state[Keys.INCIDENT] = incident_id
    at.session_state[Keys.LANG] = lang
    at.run()
    at.switch_page(PAGES["report"]).run()
    no_exception(at)
    return at


def _decision_buttons(at) -> set[str]:  # type: ignore[no-untyped-def]
    return {b.key.rsplit(".", 1)[1] for b in at.button if b.key and b.key.startswith(W.REVIEW_DECIDE + ".")}


def test_an_approver_signs_off_a_high_risk_ruling(judged: str) -> None:
    at = _report(judged)  # sign-in off: the local user (admin) may take every decision
    page = texts(at)
    assert "an approver must approve, reject or send it back" in page
    assert _decision_buttons(at) == {"approve", "reject", "send_back"}  # no finalise: it needs an approver
    downloads = [el for el in at.get("download_button")]
    assert len(downloads) == 4

    at.button(key=f"{W.REVIEW_DECIDE}.reject").click().run()
    assert "needs a reason" in texts(at)  # nothing recorded without one
    at.button(key=f"{W.REVIEW_DECIDE}.approve").click().run()
    no_exception(at)
    page = texts(at)
    assert "Approved by local-user" in page and _decision_buttons(at) == set()
    assert "Final" in page


def test_send_back_with_a_note_in_chinese(judged: str) -> None:
    at = _report(judged, "zh")
    assert "须由审批人批准、驳回或退回" in texts(at)
    at.text_area(key=W.REVIEW_TEXT).input("请核对同一发布里连接池配置是否也改了").run()
    at.button(key=f"{W.REVIEW_DECIDE}.send_back").click().run()
    no_exception(at)
    page = texts(at)
    assert "退回说明: 请核对同一发布里连接池配置是否也改了" in page and "新辩论会以这条说明开场" in page


@pytest.mark.parametrize("role,buttons", [("viewer", set()), ("analyst", set()),
                                          ("approver", {"approve", "reject", "send_back"})])
def test_each_role_gets_only_its_buttons(judged: str, role: str, buttons: set[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.widgets.review.acting", lambda: Principal("someone", role))
    at = _report(judged)
    assert _decision_buttons(at) == buttons
    if not buttons:
        assert "may not decide on this ruling" in texts(at)
