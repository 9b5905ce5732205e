"""Runtime evidence: metric anomalies (and metrics that did not move), slow SQL and traces around the onset."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, Field

from core.fusion.ledger import EvidenceLedger
from core.ingest.runtime import CANONICAL, PathStep, critical_path, metric_changes
from core.schema import Incident
from core.signals import (
    access_endpoint_stats,
    endpoint_stats,
    fingerprint_stats,
    load_points,
    logged_trace_ids,
    trace_spans,
    trace_summaries,
)
from core.store import Store

__all__ = [
    "EndpointFinding",
    "MetricFinding",
    "RuntimeFindings",
    "SlowQueryFinding",
    "TraceFinding",
    "add_runtime_evidence",
    "unit_label",
]

log = logging.getLogger(__name__)

# Windows that end this long before the reference are history (a deploy, a rehearsal), not the incident.
_RELEVANT_BEFORE = timedelta(minutes=15)
_MAX_ANOMALIES, _MAX_UNCHANGED, _MAX_QUERIES, _MAX_ENDPOINTS, _MAX_TRACES = 6, 2, 4, 3, 2
# Metrics whose stillness rules hypotheses out, with what it speaks against.
_WATCH_FLAT = {
    "heap.used": "speaks against a memory leak or heap exhaustion",
    "gc.pause": "speaks against GC pauses stalling requests",
    "cpu": "speaks against CPU saturation",
    "http.rate": "the load did not change",
    "gc.count": "speaks against a GC storm",
}


class MetricFinding(BaseModel):
    """A canonical (or source) metric that left its baseline near the reference time, or stayed flat."""

    metric: str
    unit: str = ""
    changed: bool = True
    direction: Literal["up", "down"] | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    baseline: float
    peak: float
    after_median: float | None = None
    ratio: float | None = None
    zscore: float | None = None
    minutes_from_reference: float | None = Field(default=None,
                                                 description="Window start minus reference; < 0 = earlier.")
    bursts: int = 1
    earlier: list[str] = Field(default_factory=list, description="The same move in earlier windows, oldest first.")
    evidence_id: str | None = None


class SlowQueryFinding(BaseModel):
    fingerprint_id: str
    fingerprint: str
    statement_kind: str
    for_update: bool
    tables: list[str]
    parser: str
    n_before: int
    n_after: int
    p95_before_ms: float | None
    p95_after_ms: float | None
    lock_p95_before_ms: float | None
    lock_p95_after_ms: float | None
    total_after_ms: float
    first_seen: datetime | None = None
    evidence_id: str | None = None


class EndpointFinding(BaseModel):
    service: str
    endpoint: str
    n_before: int
    n_after: int
    error_rate_before: float | None
    error_rate_after: float | None
    p99_before_ms: float | None
    p99_after_ms: float | None
    evidence_id: str | None = None
    source: Literal["trace", "access_log"] = "trace"


class TraceFinding(BaseModel):
    """The slowest error trace(s): where the time went, and whether the logs saw its exception."""

    trace_id: str
    service: str | None
    endpoint: str
    started_at: datetime
    duration_ms: float
    exception_types: str | None
    carries_logged_exception: bool
    critical_path: list[PathStep]
    hot_span: str
    hot_self_ms: float
    evidence_id: str | None = None


class RuntimeFindings(BaseModel):
    """What the runtime assets say about the incident, each finding tied to its evidence id."""

    reference: datetime
    reference_kind: Literal["error onset", "reported start"]
    anomalies: list[MetricFinding] = Field(default_factory=list)
    unchanged: list[MetricFinding] = Field(default_factory=list)
    slow_queries: list[SlowQueryFinding] = Field(default_factory=list)
    endpoints: list[EndpointFinding] = Field(default_factory=list)
    traces: list[TraceFinding] = Field(default_factory=list)
    logged_error_traces: int = Field(default=0, description="Error traces whose id appears on a logged error.")
    key_findings: list[str] = Field(default_factory=list)
    key_findings_zh: list[str] = Field(default_factory=list)


# --- formatting --------------------------------------------------------------------------------


def _value(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "bytes":
        return f"{value / 1024**2:,.0f} MB"
    if unit == "ms":
        return f"{value / 1000:,.1f} s" if abs(value) >= 1000 else f"{value:,.0f} ms"
    if unit == "ratio":
        return f"{value * 100:.0f}%"
    text = f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f}"
    return f"{text} {unit}".rstrip()


_WATCH_FLAT_ZH = {
    "heap.used": "不支持内存泄漏或堆耗尽", "gc.pause": "不支持 GC 停顿拖慢请求", "cpu": "不支持 CPU 饱和",
    "http.rate": "负载没有变化", "gc.count": "不支持 GC 风暴",
}
_UNIT_ZH = {"threads": "个线程", "connections": "个连接", "count": "次", "req/s": "请求/秒"}
_REF_ZH = {"error onset": "错误突增", "reported start": "报告的开始时间"}


def unit_label(unit: str, lang: str) -> str:
    """A metric's unit as the language writes it (``connections`` → ``个连接``)."""
    return _UNIT_ZH.get(unit, unit) if lang == "zh" else unit


def _value_zh(value: float | None, unit: str) -> str:
    return _value_zh_text(_value(value, unit))


def _earlier_zh(window: str) -> str:
    """``13:20–13:25 (to 19 connections)`` in Chinese."""
    return re.sub(r" \(to (.*)\)$", lambda m: f"（达到 {_value_zh_text(m.group(1))}）", window)


def _value_zh_text(text: str) -> str:
    for en, zh in _UNIT_ZH.items():
        if text.endswith(" " + en):
            return text[: -len(en) - 1] + " " + zh
    return text


def _when_zh(minutes: float, ref_kind: str) -> str:
    ref = _REF_ZH.get(ref_kind, ref_kind)
    if abs(minutes) < 1:
        return f"在{ref}时"
    return f"{ref}{'后' if minutes > 0 else '前'} {abs(minutes):.0f} 分钟"


def _when(minutes: float, ref_kind: str) -> str:
    if abs(minutes) < 1:
        return f"at the {ref_kind}"
    return f"{abs(minutes):.0f} min {'after' if minutes > 0 else 'before'} the {ref_kind}"


def _nan(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


# --- metrics -----------------------------------------------------------------------------------


def _metric_findings(
    store: Store, incident: Incident, reference: datetime,
) -> tuple[list[MetricFinding], list[MetricFinding]]:
    points = load_points(store, incident.id)
    if points.empty:
        return [], []
    changes = metric_changes(points, reference, relevant_before=_RELEVANT_BEFORE, watch=_WATCH_FLAT)
    zone = incident.started_at.tzinfo
    changed = []
    for metric, found in changes.recent.items():
        strongest = max(found, key=lambda a: abs(a.zscore) if a.zscore is not None else 999.0)
        same_way = [a for a in found if a.direction == strongest.direction]
        start = min(a.window_start for a in same_way)
        # The same move earlier (a rehearsal, a smaller rush) tells whether the incident's trigger is new.
        earlier = sorted((a for a in changes.earlier.get(metric, []) if a.direction == strongest.direction),
                         key=lambda a: a.window_start)[-2:]
        changed.append(MetricFinding(
            metric=metric, unit=strongest.unit, direction=strongest.direction,  # type: ignore[arg-type]
            window_start=start, window_end=max(a.window_end for a in same_way), baseline=strongest.baseline,
            peak=strongest.peak, ratio=strongest.ratio, zscore=strongest.zscore,
            minutes_from_reference=round((start - reference).total_seconds() / 60, 1),
            bursts=len({(a.window_start, a.window_end) for a in same_way}),
            earlier=[f"{a.window_start.astimezone(zone):%H:%M}–{a.window_end.astimezone(zone):%H:%M} "
                     f"(to {_value(a.peak, a.unit)})" for a in earlier],
        ))
    changed.sort(key=_rank)
    unchanged = [
        MetricFinding(metric=metric, unit=flat.unit, changed=False, baseline=flat.before_median, peak=flat.after_max,
                      after_median=flat.after_median, window_start=reference, window_end=flat.last_ts)
        for metric, flat in sorted(changes.flat.items(), key=lambda kv: list(_WATCH_FLAT).index(kv[0]))
    ]
    return changed[:_MAX_ANOMALIES], unchanged[:_MAX_UNCHANGED]


def _magnitude(f: MetricFinding) -> float:
    """How many times the baseline the move is (a move off zero, or down to zero, counts as the largest)."""
    base, peak = abs(f.baseline), abs(f.peak)
    if f.direction == "up":
        return min((peak - base) / base, 1000.0) if base > 0 else 1000.0
    return min((base - peak) / peak, 1000.0) if peak > 0 else 1000.0


def _rank(f: MetricFinding) -> tuple[bool, float, float, float]:
    """Canonical metrics first (the vocabulary every agent shares), then the largest relative move (z says how
    unusual a move is, not how big: CPU from 6 % to 16 % can have a larger z than a pool running dry), then z,
    then whatever moved closest to the reference."""
    strength = min(abs(f.zscore), 999.0) if f.zscore is not None else 999.0
    return f.metric not in CANONICAL, -_magnitude(f), -strength, abs(f.minutes_from_reference or 0.0)


def _add_metric_evidence(f: MetricFinding, incident: Incident, ledger: EvidenceLedger, reference: datetime,
                         ref_kind: str) -> None:
    zone = incident.started_at.tzinfo
    ref_at = reference.astimezone(zone).strftime("%H:%M")
    if not f.changed:
        f.evidence_id = ledger.add(
            "metric_anomaly", f"metric:{f.metric}@no-change",
            f"{f.metric}: no change — median {_value(f.baseline, f.unit)} in the hour before the {ref_kind} "
            f"({ref_at}), {_value(f.after_median, f.unit)} after (max {_value(f.peak, f.unit)}); "
            f"{_WATCH_FLAT.get(f.metric, '')}".rstrip("; "),
            zh=f"{f.metric}：无变化——{_REF_ZH.get(ref_kind, ref_kind)}（{ref_at}）前一小时中位数 "
               f"{_value_zh(f.baseline, f.unit)}，"
               f"之后 {_value_zh(f.after_median, f.unit)}（最大 {_value_zh(f.peak, f.unit)}）；"
               f"{_WATCH_FLAT_ZH.get(f.metric, '')}".rstrip("；"),
            metric=f.metric, changed=False, baseline=round(f.baseline, 3), after_median=round(f.after_median or 0.0, 3),
        )
        return
    assert f.window_start and f.window_end
    start, end = f.window_start.astimezone(zone), f.window_end.astimezone(zone)
    verb = "rose" if f.direction == "up" else "fell"
    if f.direction == "up":
        size = f"{f.ratio:.1f}× the baseline" if f.ratio else "up from zero"
    else:
        size = f"{f.peak / f.baseline:.0%} of the baseline" if f.peak and f.baseline else "down to zero"
    bursts = f" in {f.bursts} bursts" if f.bursts > 1 else ""
    earlier = f"; the same move earlier: {', '.join(f.earlier)}" if f.earlier else ""
    if f.direction == "up":
        size_zh = f"基线的 {f.ratio:.1f} 倍" if f.ratio else "从零上升"
    else:
        size_zh = f"基线的 {f.peak / f.baseline:.0%}" if f.peak and f.baseline else "降到零"
    f.evidence_id = ledger.add(
        "metric_anomaly", f"metric:{f.metric}@{start:%H:%M}-{end:%H:%M}",
        f"{f.metric} {verb} from a baseline of {_value(f.baseline, f.unit)} to {_value(f.peak, f.unit)} ({size}) "
        f"between {start:%H:%M} and {end:%H:%M}{bursts}, starting {_when(f.minutes_from_reference or 0.0, ref_kind)} "
        f"({ref_at}){earlier}",
        zh=f"{f.metric} 从基线 {_value_zh(f.baseline, f.unit)} {'升' if f.direction == 'up' else '降'}至 "
           f"{_value_zh(f.peak, f.unit)}（{size_zh}），{start:%H:%M} 至 {end:%H:%M}"
           + (f"，共 {f.bursts} 次" if f.bursts > 1 else "")
           + f"，始于{_when_zh(f.minutes_from_reference or 0.0, ref_kind)}（{ref_at}）"
           + (f"；更早的同类变化：{'，'.join(_earlier_zh(e) for e in f.earlier)}" if f.earlier else ""),
        metric=f.metric, changed=True, baseline=round(f.baseline, 3), peak=round(f.peak, 3),
        ratio=round(f.ratio, 2) if f.ratio is not None else None,
        z=round(f.zscore, 1) if f.zscore is not None else None,
        window_start=f.window_start.isoformat(), window_end=f.window_end.isoformat(),
        minutes_from_reference=f.minutes_from_reference,
    )


# --- slow SQL ----------------------------------------------------------------------------------


def _slow_queries(store: Store, incident: Incident, reference: datetime, ledger: EvidenceLedger,
                  ref_kind: str) -> list[SlowQueryFinding]:
    stats = fingerprint_stats(store, incident.id, reference)
    found = []
    for row in stats.head(_MAX_QUERIES).itertuples():
        f = SlowQueryFinding(
            fingerprint_id=row.fingerprint_id, fingerprint=row.fingerprint, statement_kind=row.statement_kind,
            for_update=bool(row.for_update), tables=[t for t in str(row.tables or "").split(",") if t],
            parser=row.parser, n_before=int(row.n_before), n_after=int(row.n_after),
            p95_before_ms=_nan(row.p95_before), p95_after_ms=_nan(row.p95_after),
            lock_p95_before_ms=_nan(row.lock_p95_before), lock_p95_after_ms=_nan(row.lock_p95_after),
            total_after_ms=_nan(row.total_after) or 0.0,
            first_seen=row.first_ts.to_pydatetime() if not pd.isna(row.first_ts) else None,
        )
        what = f.statement_kind.upper() + (" … FOR UPDATE" if f.for_update else "")
        on = f" on {', '.join(f.tables)}" if f.tables else ""
        lock = (f"; lock wait p95 {_value(f.lock_p95_before_ms, 'ms')} → {_value(f.lock_p95_after_ms, 'ms')}"
                if f.lock_p95_after_ms is not None or f.lock_p95_before_ms is not None else "")
        first = f" (first at {f.first_seen.astimezone(incident.started_at.tzinfo):%H:%M})" if f.first_seen else ""
        f.evidence_id = ledger.add(
            "slow_sql", f"sql:{f.fingerprint_id}",
            f"{what}{on}: {f.n_before} slow execution(s) before the {ref_kind}{first}, {f.n_after} after; p95 "
            f"{_value(f.p95_before_ms, 'ms')} → {_value(f.p95_after_ms, 'ms')}{lock}; "
            f"{_value(f.total_after_ms, 'ms')} spent after the {ref_kind} — `{f.fingerprint[:180]}`"
            + (" (fingerprint by the regex fallback)" if f.parser == "regex" else ""),
            zh=f"{what}" + (f"（表 {', '.join(f.tables)}）" if f.tables else "")
               + f"：{_REF_ZH.get(ref_kind, ref_kind)}前慢执行 {f.n_before} 次"
               + (f"（首次 {f.first_seen.astimezone(incident.started_at.tzinfo):%H:%M}）" if f.first_seen else "")
               + f"，之后 {f.n_after} 次；p95 {_value(f.p95_before_ms, 'ms')} → {_value(f.p95_after_ms, 'ms')}"
               + (f"；锁等待 p95 {_value(f.lock_p95_before_ms, 'ms')} → {_value(f.lock_p95_after_ms, 'ms')}"
                  if lock else "")
               + f"；{_REF_ZH.get(ref_kind, ref_kind)}后共耗时 {_value(f.total_after_ms, 'ms')}"
               + f"——`{f.fingerprint[:180]}`"
               + ("（指纹由正则兜底生成）" if f.parser == "regex" else ""),
            fingerprint_id=f.fingerprint_id, tables=",".join(f.tables), statement_kind=f.statement_kind,
            for_update=int(f.for_update), n_before=f.n_before, n_after=f.n_after, p95_after_ms=f.p95_after_ms,
        )
        found.append(f)
    return found


# --- traces ------------------------------------------------------------------------------------


def _moved_endpoints(stats: pd.DataFrame, source: Literal["trace", "access_log"],
                     min_jump: float) -> Iterator[tuple[Any, EndpointFinding]]:
    """Rows of endpoint stats (before vs after) whose error rate rose by `min_jump` or whose p99 doubled."""
    for row in stats.itertuples():
        f = EndpointFinding(
            service=row.service, endpoint=row.endpoint, n_before=int(row.n_before), n_after=int(row.n_after),
            error_rate_before=_nan(row.err_before), error_rate_after=_nan(row.err_after),
            p99_before_ms=_nan(row.p99_before), p99_after_ms=_nan(row.p99_after), source=source,
        )
        err_jump = (f.error_rate_after or 0.0) - (f.error_rate_before or 0.0)
        slower = (f.p99_after_ms or 0.0) > 2 * (f.p99_before_ms or math.inf)
        if f.n_after and (err_jump >= min_jump or slower):
            yield row, f


def _endpoints(store: Store, incident: Incident, reference: datetime, ledger: EvidenceLedger,
               ref_kind: str) -> list[EndpointFinding]:
    found: list[EndpointFinding] = []
    used: set[str] = set()
    for row, f in _moved_endpoints(endpoint_stats(store, incident.id, reference), "trace", 0.05):
        def pct(r: float | None) -> str:
            return "—" if r is None else f"{r * 100:.0f}%"

        source = f"trace:endpoint:{row.route or row.endpoint}"
        if source in used:  # the same route seen from another service (a gateway)
            source += f"@{f.service}"
        used.add(source)
        f.evidence_id = ledger.add(
            "trace", source,
            f"{f.endpoint} ({f.service}): error rate {pct(f.error_rate_before)} → {pct(f.error_rate_after)}, "
            f"p99 {_value(f.p99_before_ms, 'ms')} → {_value(f.p99_after_ms, 'ms')} "
            f"({f.n_before} request spans before the {ref_kind}, {f.n_after} after)",
            zh=f"{f.endpoint}（{f.service}）：错误率 {pct(f.error_rate_before)} → {pct(f.error_rate_after)}，"
               f"p99 {_value(f.p99_before_ms, 'ms')} → {_value(f.p99_after_ms, 'ms')}"
               f"（{_REF_ZH.get(ref_kind, ref_kind)}前 {f.n_before} 个请求 span，之后 {f.n_after} 个）",
            endpoint=f.endpoint, service=f.service, error_rate_after=f.error_rate_after, p99_after_ms=f.p99_after_ms,
        )
        found.append(f)
        if len(found) >= _MAX_ENDPOINTS:
            break
    return found


def _access_endpoints(store: Store, incident: Incident, reference: datetime, ledger: EvidenceLedger,
                      ref_kind: str) -> list[EndpointFinding]:
    """What the users saw, from access logs: endpoints whose 5xx share jumped or whose p99 doubled."""
    found: list[EndpointFinding] = []
    for row, f in _moved_endpoints(access_endpoint_stats(store, incident.id, reference), "access_log", 0.01):
        latency = (f", p99 request time {_value(f.p99_before_ms, 'ms')} → {_value(f.p99_after_ms, 'ms')}"
                   if f.p99_after_ms is not None else "")
        f.evidence_id = ledger.add(
            "log_burst", f"access:{row.route}@{f.service}",
            f"{f.endpoint} in the access log {f.service}: 5xx {share(f.error_rate_before)} → "
            f"{share(f.error_rate_after)} of requests{latency} ({f.n_before} requests before the {ref_kind}, "
            f"{f.n_after} after)",
            zh=f"访问日志 {f.service} 中的 {f.endpoint}：5xx 占请求 {share(f.error_rate_before)} → "
               f"{share(f.error_rate_after)}"
               + (f"，p99 请求耗时 {_value(f.p99_before_ms, 'ms')} → {_value(f.p99_after_ms, 'ms')}"
                  if f.p99_after_ms is not None else "")
               + f"（{_REF_ZH.get(ref_kind, ref_kind)}前 {f.n_before} 个请求，之后 {f.n_after} 个）",
            endpoint=f.endpoint, service=f.service, error_rate_after=f.error_rate_after, p99_after_ms=f.p99_after_ms,
        )
        found.append(f)
        if len(found) >= _MAX_ENDPOINTS:
            break
    return found


def share(rate: float | None) -> str:
    """A rate as a percentage with one decimal below 10% (a 0.1% → 6.7% jump must not read 0% → 7%); None/NaN: —."""
    if rate is None or math.isnan(rate):
        return "—"
    return f"{rate * 100:.1f}%" if rate < 0.1 else f"{rate * 100:.0f}%"


def duration(ms: float | None) -> str:
    """Milliseconds as people read them: "10 ms", "46.5 s", or — when unknown."""
    return _value(ms, "ms")


def _short(trace_id: str) -> str:
    """A trace id as people know it: 64-bit ids without the zero padding, 128-bit ids cut to 16 digits."""
    return trace_id[16:] if trace_id.startswith("0" * 16) else trace_id[:16] + "…"


def _traces(store: Store, incident: Incident, reference: datetime, ledger: EvidenceLedger, logged: set[str],
            ref_kind: str) -> tuple[list[TraceFinding], int]:
    summaries = trace_summaries(store, incident.id)
    if summaries.empty:
        return [], 0
    errors = summaries[summaries["error_spans"] > 0]
    joined = int(errors["trace_id"].isin(logged).sum())
    after = errors[errors["start_ts"] >= pd.Timestamp(reference)]
    pool = after if len(after) else errors
    found: list[TraceFinding] = []
    seen_endpoints: set[tuple[str, str]] = set()
    for row in pool.sort_values("duration_ms", ascending=False).itertuples():
        if (row.service, row.endpoint) in seen_endpoints:
            continue
        path = critical_path(trace_spans(store, incident.id, row.trace_id))
        if not path:
            continue
        hot = max(path, key=lambda s: s.self_ms)
        seen_endpoints.add((row.service, row.endpoint))
        f = TraceFinding(
            trace_id=row.trace_id, service=row.service, endpoint=row.endpoint, started_at=row.start_ts.to_pydatetime(),
            duration_ms=float(row.duration_ms),
            exception_types=row.exception_types if isinstance(row.exception_types, str) else None,
            carries_logged_exception=row.trace_id in logged, critical_path=path, hot_span=hot.name,
            hot_self_ms=hot.self_ms,
        )
        chain = " → ".join(s.name for s in path[:6]) + (" → …" if len(path) > 6 else "")
        share = hot.self_ms / f.duration_ms * 100 if f.duration_ms else 0.0
        statement = f" [`{hot.db_statement[:140]}`]" if hot.db_statement else ""
        exc = f"; recorded {f.exception_types.rsplit('.', 1)[-1]}" if f.exception_types else ""
        joined_text = ("its trace id is on a logged exception" if f.carries_logged_exception
                       else "no logged error carries its trace id")
        started = f.started_at.astimezone(incident.started_at.tzinfo)
        f.evidence_id = ledger.add(
            "trace", f"trace:{f.trace_id}",
            f"{'Slowest error trace' if not found else 'Slow error trace'} {_short(f.trace_id)} "
            f"({f.endpoint}, {_value(f.duration_ms, 'ms')}, {started:%H:%M:%S}): "
            f"critical path {chain}; {hot.name} holds {_value(hot.self_ms, 'ms')} ({share:.0f}%) itself{statement}"
            f"{exc}; {joined_text}",
            zh=f"{'最慢的错误链路' if not found else '较慢的错误链路'} {_short(f.trace_id)}（{f.endpoint}，"
               f"{_value(f.duration_ms, 'ms')}，{started:%H:%M:%S}）：关键路径 {chain}；{hot.name} 自身耗时 "
               f"{_value(hot.self_ms, 'ms')}（{share:.0f}%）{statement}"
               + (f"；记录了 {f.exception_types.rsplit('.', 1)[-1]}" if f.exception_types else "")
               + ("；其 trace id 出现在一条已记录的异常上" if f.carries_logged_exception
                  else "；没有已记录的错误带有它的 trace id"),
            trace_id=f.trace_id, hot_span=hot.name, hot_self_ms=round(hot.self_ms, 1),
            logged=int(f.carries_logged_exception),
        )
        found.append(f)
        if len(found) >= _MAX_TRACES:
            break
    if len(errors):
        ledger.add(
            "trace", "trace:log-join",
            f"{joined} of {len(errors)} error trace(s) share their trace id with an error in the logs"
            + (f" ({len(after)} of the error traces started after the {ref_kind})" if len(after) else ""),
            zh=f"{len(errors)} 条错误链路中有 {joined} 条与日志中的错误共享 trace id"
               + (f"（其中 {len(after)} 条始于{_REF_ZH.get(ref_kind, ref_kind)}之后）" if len(after) else ""),
            joined=joined, error_traces=len(errors),
        )
    return found, joined


# --- entry point -------------------------------------------------------------------------------


def add_runtime_evidence(
    store: Store, incident: Incident, ledger: EvidenceLedger, onset: datetime | None, error_trace_ids: set[str]
) -> RuntimeFindings:
    """Add metric, slow-SQL and trace evidence, compared before vs after the onset (or the reported start).

    Args:
        store: the store holding the incident's runtime assets.
        incident: the incident.
        ledger: the incident's ledger; entries are added to it (kinds metric_anomaly, slow_sql, trace).
        onset: the error onset from the logs, or None to compare around the reported start.
        error_trace_ids: trace ids of the exceptions seen in the logs (joined with the ones in log_lines).

    Returns:
        The findings, each with the evidence id that backs it.
    """
    reference = onset or incident.started_at
    ref_kind = "error onset" if onset else "reported start"
    logged = {tid.lower().zfill(32) for tid in error_trace_ids if tid} | logged_trace_ids(store, incident.id)
    findings = RuntimeFindings(reference=reference, reference_kind=ref_kind)  # type: ignore[arg-type]
    changed, unchanged = _metric_findings(store, incident, reference)
    for f in (*changed, *unchanged):
        _add_metric_evidence(f, incident, ledger, reference, ref_kind)
    findings.anomalies, findings.unchanged = changed, unchanged
    findings.slow_queries = _slow_queries(store, incident, reference, ledger, ref_kind)
    findings.endpoints = _endpoints(store, incident, reference, ledger, ref_kind) + _access_endpoints(
        store, incident, reference, ledger, ref_kind)
    findings.traces, findings.logged_error_traces = _traces(store, incident, reference, ledger, logged, ref_kind)
    findings.key_findings, findings.key_findings_zh = _key_findings(findings)
    log.info("incident %s: runtime evidence — %d anomalies, %d flat, %d queries, %d endpoints, %d traces", incident.id,
             len(changed), len(unchanged), len(findings.slow_queries), len(findings.endpoints), len(findings.traces))
    return findings


def _key_findings(f: RuntimeFindings) -> tuple[list[str], list[str]]:
    """The runtime key findings in English and in Chinese, one pair per finding (the two lists stay parallel)."""
    en: list[str] = []
    zh: list[str] = []
    for a in f.anomalies[:3]:
        en.append(f"{a.metric} {'rose' if a.direction == 'up' else 'fell'} to {_value(a.peak, a.unit)} "
                  f"[{a.evidence_id}]")
        zh.append(f"{a.metric} {'升' if a.direction == 'up' else '降'}至 {_value_zh(a.peak, a.unit)} [{a.evidence_id}]")
    for u in f.unchanged[:2]:
        en.append(f"{u.metric} did not change [{u.evidence_id}]")
        zh.append(f"{u.metric} 没有变化 [{u.evidence_id}]")
    if f.slow_queries:
        q = f.slow_queries[0]
        kind = f"{q.statement_kind.upper()}{' FOR UPDATE' if q.for_update else ''}"
        tables = ', '.join(q.tables) or '?'
        en.append(f"Top slow SQL: {kind} on {tables} [{q.evidence_id}]")
        zh.append(f"最慢的 SQL：{tables} 上的 {kind} [{q.evidence_id}]")
    if f.traces:
        t = f.traces[0]
        en.append(f"Slowest error trace spends its time in {t.hot_span} [{t.evidence_id}]")
        zh.append(f"最慢的错误链路把时间花在 {t.hot_span} [{t.evidence_id}]")
    return en, zh
