"""The debate page with the debate in a worker process: whatever the user does meanwhile (leaves for History
and comes back, switches language), the watch reaches the final state — ruling, report button, duration."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.support import PAGES, isolate, new_app, no_exception, texts, wait_until

INCIDENT = "tribunal.incident_id"
REPORT = "w.debate.to_report"


@pytest.fixture
def worker_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    isolate(monkeypatch, home)
    monkeypatch.setenv("TRIBUNAL_WORKERS", "1")
    yield home
    from app import resources

    resources._jobs.clear()  # ends this test's worker process (the cache closes the runner it drops)


def _final(at: AppTest) -> bool:
    html = "".join(str(m.value) for m in at.markdown)
    took = any("took" in str(c.value) or "用时" in str(c.value) for c in at.caption)
    return any(b.key == REPORT for b in at.button) and 'class="tb-verdict"' in html and took


def test_the_watch_reaches_the_final_state_after_leaving_coming_back_and_switching_language(worker_home: Path) -> None:
    from app import resources

    at = new_app(timeout=240).run()
    at.button(key="w.intake.demo").click().run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    at.switch_page(PAGES["debate"]).run()
    at.number_input(key="w.debate.pace").set_value(0.05)
    at.button(key="w.debate.start").click().run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    incident_id = at.session_state[INCIDENT]
    cfg = resources.settings()
    run = resources.registry(cfg).get(incident_id)
    assert run is not None and run.alive, "the debate did not start"

    at.switch_page(PAGES["history"]).run()  # away while it runs …
    no_exception(at)
    at.switch_page(PAGES["debate"]).run()  # … and back
    no_exception(at)
    at.segmented_control(key="w.lang").set_value("zh").run()  # 中文
    no_exception(at)
    assert wait_until(at, _final, timeout_s=120, poll_s=0.5), texts(at)[-1500:]
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert "用时" in texts(at), "the duration is shown in the language switched to"
    assert run.pid is not None and run.pid != os.getpid() and run.state == "finished", (run.pid, run.state, run.error)
    at.button(key=REPORT).click().run()
    no_exception(at)
