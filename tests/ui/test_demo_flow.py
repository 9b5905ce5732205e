"""The demo, end to end in AppTest: intake → debate (assets beside it) (live, re-attachable) → report → history."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from tests.ui.support import PAGES, new_app, no_exception, texts, wait_until

INCIDENT = "tribunal.incident_id"


def _verdict(at: AppTest) -> str:
    for md in at.markdown:
        found = re.search(r'<div class="tb-verdict">(.*?)</div>', str(md.value), re.S)
        if found:
            return found.group(1).strip()
    return ""


def _has_button(at: AppTest, key: str) -> bool:
    return any(b.key == key for b in at.button)


def test_demo_lands_on_the_debate_ready_to_start_and_the_assets_are_there(demo_app: AppTest) -> None:
    page = texts(demo_app)
    assert "The tribunal" in page and _has_button(demo_app, "w.debate.start"), page[-800:]
    demo_app.switch_page(PAGES["assets"]).run()
    page = texts(demo_app)
    assert "Assets & evidence" in page and "Ingested assets" in page and "Key findings" in page
    assert [tab.label.split(": ", 1)[-1] for tab in demo_app.tabs] == [
        "Overview", "Logs & exceptions", "Metrics", "Traces", "Slow SQL", "Evidence"]
    assert demo_app.session_state[INCIDENT].startswith("INC-")
    assert "runtime/order-service.log" in set(demo_app.dataframe[0].value["name"]), "the overview lists the assets"
    assert demo_app.get("plotly_chart"), "the error-rate chart is drawn"
    demo_app.session_state["tribunal.assets_tab"] = "evidence"
    demo_app.run()
    assert set(demo_app.dataframe[0].value["id"]) >= {"E1", "E2"}, "the evidence tab holds the ledger"
    demo_app.session_state["tribunal.assets_tab"] = "overview"


def test_every_page_renders_with_the_demo_incident(demo_app: AppTest) -> None:
    for name, path in PAGES.items():
        demo_app.switch_page(path).run()
        no_exception(demo_app)
        assert "Open an incident first" not in texts(demo_app), name
    demo_app.switch_page(PAGES["report"]).run()
    assert "No ruling yet" in texts(demo_app)


def test_graph_page_draws_the_exception_neighbourhood(demo_app: AppTest) -> None:
    demo_app.switch_page(PAGES["graph"]).run()
    no_exception(demo_app)
    page = texts(demo_app)
    assert "The failure's story" in page, page[-500:]
    dot = demo_app.get("graphviz_chart")[0].proto.spec
    # The story: the exception, the failing method, the change, its author and the owning team.
    for node in ("exception:", "reserveStock", "commit:", "author:", "team:@acme/inventory-team"):
        assert node in dot, node
    assert dot.count("->") <= 20, "a story, not the neighbourhood"
    demo_app.toggle(key="w.graph.wide").set_value(True).run()
    no_exception(demo_app)
    assert "path of" in texts(demo_app)
    demo_app.selectbox(key="w.graph.context").set_value("inventory").run()
    no_exception(demo_app)
    demo_app.slider(key="w.graph.depth").set_value(1).run()
    no_exception(demo_app)


def test_debate_reaches_a_ruling_that_the_report_shows(demo_app: AppTest) -> None:
    at = demo_app.switch_page(PAGES["debate"]).run()
    assert "The tribunal" in texts(at), "the roster is shown before the first debate"
    at.number_input(key="w.debate.pace").set_value(0.0)
    at.button(key="w.debate.start").click().run()
    no_exception(at)
    assert wait_until(at, lambda a: _has_button(a, "w.debate.to_report"), timeout_s=120), texts(at)[-2000:]
    no_exception(at)
    page = texts(at)
    for agent in ("LogAgent", "DomainAgent", "CodeAgent", "CriticAgent", "RebuttalAgent", "JudgeAgent"):
        assert agent in page, agent
    assert "Speaking brain: offline brain" in page
    verdict = _verdict(at)
    assert verdict, "the ruling banner closes the debate"
    at.button(key="w.debate.to_report").click().run()
    no_exception(at)
    assert "Post-mortem report" in texts(at)
    assert _verdict(at) == verdict
    assert "Evidence chain" in texts(at) and "Confidence per round" in texts(at)
    assert [b.key for b in at.get("download_button")] == ["w.report.dl_md", "w.report.dl_html", "w.report.dl_pdf",
                                                          "w.report.dl_json"]  # the four post-mortem formats
    assert at.get("plotly_chart")
    # AppTest shows the page st.switch_page went to for that one run only; pin it for the next runs.
    at.switch_page(PAGES["report"]).run()
    chip = next(b for b in at.button if b.key and b.key.startswith("chip-chain-1-"))
    chip.click().run()
    no_exception(at)
    assert at.session_state["tribunal.source_open"] == (demo_app.session_state[INCIDENT], chip.label)
    assert at.code, "a cited id opens its source"


def test_another_session_reattaches_to_a_running_debate(demo_app: AppTest) -> None:
    at = demo_app.switch_page(PAGES["debate"]).run()
    at.number_input(key="w.debate.pace").set_value(0.03)
    at.button(key="w.debate.start").click().run()
    no_exception(at)
    # A second browser session (fresh session state) opens the same incident mid-debate.
    other = new_app()
    other.session_state[INCIDENT] = demo_app.session_state[INCIDENT]
    other.run()
    other.switch_page(PAGES["debate"]).run()
    no_exception(other)
    assert "Live ·" in texts(other) or _has_button(other, "w.debate.to_report"), texts(other)[-1500:]
    assert wait_until(other, lambda a: _has_button(a, "w.debate.to_report"), timeout_s=180)
    assert _verdict(other)
    assert wait_until(at, lambda a: _has_button(a, "w.debate.to_report"), timeout_s=30)


def test_history_reopens_the_incident_on_its_report(demo_app: AppTest) -> None:
    incident_id = demo_app.session_state[INCIDENT]
    other = new_app().run()
    other.switch_page(PAGES["history"]).run()
    assert incident_id in set(other.dataframe[0].value["id"])
    other.selectbox(key="w.history.pick").set_value(incident_id)
    other.button(key="w.history.open.report").click().run()
    no_exception(other)
    assert other.session_state[INCIDENT] == incident_id
    assert "Post-mortem report" in texts(other) and _verdict(other)
