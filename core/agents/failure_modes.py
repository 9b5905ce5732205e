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

__all__ = ["MODES", "UNKNOWN_BELOW", "FailureMode", "ModeVerdict", "classify"]

UNKNOWN_BELOW = 0.45


@dataclass(frozen=True)
class FailureMode:
    key: str
    types: re.Pattern[str]  # exception simple names
    messages: re.Pattern[str] | None
    mechanism_en: str
    mechanism_zh: str
    fix_en: str
    fix_zh: str
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
        return self.mode.mechanism_zh if lang == "zh" else self.mode.mechanism_en

    def fix(self, lang: str) -> str:
        return self.mode.fix_zh if lang == "zh" else self.mode.fix_en


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
        re.compile(r"Cannot invoke .* because .* is null|'NoneType' object|null reference", re.IGNORECASE),
        "a value the code assumed present was null on this path", "代码假定存在的值在该路径上为 null",
        "handle the absent value where it enters (validate at the boundary, Optional or a default) and add a test "
        "for that input", "在值进入处显式处理缺失（边界校验、Optional 或默认值），并为该输入补充测试"),
    FailureMode(
        "bad-input",
        re.compile(r"^(NumberFormatException|DateTimeParseException|ParseException|IllegalArgumentException|"
                   r"InputMismatchException|JsonParseException|JsonSyntaxException|MalformedJsonException|"
                   r"ValueError|DecoderException|IllegalFieldValueException|.*ParseException)$"),
        re.compile(r"for input string|unparseable|cannot parse|could not parse|invalid|malformed"
                   r"|unexpected (char|token)|not a valid|illegal (character|value)|out of range|must (be|not)",
                   re.IGNORECASE),
        "input the code does not accept — a value in an unexpected format or range — reached a parser or a check",
        "代码不接受的输入（格式或取值范围不符合预期）到达了解析或校验逻辑",
        "decide whether that input is legal: if so, make the parsing accept it; if not, reject it at the boundary with "
        "a clear error; add the failing input as a test case",
        "确认该输入是否合法：合法则让解析逻辑接受它；不合法则在边界处明确拒绝；把失败的输入加为测试用例"),
    FailureMode(
        "index-bounds",
        re.compile(r"^(IndexOutOfBoundsException|ArrayIndexOutOfBoundsException|StringIndexOutOfBoundsException|"
                   r"IndexError|KeyError|NoSuchElementException|BufferUnderflowException|BufferOverflowException)$"),
        re.compile(r"index \S+ out of bounds|out of range|length \d+", re.IGNORECASE),
        "the code indexed past the end of a sequence (an off-by-one, or a size assumption the data breaks)",
        "代码越过了序列的边界访问（差一错误，或数据打破了对长度的假设）",
        "check the index arithmetic and the size assumption against the failing input; guard the access and test the "
        "boundary sizes (empty, one, exact end)",
        "对照失败输入检查下标计算与长度假设；为访问加保护并测试边界长度（空、单元素、恰好到末尾）"),
    FailureMode(
        "class-cast", re.compile(r"^(ClassCastException|TypeError|InvalidCastException|ArrayStoreException)$"),
        re.compile(r"cannot be cast to|incompatible types", re.IGNORECASE),
        "an object of one type was used as another: a type assumption the data or a dispatch broke",
        "某个对象被当作另一种类型使用：数据或分派打破了类型假设",
        "find where the value's type is decided and make it match what the consumer expects (or check before casting)",
        "找到决定该值类型的位置，使其与使用方期望一致（或在转换前检查类型）"),
    FailureMode(
        "illegal-state",
        re.compile(r"^(IllegalStateException|ConcurrentModificationException|UnsupportedOperationException|"
                   r"IllegalMonitorStateException|AssertionError|RuntimeError)$"),
        None,
        "an operation ran in a state it does not support (wrong order of calls, or a state the code did not expect)",
        "某个操作在不支持的状态下被执行（调用顺序错误，或出现了代码未预期的状态）",
        "trace how the object reached that state on the failing path and either prevent it or support the operation "
        "there; add a test for that sequence",
        "追踪对象在失败路径上如何进入该状态，阻止它或在该状态下支持此操作；为该调用序列补充测试"),
    FailureMode(
        "arithmetic", re.compile(r"^(ArithmeticException|ZeroDivisionError|OverflowError|FloatingPointError)$"),
        re.compile(r"/ by zero|division by zero|overflow", re.IGNORECASE),
        "an arithmetic operation received a value it cannot compute with (zero divisor, overflow)",
        "算术运算收到了无法计算的值（除数为零、溢出）",
        "guard the operands on the failing path and test the zero/limit cases",
        "在失败路径上校验运算数，并测试零值与极限值"),
    FailureMode(
        "recursion", re.compile(r"^(StackOverflowError|RecursionError)$"), None,
        "a call cycle recursed without end on this input", "该输入使调用链无限递归",
        "find the cycle in the repeating frames and add the missing base case or cycle check; test that input",
        "根据重复的栈帧找到调用环，补上缺失的终止条件或环检测，并测试该输入"),
    FailureMode(
        "pool-exhaustion", re.compile(r"^(SQLTransientConnectionException|CannotGetJdbcConnectionException|"
                                      r"PoolExhaustedException|JDBCConnectionException|.*PoolTimeoutException)$"),
        re.compile(r"Connection is not available|pool.*exhaust|timeout waiting for (idle )?(connection|object)|"
                   r"too many connections|Cannot get a connection|unable to acquire", re.IGNORECASE),
        "connections were held longer than requests arrived, so the pool ran dry and requests waited for it",
        "连接被占用的时间超过请求到达的间隔，连接池耗尽，请求排队等待连接",
        "find what holds connections (slow statements, long transactions, remote calls inside them, leaks) and release "
        "them sooner; size the pool from measured concurrency",
        "找出长时间占用连接的原因（慢语句、长事务、事务内远程调用、泄漏）并尽早释放；按实测并发配置连接池",
        external=True, runtime=_pool, links=("sql", "config", "frame_method", "call_graph")),
    FailureMode(
        "lock-wait", re.compile(r"^(CannotAcquireLockException|PessimisticLockingFailureException|LockTimeoutException|"
                                r"DeadlockLoserDataAccessException|LockAcquisitionException|MySQLTransactionRollbackException)$"),
        re.compile(r"lock wait timeout|deadlock|could not obtain lock|lock timeout", re.IGNORECASE),
        "transactions waited on row locks held by other transactions until the lock wait timed out",
        "事务等待其他事务持有的行锁，直到锁等待超时",
        "shorten the locking transactions (no remote calls while holding locks, consistent lock order, one batched "
        "statement) or replace the pessimistic lock with an atomic conditional update",
        "缩短持锁事务（持锁期间不做远程调用、固定加锁顺序、批量语句），或用带条件的原子更新替代悲观锁",
        external=True, runtime=_locks, links=("sql", "frame_line", "frame_method")),
    FailureMode(
        "slow-query", re.compile(r"^(QueryTimeoutException|SQLTimeoutException|MySQLTimeoutException|"
                                 r"QueryCanceledException|TransactionTimedOutException)$"),
        re.compile(r"statement (timeout|cancel)|query (timeout|timed out)|canceling statement", re.IGNORECASE),
        "a statement became slow (a full scan or a missing index), holding connections and time",
        "某条 SQL 变慢（全表扫描或缺少索引），占用连接与时间",
        "restore an indexed access path for the statement (the query shape or the index), and check its plan before "
        "release", "为该语句恢复走索引的访问路径（调整查询形态或补索引），上线前检查执行计划",
        external=True, runtime=_slow_sql, links=("sql",)),
    FailureMode(
        "downstream",
        re.compile(r"^(SocketTimeoutException|ReadTimeoutException|ConnectTimeoutException|ConnectException|"
                   r"HttpServerErrorException|HttpTimeoutException|RetryableException|FeignException|"
                   r"ResourceAccessException|ServiceUnavailableException|TimeoutException|"
                   r"NoRouteToHostException|UnknownHostException|WebClientResponseException)$"),
        re.compile(r"read timed out|connect timed out|connection refused|503|502|504|service unavailable|"
                   r"bad gateway|gateway timeout|timed out", re.IGNORECASE),
        "a downstream call failed or answered slower than the caller's timeout",
        "下游调用失败，或响应慢于调用方的超时",
        "bound each remote call (deadline, circuit breaker, bounded retries with jitter) and find why the callee "
        "failed or slowed", "为每次远程调用设上限（超时、熔断、带抖动的有限重试），并查明下游失败或变慢的原因",
        external=True, runtime=_downstream, links=("config",)),
    FailureMode(
        "memory", re.compile(r"^(OutOfMemoryError|MemoryError)$"),
        re.compile(r"Java heap space|GC overhead limit|Metaspace|unable to create native thread", re.IGNORECASE),
        "the process ran out of memory: something retains or loads far more than before",
        "进程内存耗尽：某处保留或加载的数据远多于以往",
        "bound what is loaded at once (pagination, streaming), fix the retention a heap dump shows, then size the heap",
        "限制一次加载的数据量（分页、流式），根据堆转储修复对象滞留，再调整堆大小",
        runtime=_memory, links=("frame_method", "call_graph", "config", "sql")),
    FailureMode(
        "thread-pool-rejection", re.compile(r"^(RejectedExecutionException|TaskRejectedException)$"),
        re.compile(r"rejected from|Thread pool is EXHAUSTED|queue capacity|pool is full", re.IGNORECASE),
        "work arrived faster than the executor could run it, and its queue refused more",
        "任务到达速度超过线程池处理能力，队列拒绝了新任务",
        "find what slowed the tasks or raised their number; bound the producers and size the pool and queue from "
        "measured load", "查明任务变慢或增多的原因；限制生产方，并按实测负载配置线程池与队列",
        external=True, runtime=_threads, links=("config", "frame_method")),
    FailureMode(
        "configuration", re.compile(r"^(BeanCreationException|UnsatisfiedDependencyException|ConfigurationException|"
                                    r"ConfigDataException|BindException|InvalidConfigurationPropertyValueException|"
                                    r"NoSuchBeanDefinitionException|ImproperlyConfigured)$"),
        re.compile(r"Could not resolve placeholder|property|configuration|misconfigur|no qualifying bean",
                   re.IGNORECASE),
        "the application is configured in a way its code cannot run with", "应用的配置使其代码无法正常运行",
        "correct the setting (and validate it at start-up so a bad value fails the deploy, not the traffic)",
        "修正该配置项（并在启动时校验，让错误的值在部署时失败，而不是在流量中失败）", links=("config",)),
    FailureMode(
        "missing-class-or-method", re.compile(r"^(NoSuchMethodError|NoClassDefFoundError|ClassNotFoundException|"
                                              r"AbstractMethodError|IncompatibleClassChangeError|NoSuchFieldError|"
                                              r"LinkageError|UnsupportedClassVersionError|ModuleNotFoundError|ImportError)$"),
        None,
        "the code was compiled against a different version of a library than the one it runs with",
        "代码编译时所用的依赖版本与运行时不同",
        "align the dependency versions (pin the version the code was built against, or rebuild against the new one) "
        "and add a dependency-convergence check to the build",
        "统一依赖版本（固定编译时的版本，或基于新版本重新构建），并在构建中加入依赖收敛检查",
        links=("dependency",)),
    FailureMode(
        "serialization", re.compile(r"^(JsonMappingException|MismatchedInputException|InvalidDefinitionException|"
                                    r"HttpMessageNotReadableException|HttpMessageNotWritableException|SerializationException|"
                                    r"NotSerializableException|InvalidClassException|UnrecognizedPropertyException|"
                                    r"InvalidFormatException|JsonEOFException)$"),
        re.compile(r"Cannot deserialize|cannot construct instance|not serializable|Unrecognized field|"
                   r"could not (read|write) JSON", re.IGNORECASE),
        "a payload and the type it maps to disagree (a field, a format or a version changed on one side)",
        "载荷与其映射的类型不一致（某一方的字段、格式或版本发生了变化）",
        "make the contract explicit on both sides (tolerate unknown fields, version the payload) and add a "
        "contract test",
        "在双方明确契约（容忍未知字段、为载荷加版本），并补充契约测试",
        links=("frame_method", "call_graph", "dependency")),
    FailureMode(
        "data-integrity", re.compile(r"^(ConstraintViolationException|DataIntegrityViolationException|"
                                     r"DuplicateKeyException|SQLIntegrityConstraintViolationException|IntegrityError)$"),
        re.compile(r"Duplicate entry|unique constraint|foreign key|violates .* constraint", re.IGNORECASE),
        "a write broke a database constraint the code no longer respects", "写入违反了代码不再遵守的数据库约束",
        "restore the invariant before writing, and make the write idempotent", "在写入前恢复该不变量，并使写操作幂等",
        links=("sql", "frame_method", "frame_line")),
    FailureMode(
        "traffic-surge", re.compile(r"^$"), None,
        "more requests arrived than the service is sized for, and it degraded under the load",
        "到达的请求超过了服务的容量，服务在负载下退化",
        "shed or queue the excess load (rate limits, autoscaling) and size the service from the new peak",
        "通过限流、排队或自动扩容消化超额流量，并按新的峰值规划容量",
        external=True, runtime=_surge),
)

_UNKNOWN = FailureMode(
    "unknown", re.compile(r"^$"), None,
    "the evidence does not show how it fails: the exception alone does not tell the mechanism",
    "证据未能说明失败机制：仅凭异常无法判断",
    "reproduce the failure with the input and state of the failing requests, then fix the code at the location",
    "用失败请求的输入与状态复现问题，再修复定位处的代码",
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
