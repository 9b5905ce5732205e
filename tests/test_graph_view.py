"""The graph page's server-side view: bounded, filtered, with the exception → design path marked."""

from __future__ import annotations

from core.bundle import load_bundle
from core.config import Settings
from core.graph_view import incident_view, node_details
from core.pipeline import fuse, ingest_bundle, open_incident
from core.store import Store
from tests.conftest import MiniBundle


def test_view_centres_on_the_exception_and_marks_the_path(store: Store, settings: Settings, mini_bundle: MiniBundle) -> None:
    bundle = load_bundle(mini_bundle.root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    fuse(store, settings, incident.id)
    view = incident_view(store, incident.id)
    assert view.center is not None and view.center.startswith("exception:")
    ids = {n.id for n in view.nodes}
    assert view.path_nodes[0] == view.center and view.path_nodes[-1] == "bounded_context:stock"
    assert set(view.path_nodes) <= ids
    assert all(e.src in ids and e.dst in ids for e in view.edges)
    small = incident_view(store, incident.id, max_nodes=3)
    assert small.truncated > 0
    only = incident_view(store, incident.id, kinds=["exception", "frame"])
    assert {n.kind for n in only.nodes} - {"exception", "frame"} <= {n.split(":", 1)[0] for n in only.path_nodes}
    details = node_details(store, incident.id, "bounded_context:stock")
    assert details is not None and details.neighbours
    assert node_details(store, incident.id, "class:nope") is None
