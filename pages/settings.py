"""Settings: which model answers for which agent, a connection test per endpoint, and this session's changes."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from app import access, resources
from app import llm_settings as ls
from app.i18n import agent_role, t
from app.state import Widgets as W
from app.widgets.incident import show_flash
from core import audit
from core.audit import Action
from core.schema import AGENTS

cfg = resources.settings()
show_flash()
st.title(t("settings.title"))
st.caption(t("settings.subtitle"))
changes = ls.overrides()
effective = ls.effective_settings(cfg)
routing = effective.llm_routing
who = access.principal()
admin = who.may("admin")  # settings are an admin's; others see them read-only

st.subheader(t("settings.routing"))
if cfg.llm_problem:
    st.error(t("settings.problem", message=cfg.llm_problem), icon=":material/error:")
if routing is None:
    st.info(t("settings.no_llm", var=cfg.llm.api_key_env), icon=":material/memory:")
    st.code("LLM_API_KEY=…            # or the variable LLM_API_KEY_ENV names\nLLM_BASE_URL=https://…/v1\n"
            "LLM_MODEL=glm-5\nTRIBUNAL_MODELS=models.yaml   # optional: per-agent routing", language="bash")
else:
    if routing.single_model():
        st.warning(t("settings.single_model", model=routing.default.model), icon=":material/content_copy:")
    rows = ls.routing_rows(routing)
    rows.insert(1, "role", [agent_role(a) for a in rows["agent"]])
    rows["key"] = [t("settings.key_" + k) for k in rows["key"]]
    st.dataframe(rows, hide_index=True, column_config={
        "agent": t("settings.col_agent"), "role": t("settings.col_role"),
        "base_url": st.column_config.TextColumn(t("settings.col_base_url"), width="medium"),
        "model": t("settings.col_model"), "key_env": t("settings.col_key_env"), "key": t("settings.col_key"),
        "temperature": st.column_config.NumberColumn(t("settings.col_temperature"), format="%.2f"),
        "max_tokens": st.column_config.NumberColumn(t("settings.col_max_tokens"), format="%d"),
        "timeout_s": st.column_config.NumberColumn(t("settings.col_timeout"), format="%.0f s"),
        "first_byte_s": st.column_config.NumberColumn(t("settings.col_first_byte"), format="%.0f s",
                                                      help=t("settings.col_first_byte_help")),
        "rpm": st.column_config.NumberColumn(t("settings.col_rpm"), format="%d", help=t("settings.col_rpm_help")),
        "concurrency": st.column_config.NumberColumn(t("settings.col_concurrency"), format="%d"),
        "tools": st.column_config.CheckboxColumn(t("settings.col_tools")), "output": t("settings.col_output"),
    })
    a, d = routing.agent_budget, routing.debate_budget
    st.caption(t("settings.budgets", retries=routing.retries, backoff=f"{routing.backoff_s:g}",
                 agent=f"{a.tokens or '∞'} / {a.calls or '∞'} / {a.wall_s or '∞'}",
                 debate=f"{d.tokens or '∞'} / {d.calls or '∞'} / {d.wall_s or '∞'}"))
    st.caption(t("settings.breaker", n=routing.breaker_failures, s=f"{routing.breaker_cooldown_s:g}"))

    st.subheader(t("settings.test"))
    st.caption(t("settings.test_help"))
    for i, (key, route, agents) in enumerate(ls.endpoint_targets(routing)):
        with st.container(border=True, horizontal=True, vertical_alignment="center", gap="medium"):
            st.markdown(f'<div class="tb-mono"><b>{html.escape(route.endpoint)}</b> · {html.escape(route.model)}</div>'
                        f'<div style="font-size:.8rem;color:#64748b">{html.escape(", ".join(agents))}</div>',
                        unsafe_allow_html=True, width="stretch")
            clicked = st.button(t("settings.test_button"), key=f"{W.PROBE}.{i}", icon=":material/network_check:",
                                disabled=not who.may("analyst"))
        result = ls.probe_target(key, route) if clicked else ls.last_probe(key)
        if result is not None and result.ok:
            st.success(t("settings.probe_ok", ms=f"{result.latency_ms:,.0f}", reply=(result.model_reply or "—")[:80]),
                       icon=":material/check_circle:")
        elif result is not None:
            st.error(t("settings.probe_failed", error=result.error or "?", ms=f"{result.latency_ms or 0:,.0f}"),
                     icon=":material/cloud_off:")

st.subheader(t("settings.session"))
st.caption(t("settings.session_help"))
if not admin:
    st.info(t("auth.settings_read_only", role=t(f"role.{who.role}")), icon=":material/lock:")
with st.form(W.SET_APPLY + ".form", border=True):
    c1, c2 = st.columns(2)
    rounds = c1.slider(t("settings.max_rounds"), 1, 10, value=effective.max_rounds, key=W.SET_ROUNDS)
    pace = c2.number_input(t("debate.pace"), min_value=0.0, max_value=1.0, step=0.01, value=ls.pace_default(cfg),
                           help=t("debate.pace_help"), key=W.SET_PACE)
    edited = None
    if routing is not None and cfg.llm_routing is not None:
        base = cfg.llm_routing
        edited = st.data_editor(pd.DataFrame([{
            "agent": agent, "model": (changes.agents.get(agent) or ls.AgentOverride()).model or base.route(agent).model,
            "temperature": routing.route(agent).temperature,
        } for agent in AGENTS]), hide_index=True, key=W.SET_AGENTS, disabled=["agent"], column_config={
            "agent": t("settings.col_agent"),
            "model": st.column_config.TextColumn(t("settings.col_model"), required=True),
            "temperature": st.column_config.NumberColumn(t("settings.col_temperature"), min_value=0.0, max_value=2.0,
                                                         step=0.05, format="%.2f"),
        })
        st.caption(t("settings.override_help"))
    apply = st.form_submit_button(t("settings.apply"), type="primary", key=W.SET_APPLY, icon=":material/check:",
                                  disabled=not admin)

if apply and admin:
    agents: dict[str, ls.AgentOverride] = {}
    if edited is not None and cfg.llm_routing is not None:
        for row in edited.to_dict("records"):
            route = cfg.llm_routing.route(row["agent"])
            model = str(row["model"] or "").strip()
            temp = float(row["temperature"]) if pd.notna(row["temperature"]) else route.temperature
            if model != route.model or abs(temp - route.temperature) > 1e-9:
                agents[row["agent"]] = ls.AgentOverride(
                    model=model if model != route.model else None,
                    temperature=temp if abs(temp - route.temperature) > 1e-9 else None)
    ls.set_overrides(ls.SessionOverrides(max_rounds=rounds if rounds != cfg.max_rounds else None,
                                         pace_s=float(pace), agents=agents))
    audit.record(resources.store(cfg), actor=who.name, action=Action.SETTING_CHANGED, detail={
        "scope": "session", "max_rounds": rounds, "pace_s": float(pace),
        "agents": {a: o.model_dump(exclude_none=True) for a, o in agents.items()}})
    st.toast(t("settings.applied"), icon=":material/check:")
    st.rerun()
if changes != ls.SessionOverrides():
    st.caption(t("settings.active", n=len(changes.agents), rounds=effective.max_rounds))
    if admin and st.button(t("settings.reset"), key=W.SET_RESET, icon=":material/restart_alt:"):
        ls.set_overrides(None)
        audit.record(resources.store(cfg), actor=who.name, action=Action.SETTING_CHANGED,
                     detail={"scope": "session", "reset": True})
        st.rerun()
