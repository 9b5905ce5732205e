"""The Neo4j mirror: the DuckDB graph written with batched idempotent `UNWIND … MERGE`, traversed in Cypher."""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from core.config import Settings
from core.graph._duckdb import DuckGraph
from core.graph._model import (
    DEPENDENCY_EDGES,
    BlastRadius,
    Edge,
    GraphBackend,
    GraphPath,
    Node,
    Subgraph,
)
from core.store import Store

__all__ = [
    "BATCH",
    "CONSTRAINTS",
    "MirrorResult",
    "Neo4jGraph",
    "cypher_edges",
    "cypher_nodes",
    "mirror_to_neo4j",
    "open_graph",
]

log = logging.getLogger(__name__)

BATCH = 1000
LABEL = "TribunalNode"
CONSTRAINTS = (
    f"CREATE CONSTRAINT tribunal_node_uid IF NOT EXISTS FOR (n:{LABEL}) REQUIRE n.uid IS UNIQUE",
    f"CREATE INDEX tribunal_node_incident IF NOT EXISTS FOR (n:{LABEL}) ON (n.incident_id)",
)
# Other Bolt servers (FalkorDB, Memgraph) speak a Cypher subset without Neo4j's DDL: plain indexes, which fail
# harmlessly when they exist already. MERGE on uid is what keeps the mirror idempotent; indexes only speed it up.
PLAIN_INDEXES = (f"CREATE INDEX FOR (n:{LABEL}) ON (n.uid)", f"CREATE INDEX FOR (n:{LABEL}) ON (n.incident_id)")
_SAFE = re.compile(r"^[a-z][a-z0-9_]*$")


def _label(kind: str) -> str:
    if not _SAFE.match(kind):
        raise ValueError(f"unsafe graph kind {kind!r}")
    return "".join(part.capitalize() for part in kind.split("_"))


def _rel(kind: str) -> str:
    if not _SAFE.match(kind):
        raise ValueError(f"unsafe graph kind {kind!r}")
    return kind.upper()


def cypher_nodes(kind: str) -> str:
    """The idempotent batch upsert of nodes of one kind (labels cannot be parameters, so one statement per kind)."""
    return (f"UNWIND $rows AS r MERGE (n:{LABEL} {{uid: r.uid}}) "
            f"SET n:{_label(kind)}, n.incident_id = r.incident_id, n.node_id = r.id, n.kind = r.kind, "
            "n.label = r.label, n += r.props")


def cypher_edges(kind: str) -> str:
    """The idempotent batch upsert of edges of one kind (relationship types cannot be parameters either)."""
    return (f"UNWIND $rows AS r MATCH (a:{LABEL} {{uid: r.src}}) MATCH (b:{LABEL} {{uid: r.dst}}) "
            f"MERGE (a)-[e:{_rel(kind)}]->(b) SET e += r.props")


def _flat(props: dict[str, Any]) -> dict[str, Any]:
    """Neo4j properties are primitives or lists of primitives; anything else is stored as JSON text."""
    out: dict[str, Any] = {}
    for key, value in props.items():
        if value is None:
            continue
        out[key] = value if isinstance(value, str | int | float | bool) else json.dumps(value, default=str)
    return out


class Neo4jGraph:
    """The same graph in Neo4j; uids are `incident_id|node_id` so incidents never collide."""

    name = "neo4j"

    def __init__(self, driver: Any, incident_id: str, database: str | None = None) -> None:
        self.driver = driver
        self.incident_id = incident_id
        self.database = database
        self.schema = "none"  # what ensure_schema managed: "constraints" (Neo4j), "indexes" (others) or "none"
        self._shortest_path = True  # Neo4j's shortestPath(); other servers enumerate bounded paths instead

    def close(self) -> None:
        self.driver.close()

    def _run(self, query: str, **params: Any) -> list[Any]:
        records, _, _ = self.driver.execute_query(query, params, database_=self.database)
        return list(records)

    def _uid(self, node_id: str) -> str:
        return f"{self.incident_id}|{node_id}"

    def ensure_schema(self) -> str:
        """Create the uid constraint and index, as far as the server supports them.

        Returns:
            "constraints" (Neo4j's DDL ran), "indexes" (a server without it took plain indexes) or "none".
        """
        from neo4j.exceptions import Neo4jError

        try:
            for statement in CONSTRAINTS:
                self._run(statement)
            self.schema = "constraints"
        except Neo4jError as exc:
            log.info("incident %s: the graph server has no Neo4j DDL (%s); using plain indexes", self.incident_id,
                     str(exc).splitlines()[0][:120])
            made = 0
            for statement in PLAIN_INDEXES:
                try:
                    self._run(statement)
                    made += 1
                except Neo4jError:  # already there, or no index support at all: MERGE works without it
                    continue
            self.schema = "indexes" if made or self._has_index() else "none"
        return self.schema

    def _has_index(self) -> bool:
        from neo4j.exceptions import Neo4jError

        try:
            return any(LABEL in str(dict(r)) for r in self._run("CALL db.indexes()"))
        except Neo4jError:
            return False

    def upsert(self, nodes: list[Node], edges: list[Edge]) -> None:
        by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for n in nodes:
            by_kind[n.kind].append({"uid": self._uid(n.id), "incident_id": self.incident_id, "id": n.id,
                                    "kind": n.kind, "label": n.label, "props": _flat(n.props)})
        for kind, rows in sorted(by_kind.items()):
            for i in range(0, len(rows), BATCH):
                self._run(cypher_nodes(kind), rows=rows[i: i + BATCH])
        rels: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for e in edges:
            rels[e.kind].append({"src": self._uid(e.src), "dst": self._uid(e.dst), "props": _flat(e.props)})
        for kind, rows in sorted(rels.items()):
            for i in range(0, len(rows), BATCH):
                self._run(cypher_edges(kind), rows=rows[i: i + BATCH])
        log.info("incident %s: mirrored %d nodes, %d edges to Neo4j", self.incident_id, len(nodes), len(edges))

    def _node(self, record: Any) -> Node:
        return Node(id=record["id"], kind=record["kind"], label=record["label"],
                    props={k: v for k, v in dict(record.get("props") or {}).items()
                           if k not in ("uid", "incident_id", "node_id", "kind", "label")})

    def ego(self, node_id: str, depth: int = 2, kinds: list[str] | None = None) -> Subgraph:
        depth = max(1, min(int(depth), 6))
        records = self._run(
            f"MATCH (c:{LABEL} {{uid: $uid}}) MATCH p = (c)-[*1..{depth}]-(m:{LABEL}) "
            "WHERE $kinds IS NULL OR all(x IN nodes(p)[1..] WHERE x.kind IN $kinds) "
            "WITH m, min(length(p)) AS depth "
            "RETURN m.node_id AS id, m.kind AS kind, m.label AS label, properties(m) AS props, depth",
            uid=self._uid(node_id), kinds=kinds)
        centre = self._run(f"MATCH (c:{LABEL} {{uid: $uid}}) RETURN c.node_id AS id, c.kind AS kind, c.label AS label, "
                           "properties(c) AS props", uid=self._uid(node_id))
        if not centre:
            return Subgraph(center=node_id)
        nodes = [self._node(centre[0])] + [self._node(r) for r in records]
        nodes[0].props["depth"] = 0
        for node, record in zip(nodes[1:], records, strict=True):
            node.props["depth"] = int(record["depth"])
        uids = [self._uid(n.id) for n in nodes]
        rels = self._run(f"MATCH (a:{LABEL})-[e]->(b:{LABEL}) WHERE a.uid IN $uids AND b.uid IN $uids "
                         "RETURN a.node_id AS src, b.node_id AS dst, toLower(type(e)) AS kind", uids=uids)
        return Subgraph(center=node_id, nodes=nodes,
                        edges=[Edge(src=r["src"], dst=r["dst"], kind=r["kind"]) for r in rels])

    def path(self, src: str, dst: str, max_depth: int = 12) -> GraphPath:
        from neo4j.exceptions import Neo4jError

        max_depth = max(1, min(int(max_depth), 20))
        found = (" RETURN [n IN nodes(p) | {id: n.node_id, kind: n.kind, label: n.label}] AS nodes, "
                 "[r IN relationships(p) | {src: startNode(r).node_id, dst: endNode(r).node_id, "
                 "kind: toLower(type(r))}] AS rels")
        ends = f"MATCH (a:{LABEL} {{uid: $a}}), (b:{LABEL} {{uid: $b}}) "
        records: list[Any] = []
        if self._shortest_path:
            try:
                records = self._run(ends + f"MATCH p = shortestPath((a)-[*..{max_depth}]-(b))" + found,
                                    a=self._uid(src), b=self._uid(dst))
            except Neo4jError:
                self._shortest_path = False
        if not self._shortest_path:  # the shortest of the bounded paths (fine at the depths traversals use)
            records = self._run(ends + f"MATCH p = (a)-[*1..{min(max_depth, 8)}]-(b) WITH p ORDER BY length(p) LIMIT 1"
                                + found, a=self._uid(src), b=self._uid(dst))
        if not records:
            return GraphPath()
        return GraphPath(nodes=[Node(**n) for n in records[0]["nodes"]], edges=[Edge(**r) for r in records[0]["rels"]])

    def blast_radius(self, node_id: str, max_depth: int = 8) -> BlastRadius:
        max_depth = max(1, min(int(max_depth), 12))
        deps = "|".join(_rel(k) for k in DEPENDENCY_EDGES)
        records = self._run(
            f"MATCH (o:{LABEL} {{uid: $uid}}) "
            f"OPTIONAL MATCH (m:{LABEL})-[:MEMBER_OF|PERSISTS_TO|IN_CLASS]->(o) "
            f"OPTIONAL MATCH (mm:{LABEL})-[:IN_CLASS]->(m) "
            "WITH o, collect(DISTINCT m) + collect(DISTINCT mm) + [o] AS seeds "
            "UNWIND seeds AS s "
            f"OPTIONAL MATCH (x:{LABEL})-[:{deps}*1..{max_depth}]->(s) "
            "WITH seeds, collect(DISTINCT s) + collect(DISTINCT x) AS reached "
            "UNWIND reached AS r "
            f"OPTIONAL MATCH (r)-[:IN_CLASS]->(rc:{LABEL}) "
            "WITH seeds, reached, [c IN collect(DISTINCT rc) + reached WHERE c.kind = 'class'] AS classes "
            f"OPTIONAL MATCH (api:{LABEL})<-[:EXPOSES]-(src) WHERE src IN reached "
            f"WITH seeds, reached, classes, collect(DISTINCT api.node_id) AS apis "
            f"OPTIONAL MATCH (t:{LABEL})<-[:PERSISTS_TO]-(s2) WHERE s2 IN seeds "
            "WITH reached, classes, apis, collect(DISTINCT t.node_id) AS tables "
            f"OPTIONAL MATCH (ctx:{LABEL})<-[:IN_CONTEXT]-(c1) WHERE c1 IN classes "
            "WITH reached, classes, apis, tables, collect(DISTINCT ctx.node_id) AS contexts "
            f"OPTIONAL MATCH (team:{LABEL})<-[:OWNED_BY]-(:{LABEL})<-[:IN_FILE]-(c2) WHERE c2 IN classes "
            "RETURN apis, tables, contexts, collect(DISTINCT team.node_id) AS teams, "
            "[c IN classes | c.node_id] AS classes, [r IN reached WHERE r.kind = 'method' | r.node_id] AS methods",
            uid=self._uid(node_id))
        if not records:
            return BlastRadius(origin=node_id)
        r = records[0]
        return BlastRadius(origin=node_id, apis=sorted(r["apis"]), tables=sorted(r["tables"]),
                           classes=sorted(set(r["classes"])), methods=sorted(set(r["methods"])),
                           contexts=sorted(r["contexts"]), teams=sorted(r["teams"]))


class MirrorResult(BaseModel):
    """What happened when mirroring to Neo4j: which backend serves traversals, and why."""

    backend: str
    ok: bool
    message: str
    nodes: int = 0
    edges: int = 0
    ddl: str = "none"  # what the server took: "constraints" (Neo4j), "indexes" (another Bolt server) or "none"


DriverFactory = Callable[[str, tuple[str, str], float], Any]


def _default_driver(uri: str, auth: tuple[str, str], timeout_s: float) -> Any:
    from neo4j import GraphDatabase

    return GraphDatabase.driver(uri, auth=auth, connection_timeout=timeout_s, connection_acquisition_timeout=timeout_s,
                                max_transaction_retry_time=0)


def _connect(settings: Settings, timeout_s: float, factory: DriverFactory | None) -> tuple[Any | None, str]:
    from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable

    uri = settings.neo4j_uri or ""
    password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
    try:
        driver = (factory or _default_driver)(uri, (settings.neo4j_user, password), timeout_s)
        # Without this check the driver keeps retrying for ~30 s before giving up.
        try:
            driver.verify_connectivity()
        except ServiceUnavailable:
            # FalkorDB's Bolt leaves the first handshake after another client's goodbye unanswered; a second
            # connection is served. A server that is really down fails this one too.
            driver.verify_connectivity()
        return driver, f"Neo4j at {uri} is connected."
    except (DriverError, Neo4jError, ValueError, OSError) as exc:
        reason = str(exc).splitlines()[0][:200]
        return None, (f"Neo4j at {uri} is not reachable ({type(exc).__name__}: {reason}); using the embedded DuckDB "
                      "graph instead. Check NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD, or unset NEO4J_URI.")


def mirror_to_neo4j(settings: Settings, store: Store, incident_id: str, *, timeout_s: float = 3.0,
                    driver_factory: DriverFactory | None = None) -> MirrorResult:
    """Copy the incident's DuckDB graph to Neo4j when NEO4J_URI is set; never raises for an unreachable server."""
    if not settings.neo4j_uri:
        return MirrorResult(backend="duckdb", ok=True, message="NEO4J_URI is not set; the embedded graph is used.")
    driver, message = _connect(settings, timeout_s, driver_factory)
    if driver is None:
        log.warning("incident %s: %s", incident_id, message)
        return MirrorResult(backend="duckdb", ok=False, message=message)
    from neo4j.exceptions import DriverError, Neo4jError

    duck = DuckGraph(store, incident_id)
    nodes = duck.store.query_df("SELECT node_id, kind, label, props FROM graph_nodes WHERE incident_id = ?",
                                [incident_id])
    edges = duck.store.query_df("SELECT src, dst, kind, props FROM graph_edges WHERE incident_id = ?", [incident_id])
    graph = Neo4jGraph(driver, incident_id)
    try:
        schema = graph.ensure_schema()
        graph.upsert([Node(id=r.node_id, kind=r.kind, label=r.label,
                           props=json.loads(r.props or "{}")) for r in nodes.itertuples()],
                     [Edge(src=r.src, dst=r.dst, kind=r.kind,
                           props=json.loads(r.props or "{}")) for r in edges.itertuples()])
    except (DriverError, Neo4jError, OSError) as exc:
        _close_quietly(driver)
        text = (f"Writing the graph to Neo4j failed ({type(exc).__name__}: {str(exc).splitlines()[0][:200]}); the "
                "embedded DuckDB graph has all of it and is used instead. Check the server and analyse "
                "again to mirror.")
        log.warning("incident %s: %s", incident_id, text)
        return MirrorResult(backend="duckdb", ok=False, message=text)
    _close_quietly(driver)
    if schema != "constraints":
        message += f" (no Neo4j constraints on this server; {schema} used, MERGE keeps the mirror idempotent)"
    return MirrorResult(backend="neo4j", ok=True, message=message, nodes=len(nodes), edges=len(edges), ddl=schema)


def _close_quietly(driver: Any) -> None:
    """Close the driver; a server that died mid-mirror must not turn the fallback into a crash."""
    try:
        driver.close()
    except Exception as exc:  # noqa: BLE001 - closing a dead connection may fail in many ways
        log.info("closing the graph driver failed: %s", exc)


def open_graph(settings: Settings, store: Store, incident_id: str, *, timeout_s: float = 3.0,
               driver_factory: DriverFactory | None = None) -> tuple[GraphBackend, str | None]:
    """The backend to traverse with: Neo4j when configured and reachable, else DuckDB with a message saying why."""
    if not settings.neo4j_uri:
        return DuckGraph(store, incident_id), None
    driver, message = _connect(settings, timeout_s, driver_factory)
    if driver is None:
        log.warning("incident %s: %s", incident_id, message)
        return DuckGraph(store, incident_id), message
    return Neo4jGraph(driver, incident_id), None
