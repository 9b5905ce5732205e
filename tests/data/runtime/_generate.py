"""Regenerate the runtime samples: `.venv/bin/python -m tests.data.runtime._generate` (deterministic).

The story matches tests.conftest: the incident starts 2026-11-20 14:00 +08:00; at 14:02 a
`SELECT … FOR UPDATE` on inventory starts holding row locks, the Hikari pool drains, threads block
and p99 explodes; heap, GC and CPU stay flat.
"""

from __future__ import annotations

import gzip
import json
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).parent
ZONE = timezone(timedelta(hours=8))
ONSET = datetime(2026, 11, 20, 14, 2, tzinfo=ZONE)
LOCK_SQL = "SELECT id, sku, qty FROM inventory WHERE sku = '{sku}' AND warehouse_id IN ({wh}) FOR UPDATE"
ERROR_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def t(hms: str) -> datetime:
    return datetime.fromisoformat(f"2026-11-20T{hms}").replace(tzinfo=ZONE)


def wide_csv(rng: random.Random) -> str:
    header = ("timestamp,heap_used_mb,heap_max_mb,gc_pause_ms,threads_live,threads_blocked,cpu_pct,hikari_active,"
              "hikari_idle,hikari_pending,http_rps,http_p50_ms,http_p95_ms,http_p99_ms")
    rows = [header]
    at = t("13:00:00")
    while at <= t("14:40:00"):
        bad = at >= ONSET
        heap = 380 + (at.minute % 7) * 12 + rng.uniform(-10, 10)
        rows.append(",".join([
            at.strftime("%Y-%m-%d %H:%M:%S"), f"{heap:.1f}", "2048", f"{rng.uniform(8, 22):.1f}",
            str(rng.randint(160, 175) if bad else rng.randint(118, 124)),
            str(rng.randint(35, 48) if bad else rng.choice([0, 0, 0, 1])), f"{rng.uniform(18, 26):.1f}",
            str(25 if bad else rng.randint(2, 6)), str(0 if bad else 25 - rng.randint(2, 6)),
            str(rng.randint(25, 60) if bad else 0), f"{rng.uniform(11, 13):.2f}", f"{rng.uniform(35, 45):.0f}",
            f"{rng.uniform(110, 130):.0f}", f"{rng.uniform(28000, 30500) if bad else rng.uniform(180, 220):.0f}",
        ]))
        at += timedelta(minutes=1)
    return "\n".join(rows) + "\n"


def prometheus(rng: random.Random) -> str:
    out = []
    count = {"/api/orders": 1000.0, "/api/products": 5000.0}
    gc_count = 300.0
    at = t("13:40:00")
    while at <= t("14:10:00"):
        ms = int(at.timestamp() * 1000)
        bad = at >= ONSET
        out += ["# HELP hikaricp_connections_pending Pending threads", "# TYPE hikaricp_connections_pending gauge",
                f'hikaricp_connections_pending{{pool="HikariPool-1"}} {rng.randint(20, 40) if bad else 0}.0 {ms}',
                "# TYPE hikaricp_connections_active gauge",
                f'hikaricp_connections_active{{pool="HikariPool-1"}} {25 if bad else rng.randint(1, 5)}.0 {ms}',
                "# TYPE jvm_memory_used_bytes gauge"]
        for pool, base in (("G1 Eden Space", 120e6), ("G1 Old Gen", 260e6)):
            out.append(f'jvm_memory_used_bytes{{area="heap",id="{pool}"}} {base + rng.uniform(-8e6, 8e6):.1f} {ms}')
        out.append(f'jvm_memory_used_bytes{{area="nonheap",id="Metaspace"}} {9.1e7:.1f} {ms}')
        out += ["# TYPE jvm_threads_states_threads gauge",
                f'jvm_threads_states_threads{{state="blocked"}} '
                f'{rng.randint(30, 45) if bad else rng.choice([0, 1])}.0 {ms}',
                f'jvm_threads_states_threads{{state="runnable"}} {rng.randint(10, 14)}.0 {ms}',
                "# TYPE http_server_requests_seconds summary"]
        for uri, total in count.items():
            count[uri] = total + (rng.uniform(280, 320) if uri == "/api/orders" else rng.uniform(900, 1000))
            p99 = rng.uniform(29.0, 30.5) if bad and uri == "/api/orders" else rng.uniform(0.18, 0.22)
            out += [f'http_server_requests_seconds{{uri="{uri}",quantile="0.99"}} {p99:.3f} {ms}',
                    f'http_server_requests_seconds_count{{uri="{uri}",status="200"}} {count[uri]:.0f} {ms}']
        gc_count += rng.randint(1, 3)
        out += ["# TYPE jvm_gc_pause_seconds_count counter", f"jvm_gc_pause_seconds_count {gc_count:.0f} {ms}",
                "# TYPE process_cpu_usage gauge", f"process_cpu_usage {rng.uniform(0.18, 0.24):.3f} {ms}",
                "# TYPE tomcat_sessions_active_current_sessions gauge",
                f"tomcat_sessions_active_current_sessions {rng.randint(40, 44)}.0 {ms}"]
        at += timedelta(minutes=1)
    return "\n".join(out) + "\n"


def actuator(rng: random.Random) -> list[dict[str, object]]:
    snaps = []
    count = 100.0
    at = t("13:50:00")
    while at <= t("14:10:00"):
        bad = at >= ONSET
        count += 300
        snaps.append({"timestamp": at.isoformat(), "metrics": [
            {"name": "hikaricp.connections.pending", "baseUnit": None,
             "measurements": [{"statistic": "VALUE", "value": rng.randint(20, 40) if bad else 0}]},
            {"name": "jvm.memory.used", "baseUnit": "bytes", "tags": [{"tag": "area", "value": "heap"}],
             "measurements": [{"statistic": "VALUE", "value": 4.0e8 + rng.uniform(-1e7, 1e7)}]},
            {"name": "http.server.requests", "baseUnit": "seconds",
             "measurements": [{"statistic": "COUNT", "value": count},
                              {"statistic": "TOTAL_TIME", "value": count * (0.2 if not bad else 3.0)},
                              {"statistic": "MAX", "value": 30.0 if bad else 0.3}]},
        ]})
        at += timedelta(minutes=1)
    return snaps


def _attr(key: str, value: object) -> dict[str, object]:
    if isinstance(value, bool):
        return {"key": key, "value": {"boolValue": value}}
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    return {"key": key, "value": {"stringValue": str(value)}}


def otlp(rng: random.Random) -> dict[str, object]:
    order_spans, stock_spans = [], []
    starts = [t("13:58:10"), t("13:59:00"), t("14:00:30"), t("14:01:10"), t("14:02:20"), t("14:03:05"),
              t("14:04:40"), t("14:05:30")]
    for i, start in enumerate(starts):
        trace = ERROR_TRACE if i == 5 else f"{rng.getrandbits(128):032x}"
        bad = start >= ONSET
        ids = [f"{rng.getrandbits(64):016x}" for _ in range(4)]
        ns = int(start.timestamp() * 1e9)
        lock_ms = rng.uniform(29000, 30500) if bad else rng.uniform(2, 6)
        total = lock_ms + 60
        error = {"code": 2, "message": "Lock wait timeout exceeded"} if bad else {"code": 0}
        events = [{"name": "exception", "timeUnixNano": str(ns + int(total * 1e6)), "attributes": [
            _attr("exception.type", "org.springframework.dao.CannotAcquireLockException"),
            _attr("exception.message", "could not execute statement")]}] if bad else []
        order_spans += [
            {"traceId": trace, "spanId": ids[0], "parentSpanId": "", "name": "POST /api/orders", "kind": 2,
             "startTimeUnixNano": str(ns), "endTimeUnixNano": str(ns + int(total * 1e6)),
             "attributes": [_attr("http.request.method", "POST"), _attr("http.route", "/api/orders"),
                            _attr("http.response.status_code", 500 if bad else 201)],
             "status": error, "events": events},
            {"traceId": trace, "spanId": ids[1], "parentSpanId": ids[0], "name": "OrderService.create", "kind": 1,
             "startTimeUnixNano": str(ns + 5_000_000), "endTimeUnixNano": str(ns + int((total - 5) * 1e6)),
             "status": error},
        ]
        stock_spans += [
            {"traceId": trace, "spanId": ids[2], "parentSpanId": ids[1], "name": "StockService.reserve", "kind": 1,
             "startTimeUnixNano": str(ns + 10_000_000), "endTimeUnixNano": str(ns + int((lock_ms + 30) * 1e6)),
             "status": error},
            {"traceId": trace, "spanId": ids[3], "parentSpanId": ids[2], "name": "SELECT shop.inventory", "kind": 3,
             "startTimeUnixNano": str(ns + 20_000_000), "endTimeUnixNano": str(ns + int((lock_ms + 20) * 1e6)),
             "attributes": [_attr("db.system", "mysql"),
                            _attr("db.statement", LOCK_SQL.format(sku="SKU-FS-1001", wh="1, 2"))],
             "status": error},
        ]
    resource = [{"resource": {"attributes": [_attr("service.name", "order-service")]},
                 "scopeSpans": [{"scope": {"name": "io.opentelemetry.spring-webmvc-6.0"}, "spans": order_spans}]},
                {"resource": {"attributes": [_attr("service.name", "order-service")]},
                 "scopeSpans": [{"scope": {"name": "io.opentelemetry.jdbc"}, "spans": stock_spans}]}]
    return {"resourceSpans": resource}


def jaeger() -> dict[str, object]:
    base = int(t("14:03:00").timestamp() * 1e6)
    spans = [
        {"traceID": "00000000000000000000000000abcdef", "spanID": "0000000000000001", "operationName": "GET /api/stock",
         "references": [], "startTime": base, "duration": 2_000_000, "processID": "p1",
         "tags": [{"key": "span.kind", "type": "string", "value": "server"},
                  {"key": "http.method", "type": "string", "value": "GET"},
                  {"key": "http.route", "type": "string", "value": "/api/stock"},
                  {"key": "error", "type": "bool", "value": True}],
         "logs": [{"timestamp": base + 1_900_000, "fields": [
             {"key": "event", "type": "string", "value": "error"},
             {"key": "error.kind", "type": "string", "value": "java.sql.SQLTransientConnectionException"},
             {"key": "message", "type": "string", "value": "Connection is not available"}]}]},
        {"traceID": "00000000000000000000000000abcdef", "spanID": "0000000000000002", "operationName": "getConnection",
         "references": [{"refType": "CHILD_OF", "traceID": "abcdef", "spanID": "0000000000000001"}],
         "startTime": base + 1000, "duration": 1_950_000, "processID": "p2", "tags": []},
        {"traceID": "abcdef", "spanID": "3", "operationName": "GET /health", "references": [],
         "startTime": base - 600_000_000, "duration": 1500, "processID": "p1", "tags": []},
    ]
    return {"data": [{"traceID": "abcdef", "spans": spans,
                      "processes": {"p1": {"serviceName": "stock-service", "tags": []},
                                    "p2": {"serviceName": "hikari", "tags": []}}}]}


def zipkin(broken: bool = False) -> list[dict[str, object]]:
    base = int(t("14:04:00").timestamp() * 1e6)
    spans: list[dict[str, object]] = [
        {"traceId": "463ac35c9f6413ad", "id": "463ac35c9f6413ad", "name": "post /api/orders", "kind": "SERVER",
         "timestamp": base, "duration": 31_000_000, "localEndpoint": {"serviceName": "gateway"},
         "tags": {"http.method": "POST", "http.path": "/api/orders", "error": "504 Gateway Timeout"}},
        {"traceId": "463ac35c9f6413ad", "id": "a2fb4a1d1a96d312", "parentId": "463ac35c9f6413ad",
         "name": "post", "kind": "CLIENT", "timestamp": base + 500, "duration": 30_990_000,
         "localEndpoint": {"serviceName": "gateway"}, "tags": {"http.method": "POST", "http.path": "/api/orders"}},
        {"traceId": "5af7183fb1d4cf5f", "id": "5af7183fb1d4cf5f", "name": "get /api/products", "kind": "SERVER",
         "timestamp": base - 300_000_000, "duration": 35_000, "localEndpoint": {"serviceName": "gateway"},
         "tags": {"http.method": "GET", "http.path": "/api/products"}},
    ]
    if broken:
        spans += [{"traceId": "5af7183fb1d4cf5f", "name": "no id", "timestamp": base},
                  {"traceId": "5af7183fb1d4cf5f", "id": "00000000000000aa", "name": "no time"}, "not a span"]
    return spans


def mysql_slow(rng: random.Random) -> str:
    out = ["/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:",
           "Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock", "Time                 Id Command    Argument"]
    at = t("13:30:00")
    first = True
    while at <= t("14:20:00"):
        bad = at >= ONSET
        if bad:
            sku = rng.choice(["SKU-FS-1001", "SKU-FS-1002"])
            sql = LOCK_SQL.format(sku=sku, wh=", ".join(str(w) for w in range(1, rng.randint(2, 5))))
            qt = rng.uniform(20, 50)
            lock = qt - rng.uniform(0.01, 0.2)
            rows = (1, 1)
        else:
            sql = (f"SELECT o.id, o.total FROM orders o JOIN order_items i ON i.order_id = o.id\n"
                   f"WHERE o.created_at > '2026-11-{rng.randint(1, 19):02d} 00:00:00'\n  AND o.status = 'PAID'")
            qt, lock, rows = rng.uniform(2.1, 3.0), rng.uniform(0.0001, 0.0005), (rng.randint(10, 90), 180000)
        utc = at.astimezone(UTC)
        out += [f"# Time: {utc.strftime('%Y-%m-%dT%H:%M:%S.%f')}Z",
                f"# User@Host: shop[shop] @  [10.0.3.{rng.randint(10, 30)}]  Id: {rng.randint(100, 999)}",
                f"# Query_time: {qt:.6f}  Lock_time: {lock:.6f} Rows_sent: {rows[0]}  Rows_examined: {rows[1]}"]
        if first:
            out.append("use shop;")
            first = False
        out += [f"SET timestamp={int(at.timestamp() - qt)};", sql + ";"]
        at += timedelta(seconds=rng.randint(40, 80) if bad else rng.randint(240, 420))
    return "\n".join(out) + "\n"


def postgres() -> str:
    lines = [
        "2026-11-20 13:59:01.120 +08 [4242] app@shop LOG:  duration: 1203.441 ms  execute <unnamed>: SELECT id, qty",
        "\tFROM inventory WHERE sku = $1 AND warehouse_id IN ($2, $3)",
        "2026-11-20 13:59:01.120 +08 [4242] app@shop DETAIL:  parameters: $1 = 'SKU-FS-1001', $2 = '1', $3 = '2'",
        ("2026-11-20 14:03:12.500 +08 [4243] app@shop LOG:  duration: 30512.004 ms  execute <unnamed>: SELECT id, qty "
         "FROM inventory WHERE sku = $1 AND warehouse_id IN ($2) FOR UPDATE"),
        ("2026-11-20 06:04:00 UTC [4244] app@shop LOG:  duration: 2004.1 ms  "
         "statement: UPDATE inventory SET qty = qty - 1 "
         "WHERE sku = 'SKU-FS-1002'"),
        "2026-11-20 14:05:00.000 +08 [4245] app@shop LOG:  checkpoint complete",
        "2026-11-20 14:06:00.000 +08 [4246] app@shop LOG:  duration: 2100.0 ms  statement: SELEC broken sql here",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    rng = random.Random(20261120)
    (HERE / "jvm-wide.csv").write_text(wide_csv(rng), encoding="utf-8")
    long_rows = ["timestamp,metric,value,labels"]
    for i in range(30):
        at = t("13:50:00") + timedelta(minutes=i)
        long_rows.append(f"{at.isoformat()},hikaricp_connections_pending,{30 if at >= ONSET else 0},pool=HikariPool-1")
        long_rows.append(f"{at.isoformat()},custom_queue_depth,{rng.randint(3, 5)},queue=orders;shard=1")
    (HERE / "jvm-long.csv").write_text("\n".join(long_rows) + "\n", encoding="utf-8")
    (HERE / "prometheus.txt").write_text(prometheus(rng), encoding="utf-8")
    scrapes = []
    for hms, pending in (("13:58:00", 0), ("14:00:00", 0), ("14:04:00", 31)):
        scrapes += [f"# scrape 2026-11-20T{hms}+08:00", "# TYPE hikaricp_connections_pending gauge",
                    f'hikaricp_connections_pending{{pool="HikariPool-1"}} {pending}']
    (HERE / "prometheus-scrapes.txt").write_text("\n".join(scrapes) + "\n", encoding="utf-8")
    (HERE / "actuator.json").write_text(json.dumps(actuator(rng), indent=1), encoding="utf-8")
    (HERE / "actuator-single.json").write_text(json.dumps({
        "name": "hikaricp.connections.pending", "description": "Pending threads", "baseUnit": None,
        "measurements": [{"statistic": "VALUE", "value": 31.0}],
        "availableTags": [{"tag": "pool", "values": ["HikariPool-1"]}]}), encoding="utf-8")
    full = json.dumps(actuator(rng))
    (HERE / "truncated.json").write_text(full[: len(full) // 2], encoding="utf-8")
    (HERE / "binary.json").write_bytes(bytes(rng.randrange(256) for _ in range(2048)) + b"\x00" * 64)
    (HERE / "empty.csv").write_bytes(b"")
    (HERE / "wrong-columns.csv").write_text("host,region,owner\nweb-1,eu,alice\nweb-2,us,bob\n", encoding="utf-8")
    odd = "timestamp;heap_used_mb;hikari_pending;température_°c\n" + "".join(
        f"2026-11-20 14:{m:02d}:00;400;{30 if m >= 2 else 0};41\n" for m in range(10))
    (HERE / "utf16-metrics.csv").write_bytes(odd.encode("utf-16"))
    bad = wide_csv(random.Random(1)).splitlines()
    bad.insert(5, "2026-11-20 13:04:30,1,2")
    bad.insert(9, "not-a-time,400,2048,10,120,0,20,3,22,0,12,40,120,200")
    (HERE / "bad-rows.csv").write_text("\n".join(bad) + "\n", encoding="utf-8")
    (HERE / "otlp.json").write_text(json.dumps(otlp(rng)), encoding="utf-8")
    otlp_text = json.dumps(otlp(random.Random(2)))
    (HERE / "otlp-truncated.json").write_text(otlp_text[: int(len(otlp_text) * 0.7)], encoding="utf-8")
    (HERE / "jaeger.json").write_text(json.dumps(jaeger(), indent=1), encoding="utf-8")
    (HERE / "zipkin.json").write_text(json.dumps(zipkin()), encoding="utf-8")
    (HERE / "zipkin-partial.json").write_text(json.dumps(zipkin(broken=True)), encoding="utf-8")
    (HERE / "unknown-shape.json").write_text(json.dumps({"spans": "nope", "version": 3}), encoding="utf-8")
    slow = mysql_slow(rng)
    (HERE / "mysql-slow.log").write_text(slow, encoding="utf-8")
    partial = slow.replace("# Query_time: ", "# Query_tme: ", 1)
    (HERE / "mysql-slow-partial.log.gz").write_bytes(gzip.compress(partial.encode("utf-8"), mtime=0))
    gbk = ("# Time: 2026-11-20T06:03:00.000000Z\n# User@Host: 报表[report] @ [10.0.3.9]  Id: 7\n"
           "# Query_time: 3.500000  Lock_time: 0.000100 Rows_sent: 5  Rows_examined: 90000\n"
           "SET timestamp=1763618577;\nSELECT name FROM customers WHERE city = '上海' AND note LIKE '%加急%';\n")
    (HERE / "mysql-slow-gbk.log").write_bytes(gbk.encode("gb18030"))
    (HERE / "postgres.log").write_text(postgres(), encoding="utf-8")
    csv_rows = ["ts,query,duration_ms,lock_ms,rows"]
    for i in range(12):
        at = t("13:56:00") + timedelta(minutes=i)
        if at >= ONSET:
            csv_rows.append(f'{at:%Y-%m-%d %H:%M:%S},"{LOCK_SQL.format(sku="SKU-FS-100" + str(i % 2), wh=i % 3 + 1)}",'
                            f"{rng.uniform(20000, 40000):.1f},{rng.uniform(19000, 39000):.1f},1")
        csv_rows.append(f"{at:%Y-%m-%d %H:%M:%S},SELECT * FROM orders WHERE id = {1000 + i},"
                        f"{rng.uniform(1, 3):.1f},0,1")
    csv_rows.append("2026-11-20 14:09:00,SELECT 1,not-a-number,0,1")
    (HERE / "slow.csv").write_text("\n".join(csv_rows) + "\n", encoding="utf-8")
    (HERE / "slow-wrong-columns.csv").write_text("host,count\ndb-1,3\n", encoding="utf-8")


if __name__ == "__main__":
    main()
