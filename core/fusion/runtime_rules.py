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
from core.i18n import LANGS, has, text
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
# Metrics whose stillness rules hypotheses out (what it speaks against: finding.metric.flat_means.*).
_WATCH_FLAT = ("heap.used", "gc.pause", "cpu", "http.rate", "gc.count")


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
    number = f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f}"
    return f"{number} {unit}".rstrip()


# Units the languages write differently (finding.unit.*; the English is the unit as the data names it).
_UNITS = ("threads", "connections", "count", "req/s")
_EARLIER = re.compile(r"(.*?) \(to (.*)\)$")


def unit_label(unit: str, lang: str) -> str:
    """A metric's unit as the language writes it (``connections`` in English, a counter word in Chinese)."""
    key = "finding.unit." + unit.replace("/", "_per_")
    return text(key, lang) if has(key) else unit


def _value_in(value: float | None, unit: str, lang: str) -> str:
    return _unit_in(_value(value, unit), lang)


def _unit_in(said: str, lang: str) -> str:
    """A value written by `_value` with its unit as `lang` writes it."""
    for unit in _UNITS:
        if said.endswith(" " + unit):
            return said[: -len(unit) - 1] + " " + unit_label(unit, lang)
    return said


def _earlier_window(window: str, peak: str, lang: str) -> str:
    return text("finding.metric.earlier_window", lang, window=window, peak=peak)


def _earlier_in(earlier: str, lang: str) -> str:
    """An earlier window as `_metric_findings` stores it (``13:20–13:25 (to 19 connections)``) in `lang`."""
    m = _EARLIER.match(earlier)
    return _earlier_window(m.group(1), _unit_in(m.group(2), lang), lang) if m else earlier


def _ref(ref_kind: str, lang: str) -> str:
    """The reference time's name ("error onset", "reported start") in `lang`."""
    key = "finding.reference." + ref_kind.replace(" ", "_")
    return text(key, lang) if has(key) else ref_kind


def _when(minutes: float, ref_kind: str, lang: str) -> str:
    ref = _ref(ref_kind, lang)
    if abs(minutes) < 1:
        return text("finding.when.at", lang, ref=ref)
    return text("finding.when.after" if minutes > 0 else "finding.when.before", lang, minutes=abs(minutes), ref=ref)


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
            earlier=[_earlier_window(f"{a.window_start.astimezone(zone):%H:%M}–{a.window_end.astimezone(zone):%H:%M}",
                                     _value(a.peak, a.unit), "en") for a in earlier],
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


def _flat_said(f: MetricFinding, ref_kind: str, ref_at: str, lang: str) -> str:
    key = "finding.metric.flat_means." + f.metric.replace(".", "_")
    sep = text("finding.sep.semicolon", lang)
    return text("finding.metric.no_change", lang, metric=f.metric, baseline=_value_in(f.baseline, f.unit, lang),
                ref=_ref(ref_kind, lang), ref_at=ref_at, after=_value_in(f.after_median, f.unit, lang),
                peak=_value_in(f.peak, f.unit, lang), means=text(key, lang) if has(key) else "").rstrip(sep)


def _moved_said(f: MetricFinding, start: datetime, end: datetime, ref_kind: str, ref_at: str, lang: str) -> str:
    if f.direction == "up":
        size = (text("finding.metric.size.ratio", lang, ratio=f.ratio) if f.ratio
                else text("finding.metric.size.from_zero", lang))
    else:
        size = (text("finding.metric.size.share", lang, share=f.peak / f.baseline) if f.peak and f.baseline
                else text("finding.metric.size.to_zero", lang))
    earlier = text("finding.sep.list", lang).join(_earlier_in(e, lang) for e in f.earlier)
    return text("finding.metric.rose" if f.direction == "up" else "finding.metric.fell", lang, metric=f.metric,
                baseline=_value_in(f.baseline, f.unit, lang), peak=_value_in(f.peak, f.unit, lang), size=size,
                start=start, end=end,
                bursts=text("finding.metric.bursts", lang, count=f.bursts) if f.bursts > 1 else "",
                when=_when(f.minutes_from_reference or 0.0, ref_kind, lang), ref_at=ref_at,
                earlier=text("finding.metric.earlier", lang, windows=earlier) if f.earlier else "")


def _add_metric_evidence(f: MetricFinding, incident: Incident, ledger: EvidenceLedger, reference: datetime,
                         ref_kind: str) -> None:
    zone = incident.started_at.tzinfo
    ref_at = reference.astimezone(zone).strftime("%H:%M")
    if not f.changed:
        f.evidence_id = ledger.add(
            "metric_anomaly", f"metric:{f.metric}@no-change", _flat_said(f, ref_kind, ref_at, "en"),
            zh=_flat_said(f, ref_kind, ref_at, "zh"),
            metric=f.metric, changed=False, baseline=round(f.baseline, 3), after_median=round(f.after_median or 0.0, 3),
        )
        return
    assert f.window_start and f.window_end
    start, end = f.window_start.astimezone(zone), f.window_end.astimezone(zone)
    f.evidence_id = ledger.add(
        "metric_anomaly", f"metric:{f.metric}@{start:%H:%M}-{end:%H:%M}",
        _moved_said(f, start, end, ref_kind, ref_at, "en"), zh=_moved_said(f, start, end, ref_kind, ref_at, "zh"),
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
        first = f.first_seen.astimezone(incident.started_at.tzinfo) if f.first_seen else None
        f.evidence_id = ledger.add(
            "slow_sql", f"sql:{f.fingerprint_id}", _slow_sql_said(f, first, ref_kind, "en"),
            zh=_slow_sql_said(f, first, ref_kind, "zh"),
            fingerprint_id=f.fingerprint_id, tables=",".join(f.tables), statement_kind=f.statement_kind,
            for_update=int(f.for_update), n_before=f.n_before, n_after=f.n_after, p95_after_ms=f.p95_after_ms,
        )
        found.append(f)
    return found


def _slow_sql_said(f: SlowQueryFinding, first: datetime | None, ref_kind: str, lang: str) -> str:
    lock = (text("finding.sql.lock_wait", lang, before=_value(f.lock_p95_before_ms, "ms"),
                 after=_value(f.lock_p95_after_ms, "ms"))
            if f.lock_p95_after_ms is not None or f.lock_p95_before_ms is not None else "")
    return text("finding.sql.slow", lang, what=f.statement_kind.upper() + (" … FOR UPDATE" if f.for_update else ""),
                on=text("finding.sql.on_tables", lang, tables=", ".join(f.tables)) if f.tables else "",
                before=f.n_before, ref=_ref(ref_kind, lang),
                first=text("finding.sql.first_at", lang, at=first) if first else "", after=f.n_after,
                p95_before=_value(f.p95_before_ms, "ms"), p95_after=_value(f.p95_after_ms, "ms"), lock=lock,
                total=_value(f.total_after_ms, "ms"), fingerprint=f.fingerprint[:180],
                regex=text("finding.sql.regex_fallback", lang) if f.parser == "regex" else "")


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
        en, zh = (text("finding.endpoint.trace", lang, endpoint=f.endpoint, service=f.service,
                       err_before=pct(f.error_rate_before), err_after=pct(f.error_rate_after),
                       p99_before=_value(f.p99_before_ms, "ms"), p99_after=_value(f.p99_after_ms, "ms"),
                       n_before=f.n_before, ref=_ref(ref_kind, lang), n_after=f.n_after)
                  for lang in LANGS)
        f.evidence_id = ledger.add(
            "trace", source, en, zh=zh,
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
        en, zh = (text("finding.endpoint.access", lang, endpoint=f.endpoint, service=f.service,
                       err_before=share(f.error_rate_before), err_after=share(f.error_rate_after),
                       latency=(text("finding.endpoint.latency", lang, before=_value(f.p99_before_ms, "ms"),
                                     after=_value(f.p99_after_ms, "ms")) if f.p99_after_ms is not None else ""),
                       n_before=f.n_before, ref=_ref(ref_kind, lang), n_after=f.n_after)
                  for lang in LANGS)
        f.evidence_id = ledger.add(
            "log_burst", f"access:{row.route}@{f.service}", en, zh=zh,
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
        exc = f.exception_types.rsplit(".", 1)[-1] if f.exception_types else None
        started = f.started_at.astimezone(incident.started_at.tzinfo)
        en, zh = (text("finding.trace.path", lang,
                       which=text("finding.trace.slow" if found else "finding.trace.slowest", lang),
                       trace=_short(f.trace_id), endpoint=f.endpoint, duration=_value(f.duration_ms, "ms"),
                       started=started, chain=chain, hot=hot.name, self_time=_value(hot.self_ms, "ms"), share=share,
                       statement=statement, recorded=text("finding.trace.recorded", lang, exc=exc) if exc else "",
                       logged=text("finding.trace.logged" if f.carries_logged_exception else "finding.trace.not_logged",
                                   lang))
                  for lang in LANGS)
        f.evidence_id = ledger.add(
            "trace", f"trace:{f.trace_id}", en, zh=zh,
            trace_id=f.trace_id, hot_span=hot.name, hot_self_ms=round(hot.self_ms, 1),
            logged=int(f.carries_logged_exception),
        )
        found.append(f)
        if len(found) >= _MAX_TRACES:
            break
    if len(errors):
        en, zh = (text("finding.trace.log_join", lang, joined=joined, total=len(errors),
                       after=(text("finding.trace.after_reference", lang, count=len(after), ref=_ref(ref_kind, lang))
                              if len(after) else ""))
                  for lang in LANGS)
        ledger.add(
            "trace", "trace:log-join", en, zh=zh,
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
    findings.key_findings, findings.key_findings_zh = _key_findings(findings, "en"), _key_findings(findings, "zh")
    log.info("incident %s: runtime evidence — %d anomalies, %d flat, %d queries, %d endpoints, %d traces", incident.id,
             len(changed), len(unchanged), len(findings.slow_queries), len(findings.endpoints), len(findings.traces))
    return findings


def _key_findings(f: RuntimeFindings, lang: str) -> list[str]:
    """The runtime key findings in `lang`; called once per language, so the two lists stay parallel."""
    out: list[str] = []
    for a in f.anomalies[:3]:
        out.append(text("finding.key.metric_rose" if a.direction == "up" else "finding.key.metric_fell", lang,
                        metric=a.metric, peak=_value_in(a.peak, a.unit, lang), id=a.evidence_id))
    for u in f.unchanged[:2]:
        out.append(text("finding.key.metric_flat", lang, metric=u.metric, id=u.evidence_id))
    if f.slow_queries:
        q = f.slow_queries[0]
        kind = q.statement_kind.upper() + (" FOR UPDATE" if q.for_update else "")
        out.append(text("finding.key.slow_sql", lang, kind=kind, tables=", ".join(q.tables) or "?", id=q.evidence_id))
    if f.traces:
        t = f.traces[0]
        out.append(text("finding.key.slow_trace", lang, span=t.hot_span, id=t.evidence_id))
    return out
