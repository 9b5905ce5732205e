"""Generate a realistic Logback application log of a given size for the ingest benchmark.

Mixed levels, several hundred message templates with variables (ids, durations, amounts, IPs,
hex ids, paths), thread names, trace ids (most lines carry one, some have ``[]``), some Chinese
text, and about 1% of entries followed by a multi-line Java stack trace with ``Caused by`` chains
and ``... N more``. Output is deterministic for a given seed and size, and written block by
block, so memory stays small whatever the size.

usage: python bench/gen_app_log.py [--size 1G] [--out bench/out/app-1G.log] [--seed 7]
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time
from datetime import datetime, timedelta

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "out"
START = datetime(2026, 11, 20, 13, 0, 0)
_BLOCK = 50_000  # entries generated per block

THREADS = (
    [f"http-nio-8080-exec-{i}" for i in range(1, 201)]
    + [f"pool-3-thread-{i}" for i in range(1, 33)]
    + [f"kafka-consumer-{i}" for i in range(8)]
    + [f"lettuce-nioEventLoop-4-{i}" for i in range(1, 5)]
    + ["main", "scheduling-1", "HikariPool-1 housekeeper", "task-1", "task-2"]
)
MODULES = ("order", "stock", "payment", "user", "cart", "coupon", "search", "notify", "gateway", "risk")
CLASSES = ("Controller", "Service", "Repository", "Client", "Listener", "Job", "Handler", "Facade")
LOGGERS = [f"c.a.s.{m}.{m.capitalize()}{c}" for m in MODULES for c in CLASSES] + [
    "o.s.web.servlet.DispatcherServlet", "com.zaxxer.hikari.pool.HikariPool", "o.a.kafka.clients.NetworkClient",
    "o.h.engine.jdbc.spi.SqlExceptionHelper", "io.lettuce.core.RedisClient",
]
LEVELS = ("INFO", "DEBUG", "WARN", "ERROR", "TRACE")
LEVEL_P = (0.66, 0.2, 0.09, 0.045, 0.005)

# Sentence shapes x domain nouns give several hundred distinct templates. %s marks a variable
# slot; the slot kinds follow in the tuple (i: integer id, ms: duration, amt: amount,
# ip: address:port, hex: hex id, sku, user, path, word: one of a few status words).
_SHAPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Created {n} %s for user %s", ("i", "user")),
    ("Loaded {n} %s in %sms", ("i", "ms")),
    ("Saved {n} id=%s version=%s", ("i", "i")),
    ("{N} %s not found", ("i",)),
    ("Updating {n} %s status to %s", ("i", "word")),
    ("Cache miss for {n} key={n}:%s", ("i",)),
    ("Cache hit ratio for {n} is %s", ("amt",)),
    ("Calling {n}-service at %s took %sms", ("ip", "ms")),
    ("Retry %s/3 for {n} %s after %sms", ("i", "i", "ms")),
    ("Published {n} event %s to topic {n}-events partition %s", ("hex", "i")),
    ("Consumed {n} event %s offset=%s lag=%s", ("hex", "i", "i")),
    ("Slow {n} query took %sms rows=%s", ("ms", "i")),
    ("Request %s %s completed in %sms", ("word", "path", "ms")),
    ("Validation failed for {n} %s: field %s is required", ("i", "word")),
    ("{N} %s locked by %s", ("i", "user")),
    ("Scheduled {n} sync finished: %s updated, %s skipped", ("i", "i")),
    ("Refreshing {n} token for client %s", ("hex",)),
    ("{N} amount %s exceeds limit %s for user %s", ("amt", "amt", "user")),
    ("创建{c}成功，编号 %s，耗时 %sms", ("i", "ms")),
    ("{c}处理失败，原因：%s，编号 %s", ("word", "i")),
    ("查询{c}列表，共 %s 条，用户 %s", ("i", "user")),
    ("{c}扣减 sku=%s 数量=%s", ("sku", "i")),
)
_NOUNS = (
    ("order", "订单"), ("stock", "库存"), ("payment", "支付"), ("user", "用户"), ("cart", "购物车"),
    ("coupon", "优惠券"), ("invoice", "发票"), ("shipment", "物流单"), ("refund", "退款"), ("review", "评价"),
    ("address", "地址"), ("session", "会话"), ("promotion", "促销"), ("warehouse", "仓库"), ("sku", "商品"),
    ("account", "账户"), ("ticket", "工单"), ("settlement", "结算"),
)
_WORDS = ("PAID", "CANCELLED", "SHIPPED", "PENDING", "GET", "POST", "PUT", "timeout", "库存不足", "余额不足")

# Stack traces: (header message, [(exception type, message with %s), ...] outermost first, frames per cause).
_LIB = (
    "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)",
    "org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1067)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:166)",
    "org.springframework.transaction.interceptor.TransactionInterceptor.invoke(TransactionInterceptor.java:119)",
    "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:186)",
    "com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)",
    "org.hibernate.engine.jdbc.spi.SqlExceptionHelper.convert(SqlExceptionHelper.java:113)",
    "java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)",
    "java.base/java.lang.Thread.run(Thread.java:833)",
    "io.netty.channel.AbstractChannelHandlerContext.invokeChannelRead(AbstractChannelHandlerContext.java:379)",
)
_EXCEPTIONS = (
    ("java.lang.NullPointerException", 'Cannot invoke "%s.total()" because "order" is null'),
    ("java.lang.IllegalStateException", "%s state is invalid"),
    ("org.springframework.dao.CannotAcquireLockException", "could not execute statement; SQL [n/a]; %s"),
    ("java.sql.SQLTransientConnectionException",
     "HikariPool-1 - Connection is not available, request timed out after %sms."),
    ("java.net.SocketTimeoutException", "Read timed out after %s ms"),
    ("com.acme.shop.common.BizException", "业务异常：%s"),
    ("org.springframework.web.client.ResourceAccessException", "I/O error on POST request for %s"),
    ("java.util.concurrent.TimeoutException", "%s"),
    ("com.fasterxml.jackson.databind.exc.InvalidFormatException", "Cannot deserialize value %s"),
    ("java.lang.ArithmeticException", "/ by zero in %s"),
)


def _templates() -> list[tuple[str, tuple[str, ...]]]:
    out = []
    for shape, kinds in _SHAPES:
        for en, cn in _NOUNS:
            out.append((shape.replace("{n}", en).replace("{N}", en.capitalize()).replace("{c}", cn), kinds))
    return out


def _trace_scenarios(rng: np.random.Generator) -> list[tuple[list[str], list[int]]]:
    """Stack-trace bodies: each is a list of lines where the first line's %s is filled per use."""
    scenarios = []
    for k in range(40):
        depth = 1 + k % 3  # cause chain length
        lines: list[str] = []
        for c in range(depth):
            exc, msg = _EXCEPTIONS[(k + 3 * c) % len(_EXCEPTIONS)]
            head = f"{exc}: {msg}"
            lines.append(head if c == 0 else "Caused by: " + head)
            module = MODULES[(k + c) % len(MODULES)]
            n_app = 2 + int(rng.integers(0, 5))
            for d in range(n_app):
                cls = f"com.acme.shop.{module}.application.{module.capitalize()}{CLASSES[(k + d) % len(CLASSES)]}"
                method = ("create", "reserve", "pay", "load", "apply", "handle", "sync")[(k + d + c) % 7]
                lines.append(f"\tat {cls}.{method}({cls.rsplit('.', 1)[1]}.java:{17 + 11 * d + k})")
            n_lib = 3 + int(rng.integers(0, 8)) if c == 0 else 2
            for d in range(n_lib):
                lines.append(f"\tat {_LIB[(k + d) % len(_LIB)]}")
            if c:
                lines.append(f"\t... {n_lib + n_app + 5} more")
        slots = [i for i, ln in enumerate(lines) if "%s" in ln]
        scenarios.append((lines, slots))
    return scenarios


_MS = [f"{i:03d}" for i in range(1000)]


def _second_prefixes(secs: np.ndarray) -> tuple[list[str], list[int]]:
    """Distinct 'YYYY-MM-DD HH:MM:SS' prefixes of a block and each entry's index into them."""
    uniq, inv = np.unique(secs, return_inverse=True)
    return [(START + timedelta(seconds=int(s))).strftime("%Y-%m-%d %H:%M:%S") for s in uniq], inv.tolist()


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.templates = _templates()
        weights = 1.0 / np.arange(1, len(self.templates) + 1) ** 0.9  # Zipf-like: a few messages dominate
        self.template_p = weights / weights.sum()
        self.template_order = self.rng.permutation(len(self.templates))
        self.scenarios = _trace_scenarios(self.rng)
        self.clock_ms = 0
        self.entries = 0
        self.traces = 0

    def _values(self, kind: str, n: int) -> list[str]:
        rng = self.rng
        if kind == "i":
            return [str(v) for v in rng.integers(1, 10 ** rng.integers(2, 9, n), dtype=np.int64)]
        if kind == "ms":
            return [str(v) for v in rng.gamma(1.5, 40, n).astype(np.int64)]
        if kind == "amt":
            return [f"{v:.2f}" for v in rng.gamma(2, 80, n)]
        if kind == "ip":
            ips = rng.integers(0, 256, (n, 2))
            ports = rng.integers(8000, 8100, n)
            return [f"10.0.{a}.{b}:{p}" for (a, b), p in zip(ips.tolist(), ports.tolist(), strict=True)]
        if kind == "hex":
            return [v.hex() for v in np.frombuffer(rng.bytes(8 * n), dtype="S8")]
        if kind == "sku":
            return [f"SKU-{v}" for v in rng.integers(10000, 99999, n)]
        if kind == "user":
            return [f"u{v}" for v in rng.integers(1, 500000, n)]
        if kind == "path":
            return [f"/api/{MODULES[a]}s/{b}"
                    for a, b in zip(rng.integers(0, len(MODULES), n), rng.integers(1, 99999, n), strict=True)]
        return [_WORDS[v] for v in rng.integers(0, len(_WORDS), n)]

    def block(self, n: int) -> str:
        rng = self.rng
        self.clock_ms += 1
        ms = self.clock_ms + np.cumsum(rng.integers(0, 3, n))
        self.clock_ms = int(ms[-1])
        prefixes, second_of = _second_prefixes(ms // 1000)
        stamps = [f"{prefixes[s]}.{_MS[f]}" for s, f in zip(second_of, (ms % 1000).tolist(), strict=True)]
        levels = rng.choice(len(LEVELS), n, p=LEVEL_P)
        threads = rng.integers(0, len(THREADS), n)
        loggers = rng.integers(0, len(LOGGERS), n)
        has_trace_id = rng.random(n) < 0.8
        trace_ids = np.frombuffer(rng.bytes(16 * n), dtype="S16")
        tpl = self.template_order[rng.choice(len(self.templates), n, p=self.template_p)]
        with_stack = rng.random(n) < 0.01
        levels[with_stack] = 3
        messages = [""] * n
        order = np.argsort(tpl, kind="stable")
        bounds = np.flatnonzero(np.diff(tpl[order])) + 1
        for rows in np.split(order, bounds):
            text, kinds = self.templates[tpl[rows[0]]]
            rows_list = rows.tolist()
            if not kinds:
                for r in rows_list:
                    messages[r] = text
                continue
            columns = [self._values(kind, len(rows)) for kind in kinds]
            for r, vals in zip(rows_list, zip(*columns, strict=True), strict=True):
                messages[r] = text % vals
        for i in np.flatnonzero(with_stack).tolist():
            messages[i] += "\n" + self._stack()
        level_names = [LEVELS[v] for v in levels.tolist()]
        thread_names = [THREADS[v] for v in threads.tolist()]
        logger_names = [LOGGERS[v] for v in loggers.tolist()]
        traces = [t.hex() if keep else "" for t, keep in zip(trace_ids.tolist(), has_trace_id.tolist(), strict=True)]
        out = [
            f"{ts} {lv} [{th}] [{tr}] {lg} - {msg}\n"
            for ts, lv, th, tr, lg, msg in zip(stamps, level_names, thread_names, traces, logger_names, messages,
                                               strict=True)
        ]
        self.entries += n
        return "".join(out)

    def _stack(self) -> str:
        self.traces += 1
        lines, slots = self.scenarios[int(self.rng.integers(0, len(self.scenarios)))]
        filled = list(lines)
        for s in slots:
            filled[s] = lines[s] % int(self.rng.integers(1, 10**7))
        return "\n".join(filled)


def generate(path: pathlib.Path, size: int, seed: int = 7) -> tuple[int, int, int]:
    """Write about `size` bytes of log (whole entries) to `path`.

    Returns:
        (bytes written, entries, entries with a stack trace).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    gen = _Generator(seed)
    written = 0
    tmp = path.with_suffix(path.suffix + ".part")
    with tmp.open("wb") as out:
        while written < size:
            data = gen.block(_BLOCK).encode("utf-8")
            if written + len(data) > size:
                cut = data.rfind(b"\n", 0, size - written)
                # Keep whole entries: back up to a line that starts an entry (a timestamp).
                while cut > 0 and data[cut + 1 : cut + 3] != b"20":
                    cut = data.rfind(b"\n", 0, cut)
                data = data[: cut + 1] if cut > 0 else data
                out.write(data)
                written += len(data)
                break
            out.write(data)
            written += len(data)
    tmp.replace(path)
    return written, gen.entries, gen.traces


def parse_size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    return int(float(text[:-1]) * units[text[-1]]) if text[-1] in units else int(text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="1G", help="target size, e.g. 50M or 1G (default 1G = 1 GiB)")
    ap.add_argument("--out", type=pathlib.Path, help="output file (default bench/out/app-<size>.log)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    size = parse_size(args.size)
    out = args.out or OUT / f"app-{args.size}.log"
    started = time.perf_counter()
    written, entries, traces = generate(out, size, args.seed)
    print(f"{out}: {written / 1e6:,.1f} MB, ~{entries:,} entries generated, ~{traces:,} stack traces, "
          f"{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
