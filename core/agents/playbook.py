"""Failure patterns the offline brain knows: how a kind of exception fails, and how it is usually fixed."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Pattern", "match_pattern", "PATTERNS"]


@dataclass(frozen=True)
class Pattern:
    key: str
    signals: re.Pattern[str]
    mechanism_en: str
    mechanism_zh: str
    fix_en: str
    fix_zh: str
    external_suspect: bool = False  # an infrastructure cause (DB, network) is a plausible alternative


PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "lock-contention",
        re.compile(r"lock wait timeout|deadlock|CannotAcquireLock|LockAcquisition|PessimisticLock|ForUpdate|FOR UPDATE", re.I),
        "row locks are held for the length of a transaction, so concurrent requests queue on the same rows until "
        "the lock wait timeout fires and connections pile up behind them",
        "事务在整个执行期间持有行锁，并发请求在同一批行上排队，直到锁等待超时，数据库连接随之堆积",
        "keep the transaction short: take the locks in one batched statement in a consistent order, move remote "
        "calls out of the locked section, or replace the pessimistic lock with an atomic conditional UPDATE "
        "(optimistic check); add a lock timeout and a test under concurrent load",
        "缩短事务：按固定顺序一次性批量加锁，把远程调用移出加锁区间，或改用带条件的原子 UPDATE（乐观校验）；"
        "设置锁超时并补充并发压测用例",
        external_suspect=True,
    ),
    Pattern(
        "pool-exhaustion",
        re.compile(r"Connection is not available|pool.*exhaust|timeout waiting for (idle )?(connection|object)|too many connections", re.I),
        "connections are held longer than requests arrive, so the pool runs dry and every request waits for it",
        "连接占用时间超过请求到达间隔，连接池被耗尽，所有请求都在等待连接",
        "find what holds connections (long transactions, remote calls inside them, leaks) and release them sooner; "
        "size the pool from measured concurrency and set a short connection timeout",
        "找出长时间占用连接的代码（长事务、事务内远程调用、泄漏）并尽早释放；按实测并发配置连接池，设置较短的获取超时",
        external_suspect=True,
    ),
    Pattern(
        "null-dereference",
        re.compile(r"NullPointerException|NoneType|null reference|Cannot invoke .* because", re.I),
        "a value the code assumed present is null on some inputs",
        "代码假定存在的值在部分输入下为 null",
        "handle the absent value explicitly (validate at the boundary, Optional, default) and add a test for that input",
        "显式处理缺失值（在边界校验、使用 Optional 或默认值），并为该输入补充测试",
    ),
    Pattern(
        "memory",
        re.compile(r"OutOfMemoryError|GC overhead limit|Java heap space|MemoryError", re.I),
        "the process runs out of heap: something retains or loads far more objects than before",
        "进程堆内存耗尽：某处保留或加载的对象远多于以往",
        "bound what is loaded (pagination, streaming), fix the retention found in a heap dump, then size the heap",
        "限制一次加载的数据量（分页、流式），根据堆转储修复对象泄漏，再调整堆大小",
    ),
    Pattern(
        "downstream-timeout",
        re.compile(r"SocketTimeout|ReadTimeout|ConnectTimeout|TimeoutException|timed out|504", re.I),
        "a downstream call is slower than the caller's timeout, so requests fail or retry in bulk",
        "下游调用慢于调用方超时，请求大批失败或重试",
        "set deadlines per call, add a circuit breaker and bounded retries with jitter, and find why the callee slowed",
        "为每次调用设置超时，加入熔断与带抖动的有限重试，并排查下游变慢的原因",
        external_suspect=True,
    ),
    Pattern(
        "data-integrity",
        re.compile(r"ConstraintViolation|DataIntegrityViolation|Duplicate entry|unique constraint|foreign key", re.I),
        "writes break a database constraint the code no longer respects",
        "写入违反了代码不再遵守的数据库约束",
        "restore the invariant in the domain model before writing, and make the write idempotent",
        "在写入前于领域模型中恢复该不变量，并使写操作幂等",
    ),
)

_GENERIC = Pattern(
    "generic", re.compile(r"$^"),
    "the changed code throws on the production path", "变更后的代码在生产路径上抛出异常",
    "fix the failing line and add a regression test that reproduces the production input",
    "修复出错的代码行，并补充复现生产输入的回归测试",
)


def match_pattern(*texts: str | None) -> Pattern:
    """The first known pattern whose signals appear in the exception types, messages or code line."""
    blob = "\n".join(t for t in texts if t)
    return next((p for p in PATTERNS if p.signals.search(blob)), _GENERIC)
