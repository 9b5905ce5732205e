"""This session's settings on top of core's: rounds, pace and per-agent model/temperature; routing rows and probes.

The overrides live in session state only (nothing secret is edited here); `effective_settings` is what the
debate and compare pages pass to core when they start something.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from pydantic import BaseModel, Field

from app.state import DEFAULT_PACE_S, Keys
from core.config import Settings
from core.llm._probe import ProbeResult, probe
from core.llm.routing import Route, Routing
from core.schema import AGENTS

__all__ = [
    "AgentOverride",
    "SessionOverrides",
    "apply_overrides",
    "effective_settings",
    "endpoint_targets",
    "last_probe",
    "overrides",
    "pace_default",
    "probe_target",
    "routing_rows",
    "set_overrides",
]


class AgentOverride(BaseModel):
    """A different model name (same endpoint and key) or temperature for one agent, this session only."""

    model: str | None = None
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)


class SessionOverrides(BaseModel):
    max_rounds: int | None = Field(default=None, ge=1, le=10)
    pace_s: float | None = Field(default=None, ge=0.0, le=1.0)
    agents: dict[str, AgentOverride] = Field(default_factory=dict)


def apply_overrides(cfg: Settings, changes: SessionOverrides) -> Settings:
    """`cfg` with the session's changes applied (a new frozen object; `cfg` is untouched)."""
    update: dict[str, object] = {}
    if changes.max_rounds is not None:
        update["max_rounds"] = changes.max_rounds
    routing = cfg.llm_routing
    if routing is not None and changes.agents:
        routes = dict(routing.agents)
        for agent, change in changes.agents.items():
            if agent not in AGENTS:
                continue
            fields = {k: v for k, v in (("model", (change.model or "").strip() or None),
                                         ("temperature", change.temperature)) if v is not None}
            if fields:
                routes[agent] = routing.route(agent).model_copy(update=fields)
        update["llm_routing"] = routing.model_copy(update={"agents": routes})
    return cfg.model_copy(update=update) if update else cfg


def overrides() -> SessionOverrides:
    value = st.session_state.get(Keys.OVERRIDES)
    return value if isinstance(value, SessionOverrides) else SessionOverrides()


def set_overrides(value: SessionOverrides | None) -> None:
    st.session_state[Keys.OVERRIDES] = value or SessionOverrides()


def effective_settings(cfg: Settings) -> Settings:
    """The settings a debate or comparison started now would use."""
    return apply_overrides(cfg, overrides())


def pace_default(cfg: Settings) -> float:
    pace = overrides().pace_s
    return pace if pace is not None else (cfg.offline_pace_s or DEFAULT_PACE_S)


def _key_state(route: Route) -> str:
    if not route.api_key_env:
        return "none"
    return "set" if route.api_key is not None else "missing"


def routing_rows(routing: Routing) -> pd.DataFrame:
    """One row per agent: endpoint, model, key variable and whether it holds a key (never the key), limits."""
    rows = []
    for agent in AGENTS:
        r = routing.route(agent)
        rows.append({
            "agent": agent, "base_url": r.endpoint, "model": r.model, "key_env": r.api_key_env or "—",
            "key": _key_state(r), "temperature": r.temperature, "max_tokens": r.max_tokens, "timeout_s": r.timeout_s,
            "first_byte_s": r.first_byte_s, "rpm": r.requests_per_minute, "concurrency": r.max_concurrency,
            "tools": r.function_calling,
            "output": "schema" if r.structured_output else ("json" if r.json_output else "text"),
        })
    return pd.DataFrame(rows)


def endpoint_targets(routing: Routing) -> list[tuple[str, Route, list[str]]]:
    """Distinct (endpoint, model, key variable) targets, each with a route to probe and the agents using it."""
    seen: dict[str, tuple[Route, list[str]]] = {}
    for agent in AGENTS:
        r = routing.route(agent)
        key = f"{r.endpoint} · {r.model} · {r.api_key_env or '-'}"
        seen.setdefault(key, (r, []))[1].append(agent)
    return [(key, route, agents) for key, (route, agents) in seen.items()]


def probe_target(key: str, route: Route) -> ProbeResult:
    """Test one target and remember the result for this session (shown until the next test)."""
    result = probe(route, route.api_key.get_secret_value() if route.api_key else None)
    results = dict(st.session_state.get(Keys.PROBES) or {})
    results[key] = result
    st.session_state[Keys.PROBES] = results
    return result


def last_probe(key: str) -> ProbeResult | None:
    return (st.session_state.get(Keys.PROBES) or {}).get(key)
