"""Read OTLP JSON, Jaeger JSON and Zipkin v2 JSON exports into one span shape."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.errors import IngestError
from core.ingest.runtime._common import epoch_to_datetime, to_float

__all__ = ["ParsedTraces", "SpanRecord", "norm_span_id", "norm_trace_id", "parse_traces"]

_HEX = re.compile(r"^[0-9a-f]+$")
_KINDS = {"1": "INTERNAL", "2": "SERVER", "3": "CLIENT", "4": "PRODUCER", "5": "CONSUMER"}


@dataclass
class SpanRecord:
    trace_id: str
    span_id: str
    parent_id: str | None
    service: str
    name: str
    span_kind: str
    start_ts: datetime
    end_ts: datetime
    duration_ms: float
    error: bool
    status_message: str = ""
    http_method: str | None = None
    http_route: str | None = None
    http_status: int | None = None
    db_statement: str | None = None
    exception_type: str | None = None
    exception_message: str | None = None
    attributes: dict[str, object] = field(default_factory=dict)


@dataclass
class ParsedTraces:
    format: str
    spans: list[SpanRecord] = field(default_factory=list)
    skipped: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1


def _hex_id(raw: object, width: int) -> str | None:
    if raw is None:
        return None
    text = str(raw).strip().lower().removeprefix("0x")
    if not text or set(text) == {"0"}:
        return None
    if not _HEX.match(text):
        # OTLP/JSON says hex, but protobuf's default JSON mapping writes bytes as base64.
        try:
            decoded = base64.b64decode(str(raw).strip(), validate=True)
        except (binascii.Error, ValueError):
            return None
        if len(decoded) not in (8, 16):
            return None
        text = decoded.hex()
    return text.zfill(width) if len(text) <= width else None


def norm_trace_id(raw: object) -> str | None:
    """32 lowercase hex digits (64-bit ids left-padded with zeros, as W3C trace context does), or None."""
    return _hex_id(raw, 32)


def norm_span_id(raw: object) -> str | None:
    return _hex_id(raw, 16)


def _enrich(span: SpanRecord) -> SpanRecord:
    a = span.attributes
    span.http_method = _first(a, "http.request.method", "http.method")
    span.http_route = _first(a, "http.route", "http.path", "url.path", "http.target")
    status = to_float(_first(a, "http.response.status_code", "http.status_code"))
    span.http_status = int(status) if status is not None else None
    span.db_statement = _first(a, "db.query.text", "db.statement", "sql.query")
    span.exception_type = span.exception_type or _first(a, "exception.type", "error.type", "error.kind")
    span.exception_message = span.exception_message or _first(a, "exception.message", "error.message")
    return span


def _first(attrs: dict[str, object], *keys: str) -> str | None:
    for key in keys:
        value = attrs.get(key)
        if value is not None and value != "":
            return str(value)[:4000]
    return None


def _span(trace: object, span: object, parent: object, service: str, name: str, kind: str, start: object,
          end: object, error: bool, attributes: dict[str, object], out: ParsedTraces) -> SpanRecord | None:
    trace_id, span_id = norm_trace_id(trace), norm_span_id(span)
    if trace_id is None or span_id is None:
        out.skip("no trace or span id")
        return None
    start_ts = epoch_to_datetime(float(start)) if isinstance(start, int | float) else None
    end_ts = epoch_to_datetime(float(end)) if isinstance(end, int | float) else None
    if start_ts is None or end_ts is None:
        out.skip("no readable start/end time")
        return None
    if end_ts < start_ts:
        out.skip("end before start")
        return None
    return SpanRecord(
        trace_id=trace_id, span_id=span_id, parent_id=norm_span_id(parent), service=service or "?", name=name or "?",
        span_kind=kind, start_ts=start_ts, end_ts=end_ts,
        duration_ms=(end_ts - start_ts).total_seconds() * 1000.0, error=error, attributes=attributes,
    )


# --- OTLP JSON -------------------------------------------------------------------------------


def _otlp_value(value: object) -> object:
    if not isinstance(value, dict):
        return value
    for key in ("stringValue", "boolValue", "doubleValue"):
        if key in value:
            return value[key]
    if "intValue" in value:
        return int(value["intValue"])
    if "arrayValue" in value:
        return [_otlp_value(v) for v in (value["arrayValue"] or {}).get("values", [])]
    if "kvlistValue" in value:
        return _otlp_attrs((value["kvlistValue"] or {}).get("values", []))
    return None


def _otlp_attrs(items: object) -> dict[str, object]:
    if not isinstance(items, list):
        return {}
    return {str(i["key"]): _otlp_value(i.get("value")) for i in items if isinstance(i, dict) and "key" in i}


def _nanos(value: object) -> float | None:
    number = to_float(value)
    return number if number and number > 0 else None


def _otlp(docs: list[dict[str, Any]], out: ParsedTraces) -> None:
    for doc in docs:
        for resource_spans in doc.get("resourceSpans") or []:
            resource = _otlp_attrs((resource_spans.get("resource") or {}).get("attributes"))
            service = str(resource.get("service.name") or "")
            scopes = resource_spans.get("scopeSpans") or resource_spans.get("instrumentationLibrarySpans") or []
            for scope in scopes:
                for raw in scope.get("spans") or []:
                    if not isinstance(raw, dict):
                        out.skip("not an object")
                        continue
                    attrs = _otlp_attrs(raw.get("attributes"))
                    status = raw.get("status") or {}
                    code = str(status.get("code", "")).upper()
                    kind = str(raw.get("kind", "")).upper().removeprefix("SPAN_KIND_")
                    record = _span(
                        raw.get("traceId"), raw.get("spanId"), raw.get("parentSpanId"), service,
                        str(raw.get("name", "")), _KINDS.get(kind, kind),
                        _nanos(raw.get("startTimeUnixNano")), _nanos(raw.get("endTimeUnixNano")),
                        code in ("2", "STATUS_CODE_ERROR", "ERROR"), attrs, out,
                    )
                    if record is None:
                        continue
                    record.status_message = str(status.get("message") or "")[:2000]
                    for event in raw.get("events") or []:
                        if isinstance(event, dict) and event.get("name") == "exception":
                            ev = _otlp_attrs(event.get("attributes"))
                            record.exception_type = record.exception_type or _first(ev, "exception.type")
                            record.exception_message = record.exception_message or _first(ev, "exception.message")
                    out.spans.append(_enrich(record))


# --- Jaeger JSON -----------------------------------------------------------------------------


def _jaeger(doc: dict[str, object], out: ParsedTraces) -> None:
    for trace in doc.get("data") or []:  # type: ignore[attr-defined]
        processes = trace.get("processes") or {}
        for raw in trace.get("spans") or []:
            if not isinstance(raw, dict):
                out.skip("not an object")
                continue
            tags = {str(t.get("key")): t.get("value") for t in raw.get("tags") or [] if isinstance(t, dict)}
            parent = next((r.get("spanID") for r in raw.get("references") or []
                           if isinstance(r, dict) and r.get("refType", "CHILD_OF") == "CHILD_OF"), None)
            process = processes.get(raw.get("processID")) or raw.get("process") or {}
            start, duration = to_float(raw.get("startTime")), to_float(raw.get("duration"))
            error = (str(tags.get("error", "")).lower() == "true"
                     or str(tags.get("otel.status_code", "")).upper() == "ERROR")
            record = _span(
                raw.get("traceID"), raw.get("spanID"), parent, str(process.get("serviceName", "")),
                str(raw.get("operationName", "")), str(tags.get("span.kind", "")).upper(),
                start, start + duration if start is not None and duration is not None else None, error, tags, out,
            )
            if record is None:
                continue
            record.status_message = str(tags.get("otel.status_description") or "")
            for entry in raw.get("logs") or []:
                fields = {str(f.get("key")): f.get("value")
                          for f in (entry or {}).get("fields") or [] if isinstance(f, dict)}
                if fields.get("event") in ("error", "exception") or "exception.type" in fields:
                    record.exception_type = (record.exception_type
                                             or _first(fields, "exception.type", "error.kind", "error.object"))
                    record.exception_message = (record.exception_message
                                                or _first(fields, "exception.message", "message"))
            out.spans.append(_enrich(record))


# --- Zipkin v2 JSON --------------------------------------------------------------------------


def _zipkin_spans(value: list[object]) -> Iterator[object]:
    for item in value:
        if isinstance(item, list):  # a list of traces, each a list of spans
            yield from item
        else:
            yield item


def _zipkin(value: list[object], out: ParsedTraces) -> None:
    for raw in _zipkin_spans(value):
        if not isinstance(raw, dict):
            out.skip("not an object")
            continue
        tags = {str(k): v for k, v in (raw.get("tags") or {}).items()}
        start, duration = to_float(raw.get("timestamp")), to_float(raw.get("duration"))
        endpoint = raw.get("localEndpoint") or {}
        record = _span(
            raw.get("traceId"), raw.get("id"), raw.get("parentId"), str(endpoint.get("serviceName", "")),
            str(raw.get("name", "")), str(raw.get("kind", "")).upper(), start,
            start + (duration or 0.0) if start is not None else None, "error" in tags, tags, out,
        )
        if record is None:
            continue
        record.status_message = str(tags.get("error") or "")[:2000]
        out.spans.append(_enrich(record))


def parse_traces(value: object, name: str) -> ParsedTraces:
    """Spans from a parsed JSON document (or JSON lines, given as a list).

    Raises:
        IngestError: the JSON is none of OTLP, Jaeger or Zipkin v2.
    """
    docs = value if isinstance(value, list) else [value]
    dicts = [d for d in docs if isinstance(d, dict)]
    if dicts and all("resourceSpans" in d for d in dicts):
        out = ParsedTraces("otlp-json")
        _otlp(dicts, out)
    elif isinstance(value, dict) and isinstance(value.get("data"), list):
        out = ParsedTraces("jaeger-json")
        _jaeger(value, out)
    elif isinstance(value, list) and any(isinstance(s, dict | list) for s in value) and _looks_zipkin(value):
        out = ParsedTraces("zipkin-v2")
        _zipkin(value, out)
    else:
        keys = sorted(value)[:6] if isinstance(value, dict) else type(value).__name__
        raise IngestError(
            f"{name}: unknown trace format (top level: {json.dumps(keys)}); expected OTLP JSON (resourceSpans), "
            "Jaeger JSON (data[].spans) or Zipkin v2 JSON (a list of spans with traceId and id)."
        )
    return out


def _looks_zipkin(value: list[object]) -> bool:
    sample = [s for s in _zipkin_spans(value[:50]) if isinstance(s, dict)]
    return bool(sample) and sum("traceId" in s and "id" in s for s in sample) >= len(sample) / 2
