"""Inline SVG charts for the HTML and PDF report: no browser, no network, the same picture in both."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from html import escape

__all__ = ["AGENT_COLORS", "confidence_svg", "series_svg"]

_W, _H = 680, 210
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 22, 34
_FONT = "font-family:inherit;font-size:11px"

#: One color per agent, as on the dashboard's chat bubbles.
AGENT_COLORS = {"LogAgent": "#2563eb", "DomainAgent": "#7c3aed", "CodeAgent": "#059669", "CriticAgent": "#dc2626",
                "RebuttalAgent": "#d97706", "JudgeAgent": "#111827"}


def _number(value: float, unit: str) -> str:
    if unit == "bytes":
        return f"{value / 1024 ** 2:,.0f} MB"
    if unit == "ratio":
        return f"{value * 100:.0f}%"
    text = f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f}"
    return f"{text} {unit}".strip()


def _frame(title: str) -> list[str]:
    return [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="100%" role="img" '
             f'aria-label="{escape(title)}" style="{_FONT}">'),
            f'<rect x="0" y="0" width="{_W}" height="{_H}" fill="#ffffff"/>',
            f'<text x="{_LEFT}" y="14" style="font-weight:600;font-size:12px" fill="#111827">{escape(title)}</text>']


def series_svg(points: Sequence[tuple[datetime, float]], *, title: str, unit: str, zone: tzinfo | None,
               marks: Sequence[tuple[datetime, str, str]] = (), cite: str | None = None) -> str:
    """A line over time with its peak labelled, and dashed vertical lines at `marks` (time, label, color)."""
    out = _frame((f"{title} ({unit})" if unit else title) + (f" [{cite}]" if cite else ""))
    if not points:
        return "".join([*out, "</svg>"])
    times = [p[0].timestamp() for p in points] + [m[0].timestamp() for m in marks]
    t0, t1 = min(times), max(times)
    t1 = t1 if t1 > t0 else t0 + 60
    top = max(max(v for _, v in points), 0.0) or 1.0
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def x(ts: float) -> float:
        return _LEFT + (ts - t0) / (t1 - t0) * plot_w

    def y(v: float) -> float:
        return _TOP + plot_h - max(v, 0.0) / top * plot_h

    for frac in (0.0, 0.5, 1.0):
        yy = _TOP + plot_h - frac * plot_h
        out.append(f'<line x1="{_LEFT}" y1="{yy:.1f}" x2="{_W - _RIGHT}" y2="{yy:.1f}" stroke="#e5e7eb"/>')
        out.append(f'<text x="{_LEFT - 4}" y="{yy + 4:.1f}" text-anchor="end" fill="#6b7280">'
                   f'{escape(_number(top * frac, unit if unit in ("bytes", "ratio") else ""))}</text>')
    path = " ".join(f"{x(p[0].timestamp()):.1f},{y(p[1]):.1f}" for p in points)
    out.append(f'<polyline points="{path}" fill="none" stroke="#2563eb" stroke-width="1.6"/>')
    peak = max(points, key=lambda p: p[1])
    out.append(f'<circle cx="{x(peak[0].timestamp()):.1f}" cy="{y(peak[1]):.1f}" r="3" fill="#2563eb"/>')
    latest = max((m[0] for m in marks), default=None)
    for i, (when, label, color) in enumerate(marks):
        xx = x(when.timestamp())
        out.append(f'<line x1="{xx:.1f}" y1="{_TOP}" x2="{xx:.1f}" y2="{_TOP + plot_h}" stroke="{color}" '
                   'stroke-width="1.4" stroke-dasharray="5,3"/>')
        # The later mark's label goes right of its line, the earlier ones left: two close marks stay legible.
        anchor = "start" if when == latest and xx < _LEFT + plot_w * 0.85 else "end"
        out.append(f'<text x="{xx + (-4 if anchor == "end" else 4):.1f}" y="{_TOP + 12 + 12 * i}" '
                   f'text-anchor="{anchor}" '
                   f'fill="{color}">{escape(label)}</text>')
    fmt = "%m-%d %H:%M" if t1 - t0 > 86400 else "%H:%M"
    for ts, anchor in ((t0, "start"), ((t0 + t1) / 2, "middle"), (t1, "end")):
        label = datetime.fromtimestamp(ts, zone).strftime(fmt)
        out.append(f'<text x="{x(ts):.1f}" y="{_H - 14}" text-anchor="{anchor}" fill="#6b7280">{label}</text>')
    return "".join([*out, "</svg>"])


def confidence_svg(turns: Sequence[tuple[int, str, float]], *, title: str, round_label: str) -> str:
    """Confidence after each turn (round, agent, confidence), dots colored by agent, rounds separated."""
    out = _frame(title)
    if not turns:
        return "".join([*out, "</svg>"])
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM - 14
    step = plot_w / max(1, len(turns))

    def y(v: float) -> float:
        return _TOP + plot_h - v * plot_h

    for frac in (0.0, 0.5, 1.0):
        out.append(f'<line x1="{_LEFT}" y1="{y(frac):.1f}" x2="{_W - _RIGHT}" y2="{y(frac):.1f}" stroke="#e5e7eb"/>')
        out.append(f'<text x="{_LEFT - 4}" y="{y(frac) + 4:.1f}" text-anchor="end" fill="#6b7280">{frac:.0%}</text>')
    xs = [_LEFT + step * (i + 0.5) for i in range(len(turns))]
    path = " ".join(f"{xx:.1f},{y(c):.1f}" for xx, (_, _, c) in zip(xs, turns, strict=True))
    out.append(f'<polyline points="{path}" fill="none" stroke="#9ca3af" stroke-width="1.2"/>')
    previous = None
    for i, (xx, (rnd, agent, conf)) in enumerate(zip(xs, turns, strict=True)):
        if rnd != previous:
            if i:
                out.append(f'<line x1="{xx - step / 2:.1f}" y1="{_TOP}" x2="{xx - step / 2:.1f}" y2="{_TOP + plot_h}" '
                           'stroke="#d1d5db" stroke-dasharray="3,3"/>')
            out.append(f'<text x="{xx - step / 2 + 3:.1f}" y="{_H - 8}" fill="#374151">'
                       f'{escape(round_label.format(n=rnd))}</text>')
            previous = rnd
        color = AGENT_COLORS.get(agent, "#6b7280")
        out.append(f'<circle cx="{xx:.1f}" cy="{y(conf):.1f}" r="4" fill="{color}"><title>{escape(agent)} '
                   f'{conf:.0%}</title></circle>')
        out.append(f'<text x="{xx:.1f}" y="{_TOP + plot_h + 13}" text-anchor="middle" fill="{color}" '
                   f'style="font-size:9px">{escape(agent.removesuffix("Agent"))}</text>')
    return "".join([*out, "</svg>"])
