"""Write runtime/sql/mysql-slow.log: the shop database's slow query log (MySQL 8.0, UTC timestamps)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from . import _timeline as tl
from ._traffic import Simulation

__all__ = ["write_slow_log"]

_HEADER = (
    "/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:\n"
    "Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock\n"
    "Time                 Id Command    Argument\n"
)
# MySQL connection ids of the pod's Hikari connections, per pool generation, and the pod's address.
_CONNECTION_BASE = {1: 48211, 2: 51877}
_POD_ADDRESS = {1: "10.42.3.17", 2: "10.42.5.23"}

# The BI job's hourly revenue report and a payment reconciliation: slow, but every hour, every day.
_DAILY_REVENUE = (
    "SELECT DATE(o.created_at) AS day, o.status, COUNT(*) AS orders, SUM(o.total_amount) AS revenue "
    "FROM orders o WHERE o.created_at >= '2026-11-13 00:00:00' GROUP BY DATE(o.created_at), o.status "
    "ORDER BY day;"
)
_PAYMENT_RECONCILIATION = (
    "SELECT p.channel, p.status, COUNT(*) AS payments, SUM(p.amount) AS amount FROM payment p "
    "WHERE p.created_at >= CURDATE() - INTERVAL 1 DAY GROUP BY p.channel, p.status;"
)
_REPORTS = (  # local time, seconds, user, host, connection id, rows examined, rows sent, statement
    ("11:15:03.811", 4.82, "report_ro", "10.42.9.5", 37122, 1_812_344, 42, _DAILY_REVENUE),
    ("11:31:40.207", 3.17, "report_ro", "10.42.9.5", 37122, 905_118, 17, _PAYMENT_RECONCILIATION),
    ("12:15:04.092", 5.36, "report_ro", "10.42.9.5", 37131, 1_815_902, 42, _DAILY_REVENUE),
    ("13:15:02.663", 6.91, "report_ro", "10.42.9.5", 37140, 1_819_377, 42, _DAILY_REVENUE),
    ("14:15:05.318", 4.45, "report_ro", "10.42.9.5", 37152, 1_824_020, 42, _DAILY_REVENUE),
)


def _utc(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _entry(end: float, query_time: float, lock_time: float, user: str, host: str, connection: int,
           rows_sent: int, rows_examined: int, statement: str, use_db: bool) -> str:
    start = end - query_time
    return (
        f"# Time: {_utc(end)}\n"
        f"# User@Host: {user}[{user}] @  [{host}]  Id: {connection}\n"
        f"# Query_time: {query_time:.6f}  Lock_time: {lock_time:.6f} Rows_sent: {rows_sent}  Rows_examined: "
        f"{rows_examined}\n"
        + ("use shop;\n" if use_db else "")
        + f"SET timestamp={int(start)};\n{statement}\n"
    )


def write_slow_log(path: Path, sim: Simulation, seed: int = tl.SEED) -> int:
    """Write the slow log (long_query_time = 2 s); returns the number of entries."""
    rng = random.Random(f"{seed}-slow-log")
    entries: list[tuple[float, str]] = []
    seen_connections: set[int] = set()
    for r in sim.requests:
        if r.slot is None:
            continue
        generation, index = r.slot
        connection = _CONNECTION_BASE.get(generation, 40000) + index
        for call in r.db:
            took = call.end - call.start
            if took < tl.SLOW_QUERY_S:
                continue
            entries.append((call.end, _entry(
                call.end, took, call.lock_wait, "shop_app", _POD_ADDRESS.get(generation, "10.42.3.17"), connection,
                call.rows if not call.error else 0, 1 if not call.error else 0, call.statement + ";",
                connection not in seen_connections)))
            seen_connections.add(connection)
    for hms, took, user, host, connection, examined, sent, statement in _REPORTS:
        end = tl.local(hms).timestamp() + rng.uniform(0.0, 0.000999)
        entries.append((end, _entry(end, took + rng.uniform(0, 0.0009), rng.uniform(0.000004, 0.00002), user, host,
                                    connection, sent, examined, statement, True)))
    entries.sort(key=lambda entry: entry[0])
    path.write_text(_HEADER + "".join(text for _, text in entries), encoding="utf-8")
    return len(entries)
