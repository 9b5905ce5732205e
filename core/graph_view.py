"""What the graph page draws: a bounded neighbourhood of the incident graph, filtered server-side."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from core.errors import TribunalError
from core.fusion.facts import FusedContext
from core.graph import DuckGraph, Edge, Node
from core.ingest.code import GitRepo
from core.store import Store

__all__ = ["MAX_NODES", "GraphView", "NodeDetails", "incident_view", "node_details", "story_view"]

MAX_NODES = 300


class GraphView(BaseModel):
    """Nodes and edges to draw, with the exception → design path marked."""

    center: str | None
    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)
    path_nodes: list[str] = Field(default_factory=list)
    path_edges: list[tuple[str, str]] = Field(default_factory=list)
    truncated: int = Field(default=0, description="Nodes left out to stay within the drawing budget.")
    contexts: list[str] = Field(default_factory=list)
    kinds: list[str] = Field(default_factory=list)


class NodeDetails(BaseModel):
    node: Node
    neighbours: list[tuple[str, str, str, str]] = Field(
        default_factory=list, description="(edge kind, direction, neighbour kind, neighbour label)")
    snippet: str | None = Field(default=None, description="Source lines around the node's file:line, when it has one.")


def _focus(graph: DuckGraph, ctx: FusedContext | None) -> str | None:
    """The dominant exception when there is one, else the failing class."""
    if ctx and ctx.top_group:
        node = f"exception:{ctx.top_group.fingerprint}"
        if graph.nodes([node]):
            return node
        frame = ctx.top_group.frames[0] if ctx.top_group.frames else None
        if frame and graph.nodes([f"class:{frame.class_name}"]):
            return f"class:{frame.class_name}"
    return None


def _story_targets(ctx: FusedContext) -> list[str]:
    """Where the story of the failure leads: the convicted change, the owning team, the design it hits."""
    out = []
    guilty = next((s for s in ctx.suspects if s.guilty), None)
    if guilty:
        out.append(f"commit:{guilty.sha}")
    if ctx.owner:
        out.append(f"team:{ctx.owner.team}")
    if ctx.bounded_context:
        out.append(f"bounded_context:{ctx.bounded_context}")
    if ctx.blast:
        out += [f"api_operation:{a}" for a in ctx.blast.apis[:1]] + [f"table:{t}" for t in ctx.blast.tables[:1]]
    return out


def story_view(store: Store, incident_id: str) -> GraphView:
    """Only the paths that tell the failure's story: from the dominant exception to the change that caused it,
    its author, the team that owns the code and the design it touches — a few nodes that read on a projector.
    `incident_view` is the neighbourhood around them."""
    graph = DuckGraph(store, incident_id)
    payload = store.load_fusion(incident_id)
    ctx = FusedContext.model_validate_json(payload) if payload else None
    center = _focus(graph, ctx)
    if center is None or ctx is None:
        return GraphView(center=center)
    nodes: dict[str, Node] = dict(graph.nodes([center]))
    edges: dict[tuple[str, str, str], Edge] = {}
    for target in _story_targets(ctx):
        path = graph.path(center, target)
        if any(n.kind == "exception" and n.id != center for n in path.nodes):
            continue  # a detour through another failure (a shared filter frame) tells a different story
        nodes.update({n.id: n for n in path.nodes})
        edges.update({(e.src, e.dst, e.kind): e for e in path.edges})
        if target.startswith("commit:") and target in nodes:  # who wrote it
            author = next((e for e in graph.ego(target, depth=1, kinds=["author"]).edges
                           if e.kind == "authored_by" and e.src == target), None)
            if author:
                nodes.update(graph.nodes([author.dst]))
                edges[(author.src, author.dst, author.kind)] = author
    ordered = list(nodes)
    return GraphView(center=center, nodes=[nodes[n] for n in ordered], edges=list(edges.values()), path_nodes=ordered,
                     path_edges=[(e.src, e.dst) for e in edges.values()],
                     contexts=[ctx.bounded_context] if ctx.bounded_context else [],
                     kinds=sorted({n.kind for n in nodes.values()}))


def incident_view(
    store: Store,
    incident_id: str,
    *,
    focus: str | None = None,
    depth: int = 3,
    kinds: list[str] | None = None,
    context: str | None = None,
    max_nodes: int = MAX_NODES,
) -> GraphView:
    """The neighbourhood of `focus` (default: the dominant exception), at most `max_nodes` nodes.

    Args:
        kinds: node kinds to keep (the focus is always kept).
        context: keep only nodes of this bounded context, plus nodes that belong to none.
    """
    graph = DuckGraph(store, incident_id)
    payload = store.load_fusion(incident_id)
    ctx = FusedContext.model_validate_json(payload) if payload else None
    center = focus or _focus(graph, ctx)
    if center is None:
        return GraphView(center=None)
    sub = graph.ego(center, depth=depth, kinds=kinds)
    nodes = sub.nodes
    if context:
        nodes = [n for n in nodes if n.id == center or (n.props.get("bounded_context") in (None, context)
                 and not (n.kind == "bounded_context" and n.label != context))]
    nodes.sort(key=lambda n: (n.props.get("depth", 0), n.kind, n.label))
    truncated = max(0, len(nodes) - max_nodes)
    nodes = nodes[:max_nodes]
    keep = {n.id for n in nodes}
    edges = [e for e in sub.edges if e.src in keep and e.dst in keep]
    path_nodes: list[str] = []
    path_edges: list[tuple[str, str]] = []
    path_edge_objs: list[Edge] = []
    targets = [f"bounded_context:{ctx.bounded_context}"] if ctx and ctx.bounded_context else []
    if ctx and ctx.blast:
        targets += [f"api_operation:{a}" for a in ctx.blast.apis[:1]] + [f"table:{t}" for t in ctx.blast.tables[:1]]
    for target in targets:
        path = graph.path(center, target)
        path_nodes += [n.id for n in path.nodes if n.id not in path_nodes]
        path_edges += [(e.src, e.dst) for e in path.edges]
        path_edge_objs += path.edges
    # A highlighted path must be drawable even when filters dropped some of its nodes.
    missing = [n for n in path_nodes if n not in keep]
    if missing:
        extra = graph.nodes(missing)
        nodes += list(extra.values())
        keep |= set(extra)
    drawn = {(e.src, e.dst, e.kind) for e in edges}
    edges += [e for e in path_edge_objs if (e.src, e.dst, e.kind) not in drawn and e.src in keep and e.dst in keep]
    return GraphView(
        center=center, nodes=nodes, edges=edges, path_nodes=path_nodes, path_edges=path_edges, truncated=truncated,
        contexts=sorted({str(n.props["bounded_context"]) for n in sub.nodes if n.props.get("bounded_context")}),
        kinds=sorted({n.kind for n in sub.nodes}),
    )


def node_details(store: Store, incident_id: str, node_id: str) -> NodeDetails | None:
    """One node's properties and its direct neighbours, for the details panel."""
    graph = DuckGraph(store, incident_id)
    found = graph.nodes([node_id])
    if node_id not in found:
        return None
    sub = graph.ego(node_id, depth=1)
    by_id = {n.id: n for n in sub.nodes}
    neighbours = []
    for e in sub.edges:
        if node_id not in (e.src, e.dst) or e.src == e.dst:
            continue
        other_id = e.dst if e.src == node_id else e.src
        other = by_id.get(other_id)
        kind, _, rest = other_id.partition(":")
        neighbours.append((e.kind, "→" if e.src == node_id else "←", other.kind if other else kind,
                           (other.label if other else rest) or other_id))
    return NodeDetails(node=found[node_id], neighbours=neighbours[:60],
                       snippet=_snippet(store, incident_id, found[node_id]))


def _snippet(store: Store, incident_id: str, node: Node) -> str | None:
    path = node.props.get("path")
    line = node.props.get("line") or node.props.get("start_line")
    if node.kind == "frame" and not path:
        frame_ev = next((e for e in store.list_evidence(incident_id) if e.kind == "stack_frame"
                         and e.ref.get("symbol") and node.id.startswith(f"frame:{e.ref['symbol']}:")), None)
        path, line = (frame_ev.ref.get("path"), frame_ev.ref.get("line")) if frame_ev else (None, None)
    repo_path = store.asset_location(incident_id, kind="repo")
    if not (path and line and repo_path):
        return None
    try:
        repo = GitRepo(Path(repo_path))
        payload = store.load_fusion(incident_id)
        rev = (FusedContext.model_validate_json(payload).revision if payload else None) or "HEAD"
        rows = repo.show_lines(rev, str(path), int(line) - 6, int(line) + 6)
    except (TribunalError, ValueError):
        return None
    return "\n".join(f"{'>>' if n == int(line) else '  '} {n:>5}  {text}" for n, text in rows) or None
