"""Neo4j mirror: Cypher generation and batching (fake driver), fallback when unreachable, live when NEO4J_URI is set."""

from __future__ import annotations

import os
import socket
import time
from typing import Any

import pytest
from pydantic import SecretStr

from core.config import Settings
from core.graph import (
    DuckGraph,
    Edge,
    Neo4jGraph,
    Node,
    cypher_edges,
    cypher_nodes,
    mirror_to_neo4j,
    open_graph,
)
from core.graph._neo4j import BATCH, CONSTRAINTS
from core.store import Store


class FakeDriver:
    """Records every query; answers `verify_connectivity` and returns no records."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.closed = False

    def verify_connectivity(self) -> None:
        return None

    def execute_query(
        self, query: str, params: dict[str, Any], database_: str | None = None,
    ) -> tuple[list, None, None]:
        self.calls.append((query, params))
        return [], None, None

    def close(self) -> None:
        self.closed = True


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_cypher_is_batched_idempotent_merge() -> None:
    assert cypher_nodes("bounded_context").startswith("UNWIND $rows AS r MERGE (n:TribunalNode {uid: r.uid})")
    assert "SET n:BoundedContext" in cypher_nodes("bounded_context")
    assert "MERGE (a)-[e:THROWN_AT]->(b)" in cypher_edges("thrown_at")
    assert all("IF NOT EXISTS" in c for c in CONSTRAINTS) and "IS UNIQUE" in CONSTRAINTS[0]
    with pytest.raises(ValueError):
        cypher_nodes("class`) DETACH DELETE n //")  # kinds become labels: only safe names pass


def test_upsert_groups_by_kind_and_batches() -> None:
    driver = FakeDriver()
    graph = Neo4jGraph(driver, "INC-1")
    nodes = [Node(id=f"class:C{i}", kind="class", label=f"C{i}", props={"lines": [1, 2], "role": "other", "x": None})
             for i in range(BATCH + 5)] + [Node(id="team:@t", kind="team", label="@t")]
    edges = [Edge(src="class:C0", dst="team:@t", kind="owned_by")]
    graph.upsert(nodes, edges)
    node_calls = [c for c in driver.calls if "MERGE (n:" in c[0]]
    assert len(node_calls) == 3  # two batches of classes, one of teams
    assert len(node_calls[0][1]["rows"]) == BATCH and len(node_calls[1][1]["rows"]) == 5
    row = node_calls[0][1]["rows"][0]
    assert row["uid"] == "INC-1|class:C0" and row["props"] == {"lines": "[1, 2]", "role": "other"}
    edge_calls = [c for c in driver.calls if "MERGE (a)-" in c[0]]
    assert edge_calls[0][1]["rows"] == [{"src": "INC-1|class:C0", "dst": "INC-1|team:@t", "props": {}}]


def test_traversals_are_cypher() -> None:
    driver = FakeDriver()
    graph = Neo4jGraph(driver, "INC-1")
    assert graph.path("a:1", "b:1").nodes == [] and graph.ego("a:1", 9).nodes == []
    assert graph.blast_radius("aggregate:X").apis == []
    queries = " ".join(q for q, _ in driver.calls)
    assert "shortestPath" in queries and "[*1..6]" in queries  # depth is clamped before it reaches the query
    assert ":CALLS|USES|EXTENDS|IMPLEMENTS*1..8" in queries
    assert all(p.get("uid", "INC-1|").startswith("INC-1|") for _, p in driver.calls)


def test_mirror_with_a_fake_server(store: Store, settings: Settings) -> None:
    DuckGraph(store, "INC-1").upsert([Node(id="a:1", kind="class", label="A"), Node(id="b:1", kind="table", label="t")],
                                     [Edge(src="a:1", dst="b:1", kind="persists_to")])
    live = settings.model_copy(update={"neo4j_uri": "bolt://fake:7687", "neo4j_password": SecretStr("pw")})
    driver = FakeDriver()
    result = mirror_to_neo4j(live, store, "INC-1", driver_factory=lambda uri, auth, timeout: driver)
    assert result.backend == "neo4j" and (result.nodes, result.edges) == (2, 1) and driver.closed
    assert driver.calls[0][0] == CONSTRAINTS[0]


def test_unreachable_server_falls_back_quickly(store: Store, settings: Settings) -> None:
    down = settings.model_copy(update={"neo4j_uri": f"bolt://127.0.0.1:{_unused_port()}",
                                       "neo4j_password": SecretStr("pw")})
    started = time.perf_counter()
    backend, message = open_graph(down, store, "INC-1", timeout_s=2.0)
    result = mirror_to_neo4j(down, store, "INC-1", timeout_s=2.0)
    assert time.perf_counter() - started < 10  # not the driver's ~30 s of retries
    assert backend.name == "duckdb" and message and "not reachable" in message and "NEO4J_URI" in message
    assert result.backend == "duckdb" and not result.ok
    backend, message = open_graph(settings, store, "INC-1")  # not configured: embedded, no complaint
    assert backend.name == "duckdb" and message is None


# Read when the module loads: the `settings` fixture removes NEO4J_URI from the environment of each test.
LIVE = {name: os.environ.get(name) for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD")}


def test_live_neo4j_round_trip(store: Store, settings: Settings) -> None:
    uri = LIVE["NEO4J_URI"]
    if not uri:
        pytest.skip("NEO4J_URI not set: no Neo4j server to mirror to (set NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD)")
    live = settings.model_copy(update={"neo4j_uri": uri, "neo4j_user": LIVE["NEO4J_USER"] or "neo4j",
                                       "neo4j_password": SecretStr(LIVE["NEO4J_PASSWORD"] or "")})
    scope = f"TEST-{time.time_ns()}"
    DuckGraph(store, scope).upsert(
        [Node(id="method:S.m", kind="method", label="S.m"), Node(id="class:S", kind="class", label="S"),
         Node(id="aggregate:A", kind="aggregate", label="A"), Node(id="method:R.f", kind="method", label="R.f"),
         Node(id="class:R", kind="class", label="R"),
         Node(id="api_operation:GET /x", kind="api_operation", label="GET /x"),
         Node(id="method:C.get", kind="method", label="C.get")],
        [Edge(src="method:S.m", dst="class:S", kind="in_class"),
         Edge(src="class:R", dst="aggregate:A", kind="member_of"),
         Edge(src="method:R.f", dst="class:R", kind="in_class"), Edge(src="method:S.m", dst="method:R.f", kind="calls"),
         Edge(src="method:C.get", dst="method:S.m", kind="calls"),
         Edge(src="method:C.get", dst="api_operation:GET /x", kind="exposes")])
    result = mirror_to_neo4j(live, store, scope)
    assert result.backend == "neo4j", result.message
    mirror_to_neo4j(live, store, scope)  # idempotent
    backend, _ = open_graph(live, store, scope)
    assert isinstance(backend, Neo4jGraph)
    try:
        assert backend.path("api_operation:GET /x", "aggregate:A").found
        assert backend.blast_radius("aggregate:A").apis == ["api_operation:GET /x"]
        assert len(backend.ego("class:S", 1).nodes) == 2
        backend._run("MATCH (n:TribunalNode {incident_id: $s}) DETACH DELETE n", s=scope)
    finally:
        backend.close()
