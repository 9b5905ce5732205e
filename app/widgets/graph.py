"""The asset graph drawn with Graphviz (behind this one module, so the drawing can be swapped again).

It replaced streamlit-agraph: its force layout (vis.js in an iframe) took seconds to settle on every
rerun, let labels of nearby nodes collide and drew them small; the component has had no release since
January 2023. Graphviz's layered layout (`st.graphviz_chart`, no custom component) is deterministic,
keeps labels apart by construction and draws at once. Node details are picked from a list instead of
a click, which Graphviz in Streamlit does not report.
"""

from __future__ import annotations

import html

import streamlit as st

from app.i18n import has_key, t
from core.graph_view import GraphView
from core.plain_text import clip

__all__ = ["KIND_COLOURS", "draw_graph", "graph_dot", "kind_label", "relation_label"]

KIND_COLOURS: dict[str, str] = {
    "exception": "#dc2626", "frame": "#f97316", "method": "#f59e0b", "class": "#2563eb", "file": "#64748b",
    "commit": "#7c3aed", "author": "#a855f7", "team": "#0d9488", "aggregate": "#059669",
    "bounded_context": "#16a34a", "api_operation": "#0891b2", "endpoint": "#06b6d4", "table": "#92400e",
    "slow_sql": "#b45309", "invariant": "#4d7c0f", "rule": "#65a30d",
}
_PATH = "#e11d48"
_FONT = "Source Sans Pro, PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif"


def kind_label(kind: str) -> str:
    """A node kind in the UI language (``api_operation`` → ``API 操作``)."""
    return t(f"kind.{kind}") if has_key(f"kind.{kind}") else kind.replace("_", " ")


def relation_label(kind: str) -> str:
    """An edge kind in the UI language (``thrown_at`` → ``抛出于``)."""
    return t(f"rel.{kind}") if has_key(f"rel.{kind}") else kind.replace("_", " ")


def _q(text: str) -> str:
    """A DOT quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def graph_dot(view: GraphView, *, story: bool) -> str:
    """The view as Graphviz DOT: kind above name in each box, the exception's path in red with its relations."""
    on_path, path_edges = set(view.path_nodes), set(view.path_edges)
    lines = [
        "digraph G {",
        # The story top to bottom at its own size (14 pt labels stay 14 pt); the wider neighbourhood left to right.
        (f"graph [rankdir={'TB' if story else 'LR'}, bgcolor=transparent, pad=0.15, nodesep={0.3 if story else 0.18}, "
         f"ranksep={0.45 if story else 0.35}, fontname={_q(_FONT)}];"),
        f"node [shape=box, style=\"rounded,filled\", fontname={_q(_FONT)}, margin=\"0.14,0.06\", penwidth=1.2];",
        f"edge [fontname={_q(_FONT)}, fontsize=11, arrowsize=0.6];",
    ]
    for n in view.nodes:
        colour = KIND_COLOURS.get(n.kind, "#94a3b8")
        main = n.id == view.center
        size = 16 if main else 14 if n.id in on_path else 12
        label = (f'<<FONT POINT-SIZE="{size - 3}" COLOR="#475569">{html.escape(kind_label(n.kind))}</FONT><BR/>'
                 f'<B>{html.escape(clip(n.label, 40))}</B>>' if n.id in on_path or story else
                 f"<{html.escape(clip(n.label, 32))}>")
        lines.append(f"{_q(n.id)} [label={label}, tooltip={_q(f'{kind_label(n.kind)}: {n.label}')}, "
                     f"fillcolor={_q(colour + ('33' if main else '1f'))}, color={_q(colour)}, fontsize={size}, "
                     f"penwidth={3 if main else 2 if n.id in on_path else 1}];")
    for e in view.edges:
        on = (e.src, e.dst) in path_edges or (e.dst, e.src) in path_edges
        rel = relation_label(e.kind)
        attrs = (f"color={_q(_PATH)}, penwidth=2.2, label={_q(rel)}, fontcolor={_q(_PATH)}" if on else
                 f"color=\"#cbd5e1\", tooltip={_q(rel)}")
        lines.append(f"{_q(e.src)} -> {_q(e.dst)} [{attrs}];")
    lines.append("}")
    return "\n".join(lines)


def draw_graph(view: GraphView, *, story: bool, height: int = 560) -> None:
    """Draw the view: the story at its natural size (legible on a projector), the neighbourhood across the page."""
    if story:
        st.graphviz_chart(graph_dot(view, story=True), width="content")
    else:
        st.graphviz_chart(graph_dot(view, story=False), width="stretch", height=height)
