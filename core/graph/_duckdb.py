"""The embedded graph: node/edge tables in DuckDB, traversals as recursive SQL (`WITH RECURSIVE … USING KEY`)."""

from __future__ import annotations

import itertools
import json
import logging
import re
from typing import Any

import pandas as pd

from core.graph._model import (
    DEPENDENCY_EDGES,
    BlastRadius,
    Edge,
    GraphPath,
    Node,
    Subgraph,
)
from core.store import Store

__all__ = ["DuckGraph"]

log = logging.getLogger(__name__)

# Breadth-first search: USING KEY keeps one row per node, and `recurring.walk` (everything reached so far)
# stops revisits, so each node is expanded once and cycles cost nothing.
_UNDIRECTED = """
WITH RECURSIVE und AS (
    SELECT src AS a, dst AS b FROM graph_edges WHERE incident_id = $scope
    UNION ALL SELECT dst, src FROM graph_edges WHERE incident_id = $scope
),
walk(node, depth, trail) USING KEY (node) AS (
    SELECT $start, 0, [$start]
    UNION
    SELECT u.b, w.depth + 1, list_append(w.trail, u.b)
    FROM walk w JOIN und u ON u.a = w.node
    {kind_join}
    WHERE w.depth < $depth AND u.b NOT IN (SELECT node FROM recurring.walk) {kind_filter} {stop}
)
"""
_UPSTREAM = """
WITH RECURSIVE walk(node, depth) USING KEY (node) AS (
    SELECT unnest($starts::VARCHAR[]), 0
    UNION
    SELECT e.src, w.depth + 1
    FROM walk w JOIN graph_edges e ON e.incident_id = $scope AND e.dst = w.node AND e.kind IN (SELECT unnest($kinds))
    WHERE w.depth < $depth AND e.src NOT IN (SELECT node FROM recurring.walk)
)
SELECT node, depth FROM walk
"""


_PARAM = re.compile(r"\$([a-z_]+)")


def _named(sql: str, params: dict[str, Any]) -> tuple[str, list[Any]]:
    """`$name` parameters → positional ones (the store's query_df takes a sequence)."""
    values: list[Any] = []

    def take(match: re.Match[str]) -> str:
        values.append(params[match.group(1)])
        return "?"

    return _PARAM.sub(take, sql), values


def _props(raw: Any) -> dict[str, Any]:
    return json.loads(raw) if isinstance(raw, str) and raw else {}


class DuckGraph:
    """An incident's graph in the store (always present; Neo4j, when configured, mirrors it)."""

    name = "duckdb"

    def __init__(self, store: Store, incident_id: str) -> None:
        self.store = store
        self.incident_id = incident_id

    # --- writing --------------------------------------------------------------------------

    def upsert(self, nodes: list[Node], edges: list[Edge]) -> None:
        """Insert or replace nodes and edges (by id, and by src/dst/kind)."""
        node_df = pd.DataFrame([{"incident_id": self.incident_id, "node_id": n.id, "kind": n.kind, "label": n.label,
                                 "props": json.dumps(n.props, ensure_ascii=False, default=str)} for n in nodes])
        edge_df = pd.DataFrame([{"incident_id": self.incident_id, "src": e.src, "dst": e.dst, "kind": e.kind,
                                 "props": json.dumps(e.props, ensure_ascii=False, default=str)} for e in edges])
        with self.store.transaction() as cur:
            for table, frame, keys in (("graph_nodes", node_df, ["node_id"]),
                                       ("graph_edges", edge_df, ["src", "dst", "kind"])):
                if not len(frame):
                    continue
                cur.register("_up", frame)
                try:
                    match = " AND ".join(f"t.{k} = u.{k}" for k in keys)
                    cur.execute(f"DELETE FROM {table} t USING _up u WHERE t.incident_id = u.incident_id AND {match}")
                    cur.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _up")
                finally:
                    cur.unregister("_up")
        log.info("incident %s: graph upsert %d nodes, %d edges", self.incident_id, len(nodes), len(edges))

    def replace(self, nodes: list[Node], edges: list[Edge]) -> None:
        """Drop the incident's graph and write this one (the graph is always rebuilt in one pass)."""
        with self.store.transaction() as cur:
            cur.execute("DELETE FROM graph_edges WHERE incident_id = ?", [self.incident_id])
            cur.execute("DELETE FROM graph_nodes WHERE incident_id = ?", [self.incident_id])
        self.upsert(nodes, edges)

    # --- reading --------------------------------------------------------------------------

    def _q(self, sql: str, params: dict[str, Any]) -> pd.DataFrame:
        return self.store.query_df(*_named(sql, params))

    def nodes(self, ids: list[str]) -> dict[str, Node]:
        df = self.store.query_df("SELECT node_id, kind, label, props FROM graph_nodes WHERE incident_id = ? "
                                 "AND node_id IN (SELECT unnest(?))", [self.incident_id, ids])
        return {r.node_id: Node(id=r.node_id, kind=r.kind, label=r.label,
                                props=_props(r.props)) for r in df.itertuples()}

    def find(self, kind: str, label: str) -> list[Node]:
        """Nodes of a kind whose label or id key equals `label` (e.g. ('aggregate', 'InventoryItem'))."""
        df = self.store.query_df("SELECT node_id, kind, label, props FROM graph_nodes WHERE incident_id = ? "
                                 "AND kind = ? "
                                 "AND (label = ? OR node_id = ?) ORDER BY node_id",
                                 [self.incident_id, kind, label, f"{kind}:{label}"])
        return [Node(id=r.node_id, kind=r.kind, label=r.label, props=_props(r.props)) for r in df.itertuples()]

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """Nodes per kind and edges per kind."""
        nodes = self.store.query_df("SELECT kind, count(*) AS n FROM graph_nodes WHERE incident_id = ? GROUP BY kind "
                                    "ORDER BY kind", [self.incident_id])
        edges = self.store.query_df("SELECT kind, count(*) AS n FROM graph_edges WHERE incident_id = ? GROUP BY kind "
                                    "ORDER BY kind", [self.incident_id])
        return dict(zip(nodes["kind"], map(int, nodes["n"]),
                        strict=True)), dict(zip(edges["kind"], map(int, edges["n"]), strict=True))

    def _edges_among(self, ids: list[str]) -> list[Edge]:
        df = self._q("SELECT src, dst, kind, props FROM graph_edges WHERE incident_id = $scope "
                     "AND src IN (SELECT unnest($ids)) AND dst IN (SELECT unnest($ids))",
                     {"scope": self.incident_id, "ids": ids})
        return [Edge(src=r.src, dst=r.dst, kind=r.kind, props=_props(r.props)) for r in df.itertuples()]

    def ego(self, node_id: str, depth: int = 2, kinds: list[str] | None = None) -> Subgraph:
        """The nodes within `depth` hops of `node_id` (either direction), passing only through `kinds` if given."""
        kind_join = "JOIN graph_nodes n ON n.incident_id = $scope AND n.node_id = u.b" if kinds else ""
        kind_filter = "AND n.kind IN (SELECT unnest($kinds))" if kinds else ""
        sql = _UNDIRECTED.format(kind_join=kind_join, kind_filter=kind_filter, stop="") + "SELECT node, depth FROM walk"
        params: dict[str, Any] = {"scope": self.incident_id, "start": node_id, "depth": int(depth)}
        if kinds:
            params["kinds"] = list(kinds)
        df = self._q(sql, params)
        found = self.nodes(list(df["node"]))
        if node_id not in found:
            return Subgraph(center=node_id)
        for row in df.itertuples():
            if row.node in found:
                found[row.node].props["depth"] = int(row.depth)
        ids = list(found)
        return Subgraph(center=node_id, nodes=sorted(found.values(), key=lambda n: (n.props["depth"], n.id)),
                        edges=self._edges_among(ids))

    def path(self, src: str, dst: str, max_depth: int = 12) -> GraphPath:
        """The shortest path from `src` to `dst`, edges taken in either direction."""
        # Stop expanding as soon as the target is reached: the first arrival is a shortest path.
        stop = "AND $dst NOT IN (SELECT node FROM recurring.walk)"
        sql = _UNDIRECTED.format(kind_join="", kind_filter="", stop=stop) + "SELECT trail FROM walk WHERE node = $dst"
        df = self._q(sql, {"scope": self.incident_id, "start": src, "depth": int(max_depth), "dst": dst})
        if df.empty:
            return GraphPath()
        trail = list(df.iloc[0, 0])
        nodes = self.nodes(trail)
        edges = self._edges_among(trail)
        steps = []
        for a, b in itertools.pairwise(trail):
            step = next((e for e in edges if (e.src, e.dst) in ((a, b), (b, a))), None)
            if step:
                steps.append(step)
        return GraphPath(nodes=[nodes[n] for n in trail if n in nodes], edges=steps)

    def blast_radius(self, node_id: str, max_depth: int = 8) -> BlastRadius:
        """Everything that depends on `node_id` (an aggregate, class, method or table) and what it exposes.

        The seeds are the node, the classes that are members of it (an aggregate's root, entities and
        repository), their methods, and for a table the classes that persist to it. Callers and users are
        then followed upstream; the APIs their methods expose, the tables the seeds persist to, and the
        contexts and owning teams of every class reached are collected.
        """
        scope = self.incident_id
        seeds = self.store.query_df(
            "SELECT ? AS node UNION SELECT src FROM graph_edges WHERE incident_id = ? AND dst = ? "
            "AND kind IN ('member_of', 'persists_to', 'in_class') "
            "UNION SELECT m.src FROM graph_edges m JOIN graph_edges c ON c.incident_id = m.incident_id AND "
            "m.dst = c.src "
            "WHERE m.incident_id = ? AND m.kind = 'in_class' AND c.dst = ? AND c.kind IN ('member_of', 'persists_to')",
            [node_id, scope, node_id, scope, node_id])
        starts = list(seeds["node"])
        reached = self._q(_UPSTREAM, {"scope": scope, "starts": starts, "kinds": list(DEPENDENCY_EDGES),
                                      "depth": int(max_depth)})
        ids = list(reached["node"])
        out = self._q(
            "WITH r AS (SELECT unnest($ids::VARCHAR[]) AS node), "
            "cls AS (SELECT node FROM r WHERE node LIKE 'class:%' UNION "
            "        SELECT e.dst FROM graph_edges e JOIN r ON e.src = r.node WHERE e.incident_id = $scope AND e.kind "
            "= 'in_class') "
            "SELECT 'api' AS what, e.dst AS id FROM graph_edges e JOIN r ON e.src = r.node "
            "  WHERE e.incident_id = $scope AND e.kind = 'exposes' "
            "UNION SELECT 'table', e.dst FROM graph_edges e WHERE e.incident_id = $scope AND e.kind = 'persists_to' "
            "  AND e.src IN (SELECT unnest($seeds::VARCHAR[])) "
            "UNION SELECT 'class', node FROM cls "
            "UNION SELECT 'context', e.dst FROM graph_edges e JOIN cls ON e.src = cls.node "
            "  WHERE e.incident_id = $scope AND e.kind = 'in_context' "
            "UNION SELECT 'team', o.dst FROM graph_edges f JOIN cls ON f.src = cls.node "
            "  JOIN graph_edges o ON o.incident_id = f.incident_id AND o.src = f.dst AND o.kind = 'owned_by' "
            "  WHERE f.incident_id = $scope AND f.kind = 'in_file' ORDER BY 1, 2",
            {"ids": ids, "scope": scope, "seeds": starts})
        groups: dict[str, list[str]] = {"api": [], "table": [], "class": [], "context": [], "team": []}
        for row in out.itertuples():
            groups[row.what].append(row.id)
        return BlastRadius(origin=node_id, apis=groups["api"], tables=groups["table"], classes=groups["class"],
                           methods=sorted(i for i in ids if i.startswith("method:")), contexts=groups["context"],
                           teams=groups["team"])
