"""Application logs: line layouts, parsing into entries, stack traces, and templates (see `logs.templates`)."""

from __future__ import annotations

from core.ingest.logs.layouts import (
    ACCESS_FORMAT,
    AUTO,
    JSON_LINES,
    LAYOUTS,
    LogLayout,
    check_log_format,
    detect_layout,
    log_formats,
)
from core.ingest.logs.log_file import LogIngestResult, ingest_log_file
from core.ingest.logs.stacktrace import ParsedTrace, fingerprint, parse_trace

__all__ = [
    "ACCESS_FORMAT", "AUTO", "JSON_LINES", "LAYOUTS", "LogIngestResult", "LogLayout", "ParsedTrace", "check_log_format",
    "detect_layout", "fingerprint", "ingest_log_file", "log_formats", "parse_trace",
]
