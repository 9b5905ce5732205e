"""Read-only views for the dashboard: runtime series, trace waterfalls, slow SQL, LLM usage.

The log view's template bursts are fusion's own ranking: the dashboard reads them from `core.signals`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from pydantic import BaseModel

from core.fusion.facts import FusedContext
from core.ingest.runtime import critical_path
from core.schema import AgentTurn, UsageCounts
from core.signals import (
    access_endpoint_stats,
    access_series,
    endpoint_stats,
    fingerprint_stats,
    load_points,
    trace_spans,
    trace_summaries,
)
from core.store import Store

__all__ = [
    "METRIC_PANELS", "AccessView", "MetricPanel", "UsageSummary", "access_view", "anomaly_windows",
    "endpoint_table", "error_traces",
    "fused_context", "metric_panels", "onset_of", "slow_sql_table", "trace_waterfall",
    "usage_summary",
]


def fused_context(store: Store, incident_id: str) -> FusedContext | None:
    """The incident's fused context, or None before the first fusion."""
    payload = store.load_fusion(incident_id)
    return FusedContext.model_validate_json(payload) if payload else None


def onset_of(ctx: FusedContext | None) -> datetime | None:
    """When errors started: the burst onset, else the runtime reference (which may be the reported start)."""
    if ctx is None:
        return None
    if ctx.burst is not None:
        return ctx.burst.onset
    if ctx.runtime is not None and ctx.runtime.reference_kind == "error onset":
        return ctx.runtime.reference
    return None


# --- metrics ---------------------------------------------------------------------------------------


class MetricPanel(BaseModel):
    """One small multiple: a name (an i18n suffix) and the canonical metrics drawn in it."""

    name: str
    metrics: tuple[str, ...]


METRIC_PANELS: tuple[MetricPanel, ...] = (
    MetricPanel(name="pool", metrics=("hikari.active", "hikari.pending")),
    MetricPanel(name="threads", metrics=("threads.blocked",)),
    MetricPanel(name="latency", metrics=("latency.p99",)),
    MetricPanel(name="heap", metrics=("heap.used", "heap.max")),
    MetricPanel(name="gc", metrics=("gc.pause",)),
    MetricPanel(name="load", metrics=("http.rate",)),
)


def metric_panels(store: Store, incident_id: str, *, since: datetime | None = None) -> dict[str, pd.DataFrame]:
    """The canonical series behind each of METRIC_PANELS (ts, metric, unit, value), panels without data left out."""
    points = load_points(store, incident_id, since=since)
    out: dict[str, pd.DataFrame] = {}
    if points.empty:
        return out
    canonical = points[points["labels"].fillna("") == ""]
    for panel in METRIC_PANELS:
        part = canonical[canonical["metric"].isin(panel.metrics)]
        if not part.empty:
            # Two assets may export the same canonical series; the chart draws one line per metric.
            part = part.groupby(["metric", "unit", "ts"], as_index=False)["value"].max()
            out[panel.name] = part.sort_values(["metric", "ts"]).reset_index(drop=True)
    return out


def anomaly_windows(store: Store, incident_id: str) -> pd.DataFrame:
    """Every stored anomaly window of an unlabelled (canonical) series: metric, window_start, window_end, direction."""
    return store.query_df(
        "SELECT metric, window_start, window_end, direction, peak, baseline FROM metric_anomalies "
        "WHERE incident_id = ? AND labels = '' ORDER BY metric, window_start",
        [incident_id],
    )


# --- traces ----------------------------------------------------------------------------------------


def error_traces(store: Store, incident_id: str, limit: int = 12) -> pd.DataFrame:
    """The slowest traces that recorded an error.

    Columns: trace_id, endpoint, service, start_ts, duration_ms, spans, error_spans.
    """
    summaries = trace_summaries(store, incident_id)
    if summaries.empty:
        return summaries
    failed = summaries[summaries["error_spans"] > 0]
    return failed.sort_values("duration_ms", ascending=False).head(limit).reset_index(drop=True)


def endpoint_table(store: Store, incident_id: str, onset: datetime, ctx: FusedContext | None) -> pd.DataFrame:
    """Per endpoint before vs after `onset` (see `endpoint_stats`), with the evidence id of those the ledger cites."""
    stats = endpoint_stats(store, incident_id, onset)
    if stats.empty:
        return stats
    cited = {(e.service, e.endpoint): e.evidence_id for e in (ctx.runtime.endpoints if ctx and ctx.runtime else [])}
    stats["evidence_id"] = [cited.get((s, e)) for s, e in zip(stats["service"], stats["endpoint"], strict=True)]
    return stats


@dataclass
class AccessView:
    """What access logs say users saw: per endpoint before vs after the onset, and per minute for the busiest."""

    table: pd.DataFrame  # access_endpoint_stats columns + evidence_id
    series: pd.DataFrame  # access_series columns, for the endpoints drawn


def access_view(
    store: Store, incident_id: str, onset: datetime, ctx: FusedContext | None, *, top: int = 4,
) -> AccessView:
    """Access-log endpoints (the cited ones first, then by requests) and the 5xx share per minute of the first `top`."""
    table = access_endpoint_stats(store, incident_id, onset)
    if table.empty:
        return AccessView(table, access_series(store, incident_id, []))
    cited = {(e.service, e.endpoint): e.evidence_id for e in (ctx.runtime.endpoints if ctx and ctx.runtime else [])
             if e.source == "access_log"}
    table["evidence_id"] = [cited.get((s, e)) for s, e in zip(table["service"], table["endpoint"], strict=True)]
    # Stats come by requests; a stable sort puts the cited ones (the ledger's order) first.
    table = table.sort_values("evidence_id", key=lambda ids: ids.isna(), kind="stable")
    drawn = list(dict.fromkeys(table["endpoint"]))[:top]
    return AccessView(table.reset_index(drop=True), access_series(store, incident_id, drawn))


def trace_waterfall(store: Store, incident_id: str, trace_id: str) -> pd.DataFrame:
    """One trace's spans in tree order, each with its depth, start offset and whether it is on the critical path.

    Columns: span_id, parent_id, depth, service, name, offset_ms, duration_ms, self_ms, error, critical,
    status_message, http_method, http_route, http_status, db_statement, exception_type, exception_message.
    Spans whose parent is not in the trace are roots; children follow their parent, earliest first.
    """
    spans = trace_spans(store, incident_id, trace_id)
    if spans.empty:
        return spans
    path = critical_path(spans)
    on_path = {step.span_id for step in path}
    self_ms = {step.span_id: step.self_ms for step in path}
    ids = set(spans["span_id"])
    children: dict[str | None, list[int]] = defaultdict(list)
    for i, row in enumerate(spans.itertuples(index=False)):
        known = isinstance(row.parent_id, str) and row.parent_id in ids and row.parent_id != row.span_id
        parent = row.parent_id if known else None
        children[parent].append(i)
    order: list[tuple[int, int]] = []
    seen: set[int] = set()
    stack = [(i, 0) for i in reversed(children[None])]
    while stack:
        i, depth = stack.pop()
        if i in seen:
            continue
        seen.add(i)
        order.append((i, depth))
        stack.extend((c, depth + 1) for c in reversed(children[spans["span_id"].iloc[i]]))
    order += [(i, 0) for i in range(len(spans)) if i not in seen]  # cycles: still shown, flat
    frame = spans.iloc[[i for i, _ in order]].reset_index(drop=True)
    frame["depth"] = [d for _, d in order]
    t0 = pd.to_datetime(spans["start_ts"], utc=True).min()
    frame["offset_ms"] = (pd.to_datetime(frame["start_ts"], utc=True) - t0).dt.total_seconds() * 1000.0
    frame["critical"] = frame["span_id"].isin(on_path)
    frame["self_ms"] = frame["span_id"].map(self_ms)
    keep = ["span_id", "parent_id", "depth", "service", "name", "offset_ms", "duration_ms", "self_ms", "error",
            "critical", "status_message", "http_method", "http_route", "http_status", "db_statement", "exception_type",
            "exception_message"]
    return frame[[c for c in keep if c in frame.columns]]


# --- slow SQL --------------------------------------------------------------------------------------


def slow_sql_table(
    store: Store, incident_id: str, onset: datetime, ctx: FusedContext | None, limit: int = 15,
) -> pd.DataFrame:
    """Slow-SQL fingerprints before vs after `onset`, with the evidence id fusion gave the ones it cites.

    Columns: those of `fingerprint_stats` plus `evidence_id` (None when the ledger does not cite it).
    """
    stats = fingerprint_stats(store, incident_id, onset)
    if stats.empty:
        return stats
    cited = {q.fingerprint_id: q.evidence_id for q in (ctx.runtime.slow_queries if ctx and ctx.runtime else [])}
    stats["evidence_id"] = stats["fingerprint_id"].map(cited)
    return stats.head(limit).reset_index(drop=True)


# --- LLM usage -------------------------------------------------------------------------------------


class UsageSummary(UsageCounts):
    """What a debate's model turns cost, summed from each turn's usage (offline turns add nothing)."""

    llm_turns: int = 0
    fallbacks: int = 0
    model_seconds: float = 0.0


def usage_summary(turns: list[AgentTurn]) -> UsageSummary:
    """Sum the usage of every turn that has one (LLM turns and LLM turns that fell back offline)."""
    out = UsageSummary()
    redactions: dict[str, int] = defaultdict(int)
    for turn in turns:
        usage = turn.usage
        if usage is None:
            continue
        out.prompt_tokens += usage.prompt_tokens
        out.completion_tokens += usage.completion_tokens
        out.calls += usage.calls
        out.retries += usage.retries
        out.llm_turns += 1
        out.fallbacks += 1 if usage.fallback else 0
        out.model_seconds += usage.seconds
        if usage.cost is not None and not math.isnan(usage.cost):
            out.cost = (out.cost or 0.0) + usage.cost
            out.currency = out.currency or usage.currency
        for kind, n in usage.redactions.items():
            redactions[kind] += n
    out.redactions = dict(sorted(redactions.items(), key=lambda kv: -kv[1]))
    out.model_seconds = round(out.model_seconds, 3)
    return out

