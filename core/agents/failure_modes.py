"""Failure modes from the whole picture: a scored model over the exception chain, runtime signals and changes.

Each mode scores the evidence it would leave behind — exception types (the root cause weighs most),
message shapes, what the metrics, slow SQL and traces did, and what kind of change is linked — and the
best-scoring mode explains the incident only when its score is high enough. Otherwise the mechanism is
called unknown: a ruling never borrows another failure's story.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from core.fusion.facts import FusedContext
from core.i18n import text

__all__ = ["MODES", "UNKNOWN_BELOW", "FailureMode", "ModeVerdict", "classify"]

UNKNOWN_BELOW = 0.45


@dataclass(frozen=True)
class FailureMode:
    key: str
    types: re.Pattern[str]  # exception simple names
    messages: re.Pattern[str] | None  # its mechanism and fix are worded in core/i18n/modes.py, by key
    external: bool = False  # the cause may lie outside this code (database, network, load)
    runtime: Callable[[Signals], tuple[float, list[str], list[str]]] | None = None  # extra score, reasons, evidence
    links: tuple[str, ...] = ()  # change-link kinds that fit this mode


@dataclass
class ModeVerdict:
    """The best-fitting mode, how well it fits, and what backs it."""

    mode: FailureMode
    score: float
    reasons: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    runner_up: str | None = None

    @property
    def known(self) -> bool:
        return self.mode.key != "unknown"

    def mechanism(self, lang: str) -> str:
        return text(f"mode.{self.mode.key}.mechanism", lang)

    def fix(self, lang: str) -> str:
        return text(f"mode.{self.mode.key}.fix", lang)


@dataclass
class Signals:
    """The runtime picture in the shape the modes read."""

    anomalies: list[tuple[str, str, str | None]]  # (metric, direction, evidence id)
    slow: list[tuple[bool, bool, float, str | None]]  # (new or slower, lock wait grew, rows-ish total ms, evidence id)
    endpoints_worse: list[str | None]
    traces: list[str | None]


def _metric(sig: Signals, pattern: str, direction: str = "up") -> tuple[float, list[str], list[str]]:
    rx = re.compile(pattern, re.IGNORECASE)
    hits = [(m, e) for m, d, e in sig.anomalies if rx.search(m) and d == direction]
    if not hits:
        return 0.0, [], []
    return 0.35, [f"{m} went {direction} at the onset" for m, _ in hits[:2]], [e for _, e in hits if e][:2]


def _pool(sig: Signals) -> tuple[float, list[str], list[str]]:
    return _metric(sig, r"pool|hikari|connections?\.(active|pending|usage)|db\.conn")


def _memory(sig: Signals) -> tuple[float, list[str], list[str]]:
    s1, r1, e1 = _metric(sig, r"heap|memory|gc\.")
    return s1, r1, e1


def _threads(sig: Signals) -> tuple[float, list[str], list[str]]:
    return _metric(sig, r"thread|executor|queue")


def _slow_sql(sig: Signals) -> tuple[float, list[str], list[str]]:
    hits = [(lock, e) for new, lock, _, e in sig.slow if new]
    if not hits:
        return 0.0, [], []
    return 0.4, ["statements became new or slower after the onset"], [e for _, e in hits if e][:2]


def _locks(sig: Signals) -> tuple[float, list[str], list[str]]:
    hits = [e for _, lock, _, e in sig.slow if lock]
    return (0.4, ["lock waits grew after the onset"], [e for e in hits if e][:2]) if hits else (0.0, [], [])


def _downstream(sig: Signals) -> tuple[float, list[str], list[str]]:
    score, reasons, ev = 0.0, [], []
    if sig.traces:
        score, reasons = 0.25, ["failing requests spend their time in a downstream span"]
        ev = [e for e in sig.traces if e][:1]
    s, r, e = _metric(sig, r"latency|duration|p9\d|response")
    return score + s * 0.5, reasons + r, ev + e


def _surge(sig: Signals) -> tuple[float, list[str], list[str]]:
    score, reasons, ev = _metric(sig, r"http\.rate|requests?\b|rps|qps|throughput|traffic")
    return (0.6, reasons, ev) if score else (0.0, [], [])


MODES: tuple[FailureMode, ...] = (
    FailureMode(
        "null-dereference", re.compile(r"^(NullPointerException|NoneType|NullReferenceException)$"),
        re.compile(r"Cannot invoke .* because .* is null|'NoneType' object|null reference", re.IGNORECASE)),
    FailureMode(
        "bad-input",
        re.compile(r"^(NumberFormatException|DateTimeParseException|ParseException|IllegalArgumentException|"
                   r"InputMismatchException|JsonParseException|JsonSyntaxException|MalformedJsonException|"
                   r"ValueError|DecoderException|IllegalFieldValueException|.*ParseException)$"),
        re.compile(r"for input string|unparseable|cannot parse|could not parse|invalid|malformed"
                   r"|unexpected (char|token)|not a valid|illegal (character|value)|out of range|must (be|not)",
                   re.IGNORECASE)),
    FailureMode(
        "index-bounds",
        re.compile(r"^(IndexOutOfBoundsException|ArrayIndexOutOfBoundsException|StringIndexOutOfBoundsException|"
                   r"IndexError|KeyError|NoSuchElementException|BufferUnderflowException|BufferOverflowException)$"),
        re.compile(r"index \S+ out of bounds|out of range|length \d+", re.IGNORECASE)),
    FailureMode(
        "class-cast", re.compile(r"^(ClassCastException|TypeError|InvalidCastException|ArrayStoreException)$"),
        re.compile(r"cannot be cast to|incompatible types", re.IGNORECASE)),
    FailureMode(
        "illegal-state",
        re.compile(r"^(IllegalStateException|ConcurrentModificationException|UnsupportedOperationException|"
                   r"IllegalMonitorStateException|AssertionError|RuntimeError)$"),
        None),
    FailureMode(
        "arithmetic", re.compile(r"^(ArithmeticException|ZeroDivisionError|OverflowError|FloatingPointError)$"),
        re.compile(r"/ by zero|division by zero|overflow", re.IGNORECASE)),
    FailureMode(
        "recursion", re.compile(r"^(StackOverflowError|RecursionError)$"), None),
    FailureMode(
        "pool-exhaustion", re.compile(r"^(SQLTransientConnectionException|CannotGetJdbcConnectionException|"
                                      r"PoolExhaustedException|JDBCConnectionException|.*PoolTimeoutException)$"),
        re.compile(r"Connection is not available|pool.*exhaust|timeout waiting for (idle )?(connection|object)|"
                   r"too many connections|Cannot get a connection|unable to acquire", re.IGNORECASE),
        external=True, runtime=_pool, links=("sql", "config", "frame_method", "call_graph")),
    FailureMode(
        "lock-wait", re.compile(r"^(CannotAcquireLockException|PessimisticLockingFailureException|LockTimeoutException|"
                                r"DeadlockLoserDataAccessException|LockAcquisitionException|MySQLTransactionRollbackException)$"),
        re.compile(r"lock wait timeout|deadlock|could not obtain lock|lock timeout", re.IGNORECASE),
        external=True, runtime=_locks, links=("sql", "frame_line", "frame_method")),
    FailureMode(
        "slow-query", re.compile(r"^(QueryTimeoutException|SQLTimeoutException|MySQLTimeoutException|"
                                 r"QueryCanceledException|TransactionTimedOutException)$"),
        re.compile(r"statement (timeout|cancel)|query (timeout|timed out)|canceling statement", re.IGNORECASE),
        external=True, runtime=_slow_sql, links=("sql",)),
    FailureMode(
        "downstream",
        re.compile(r"^(SocketTimeoutException|ReadTimeoutException|ConnectTimeoutException|ConnectException|"
                   r"HttpServerErrorException|HttpTimeoutException|RetryableException|FeignException|"
                   r"ResourceAccessException|ServiceUnavailableException|TimeoutException|"
                   r"NoRouteToHostException|UnknownHostException|WebClientResponseException)$"),
        re.compile(r"read timed out|connect timed out|connection refused|503|502|504|service unavailable|"
                   r"bad gateway|gateway timeout|timed out", re.IGNORECASE),
        external=True, runtime=_downstream, links=("config",)),
    FailureMode(
        "memory", re.compile(r"^(OutOfMemoryError|MemoryError)$"),
        re.compile(r"Java heap space|GC overhead limit|Metaspace|unable to create native thread", re.IGNORECASE),
        runtime=_memory, links=("frame_method", "call_graph", "config", "sql")),
    FailureMode(
        "thread-pool-rejection", re.compile(r"^(RejectedExecutionException|TaskRejectedException)$"),
        re.compile(r"rejected from|Thread pool is EXHAUSTED|queue capacity|pool is full", re.IGNORECASE),
        external=True, runtime=_threads, links=("config", "frame_method")),
    FailureMode(
        "configuration", re.compile(r"^(BeanCreationException|UnsatisfiedDependencyException|ConfigurationException|"
                                    r"ConfigDataException|BindException|InvalidConfigurationPropertyValueException|"
                                    r"NoSuchBeanDefinitionException|ImproperlyConfigured)$"),
        re.compile(r"Could not resolve placeholder|property|configuration|misconfigur|no qualifying bean",
                   re.IGNORECASE), links=("config",)),
    FailureMode(
        "missing-class-or-method", re.compile(r"^(NoSuchMethodError|NoClassDefFoundError|ClassNotFoundException|"
                                              r"AbstractMethodError|IncompatibleClassChangeError|NoSuchFieldError|"
                                              r"LinkageError|UnsupportedClassVersionError|ModuleNotFoundError|ImportError)$"),
        None,
        links=("dependency",)),
    FailureMode(
        "serialization", re.compile(r"^(JsonMappingException|MismatchedInputException|InvalidDefinitionException|"
                                    r"HttpMessageNotReadableException|HttpMessageNotWritableException|SerializationException|"
                                    r"NotSerializableException|InvalidClassException|UnrecognizedPropertyException|"
                                    r"InvalidFormatException|JsonEOFException)$"),
        re.compile(r"Cannot deserialize|cannot construct instance|not serializable|Unrecognized field|"
                   r"could not (read|write) JSON", re.IGNORECASE),
        links=("frame_method", "call_graph", "dependency")),
    FailureMode(
        "data-integrity", re.compile(r"^(ConstraintViolationException|DataIntegrityViolationException|"
                                     r"DuplicateKeyException|SQLIntegrityConstraintViolationException|IntegrityError)$"),
        re.compile(r"Duplicate entry|unique constraint|foreign key|violates .* constraint", re.IGNORECASE),
        links=("sql", "frame_method", "frame_line")),
    FailureMode(
        "traffic-surge", re.compile(r"^$"), None,
        external=True, runtime=_surge),
)

_UNKNOWN = FailureMode(
    "unknown", re.compile(r"^$"), None,
)


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1].rsplit("$", 1)[-1]


def _signals(ctx: FusedContext) -> Signals:
    rt = ctx.runtime
    if rt is None:
        return Signals([], [], [], [])
    slow = [(q.n_before == 0 or (q.p95_after_ms or 0) > 2 * (q.p95_before_ms or 0),
             (q.lock_p95_after_ms or 0) > 2 * (q.lock_p95_before_ms or 0) + 50, q.total_after_ms, q.evidence_id)
            for q in rt.slow_queries]
    worse = [e.evidence_id for e in rt.endpoints if (e.error_rate_after or 0) > (e.error_rate_before or 0) + 0.02]
    return Signals([(a.metric, a.direction or "up", a.evidence_id) for a in rt.anomalies], slow, worse,
                   [t.evidence_id for t in rt.traces])


def classify(ctx: FusedContext) -> ModeVerdict:
    """Score every mode against the incident's evidence; the best one if it fits well enough, else unknown."""
    sig = _signals(ctx)
    top = ctx.top_group
    chain = [_short(t) for t in ([top.root_type, *reversed(top.chain)] if top else [])]
    message = " ".join(g.root_message for g in ctx.groups[:3]) if ctx.groups else ""
    guilty = next((s for s in ctx.suspects if s.guilty), None)
    link_kinds = {lk.kind for lk in guilty.links} if guilty else set()
    scored: list[ModeVerdict] = []
    for mode in MODES:
        score, reasons, evidence = 0.0, [], [top.evidence_id] if top and top.evidence_id else []
        for i, name in enumerate(dict.fromkeys(chain)):
            if mode.types.match(name):
                weight = 0.75 if i == 0 else 0.45
                score = max(score, weight)
                reasons.append(f"{'the root cause' if i == 0 else 'the chain'} is {name}")
                break
        if mode.messages and message and mode.messages.search(message):
            score = 1 - (1 - score) * (1 - 0.4)
            reasons.append("the error message reads like it")
        if mode.runtime:
            extra, why, ev = mode.runtime(sig)
            if extra:
                score = 1 - (1 - score) * (1 - extra)
                reasons += why
                evidence += ev
        if link_kinds & set(mode.links) and score > 0:
            score = 1 - (1 - score) * (1 - 0.2)
            reasons.append("the linked change is of the kind that causes it")
        if mode.key == "traffic-surge" and (guilty or score < 0.3):
            score = 0.0  # a surge explains a failure only when no change does and the load clearly moved
        scored.append(ModeVerdict(mode=mode, score=round(score, 3), reasons=reasons,
                                  evidence=[e for e in evidence if e]))
    scored.sort(key=lambda v: -v.score)
    best = scored[0]
    runner = scored[1].mode.key if len(scored) > 1 and scored[1].score > 0 else None
    if best.score < UNKNOWN_BELOW:
        return ModeVerdict(mode=_UNKNOWN, score=best.score, reasons=best.reasons, evidence=best.evidence,
                           runner_up=best.mode.key if best.score > 0 else None)
    best.runner_up = runner
    return best
