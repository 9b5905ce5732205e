"""UI strings of the assets page's runtime tabs (logs, metrics, traces, slow SQL), in Chinese and English."""

from __future__ import annotations

from core.i18n import Text

__all__ = ["STRINGS"]

STRINGS: dict[str, Text] = {
    # logs tab
    "logs.bursts": Text(en="Template bursts", zh="模板突增"),
    "logs.bursts_help": Text(en="Log templates whose rate jumped most: lines per minute in the {before} min before the {ref} "
                                "vs the {after} min after it.",
                             zh="{ref}前 {before} 分钟与之后 {after} 分钟的每分钟行数之比，排名靠前的日志模板。"),
    "logs.no_bursts": Text(en="No log template's rate jumped after the onset.", zh="没有日志模板在错误起点后明显增多。"),
    "logs.col_template": Text(en="Template", zh="模板"),
    "logs.col_level": Text(en="Level", zh="级别"),
    "logs.col_before": Text(en="Before /min", zh="之前 行/分"),
    "logs.col_after": Text(en="After /min", zh="之后 行/分"),
    "logs.col_jump": Text(en="Jump", zh="增幅"),
    "logs.col_first": Text(en="First after onset", zh="起点后首次"),
    "logs.access": Text(en="What users saw (access logs)", zh="用户看到了什么（访问日志）"),
    "logs.access_help": Text(en="5xx share per route from the access logs (ids in paths folded into {{}}), before vs after the "
                                "{ref}; the chart has one point per 5 minutes, for the endpoints cited as evidence, then the "
                                "busiest.",
                             zh="按路由统计访问日志中 5xx 的比例（路径中的 ID 折叠为 {{}}），{ref}前后对比；图中每 5 分钟一个点，"
                                "先画被引用为证据的接口，再画请求最多的。"),
    "logs.access_share": Text(en="5xx share", zh="5xx 比例"),
    "logs.col_endpoint": Text(en="Endpoint", zh="接口"),
    "logs.col_source": Text(en="Access log", zh="访问日志"),
    "logs.col_requests": Text(en="Requests before → after", zh="请求数 之前 → 之后"),
    "logs.col_5xx": Text(en="5xx before → after", zh="5xx 之前 → 之后"),
    "logs.col_p99_before": Text(en="p99 before", zh="之前 p99"),
    "logs.col_p99_after": Text(en="p99 after", zh="之后 p99"),
    # metrics tab
    "metrics.whole": Text(en="Show the whole series", zh="显示完整时间范围"),
    "metrics.whole_help": Text(en="By default the chart starts an hour before the onset.", zh="默认只显示起点前一小时及之后。"),
    "metrics.none": Text(en="No JVM metrics were ingested for this incident.", zh="该事件没有导入 JVM 指标。"),
    "metrics.legend": Text(en="Red dashed line: reported incident start; orange dotted line: error onset. Amber bar and band: an "
                              "anomaly window cited as evidence (labelled with its id). Grey: other windows where the series "
                              "left its baseline. Green labels: metrics the evidence says did not move.",
                           zh="红色虚线：报告的事件开始；橙色点线：错误起点。橙色横条与浅色底纹：作为证据引用的异常窗口（标有证据编号）；灰色：序列偏离基线的其他窗口；绿色标签：证据表明没有变化的指标。"),
    "metrics.cited": Text(en="Metric evidence", zh="被引用的指标证据"),
    "metrics.flat": Text(en="no change", zh="无变化"),
    "unit.threads": Text(en="{v} threads", zh="{v} 个线程"),
    "unit.threads.one": Text(en="{v} thread", zh="{v} 个线程"),
    "unit.connections": Text(en="{v} connections", zh="{v} 个连接"),
    "unit.connections.one": Text(en="{v} connection", zh="{v} 个连接"),
    "unit.count": Text(en="{v}", zh="{v} 次"),
    "unit.count.one": Text(en="{v}", zh="{v} 次"),
    "metrics.finding_moved": Text(en="`{metric}` went from {base} to {peak}", zh="`{metric}` 从 {base} 变为 {peak}"),
    "metrics.finding_flat": Text(en="`{metric}` stayed around {value}: no change", zh="`{metric}` 保持在 {value} 左右，没有变化"),
    "metrics.panel_pool": Text(en="Connection pool: active / pending", zh="连接池：活跃 / 等待"),
    "metrics.panel_threads": Text(en="Blocked threads", zh="阻塞线程"),
    "metrics.panel_latency": Text(en="p99 latency", zh="p99 延迟"),
    "metrics.panel_heap": Text(en="Heap: used / max", zh="堆内存：已用 / 上限"),
    "metrics.panel_gc": Text(en="GC pause", zh="GC 停顿"),
    "metrics.panel_load": Text(en="Request rate", zh="请求速率"),
    # traces tab
    "traces.none": Text(en="No traces were ingested for this incident.", zh="该事件没有导入链路数据。"),
    "traces.endpoints": Text(en="Endpoints before and after the onset", zh="接口：起点前后对比"),
    "traces.col_endpoint": Text(en="Endpoint", zh="接口"),
    "traces.col_service": Text(en="Service", zh="服务"),
    "traces.col_requests": Text(en="Requests before → after", zh="请求数 前→后"),
    "traces.col_errors": Text(en="Error rate before → after", zh="错误率 前→后"),
    "traces.col_p99_before": Text(en="p99 before", zh="p99 之前"),
    "traces.col_p99_after": Text(en="p99 after", zh="p99 之后"),
    "traces.no_errors": Text(en="No trace recorded an error.", zh="没有记录错误的链路。"),
    "traces.waterfall": Text(en="Worst error traces", zh="最慢的错误链路"),
    "traces.pick": Text(en="Trace", zh="链路"),
    "traces.spans": Text(en="{n} spans, {e} failed", zh="{n} 个跨度，{e} 个出错"),
    "traces.no_spans": Text(en="This trace has no spans.", zh="该链路没有跨度。"),
    "traces.critical": Text(en="Critical path", zh="关键路径"),
    "traces.critical_error": Text(en="Critical path (error)", zh="关键路径（出错）"),
    "traces.other": Text(en="Other spans", zh="其他跨度"),
    "traces.other_error": Text(en="Other spans (error)", zh="其他跨度（出错）"),
    "traces.offset": Text(en="ms since the trace started", zh="距链路开始（毫秒）"),
    "traces.self": Text(en="self", zh="自身"),
    "traces.critical_path": Text(en="Critical path: where the time went", zh="关键路径：时间花在哪里"),
    "traces.col_span": Text(en="Span", zh="跨度"),
    "traces.col_self": Text(en="Self time", zh="自身耗时"),
    "traces.col_duration": Text(en="Duration", zh="总耗时"),
    "traces.col_error": Text(en="Error", zh="出错"),
    "traces.col_detail": Text(en="Exception or SQL", zh="异常或 SQL"),
    # slow SQL tab
    "sql.none": Text(en="No slow-SQL log was ingested for this incident.", zh="该事件没有导入慢 SQL 日志。"),
    "sql.help": Text(en="Statements grouped by fingerprint, before vs after {at}; select a row to see a sample.",
                     zh="按语句指纹汇总，以 {at} 为界比较前后；选中一行查看样例语句。"),
    "sql.col_fingerprint": Text(en="Fingerprint", zh="指纹"),
    "sql.col_kind": Text(en="Kind", zh="类型"),
    "sql.col_tables": Text(en="Tables", zh="涉及表"),
    "sql.col_count": Text(en="Count before → after", zh="次数 前→后"),
    "sql.col_p95_before": Text(en="p95 before", zh="p95 之前"),
    "sql.col_p95_after": Text(en="p95 after", zh="p95 之后"),
    "sql.col_lock_before": Text(en="Lock p95 before", zh="锁等待 p95 之前"),
    "sql.col_lock_after": Text(en="Lock p95 after", zh="锁等待 p95 之后"),
    "sql.sample": Text(en="Sample statement", zh="样例语句"),
}
