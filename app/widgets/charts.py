"""Plotly figures: log levels over time with the incident start and error onset marked, confidence per round,
and the compare mode's three verdicts side by side."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from app.i18n import phase_label, t
from app.theme import LEVEL_COLORS, agent_style
from core.plain_text import duration
from core.schema import AgentTurn

__all__ = [
    "CHART_CONFIG",
    "LAYOUT",
    "ONSET_COLOR",
    "START_COLOR",
    "compare_figure",
    "confidence_figure",
    "error_rate_figure",
    "mark_times",
    "show_chart",
    "step_label",
    "time_marks",
]

START_COLOR = "#b91c1c"
ONSET_COLOR = "#d97706"

# Legends sit under the plot: above it they ran into the titles and the time-mark labels.
LAYOUT = dict(
    margin=dict(l=10, r=10, t=40, b=10), height=330,
    legend=dict(orientation="h", yanchor="top", y=-0.12, x=0, font=dict(size=11)),
    plot_bgcolor="white", hovermode="x unified",
)
#: Plotly's toolbar floats over the figure's top-right corner, exactly where legends, subplot titles and the
#: time-mark labels are; on a projector it only hides them. Zoom stays (drag; double-click resets).
CHART_CONFIG: dict[str, object] = {"displayModeBar": False, "displaylogo": False, "scrollZoom": False}


def show_chart(fig: go.Figure, key: str) -> None:
    """Draw a figure the dashboard's way (no floating toolbar)."""
    import streamlit as st

    st.plotly_chart(fig, key=key, config=CHART_CONFIG)


def time_marks(
    started_at: datetime, onset: datetime | None, axes: list[tuple[str, str]],
    label_axes: list[tuple[str, str]] | None = None,
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Shapes and labels for dashed lines where the incident was reported to start and where errors started.

    Args:
        axes: (x axis, y axis domain) refs of every plot to draw the lines in.
        label_axes: the plots whose lines get text labels (default: all of `axes`).

    Returns:
        (shapes, annotations) as plain dicts: add them in one layout update (plotly's per-shape helpers are slow).
    """
    zone = started_at.tzinfo
    marks = [(started_at, t("assets.incident_start"), START_COLOR, "dash")]
    if onset is not None and abs((onset - started_at).total_seconds()) >= 30:
        marks.append((onset.astimezone(zone), t("assets.error_onset"), ONSET_COLOR, "dot"))
    shapes: list[dict[str, object]] = []
    notes: list[dict[str, object]] = []
    for when, label, color, dash in marks:
        for xref, yref in axes:
            shapes.append(dict(type="line", xref=xref, yref=yref, x0=when, x1=when, y0=0, y1=1,
                               line=dict(color=color, width=2, dash=dash)))
        # Labels left of the onset and right of the start keep two close marks from overlapping.
        anchor = "right" if when < started_at else "left"
        for xref, yref in label_axes or axes:
            notes.append(dict(x=when, y=1, xref=xref, yref=yref, text=label, showarrow=False, xanchor=anchor,
                              yanchor="bottom", font=dict(color=color, size=11)))
    return shapes, notes


def mark_times(fig: go.Figure, started_at: datetime, onset: datetime | None) -> None:
    """Mark the incident start and error onset on a single-plot figure."""
    shapes, notes = time_marks(started_at, onset, [("x", "paper")])
    fig.update_layout(shapes=shapes, annotations=notes)


def error_rate_figure(timeline: pd.DataFrame, started_at: datetime, onset: datetime | None = None) -> go.Figure:
    """Stacked log lines per minute by level, with dashed lines where the incident and its errors started."""
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
    mark_times(fig, started_at, onset)
    fig.update_layout(barmode="stack", xaxis_title=None, yaxis_title=t("assets.lines_per_minute"), **LAYOUT)
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
                      xaxis=dict(categoryorder="array", categoryarray=steps), **LAYOUT)
    return fig


_MODE_COLORS = {"single": "#64748b", "vote": "#0d9488", "debate": "#b45309"}


def compare_figure(labels: dict[str, str], confidence: dict[str, float], seconds: dict[str, float],
                   tokens: dict[str, int]) -> go.Figure:
    """Small bar charts side by side: confidence, wall time and (when any mode spent some) tokens per mode."""
    from plotly.subplots import make_subplots

    modes = list(labels)
    panels = [(t("compare.chart_confidence"), [confidence[m] for m in modes], "{:.0%}"),
              (t("compare.chart_time"), [seconds[m] for m in modes], None)]
    if any(tokens.values()):
        panels.append((t("compare.chart_tokens"), [tokens[m] for m in modes], "{:,}"))
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=[p[0] for p in panels], horizontal_spacing=0.08)
    names = [labels[m] for m in modes]
    colors = [_MODE_COLORS.get(m, "#64748b") for m in modes]
    for col, (_, values, fmt) in enumerate(panels, start=1):
        text = [duration(v) if fmt is None else fmt.format(v) for v in values]
        fig.add_bar(x=names, y=values, marker_color=colors, text=text, textposition="outside",
                    cliponaxis=False, showlegend=False, row=1, col=col, hoverinfo="skip")
    fig.update_yaxes(rangemode="tozero", gridcolor="#eef2f7")
    fig.update_yaxes(range=[0, 1.15], tickformat=".0%", row=1, col=1)
    fig.update_layout(margin=dict(l=10, r=10, t=40, b=10), height=280, plot_bgcolor="white", bargap=0.35)
    fig.update_annotations(font_size=13)
    return fig
