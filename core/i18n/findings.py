"""The fusion pass's wording: evidence statements, key findings, why a frame ranks where it does, units and times."""

from __future__ import annotations

from core.i18n import Text

STRINGS: dict[str, Text] = {
    # Separators inside a finding.
    "finding.sep.list": Text(en=", ", zh="，"),
    "finding.sep.semicolon": Text(en="; ", zh="；"),
    # How long before or after a reference time (core.plain_text.relative_to).
    "finding.time.minutes": Text(en="{m:.0f} min", zh="{m:.0f} 分钟"),
    "finding.time.hours": Text(en="{h:.1f} h", zh="{h:.1f} 小时"),
    "finding.time.days": Text(en="{d:.1f} days", zh="{d:.1f} 天"),
    "finding.time.before.start": Text(en="{span} before the start", zh="开始前 {span}"),
    "finding.time.after.start": Text(en="{span} after the start", zh="开始后 {span}"),
    "finding.time.before.reported_start": Text(en="{span} before the reported start", zh="报告的开始时间前 {span}"),
    "finding.time.after.reported_start": Text(en="{span} after the reported start", zh="报告的开始时间后 {span}"),
    # Change links (core.fusion.link_words): the kind's short name, and what the change did (`where` = file:line).
    "finding.link.kind.frame_line": Text(en="frame line", zh="出错行"),
    "finding.link.kind.frame_method": Text(en="frame method", zh="出错方法"),
    "finding.link.kind.frame_file": Text(en="frame file", zh="出错文件"),
    "finding.link.kind.call_graph": Text(en="call graph", zh="调用关系"),
    "finding.link.kind.sql": Text(en="sql", zh="SQL"),
    "finding.link.kind.log_string": Text(en="log string", zh="日志文本"),
    "finding.link.kind.config": Text(en="config", zh="配置"),
    "finding.link.kind.dependency": Text(en="dependency", zh="依赖"),
    "finding.link.kind.resource_leak": Text(en="resource leak", zh="资源泄漏"),
    "finding.link.kind.data_flow": Text(en="data flow", zh="数据流"),
    "finding.link.said.frame_line": Text(en="it wrote the failing line {where}", zh="它写下了出错行 {where}"),
    "finding.link.said.frame_method": Text(en="it changed the failing method ({where})",
                                           zh="它修改了出错方法（{where}）"),
    "finding.link.said.frame_file": Text(en="it changed the file of the failing code ({where})",
                                         zh="它修改了出错代码所在的文件（{where}）"),
    "finding.link.said.call_graph": Text(en="it changed a method one call away from the failing code ({where})",
                                         zh="它修改了与出错代码相距一次调用的方法（{where}）"),
    "finding.link.said.sql": Text(en="it changed a query ({where}) and statements on that table slowed down after it",
                                  zh="它修改了一条查询（{where}），该表上的语句在其后变慢"),
    "finding.link.said.log_string": Text(en="the text it added ({where}) appears in the errors after the onset",
                                         zh="它加入的文本（{where}）正出现在突增后的错误里"),
    "finding.link.said.config": Text(
        en="the configuration it changed ({where}) matches the failing resource (pool, timeout, capacity or "
           "serialisation)",
        zh="它修改的配置（{where}）正对应出问题的资源（连接池、超时、容量或序列化）"),
    "finding.link.said.dependency": Text(
        en="it changed a dependency version ({where}) and the runtime then could not find a class or method",
        zh="它修改了依赖版本（{where}），随后运行时找不到类或方法"),
    "finding.link.said.resource_leak": Text(
        en="a resource it acquires ({where}) is never released, and the pool ran dry after it",
        zh="它新增的资源获取（{where}）没有释放，连接池随后耗尽"),
    "finding.link.said.data_flow": Text(
        en="it changed how data is written ({where}) and reading that data downstream fails",
        zh="它改变了数据的写入方式（{where}），下游读到该数据时出错"),
    "finding.link.said.other": Text(en="it is related to the symptoms ({where})", zh="它与症状相关（{where}）"),
    # Log evidence (core.fusion.correlate).
    "finding.template.burst": Text(en="{level} template '{template}': {lines} lines, {change}",
                                   zh="{level} 模板 '{template}'：{lines} 行，{change}"),
    "finding.template.new": Text(en="new after the onset", zh="突增后新出现"),
    "finding.template.louder": Text(en="{before:.2f}/min before → {after:.2f}/min after (×{jump:.0f})",
                                    zh="每分钟 {before:.2f} 条 → {after:.2f} 条（×{jump:.0f}）"),
    "finding.exception.group": Text(en="{count}× {chain} ({root}: {message}) from {first} to {last}",
                                    zh="{count} 次 {chain}（{root}: {message}），{first} 至 {last}"),
    "finding.exception.before_onset": Text(en="; {before} before the error onset", zh="；其中 {before} 次早于错误突增"),
    "finding.burst": Text(
        en="ERROR/FATAL lines rose from {baseline}/min to {after}/min (peak {peak:.0f}) at {at}, {when}",
        zh="ERROR/FATAL 日志从每分钟 {baseline} 条升至 {after} 条（峰值 {peak:.0f}），始于 {at}，{when}"),
    "finding.noise": Text(
        en="{count}× {level} '{template}' since {since}: {before}/min before the onset, {after}/min after — "
           "a steady background, not a change",
        zh="{count} 次 {level} '{template}'（自 {since} 起）：突增前每分钟 {before} 条，之后 {after} 条"
           "——持续的背景噪声，不是变化"),
    # Code evidence.
    "finding.frame.app": Text(
        en="App frame {symbol} ({file}:{line}), location candidate #{position}, is in {hits} failing trace(s)",
        zh="应用栈帧 {symbol}（{file}:{line}），定位候选第 {position} 位，出现在 {hits} 条失败堆栈中"),
    "finding.frame.test": Text(
        en="Test frame {symbol} ({file}:{line}), location candidate #{position}, is in {hits} failing trace(s)",
        zh="测试栈帧 {symbol}（{file}:{line}），定位候选第 {position} 位，出现在 {hits} 条失败堆栈中"),
    "finding.frame.why": Text(en="; {why}", zh="；{why}"),
    "finding.frame.code": Text(en="; the line reads `{code}`", zh="；该行代码为 `{code}`"),
    "finding.frame.not_in_repo": Text(en="; the file is not in the repository", zh="；该文件不在仓库中"),
    "finding.blame": Text(en="{path}:{line} was last changed by {author} in {sha} on {at}, {when}",
                          zh="{path}:{line} 最后由 {author} 在 {sha} 中修改，时间 {at}，{when}"),
    "finding.package": Text(en="{cls} lives in package {package}: bounded context '{context}', {layer} layer",
                            zh="{cls} 位于包 {package}：限界上下文“{context}”，{layer} 层"),
    "finding.package.unknown_layer": Text(en="unknown", zh="未知"),
    "finding.owner": Text(en="{path} matches `{pattern}` → owned by {team}",
                          zh="{path} 匹配 `{pattern}` → 归属 {team}"),
    # Design evidence.
    "finding.design.serves": Text(en="{symbol} serves {endpoint}", zh="{symbol} 提供 {endpoint}"),
    "finding.blast.reach": Text(
        en="The {aggregate} aggregate is reached by {count} API operation(s) ({apis}) and persists to {tables}; "
           "contexts: {contexts}; teams: {teams}",
        zh="{aggregate} 聚合被 {count} 个 API 操作访问（{apis}），持久化到 {tables}；"
           "上下文：{contexts}；团队：{teams}"),
    "finding.blast.no_table": Text(en="no table", zh="无数据表"),
    # Commits and releases (core.fusion.correlate, core.fusion.changes).
    "finding.commits.after_onset": Text(
        en="{count} commit(s) landed after the errors began and before the reported start; they cannot have caused "
           "the errors",
        zh="{count} 个提交在错误开始之后、报告的开始时间之前落地，不可能导致这些错误"),
    "finding.commits.after_start": Text(
        en="{count} commit(s) landed after the incident start; the failing code could not contain them",
        zh="{count} 个提交在事件开始之后落地，出错的代码不可能包含它们"),
    "finding.deploy": Text(en="Release tag {tag} ({sha}) at {at}, {when}; it ships {shipped}",
                           zh="发布标记 {tag}（{sha}）于 {at}，{when}；包含 {shipped}"),
    "finding.deploy.no_suspect": Text(en="no suspect commit", zh="无嫌疑提交"),
    "finding.change_link": Text(en="{sha} ({link}, strength {strength:.2f}): {said}",
                                zh="{sha}（{link}，强度 {strength:.2f}）：{said}"),
    "finding.commit": Text(
        en='{sha} by {author}, {when}: "{message}" — {links} link(s) to the symptoms, score {score:.2f}{deployed}',
        zh="{sha}，{author}，{when}：“{message}”——与症状有 {links} 处关联，得分 {score:.2f}{deployed}"),
    "finding.commit.shipped": Text(en="; shipped by {tag} {when}", zh="；由 {tag} 发布（{when}）"),
    "finding.commit.no_tag": Text(en="; no release tag shows when it went live", zh="；没有发布标记表明它何时上线"),
    # Why a frame ranks where it does (core.fusion.culprit).
    "finding.why.guard": Text(en="a guard that reports a bad value its caller passed",
                              zh="守卫检查：报告的是调用方传入的错误值"),
    "finding.why.constructor": Text(en="a constructor checking its arguments: the bad value came from whoever built it",
                                    zh="构造函数在检查参数：错误值来自构造它的代码"),
    "finding.why.thin_wrapper": Text(en="a thin wrapper: the library call it makes rejected the argument handed to it",
                                     zh="薄包装：它调用的库拒绝了传给它的参数"),
    "finding.why.shared_helper_throws": Text(
        en="a shared helper (called from {fan_in} classes) that throws on the value its caller passed",
        zh="被 {fan_in} 个类调用的共享辅助方法，因调用方传入的值而抛出异常"),
    "finding.why.shared_helper": Text(en="a shared helper called from {fan_in} classes; its caller is more specific",
                                      zh="被 {fan_in} 个类调用的共享辅助方法；其调用方更具体"),
    "finding.why.entry_point": Text(en="an entry point every kind of failing request passes through",
                                    zh="每类失败请求都经过的入口"),
    "finding.why.many_traces": Text(en="on the path of {count} distinct failing traces",
                                    zh="位于 {count} 种不同失败堆栈的路径上"),
    "finding.why.only_tests": Text(en="only test code is on the stack; {test} tests {target}",
                                   zh="堆栈上只有测试代码；{test} 测试的是 {target}"),
    "finding.why.only_tests_calls": Text(en=", and its failing line calls {method}", zh="，其失败行调用了 {method}"),
    # Runtime evidence (core.fusion.runtime_rules): units, the reference time, and when relative to it.
    "finding.unit.threads": Text(en="threads", zh="个线程"),
    "finding.unit.connections": Text(en="connections", zh="个连接"),
    "finding.unit.count": Text(en="count", zh="次"),
    "finding.unit.req_per_s": Text(en="req/s", zh="请求/秒"),
    "finding.reference.error_onset": Text(en="error onset", zh="错误突增"),
    "finding.reference.reported_start": Text(en="reported start", zh="报告的开始时间"),
    "finding.when.at": Text(en="at the {ref}", zh="在{ref}时"),
    "finding.when.after": Text(en="{minutes:.0f} min after the {ref}", zh="{ref}后 {minutes:.0f} 分钟"),
    "finding.when.before": Text(en="{minutes:.0f} min before the {ref}", zh="{ref}前 {minutes:.0f} 分钟"),
    # Metrics: what a watched metric's stillness speaks against, keyed by the metric's name with _ for dots.
    "finding.metric.flat_means.heap_used": Text(en="speaks against a memory leak or heap exhaustion",
                                                zh="不支持内存泄漏或堆耗尽"),
    "finding.metric.flat_means.gc_pause": Text(en="speaks against GC pauses stalling requests",
                                               zh="不支持 GC 停顿拖慢请求"),
    "finding.metric.flat_means.cpu": Text(en="speaks against CPU saturation", zh="不支持 CPU 饱和"),
    "finding.metric.flat_means.http_rate": Text(en="the load did not change", zh="负载没有变化"),
    "finding.metric.flat_means.gc_count": Text(en="speaks against a GC storm", zh="不支持 GC 风暴"),
    "finding.metric.no_change": Text(
        en="{metric}: no change — median {baseline} in the hour before the {ref} ({ref_at}), {after} after "
           "(max {peak}); {means}",
        zh="{metric}：无变化——{ref}（{ref_at}）前一小时中位数 {baseline}，之后 {after}（最大 {peak}）；{means}"),
    "finding.metric.rose": Text(
        en="{metric} rose from a baseline of {baseline} to {peak} ({size}) between {start:%H:%M} and {end:%H:%M}"
           "{bursts}, starting {when} ({ref_at}){earlier}",
        zh="{metric} 从基线 {baseline} 升至 {peak}（{size}），{start:%H:%M} 至 {end:%H:%M}{bursts}，始于{when}"
           "（{ref_at}）{earlier}"),
    "finding.metric.fell": Text(
        en="{metric} fell from a baseline of {baseline} to {peak} ({size}) between {start:%H:%M} and {end:%H:%M}"
           "{bursts}, starting {when} ({ref_at}){earlier}",
        zh="{metric} 从基线 {baseline} 降至 {peak}（{size}），{start:%H:%M} 至 {end:%H:%M}{bursts}，始于{when}"
           "（{ref_at}）{earlier}"),
    "finding.metric.size.ratio": Text(en="{ratio:.1f}× the baseline", zh="基线的 {ratio:.1f} 倍"),
    "finding.metric.size.from_zero": Text(en="up from zero", zh="从零上升"),
    "finding.metric.size.share": Text(en="{share:.0%} of the baseline", zh="基线的 {share:.0%}"),
    "finding.metric.size.to_zero": Text(en="down to zero", zh="降到零"),
    "finding.metric.bursts": Text(en=" in {count} bursts", zh="，共 {count} 次"),
    "finding.metric.earlier": Text(en="; the same move earlier: {windows}", zh="；更早的同类变化：{windows}"),
    "finding.metric.earlier_window": Text(en="{window} (to {peak})", zh="{window}（达到 {peak}）"),
    # Slow SQL.
    "finding.sql.slow": Text(
        en="{what}{on}: {before} slow execution(s) before the {ref}{first}, {after} after; p95 {p95_before} → "
           "{p95_after}{lock}; {total} spent after the {ref} — `{fingerprint}`{regex}",
        zh="{what}{on}：{ref}前慢执行 {before} 次{first}，之后 {after} 次；p95 {p95_before} → {p95_after}{lock}；"
           "{ref}后共耗时 {total}——`{fingerprint}`{regex}"),
    "finding.sql.on_tables": Text(en=" on {tables}", zh="（表 {tables}）"),
    "finding.sql.first_at": Text(en=" (first at {at:%H:%M})", zh="（首次 {at:%H:%M}）"),
    "finding.sql.lock_wait": Text(en="; lock wait p95 {before} → {after}", zh="；锁等待 p95 {before} → {after}"),
    "finding.sql.regex_fallback": Text(en=" (fingerprint by the regex fallback)", zh="（指纹由正则兜底生成）"),
    # Endpoints, from traces and from access logs.
    "finding.endpoint.trace": Text(
        en="{endpoint} ({service}): error rate {err_before} → {err_after}, p99 {p99_before} → {p99_after} "
           "({n_before} request spans before the {ref}, {n_after} after)",
        zh="{endpoint}（{service}）：错误率 {err_before} → {err_after}，p99 {p99_before} → {p99_after}"
           "（{ref}前 {n_before} 个请求 span，之后 {n_after} 个）"),
    "finding.endpoint.access": Text(
        en="{endpoint} in the access log {service}: 5xx {err_before} → {err_after} of requests{latency} "
           "({n_before} requests before the {ref}, {n_after} after)",
        zh="访问日志 {service} 中的 {endpoint}：5xx 占请求 {err_before} → {err_after}{latency}"
           "（{ref}前 {n_before} 个请求，之后 {n_after} 个）"),
    "finding.endpoint.latency": Text(en=", p99 request time {before} → {after}",
                                     zh="，p99 请求耗时 {before} → {after}"),
    # Traces.
    "finding.trace.path": Text(
        en="{which} {trace} ({endpoint}, {duration}, {started:%H:%M:%S}): critical path {chain}; {hot} holds "
           "{self_time} ({share:.0f}%) itself{statement}{recorded}{logged}",
        zh="{which} {trace}（{endpoint}，{duration}，{started:%H:%M:%S}）：关键路径 {chain}；{hot} 自身耗时 "
           "{self_time}（{share:.0f}%）{statement}{recorded}{logged}"),
    "finding.trace.slowest": Text(en="Slowest error trace", zh="最慢的错误链路"),
    "finding.trace.slow": Text(en="Slow error trace", zh="较慢的错误链路"),
    "finding.trace.recorded": Text(en="; recorded {exc}", zh="；记录了 {exc}"),
    "finding.trace.logged": Text(en="; its trace id is on a logged exception",
                                 zh="；其 trace id 出现在一条已记录的异常上"),
    "finding.trace.not_logged": Text(en="; no logged error carries its trace id",
                                     zh="；没有已记录的错误带有它的 trace id"),
    "finding.trace.log_join": Text(
        en="{joined} of {total} error trace(s) share their trace id with an error in the logs{after}",
        zh="{total} 条错误链路中有 {joined} 条与日志中的错误共享 trace id{after}"),
    "finding.trace.after_reference": Text(en=" ({count} of the error traces started after the {ref})",
                                          zh="（其中 {count} 条始于{ref}之后）"),
    # Key findings: the short list every agent and the report start from.
    "finding.key.onset": Text(en="Error onset {when} [{id}]", zh="错误突增：{when} [{id}]"),
    "finding.key.dominant_error": Text(en="Dominant error: {count}× {exc} / {root} [{id}]",
                                       zh="主要错误：{count} 次 {exc} / {root} [{id}]"),
    "finding.key.innermost_frame": Text(en="Innermost in-app frame: {symbol} at {where} [{id}]",
                                        zh="最内层业务代码帧：{symbol}，位于 {where} [{id}]"),
    "finding.key.top_change": Text(
        en="Top candidate change {sha} by {author} (strongest link: {link}, score {score:.2f}) [{id}]",
        zh="头号候选变更 {sha}（{author}；最强关联：{link}，得分 {score:.2f}）[{id}]"),
    "finding.key.owner": Text(en="Owner: {team} [{id}]", zh="归属：{team} [{id}]"),
    "finding.key.noise": Text(en="Background noise: {level} '{template}' [{id}]",
                              zh="背景噪声：{level} '{template}' [{id}]"),
    "finding.key.metric_rose": Text(en="{metric} rose to {peak} [{id}]", zh="{metric} 升至 {peak} [{id}]"),
    "finding.key.metric_fell": Text(en="{metric} fell to {peak} [{id}]", zh="{metric} 降至 {peak} [{id}]"),
    "finding.key.metric_flat": Text(en="{metric} did not change [{id}]", zh="{metric} 没有变化 [{id}]"),
    "finding.key.slow_sql": Text(en="Top slow SQL: {kind} on {tables} [{id}]",
                                 zh="最慢的 SQL：{tables} 上的 {kind} [{id}]"),
    "finding.key.slow_trace": Text(en="Slowest error trace spends its time in {span} [{id}]",
                                   zh="最慢的错误链路把时间花在 {span} [{id}]"),
}
