"""Simulate the pod's traffic: arrivals, the Hikari pool, InnoDB row locks and remote calls.

Requests are processed in arrival order against two FIFO resources: the 10-connection pool (a
request that waits more than 30 s fails) and, from v1.7.0 on, one row lock per flash-sale SKU held
from SELECT ... FOR UPDATE until commit (a wait over 50 s fails). Logs, traces, metrics and the slow
query log are all rendered from the resulting Request objects, so they agree with each other.
"""

from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass, field

from . import _timeline as tl
from ._request_content import CATALOG, describe

__all__ = ["CATALOG", "LOCK_SQL_LITERAL", "DbCall", "RemoteCall", "Request", "Simulation", "simulate"]

_ITEM_COLUMNS = "ii1_0.id,ii1_0.available,ii1_0.reserved,ii1_0.sku,ii1_0.version,ii1_0.warehouse_code"
LOCK_SQL_LITERAL = f"select {_ITEM_COLUMNS} from inventory_item ii1_0 where ii1_0.sku='{{sku}}' for update"

# Sporadic, unrelated events at fixed moments (arrival times).
_GATEWAY_TIMEOUTS = (tl.local("11:47:03.412"), tl.local("13:12:49.870"))
_BAD_SIGNATURES = (tl.local("11:58:31.205"), tl.local("13:41:07.733"))
_BAD_REQUESTS = (tl.local("11:31:45.090"), tl.local("12:52:10.514"), tl.local("14:12:03.377"))


@dataclass
class DbCall:
    start: float
    end: float
    operation: str
    table: str
    statement: str
    lock_wait: float = 0.0
    rows: int = 1
    error: str | None = None


@dataclass
class RemoteCall:
    start: float
    end: float
    method: str
    url: str
    status: int | None
    error: str | None = None


@dataclass
class Request:
    kind: str                 # place_order | pay | get_order | get_inventory | callback | bad_request | expiry_job
    arrival: float            # epoch seconds
    version: str = ""
    thread: str = ""
    trace_id: str = ""
    end: float = 0.0
    acquired: float | None = None
    slot: tuple[int, int] | None = None   # (pool generation, connection index)
    status: int = 200
    outcome: str = "ok"       # ok | lock_timeout | pool_timeout | gateway_timeout | bad_signature | bad_request
    method: str = "GET"
    route: str = ""
    path: str = ""
    customer_id: int = 0
    lines: list[tuple[str, int, str]] = field(default_factory=list)
    order_no: str = ""
    payment_no: str = ""
    amount: str = ""
    sku: str = ""
    expired: int = 0
    waiting_at_failure: int = 0
    db: list[DbCall] = field(default_factory=list)
    remote: list[RemoteCall] = field(default_factory=list)
    held: list[str] = field(default_factory=list)   # rows locked FOR UPDATE until the transaction ends

    @property
    def failed(self) -> bool:
        return self.status >= 500

    @property
    def duration(self) -> float:
        return self.end - self.arrival


@dataclass
class Simulation:
    requests: list[Request]
    pool_generations: dict[int, float]    # generation -> moment the pool started

    def version_at(self, moment: float) -> str:
        return tl.VERSION_BEFORE if moment < tl.SHUTDOWN_AT.timestamp() else tl.VERSION_AFTER


@functools.lru_cache(maxsize=4)
def _segments(traffic: tuple) -> tuple[tuple[float, float, float, float, float], ...]:
    return tuple((start.timestamp(), end.timestamp(), rate, hot, warehouse)
                 for start, end, rate, hot, warehouse in traffic)


def _segment(moment: float) -> tuple[float, float, float]:
    """(orders per second, flash-sale share, warehouse median) of the traffic table at `moment`."""
    segments = _segments(tl.TRAFFIC)
    for start, end, rate, hot, warehouse in segments:
        if start <= moment < end:
            return rate, hot, warehouse
    return segments[-1][2:]


def _in_flash_sale(moment: float) -> bool:
    return _segment(moment)[1] >= 0.5


def _rates(moment: float) -> dict[str, float]:
    orders, _, _ = _segment(moment)
    earlier, _, _ = _segment(moment - 120)
    return {
        "place_order": orders,
        "pay": min(0.35 * earlier, 0.2),
        "get_order": 0.05,
        "get_inventory": 0.22 if _in_flash_sale(moment) else 0.07,
        "callback": 0.006,
    }


def _arrivals(seed: int) -> list[Request]:
    start, end = tl.WINDOW_START.timestamp(), tl.WINDOW_END.timestamp()
    gap = (tl.SHUTDOWN_AT.timestamp(), tl.SERVING_AGAIN_AT.timestamp())
    found: list[Request] = []
    for kind, peak in (("place_order", 1.0), ("pay", 0.2), ("get_order", 0.05), ("get_inventory", 0.22),
                       ("callback", 0.006)):
        rng = random.Random(f"{seed}-arrivals-{kind}")
        moment = start
        while True:
            moment += rng.expovariate(peak)
            if moment >= end:
                break
            if rng.random() * peak < _rates(moment)[kind] and not gap[0] <= moment < gap[1]:
                found.append(Request(kind, moment))
    for moment in _GATEWAY_TIMEOUTS:
        found.append(Request("pay", moment.timestamp(), outcome="gateway_timeout"))
    for moment in _BAD_SIGNATURES:
        found.append(Request("callback", moment.timestamp(), outcome="bad_signature"))
    for moment in _BAD_REQUESTS:
        found.append(Request("bad_request", moment.timestamp(), outcome="bad_request"))
    # @Scheduled(fixedDelay = 1 min) in each JVM run, on the scheduling-1 thread.
    rng = random.Random(f"{seed}-arrivals-job")
    for first, last in ((start + 17.204, gap[0]), (tl.STARTED_APP_AT.timestamp() + 60.0, end)):
        moment = first
        while moment < last:
            found.append(Request("expiry_job", moment))
            moment += 60.0 + rng.uniform(0.008, 0.05)
    found.sort(key=lambda r: r.arrival)
    return found


def _lognormal(rng: random.Random, median: float, sigma: float, low: float, high: float) -> float:
    return min(high, max(low, median * math.exp(rng.gauss(0.0, sigma))))


class _Pod:
    """Mutable state of one JVM run plus the database's row locks."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.generation = 0
        self.pool: list[float] = []
        self.threads: dict[int, float] = {}
        self.row_locks: dict[str, float] = {}
        self.generations: dict[int, float] = {}
        self.last_payment_warning_minute = -1

    def restart(self, moment: float) -> None:
        self.generation += 1
        self.generations[self.generation] = moment
        self.pool = [moment] * tl.POOL_SIZE
        self.threads = {}

    def take_thread(self, request: Request) -> None:
        if request.kind == "expiry_job":
            request.thread = "scheduling-1"
            return
        number = 1
        while self.threads.get(number, 0.0) > request.arrival:
            number += 1
        request.thread = f"http-nio-8080-exec-{number}"
        self._thread_number = number

    def release_thread(self, request: Request) -> None:
        if request.kind != "expiry_job":
            self.threads[self._thread_number] = request.end

    def acquire(self, request: Request, moment: float) -> bool:
        index = min(range(len(self.pool)), key=lambda i: (self.pool[i], i))
        wait = max(0.0, self.pool[index] - moment)
        if wait > tl.POOL_TIMEOUT_S:
            request.end = moment + tl.POOL_TIMEOUT_S + self.rng.uniform(0.0005, 0.012)
            request.outcome = "pool_timeout"
            return False
        request.acquired = moment + wait
        request.slot = (self.generation, index)
        self._slot_index = index
        return True

    def release(self, request: Request) -> None:
        self.pool[self._slot_index] = request.end


def _place_order(pod: _Pod, r: Request, t: float) -> float:
    rng = pod.rng
    t += rng.uniform(0.0004, 0.0012)  # building the Order aggregate before the first statement
    if r.version == tl.VERSION_BEFORE:
        skus = ",".join("?" for _ in r.lines)
        end = t + rng.uniform(0.0015, 0.005)
        r.db.append(DbCall(t, end, "SELECT", "inventory_item",
                           f"select {_ITEM_COLUMNS} from inventory_item ii1_0 where ii1_0.sku in ({skus})",
                           rows=len(r.lines)))
        return end
    held: list[str] = []
    for sku, _quantity, _ in r.lines:
        free = pod.row_locks.get(sku, 0.0)
        wait = max(0.0, free - t)
        if wait > tl.LOCK_WAIT_TIMEOUT_S:
            fail = t + tl.LOCK_WAIT_TIMEOUT_S + rng.uniform(0.0008, 0.02)
            r.db.append(DbCall(t, fail, "SELECT", "inventory_item", LOCK_SQL_LITERAL.format(sku=sku),
                               lock_wait=fail - t, rows=0, error="lock_timeout"))
            r.outcome = "lock_timeout"
            r.sku = sku
            t = fail + rng.uniform(0.001, 0.004)  # rollback
            for locked in held:
                pod.row_locks[locked] = max(pod.row_locks.get(locked, 0.0), t)
            return t
        end = t + wait + rng.uniform(0.0008, 0.003)
        r.db.append(DbCall(t, end, "SELECT", "inventory_item", LOCK_SQL_LITERAL.format(sku=sku), lock_wait=wait))
        held.append(sku)
        t = end
        median = _segment(t)[2]
        took = _lognormal(rng, median, 0.45, 0.06, 4.8)
        r.remote.append(RemoteCall(t, t + took, "POST",
                                   "http://warehouse-gateway.acme.internal/api/v1/availability/confirm", 200))
        t += took
    r.held = held
    return t


def _finish_order(pod: _Pod, r: Request, t: float) -> float:
    rng = pod.rng
    statements = [
        ("INSERT", "stock_reservation",
         "insert into stock_reservation (created_at,expires_at,order_no,status) values (?,?,?,?)"),
        ("INSERT", "stock_reservation_line",
         "insert into stock_reservation_line (reservation_id,quantity,sku) values (?,?,?)"),
        ("INSERT", "orders",
         "insert into orders (created_at,currency,total_amount,customer_id,order_no,status,updated_at,version) values "
         "(?,?,?,?,?,?,?,?)"),
        ("INSERT", "order_line",
         "insert into order_line (currency,unit_price,order_id,quantity,sku) values (?,?,?,?,?)"),
        ("UPDATE", "inventory_item",
         "update inventory_item set available=?,reserved=?,sku=?,version=?,warehouse_code=? where id=? and version=?"),
    ]
    for operation, table, sql in statements:
        end = t + rng.uniform(0.0006, 0.0025)
        r.db.append(DbCall(t, end, operation, table, sql, rows=len(r.lines) if table != "orders" else 1))
        t = end
    return t + rng.uniform(0.001, 0.004)  # commit


def _pay(pod: _Pod, r: Request, t: float) -> float:
    rng = pod.rng
    start = t + rng.uniform(0.0004, 0.001)
    end = start + rng.uniform(0.0006, 0.0015)
    r.db.append(DbCall(start, end, "SELECT", "payment",
                       "select p1_0.id,p1_0.amount,p1_0.currency,p1_0.channel,p1_0.created_at,p1_0.failure_reason,"
                       "p1_0.gateway_txn_id,p1_0.idempotency_key,p1_0.order_no,p1_0.payment_no,p1_0.status,"
                       "p1_0.updated_at from payment p1_0 where p1_0.idempotency_key=?", rows=0))
    t = end
    if r.outcome == "gateway_timeout":
        took = 5.0 + rng.uniform(0.001, 0.03)
        r.remote.append(RemoteCall(t, t + took, "POST", "https://api.paygate.example/v2/charges", None,
                                   error="java.net.SocketTimeoutException: Read timed out"))
        r.status = 502
    else:
        took = _lognormal(rng, 0.28, 0.35, 0.09, 2.2)
        r.remote.append(RemoteCall(t, t + took, "POST", "https://api.paygate.example/v2/charges", 200))
        r.status = 201
    t += took
    end = t + rng.uniform(0.0008, 0.0025)
    r.db.append(DbCall(t, end, "INSERT", "payment",
                       "insert into payment (amount,currency,channel,created_at,failure_reason,gateway_txn_id,"
                       "idempotency_key,order_no,payment_no,status,updated_at) values (?,?,?,?,?,?,?,?,?,?,?)"))
    return end + rng.uniform(0.001, 0.003)


def _simple_read(pod: _Pod, r: Request, t: float, table: str, sql: str) -> float:
    end = t + pod.rng.uniform(0.0007, 0.004)
    r.db.append(DbCall(t, end, "SELECT", table, sql))
    return end + pod.rng.uniform(0.0005, 0.002)


def simulate(seed: int = tl.SEED) -> Simulation:
    """Run the deterministic simulation of the whole window."""
    requests = _arrivals(seed)
    pod = _Pod(random.Random(f"{seed}-pod"))
    pod.restart(tl.WINDOW_START.timestamp() - 3 * 86400)   # v1.6.2 has been up since the 17th
    restarted = False
    for r in requests:
        if not restarted and r.arrival >= tl.SHUTDOWN_AT.timestamp():
            pod.restart(tl.STARTED_APP_AT.timestamp() - 10.5)  # the pool starts during boot
            restarted = True
        r.version = tl.VERSION_BEFORE if r.arrival < tl.SHUTDOWN_AT.timestamp() else tl.VERSION_AFTER
        # Content comes from a stream of its own per request, so tuning the load keeps the rest stable.
        rng = random.Random(f"{seed}-{r.kind}-{r.arrival:.6f}")
        pod.rng = rng
        r.trace_id = f"{rng.getrandbits(128):032x}"
        describe(rng, r, _segment(r.arrival)[1], _in_flash_sale(r.arrival))
        pod.take_thread(r)
        t = r.arrival + rng.uniform(0.0004, 0.0015)
        if r.kind == "bad_request":
            r.status, r.end = 400, t + rng.uniform(0.002, 0.006)
            pod.release_thread(r)
            continue
        if not pod.acquire(r, t):
            r.status = 503 if r.kind == "place_order" else 500
            pod.release_thread(r)
            continue
        t = r.acquired
        if r.kind == "place_order":
            t = _place_order(pod, r, t)
            if r.outcome == "lock_timeout":
                r.status = 503
            else:
                t = _finish_order(pod, r, t)
                r.status = 201
        elif r.kind == "pay":
            t = _pay(pod, r, t)
        elif r.kind == "get_order":
            t = _simple_read(pod, r, t, "orders", "select o1_0.id,o1_0.created_at,o1_0.currency,o1_0.total_amount,"
                             "o1_0.customer_id,o1_0.order_no,o1_0.status,o1_0.updated_at,o1_0.version from orders o1_0 "
                             "where o1_0.order_no=?")
        elif r.kind == "get_inventory":
            t = _simple_read(pod, r, t, "inventory_item",
                             f"select {_ITEM_COLUMNS} from inventory_item ii1_0 where ii1_0.sku=?")
        elif r.kind == "callback":
            t = _simple_read(pod, r, t, "payment", "select p1_0.id from payment p1_0 where p1_0.payment_no=?")
            r.status = 422 if r.outcome == "bad_signature" else 204
        elif r.kind == "expiry_job":
            busy = _in_flash_sale(r.arrival)
            r.expired = rng.choice((0, 0, 1, 1, 2, 3)) + (rng.randint(2, 9) if busy else 0)
            t = _simple_read(pod, r, t, "stock_reservation",
                             "select sr1_0.id,sr1_0.created_at,sr1_0.expires_at,sr1_0.order_no,sr1_0.status "
                             "from stock_reservation sr1_0 where sr1_0.status=? and sr1_0.expires_at<? "
                             "order by sr1_0.expires_at limit ?")
        r.end = t + rng.uniform(0.0008, 0.004)
        for sku in r.held:
            if sku in tl.HOT_SKUS:
                pod.row_locks[sku] = max(pod.row_locks.get(sku, 0.0), r.end)
        pod.release(r)
        pod.release_thread(r)
    _count_waiters(requests)
    return Simulation(requests, pod.generations)


def _count_waiters(requests: list[Request]) -> None:
    """Hikari's `waiting=` at each pool timeout: others still waiting for a connection then."""
    waits = [(r.arrival, r.acquired if r.acquired is not None else r.end) for r in requests if r.kind != "bad_request"]
    for r in requests:
        if r.outcome == "pool_timeout":
            r.waiting_at_failure = sum(1 for a, b in waits if a <= r.end < b)
