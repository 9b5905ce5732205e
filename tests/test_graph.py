"""The incident graph on the demo incident: one-pass build, recursive-SQL traversals, blast radius."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.bundle import load_bundle
from core.config import Settings
from core.graph import DuckGraph, Edge, Node, build_graph
from core.indexing import index_incident
from core.ingest.code import GitRepo
from core.pipeline import ingest_bundle, open_incident
from core.store import Store
from data.build_demo import build_demo_bundle

ANSWER = json.loads((Path(__file__).resolve().parent.parent / "data/demo/answer_key.json").read_text(encoding="utf-8"))
INVENTORY_ITEM = "aggregate:com.acme.shop.inventory.domain.model.InventoryItem"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_bundle(tmp_path_factory.mktemp("demo") / "b")


@pytest.fixture
def graph(store: Store, settings: Settings, demo: Path) -> DuckGraph:
    bundle = load_bundle(demo)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    assert bundle.repo is not None
    index_incident(store, settings, incident, bundle, GitRepo(bundle.repo))
    return build_graph(store, incident.id)


def _top_exception(graph: DuckGraph) -> str:
    df = graph.store.query_df("SELECT node_id FROM graph_nodes WHERE incident_id = ? AND kind = 'exception' "
                              "ORDER BY CAST(props->>'count' AS INTEGER) DESC LIMIT 1", [graph.incident_id])
    return str(df.iloc[0, 0])


def test_graph_holds_every_state(graph: DuckGraph) -> None:
    nodes, edges = graph.counts()
    for kind in ("exception", "frame", "method", "class", "file", "commit", "author", "team", "aggregate",
                 "bounded_context", "api_operation", "table", "slow_sql", "endpoint", "invariant", "rule"):
        assert nodes.get(kind), kind
    for kind in ("thrown_at", "in_method", "in_class", "in_file", "changed_by", "authored_by", "owned_by",
                 "member_of", "in_context", "exposes", "persists_to", "touches", "calls", "routes_to"):
        assert edges.get(kind), kind
    assert nodes["aggregate"] == 4 and nodes["bounded_context"] == 4


def test_path_from_the_exception_to_context_api_table_and_team(graph: DuckGraph) -> None:
    exc = _top_exception(graph)
    assert graph.nodes([exc])[exc].label == ANSWER["exception_type"].rsplit(".", 1)[-1]
    to_context = graph.path(exc, f"bounded_context:{ANSWER['bounded_context']}")
    assert to_context.kinds() == ["exception", "frame", "method", "class", "bounded_context"]
    assert to_context.nodes[2].id == f"method:{ANSWER['root_cause_symbol']}"
    assert [e.kind for e in to_context.edges] == ["thrown_at", "in_method", "in_class", "in_context"]
    to_api = graph.path(exc, "api_operation:POST /api/orders")
    assert to_api.found and to_api.kinds()[-1] == "api_operation" and len(to_api.nodes) <= 5
    to_table = graph.path(exc, "table:inventory_item")
    assert to_table.found and to_table.nodes[-1].label == "inventory_item"
    to_team = graph.path(exc, f"team:{ANSWER['responsible_team']}")
    assert to_team.found
    assert not graph.path(exc, "table:no_such_table").found


def test_blast_radius_of_the_inventory_aggregate(graph: DuckGraph) -> None:
    radius = graph.blast_radius(INVENTORY_ITEM)
    assert "api_operation:POST /api/orders" in radius.apis  # the failing endpoint depends on the aggregate
    assert "api_operation:GET /api/inventory/{}" in radius.apis
    assert not any("payments" in a for a in radius.apis)  # payment does not touch stock
    assert radius.tables == ["table:inventory_item"]
    assert "class:com.acme.shop.order.application.OrderApplicationService" in radius.classes
    assert f"method:{ANSWER['root_cause_symbol']}" in radius.methods
    assert {"bounded_context:inventory", "bounded_context:order"} <= set(radius.contexts)
    assert f"team:{ANSWER['responsible_team']}" in radius.teams


def test_ego_graph_depth_and_kinds(graph: DuckGraph) -> None:
    centre = "class:com.acme.shop.inventory.application.InventoryService"
    one = graph.ego(centre, 1)
    assert one.nodes[0].id == centre and max(n.props["depth"] for n in one.nodes) == 1
    assert "bounded_context:inventory" in {n.id for n in one.nodes}
    assert all(e.src in {n.id for n in one.nodes} and e.dst in {n.id for n in one.nodes} for e in one.edges)
    two = graph.ego(centre, 2, kinds=["class", "method"])
    assert {n.kind for n in two.nodes} <= {"class", "method"}
    assert len(two.nodes) > len([n for n in one.nodes if n.kind == "class"])
    assert graph.ego("class:nope", 2).nodes == []


def test_upsert_is_idempotent_and_rebuild_replaces(store: Store) -> None:
    graph = DuckGraph(store, "INC-U")
    nodes = [Node(id="a:1", kind="class", label="A"), Node(id="b:1", kind="class", label="B")]
    graph.upsert(nodes, [Edge(src="a:1", dst="b:1", kind="calls")])
    graph.upsert([Node(id="a:1", kind="class", label="A2")], [Edge(src="a:1", dst="b:1", kind="calls", props={"n": 2})])
    assert graph.counts() == ({"class": 2}, {"calls": 1}) and graph.nodes(["a:1"])["a:1"].label == "A2"
    cycle = [Edge(src="b:1", dst="a:1", kind="calls")]
    graph.upsert([], cycle)
    assert graph.path("a:1", "b:1").found and len(graph.ego("a:1", 5).nodes) == 2  # cycles terminate
