"""What the agents and the debate say: the offline brain's claims, hypotheses, challenges, answers and rulings."""

from __future__ import annotations

from core.i18n import Text

__all__ = ["STRINGS"]

STRINGS: dict[str, Text] = {
    # CodeAgent (core/agents/code_agent.py)
    "code_agent.no_repo_summary": Text(en="I cannot follow the failure into the code: no repository.",
                                       zh="无法把故障追溯到代码：没有代码仓库。"),
    "code_agent.no_repo_claim": Text(en="Code attribution is impossible without the repository.",
                                     zh="没有代码仓库，无法进行代码归因。"),
    "code_agent.location_candidate": Text(en="Location candidate #{n}: {sym} ({file}:{line}){why}.",
                                          zh="定位候选 #{n}：{sym}（{file}:{line}）{why}。"),
    "code_agent.location_why": Text(en=" — {w}", zh="——{w}"),
    "code_agent.why_separator": Text(en="; ", zh="；"),
    "code_agent.change_link_claim": Text(en="{sha} {t}.", zh="{sha}：{t}。"),
    "code_agent.release_shipped": Text(en="Release {tag} shipped it {m:.0f} min before the start.",
                                       zh="发布 {tag} 在开始前 {m:.0f} 分钟上线了该提交。"),
    "code_agent.change_title": Text(en="Change {sha} caused it", zh="变更 {sha} 导致故障"),
    "code_agent.change_statement": Text(en="{sha} by {who} (“{msg}”) changed {file}:{line} ({sym}); {n} link(s) tie "
                                           "it to the symptoms (strongest: {k}).",
                                        zh="{who} 的 {sha}（“{msg}”）修改了 {file}:{line}（{sym}）；{n} "
                                           "条关联把它与症状联系起来（最强：{k}）。"),
    "code_agent.weak_change_claim": Text(en="{sha} by {who} is linked only weakly (score {s:.2f}): {t}.",
                                         zh="{who} 的 {sha} 关联较弱（得分 {s:.2f}）：{t}。"),
    "code_agent.weak_change_title": Text(en="Change {sha} (weak link)", zh="变更 {sha}（弱关联）"),
    "code_agent.weak_change_statement": Text(en="{sha} changed {files} before the onset, but its links do not "
                                                "explain the symptoms well enough.",
                                             zh="{sha} 在突增前修改了 {files}，但其关联不足以解释症状。"),
    "code_agent.no_change_convicted": Text(en="No change in the {d} days before the onset is tied to the failing "
                                              "code, its neighbours, its queries, its settings or its dependencies "
                                              "strongly enough to be convicted.",
                                           zh="突增前 {d} 天内没有任何变更与出错代码、其相邻方法、SQL、"
                                              "配置或依赖有足够强的关联，不能认定为原因。"),
    "code_agent.own_code_title": Text(en="{sym} fails on its own", zh="{sym} 自身出错"),
    "code_agent.own_code_statement": Text(en="The failure lives in {sym} ({file}:{line}): {mech}.",
                                          zh="故障位于 {sym}（{file}:{line}）：{mech}。"),
    "code_agent.summary_change": Text(en="Change {sha} is tied to the symptoms ({k}); it is my prime suspect.",
                                      zh="变更 {sha} 与症状直接关联（{k}），是头号嫌疑。"),
    "code_agent.summary_no_change": Text(en="No recent change explains the failure; the code at {sym} is the best "
                                            "location.",
                                         zh="没有近期变更能解释该故障；最可能的位置是 {sym}。"),
    # JudgeAgent (core/agents/judge.py)
    "judge.would_help.change": Text(en="a change that explains it: deploy markers (release tags) and the "
                                       "configuration and dependency history of the live version",
                                    zh="能解释故障的变更：发布标记（release tag）以及线上版本的配置与依赖变更历史"),
    "judge.would_help.mechanism": Text(en="the failure mechanism: the failing request's input, and runtime metrics "
                                          "(pools, GC, latency) around the onset",
                                       zh="失败机制：失败请求的输入，以及突增前后的运行时指标（连接池、GC、延迟）"),
    "judge.would_help.location": Text(en="a sharper location: several frames are about as likely; a trace from "
                                         "production with the same failure, or the failing input",
                                      zh="更明确的定位：多个栈帧的可能性相近；需要生产环境中相同故障的堆栈或失败输入"),
    "judge.missing.stack_traces": Text(en="stack traces or error logs from the incident window",
                                       zh="故障时间窗口内的堆栈或错误日志"),
    "judge.missing.repository": Text(en="the service's Git repository", zh="服务的 Git 仓库"),
    "judge.missing.ownership": Text(en="an ownership file (CODEOWNERS) covering the failing code",
                                    zh="覆盖出错代码的归属文件（CODEOWNERS）"),
    "judge.missing.unparsed_design": Text(en="{n} stored design document(s) are not analysed yet",
                                          zh="{n} 份已保存的设计文档尚未分析"),
    "judge.abstain.root_cause": Text(en="Undetermined: the evidence does not locate the failure in code.",
                                     zh="无法确定：证据不足以在代码中定位故障。"),
    "judge.abstain.fix": Text(en="Collect the missing evidence and re-run the analysis.",
                              zh="补充缺失的证据后重新分析。"),
    "judge.abstain.impact": Text(en="Unknown.", zh="未知。"),
    "judge.missing.in_app_frame": Text(en="an in-app stack frame", zh="业务代码堆栈帧"),
    "judge.the_failure": Text(en="The failure", zh="故障"),
    "judge.root_cause.change": Text(en="{exc}, caused by change {sha} to {where} (“{msg}”, {who}, {m} the start): it "
                                       "{why}. Mechanism: {mech}.",
                                    zh="{exc}，由变更 {sha}（修改 {where}；“{msg}”，{who}，{m}）引起：{why}。机制："
                                       "{mech}。"),
    "judge.root_cause.no_change": Text(en="{exc} at {where}; no recent change is tied to it. Mechanism: {mech}.",
                                       zh="{where} 处的 {exc}；没有近期变更与之关联。机制：{mech}。"),
    # How long before (or after) the start a change was made
    "judge.ago.minutes": Text(en="{m:.0f} min", zh="{m:.0f} 分钟"),
    "judge.ago.hours": Text(en="{h:.1f} h", zh="{h:.1f} 小时"),
    "judge.ago.days": Text(en="{d:.1f} days", zh="{d:.1f} 天"),
    "judge.ago.before": Text(en="{span} before", zh="开始前 {span}"),
    "judge.ago.after": Text(en="{span} after", zh="开始后 {span}"),
    # What each kind of change link means. Chinese rulings say this; English ones quote the ledger's own link text,
    # so the English here is for translators (and a ruling that ever words the kind instead).
    "judge.fix.roll_back_then": Text(en="Now: roll back {what}. Then: {fix}.", zh="立即：回滚{what}。随后：{fix}。"),
    "judge.fix.roll_back_to_tag": Text(en="to {t}", zh="到 {t}"),
    "judge.fix.roll_back_commit": Text(en="commit {s}", zh="提交 {s}"),
    "judge.impact.at": Text(en="at {a}", zh="{a} 时"),
    "judge.impact.between": Text(en="between {a} and {b}", zh="{a} 至 {b} 之间"),
    "judge.impact.failed_requests": Text(en="{n} failed requests through {entry} {when}; the '{bc}' bounded context "
                                            "is affected and every caller of {sym} is at risk.",
                                         zh="{when}经 {entry} 的请求失败 {n} 次；“{bc}”限界上下文受影响，{sym} "
                                            "的所有调用方都有风险。"),
    "judge.impact.blast_radius": Text(en="Blast radius: API {a}; tables {t}; teams {tm}.",
                                      zh="影响范围：API {a}；数据表 {t}；团队 {tm}。"),
    "judge.impact.error_rate": Text(en="{ep}: error rate {a:.0%} → {b:.0%}.", zh="{ep}：错误率 {a:.0%} → {b:.0%}。"),
    "judge.impact.edge": Text(en="At the edge ({svc}): {ep} 5xx {a} → {b} of {n} requests.",
                              zh="入口（{svc}）：{ep} 的 5xx 比例 {a} → {b}（之后共 {n} 个请求）。"),
    "judge.rejected.weaker_evidence": Text(en="weaker evidence", zh="证据较弱"),
    "judge.rejected.weak_change": Text(en="the change is linked to the symptoms too weakly to be convicted (score "
                                          "{s:.2f})",
                                       zh="该变更与症状的关联太弱，不能认定为原因（得分 {s:.2f}）"),
    "judge.summary": Text(en="Ruling for {h} at {c:.0%} confidence{r}.", zh="裁定 {h}，置信度 {c:.0%}{r}。"),
    "judge.summary.roll_back": Text(en="; roll back", zh="；建议回滚"),
    # LogAgent (core/agents/log_agent.py)
    "log_agent.no_stack_summary": Text(en="No exception or stack trace in the logs; I cannot locate the failure from "
                                          "runtime data.",
                                       zh="日志中没有异常或堆栈，无法仅凭运行时数据定位故障。"),
    "log_agent.no_stack_claim": Text(en="No stack traces were found in the ingested logs.",
                                     zh="导入的日志中没有找到堆栈。"),
    "log_agent.dominant_error": Text(en="The dominant error is {n}× {exc} caused by {root}: “{msg}”.",
                                     zh="主要错误是 {n} 次 {exc}，根因异常为 {root}：“{msg}”。"),
    "log_agent.error_jump": Text(en="Errors jumped from {a}/min to {b}/min at the onset, {m:.0f} min before the "
                                    "reported start; {k} of these errors happened before the onset.",
                                 zh="错误率在突增点从 {a}/分钟 升至 {b}/分钟，比上报的开始时间早 {m:.0f} 分钟；"
                                    "突增前仅有 {k} 次该错误。"),
    "log_agent.template_changed": Text(en="A log template changed with the onset — {t}",
                                       zh="有日志模板随突增一起变化——{t}"),
    "log_agent.noise": Text(en="The loud {lvl} “{tpl}” ({n} lines) runs at the same rate before and after the onset "
                               "({a}/min → {b}/min): background noise, not the trigger.",
                            zh="高频 {lvl} 日志“{tpl}”（{n} 行）在突增前后速率相同（{a}/分钟 → {b}/分钟）："
                               "是背景噪声，不是诱因。"),
    "log_agent.trace_share": Text(en="{share:.0%} of these traces pass through {sym} at {file}:{line}, the innermost "
                                     "frame of our own code.",
                                  zh="{share:.0%} 的堆栈经过 {sym}（{file}:{line}），这是最内层的业务代码帧。"),
    "log_agent.hypothesis_title": Text(en="{root} surfacing in {sym}", zh="{root} 出现在 {sym}"),
    "log_agent.hypothesis_statement": Text(en="The incident is the burst of {exc} thrown under {sym} ({file}:{line}).",
                                           zh="本次故障是 {sym}（{file}:{line}）下抛出的 {exc} 突增。"),
    "log_agent.summary_with_noise": Text(en="{n}× {root} burst from the onset on; it surfaces in {sym}. The WARN "
                                            "storm is noise.",
                                         zh="自突增点起出现 {n} 次 {root}，出错位置在 {sym}；告警风暴只是噪声。"),
    "log_agent.summary": Text(en="{n}× {root} burst from the onset on; it surfaces in {sym}.",
                              zh="自突增点起出现 {n} 次 {root}，出错位置在 {sym}。"),
    "log_agent.metric_moved": Text(en="{m} moved with the errors: {d} from {b:g} to {p:g}{u}.",
                                   zh="{m} 随错误同步变化：从 {b:g} {d}到 {p:g}{u}。"),
    "log_agent.metric_up": Text(en="up", zh="上升"),
    "log_agent.metric_down": Text(en="down", zh="下降"),
    "log_agent.metric_unchanged": Text(en="{m} did not change around the onset, which argues against a resource "
                                          "problem of that kind.",
                                       zh="{m} 在突增前后没有变化，不支持该类资源问题的假设。"),
    "log_agent.slow_statement": Text(en="The costliest slow statement after the onset is a {k}{fu} on {t}: {n} runs, "
                                        "lock wait p95 {l}.",
                                     zh="突增后代价最高的慢 SQL 是作用于 {t} 的 {k}{fu}：{n} 次，锁等待 p95 {l}。"),
    "log_agent.slowest_trace": Text(en="The slowest failing request ({e}) spends {s} in {h}.",
                                    zh="最慢的失败请求（{e}）在 {h} 中耗时 {s}。"),
    # DomainAgent (core/agents/domain_agent.py)
    "domain_agent.no_in_app_frames": Text(en="Without in-app frames I cannot place the failure in the domain.",
                                          zh="没有业务代码帧，无法在领域模型中定位故障。"),
    "domain_agent.bounded_context": Text(en="{cls} belongs to the '{bc}' bounded context ({layer} layer).",
                                         zh="{cls} 属于“{bc}”限界上下文（{layer} 层）。"),
    "domain_agent.entry_point": Text(en="Requests enter through {sym} ({layer} layer); every call of it that reaches "
                                        "{inner} can fail.",
                                     zh="请求经由 {sym}（{layer} 层）进入；所有到达 {inner} 的调用都可能失败。"),
    "domain_agent.crosses_contexts": Text(en="The failure crosses bounded contexts: {a} calls into {b} inside one "
                                             "request.",
                                          zh="故障跨越限界上下文：{a} 在同一请求内调用 {b}。"),
    "domain_agent.design_says": Text(en="The design says ({src}): {t}", zh="设计文档（{src}）：{t}"),
    "domain_agent.blast_radius": Text(en="Blast radius: {apis} API operation(s) reach this aggregate ({a}); it "
                                         "persists to {t}.",
                                      zh="影响范围：{apis} 个 API 操作会到达该聚合（{a}）；它持久化到 {t}。"),
    "domain_agent.edge_errors": Text(en="Users saw it at the edge ({svc}): {ep} answered 5xx for {a} → {b} of "
                                        "requests.",
                                     zh="用户在入口处（{svc}）已感知：{ep} 的 5xx 比例 {a} → {b}。"),
    "domain_agent.edge_slower": Text(en="Slower too: {eps}.", zh="同时变慢的接口：{eps}。"),
    "domain_agent.owner": Text(en="{path} is owned by {team}.", zh="{path} 的负责团队是 {team}。"),
    "domain_agent.hypothesis_title": Text(en="Failure in the {bc} context's {layer} layer",
                                          zh="{bc} 上下文 {layer} 层的故障"),
    "domain_agent.hypothesis_statement": Text(en="{sym} in the '{bc}' context fails and takes {entry} down with it.",
                                              zh="“{bc}”上下文中的 {sym} 出错，并拖垮了 {entry}。"),
    "domain_agent.past_case_title": Text(en="Like past incident {id}", zh="与历史事件 {id} 相似"),
    "domain_agent.past_case_statement": Text(en="{id} (“{t}”) had this root cause: “{rc}” — re-check it against this "
                                                "incident's evidence.",
                                             zh="{id}（“{t}”）的根因是：“{rc}”——需要用本次证据重新核验。"),
    "domain_agent.summary": Text(en="The failure sits in the '{bc}' context ({layer}), reached from {entry}; owner: "
                                    "{team}.",
                                 zh="故障位于“{bc}”上下文（{layer} 层），入口是 {entry}；负责团队：{team}。"),
    "domain_agent.owner_unknown": Text(en="unknown", zh="未知"),
    # CriticAgent (core/agents/critic.py)
    "critic.no_location": Text(en="No hypothesis names a code location; the ruling would rest on symptoms only.",
                               zh="没有任何假设给出代码位置；裁决只能基于症状。"),
    "critic.no_commit": Text(en="{h} names no change. What changed right before the start — code, config, data or "
                                "load?",
                             zh="{h} 没有指出任何变更。故障前到底变了什么——代码、配置、数据还是负载？"),
    "critic.contradiction": Text(en="{sha} landed after the errors had already begun; it cannot be their cause.",
                                 zh="{sha} 在错误开始之后才提交，不可能是原因。"),
    "critic.timing": Text(en="A commit is not a deploy. Show that {sha} was live in production before the error "
                             "onset.",
                          zh="提交不等于上线。请证明 {sha} 在错误突增前已经部署到生产。"),
    "critic.closer_commit": Text(en="{sha} by {who} landed closer to the start ({m:.0f} min before) and is linked to "
                                    "the symptoms too ({k}). Why not that one?",
                                 zh="{who} 的 {sha} 离开始时间更近（提前 {m:.0f} 分钟），也与症状有关联（{k}）。"
                                    "为什么不是它？"),
    "critic.noise": Text(en="The logs are dominated by {n}× {lvl} “{tpl}”. Could that be the real trigger?",
                         zh="日志被 {n} 次 {lvl}“{tpl}”刷屏，它会不会才是真正的诱因？"),
    "critic.external": Text(en="{root} can come from a degraded database or downstream. Is this code the cause, or a "
                               "victim?",
                            zh="{root} 也可能源于数据库或下游退化。这段代码是原因还是受害者？"),
    "critic.coverage": Text(en="Only {s:.0%} of the traces pass through {sym}; what explains the rest?",
                            zh="只有 {s:.0%} 的堆栈经过 {sym}，其余的如何解释？"),
    "critic.citation": Text(en="{a} claimed “{t}” but {p}. Withdraw it or cite the ledger.",
                            zh="{a} 声称“{t}”，但{p}。请撤回或引用证据账本。"),
    "critic.human": Text(en="A human asks the panel to address: “{t}”.", zh="人类要求辩论方回应：“{t}”。"),
    "critic.still_open": Text(en="Still open: {t}", zh="仍未解决：{t}"),
    "critic.known_gap": Text(en="Accepted as a known gap, to be stated in the ruling: {t}",
                             zh="作为已知缺口接受，需在裁决中说明：{t}"),
    "critic.summary_consensus": Text(en="No material objection left to {h}; {g} known gap(s) go to the judge.",
                                     zh="对 {h} 已无实质性异议；{g} 个已知缺口提交给法官。"),
    "critic.summary_material": Text(en="{n} material challenge(s) to {h}.", zh="对 {h} 提出 {n} 项实质性质疑。"),
    # RebuttalAgent (core/agents/rebuttal.py)
    "rebuttal.timing_deployed": Text(en="Release {tag} shipped {sha} {m:.0f} min before the start; the errors began "
                                        "{o:.0f} min before the start, after it.",
                                     zh="发布 {tag} 在开始前 {m:.0f} 分钟上线了 {sha}；错误在开始前 {o:.0f} "
                                        "分钟才出现，晚于发布。"),
    "rebuttal.timing_no_release": Text(en="{sha} was committed before the onset, but no release marker proves when "
                                          "it went live.",
                                       zh="{sha} 的提交早于突增点，但没有发布标记能证明它何时上线。"),
    "rebuttal.closer_commit_rejected": Text(en="its links to the symptoms are weaker ({a:.2f} vs {b:.2f})",
                                            zh="其与症状的关联更弱（{a:.2f} 对 {b:.2f}）"),
    "rebuttal.closer_commit_weaker": Text(en="{o} is tied to the symptoms less strongly ({a:.2f}) than {sha} "
                                             "({b:.2f}), which {t}.",
                                          zh="{o} 与症状的关联（{a:.2f}）弱于 {sha}（{b:.2f}）：{t}。"),
    "rebuttal.noise_steady": Text(en="That {lvl} ran at {a}/min long before the onset and at {b}/min after it; a "
                                     "cause would change with the symptom.",
                                  zh="该 {lvl} 在突增前就以 {a}/分钟 持续出现，之后为 {b}/分钟；"
                                     "真正的原因会随症状一起变化。"),
    "rebuttal.external_new_query": Text(en="the {k} on {t} first appears after the onset",
                                        zh="{t} 上的 {k} 在突增后才出现"),
    "rebuttal.external_own_change": Text(en="The pressure comes from this application's own change: {p}.",
                                         zh="压力来自本应用自身的变更：{p}。"),
    "rebuttal.external_flat_metrics": Text(en="{m} did not move around the onset, and change {sha} is tied to the "
                                              "failing code; an outside cause would show in them.",
                                           zh="{m} 在突增前后没有变化，而变更 {sha} 与出错代码直接关联；"
                                              "若是外部原因，这些指标会有变化。"),
    "rebuttal.external_unknown": Text(en="No database or downstream signal was analysed that could rule an external "
                                         "cause in or out.",
                                      zh="没有可用于确认或排除外部原因的数据库或下游信号。"),
    "rebuttal.citation_conceded": Text(en="Conceded: that claim is withdrawn and kept out of the ruling.",
                                       zh="接受：该论断撤回，不进入裁决。"),
    "rebuttal.coverage_conceded": Text(en="Conceded in part: the remaining traces follow other paths and are not "
                                          "explained.",
                                       zh="部分接受：其余堆栈走其他路径，尚未得到解释。"),
    "rebuttal.stays_open": Text(en="The evidence at hand cannot settle this; it stays open for the judge.",
                                zh="现有证据无法回答，留给法官裁量。"),
    "rebuttal.summary": Text(en="Resolved {r} of {n} challenge(s); {o} remain open.",
                             zh="已回应 {n} 项质疑中的 {r} 项；{o} 项仍未解决。"),
    # Humans' questions, answered offline (core/agents/questions.py)
    "questions.no_hypothesis_yet": Text(en="no hypothesis locates the failure yet", zh="尚无假设能定位故障"),
    "questions.offline_answer": Text(en="On “{q}”: the offline brain cannot weigh free text; what {a}'s evidence "
                                        "shows is: {b}",
                                     zh="关于“{q}”：离线大脑无法理解自由文本；{a} 的证据表明：{b}"),
    # A reply as chat-bubble Markdown (core/agents/render.py)
    "render.hypotheses": Text(en="Hypotheses", zh="假设"),
    "render.gap": Text(en="(gap)", zh="（缺口）"),
    "render.root_cause": Text(en="Root cause", zh="根因"),
    "render.location": Text(en="Location", zh="位置"),
    "render.suspect_commit": Text(en="Suspect commit", zh="嫌疑提交"),
    "render.fix": Text(en="Fix", zh="修复"),
    "render.risk": Text(en="Risk", zh="风险"),
    "render.rollback": Text(en="Rollback", zh="回滚"),
    "render.yes": Text(en="yes", zh="是"),
    "render.no": Text(en="no", zh="否"),
    "render.team": Text(en="Team", zh="团队"),
    "render.evidence_chain": Text(en="Evidence chain", zh="证据链"),
    "render.missing_or_open": Text(en="**Missing or open:** ", zh="**缺失或未决：** "),
    # The evidence check of a ruling (core/agents/ruling_check.py)
    "ruling_check.rejected_hypothesis": Text(en="{h} was rejected in the debate; a rejected hypothesis cannot be "
                                                "ruled, so the judge abstains.",
                                             zh="{h} 已在辩论中被否决；被否决的假设不能作为裁决，法官因此弃权。"),
    "ruling_check.location_unbacked": Text(en="no stack frame, blame or change link in the evidence points at this "
                                              "file and line",
                                           zh="证据中没有任何栈帧、blame 或变更关联指向这个文件和行"),
    "ruling_check.commit_unknown": Text(en="no commit, blame, change link or release in the evidence has this sha",
                                        zh="证据中没有任何提交、blame、变更关联或发布包含这个 sha"),
    "ruling_check.author_replaced": Text(en="replaced by the commit's own author and message from the history",
                                         zh="已替换为历史记录中该提交自己的作者和说明"),
    "ruling_check.team_unbacked": Text(en="no verified ownership evidence names this team",
                                       zh="没有经核实的归属证据指向这个团队"),
    "ruling_check.impact_unknown_evidence": Text(en="it cites evidence the ledger does not hold ({ids})",
                                                 zh="它引用了账本中不存在的证据（{ids}）"),
    "ruling_check.impact_no_runtime": Text(en="no runtime evidence (errors, bursts, metrics, traces, slow SQL) in "
                                              "the chain backs it",
                                           zh="证据链中没有运行时证据（错误、突增、指标、链路、慢 SQL）支撑它"),
    "ruling_check.impact_not_established": Text(en="Not established: {r}.", zh="无法确定：{r}。"),
    "ruling_check.confidence_capped": Text(en="capped at {c:.2f}: {n} independent source(s) behind the ruling, {a} "
                                              "against it, {m} material objection(s) and {g} gap(s) open",
                                           zh="上限 {c:.2f}：裁决有 {n} 个独立来源支撑、{a} 个反对来源，{m} "
                                              "项实质性异议与 {g} 个缺口仍未解决"),
    "ruling_check.no_verified_evidence": Text(en="no verified evidence behind the ruling",
                                              zh="裁决背后没有经核实的证据"),
    # The orchestrator's own notes in a turn (core/debate.py)
    "debate.consensus_overruled": Text(en="The critic declared consensus, but {n} material challenge(s) remain open: "
                                          "the debate goes on.",
                                       zh="质询官宣布达成共识，但仍有 {n} 项实质性质疑未解决：辩论继续。"),
    "debate.consensus_by_objections": Text(en="No material challenge is open, so the debate may end although the "
                                              "critic did not declare consensus.",
                                           zh="已无实质性质疑，因此即使质询官未宣布共识，辩论也可以结束。"),
    "debate.answered_questions": Text(en="Answers {n} question(s) from the humans.",
                                      zh="回答了人类提出的 {n} 个问题。"),
}
