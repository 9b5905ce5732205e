"""Read-only queries over an incident's ingested signals, shared by fusion's rules and the dashboard's views.

Ingest writes these tables (`core.ingest`); fusion (`core.fusion`) and the dashboard (`core.views`) read
them back through the functions here, so both see the same numbers and neither depends on the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd

from core.ingest.logs import ACCESS_FORMAT
from core.store import Store

__all__ = [
    "TemplateBursts", "access_endpoint_stats", "access_series", "endpoint_stats", "fingerprint_stats",
    "load_points", "logged_trace_ids", "template_bursts", "trace_spans", "trace_summaries",
]


# --- logs: templates whose rate jumps at the onset -------------------------------------------------


@dataclass
class TemplateBursts:
    """Templates ranked by how much their rate rose after the onset, and their per-minute counts."""

    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    series: pd.DataFrame = field(default_factory=pd.DataFrame)
    before_minutes: float = 0.0
    after_minutes: float = 0.0


def template_bursts(
    store: Store, incident_id: str, onset: datetime, *, top: int = 6,
    before: timedelta = timedelta(minutes=60), after: timedelta = timedelta(minutes=30),
) -> TemplateBursts:
    """Log templates whose rate jumps after `onset` (per asset: template ids are per log file).

    Rates are lines per minute in the window before the onset (at most `before`, clipped to the first log
    line) and after it (at most `after`, clipped to the last). The jump is the ratio of the two rates with
    one line per window added to each, so a template that never appeared before does not divide by zero
    and a single stray line does not rank first.

    Returns:
        `table`: asset_id, template_id, template, level, n_before, n_after, rate_before, rate_after, jump,
        first_after — the `top` templates with at least three lines after the onset and a higher rate, biggest
        jump first. `series`: minute, key ("asset_id/template_id"), count for those templates over both windows.
    """
    span = store.query_df(
        "SELECT min(ts) AS first, max(ts) AS last FROM log_lines WHERE incident_id = ? AND ts IS NOT NULL",
        [incident_id],
    )
    if span.empty or pd.isna(span["first"].iloc[0]):
        return TemplateBursts()
    first, last = pd.Timestamp(span["first"].iloc[0]), pd.Timestamp(span["last"].iloc[0])
    start = max(pd.Timestamp(onset) - pd.Timedelta(before), first)
    end = min(pd.Timestamp(onset) + pd.Timedelta(after), last + pd.Timedelta(seconds=1))
    before_min = max((pd.Timestamp(onset) - start).total_seconds() / 60.0, 1.0)
    after_min = max((end - pd.Timestamp(onset)).total_seconds() / 60.0, 1.0)
    table = store.query_df(
        "WITH l AS (SELECT asset_id, template_id, ts, coalesce(level, '?') AS level FROM log_lines "
        "  WHERE incident_id = ? AND template_id IS NOT NULL AND ts >= ? AND ts < ?), "
        "a AS (SELECT asset_id, template_id, count(*) FILTER (WHERE ts < ?) AS n_before, "
        "  count(*) FILTER (WHERE ts >= ?) AS n_after, mode(level) AS level, "
        "  min(ts) FILTER (WHERE ts >= ?) AS first_after "
        "  FROM l GROUP BY ALL) "
        "SELECT a.*, coalesce(t.template, a.template_id) AS template FROM a LEFT JOIN log_templates t "
        "ON t.incident_id = ? AND t.asset_id = a.asset_id AND t.template_id = a.template_id",
        [incident_id, start, end, onset, onset, onset, incident_id],
    )
    if table.empty:
        return TemplateBursts(before_minutes=before_min, after_minutes=after_min)
    table["rate_before"] = table["n_before"] / before_min
    table["rate_after"] = table["n_after"] / after_min
    table["jump"] = ((table["n_after"] + 1) / after_min) / ((table["n_before"] + 1) / before_min)
    table = table[(table["n_after"] >= 3) & (table["rate_after"] > table["rate_before"]) & (table["jump"] > 1.5)]
    table = table.sort_values(["jump", "n_after"], ascending=False).head(top).reset_index(drop=True)
    if table.empty:
        return TemplateBursts(table=table, before_minutes=before_min, after_minutes=after_min)
    keys = list(zip(table["asset_id"], table["template_id"], strict=True))
    series = store.query_df(
        "SELECT date_trunc('minute', l.ts) AS minute, l.asset_id || '/' || l.template_id AS key, count(*) AS count "
        "FROM log_lines l SEMI JOIN (SELECT * FROM (VALUES " + ", ".join("(?, ?)" for _ in keys) + ") "
        "AS w(asset_id, template_id)) w "
        "ON w.asset_id = l.asset_id AND w.template_id = l.template_id "
        "WHERE l.incident_id = ? AND l.ts >= ? AND l.ts < ? GROUP BY ALL ORDER BY 1",
        [*(value for key in keys for value in key), incident_id, start, end],
    )
    return TemplateBursts(table=table, series=series, before_minutes=before_min, after_minutes=after_min)


# --- metrics ---------------------------------------------------------------------------------------


def load_points(store: Store, incident_id: str, *, since: datetime | None = None) -> pd.DataFrame:
    """Every timed metric point of an incident (asset_id, ts, metric, labels, unit, value), oldest first."""
    return store.query_df(
        "SELECT asset_id, ts, metric, labels, unit, value FROM metric_points WHERE incident_id = ? AND ts IS NOT NULL "
        "AND (?::TIMESTAMPTZ IS NULL OR ts >= ?::TIMESTAMPTZ) ORDER BY asset_id, metric, labels, ts",
        [incident_id, since, since],
    )


# --- slow SQL --------------------------------------------------------------------------------------


def fingerprint_stats(store: Store, incident_id: str, onset: datetime) -> pd.DataFrame:
    """Per fingerprint over all of the incident's slow-SQL assets, before vs after `onset`.

    Columns: fingerprint_id, fingerprint, statement_kind, for_update, tables, parser, count, total_ms, p95_ms,
    n_before/n_after, p95_before/p95_after, lock_p95_before/lock_p95_after, lock_total_after, sample, first_after,
    first_ts.
    """
    return store.query_df(
        "WITH f AS (SELECT fingerprint_id, any_value(fingerprint) AS fingerprint, any_value(statement_kind) AS "
        "statement_kind, bool_or(for_update) AS for_update, any_value(tables) AS tables, any_value(parser) AS parser, "
        "arg_max(sample, max_ms) AS sample FROM sql_fingerprints WHERE incident_id = ? GROUP BY fingerprint_id) "
        "SELECT f.*, count(*) AS count, sum(q.query_ms) AS total_ms, quantile_cont(q.query_ms, 0.95) AS p95_ms, "
        "count(*) FILTER (WHERE q.ts < ?) AS n_before, count(*) FILTER (WHERE q.ts >= ?) AS n_after, "
        "quantile_cont(q.query_ms, 0.95) FILTER (WHERE q.ts < ?) AS p95_before, "
        "quantile_cont(q.query_ms, 0.95) FILTER (WHERE q.ts >= ?) AS p95_after, "
        "quantile_cont(q.lock_ms, 0.95) FILTER (WHERE q.ts < ?) AS lock_p95_before, "
        "quantile_cont(q.lock_ms, 0.95) FILTER (WHERE q.ts >= ?) AS lock_p95_after, "
        "sum(q.query_ms) FILTER (WHERE q.ts >= ?) AS total_after, "
        "sum(q.lock_ms) FILTER (WHERE q.ts >= ?) AS lock_total_after, "
        "min(q.ts) FILTER (WHERE q.ts >= ?) AS first_after, min(q.ts) AS first_ts "
        "FROM sql_queries q JOIN f USING (fingerprint_id) WHERE q.incident_id = ? "
        "GROUP BY ALL ORDER BY total_after DESC NULLS LAST, total_ms DESC",
        [incident_id, onset, onset, onset, onset, onset, onset, onset, onset, onset, incident_id],
    )


# --- traces ----------------------------------------------------------------------------------------


def trace_spans(store: Store, incident_id: str, trace_id: str) -> pd.DataFrame:
    """Every span of one trace (the `spans` columns but incident, asset and attributes), earliest first."""
    return store.query_df(
        "SELECT * EXCLUDE (incident_id, asset_id, attributes) FROM spans WHERE incident_id = ? AND trace_id = ? "
        "ORDER BY start_ts",
        [incident_id, trace_id],
    )


def logged_trace_ids(store: Store, incident_id: str) -> set[str]:
    """Trace ids of log lines at ERROR/FATAL or carrying a parsed exception, padded like span trace ids."""
    frame = store.query_df(
        "SELECT DISTINCT lpad(lower(l.trace_id), 32, '0') AS trace_id FROM log_lines l "
        "LEFT JOIN exceptions e ON e.incident_id = l.incident_id AND e.asset_id = l.asset_id AND e.line_no = l.line_no "
        "WHERE l.incident_id = ? AND l.trace_id IS NOT NULL AND (l.level IN ('ERROR', 'FATAL') OR e.id IS NOT NULL)",
        [incident_id],
    )
    return set(frame["trace_id"])


def trace_summaries(store: Store, incident_id: str) -> pd.DataFrame:
    """One row per trace: its root endpoint, start, duration, error spans and the exception types it recorded."""
    return store.query_df(
        "WITH t AS (SELECT trace_id, min(start_ts) AS start_ts, max(end_ts) AS end_ts, count(*) AS spans, "
        "count(*) FILTER (WHERE error) AS error_spans, "
        "string_agg(DISTINCT exception_type, ', ' ORDER BY exception_type) AS exception_types "
        "FROM spans WHERE incident_id = ? GROUP BY trace_id), "
        "r AS (SELECT trace_id, arg_max(service, duration_ms) AS service, "
        "arg_max(coalesce(http_method || ' ' || http_route, http_route, name), duration_ms) AS endpoint "
        "FROM spans WHERE incident_id = ? AND (parent_id IS NULL OR span_kind = 'SERVER') GROUP BY trace_id) "
        "SELECT t.*, r.service, coalesce(r.endpoint, '?') AS endpoint, "
        "epoch_ms(t.end_ts) - epoch_ms(t.start_ts) AS duration_ms FROM t LEFT JOIN r USING (trace_id) "
        "ORDER BY t.start_ts",
        [incident_id, incident_id],
    )


def endpoint_stats(store: Store, incident_id: str, onset: datetime) -> pd.DataFrame:
    """Per service and endpoint (server or root spans), before vs after `onset`: count, error rate, p50, p99."""
    return store.query_df(
        "WITH s AS (SELECT service, coalesce(http_method || ' ' || http_route, http_route, name) AS endpoint, "
        "http_route, duration_ms, (error OR coalesce(http_status, 0) >= 500) AS failed, start_ts >= ? AS after "
        "FROM spans WHERE incident_id = ? AND (span_kind = 'SERVER' OR parent_id IS NULL)) "
        "SELECT service, endpoint, any_value(http_route) AS route, "
        "count(*) FILTER (WHERE NOT after) AS n_before, count(*) FILTER (WHERE after) AS n_after, "
        "avg(failed::INTEGER) FILTER (WHERE NOT after) AS err_before, "
        "avg(failed::INTEGER) FILTER (WHERE after) AS err_after, "
        "quantile_cont(duration_ms, 0.5) FILTER (WHERE NOT after) AS p50_before, "
        "quantile_cont(duration_ms, 0.5) FILTER (WHERE after) AS p50_after, "
        "quantile_cont(duration_ms, 0.99) FILTER (WHERE NOT after) AS p99_before, "
        "quantile_cont(duration_ms, 0.99) FILTER (WHERE after) AS p99_after "
        "FROM s GROUP BY service, endpoint ORDER BY n_after DESC",
        [onset, incident_id],
    )


# --- access logs (the `http-access` layout) ---------------------------------------------------------
# The log ingest keeps an access-log line's message from the quoted request line on, so the method,
# path and status are read back from it in SQL. Paths are folded into routes the way an API spec
# writes them (a segment holding a digit becomes ``{}``; the query string goes), so
# ``/api/orders/SO2026…`` and ``/api/orders/SO2027…`` count as one endpoint. The request time is
# taken where the line carries one: ingress-nginx's position after the user agent, or an
# ``rt=``/``request_time=`` field.

_REQUEST = r'^"(\S+) (\S+)[^"]*"\s+(\d{3})\b'
_INGRESS_TIME = r'^"[^"]*"\s+\d{3}\s+\S+\s+"[^"]*"\s+"[^"]*"\s+\d+\s+(\d+(?:\.\d+)?)\b'
_FIELD_TIME = r"\b(?:rt|request_time)=(\d+(?:\.\d+)?)\b"

_REQUESTS = f"""
    WITH lines AS (
        SELECT a.name AS service, l.ts, regexp_extract(l.message, ?, ['method', 'path', 'status']) AS r,
               coalesce(nullif(regexp_extract(l.message, ?, 1), ''), nullif(regexp_extract(l.message, ?, 1), ''))
                   AS seconds
        FROM log_lines l JOIN assets a ON a.id = l.asset_id
        WHERE l.incident_id = ? AND a.format = '{ACCESS_FORMAT}' AND l.ts IS NOT NULL
    ), req AS (
        SELECT service, ts, r.method AS method,
               regexp_replace(regexp_replace(r.path, '[?#].*$', ''), '/[^/]*[0-9][^/]*', '/{{}}', 'g') AS route,
               TRY_CAST(r.status AS INTEGER) >= 500 AS failed, TRY_CAST(seconds AS DOUBLE) * 1000 AS ms
        FROM lines WHERE r.method <> ''
    )
"""


def _params(incident_id: str) -> list[object]:
    return [_REQUEST, _INGRESS_TIME, _FIELD_TIME, incident_id]


def access_endpoint_stats(store: Store, incident_id: str, onset: datetime) -> pd.DataFrame:
    """Per access-log asset and endpoint: requests, 5xx share and p99 request time before vs after `onset`.

    Returns:
        Columns service (the asset's name), endpoint ("METHOD /route"), route, n_before, n_after,
        err_before, err_after, p99_before, p99_after (ms, NaN where the log has no request
        time), ordered by n_after, then n_before, descending.
    """
    return store.query_df(
        _REQUESTS + """
        SELECT service, method || ' ' || route AS endpoint, route,
               count(*) FILTER (WHERE ts < ?) AS n_before, count(*) FILTER (WHERE ts >= ?) AS n_after,
               avg(failed::INTEGER) FILTER (WHERE ts < ?) AS err_before,
               avg(failed::INTEGER) FILTER (WHERE ts >= ?) AS err_after,
               quantile_cont(ms, 0.99) FILTER (WHERE ts < ?) AS p99_before,
               quantile_cont(ms, 0.99) FILTER (WHERE ts >= ?) AS p99_after
        FROM req GROUP BY service, method, route ORDER BY n_after DESC, n_before DESC, endpoint
        """,
        [*_params(incident_id), *[onset] * 6],
    )


def access_series(store: Store, incident_id: str, endpoints: list[str], bucket_minutes: int = 5) -> pd.DataFrame:
    """Per time bucket and endpoint (of `endpoints`, "METHOD /route"): requests and the 5xx share.

    Buckets are `bucket_minutes` wide: per minute, one failure among two requests would read 50%.

    Returns:
        Columns minute (the bucket's start), endpoint, requests, failed, share (0..1), ordered by minute.
    """
    if not endpoints:
        return pd.DataFrame(columns=["minute", "endpoint", "requests", "failed", "share"])
    return store.query_df(
        _REQUESTS + """
        SELECT time_bucket(to_minutes(?), ts) AS minute, method || ' ' || route AS endpoint, count(*) AS requests,
               count(*) FILTER (WHERE failed) AS failed, avg(failed::INTEGER) AS share
        FROM req WHERE list_contains(?, method || ' ' || route) GROUP BY 1, 2 ORDER BY 1, 2
        """,
        [*_params(incident_id), bucket_minutes, endpoints],
    )
