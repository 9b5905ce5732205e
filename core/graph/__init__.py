"""The incident graph: built in DuckDB from every state, traversed with recursive SQL, mirrored to Neo4j."""

from __future__ import annotations

import logging

from core.graph._build import collect_graph
from core.graph._duckdb import DuckGraph
from core.graph._model import (
    DEPENDENCY_EDGES,
    EDGE_KINDS,
    NODE_KINDS,
    BlastRadius,
    Edge,
    GraphBackend,
    GraphPath,
    Node,
    Subgraph,
)
from core.graph._neo4j import (
    MirrorResult,
    Neo4jGraph,
    cypher_edges,
    cypher_nodes,
    mirror_to_neo4j,
    open_graph,
)
from core.store import Store

__all__ = [
    "DEPENDENCY_EDGES",
    "EDGE_KINDS",
    "NODE_KINDS",
    "BlastRadius",
    "DuckGraph",
    "Edge",
    "GraphBackend",
    "GraphPath",
    "MirrorResult",
    "Neo4jGraph",
    "Node",
    "Subgraph",
    "build_graph",
    "cypher_edges",
    "cypher_nodes",
    "mirror_to_neo4j",
    "open_graph",
]

log = logging.getLogger(__name__)


def build_graph(store: Store, incident_id: str) -> DuckGraph:
    """(Re)build the incident's graph in one pass from what the store holds and return it.

    Uses the code index tied to the incident (see `core.ingest.code.symbols.index_repo`), its design
    documents, exceptions and frames, slow SQL, spans, commits and ownership rules. Safe to call
    again after more assets arrive: the incident's graph is replaced.
    """
    from core.ingest.code import incident_index

    nodes, edges = collect_graph(store, incident_id, incident_index(store, incident_id))
    graph = DuckGraph(store, incident_id)
    graph.replace(nodes, edges)
    return graph
