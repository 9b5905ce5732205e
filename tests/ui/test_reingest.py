"""An ingest that stopped part way is visible on History and can be redone there, from the bundle it came from."""

from __future__ import annotations

from pathlib import Path

from core.bundle import load_bundle
from core.config import load_settings
from core.pipeline import open_incident
from core.resume import resume_step
from core.store import Store
from tests.conftest import build_mini_bundle
from tests.ui.support import PAGES, new_app, no_exception, texts

KEY = "w.history.open.reingest"


def _interrupted(home: Path, *, keep_bundle: bool) -> str:
    """An incident opened from an uploaded bundle whose ingest stopped after one partial write."""
    cfg = load_settings()
    root = cfg.work_dir / "uploads" / "20261206-010101-abcdef" if keep_bundle else home.parent / "elsewhere"
    build_mini_bundle(root)
    store = Store(cfg.db_path)
    try:
        incident = open_incident(store, load_bundle(root).draft)
        store.record_failed_asset(incident.id, "log", "half.log", "the server stopped while this file was read")
        return incident.id
    finally:
        store.close()


def test_history_reads_the_files_of_an_interrupted_ingest_again(ui_home: Path) -> None:
    incident_id = _interrupted(ui_home, keep_bundle=True)
    at = new_app(timeout=120).run()
    at.switch_page(PAGES["history"]).run()
    no_exception(at)
    at.selectbox(key="w.history.pick").set_value(incident_id).run()
    assert any(incident_id in str(w.value) for w in at.warning), "the stopped ingest is not shown"
    at.button(key=KEY).click().run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    from app import resources

    store = resources.store(resources.settings())
    assert resume_step(store, incident_id) in ("debate", "done"), "still not ingested and fused"
    assets = store.list_assets(incident_id)
    assert "half.log" not in {a.name for a in assets}, "the interrupted ingest's partial rows were kept"
    assert any(a.kind == "log" and a.status == "ok" for a in assets), [(a.name, a.status) for a in assets]
    assert store.list_evidence(incident_id), "no evidence fused"


def test_history_says_what_to_do_when_the_bundle_is_gone(ui_home: Path) -> None:
    incident_id = _interrupted(ui_home, keep_bundle=False)
    at = new_app(timeout=60).run()
    at.switch_page(PAGES["history"]).run()
    at.selectbox(key="w.history.pick").set_value(incident_id).run()
    no_exception(at)
    assert not any(b.key == KEY for b in at.button), "a button that cannot work"
    assert "no longer in the data directory" in texts(at)
