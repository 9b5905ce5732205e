"""Plotly figures for runtime assets: template bursts, metric small multiples with anomaly windows, trace waterfalls."""

from __future__ import annotations

import html
from datetime import datetime

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app.i18n import t
from app.widgets.charts import LAYOUT, mark_times, time_marks
from core.fusion.runtime_rules import MetricFinding
from core.plain_text import clip

__all__ = ["METRIC_COLORS", "metric_panels_figure", "template_bursts_figure", "waterfall_figure"]

_PALETTE = ["#dc2626", "#2563eb", "#7c3aed", "#0d9488", "#d97706", "#db2777", "#475569", "#65a30d"]
METRIC_COLORS = {
    "hikari.active": "#2563eb", "hikari.pending": "#dc2626", "threads.blocked": "#7c3aed", "latency.p99": "#0f172a",
    "heap.used": "#0d9488", "heap.max": "#94a3b8", "gc.pause": "#d97706", "http.rate": "#475569",
}
_BYTES = 1024.0 ** 2  # heap is drawn in MiB


def _short(text: str, width: int = 48) -> str:
    return clip(text, width)


def template_bursts_figure(series: pd.DataFrame, table: pd.DataFrame, started_at: datetime,
                           onset: datetime | None) -> go.Figure:
    """Lines per minute of each bursting template (one line each), with the start and onset marked."""
    fig = go.Figure()
    zone = started_at.tzinfo
    names = {f"{r.asset_id}/{r.template_id}": str(r.template) for r in table.itertuples(index=False)}
    if not series.empty:
        frame = series.copy()
        frame["minute"] = pd.to_datetime(frame["minute"], utc=True).dt.tz_convert(zone)
        for i, key in enumerate(names):
            part = frame[frame["key"] == key].set_index("minute")["count"]
            if part.empty:
                continue
            # Minutes without a line are zeros, not gaps: a burst must rise from the floor.
            full = pd.date_range(frame["minute"].min(), frame["minute"].max(), freq="1min")
            part = part.reindex(full, fill_value=0)
            fig.add_scatter(x=part.index, y=part.values, name=html.escape(_short(names[key])), mode="lines",
                            line=dict(color=_PALETTE[i % len(_PALETTE)], width=2, shape="hv"),
                            hovertemplate="%{y} · " + html.escape(_short(names[key], 80)) + "<extra></extra>")
    mark_times(fig, started_at, onset)
    fig.update_layout(yaxis_title=t("assets.lines_per_minute"), **{**LAYOUT, "height": 340,
                      "legend": dict(orientation="h", y=-0.18, x=0, font=dict(size=11))})
    fig.update_yaxes(gridcolor="#eef2f7", rangemode="tozero")
    return fig


def _scale(metric: str, unit: str, values: pd.Series) -> tuple[pd.Series, str]:
    if unit == "bytes":
        return values / _BYTES, "MiB"
    return values, unit


def _window(x0: object, x1: object, xref: str, yref: str, color: str, opacity: float, y0: float = 0.0,
            y1: float = 1.0) -> dict[str, object]:
    return dict(type="rect", xref=xref, yref=yref, x0=x0, x1=x1, y0=y0, y1=y1, fillcolor=color, opacity=opacity,
                line=dict(width=0), layer="below")


def _panel_title(name: str, frame: pd.DataFrame) -> str:
    """The panel's name, then its series in their line colours (the figure has no legend)."""
    series = " ".join(f'<span style="color:{METRIC_COLORS.get(m, "#334155")}">{html.escape(m)}</span>'
                      for m in dict.fromkeys(frame["metric"]))
    return f"<b>{html.escape(t('metrics.panel_' + name))}</b>  {series}"


def metric_panels_figure(panels: dict[str, pd.DataFrame], findings: list[MetricFinding], windows: pd.DataFrame,
                         started_at: datetime, onset: datetime | None, since: datetime | None = None,
                         flat: list[MetricFinding] | None = None) -> go.Figure:
    """Small multiples, two per row: each canonical panel's series, anomaly windows shaded.

    Windows the fused evidence cites are shaded amber and labelled with their evidence id; other stored
    windows of the same series (earlier bursts, rehearsals) are shaded grey without a label. Series the
    evidence says did not move (`flat`) get a green label with their id in the panel's top right corner.
    """
    names = list(panels)
    cols = 2
    rows = max(1, (len(names) + cols - 1) // cols)
    fig = make_subplots(rows=rows, cols=cols, shared_xaxes="all",
                        subplot_titles=[_panel_title(n, panels[n]) for n in names],
                        vertical_spacing=0.12 if rows > 1 else 0.1, horizontal_spacing=0.07)
    zone = started_at.tzinfo
    cited = {f.metric: f for f in findings if f.window_start is not None and f.window_end is not None}
    shapes: list[dict[str, object]] = []
    notes: list[dict[str, object]] = []
    axes: list[tuple[str, str]] = []
    for i, name in enumerate(names):
        row, col = i // cols + 1, i % cols + 1
        suffix = "" if i == 0 else str(i + 1)  # make_subplots numbers axes row by row
        xref, yref = f"x{suffix}", f"y{suffix} domain"
        axes.append((xref, yref))
        frame = panels[name]
        unit_label = ""
        for metric, part in frame.groupby("metric", sort=False):
            values, unit_label = _scale(str(metric), str(part["unit"].iloc[0]), part["value"])
            fig.add_scatter(x=pd.to_datetime(part["ts"], utc=True).dt.tz_convert(zone), y=values, name=str(metric),
                            mode="lines", line=dict(color=METRIC_COLORS.get(str(metric), "#334155"), width=1.6,
                                                    dash="dash" if metric == "heap.max" else "solid"),
                            showlegend=False, row=row, col=col,
                            hovertemplate=f"%{{y:,.4~g}} {unit_label}<extra>{metric}</extra>")
        fig.update_yaxes(title_text=unit_label, title_font=dict(size=11), row=row, col=col, rangemode="tozero",
                         gridcolor="#eef2f7")
        metrics = set(frame["metric"])
        if not windows.empty:
            for w in windows[windows["metric"].isin(metrics)].itertuples(index=False):
                if since is None or w.window_end >= pd.Timestamp(since):
                    shapes.append(_window(w.window_start.tz_convert(zone), w.window_end.tz_convert(zone), xref, yref,
                                          "#94a3b8", 0.14))
        for n, metric in enumerate(sorted(metrics & set(cited))):
            f = cited[metric]
            x0, x1 = f.window_start.astimezone(zone), f.window_end.astimezone(zone)  # type: ignore[union-attr]
            # A pale band over the window, and a solid bracket on top of it carrying the evidence id.
            shapes.append(_window(x0, x1, xref, yref, "#f59e0b", 0.10))
            shapes.append(_window(x0, x1, xref, yref, "#f59e0b", 0.85, 1.0 - 0.045 * (n + 1), 1.0 - 0.045 * n - 0.01))
            if f.evidence_id:  # stacked, so two windows starting together stay readable
                notes.append(dict(x=x0, y=0.93 - 0.13 * n, xref=xref, yref=yref,
                                  text=f"<b>{f.evidence_id}</b> {metric}",
                                  showarrow=False, xanchor="left", yanchor="top", font=dict(size=10, color="#92400e"),
                                  bgcolor="rgba(255,251,235,.85)"))
        for n, f in enumerate(f for f in flat or [] if f.metric in metrics and f.evidence_id):
            notes.append(dict(x=0.99, y=0.97 - 0.13 * n, xref=f"{xref} domain", yref=yref,
                              text=f"<b>{f.evidence_id}</b> {f.metric} · {t('metrics.flat')}", showarrow=False,
                              xanchor="right", yanchor="top", font=dict(size=10, color="#166534"),
                              bgcolor="rgba(240,253,244,.9)"))
    marks, _ = time_marks(started_at, onset, axes)  # no text on the small multiples: the page's caption explains them
    titles = [a.to_plotly_json() for a in fig.layout.annotations]
    fig.update_layout(shapes=[*shapes, *marks], annotations=[*titles, *notes])
    fig.update_layout(height=250 * rows + 60, margin=dict(l=10, r=10, t=40, b=10), plot_bgcolor="white",
                      hovermode="x unified", showlegend=False)
    fig.update_annotations(font_size=13, selector=dict(yref="paper"))
    fig.update_xaxes(showgrid=False)
    return fig


def _hover(row: object) -> str:
    parts = [f"<b>{html.escape(str(getattr(row, 'name', '')))}</b>", html.escape(str(getattr(row, "service", "")))]
    parts.append(f"{getattr(row, 'duration_ms', 0):,.1f} ms" + (
        f" · {t('traces.self')} {row.self_ms:,.1f} ms" if pd.notna(getattr(row, "self_ms", None)) else ""))  # type: ignore[attr-defined]
    for field, label in (("http_status", "HTTP"), ("exception_type", ""), ("status_message", ""),
                         ("db_statement", "SQL")):
        value = getattr(row, field, None)
        if value is not None and not (isinstance(value, float) and pd.isna(value)) and str(value):
            parts.append(html.escape(f"{label} {clip(str(value), 120)}".strip()))
    return "<br>".join(parts)


def waterfall_figure(spans: pd.DataFrame) -> go.Figure:
    """Spans as bars by start offset, nested under their parents; the critical path solid, the rest pale.

    The span tree is drawn as left-aligned, indented labels in the figure's left third (plotly right-aligns
    tick labels, which would hide the nesting).
    """
    fig = go.Figure()
    n = len(spans)
    y = list(range(n))
    groups = (
        (spans["critical"] & ~spans["error"], t("traces.critical"), "#1d4ed8"),
        (spans["critical"] & spans["error"], t("traces.critical_error"), "#b91c1c"),
        (~spans["critical"] & ~spans["error"], t("traces.other"), "#bfdbfe"),
        (~spans["critical"] & spans["error"], t("traces.other_error"), "#fecaca"),
    )
    for mask, name, color in groups:
        part = spans[mask.to_numpy()]
        if part.empty:
            continue
        fig.add_bar(
            y=[y[i] for i in part.index], x=part["duration_ms"].clip(lower=0.5), base=part["offset_ms"],
            orientation="h",
            name=name, marker=dict(color=color, line=dict(width=0)),
            text=[f"{v:,.0f} ms" for v in part["duration_ms"]], textposition="auto", insidetextanchor="start",
            textfont=dict(size=11), hovertext=[_hover(r) for r in part.itertuples(index=False)], hoverinfo="text",
        )
    notes = []
    for i, row in enumerate(spans.itertuples(index=False)):
        tree = "\u2502 " * max(int(row.depth) - 1, 0) + ("\u2514 " if row.depth else "")
        color = "#b91c1c" if row.error else "#0f172a"
        weight = "<b>{}</b>" if row.critical else "{}"
        label = weight.format(html.escape(_short(str(row.name), 40 - 2 * int(row.depth))))
        notes.append(dict(xref="paper", yref="y", x=0.0, y=i, xanchor="left", showarrow=False, align="left",
                          text=f'<span style="color:#94a3b8">{tree}</span><span style="color:{color}">{label}</span>'
                               f' <span style="color:#94a3b8;font-size:10px">{html.escape(str(row.service))}</span>',
                          font=dict(family="ui-monospace, Menlo, monospace", size=11)))
    fig.update_yaxes(tickvals=y, showticklabels=False, autorange="reversed", showgrid=False)
    fig.update_xaxes(title_text=t("traces.offset"), gridcolor="#eef2f7", rangemode="tozero", domain=[0.36, 1.0])
    fig.update_layout(barmode="overlay", height=min(110 + 30 * n, 1400), bargap=0.25, plot_bgcolor="white",
                      margin=dict(l=10, r=10, t=30, b=10), showlegend=True,
                      legend=dict(orientation="h", y=1.02, x=0.36, yanchor="bottom"),
                      hovermode="closest", annotations=notes)
    return fig


def access_errors_figure(series: pd.DataFrame, started_at: datetime, onset: datetime | None,
                         order: list[str] | None = None) -> go.Figure:
    """5xx share per minute of each endpoint (one line each, in `order`) from access logs, start and onset marked."""
    fig = go.Figure()
    if not series.empty:
        frame = series.copy()
        frame["minute"] = pd.to_datetime(frame["minute"], utc=True).dt.tz_convert(started_at.tzinfo)
        for i, endpoint in enumerate(dict.fromkeys([*(order or []), *frame["endpoint"]])):
            part = frame[frame["endpoint"] == endpoint]
            if part.empty:
                continue
            fig.add_scatter(
                x=part["minute"], y=part["share"] * 100, name=_short(str(endpoint)), mode="lines",
                line=dict(color=_PALETTE[i % len(_PALETTE)], width=2, shape="hv"),
                customdata=part[["failed", "requests"]].to_numpy(),
                hovertemplate="%{y:.1f}% · %{customdata[0]}/%{customdata[1]} · " + html.escape(str(endpoint))
                + "<extra></extra>",
            )
    mark_times(fig, started_at, onset)
    fig.update_layout(yaxis_title=t("logs.access_share"), **{**LAYOUT, "height": 320,
                      "legend": dict(orientation="h", y=-0.2, x=0, font=dict(size=11))})
    fig.update_yaxes(gridcolor="#eef2f7", rangemode="tozero", ticksuffix="%")
    return fig
