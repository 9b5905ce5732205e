"""Write runtime/metrics/jvm-metrics.csv (15 s scrapes) and a Prometheus snapshot at the worst moment.

HTTP, Hikari and thread figures are measured on the simulated requests; heap, GC and CPU follow a
plain G1 sawtooth driven by the request rate, so memory stays unremarkable through the incident.
"""

from __future__ import annotations

import bisect
import csv
import math
import random
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import _timeline as tl
from ._traffic import Simulation

__all__ = ["COLUMNS", "write_metrics"]

STEP_S = 15.0
COLUMNS = (
    "timestamp", "instance", "service_version",
    "jvm_memory_heap_used_mb", "jvm_memory_heap_max_mb", "jvm_gc_pause_ms", "jvm_gc_count",
    "jvm_threads_live", "jvm_threads_runnable", "jvm_threads_blocked", "jvm_threads_waiting",
    "jvm_threads_timed_waiting", "tomcat_threads_busy", "process_cpu_usage",
    "hikaricp_connections_max", "hikaricp_connections_active", "hikaricp_connections_idle",
    "hikaricp_connections_pending", "hikaricp_connections_acquire_p99_ms", "hikaricp_connections_timeout_total",
    "http_server_requests_per_s", "http_server_errors_per_s", "http_server_requests_p99_ms",
)


class _Level:
    """How many intervals [start, end) contain a moment, answered by bisection."""

    def __init__(self, intervals: list[tuple[float, float]]) -> None:
        self.starts = sorted(a for a, _ in intervals)
        self.ends = sorted(b for _, b in intervals)

    def at(self, moment: float) -> int:
        return bisect.bisect_right(self.starts, moment) - bisect.bisect_right(self.ends, moment)


def _p99(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]


@dataclass
class _Heap:
    used: float
    old: float


def write_metrics(csv_path: Path, prom_path: Path, sim: Simulation, seed: int = tl.SEED) -> int:
    """Write both files; returns the number of CSV rows."""
    rng = random.Random(f"{seed}-metrics")
    http = [r for r in sim.requests if r.kind != "expiry_job"]
    db_users = [r for r in sim.requests if r.kind != "bad_request"]
    in_flight = _Level([(r.arrival, r.end) for r in http])
    active = _Level([(r.acquired, r.end) for r in db_users if r.acquired is not None])
    pending = _Level([(r.arrival, r.acquired if r.acquired is not None else r.end) for r in db_users])
    row_lock_waiters = _Level([(c.start, c.end) for r in db_users for c in r.db if c.lock_wait > 0.05])
    by_end = sorted(http, key=lambda r: r.end)
    end_times = [r.end for r in by_end]
    acquires = sorted((r.acquired, r.acquired - r.arrival) for r in db_users if r.acquired is not None)
    acquire_times = [a for a, _ in acquires]
    timeouts = sorted(r.end for r in db_users if r.outcome == "pool_timeout")

    start, end = tl.WINDOW_START.timestamp(), tl.WINDOW_END.timestamp()
    down, up = tl.SHUTDOWN_AT.timestamp(), tl.STARTED_APP_AT.timestamp()
    heap = _Heap(used=620.0, old=310.0)
    gc_count = 18412
    tomcat_threads = 10
    rows: list[dict[str, object]] = []
    moment = start
    while moment <= end + 1e-6:
        if down < moment < up + 2.0:  # no scrape while the pod restarts
            moment += STEP_S
            continue
        if rows and rows[-1]["_t"] < down < moment:  # fresh JVM
            heap, gc_count, tomcat_threads = _Heap(used=210.0, old=140.0), 0, 10
        window = by_end[bisect.bisect_right(end_times, moment - STEP_S):bisect.bisect_right(end_times, moment)]
        rate = len(window) / STEP_S
        errors = sum(1 for r in window if r.failed) / STEP_S
        acquired_now = acquires[bisect.bisect_right(acquire_times, moment - STEP_S):
                                bisect.bisect_right(acquire_times, moment)]
        busy = in_flight.at(moment)
        tomcat_threads = max(tomcat_threads, busy)
        waiting_for_pool = pending.at(moment)
        in_use = min(tl.POOL_SIZE, active.at(moment))
        lock_waiters = row_lock_waiters.at(moment)

        # G1 young collections when eden fills; a mixed collection now and then trims the old gen.
        allocated = STEP_S * (2.2 + 9.0 * rate) * rng.uniform(0.85, 1.15)
        pauses, collections = 0.0, 0
        heap.used += allocated
        while heap.used > 1150.0:
            collections += 1
            pauses += rng.uniform(7.0, 19.0)
            heap.old += rng.uniform(1.5, 4.0)
            if heap.old > 520.0:
                heap.old = rng.uniform(290.0, 330.0)
                pauses += rng.uniform(12.0, 30.0)
            heap.used = heap.old + rng.uniform(40.0, 90.0) + (heap.used - 1150.0)
        gc_count += collections
        booting = up < moment < up + 60.0
        rows.append({
            "_t": moment,
            "timestamp": datetime.fromtimestamp(moment, tl.ZONE).isoformat(),
            "instance": tl.POD,
            "service_version": (tl.VERSION_BEFORE if moment < down else tl.VERSION_AFTER)[1:],
            "jvm_memory_heap_used_mb": round(heap.used, 1),
            "jvm_memory_heap_max_mb": 2048,
            "jvm_gc_pause_ms": round(pauses, 1),
            "jvm_gc_count": gc_count,
            "jvm_threads_live": 47 + tomcat_threads,
            "jvm_threads_runnable": 11 + busy - min(busy, waiting_for_pool) + rng.randint(0, 2),
            "jvm_threads_blocked": (rng.randint(0, 1) if lock_waiters < 3
                                    else min(12, lock_waiters // 2 + rng.randint(0, 2))),
            "jvm_threads_waiting": 9 + rng.randint(0, 1),
            "jvm_threads_timed_waiting": 18 + (tomcat_threads - busy) + min(busy, waiting_for_pool),
            "tomcat_threads_busy": busy,
            "process_cpu_usage": round(min(0.98, (0.85 if booting else 0.035) + 0.05 * rate
                                           + rng.uniform(0.0, 0.02)), 4),
            "hikaricp_connections_max": tl.POOL_SIZE,
            "hikaricp_connections_active": in_use,
            "hikaricp_connections_idle": tl.POOL_SIZE - in_use,
            "hikaricp_connections_pending": waiting_for_pool,
            "hikaricp_connections_acquire_p99_ms": round(_p99([w for _, w in acquired_now]) * 1000, 1),
            "hikaricp_connections_timeout_total": sum(1 for t in timeouts if (up if moment > up else 0) < t <= moment),
            "http_server_requests_per_s": round(rate, 3),
            "http_server_errors_per_s": round(errors, 3),
            "http_server_requests_p99_ms": round(_p99([r.duration for r in window]) * 1000, 1),
        })
        moment += STEP_S
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    _write_prometheus(prom_path, max(rows, key=lambda row: (row["hikaricp_connections_pending"], row["_t"])), sim)
    return len(rows)


def _write_prometheus(path: Path, row: dict[str, object], sim: Simulation) -> None:
    moment = float(row["_t"])  # type: ignore[arg-type]
    up = tl.STARTED_APP_AT.timestamp()
    served = [r for r in sim.requests if r.kind != "expiry_job" and up < r.end <= moment]
    counts: dict[tuple[str, str, int], list[float]] = {}
    for r in served:
        counts.setdefault((r.method, r.route, r.status), []).append(r.duration)
    pool = 'pool="HikariPool-1"'
    lines = [
        f"# Scraped from {tl.POD}:8080/actuator/prometheus at {datetime.fromtimestamp(moment, tl.ZONE).isoformat()}",
        "# HELP application_ready_time_seconds Time taken for the application to be ready to service requests",
        "# TYPE application_ready_time_seconds gauge",
        'application_ready_time_seconds{main_application_class="com.acme.shop.ShopApplication"} 18.42',
        "# HELP process_start_time_seconds Start time of the process since unix epoch.",
        "# TYPE process_start_time_seconds gauge",
        f"process_start_time_seconds {up - 19.6:.3f}",
        "# HELP process_cpu_usage The \"recent cpu usage\" for the Java Virtual Machine process",
        "# TYPE process_cpu_usage gauge",
        f"process_cpu_usage {row['process_cpu_usage']}",
        "# HELP jvm_memory_used_bytes The amount of used memory",
        "# TYPE jvm_memory_used_bytes gauge",
        f'jvm_memory_used_bytes{{area="heap",id="G1 Eden Space"}} '
        f'{int((float(row["jvm_memory_heap_used_mb"]) * 0.55) * 1048576)}',
        f'jvm_memory_used_bytes{{area="heap",id="G1 Old Gen"}} '
        f'{int((float(row["jvm_memory_heap_used_mb"]) * 0.43) * 1048576)}',
        f'jvm_memory_used_bytes{{area="heap",id="G1 Survivor Space"}} '
        f'{int((float(row["jvm_memory_heap_used_mb"]) * 0.02) * 1048576)}',
        "# HELP jvm_memory_max_bytes The maximum amount of memory in bytes that can be used for memory management",
        "# TYPE jvm_memory_max_bytes gauge",
        f'jvm_memory_max_bytes{{area="heap",id="G1 Old Gen"}} {2048 * 1048576}',
        "# HELP jvm_gc_pause_seconds Time spent in GC pause",
        "# TYPE jvm_gc_pause_seconds summary",
        f'jvm_gc_pause_seconds_count{{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"}} '
        f'{row["jvm_gc_count"]}',
        "# HELP jvm_threads_live_threads The current number of live threads including both daemon and non-daemon "
        "threads",
        "# TYPE jvm_threads_live_threads gauge",
        f"jvm_threads_live_threads {row['jvm_threads_live']}",
        "# HELP jvm_threads_states_threads The current number of threads",
        "# TYPE jvm_threads_states_threads gauge",
        f'jvm_threads_states_threads{{state="runnable"}} {row["jvm_threads_runnable"]}',
        f'jvm_threads_states_threads{{state="blocked"}} {row["jvm_threads_blocked"]}',
        f'jvm_threads_states_threads{{state="waiting"}} {row["jvm_threads_waiting"]}',
        f'jvm_threads_states_threads{{state="timed-waiting"}} {row["jvm_threads_timed_waiting"]}',
        "# HELP tomcat_threads_busy_threads",
        "# TYPE tomcat_threads_busy_threads gauge",
        f'tomcat_threads_busy_threads{{name="http-nio-8080"}} {row["tomcat_threads_busy"]}',
        "# HELP hikaricp_connections Total connections",
        "# TYPE hikaricp_connections gauge",
        f"hikaricp_connections{{{pool}}} {tl.POOL_SIZE}",
        "# HELP hikaricp_connections_active Active connections",
        "# TYPE hikaricp_connections_active gauge",
        f"hikaricp_connections_active{{{pool}}} {row['hikaricp_connections_active']}",
        "# HELP hikaricp_connections_idle Idle connections",
        "# TYPE hikaricp_connections_idle gauge",
        f"hikaricp_connections_idle{{{pool}}} {row['hikaricp_connections_idle']}",
        "# HELP hikaricp_connections_pending Pending threads",
        "# TYPE hikaricp_connections_pending gauge",
        f"hikaricp_connections_pending{{{pool}}} {row['hikaricp_connections_pending']}",
        "# HELP hikaricp_connections_max Max connections",
        "# TYPE hikaricp_connections_max gauge",
        f"hikaricp_connections_max{{{pool}}} {tl.POOL_SIZE}",
        "# HELP hikaricp_connections_timeout_total Connection timeout total count",
        "# TYPE hikaricp_connections_timeout_total counter",
        f"hikaricp_connections_timeout_total{{{pool}}} {row['hikaricp_connections_timeout_total']}.0",
        "# HELP http_server_requests_seconds",
        "# TYPE http_server_requests_seconds summary",
    ]
    for (method, route, status), durations in sorted(counts.items()):
        outcome = "SUCCESS" if status < 400 else ("CLIENT_ERROR" if status < 500 else "SERVER_ERROR")
        labels = (f'error="none",exception="none",method="{method}",outcome="{outcome}",status="{status}",'
                  f'uri="{route}"')
        lines.append(f"http_server_requests_seconds_count{{{labels}}} {len(durations)}")
        lines.append(f"http_server_requests_seconds_sum{{{labels}}} {sum(durations):.6f}")
    lines += [
        "# HELP http_server_requests_seconds_max",
        "# TYPE http_server_requests_seconds_max gauge",
    ]
    recent = [r for r in served if r.end > moment - 60]
    for (method, route, status) in sorted({(r.method, r.route, r.status) for r in recent}):
        longest = max(r.duration for r in recent if (r.method, r.route, r.status) == (method, route, status))
        outcome = "SUCCESS" if status < 400 else ("CLIENT_ERROR" if status < 500 else "SERVER_ERROR")
        lines.append(f'http_server_requests_seconds_max{{error="none",exception="none",method="{method}",'
                     f'outcome="{outcome}",status="{status}",uri="{route}"}} {longest:.6f}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
