"""Asset graph: the failure's story (exception → code → change → author, team and design), or its neighbourhood."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from app import resources, state
from app.i18n import t
from app.widgets.graph import KIND_COLOURS, draw_graph, kind_label, relation_label
from app.widgets.incident import incident_header, require_incident
from app.widgets.relabel import relabel_on_language_change
from core.errors import TribunalError
from core.graph import NODE_KINDS
from core.graph_view import incident_view, node_details, story_view
from core.plain_text import md_literal

cfg = resources.settings()
store = resources.store(cfg)
incident = require_incident(store)
incident_header(incident, t("graph.title"))
st.caption(t("graph.caption"))
st.caption(t("graph.backend", b="Neo4j + DuckDB" if cfg.neo4j_uri else "DuckDB"))

wide = st.toggle(t("graph.neighbourhood"), key="w.graph.wide", help=t("graph.neighbourhood_help"))
try:
    if not wide:
        view = story_view(store, incident.id)
    else:
        default_kinds = [k for k in NODE_KINDS if k not in ("file", "author")]
        left, mid, right = st.columns([5, 2, 3], vertical_alignment="bottom")
        st.session_state.setdefault("w.graph.kinds", default_kinds)
        relabel_on_language_change("graph", state.language(), ("w.graph.kinds", "w.graph.context"))
        kind_labels = {k: kind_label(k) for k in NODE_KINDS}
        kinds = left.multiselect(t("graph.kinds"), NODE_KINDS, key="w.graph.kinds", format_func=kind_labels.__getitem__)
        depth = mid.slider(t("graph.depth"), 1, 5, 3, key="w.graph.depth")
        base = incident_view(store, incident.id, depth=depth, kinds=kinds or None)
        context = right.selectbox(t("graph.context"), [None, *base.contexts], key="w.graph.context",
                                  format_func=lambda c: c or t("graph.all_contexts"))
        view = incident_view(store, incident.id, depth=depth, kinds=kinds or None, context=context) if context else base
except TribunalError as exc:
    st.error(str(exc))
    st.stop()

if view.center is None or not view.nodes:
    st.info(t("graph.empty"))
    st.stop()
if view.truncated:
    st.warning(t("graph.truncated", n=view.truncated))
st.caption(t("graph.story_stats", nodes=len(view.nodes)) if not wide else
           t("graph.stats", nodes=len(view.nodes), edges=len(view.edges), path=max(len(view.path_nodes) - 1, 0)))

with st.container(border=True, key="graph-canvas"):
    draw_graph(view, story=not wide)
    shown = sorted({n.kind for n in view.nodes})
    st.markdown(" ".join(f"<span style='color:{KIND_COLOURS.get(k, '#94a3b8')}'>●</span> {html.escape(kind_label(k))}"
                         for k in shown), unsafe_allow_html=True)

labels = {n.id: f"{kind_label(n.kind)} · {n.label}" for n in view.nodes}
card_col, near_col = st.columns([2, 3], gap="large")
with card_col:
    st.subheader(t("graph.details"))
    selected = st.selectbox(t("graph.pick_node"), list(labels), format_func=labels.__getitem__, key="w.graph.node")
    details = node_details(store, incident.id, selected) if selected else None
    if details is None:
        st.caption(t("graph.pick"))
    else:
        with st.container(border=True):
            st.markdown(f"**{md_literal(kind_label(details.node.kind))}** · `{details.node.label.replace('`', '')}`")
            props = {k: v for k, v in details.node.props.items() if k != "depth" and v not in (None, "", [], {})}
            for k, v in props.items():
                value = ", ".join(map(str, v)) if isinstance(v, list) else str(v)
                st.markdown(f"`{k}` {md_literal(value)}")  # a property's name is an identifier, shown as one
        if details.snippet:
            st.code(details.snippet, language="java")
with near_col:
    if details is not None:
        st.subheader(t("graph.neighbours"))
        rows = [{"edge": relation_label(rel), "dir": t("graph.out") if way == "→" else t("graph.in"),
                 "kind": kind_label(kind), "node": label} for rel, way, kind, label in details.neighbours if label]
        st.dataframe(pd.DataFrame(rows, columns=["edge", "dir", "kind", "node"]), hide_index=True,
                     height=min(36 * (len(rows) + 1) + 3, 420),  # no empty rows under a short list
                     column_config={"edge": t("graph.col_edge"), "dir": t("graph.col_dir"), "kind": t("graph.col_kind"),
                                    "node": st.column_config.TextColumn(t("graph.col_node"), width="large")})
