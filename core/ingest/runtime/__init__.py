"""Runtime signals: JVM metrics, distributed traces, slow SQL and HTTP access logs."""

from __future__ import annotations

from core.ingest.runtime.access_log import ACCESS_FORMAT
from core.ingest.runtime.metrics import CANONICAL, canonical_name, ingest_metrics_file, series_anomalies
from core.ingest.runtime.slow_sql import Fingerprint, fingerprint_sql, ingest_slow_sql_file
from core.ingest.runtime.traces import PathStep, critical_path, ingest_trace_file

__all__ = [
    "ACCESS_FORMAT", "CANONICAL", "Fingerprint", "PathStep", "canonical_name", "critical_path", "fingerprint_sql",
    "ingest_metrics_file", "ingest_slow_sql_file", "ingest_trace_file", "series_anomalies",
]
