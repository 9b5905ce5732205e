"""The graph page's server-side view: bounded, filtered, with the exception → design path marked."""

from __future__ import annotations

from core.bundle import load_bundle
from core.config import Settings
from core.graph_view import incident_view, node_details, story_view
from core.pipeline import fuse, ingest_bundle, open_incident
from core.store import Store
from tests.conftest import MiniBundle


def test_view_centres_on_the_exception_and_marks_the_path(
    store: Store, settings: Settings, mini_bundle: MiniBundle,
) -> None:
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


def test_the_story_leads_from_the_exception_to_the_change_its_author_and_the_team(
        store: Store, settings: Settings, mini_bundle: MiniBundle) -> None:
    bundle = load_bundle(mini_bundle.root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    fuse(store, settings, incident.id)
    story = story_view(store, incident.id)
    ids = {n.id for n in story.nodes}
    assert story.center is not None and story.center.startswith("exception:")
    assert f"commit:{mini_bundle.bug_sha}" in ids, "the convicted change"
    assert f"commit:{mini_bundle.distractor_sha}" not in ids, "not every change"
    assert "team:@acme/stock-team" in ids and any(n.kind == "author" for n in story.nodes)
    assert len(story.nodes) <= 15, "a story a projector can show"
    story_kinds = {"exception", "frame", "method", "class", "file", "commit", "author", "team"}
    assert {n.kind for n in story.nodes} >= story_kinds
    assert all(e.src in ids and e.dst in ids for e in story.edges)
    # Connected: every node but the exception is reached by an edge of the story.
    assert ids - {story.center} <= {e.src for e in story.edges} | {e.dst for e in story.edges}
