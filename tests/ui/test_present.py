"""The demo in the meeting room: "Load demo" opens the debate ready to start and reuses its incident;
"Present" goes from intake through the debate to the report in one click; the demo's ruling cannot be
added to the case library, a hand-made incident's can, by a person."""

from __future__ import annotations

from pathlib import Path

from core.cases import in_library
from core.config import load_settings
from tests.ui.support import PAGES, new_app, no_exception, texts, wait_until

INCIDENT = "tribunal.incident_id"


def test_present_goes_from_intake_to_the_report_and_the_demo_is_loaded_once(ui_home: Path) -> None:
    at = new_app(timeout=240).run()
    at.button(key="w.intake.demo").click().run()
    no_exception(at)
    first = at.session_state[INCIDENT]
    assert any(b.key == "w.debate.start" for b in at.button), "the demo opens on the debate, ready to start"

    at.switch_page(PAGES["intake"]).run()
    at.button(key="w.intake.present").click().run()
    no_exception(at)
    assert at.session_state[INCIDENT] == first, "loading the demo again reuses its incident"
    assert at.session_state["tribunal.present"] == f"report:{first}", "the debate started by itself"
    at.switch_page(PAGES["debate"])  # AppTest shows a switched-to page for one run only: stay on the debate
    # One click: the debate starts by itself and the report opens once the judge rules.
    assert wait_until(at, lambda a: "Post-mortem report" in texts(a), timeout_s=180, poll_s=0.5), texts(at)[-1500:]
    no_exception(at)
    at.switch_page(PAGES["report"]).run()
    button = next(b for b in at.button if b.key == "w.report.add_to_library")
    assert button.disabled and "demo's rulings stay out" in texts(at)

    at.switch_page(PAGES["history"]).run()
    assert list(at.dataframe[0].value["id"]) == [first], "one demo incident in History"


def test_a_person_adds_a_ruling_to_the_library(ui_home: Path) -> None:
    from core.bundle import load_bundle
    from core.pipeline import fuse, ingest_bundle, open_incident, run_debate
    from core.store import Store
    from tests.conftest import build_mini_bundle

    settings = load_settings()
    store = Store(settings.db_path)
    bundle = load_bundle(build_mini_bundle(ui_home.parent / "bundle").root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    fuse(store, settings, incident.id)
    list(run_debate(store, settings, incident.id))
    store.close()

    at = new_app(timeout=60)
    at.session_state[INCIDENT] = incident.id
    at.run()
    at.switch_page(PAGES["report"]).run()
    no_exception(at)
    assert not in_library(settings, incident.id), "nothing joins the library by finishing"
    at.button(key="w.report.add_to_library").click().run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert in_library(settings, incident.id)
    assert next(b for b in at.button if b.key == "w.report.add_to_library").label == "Update the library's copy"
