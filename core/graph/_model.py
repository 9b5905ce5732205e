"""The graph's vocabulary: nodes, edges, traversal results, and the backend contract."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, Field

__all__ = [
    "DEPENDENCY_EDGES",
    "EDGE_KINDS",
    "NODE_KINDS",
    "BlastRadius",
    "Edge",
    "GraphBackend",
    "GraphPath",
    "Node",
    "Subgraph",
]

NODE_KINDS = (
    "exception", "frame", "method", "class", "file", "commit", "author", "team", "aggregate", "bounded_context",
    "api_operation", "table", "slow_sql", "endpoint", "invariant", "rule",
)
EDGE_KINDS = (
    "thrown_at", "in_method", "in_class", "in_file", "changed_by", "authored_by", "owned_by", "member_of",
    "in_context", "exposes", "persists_to", "touches", "calls", "uses", "extends", "implements", "routes_to",
    "constrains", "mentions",
)
# Edges along which a change or failure of dst reaches src (src depends on dst).
DEPENDENCY_EDGES = ("calls", "uses", "extends", "implements")


class Node(BaseModel):
    id: str
    kind: str
    label: str
    props: dict[str, Any] = Field(default_factory=dict)


class Edge(BaseModel):
    src: str
    dst: str
    kind: str
    props: dict[str, Any] = Field(default_factory=dict)


class Subgraph(BaseModel):
    """Nodes (with their distance from the centre in props['depth']) and the edges among them."""

    center: str
    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)


class GraphPath(BaseModel):
    """The shortest path between two nodes, ignoring edge direction; empty when there is none."""

    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.nodes)

    def kinds(self) -> list[str]:
        return [n.kind for n in self.nodes]


class BlastRadius(BaseModel):
    """What depends on a node: the code that reaches it, and the APIs, tables, contexts and teams involved."""

    origin: str
    apis: list[str] = Field(default_factory=list)
    tables: list[str] = Field(default_factory=list)
    classes: list[str] = Field(default_factory=list)
    methods: list[str] = Field(default_factory=list)
    contexts: list[str] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)


@runtime_checkable
class GraphBackend(Protocol):
    """Where a graph lives and how it is traversed (DuckDB recursive SQL, or Neo4j Cypher)."""

    name: str

    def upsert(self, nodes: list[Node], edges: list[Edge]) -> None: ...

    def ego(self, node_id: str, depth: int = 2, kinds: list[str] | None = None) -> Subgraph: ...

    def path(self, src: str, dst: str, max_depth: int = 12) -> GraphPath: ...

    def blast_radius(self, node_id: str, max_depth: int = 8) -> BlastRadius: ...
