"""Several sessions against one server's runner: each watcher reaches the final state (ruling, report button)
whatever it did meanwhile (left for History and came back, opened the incident in a fresh session)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.ui.support import PAGES, new_app, no_exception, texts, wait_until

INCIDENT = "tribunal.incident_id"
REPORT = "w.debate.to_report"


def _final(at: AppTest) -> bool:
    return (any(b.key == REPORT for b in at.button)
            and 'class="tb-verdict"' in "".join(str(m.value) for m in at.markdown))


def _demo_session() -> AppTest:
    at = new_app(timeout=240).run()
    at.button(key="w.intake.demo").click().run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    return at


def _start(at: AppTest) -> None:
    at.switch_page(PAGES["debate"]).run()
    at.number_input(key="w.debate.pace").set_value(0.02)
    at.button(key="w.debate.start").click().run()
    no_exception(at)


def test_every_watcher_reaches_the_ruling_and_the_report_button(ui_home: Path) -> None:
    first, second = _demo_session(), _demo_session()
    assert first.session_state[INCIDENT] == second.session_state[INCIDENT], "loading the demo again reuses it"
    _start(first)
    second.switch_page(PAGES["debate"]).run()  # the second user watches the same run
    no_exception(second)
    # A third user opens the first incident while its debate runs: it re-attaches to the same run.
    third = new_app(timeout=60)
    third.session_state[INCIDENT] = first.session_state[INCIDENT]
    third.run()
    third.switch_page(PAGES["debate"]).run()
    no_exception(third)
    # The first user goes to History and comes back (the debate may or may not have ended meanwhile).
    first.switch_page(PAGES["history"]).run()
    no_exception(first)
    first.switch_page(PAGES["debate"]).run()
    for name, at in (("first", first), ("second", second), ("third", third)):
        assert wait_until(at, _final, timeout_s=120, poll_s=0.5), f"{name}: {texts(at)[-1500:]}"
        no_exception(at)
        assert not at.error, (name, [e.value for e in at.error])
    assert texts(first).count("JudgeAgent") == texts(third).count("JudgeAgent"), "the same debate, drawn the same"
    third.button(key=REPORT).click().run()
    no_exception(third)
    assert "Post-mortem report" in texts(third)
