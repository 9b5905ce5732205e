"""UI strings of the assets page's runtime tabs (logs, metrics, traces, slow SQL), in Chinese and English."""

from __future__ import annotations

__all__ = ["RUNTIME_STRINGS"]

# key -> (zh, en)
RUNTIME_STRINGS: dict[str, tuple[str, str]] = {
    # logs tab
    "logs.bursts": ("模板突增", "Template bursts"),
    "logs.bursts_help": ("{ref}前 {before} 分钟与之后 {after} 分钟的每分钟行数之比，排名靠前的日志模板。",
                         "Log templates whose rate jumped most: lines per minute in the {before} min before the {ref} "
                         "vs the {after} min after it."),
    "logs.no_bursts": ("没有日志模板在错误起点后明显增多。", "No log template's rate jumped after the onset."),
    "logs.col_template": ("模板", "Template"),
    "logs.col_level": ("级别", "Level"),
    "logs.col_before": ("之前 行/分", "Before /min"),
    "logs.col_after": ("之后 行/分", "After /min"),
    "logs.col_jump": ("增幅", "Jump"),
    "logs.col_first": ("起点后首次", "First after onset"),
    "logs.access": ("用户看到了什么（访问日志）", "What users saw (access logs)"),
    "logs.access_help": ("按路由统计访问日志中 5xx 的比例（路径中的 ID 折叠为 {{}}），{ref}前后对比；图中每 5 分钟一个点，"
                         "先画被引用为证据的接口，再画请求最多的。",
                         "5xx share per route from the access logs (ids in paths folded into {{}}), before vs after the "
                         "{ref}; the chart has one point per 5 minutes, for the endpoints cited as evidence, then the "
                         "busiest."),
    "logs.access_share": ("5xx 比例", "5xx share"),
    "logs.col_endpoint": ("接口", "Endpoint"),
    "logs.col_source": ("访问日志", "Access log"),
    "logs.col_requests": ("请求数 之前 → 之后", "Requests before → after"),
    "logs.col_5xx": ("5xx 之前 → 之后", "5xx before → after"),
    "logs.col_p99_before": ("之前 p99", "p99 before"),
    "logs.col_p99_after": ("之后 p99", "p99 after"),
    # metrics tab
    "metrics.whole": ("显示完整时间范围", "Show the whole series"),
    "metrics.whole_help": ("默认只显示起点前一小时及之后。", "By default the chart starts an hour before the onset."),
    "metrics.none": ("该事件没有导入 JVM 指标。", "No JVM metrics were ingested for this incident."),
    "metrics.legend": ("红色虚线：报告的事件开始；橙色点线：错误起点。橙色横条与浅色底纹：作为证据引用的异常窗口（标有证据编号）；灰色：序列偏离基线的其他窗口；绿色标签：证据表明没有变化的指标。",
                       "Red dashed line: reported incident start; orange dotted line: error onset. Amber bar and band: an "
                       "anomaly window cited as evidence (labelled with its id). Grey: other windows where the series "
                       "left its baseline. Green labels: metrics the evidence says did not move."),
    "metrics.cited": ("被引用的指标证据", "Metric evidence"),
    "metrics.flat": ("无变化", "no change"),
    "unit.threads": ("{v} 个线程", "{v} threads"),
    "unit.threads.one": ("{v} 个线程", "{v} thread"),
    "unit.connections": ("{v} 个连接", "{v} connections"),
    "unit.connections.one": ("{v} 个连接", "{v} connection"),
    "unit.count": ("{v} 次", "{v}"),
    "unit.count.one": ("{v} 次", "{v}"),
    "metrics.finding_moved": ("`{metric}` 从 {base} 变为 {peak}", "`{metric}` went from {base} to {peak}"),
    "metrics.finding_flat": ("`{metric}` 保持在 {value} 左右，没有变化", "`{metric}` stayed around {value}: no change"),
    "metrics.panel_pool": ("连接池：活跃 / 等待", "Connection pool: active / pending"),
    "metrics.panel_threads": ("阻塞线程", "Blocked threads"),
    "metrics.panel_latency": ("p99 延迟", "p99 latency"),
    "metrics.panel_heap": ("堆内存：已用 / 上限", "Heap: used / max"),
    "metrics.panel_gc": ("GC 停顿", "GC pause"),
    "metrics.panel_load": ("请求速率", "Request rate"),
    # traces tab
    "traces.none": ("该事件没有导入链路数据。", "No traces were ingested for this incident."),
    "traces.endpoints": ("接口：起点前后对比", "Endpoints before and after the onset"),
    "traces.col_endpoint": ("接口", "Endpoint"),
    "traces.col_service": ("服务", "Service"),
    "traces.col_requests": ("请求数 前→后", "Requests before → after"),
    "traces.col_errors": ("错误率 前→后", "Error rate before → after"),
    "traces.col_p99_before": ("p99 之前", "p99 before"),
    "traces.col_p99_after": ("p99 之后", "p99 after"),
    "traces.no_errors": ("没有记录错误的链路。", "No trace recorded an error."),
    "traces.waterfall": ("最慢的错误链路", "Worst error traces"),
    "traces.pick": ("链路", "Trace"),
    "traces.spans": ("{n} 个跨度，{e} 个出错", "{n} spans, {e} failed"),
    "traces.no_spans": ("该链路没有跨度。", "This trace has no spans."),
    "traces.critical": ("关键路径", "Critical path"),
    "traces.critical_error": ("关键路径（出错）", "Critical path (error)"),
    "traces.other": ("其他跨度", "Other spans"),
    "traces.other_error": ("其他跨度（出错）", "Other spans (error)"),
    "traces.offset": ("距链路开始（毫秒）", "ms since the trace started"),
    "traces.self": ("自身", "self"),
    "traces.critical_path": ("关键路径：时间花在哪里", "Critical path: where the time went"),
    "traces.col_span": ("跨度", "Span"),
    "traces.col_self": ("自身耗时", "Self time"),
    "traces.col_duration": ("总耗时", "Duration"),
    "traces.col_error": ("出错", "Error"),
    "traces.col_detail": ("异常或 SQL", "Exception or SQL"),
    # slow SQL tab
    "sql.none": ("该事件没有导入慢 SQL 日志。", "No slow-SQL log was ingested for this incident."),
    "sql.help": ("按语句指纹汇总，以 {at} 为界比较前后；选中一行查看样例语句。",
                 "Statements grouped by fingerprint, before vs after {at}; select a row to see a sample."),
    "sql.col_fingerprint": ("指纹", "Fingerprint"),
    "sql.col_kind": ("类型", "Kind"),
    "sql.col_tables": ("涉及表", "Tables"),
    "sql.col_count": ("次数 前→后", "Count before → after"),
    "sql.col_p95_before": ("p95 之前", "p95 before"),
    "sql.col_p95_after": ("p95 之后", "p95 after"),
    "sql.col_lock_before": ("锁等待 p95 之前", "Lock p95 before"),
    "sql.col_lock_after": ("锁等待 p95 之后", "Lock p95 after"),
    "sql.sample": ("样例语句", "Sample statement"),
}
