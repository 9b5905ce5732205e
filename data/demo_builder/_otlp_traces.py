"""Write runtime/traces/traces.json: OTLP/JSON spans for every failed request plus a sample of others."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

from . import _timeline as tl
from ._java_stacks import LOCK_SQL
from ._traffic import Request, Simulation

__all__ = ["traced_requests", "write_traces"]

_SERVER, _CLIENT, _INTERNAL = 2, 3, 1
_STATUS_ERROR = 2
_ATTRIBUTE_LIMIT = 4096  # otel.attribute.value.length.limit on the pod

_SCOPES = {
    "tomcat": ("io.opentelemetry.tomcat-10.0", "2.9.0-alpha"),
    "webmvc": ("io.opentelemetry.spring-webmvc-6.0", "2.9.0-alpha"),
    "annotations": ("io.opentelemetry.opentelemetry-instrumentation-annotations-1.16", "2.9.0-alpha"),
    "data": ("io.opentelemetry.spring-data-1.8", "2.9.0-alpha"),
    "jdbc": ("io.opentelemetry.jdbc", "2.9.0-alpha"),
    "http": ("io.opentelemetry.http-url-connection", "2.9.0-alpha"),
    "scheduling": ("io.opentelemetry.spring-scheduling-3.1", "2.9.0-alpha"),
}


def _value(value: object) -> dict[str, object]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    return {"stringValue": str(value)[:_ATTRIBUTE_LIMIT]}


def _attrs(values: dict[str, object]) -> list[dict[str, object]]:
    return [{"key": key, "value": _value(value)} for key, value in values.items() if value is not None]


def _nanos(moment: float) -> str:
    return str(round(moment * 1_000_000) * 1000)


class _Trace:
    def __init__(self, request: Request) -> None:
        self.request = request
        self.rng = random.Random(request.trace_id)
        self.spans: list[tuple[str, dict[str, object]]] = []

    def span(self, scope: str, name: str, kind: int, start: float, end: float, parent: str | None,
             attributes: dict[str, object], error: tuple[str, str] | None = None, error_status: bool | None = None,
             stacktrace: str | None = None) -> str:
        span_id = f"{self.rng.getrandbits(64):016x}"
        span: dict[str, object] = {
            "traceId": self.request.trace_id,
            "spanId": span_id,
            "name": name,
            "kind": kind,
            "startTimeUnixNano": _nanos(start),
            "endTimeUnixNano": _nanos(end),
            "attributes": _attrs(attributes),
            "status": {},
        }
        if parent:
            span["parentSpanId"] = parent
        if error:
            event_attrs: dict[str, object] = {"exception.type": error[0], "exception.message": error[1]}
            if stacktrace:
                event_attrs["exception.stacktrace"] = stacktrace
            span["events"] = [{"timeUnixNano": _nanos(end), "name": "exception", "attributes": _attrs(event_attrs)}]
        if error_status if error_status is not None else error is not None:
            span["status"] = {"code": _STATUS_ERROR, "message": error[1] if error else ""}
        self.spans.append((scope, span))
        return span_id


def _db(trace: _Trace, parent: str, call, statement: str | None = None, stacktrace: str | None = None) -> None:
    attrs = {
        "db.system": "mysql", "db.name": "shop", "db.user": "shop_app", "db.operation": call.operation,
        "db.sql.table": call.table, "db.statement": statement or call.statement,
        "server.address": "mysql-shop.acme.internal", "server.port": 3306,
    }
    error = None
    if call.error == "lock_timeout":
        error = ("com.mysql.cj.jdbc.exceptions.MySQLTransactionRollbackException",
                 "Lock wait timeout exceeded; try restarting transaction")
    trace.span("jdbc", f"{call.operation} shop.{call.table}", _CLIENT, call.start, call.end, parent, attrs, error,
               stacktrace=stacktrace)


def _remote(trace: _Trace, parent: str, call) -> None:
    host = call.url.split("/")[2]
    attrs = {"http.request.method": call.method, "url.full": call.url, "server.address": host,
             "server.port": 443 if call.url.startswith("https") else 80, "http.response.status_code": call.status}
    error = None
    if call.error:
        error_type, message = call.error.split(": ", 1)
        error = (error_type, message)
        attrs["error.type"] = error_type
    trace.span("http", call.method, _CLIENT, call.start, call.end, parent, attrs, error)


def _code(class_name: str, method: str) -> dict[str, object]:
    return {"code.namespace": class_name, "code.function": method}


def _server(trace: _Trace, r: Request) -> str:
    attrs = {
        "http.request.method": r.method, "http.route": r.route, "url.path": r.path, "url.scheme": "http",
        "server.address": "order-service.shop.svc.cluster.local", "server.port": 8080,
        "network.protocol.version": "1.1", "user_agent.original": "shop-bff/2.14.1 okhttp/4.12.0",
        "http.response.status_code": r.status,
    }
    if r.status >= 500:
        attrs["error.type"] = str(r.status)
    return trace.span("tomcat", f"{r.method} {r.route}", _SERVER, r.arrival, r.end, None, attrs,
                      error_status=r.status >= 500)


def _pool_error(r: Request) -> tuple[str, str]:
    return ("org.springframework.transaction.CannotCreateTransactionException",
            "Could not open JPA EntityManager for transaction")


def _build(r: Request, stacks: dict[str, str]) -> _Trace:
    trace = _Trace(r)
    lock = ("org.springframework.dao.PessimisticLockingFailureException",
            f"JDBC exception executing SQL [{LOCK_SQL}] [Lock wait timeout exceeded; try restarting transaction] [n/a]")
    if r.kind == "expiry_job":
        job = trace.span("scheduling", "ReservationExpiryJob.run", _INTERNAL, r.arrival, r.end, None,
                         _code("com.acme.shop.inventory.application.ReservationExpiryJob", "run"),
                         _pool_error(r) if r.outcome == "pool_timeout" else None, stacktrace=stacks.get(r.trace_id))
        for call in r.db:
            _db(trace, job, call)
        return trace
    root = _server(trace, r)
    inner_start, inner_end = r.arrival + 0.0003, r.end - 0.0002
    if r.kind == "place_order":
        controller_error = None
        if r.outcome in ("lock_timeout", "pool_timeout"):
            controller_error = ("com.acme.shop.shared.interfaces.rest.ServiceUnavailableException",
                                "Order placement is temporarily unavailable, please retry")
        controller = trace.span("webmvc", "OrderController.create", _INTERNAL, inner_start, inner_end, root,
                                _code("com.acme.shop.order.interfaces.rest.OrderController", "create"),
                                controller_error)
        if r.outcome == "pool_timeout":
            return trace
        failed = r.outcome == "lock_timeout"
        place = trace.span("annotations", "OrderApplicationService.placeOrder", _INTERNAL, r.acquired + 0.0001,
                           r.end - 0.001, controller,
                           _code("com.acme.shop.order.application.OrderApplicationService", "placeOrder"),
                           lock if failed else None)
        reserve_calls = [c for c in r.db if c.table == "inventory_item" and c.operation == "SELECT"]
        reserve_end = max([c.end for c in reserve_calls] + [c.end for c in r.remote])
        reserve = trace.span("annotations", "InventoryService.reserveStock", _INTERNAL, reserve_calls[0].start - 0.0001,
                             reserve_end + 0.0003, place,
                             _code("com.acme.shop.inventory.application.InventoryService", "reserveStock"),
                             lock if failed else None, stacktrace=stacks.get(r.trace_id))
        repository_method = "findBySkuForUpdate" if r.version == tl.VERSION_AFTER else "findAllBySkuIn"
        for index, call in enumerate(reserve_calls):
            repo_error = lock if call.error else None
            repo = trace.span("data", f"InventoryItemRepository.{repository_method}", _INTERNAL, call.start - 0.00005,
                              call.end + 0.00005, reserve,
                              _code("com.acme.shop.inventory.domain.repository.InventoryItemRepository",
                                    repository_method),
                              repo_error)
            _db(trace, repo, call, LOCK_SQL if r.version == tl.VERSION_AFTER else None)
            if index < len(r.remote):
                _remote(trace, reserve, r.remote[index])
        for call in r.db:
            if call not in reserve_calls:
                _db(trace, place, call)
    elif r.kind == "pay":
        controller = trace.span("webmvc", "PaymentController.pay", _INTERNAL, inner_start, inner_end, root,
                                _code("com.acme.shop.payment.interfaces.rest.PaymentController", "pay"),
                                _pool_error(r) if r.outcome == "pool_timeout" else None)
        if r.outcome == "pool_timeout":
            return trace
        pay = trace.span("annotations", "PaymentApplicationService.pay", _INTERNAL, r.acquired + 0.0001, r.end - 0.001,
                         controller, _code("com.acme.shop.payment.application.PaymentApplicationService", "pay"))
        lookup = trace.span("data", "PaymentRepository.findByIdempotencyKey", _INTERNAL, r.db[0].start - 0.00005,
                            r.db[0].end + 0.00005, pay,
                            _code("com.acme.shop.payment.domain.repository.PaymentRepository", "findByIdempotencyKey"))
        _db(trace, lookup, r.db[0])
        _remote(trace, pay, r.remote[0])
        _db(trace, pay, r.db[1])
    else:
        controller_class, method, repository, finder = {
            "get_order": ("com.acme.shop.order.interfaces.rest.OrderController", "get", "OrderRepository",
                          "findByOrderNo"),
            "get_inventory": ("com.acme.shop.inventory.interfaces.rest.InventoryController", "get",
                              "InventoryItemRepository", "findBySku"),
            "callback": ("com.acme.shop.payment.interfaces.rest.PaymentController", "callback", "PaymentRepository",
                         "findByPaymentNo"),
        }[r.kind]
        error = _pool_error(r) if r.outcome == "pool_timeout" else None
        controller = trace.span("webmvc", f"{controller_class.rsplit('.', 1)[1]}.{method}", _INTERNAL, inner_start,
                                inner_end, root, _code(controller_class, method), error)
        if r.kind == "get_inventory" and r.outcome == "pool_timeout":
            trace.span("data", f"{repository}.{finder}", _INTERNAL, inner_start + 0.0002, inner_end - 0.0004,
                       controller, {"code.function": finder}, error)
        for call in r.db:
            repo = trace.span("data", f"{repository}.{finder}", _INTERNAL, call.start - 0.00005, call.end + 0.00005,
                              controller, {"code.function": finder})
            _db(trace, repo, call)
    return trace


def traced_requests(sim: Simulation) -> list[Request]:
    """Every request that failed (5xx), plus a deterministic sample of the others."""
    chosen = []
    for r in sim.requests:
        if r.kind == "bad_request":
            continue
        sample = int(r.trace_id[:4], 16)
        slow_success = r.kind == "place_order" and r.status == 201 and r.duration > 8.0
        if r.failed or (slow_success and sample % 6 == 0) or (not slow_success and sample % 120 == 0):
            chosen.append(r)
    return chosen


def write_traces(path: Path, sim: Simulation, stacks: dict[str, str]) -> int:
    """Write traces.json; `stacks` maps trace ids to the logged stack trace text. Returns the trace count."""
    chosen = traced_requests(sim)
    grouped: dict[str, dict[str, list[dict[str, object]]]] = defaultdict(lambda: defaultdict(list))
    for r in chosen:
        for scope, span in _build(r, stacks).spans:
            grouped[r.version][scope].append(span)
    resource_spans = []
    for version in sorted(grouped):
        resource = {
            "service.name": "order-service", "service.namespace": "shop", "service.version": version[1:],
            "service.instance.id": tl.POD, "deployment.environment": "prod", "host.name": tl.POD,
            "k8s.namespace.name": "shop", "k8s.pod.name": tl.POD, "process.runtime.name": "OpenJDK Runtime Environment",
            "process.runtime.version": "17.0.12+7", "telemetry.sdk.language": "java",
            "telemetry.sdk.name": "opentelemetry", "telemetry.sdk.version": "1.43.0",
        }
        scope_spans = []
        for scope, (name, scope_version) in _SCOPES.items():
            spans = sorted(grouped[version].get(scope, []), key=lambda s: (int(s["startTimeUnixNano"]), s["spanId"]))
            if spans:
                scope_spans.append({"scope": {"name": name, "version": scope_version}, "spans": spans})
        resource_spans.append({"resource": {"attributes": _attrs(resource)}, "scopeSpans": scope_spans})
    path.write_text(json.dumps({"resourceSpans": resource_spans}, ensure_ascii=False, separators=(",", ":")) + "\n",
                    encoding="utf-8")
    return len(chosen)
