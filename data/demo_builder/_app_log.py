"""Write runtime/order-service.log (Logback text layout) and the JSON access log."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from . import _timeline as tl
from ._code_facts import CallSite
from ._java_stacks import (
    JvmRun,
    format_chain,
    gateway_timeout_chain,
    lock_timeout_chain,
    pool_timeout_chain,
)
from ._traffic import CATALOG, Request, Simulation

__all__ = ["LOG_PATTERN", "TEMPLATES", "abbreviate", "write_access_log", "write_app_log"]

LOG_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] [%X{traceId:--}] %logger{43} - %msg%n"
_LOGGER_WIDTH = 43
_SNAPSHOT = "20261118-03"

# Message templates as the code writes them (SLF4J placeholders), for the answer key and README.
TEMPLATES = {
    "order_failed": "Failed to place order for customer {} ({} lines)",
    "order_placed": "Order {} placed, total {}",
    "warehouse_slow": "仓库可用性确认较慢 warehouse={} sku={} qty={} took={}ms",
    "config_refresh_failed": (
        "Refresh of dataId=order-service.yaml group=DEFAULT_GROUP from config-center.acme.internal:8848 failed: "
        "java.net.ConnectException: Connection refused; keeping config snapshot " + _SNAPSHOT
        + " (consecutive failures: {})"
    ),
    "paygate_deprecated": (
        "PayGate API v2 (POST /v2/charges) is deprecated and will be removed on 2027-03-31; upgrade to "
        "paygate-java-sdk 3.x. This notice is logged at most once per minute."
    ),
}


def abbreviate(name: str, target: int = _LOGGER_WIDTH) -> str:
    """Logback's %logger{N}: shorten leading packages to one letter until the name fits."""
    if len(name) <= target:
        return name
    parts = name.split(".")
    to_trim = len(name) - target
    shortened = []
    for part in parts[:-1]:
        if to_trim > 0 and len(part) > 1:
            to_trim -= len(part) - 1
            shortened.append(part[0])
        else:
            shortened.append(part)
    return ".".join([*shortened, parts[-1]])


def _stamp(moment: float) -> str:
    local = datetime.fromtimestamp(moment, tl.ZONE)
    return local.strftime("%Y-%m-%d %H:%M:%S.") + f"{local.microsecond // 1000:03d}"


class _Log:
    def __init__(self) -> None:
        self.entries: list[tuple[float, int, list[str]]] = []
        self.stacks: dict[str, str] = {}  # trace id -> the stack trace logged for it

    def add(self, moment: float, level: str, thread: str, trace: str, logger: str, message: str,
            trace_lines: list[str] | None = None) -> None:
        head = f"{_stamp(moment)} {level:<5} [{thread}] [{trace or '-'}] {abbreviate(logger)} - {message}"
        if trace_lines and trace:
            self.stacks[trace] = "\n".join(trace_lines)
        self.entries.append((moment, len(self.entries), [head, *(trace_lines or [])]))

    def lines(self) -> list[str]:
        out: list[str] = []
        for _, _, lines in sorted(self.entries, key=lambda e: (round(e[0], 3), e[1])):
            out.extend(lines)
        return out


_SQL_HELPER = "org.hibernate.engine.jdbc.spi.SqlExceptionHelper"
_ORDER_CONTROLLER = "com.acme.shop.order.interfaces.rest.OrderController"
_PAYMENT_SERVICE = "com.acme.shop.payment.application.PaymentApplicationService"
_HANDLER = "com.acme.shop.shared.interfaces.rest.GlobalExceptionHandler"


def hikari_message(r: Request) -> str:
    took = round((r.end - r.arrival) * 1000) - 1
    return (f"HikariPool-1 - Connection is not available, request timed out after {took}ms "
            f"(total={tl.POOL_SIZE}, active={tl.POOL_SIZE}, idle=0, waiting={r.waiting_at_failure})")


def _request_events(log: _Log, r: Request, sites: Mapping[str, CallSite], run: JvmRun, minute_warned: set[int]) -> None:
    trace, thread = r.trace_id, r.thread
    if r.kind == "bad_request":
        log.add(r.end - 0.001, "WARN", thread, trace,
                "org.springframework.web.servlet.mvc.support.DefaultHandlerExceptionResolver",
                "Resolved [org.springframework.http.converter.HttpMessageNotReadableException: JSON parse error: "
                'Cannot deserialize value of type `int` from String "two": not a valid `int` value]')
        return
    if r.outcome == "pool_timeout":
        message = hikari_message(r)
        log.add(r.end - 0.0015, "WARN", thread, trace, _SQL_HELPER, "SQL Error: 0, SQLState: null")
        log.add(r.end - 0.0014, "ERROR", thread, trace, _SQL_HELPER, message)
        chain = format_chain(pool_timeout_chain(run, sites, r.kind, message))
        if r.kind == "place_order":
            log.add(r.end - 0.001, "ERROR", thread, trace, _ORDER_CONTROLLER,
                    f"Failed to place order for customer {r.customer_id} ({len(r.lines)} lines)", chain)
        elif r.kind == "expiry_job":
            log.add(r.end - 0.001, "ERROR", thread, trace,
                    "org.springframework.scheduling.support.TaskUtils$LoggingErrorHandler",
                    "Unexpected error occurred in scheduled task", chain)
        else:
            log.add(r.end - 0.001, "ERROR", thread, trace, _HANDLER, f"Unhandled error on {r.method} {r.path}", chain)
        return
    if r.kind == "place_order":
        for call in r.remote:
            took_ms = int((call.end - call.start) * 1000)
            if took_ms > 2000:
                sku = r.lines[r.remote.index(call)][0]
                quantity = r.lines[r.remote.index(call)][1]
                log.add(call.end + 0.0002, "WARN", thread, trace,
                        "com.acme.shop.inventory.infrastructure.WarehouseClient",
                        f"仓库可用性确认较慢 warehouse={CATALOG[sku][1]} sku={sku} qty={quantity} took={took_ms}ms")
        if r.outcome == "lock_timeout":
            failed_at = r.db[-1].end
            log.add(failed_at + 0.0001, "WARN", thread, trace, _SQL_HELPER, "SQL Error: 1205, SQLState: 40001")
            log.add(failed_at + 0.0002, "ERROR", thread, trace, _SQL_HELPER,
                    "Lock wait timeout exceeded; try restarting transaction")
            log.add(r.end - 0.0008, "ERROR", thread, trace, _ORDER_CONTROLLER,
                    f"Failed to place order for customer {r.customer_id} ({len(r.lines)} lines)",
                    format_chain(lock_timeout_chain(run, sites)))
        else:
            log.add(r.end - 0.0006, "INFO", thread, trace, _ORDER_CONTROLLER,
                    f"Order {r.order_no} placed, total CNY {r.amount}")
    elif r.kind == "pay":
        call = r.remote[0]
        minute = int(call.start // 60)
        if minute not in minute_warned:
            minute_warned.add(minute)
            log.add(call.start + 0.0003, "WARN", thread, trace, "com.paygate.sdk.PayGateClient",
                    TEMPLATES["paygate_deprecated"])
        if r.outcome == "gateway_timeout":
            log.add(r.end - 0.002, "ERROR", thread, trace, _PAYMENT_SERVICE,
                    f"支付网关调用失败 paymentNo={r.payment_no} orderNo={r.order_no} retriable=true",
                    format_chain(gateway_timeout_chain(run, sites, 5000)))
        else:
            log.add(r.end - 0.002, "INFO", thread, trace, _PAYMENT_SERVICE,
                    f"支付成功 paymentNo={r.payment_no} orderNo={r.order_no} amount=CNY {r.amount}")
    elif r.kind == "callback" and r.outcome == "bad_signature" and r.version == tl.VERSION_AFTER:
        # Only v1.7.0 logs this (the commit adding the line was not in v1.6.2).
        log.add(r.end - 0.001, "WARN", thread, trace, _PAYMENT_SERVICE,
                f"PayGate 回调验签失败 paymentNo={r.payment_no} orderNo={r.order_no}")
    elif r.kind == "expiry_job" and r.expired:
        log.add(r.end - 0.0005, "INFO", thread, trace, "com.acme.shop.inventory.application.ReservationExpiryJob",
                f"Expired {r.expired} stale stock reservations")


def _config_storm(log: _Log, rng: random.Random) -> None:
    runs = ((tl.STORM_START.timestamp(), tl.SHUTDOWN_AT.timestamp()),
            (tl.STARTED_APP_AT.timestamp() + 10.0, tl.WINDOW_END.timestamp()))
    for start, stop in runs:
        moment, failures = start, 0
        while moment < stop:
            failures += 1
            log.add(moment, "WARN", "config-refresh-1", "", "com.acme.config.client.ConfigRefresher",
                    TEMPLATES["config_refresh_failed"].replace("{}", str(failures)))
            if failures % 30 == 0:
                log.add(moment + 0.0004, "WARN", "config-refresh-1", "", "com.acme.config.client.ConfigRefresher",
                        f"Config center unreachable for {failures // 6} min, still serving snapshot {_SNAPSHOT} "
                        "taken at 2026-11-18 09:12:44")
            moment += 10.0 + 3.0 + rng.uniform(0.001, 0.09)  # 10 s interval + 3 s connect timeout


def _restart(log: _Log) -> None:
    down = tl.SHUTDOWN_AT.timestamp()
    up = tl.STARTED_APP_AT.timestamp()
    hook = "SpringApplicationShutdownHook"
    for offset, thread, logger, message in (
        (0.000, hook, "org.springframework.boot.web.embedded.tomcat.GracefulShutdown",
         "Commencing graceful shutdown. Waiting for active requests to complete"),
        (0.284, "tomcat-shutdown", "org.springframework.boot.web.embedded.tomcat.GracefulShutdown",
         "Graceful shutdown complete"),
        (0.309, hook, "org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean",
         "Closing JPA EntityManagerFactory for persistence unit 'default'"),
        (0.313, hook, "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Shutdown initiated..."),
        (0.331, hook, "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Shutdown completed."),
    ):
        log.add(down + offset, "INFO", thread, "", logger, message)
    boot = up - 18.42
    for offset, level, logger, message in (
        (0.000, "INFO", "com.acme.shop.ShopApplication",
         "Starting ShopApplication v1.7.0 using Java 17.0.12 with PID 1 "
         "(/app/order-service.jar started by app in /app)"),
        (0.004, "INFO", "com.acme.shop.ShopApplication", 'The following 1 profile is active: "prod"'),
        (2.118, "WARN", "com.acme.config.client.ConfigBootstrap",
         f"Config center config-center.acme.internal:8848 unreachable at startup, using local snapshot {_SNAPSHOT}"),
        (3.126, "INFO", "org.springframework.data.repository.config.RepositoryConfigurationDelegate",
         "Bootstrapping Spring Data JPA repositories in DEFAULT mode."),
        (3.331, "INFO", "org.springframework.data.repository.config.RepositoryConfigurationDelegate",
         "Finished Spring Data repository scanning in 196 ms. Found 4 JPA repository interfaces."),
        (5.565, "INFO", "org.springframework.boot.web.embedded.tomcat.TomcatWebServer",
         "Tomcat initialized with port 8080 (http)"),
        (5.594, "INFO", "org.apache.catalina.core.StandardService", "Starting service [Tomcat]"),
        (5.595, "INFO", "org.apache.catalina.core.StandardEngine", "Starting Servlet engine: [Apache Tomcat/10.1.31]"),
        (5.726, "INFO", "org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/]",
         "Initializing Spring embedded WebApplicationContext"),
        (5.727, "INFO", "org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext",
         "Root WebApplicationContext: initialization completed in 5519 ms"),
        (6.921, "INFO", "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Starting..."),
        (7.106, "INFO", "com.zaxxer.hikari.pool.HikariPool",
         "HikariPool-1 - Added connection com.mysql.cj.jdbc.ConnectionImpl@3c1e5f4a"),
        (7.109, "INFO", "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Start completed."),
        (7.240, "INFO", "org.flywaydb.core.FlywayExecutor",
         "Database: jdbc:mysql://mysql-shop.acme.internal:3306/shop (MySQL 8.0)"),
        (7.433, "INFO", "org.flywaydb.core.internal.command.DbValidate",
         "Successfully validated 3 migrations (execution time 00:00.051s)"),
        (7.521, "INFO", "org.flywaydb.core.internal.command.DbMigrate", "Current version of schema `shop`: 3"),
        (7.524, "INFO", "org.flywaydb.core.internal.command.DbMigrate",
         "Schema `shop` is up to date. No migration necessary."),
        (7.902, "INFO", "org.hibernate.jpa.internal.util.LogHelper",
         "HHH000204: Processing PersistenceUnitInfo [name: default]"),
        (7.981, "INFO", "org.hibernate.Version", "HHH000412: Hibernate ORM core version 6.5.3.Final"),
        (11.664, "INFO", "org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean",
         "Initialized JPA EntityManagerFactory for persistence unit 'default'"),
        (16.812, "INFO", "org.springframework.boot.actuate.endpoint.web.EndpointLinksResolver",
         "Exposing 3 endpoints beneath base path '/actuator'"),
        (17.476, "INFO", "org.springframework.boot.web.embedded.tomcat.TomcatWebServer",
         "Tomcat started on port 8080 (http) with context path '/'"),
        (18.420, "INFO", "com.acme.shop.ShopApplication",
         "Started ShopApplication in 18.42 seconds (process running for 19.6)"),
    ):
        log.add(boot + offset, level, "main", "", logger, message)


def write_app_log(path: Path, sim: Simulation, sites: Mapping[str, Mapping[str, CallSite]],
                  seed: int = tl.SEED) -> tuple[int, dict[str, str]]:
    """Write the text log; `sites` maps a deployed version tag to its call sites.

    Returns:
        The number of lines written and, per trace id, the stack trace logged for that request.
    """
    runs = {tl.VERSION_BEFORE: JvmRun("$Proxy176", 402), tl.VERSION_AFTER: JvmRun("$Proxy178", 388)}
    log = _Log()
    warned: set[int] = set()
    first_request_after_restart = True
    for r in sim.requests:
        if r.version == tl.VERSION_AFTER and r.kind != "expiry_job" and first_request_after_restart:
            first_request_after_restart = False
            log.add(r.arrival + 0.0002, "INFO", r.thread, r.trace_id,
                    "org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/]",
                    "Initializing Spring DispatcherServlet 'dispatcherServlet'")
        _request_events(log, r, sites[r.version], runs[r.version], warned)
    _config_storm(log, random.Random(f"{seed}-config-storm"))
    _restart(log)
    lines = log.lines()
    start, end = _stamp(tl.WINDOW_START.timestamp()), _stamp(tl.WINDOW_END.timestamp())
    kept = []
    keep = False
    for line in lines:
        if line[:4].isdigit() and line[4] == "-":
            keep = start <= line[:23] < end
        if keep:
            kept.append(line)
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return len(kept), log.stacks


def write_access_log(path: Path, sim: Simulation) -> int:
    """One JSON object per HTTP request (the ACCESS logger through LogstashEncoder)."""
    rows = []
    for r in sim.requests:
        if r.kind == "expiry_job":
            continue
        took = round(r.duration * 1000)
        local = datetime.fromtimestamp(r.end, tl.ZONE)
        rows.append((r.end, json.dumps({
            "@timestamp": local.isoformat(timespec="milliseconds"),
            "message": f"{r.method} {r.path} {r.status} {took}ms",
            "logger": "ACCESS",
            "thread": r.thread,
            "level": "WARN" if r.status >= 500 else "INFO",
            "trace_id": r.trace_id,
            "http_method": r.method,
            "http_route": r.route,
            "url_path": r.path,
            "status": r.status,
            "duration_ms": took,
            "client_ip": f"10.42.{(int(r.trace_id[:2], 16) % 6) + 1}.{int(r.trace_id[2:4], 16) % 250 + 2}",
        }, ensure_ascii=False)))
    rows.sort(key=lambda row: row[0])
    path.write_text("\n".join(row for _, row in rows) + "\n", encoding="utf-8")
    return len(rows)
