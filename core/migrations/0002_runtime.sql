-- Runtime assets: JVM metrics, distributed traces and slow SQL, each row tied to its incident and asset.
-- One point of one series; `metric` is canonical (heap.used, hikari.pending, latency.p99 …) when recognised,
-- else the source's own name. Cumulative counters are stored as per-second rates (unit ends in '/s').
CREATE TABLE metric_points (
    incident_id VARCHAR NOT NULL,
    asset_id VARCHAR NOT NULL,
    ts TIMESTAMPTZ,
    metric VARCHAR NOT NULL,
    source_name VARCHAR NOT NULL,
    labels VARCHAR NOT NULL DEFAULT '',
    unit VARCHAR NOT NULL DEFAULT '',
    value DOUBLE NOT NULL
);
-- A window where a series left its robust baseline (median/MAD of the hour before `baseline_end`).
CREATE TABLE metric_anomalies (
    incident_id VARCHAR NOT NULL,
    asset_id VARCHAR NOT NULL,
    metric VARCHAR NOT NULL,
    labels VARCHAR NOT NULL DEFAULT '',
    unit VARCHAR NOT NULL DEFAULT '',
    window_start TIMESTAMPTZ NOT NULL,
    window_end TIMESTAMPTZ NOT NULL,
    baseline DOUBLE NOT NULL,
    peak DOUBLE NOT NULL,
    ratio DOUBLE,
    zscore DOUBLE,
    direction VARCHAR NOT NULL,
    points INTEGER NOT NULL,
    baseline_end TIMESTAMPTZ NOT NULL,
    method VARCHAR NOT NULL
);
-- One span from OTLP, Jaeger or Zipkin; trace ids are 32 lowercase hex digits (shorter ids left-padded with 0).
CREATE TABLE spans (
    incident_id VARCHAR NOT NULL,
    asset_id VARCHAR NOT NULL,
    trace_id VARCHAR NOT NULL,
    span_id VARCHAR NOT NULL,
    parent_id VARCHAR,
    service VARCHAR NOT NULL DEFAULT '',
    name VARCHAR NOT NULL DEFAULT '',
    span_kind VARCHAR NOT NULL DEFAULT '',
    start_ts TIMESTAMPTZ NOT NULL,
    end_ts TIMESTAMPTZ NOT NULL,
    duration_ms DOUBLE NOT NULL,
    error BOOLEAN NOT NULL DEFAULT FALSE,
    status_message VARCHAR NOT NULL DEFAULT '',
    http_method VARCHAR,
    http_route VARCHAR,
    http_status INTEGER,
    db_statement VARCHAR,
    exception_type VARCHAR,
    exception_message VARCHAR,
    attributes JSON
);
-- One statement from a slow query log (MySQL, PostgreSQL or CSV).
CREATE TABLE sql_queries (
    incident_id VARCHAR NOT NULL,
    asset_id VARCHAR NOT NULL,
    line_no BIGINT NOT NULL,
    ts TIMESTAMPTZ,
    fingerprint_id VARCHAR NOT NULL,
    query_ms DOUBLE NOT NULL,
    lock_ms DOUBLE,
    rows_sent BIGINT,
    rows_examined BIGINT,
    db VARCHAR,
    user_host VARCHAR,
    statement VARCHAR NOT NULL
);
-- One statement shape per asset: literals masked, with what it touches and its totals over the whole file.
CREATE TABLE sql_fingerprints (
    incident_id VARCHAR NOT NULL,
    asset_id VARCHAR NOT NULL,
    fingerprint_id VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL,
    statement_kind VARCHAR NOT NULL,
    for_update BOOLEAN NOT NULL DEFAULT FALSE,
    tables VARCHAR NOT NULL DEFAULT '',
    parser VARCHAR NOT NULL,
    parse_note VARCHAR NOT NULL DEFAULT '',
    count BIGINT NOT NULL,
    total_ms DOUBLE NOT NULL,
    p95_ms DOUBLE NOT NULL,
    max_ms DOUBLE NOT NULL,
    lock_total_ms DOUBLE,
    rows_examined BIGINT,
    first_ts TIMESTAMPTZ,
    last_ts TIMESTAMPTZ,
    sample VARCHAR NOT NULL
);
