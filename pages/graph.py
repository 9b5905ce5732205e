"""Asset graph: the incident's neighbourhood, filtered server-side, with the exception → design path."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import resources
from app.i18n import t
from app.widgets.graph import KIND_COLOURS, draw_graph
from app.widgets.incident import incident_header, require_incident
from core.errors import TribunalError
from core.graph import NODE_KINDS
from core.graph_view import incident_view, node_details

FOCUS = "graph.focus"

cfg = resources.settings()
store = resources.store(cfg)
incident = require_incident(store)
incident_header(incident, t("graph.title"))
st.caption(t("graph.caption"))
st.caption(t("graph.backend", b="Neo4j + DuckDB" if cfg.neo4j_uri else "DuckDB"))

default_kinds = [k for k in NODE_KINDS if k not in ("file", "author")]
left, mid, right, reset = st.columns([4, 1, 2, 1], vertical_alignment="bottom")
kinds = left.multiselect(t("graph.kinds"), NODE_KINDS, default=default_kinds, key="w.graph.kinds")
depth = mid.slider(t("graph.depth"), 1, 5, 3, key="w.graph.depth")
try:
    base = incident_view(store, incident.id, focus=st.session_state.get(FOCUS), depth=depth, kinds=kinds or None)
    context = right.selectbox(t("graph.context"), [None, *base.contexts], key="w.graph.context",
                              format_func=lambda c: c or t("graph.all_contexts"))
    view = incident_view(store, incident.id, focus=st.session_state.get(FOCUS), depth=depth, kinds=kinds or None,
                         context=context) if context else base
except TribunalError as exc:
    st.error(str(exc))
    st.stop()
if reset.button(t("graph.reset"), key="w.graph.reset", disabled=FOCUS not in st.session_state):
    st.session_state.pop(FOCUS, None)
    st.rerun()

if view.center is None or not view.nodes:
    st.info(t("graph.empty"))
    st.stop()
if view.truncated:
    st.warning(t("graph.truncated", n=view.truncated))
st.caption(t("graph.stats", nodes=len(view.nodes), edges=len(view.edges), path=max(len(view.path_nodes) - 1, 0)))

graph_col, detail_col = st.columns([3, 2])
with graph_col:
    clicked = draw_graph(view, key=f"agraph-{incident.id}-{depth}-{context}-{len(view.nodes)}")
    shown = sorted({n.kind for n in view.nodes})
    st.markdown(" ".join(f"<span style='color:{KIND_COLOURS.get(k, '#94a3b8')}'>●</span> {k}" for k in shown),
                unsafe_allow_html=True)
with detail_col:
    st.subheader(t("graph.details"))
    selected = clicked or view.center
    details = node_details(store, incident.id, selected)
    if details is None:
        st.caption(t("graph.pick"))
    else:
        st.markdown(f"**{details.node.kind}** · `{details.node.label}`")
        if details.node.props:
            st.json(details.node.props, expanded=False)
        if details.snippet:
            st.code(details.snippet, language="java")
        if clicked and clicked != st.session_state.get(FOCUS):
            if st.button(t("graph.focus"), key="w.graph.refocus", icon=":material/center_focus_strong:"):
                st.session_state[FOCUS] = clicked
                st.rerun()
        st.caption(t("graph.neighbours"))
        st.dataframe(pd.DataFrame(details.neighbours, columns=[t("graph.col_edge"), t("graph.col_dir"), t("graph.col_node")]),
                     hide_index=True, height=260)
