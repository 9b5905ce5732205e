"""HTTP outcomes from access logs (the `http-access` layout): per endpoint, before vs after a moment.

The log ingest keeps an access-log line's message from the quoted request line on, so the method,
path and status are read back from it in SQL. Paths are folded into routes the way an API spec
writes them (a segment holding a digit becomes ``{}``; the query string goes), so
``/api/orders/SO2026…`` and ``/api/orders/SO2027…`` count as one endpoint. The request time is
taken where the line carries one: ingress-nginx's position after the user agent, or an
``rt=``/``request_time=`` field.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from core.store import Store

__all__ = ["ACCESS_FORMAT", "access_endpoint_stats", "access_series"]

ACCESS_FORMAT = "http-access"
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
