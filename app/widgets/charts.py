"""Plotly figures: log levels over time with the incident start marked, confidence per round."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from app.i18n import phase_label, t
from app.theme import LEVEL_COLORS, agent_style
from core.schema import AgentTurn

__all__ = ["error_rate_figure", "confidence_figure", "step_label"]

_LAYOUT = dict(
    margin=dict(l=10, r=10, t=40, b=10), height=330, legend=dict(orientation="h", y=1.12, x=0),
    plot_bgcolor="white", hovermode="x unified",
)


def error_rate_figure(timeline: pd.DataFrame, started_at: datetime) -> go.Figure:
    """Stacked log lines per minute by level, with a dashed line where the incident started."""
    fig = go.Figure()
    if not timeline.empty:
        frame = timeline.copy()
        frame["minute"] = pd.to_datetime(frame["minute"], utc=True).dt.tz_convert(started_at.tzinfo)
        frame["level"] = frame["level"].fillna("OTHER").astype(str).str.upper()
        order = [lvl for lvl in LEVEL_COLORS if lvl in set(frame["level"])]
        order += sorted(set(frame["level"]) - set(order))
        for level in reversed(order):
            part = frame[frame["level"] == level].sort_values("minute")
            fig.add_bar(x=part["minute"], y=part["count"], name=level, marker_color=LEVEL_COLORS.get(level, "#a3a3a3"))
    fig.add_shape(type="line", x0=started_at, x1=started_at, y0=0, y1=1, yref="paper",
                  line=dict(color="#b91c1c", width=2, dash="dash"))
    fig.add_annotation(x=started_at, y=1, yref="paper", text=t("assets.incident_start"), showarrow=False,
                       xanchor="left", yanchor="bottom", font=dict(color="#b91c1c", size=12))
    fig.update_layout(barmode="stack", xaxis_title=None, yaxis_title=t("assets.lines_per_minute"), **_LAYOUT)
    fig.update_yaxes(gridcolor="#eef2f7")
    return fig


def step_label(turn: AgentTurn) -> str:
    """Where in the debate a turn sits: experts, round N, or the judgment."""
    if turn.phase in ("experts", "judgment"):
        return phase_label(turn.phase)
    return t("debate.round_n", n=turn.round)


def confidence_figure(turns: list[AgentTurn]) -> go.Figure:
    """Each agent's confidence at each step of the debate (one line per agent)."""
    fig = go.Figure()
    steps: list[str] = []
    for turn in turns:
        label = step_label(turn)
        if label not in steps:
            steps.append(label)
    by_agent: dict[str, list[AgentTurn]] = {}
    for turn in turns:
        by_agent.setdefault(turn.agent, []).append(turn)
    for agent, own in by_agent.items():
        style = agent_style(agent)
        fig.add_scatter(
            x=[step_label(x) for x in own], y=[x.confidence for x in own], name=agent, mode="lines+markers",
            line=dict(color=style.color, width=2), marker=dict(size=9),
            customdata=[x.summary for x in own], hovertemplate="%{y:.0%} · %{customdata}<extra>" + agent + "</extra>",
        )
    fig.update_layout(yaxis=dict(range=[0, 1.05], tickformat=".0%", gridcolor="#eef2f7", title=t("debate.confidence")),
                      xaxis=dict(categoryorder="array", categoryarray=steps), **_LAYOUT)
    return fig
