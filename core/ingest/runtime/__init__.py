"""Runtime signals: JVM metrics, distributed traces and slow SQL (HTTP access logs come in as a log layout).

The queries that read them back for fusion and the dashboard are in `core.signals`.
"""

from __future__ import annotations

from core.ingest.runtime.metrics import CANONICAL, canonical_name, ingest_metrics_file, metric_changes, series_anomalies
from core.ingest.runtime.slow_sql import Fingerprint, fingerprint_sql, ingest_slow_sql_file
from core.ingest.runtime.traces import PathStep, critical_path, ingest_trace_file

__all__ = [
    "CANONICAL", "Fingerprint", "PathStep", "canonical_name", "critical_path", "fingerprint_sql",
    "ingest_metrics_file", "ingest_slow_sql_file", "ingest_trace_file", "metric_changes", "series_anomalies",
]
