"""Steering a debate from the page: a human intervention mid-debate, and resuming one cut off by a restart."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from streamlit.testing.v1 import AppTest

from app import resources
from tests.conftest import build_mini_bundle
from tests.ui.support import PAGES, new_app, no_exception, texts, wait_until

INCIDENT = "tribunal.incident_id"


def _open_mini_incident(tmp_path: Path) -> AppTest:
    bundle = build_mini_bundle(tmp_path / "bundle")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for path in bundle.root.rglob("*"):
            if path.is_file():
                archive.write(path, path.relative_to(bundle.root.parent))
    at = new_app(timeout=120).run()
    at.file_uploader(key="w.intake.archive").upload("bundle.zip", buf.getvalue(), "application/zip").run()
    at.button(key="w.intake.archive_go").click().run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    return at.switch_page(PAGES["debate"]).run()


def _finished(at: AppTest) -> bool:
    return any(b.key == "w.debate.to_report" for b in at.button)


def test_a_human_note_lands_in_the_running_debate(ui_home: Path, tmp_path: Path) -> None:
    at = _open_mini_incident(tmp_path)
    at.number_input(key="w.debate.pace").set_value(0.03)
    at.button(key="w.debate.start").click().run()
    assert not _finished(at), "the paced debate is still running"
    at.selectbox(key="w.debate.intervene_kind").set_value("question")
    at.text_area(key="w.debate.intervene_text").set_value("Could the database itself be slow?")
    at.button(key="w.debate.intervene_send").click().run()
    no_exception(at)
    assert wait_until(at, _finished, timeout_s=120)
    page = texts(at)
    assert "Human intervention · Question" in page and "Could the database itself be slow?" in page


def test_human_evidence_gets_an_id_the_agents_can_cite(ui_home: Path, tmp_path: Path) -> None:
    at = _open_mini_incident(tmp_path)
    at.number_input(key="w.debate.pace").set_value(0.03)
    at.button(key="w.debate.start").click().run()
    at.selectbox(key="w.debate.intervene_kind").set_value("evidence")
    at.text_area(key="w.debate.intervene_text").set_value("DBA: lock waits on stock_item spiked at 12:31")
    at.button(key="w.debate.intervene_send").click().run()
    assert wait_until(at, _finished, timeout_s=120)
    chips = [b for b in at.button if b.key and b.key.startswith("chip-intervention-")]
    assert len(chips) == 1 and chips[0].label.startswith("E"), "the new evidence is a clickable chip"


def test_an_interrupted_debate_can_be_resumed(ui_home: Path, tmp_path: Path) -> None:
    at = _open_mini_incident(tmp_path)
    # A debate row left "running" by a process that died: nothing in this process runs it.
    store = resources.store(resources.settings())
    store.create_debate(at.session_state[INCIDENT], "offline")
    at.run()
    assert "interrupted by a restart" in texts(at)
    at.number_input(key="w.debate.pace").set_value(0.0)
    at.button(key="w.debate.resume").click().run()
    no_exception(at)
    assert wait_until(at, _finished, timeout_s=120)
    assert "interrupted by a restart" not in texts(at)
