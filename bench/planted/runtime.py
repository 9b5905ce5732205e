"""Runtime signals of one planted incident: a request simulation and the files real systems would write.

Everything is derived from one seeded simulation so logs, metrics, traces, access and slow logs agree:
a request that timed out waiting for a pooled connection is the same request in the app log (stack),
the ingress log (status, time), the trace (error span) and the pool metrics (pending at that moment).
"""

from __future__ import annotations

import bisect
import csv
import heapq
import json
import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

# ---------------------------------------------------------------- time


def stamp(moment: float, zone: timezone) -> str:
    local = datetime.fromtimestamp(moment, zone)
    return local.strftime("%Y-%m-%d %H:%M:%S.") + f"{local.microsecond // 1000:03d}"


def abbreviate(name: str, target: int = 36) -> str:
    """Logback's %logger{N}."""
    if name.startswith("org.apache.catalina.core.ContainerBase.[Tomcat]"):
        return "o.a.c.c.C.[.[.[/].[dispatcherServlet]"  # what Logback prints for Tomcat's servlet logger
    if len(name) <= target:
        return name
    parts = name.split(".")
    to_trim = len(name) - target
    out = []
    for part in parts[:-1]:
        if to_trim > 0 and len(part) > 1:
            to_trim -= len(part) - 1
            out.append(part[0])
        else:
            out.append(part)
    return ".".join([*out, parts[-1]])


# ---------------------------------------------------------------- stack traces


@dataclass
class Exc:
    """One exception of a chain: its own top frames; the rest is shared with the enclosing trace."""
    type: str
    message: str | None
    frames: list[str]


def format_chain(chain: list[Exc]) -> list[str]:
    """Java's printStackTrace: the first exception in full, each cause with `... N more`."""
    lines: list[str] = []
    enclosing: list[str] = []
    for index, exc in enumerate(chain):
        head = exc.type if exc.message is None else f"{exc.type}: {exc.message}"
        lines.append(head if index == 0 else f"Caused by: {head}")
        frames = exc.frames
        common = 0
        while (common < len(frames) and common < len(enclosing)
               and frames[-1 - common] == enclosing[-1 - common]):
            common += 1
        for frame in frames[: len(frames) - common]:
            lines.append(f"\tat {frame}")
        if common:
            lines.append(f"\t... {common} more")
        enclosing = frames
    return lines


# ---------------------------------------------------------------- the request simulation


@dataclass
class Route:
    name: str
    method: str
    route: str                    # http.route, e.g. /owners/{ownerId}
    paths: Callable[[random.Random], str]
    weight: float
    controller: str               # FQN of the handler class
    handler: str                  # handler method name
    base_ms: float                # median service time without DB
    db_ms: float = 0.0            # median connection hold time (0: no DB)
    sql: list[tuple[str, str, str]] = field(default_factory=list)  # (operation, table, statement)
    bytes: int = 4000
    description: str = ""        # mall @ApiOperation text
    auth: bool = False            # carries a member JWT (mall)
    ok_status: int = 200          # what a successful call answers (302 for form posts)


@dataclass
class Request:
    arrival: float
    route: Route
    path: str
    client: str
    trace_id: str
    thread: str
    version: str
    pre: float = 0.005           # time before asking for a connection
    hold: float = 0.0            # connection hold time
    post: float = 0.004          # time after the DB work
    leak: bool = False
    fail: str | None = None      # case-specific failure key (app exception)
    slow_sql: tuple[str, int, int] | None = None  # (statement, rows_examined, rows_sent) if slow
    remote: list[dict] = field(default_factory=list)  # downstream calls (url, method, status, took, error)
    acquired: float | None = None
    end: float = 0.0
    status: int = 200
    pool_timeout: bool = False
    waiting_at_failure: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def duration(self) -> float:
        return self.end - self.arrival

    @property
    def failed(self) -> bool:
        return self.status >= 500


@dataclass
class Scenario:
    seed: str
    zone: timezone
    start: datetime               # window start
    end: datetime                 # window end
    deploy: datetime              # new version starts serving (old pod stops ~25 s before)
    onset: datetime
    version_before: str
    version_after: str
    routes: list[Route]
    rate: Callable[[float], float]                      # requests per second at a moment
    pool_size: Callable[[float], int]
    pool_timeout_s: Callable[[float], float]
    shape: Callable[[Request, random.Random], None]     # the case: sets hold, fail, slow_sql, remote, leak...
    clients: list[str] = field(default_factory=lambda: [f"10.42.{i % 7}.{20 + i * 13 % 200}" for i in range(40)])
    weights: Callable[[float, Route], float] | None = None
    tomcat_threads: int = 200
    gateway_timeout_s: float = 60.0                     # ingress proxy_read_timeout
    pool_is_threads: bool = False                       # the simulated pool is Tomcat's worker pool, not JDBC


def _poisson(rng: random.Random, mean: float) -> int:
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def simulate(sc: Scenario) -> list[Request]:
    rng = random.Random(sc.seed)
    start, end = sc.start.timestamp(), sc.end.timestamp()
    deploy = sc.deploy.timestamp()
    gap = (deploy - 25.0, deploy)  # rolling restart: the old pod drains, the new one warms up
    requests: list[Request] = []
    second = start
    while second < end:
        if gap[0] <= second < gap[1]:
            second += 1.0
            continue
        n = _poisson(rng, sc.rate(second))
        weights = [(sc.weights(second, r) if sc.weights else r.weight) for r in sc.routes]
        for _ in range(n):
            route = rng.choices(sc.routes, weights)[0]
            arrival = second + rng.random()
            req = Request(arrival=arrival, route=route, path=route.paths(rng), client=rng.choice(sc.clients),
                          trace_id=f"{rng.getrandbits(128):032x}", thread="",
                          version=sc.version_after if arrival >= deploy else sc.version_before)
            req.pre = route.base_ms / 1000.0 * 0.4 * rng.lognormvariate(0, 0.25)
            req.post = route.base_ms / 1000.0 * 0.6 * rng.lognormvariate(0, 0.25)
            req.hold = route.db_ms / 1000.0 * rng.lognormvariate(0, 0.35) if route.db_ms else 0.0
            sc.shape(req, rng)
            requests.append(req)
        second += 1.0
    requests.sort(key=lambda r: r.arrival)
    # connection pool (one per JVM generation), FIFO waiting with a timeout
    for generation in (0, 1):
        lo, hi = (start, gap[0]) if generation == 0 else (deploy, end + 1e9)
        users = [r for r in requests if lo <= r.arrival < hi and r.hold > 0]
        if not users:
            continue
        size = sc.pool_size(users[0].arrival)
        free: list[float] = [lo] * size
        heapq.heapify(free)
        waiting_ends: list[float] = []
        for r in users:
            ask = r.arrival + r.pre
            earliest = heapq.heappop(free)
            timeout = sc.pool_timeout_s(ask)
            while waiting_ends and waiting_ends[0] <= ask:
                heapq.heappop(waiting_ends)
            if earliest - ask > timeout:
                heapq.heappush(free, earliest)
                r.pool_timeout = True
                r.end = ask + timeout + 0.002
                r.status = 500
                r.waiting_at_failure = len(waiting_ends) + 1
                heapq.heappush(waiting_ends, ask + timeout)
                continue
            r.acquired = max(ask, earliest)
            if r.acquired > ask:
                heapq.heappush(waiting_ends, r.acquired)
            release = math.inf if r.leak else r.acquired + r.hold
            heapq.heappush(free, release)
            r.end = (r.acquired + r.hold if r.hold else ask) + r.post
    for r in requests:
        if not r.end:
            r.end = r.arrival + r.pre + r.post + sum(c["took"] for c in r.remote)
        if r.fail and not r.pool_timeout:
            r.status = r.extra.get("status", 500)
        elif r.status == 200:
            r.status = r.route.ok_status
    # threads: Tomcat starts 10 workers, adds more up to the maximum when all are busy; idle workers take
    # new connections in the order they became idle
    busy: list[tuple[float, int]] = []
    idle = deque(range(1, 11))
    created = 10
    for r in requests:
        while busy and busy[0][0] <= r.arrival:
            _, worker = heapq.heappop(busy)
            idle.append(worker)
        if idle:
            worker = idle.popleft()
        elif created < sc.tomcat_threads:
            created += 1
            worker = created
        else:
            worker = 1 + int(r.trace_id[:4], 16) % sc.tomcat_threads
        r.thread = f"http-nio-8080-exec-{worker}"
        heapq.heappush(busy, (r.end, worker))
    return requests


class Level:
    """How many intervals contain a moment."""

    def __init__(self, intervals: list[tuple[float, float]]) -> None:
        self.starts = sorted(a for a, _ in intervals)
        self.ends = sorted(b for _, b in intervals)

    def at(self, moment: float) -> int:
        return bisect.bisect_right(self.starts, moment) - bisect.bisect_right(self.ends, moment)


# ---------------------------------------------------------------- the application log


class AppLog:
    PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] [%X{trace_id:-}] %logger{36} - %msg%n"

    def __init__(self, zone: timezone) -> None:
        self.zone = zone
        self.entries: list[tuple[float, int, list[str]]] = []
        self.stacks: dict[str, str] = {}

    def add(self, moment: float, level: str, thread: str, trace: str | None, logger: str, message: str,
            chain: list[Exc] | None = None) -> None:
        head = f"{stamp(moment, self.zone)} {level:<5} [{thread}] [{trace or ''}] {abbreviate(logger)} - {message}"
        body = format_chain(chain) if chain else []
        if chain and trace:
            self.stacks.setdefault(trace, "\n".join(body))
        self.entries.append((moment, len(self.entries), [head, *body]))

    def write(self, path: Path) -> int:
        out: list[str] = []
        for _, _, lines in sorted(self.entries, key=lambda e: (round(e[0], 3), e[1])):
            out.extend(lines)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
        return len(self.entries)


# ---------------------------------------------------------------- ingress access log


def write_ingress_log(path: Path, requests: list[Request], sc: Scenario, upstream: str, pod_ips: tuple[str, str],
                      agents: list[str], port: int = 8080) -> None:
    """ingress-nginx's default log format; a request the app held past proxy_read_timeout is a 504 here."""
    rng = random.Random(f"{sc.seed}-ingress")
    lines = []
    deploy = sc.deploy.timestamp()
    for r in requests:
        took = r.duration
        status = r.status
        upstream_status = str(r.status)
        if took > sc.gateway_timeout_s:
            took, status, upstream_status = sc.gateway_timeout_s + 0.001, 504, "504"
        size = 0 if status >= 500 else int(r.route.bytes * rng.uniform(0.8, 1.2))
        if status >= 500:
            size = 160 if status == 504 else 0
        local = datetime.fromtimestamp(r.arrival, sc.zone)
        stamp_text = local.strftime("%d/%b/%Y:%H:%M:%S %z")
        agent = agents[int(r.trace_id[:2], 16) % len(agents)]
        pod = pod_ips[1] if r.arrival >= deploy else pod_ips[0]
        lines.append((r.arrival,
                      (f'{r.client} - - [{stamp_text}] "{r.route.method} {r.path} HTTP/1.1" {status} {size} "-" '
                      f'"{agent}" {rng.randint(380, 720)} {took:.3f} [{upstream}] [] {pod}:{port} {size} '
                      f'{took - 0.001 if took > 0.001 else took:.3f} {upstream_status} {r.trace_id[:32]}')))
    lines.sort(key=lambda x: x[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for _, line in lines), encoding="utf-8")


# ---------------------------------------------------------------- metrics


@dataclass
class PoolNames:
    max: str
    active: str
    idle: str
    pending: str
    extra: dict[str, str] = field(default_factory=dict)


HIKARI = PoolNames("hikaricp_connections_max", "hikaricp_connections_active", "hikaricp_connections_idle",
                   "hikaricp_connections_pending", {"timeouts": "hikaricp_connections_timeout_total"})
DRUID = PoolNames("druid_connections_max", "druid_connections_active", "druid_connections_idle",
                  "druid_connections_waiting", {"timeouts": "druid_connections_not_available_total"})


def write_metrics(path: Path, requests: list[Request], sc: Scenario, pool: PoolNames, instance: tuple[str, str],
                  heap_max_mb: int = 2048, leak_mb_per_min: float = 0.0, step: float = 15.0) -> None:
    rng = random.Random(f"{sc.seed}-metrics")
    deploy = sc.deploy.timestamp()
    in_flight = Level([(r.arrival, r.end) for r in requests])
    db = [r for r in requests if r.hold > 0]
    active = Level([(r.acquired, math.inf if r.leak else r.acquired + r.hold) for r in db if r.acquired is not None])
    pending = Level([(r.arrival + r.pre, r.acquired if r.acquired is not None else r.end) for r in db])
    ends = sorted(requests, key=lambda r: r.end)
    end_times = [r.end for r in ends]
    timeouts = sorted(r.end for r in db if r.pool_timeout)
    rows = []
    heap, old, gc_count = 640.0, 330.0, 21840
    moment = sc.start.timestamp()
    restarted = False
    while moment <= sc.end.timestamp() + 1e-6:
        if deploy - 25.0 < moment < deploy + 2.0:
            moment += step
            continue
        if moment >= deploy and not restarted:
            heap, old, gc_count, restarted = 220.0, 150.0, 0, True
        window = ends[bisect.bisect_right(end_times, moment - step):bisect.bisect_right(end_times, moment)]
        rate = len(window) / step
        errors = sum(1 for r in window if r.failed) / step
        durations = sorted(r.duration for r in window)
        p99 = durations[min(len(durations) - 1, math.ceil(0.99 * len(durations)) - 1)] * 1000 if durations else 0.0
        size = sc.pool_size(moment)
        in_use = min(size, active.at(moment))
        waiting = pending.at(moment)
        busy = min(sc.tomcat_threads, in_flight.at(moment))
        if sc.pool_is_threads:
            busy, size, waiting = in_use, 20, 0
            in_use = min(size, rng.randint(0, 2) + (1 if rate > 5 else 0))
        allocated = step * (2.0 + 8.5 * rate) * rng.uniform(0.85, 1.15)
        heap += allocated
        pauses, collections = 0.0, 0
        old += leak_mb_per_min * step / 60.0 if moment >= deploy else 0.0
        while heap > heap_max_mb * 0.56:
            collections += 1
            pauses += rng.uniform(6.0, 18.0)
            old += rng.uniform(1.0, 3.0)
            if old > heap_max_mb * 0.26 and not leak_mb_per_min:
                old = heap_max_mb * rng.uniform(0.14, 0.16)
                pauses += rng.uniform(10.0, 25.0)
            heap = old + rng.uniform(40.0, 90.0) + (heap - heap_max_mb * 0.56) * 0.1
        gc_count += collections
        version = sc.version_after if moment >= deploy else sc.version_before
        rows.append({
            "timestamp": datetime.fromtimestamp(moment, sc.zone).isoformat(),
            "instance": instance[1] if moment >= deploy else instance[0],
            "service_version": version,
            "jvm_memory_heap_used_mb": round(heap, 1), "jvm_memory_heap_max_mb": heap_max_mb,
            "jvm_gc_pause_ms": round(pauses, 1), "jvm_gc_count": gc_count,
            "jvm_threads_live": 52 + max(10, busy) + rng.randint(0, 2),
            "jvm_threads_blocked": rng.randint(0, 1),
            "tomcat_threads_busy": busy,
            "process_cpu_usage": round(min(0.97, 0.03 + 0.012 * rate + rng.uniform(0, 0.02)), 4),
            pool.max: size, pool.active: in_use, pool.idle: max(0, size - in_use), pool.pending: waiting,
            pool.extra["timeouts"]: sum(1 for t in timeouts if (deploy if moment >= deploy else 0) < t <= moment),
            "http_server_requests_per_s": round(rate, 3),
            "http_server_errors_per_s": round(errors, 3),
            "http_server_requests_p99_ms": round(p99, 1),
        })
        moment += step
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


# ---------------------------------------------------------------- traces (OTLP/JSON)


def _value(value: object) -> dict:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    return {"stringValue": str(value)[:4096]}


def _attrs(values: dict) -> list[dict]:
    return [{"key": k, "value": _value(v)} for k, v in values.items() if v is not None]


def _nanos(moment: float) -> str:
    return str(round(moment * 1_000_000) * 1000)


@dataclass
class TraceSpec:
    service: str
    namespace: str
    host: str
    db_name: str
    db_host: str
    java: str
    error_of: Callable[[Request], tuple[str, str] | None]   # (exception type, message) on the handler span
    inner: Callable[[Request], list[tuple[str, str, str]]] = lambda r: []  # extra (class, method, scope) spans


def write_traces(path: Path, requests: list[Request], sc: Scenario, spec: TraceSpec, stacks: dict[str, str],
                 sample_every: int = 40) -> int:
    chosen = [r for r in requests if (r.failed and int(r.trace_id[4:6], 16) % 4 == 0)
              or int(r.trace_id[:4], 16) % sample_every == 0
              or (r.duration > 3.0 and int(r.trace_id[:4], 16) % 4 == 0)]
    by_version: dict[str, list[dict]] = {}
    for r in chosen:
        rng = random.Random(r.trace_id)

        def span(name: str, kind: int, t0: float, t1: float, parent: str | None, attrs: dict,
                 error: tuple[str, str] | None = None, stack: str | None = None, status_error: bool | None = None,
                 _r: Request = r, _rng: random.Random = rng) -> str:
            sid = f"{_rng.getrandbits(64):016x}"
            s: dict = {"traceId": _r.trace_id, "spanId": sid, "name": name, "kind": kind,
                       "startTimeUnixNano": _nanos(t0), "endTimeUnixNano": _nanos(t1), "attributes": _attrs(attrs),
                       "status": {}}
            if parent:
                s["parentSpanId"] = parent
            if error:
                ev = {"exception.type": error[0], "exception.message": error[1]}
                if stack:
                    ev["exception.stacktrace"] = stack
                s["events"] = [{"timeUnixNano": _nanos(t1), "name": "exception", "attributes": _attrs(ev)}]
            if (status_error if status_error is not None else error is not None):
                s["status"] = {"code": 2, "message": error[1] if error else ""}
            by_version.setdefault(_r.version, []).append(s)
            return sid

        route = r.route
        root = span(f"{route.method} {route.route}", 2, r.arrival, r.end, None, {
            "http.request.method": route.method, "http.route": route.route, "url.path": r.path.split("?")[0],
            "url.scheme": "http", "server.address": spec.host, "server.port": 8080,
            "http.response.status_code": r.status, "client.address": r.client,
            "error.type": str(r.status) if r.status >= 500 else None}, status_error=r.status >= 500)
        error = spec.error_of(r)
        ctrl = span(f"{route.controller.rsplit('.', 1)[1]}.{route.handler}", 1, r.arrival + 0.0004, r.end - 0.0003,
                    root, {"code.namespace": route.controller, "code.function": route.handler}, error,
                    stacks.get(r.trace_id))
        parent = ctrl
        for cls, method, _scope in spec.inner(r):
            parent = span(f"{cls.rsplit('.', 1)[1]}.{method}", 1, r.arrival + 0.0006, r.end - 0.0006, parent,
                          {"code.namespace": cls, "code.function": method})
        if r.acquired is not None and route.sql:
            t = r.acquired
            share = r.hold / len(route.sql)
            for op, table, statement in route.sql:
                took = share
                stmt = statement
                if r.slow_sql and table in r.slow_sql[0]:
                    stmt = r.slow_sql[0]
                span(f"{op} {spec.db_name}.{table}", 3, t, t + took, parent, {
                    "db.system": "mysql", "db.name": spec.db_name, "db.operation": op, "db.sql.table": table,
                    "db.statement": stmt, "server.address": spec.db_host, "server.port": 3306})
                t += took
        t = r.arrival + r.pre
        for call in r.remote:
            host = call["url"].split("/")[2]
            err = None
            if call.get("error"):
                kind, msg = call["error"].split(": ", 1)
                err = (kind, msg)
            span(call["method"], 3, t, t + call["took"], parent, {
                "http.request.method": call["method"], "url.full": call["url"], "server.address": host,
                "server.port": 443, "http.response.status_code": call.get("status"),
                "error.type": err[0] if err else None}, err)
            t += call["took"]
    resource_spans = []
    for version in sorted(by_version):
        resource = {"service.name": spec.service, "service.namespace": spec.namespace, "service.version": version,
                    "deployment.environment": "prod", "process.runtime.name": "OpenJDK Runtime Environment",
                    "process.runtime.version": spec.java, "telemetry.sdk.language": "java",
                    "telemetry.sdk.name": "opentelemetry", "telemetry.sdk.version": "1.44.1"}
        spans = sorted(by_version[version], key=lambda s: (int(s["startTimeUnixNano"]), s["spanId"]))
        resource_spans.append({"resource": {"attributes": _attrs(resource)}, "scopeSpans": [
            {"scope": {"name": "io.opentelemetry.javaagent", "version": "2.10.0"}, "spans": spans}]})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"resourceSpans": resource_spans}, ensure_ascii=False, separators=(",", ":")) + "\n",
                    encoding="utf-8")
    return len(chosen)


# ---------------------------------------------------------------- MySQL slow log


SLOW_HEADER = ("/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:\n"
               "Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock\n"
               "Time                 Id Command    Argument\n")


def slow_entry(end: float, took: float, lock: float, user: str, host: str, conn: int, sent: int, examined: int,
               statement: str, db: str | None) -> str:
    return (f"# Time: {datetime.fromtimestamp(end, UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}\n"
            f"# User@Host: {user}[{user}] @  [{host}]  Id: {conn}\n"
            f"# Query_time: {took:.6f}  Lock_time: {lock:.6f} Rows_sent: {sent}  Rows_examined: {examined}\n"
            + (f"use {db};\n" if db else "")
            + f"SET timestamp={int(end - took)};\n{statement.rstrip(';')};\n")


def write_slow_log(path: Path, requests: list[Request], sc: Scenario, user: str, pod_ips: tuple[str, str],
                   background: list[tuple[float, float, str, str, int, int, int, str]], db: str,
                   threshold: float = 1.0) -> int:
    """Slow statements of the simulated requests plus `background` (moment, took, user, host, conn, examined,
    sent, statement) entries that were slow before the incident too (reports, batch jobs)."""
    rng = random.Random(f"{sc.seed}-slow")
    deploy = sc.deploy.timestamp()
    entries = []
    seen: set[int] = set()
    for r in requests:
        if r.acquired is None or not r.slow_sql:
            continue
        statement, examined, sent = r.slow_sql
        took = r.extra.get("sql_s", r.hold * 0.97)
        if took < threshold:
            continue
        conn = (51877 if r.arrival >= deploy else 48211) + int(r.trace_id[4:6], 16) % 20
        end = r.acquired + took
        entries.append((end, slow_entry(end, took, rng.uniform(0.000004, 0.00003), user,
                                        pod_ips[1] if r.arrival >= deploy else pod_ips[0], conn, sent, examined,
                                        statement, db if conn not in seen else None)))
        seen.add(conn)
    for moment, took, buser, host, conn, examined, sent, statement in background:
        entries.append((moment, slow_entry(moment, took, rng.uniform(0.000004, 0.00002), buser, host, conn, sent,
                                           examined, statement, db)))
    entries.sort(key=lambda e: e[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SLOW_HEADER + "".join(text for _, text in entries), encoding="utf-8")
    return len(entries)


def at(base: datetime, **delta: float) -> float:
    return (base + timedelta(**delta)).timestamp()
