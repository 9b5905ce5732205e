"""The graph page speaks the UI language: node kinds, relations and the details card; no empty neighbour rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.state import Keys
from tests.conftest import build_mini_bundle
from tests.ui.support import PAGES, new_app, no_exception


@pytest.fixture
def incident_id(ui_home: Path, tmp_path: Path) -> str:
    from app import resources
    from core.bundle import load_bundle
    from core.pipeline import fuse, ingest_bundle, open_incident

    cfg = resources.settings()
    store = resources.store(cfg)  # the app's own cached store on this test's home
    bundle = load_bundle(build_mini_bundle(tmp_path / "bundle").root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, cfg, incident, bundle)
    fuse(store, cfg, incident.id)
    return incident.id


@pytest.mark.parametrize("lang,kind,relation,english", [
    ("zh", "异常", "抛出于", ("api_operation", "thrown_at", "bounded_context")),
    ("en", "exception", "thrown at", ("api_operation", "thrown_at", "bounded_context")),
])
def test_kinds_and_relations_in_the_ui_language(incident_id: str, lang: str, kind: str, relation: str,
                                                english: tuple[str, ...]) -> None:
    at = new_app()
    at.session_state[Keys.INCIDENT] = incident_id
    at.session_state[Keys.LANG] = lang
    at.run()
    at.switch_page(PAGES["graph"]).run()
    no_exception(at)
    dot = at.get("graphviz_chart")[0].proto.spec
    assert kind in dot and not any(f">{raw}<" in dot for raw in english), "the story's boxes name their kind"
    at.toggle(key="w.graph.wide").set_value(True).run()
    no_exception(at)
    picker = at.multiselect(key="w.graph.kinds")
    shown_kinds = [picker.format_func(k) for k in picker.value]
    assert kind in shown_kinds and not any(raw in shown_kinds for raw in english)
    legend = " ".join(str(m.value) for m in at.markdown)
    assert kind in legend and "bounded_context" not in legend
    neighbours = at.dataframe[-1].value
    assert len(neighbours) and (neighbours["node"].astype(str).str.strip() != "").all()
    relations = set(neighbours["edge"])
    assert not relations & {"thrown_at", "in_context", "owned_by", "in_method", "exposes"}, relations
    assert len(at.json) == 0  # the node's details are a readable table, not a collapsed {...}
    assert relation in set(neighbours["edge"]), set(neighbours["edge"])
    if lang == "zh":
        assert not set(neighbours["kind"]) & {"exception", "frame", "method", "class", "bounded_context"}
