"""Build an incident's graph in one pass from what the store holds (runtime, code, commits, design)."""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from typing import Any

import pandas as pd

from core.graph._model import Edge, Node
from core.ingest.code import OwnershipRule, owner_of
from core.ingest.code._roles import normalize_route
from core.store import Store

__all__ = ["collect_graph"]

log = logging.getLogger(__name__)


class _Acc:
    """Accumulates nodes and edges; the first writer of a node sets its label, later ones add props."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.edges: dict[tuple[str, str, str], Edge] = {}

    def node(self, kind: str, key: str, label: str | None = None, **props: Any) -> str:
        node_id = f"{kind}:{key}"
        clean = {k: v for k, v in props.items() if v is not None and not (isinstance(v, float) and pd.isna(v))}
        if node_id in self.nodes:
            self.nodes[node_id].props.update(clean)
        else:
            self.nodes[node_id] = Node(id=node_id, kind=kind, label=label or key, props=clean)
        return node_id

    def edge(self, src: str, dst: str, kind: str, **props: Any) -> None:
        if src != dst:
            self.edges.setdefault((src, dst, kind), Edge(src=src, dst=dst, kind=kind, props=props))


def _short(fqn: str) -> str:
    return fqn.rsplit(".", 1)[-1]


def _code(acc: _Acc, store: Store, index_id: str) -> dict[str, str]:
    """Classes, methods, files, calls and uses, aggregates, contexts, tables, endpoints. Returns path → class ids."""
    symbols = store.query_df("SELECT * FROM code_symbols WHERE index_id = ?", [index_id])
    members = store.query_df("SELECT class_fqn, name, kind, path, start_line, end_line FROM code_members "
                             "WHERE index_id = ? AND kind != 'field'", [index_id])
    endpoints = store.query_df("SELECT * FROM code_endpoints WHERE index_id = ?", [index_id])
    refs = store.query_df("SELECT DISTINCT src, src_member, dst, dst_member, kind FROM code_refs WHERE index_id = ?",
                          [index_id])
    file_of: dict[str, str] = {}
    for s in symbols.itertuples():
        cid = acc.node("class", s.fqn, s.name, role=s.role, layer=s.layer, bounded_context=s.bounded_context,
                       path=s.path, start_line=int(s.start_line), end_line=int(s.end_line), table=s.table_name)
        fid = acc.node("file", s.path, s.path.rsplit("/", 1)[-1])
        acc.edge(cid, fid, "in_file")
        file_of[s.path] = fid
        if isinstance(s.bounded_context, str):
            acc.edge(cid, acc.node("bounded_context", s.bounded_context), "in_context")
        if isinstance(s.aggregate, str):
            aid = acc.node("aggregate", s.aggregate, _short(s.aggregate), root=s.aggregate)
            acc.edge(cid, aid, "member_of")
            if s.role == "aggregate_root" and isinstance(s.bounded_context, str):
                acc.edge(aid, acc.node("bounded_context", s.bounded_context), "in_context")
        for table in json.loads(s.tables or "[]"):
            tid = acc.node("table", table.lower(), table)
            acc.edge(cid, tid, "persists_to")
            if isinstance(s.aggregate, str):
                acc.edge(f"aggregate:{s.aggregate}", tid, "persists_to")
    for m in members.itertuples():
        mid = acc.node("method", f"{m.class_fqn}.{m.name}", f"{_short(m.class_fqn)}.{m.name}", path=m.path,
                       start_line=int(m.start_line), end_line=int(m.end_line))
        acc.edge(mid, f"class:{m.class_fqn}", "in_class")
    for e in endpoints.itertuples():
        aid = acc.node("api_operation", f"{e.http_method} {e.route_key}", f"{e.http_method} {e.route}")
        acc.edge(f"method:{e.class_fqn}.{e.method}", aid, "exposes")
    for r in refs.itertuples():
        if r.kind == "calls" and isinstance(r.src_member, str) and isinstance(r.dst_member, str):
            dst = f"method:{r.dst}.{r.dst_member}"
            if dst in acc.nodes:
                acc.edge(f"method:{r.src}.{r.src_member}", dst, "calls")
                continue
        acc.edge(f"class:{r.src}", f"class:{r.dst}", "uses" if r.kind == "calls" else r.kind)
    return file_of


def _design(acc: _Acc, store: Store, scope: str) -> None:
    elements = store.query_df("SELECT * FROM design_elements WHERE incident_id = ?", [scope])
    roots = {n.label: n.id for n in acc.nodes.values() if n.kind == "aggregate"}
    for e in elements.itertuples():
        attrs = json.loads(e.attrs or "{}")
        cite = f"{e.source}#{e.anchor}"
        if e.kind == "bounded_context":
            cid = acc.node("bounded_context", e.name, e.name, package=attrs.get("package"), doc=cite)
            if attrs.get("owner", "").startswith("@"):
                acc.edge(cid, acc.node("team", attrs["owner"]), "owned_by")
        elif e.kind == "aggregate":
            aid = roots.get(e.name) or acc.node("aggregate", attrs.get("class") or e.name, e.name)
            acc.nodes[aid].props.setdefault("doc", cite)
            if isinstance(e.context, str):
                acc.edge(aid, acc.node("bounded_context", e.context), "in_context")
            for table in filter(None, attrs.get("tables", "").split(",")):
                acc.edge(aid, acc.node("table", table.lower(), table), "persists_to")
        elif e.kind in ("invariant", "rule"):
            key = f"{cite}:{hashlib.sha1(e.text.encode()).hexdigest()[:10]}"
            nid = acc.node(e.kind, key, e.text[:80], text=e.text, source=cite)
            if e.kind == "invariant" and e.name in roots:
                acc.edge(nid, roots[e.name], "constrains")
    by_name: dict[str, list[str]] = defaultdict(list)
    for n in acc.nodes.values():
        if n.kind in ("class", "method", "table"):
            by_name[n.label].append(n.id)
    mentions = store.query_df("SELECT DISTINCT source, anchor, symbol FROM design_mentions WHERE incident_id = ?",
                              [scope])
    rules = [n for n in acc.nodes.values() if n.kind == "rule"]
    for m in mentions.itertuples():
        targets = by_name.get(m.symbol, [])
        for rule in rules:
            if rule.props.get("source") == f"{m.source}#{m.anchor}" and f"`{m.symbol}`" in rule.props.get("text", ""):
                for target in targets[:3]:
                    acc.edge(rule.id, target, "mentions")
    ops = store.query_df("SELECT * FROM api_operations WHERE incident_id = ?", [scope])
    for o in ops.itertuples():
        aid = acc.node("api_operation", f"{o.http_method} {o.route_key}", o.op_key, operation_id=o.operation_id,
                       summary=o.summary, doc=f"{o.source}#{o.op_key}")
        if isinstance(o.handler, str) and "#" in o.handler:
            cls, method = o.handler.split("#", 1)
            if f"method:{cls}.{method}" in acc.nodes:
                acc.edge(f"method:{cls}.{method}", aid, "exposes")
    for t in store.query_df("SELECT source, table_name FROM ddl_tables WHERE incident_id = ?", [scope]).itertuples():
        acc.node("table", t.table_name.lower(), t.table_name, doc=f"{t.source}#{t.table_name}")


def _runtime(acc: _Acc, store: Store, scope: str) -> None:
    groups = store.query_df(
        "SELECT fingerprint, any_value(root_type) AS root_type, any_value(exc_type) AS exc_type, count(*) AS n, "
        "min(id) AS sample FROM exceptions WHERE incident_id = ? GROUP BY fingerprint", [scope])
    frames = store.query_df(
        "SELECT exception_id, class_name, method, file, line, depth, cause_index FROM frames WHERE incident_id = ? "
        "AND in_app AND exception_id IN (SELECT min(id) FROM exceptions WHERE incident_id = ? GROUP BY fingerprint)",
        [scope, scope])
    by_sample = {int(g.sample): acc.node("exception", g.fingerprint, _short(g.exc_type), root_type=g.root_type,
                                         count=int(g.n)) for g in groups.itertuples()}
    for f in frames.itertuples():
        cls = f.class_name.replace("$", ".")
        fid = acc.node("frame", f"{cls}.{f.method}:{f.line}", f"{_short(cls)}.{f.method}:{f.line}", file=f.file,
                       line=f.line)
        acc.edge(by_sample[int(f.exception_id)], fid, "thrown_at", depth=int(f.depth), cause=int(f.cause_index))
        method = f"method:{cls.split('.lambda')[0]}.{f.method}"
        if method in acc.nodes:
            acc.edge(fid, method, "in_method")
        elif f"class:{cls}" in acc.nodes:
            acc.edge(fid, f"class:{cls}", "in_class")
    sql = store.query_df("SELECT fingerprint_id, any_value(fingerprint) AS fp, any_value(tables) AS tables, "
                         "sum(count) AS n, max(max_ms) AS max_ms, bool_or(for_update) AS for_update "
                         "FROM sql_fingerprints WHERE incident_id = ? GROUP BY fingerprint_id", [scope])
    for q in sql.itertuples():
        qid = acc.node("slow_sql", q.fingerprint_id, q.fp[:80], count=int(q.n), max_ms=float(q.max_ms),
                       for_update=bool(q.for_update))
        for table in filter(None, (q.tables or "").split(",")):
            acc.edge(qid, acc.node("table", table.strip().lower(), table.strip()), "touches")
    spans = store.query_df(
        "SELECT service, http_method, http_route, count(*) AS n, count(*) FILTER (WHERE error) AS errors, "
        "quantile_cont(duration_ms, 0.99) AS p99 FROM spans WHERE incident_id = ? AND http_route IS NOT NULL "
        "AND http_method IS NOT NULL GROUP BY ALL", [scope])
    for s in spans.itertuples():
        eid = acc.node("endpoint", f"{s.service} {s.http_method} {s.http_route}", f"{s.http_method} {s.http_route}",
                       service=s.service, spans=int(s.n), errors=int(s.errors), p99_ms=round(float(s.p99), 1))
        api = f"api_operation:{s.http_method} {normalize_route(s.http_route)}"
        if api in acc.nodes:
            acc.edge(eid, api, "routes_to")


def _history(acc: _Acc, store: Store, scope: str, file_of: dict[str, str]) -> None:
    commits = store.query_df("SELECT sha, author, email, authored_at, message, files FROM commits WHERE "
                             "incident_id = ?",
                             [scope])
    for c in commits.itertuples():
        cid = acc.node("commit", c.sha, c.sha[:8], message=str(c.message).splitlines()[0][:120] if c.message else "",
                       authored_at=str(c.authored_at))
        acc.edge(cid, acc.node("author", c.email or c.author, c.author), "authored_by")
        for path in json.loads(c.files or "[]"):
            acc.edge(file_of.get(path) or acc.node("file", path, path.rsplit("/", 1)[-1]), cid, "changed_by")
    rules = [OwnershipRule(pattern=p, team=t, source=s) for p, t, s in store.list_ownership(scope)]
    if rules:
        for node in [n for n in acc.nodes.values() if n.kind == "file"]:
            if rule := owner_of(rules, node.id.removeprefix("file:")):
                acc.edge(node.id, acc.node("team", rule.team), "owned_by", rule=rule.source)


def collect_graph(store: Store, scope: str, index_id: str | None) -> tuple[list[Node], list[Edge]]:
    """Every node and edge for one incident (or index-only scope), from code, design, runtime and history."""
    acc = _Acc()
    file_of = _code(acc, store, index_id) if index_id else {}
    _design(acc, store, scope)
    _runtime(acc, store, scope)
    _history(acc, store, scope, file_of)
    edges = [e for e in acc.edges.values() if e.src in acc.nodes and e.dst in acc.nodes]
    log.info("incident %s: graph of %d nodes, %d edges", scope, len(acc.nodes), len(edges))
    return list(acc.nodes.values()), edges
