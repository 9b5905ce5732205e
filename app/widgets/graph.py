"""The asset graph drawn with streamlit-agraph (kept behind this one module so it can be swapped)."""

from __future__ import annotations

from streamlit_agraph import Config, Edge, Node, agraph

from app.i18n import has_key, t
from core.graph_view import GraphView
from core.plain_text import clip

__all__ = ["KIND_COLOURS", "draw_graph", "kind_label", "relation_label"]

KIND_COLOURS: dict[str, str] = {
    "exception": "#dc2626", "frame": "#f97316", "method": "#f59e0b", "class": "#2563eb", "file": "#64748b",
    "commit": "#7c3aed", "author": "#a855f7", "team": "#0d9488", "aggregate": "#059669",
    "bounded_context": "#16a34a", "api_operation": "#0891b2", "endpoint": "#06b6d4", "table": "#92400e",
    "slow_sql": "#b45309", "invariant": "#4d7c0f", "rule": "#65a30d",
}
_PATH = "#e11d48"


def kind_label(kind: str) -> str:
    """A node kind in the UI language (``api_operation`` → ``API 操作``)."""
    return t(f"kind.{kind}") if has_key(f"kind.{kind}") else kind.replace("_", " ")


def relation_label(kind: str) -> str:
    """An edge kind in the UI language (``thrown_at`` → ``抛出于``)."""
    return t(f"rel.{kind}") if has_key(f"rel.{kind}") else kind.replace("_", " ")


def draw_graph(view: GraphView, key: str, height: int = 620) -> str | None:
    """Draw the view; returns the id of the node the user clicked (None when none)."""
    on_path = set(view.path_nodes)
    path_edges = set(view.path_edges)
    nodes = [
        Node(id=n.id, label=clip(n.label, 32), title=f"{kind_label(n.kind)}: {n.label}", color=KIND_COLOURS.get(n.kind, "#94a3b8"),
             size=26 if n.id == view.center else 18 if n.id in on_path else 12,
             borderWidth=3 if n.id in on_path else 1,
             # A white backing keeps crossing labels legible on a projector.
             font={"size": 16 if n.id in on_path else 13, "background": "rgba(255,255,255,0.85)"})
        for n in view.nodes
    ]
    edges = []
    for e in view.edges:
        on = (e.src, e.dst) in path_edges or (e.dst, e.src) in path_edges
        # Only the highlighted path carries a written relation (the rest on hover): labels stop colliding.
        edges.append(Edge(source=e.src, target=e.dst, label=relation_label(e.kind) if on else "",
                          title=relation_label(e.kind), color=_PATH if on else "#cbd5e1", width=3 if on else 1))
    config = Config(width="100%", height=height, directed=True, physics=True, hierarchical=False, key=key)
    return agraph(nodes=nodes, edges=edges, config=config)  # type: ignore[no-any-return]
