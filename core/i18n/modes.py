"""Failure modes (core/agents/failure_modes.py) in words: how each fails (`mode.<key>.mechanism`), what fixes it."""

from __future__ import annotations

from core.i18n import Text

__all__ = ["STRINGS"]

STRINGS: dict[str, Text] = {
    "mode.null-dereference.mechanism": Text(en="a value the code assumed present was null on this path",
                                            zh="代码假定存在的值在该路径上为 null"),
    "mode.null-dereference.fix": Text(en="handle the absent value where it enters (validate at the boundary, "
                                         "Optional or a default) and add a test for that input",
                                      zh="在值进入处显式处理缺失（边界校验、Optional 或默认值），并为该输入补充测试"),
    "mode.bad-input.mechanism": Text(en="input the code does not accept — a value in an unexpected format or range — "
                                        "reached a parser or a check",
                                     zh="代码不接受的输入（格式或取值范围不符合预期）到达了解析或校验逻辑"),
    "mode.bad-input.fix": Text(en="decide whether that input is legal: if so, make the parsing accept it; if not, "
                                  "reject it at the boundary with a clear error; add the failing input as a test case",
                               zh="确认该输入是否合法：合法则让解析逻辑接受它；不合法则在边界处明确拒绝；"
                                  "把失败的输入加为测试用例"),
    "mode.index-bounds.mechanism": Text(en="the code indexed past the end of a sequence (an off-by-one, or a size "
                                           "assumption the data breaks)",
                                        zh="代码越过了序列的边界访问（差一错误，或数据打破了对长度的假设）"),
    "mode.index-bounds.fix": Text(en="check the index arithmetic and the size assumption against the failing input; "
                                     "guard the access and test the boundary sizes (empty, one, exact end)",
                                  zh="对照失败输入检查下标计算与长度假设；为访问加保护并测试边界长度（空、单元素、"
                                     "恰好到末尾）"),
    "mode.class-cast.mechanism": Text(en="an object of one type was used as another: a type assumption the data or a "
                                         "dispatch broke",
                                      zh="某个对象被当作另一种类型使用：数据或分派打破了类型假设"),
    "mode.class-cast.fix": Text(en="find where the value's type is decided and make it match what the consumer "
                                   "expects (or check before casting)",
                                zh="找到决定该值类型的位置，使其与使用方期望一致（或在转换前检查类型）"),
    "mode.illegal-state.mechanism": Text(en="an operation ran in a state it does not support (wrong order of calls, "
                                            "or a state the code did not expect)",
                                         zh="某个操作在不支持的状态下被执行（调用顺序错误，或出现了代码未预期的状态）"),
    "mode.illegal-state.fix": Text(en="trace how the object reached that state on the failing path and either "
                                      "prevent it or support the operation there; add a test for that sequence",
                                   zh="追踪对象在失败路径上如何进入该状态，阻止它或在该状态下支持此操作；"
                                      "为该调用序列补充测试"),
    "mode.arithmetic.mechanism": Text(en="an arithmetic operation received a value it cannot compute with (zero "
                                         "divisor, overflow)",
                                      zh="算术运算收到了无法计算的值（除数为零、溢出）"),
    "mode.arithmetic.fix": Text(en="guard the operands on the failing path and test the zero/limit cases",
                                zh="在失败路径上校验运算数，并测试零值与极限值"),
    "mode.recursion.mechanism": Text(en="a call cycle recursed without end on this input", zh="该输入使调用链无限递归"),
    "mode.recursion.fix": Text(en="find the cycle in the repeating frames and add the missing base case or cycle "
                                  "check; test that input",
                               zh="根据重复的栈帧找到调用环，补上缺失的终止条件或环检测，并测试该输入"),
    "mode.pool-exhaustion.mechanism": Text(en="connections were held longer than requests arrived, so the pool ran "
                                              "dry and requests waited for it",
                                           zh="连接被占用的时间超过请求到达的间隔，连接池耗尽，请求排队等待连接"),
    "mode.pool-exhaustion.fix": Text(en="find what holds connections (slow statements, long transactions, remote "
                                        "calls inside them, leaks) and release them sooner; size the pool from "
                                        "measured concurrency",
                                     zh="找出长时间占用连接的原因（慢语句、长事务、事务内远程调用、泄漏）并尽早释放；"
                                        "按实测并发配置连接池"),
    "mode.lock-wait.mechanism": Text(en="transactions waited on row locks held by other transactions until the lock "
                                        "wait timed out",
                                     zh="事务等待其他事务持有的行锁，直到锁等待超时"),
    "mode.lock-wait.fix": Text(en="shorten the locking transactions (no remote calls while holding locks, consistent "
                                  "lock order, one batched statement) or replace the pessimistic lock with an atomic "
                                  "conditional update",
                               zh="缩短持锁事务（持锁期间不做远程调用、固定加锁顺序、批量语句），"
                                  "或用带条件的原子更新替代悲观锁"),
    "mode.slow-query.mechanism": Text(en="a statement became slow (a full scan or a missing index), holding "
                                         "connections and time",
                                      zh="某条 SQL 变慢（全表扫描或缺少索引），占用连接与时间"),
    "mode.slow-query.fix": Text(en="restore an indexed access path for the statement (the query shape or the index), "
                                   "and check its plan before release",
                                zh="为该语句恢复走索引的访问路径（调整查询形态或补索引），上线前检查执行计划"),
    "mode.downstream.mechanism": Text(en="a downstream call failed or answered slower than the caller's timeout",
                                      zh="下游调用失败，或响应慢于调用方的超时"),
    "mode.downstream.fix": Text(en="bound each remote call (deadline, circuit breaker, bounded retries with jitter) "
                                   "and find why the callee failed or slowed",
                                zh="为每次远程调用设上限（超时、熔断、带抖动的有限重试），并查明下游失败或变慢的原因"),
    "mode.memory.mechanism": Text(en="the process ran out of memory: something retains or loads far more than before",
                                  zh="进程内存耗尽：某处保留或加载的数据远多于以往"),
    "mode.memory.fix": Text(en="bound what is loaded at once (pagination, streaming), fix the retention a heap dump "
                               "shows, then size the heap",
                            zh="限制一次加载的数据量（分页、流式），根据堆转储修复对象滞留，再调整堆大小"),
    "mode.thread-pool-rejection.mechanism": Text(en="work arrived faster than the executor could run it, and its "
                                                    "queue refused more",
                                                 zh="任务到达速度超过线程池处理能力，队列拒绝了新任务"),
    "mode.thread-pool-rejection.fix": Text(en="find what slowed the tasks or raised their number; bound the "
                                              "producers and size the pool and queue from measured load",
                                           zh="查明任务变慢或增多的原因；限制生产方，并按实测负载配置线程池与队列"),
    "mode.configuration.mechanism": Text(en="the application is configured in a way its code cannot run with",
                                         zh="应用的配置使其代码无法正常运行"),
    "mode.configuration.fix": Text(en="correct the setting (and validate it at start-up so a bad value fails the "
                                      "deploy, not the traffic)",
                                   zh="修正该配置项（并在启动时校验，让错误的值在部署时失败，而不是在流量中失败）"),
    "mode.missing-class-or-method.mechanism": Text(en="the code was compiled against a different version of a "
                                                      "library than the one it runs with",
                                                   zh="代码编译时所用的依赖版本与运行时不同"),
    "mode.missing-class-or-method.fix": Text(en="align the dependency versions (pin the version the code was built "
                                                "against, or rebuild against the new one) and add a "
                                                "dependency-convergence check to the build",
                                             zh="统一依赖版本（固定编译时的版本，或基于新版本重新构建），"
                                                "并在构建中加入依赖收敛检查"),
    "mode.serialization.mechanism": Text(en="a payload and the type it maps to disagree (a field, a format or a "
                                            "version changed on one side)",
                                         zh="载荷与其映射的类型不一致（某一方的字段、格式或版本发生了变化）"),
    "mode.serialization.fix": Text(en="make the contract explicit on both sides (tolerate unknown fields, version "
                                      "the payload) and add a contract test",
                                   zh="在双方明确契约（容忍未知字段、为载荷加版本），并补充契约测试"),
    "mode.data-integrity.mechanism": Text(en="a write broke a database constraint the code no longer respects",
                                          zh="写入违反了代码不再遵守的数据库约束"),
    "mode.data-integrity.fix": Text(en="restore the invariant before writing, and make the write idempotent",
                                    zh="在写入前恢复该不变量，并使写操作幂等"),
    "mode.traffic-surge.mechanism": Text(en="more requests arrived than the service is sized for, and it degraded "
                                            "under the load",
                                         zh="到达的请求超过了服务的容量，服务在负载下退化"),
    "mode.traffic-surge.fix": Text(en="shed or queue the excess load (rate limits, autoscaling) and size the service "
                                      "from the new peak",
                                   zh="通过限流、排队或自动扩容消化超额流量，并按新的峰值规划容量"),
    "mode.unknown.mechanism": Text(en="the evidence does not show how it fails: the exception alone does not tell "
                                      "the mechanism",
                                   zh="证据未能说明失败机制：仅凭异常无法判断"),
    "mode.unknown.fix": Text(en="reproduce the failure with the input and state of the failing requests, then fix "
                                "the code at the location",
                             zh="用失败请求的输入与状态复现问题，再修复定位处的代码"),
}
