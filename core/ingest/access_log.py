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

__all__ = ["ACCESS_FORMAT", "access_endpoint_stats"]

ACCESS_FORMAT = "http-access"
_REQUEST = r'^"(\S+) (\S+)[^"]*"\s+(\d{3})\b'
_INGRESS_TIME = r'^"[^"]*"\s+\d{3}\s+\S+\s+"[^"]*"\s+"[^"]*"\s+\d+\s+(\d+(?:\.\d+)?)\b'
_FIELD_TIME = r"\b(?:rt|request_time)=(\d+(?:\.\d+)?)\b"


def access_endpoint_stats(store: Store, incident_id: str, onset: datetime) -> pd.DataFrame:
    """Per access-log asset and endpoint: requests, 5xx share and p99 request time before vs after `onset`.

    Returns:
        Columns service (the asset's name), endpoint ("METHOD /route"), route, n_before, n_after,
        err_before, err_after, p99_before, p99_after (ms, NaN where the log has no request
        time), ordered by n_after, then n_before, descending.
    """
    return store.query_df(
        f"""
        WITH lines AS (
            SELECT a.name AS service, l.ts, regexp_extract(l.message, ?, ['method', 'path', 'status']) AS r,
                   coalesce(nullif(regexp_extract(l.message, ?, 1), ''), nullif(regexp_extract(l.message, ?, 1), ''))
                       AS seconds
            FROM log_lines l JOIN assets a ON a.id = l.asset_id
            WHERE l.incident_id = ? AND a.format = '{ACCESS_FORMAT}' AND l.ts IS NOT NULL
        ), req AS (
            SELECT service, r.method AS method,
                   regexp_replace(regexp_replace(r.path, '[?#].*$', ''), '/[^/]*[0-9][^/]*', '/{{}}', 'g') AS route,
                   TRY_CAST(r.status AS INTEGER) >= 500 AS failed, TRY_CAST(seconds AS DOUBLE) * 1000 AS ms,
                   ts >= ? AS after
            FROM lines WHERE r.method <> ''
        )
        SELECT service, method || ' ' || route AS endpoint, route,
               count(*) FILTER (WHERE NOT after) AS n_before, count(*) FILTER (WHERE after) AS n_after,
               avg(failed::INTEGER) FILTER (WHERE NOT after) AS err_before,
               avg(failed::INTEGER) FILTER (WHERE after) AS err_after,
               quantile_cont(ms, 0.99) FILTER (WHERE NOT after) AS p99_before,
               quantile_cont(ms, 0.99) FILTER (WHERE after) AS p99_after
        FROM req GROUP BY service, method, route ORDER BY n_after DESC, n_before DESC, endpoint
        """,
        [_REQUEST, _INGRESS_TIME, _FIELD_TIME, incident_id, onset],
    )
