"""Every string the dashboard shows, in Chinese and English, behind one function: `t(key, **fmt)`."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from app.i18n_auth import AUTH_STRINGS
from app.i18n_evidence import EVIDENCE_STRINGS
from app.i18n_graph import GRAPH_STRINGS
from app.i18n_models import MODEL_STRINGS
from app.i18n_review import REVIEW_STRINGS
from app.i18n_runtime import RUNTIME_STRINGS
from app.state import Keys

__all__ = ["LANGUAGES", "TABLE", "agent_duty", "agent_role", "has_key", "labeler", "phase_label", "t"]

LANGUAGES: dict[str, str] = {"zh": "中文", "en": "English"}

# key -> (zh, en)
TABLE: dict[str, tuple[str, str]] = {
    # app shell
    "app.unavailable": ("控制台无法启动：{message}", "The dashboard cannot start: {message}"),
    "nav.intake": ("事件录入", "Intake"),
    "nav.assets": ("资产与证据", "Assets & evidence"),
    "nav.debate": ("多智能体辩论", "Debate"),
    "nav.report": ("裁决报告", "Report"),
    "nav.history": ("历史事件", "History"),
    "nav.compare": ("模式对比", "Compare"),
    "nav.settings": ("模型设置", "Settings"),
    "sidebar.language": ("界面语言", "Language"),
    "sidebar.brain": ("推理引擎", "Active brain"),
    "sidebar.store": ("数据存储", "Store"),
    "sidebar.graph": ("图谱后端：{backend}", "Graph backend: {backend}"),
    "sidebar.incident": ("当前事件", "Current incident"),
    "sidebar.no_incident": ("尚未选择事件。", "No incident selected."),
    "sidebar.debating": ("实时", "Live"),
    "brain.offline": ("离线推理引擎", "Offline brain"),
    "brain.offline_short": ("离线引擎", "offline brain"),
    "brain.offline_help": ("未配置模型密钥：使用确定性的离线推理，基于同一份证据。",
                           "No model key configured: deterministic offline reasoning over the same evidence."),
    "brain.llm_short": ("大模型", "LLM"),
    "brain.llm_help": ("使用已配置的 OpenAI 兼容模型端点。", "Using the configured OpenAI-compatible model endpoint."),
    "lang.zh": ("中文", "Chinese"),
    "lang.en": ("英文", "English"),
    "common.no_incident": ("请先录入一个事件，或从历史中重新打开一个。",
                           "Open an incident first: create one on the intake page, or re-open one from history."),
    "common.close": ("关闭", "Close"),
    "common.yes": ("是", "Yes"),
    "common.no": ("否", "No"),
    # severities and statuses
    "severity.critical": ("P0 致命", "Critical"),
    "severity.high": ("P1 严重", "High"),
    "severity.medium": ("P2 一般", "Medium"),
    "severity.low": ("P3 轻微", "Low"),
    "status.new": ("新建", "New"),
    "status.ingested": ("已导入", "Ingested"),
    "status.debating": ("辩论中", "Debating"),
    "status.judged": ("已裁决", "Judged"),
    "status.failed": ("失败", "Failed"),
    "status.proposed": ("提出", "proposed"),
    "status.supported": ("支持", "supported"),
    "status.challenged": ("受质疑", "challenged"),
    "status.rejected": ("已否决", "rejected"),
    "asset_status.ok": ("正常", "OK"),
    "asset_status.warning": ("警告", "Warning"),
    "asset_status.stored": ("已保存，未分析", "Stored, not analysed"),
    "asset_status.error": ("失败", "Error"),
    "verdict.resolved": ("已化解", "resolved"),
    "verdict.conceded": ("已让步", "conceded"),
    "verdict.open": ("未决", "open"),
    "verdict.answered": ("已回答", "answered"),
    "debate.question_answer": ("人类提问 {id}", "Human question {id}"),
    # agents and phases
    "agent.LogAgent": ("日志分析师", "Log analyst"),
    "agent.DomainAgent": ("领域架构师", "Domain architect"),
    "agent.CodeAgent": ("代码侦探", "Code investigator"),
    "agent.CriticAgent": ("质询官", "Critic"),
    "agent.RebuttalAgent": ("辩护人", "Rebuttal"),
    "agent.JudgeAgent": ("首席法官", "Judge"),
    "duty.LogAgent": ("读日志、异常栈、指标与链路，找出最早的故障信号。",
                      "Reads logs, stack traces, metrics and traces; finds the earliest failure signal."),
    "duty.DomainAgent": ("把故障映射到限界上下文、聚合与不变量。",
                         "Maps the failure onto bounded contexts, aggregates and invariants."),
    "duty.CodeAgent": ("从栈帧追到代码、提交与责任人，锁定可疑变更。",
                       "Follows stack frames to code, commits and owners; pins the suspect change."),
    "duty.CriticAgent": ("攻击每一个结论：缺失引用、时间不符、替代假设。",
                         "Attacks every claim: missing citations, timing gaps, alternative explanations."),
    "duty.RebuttalAgent": ("用证据回应质询，承认或修正站不住的结论。",
                           "Answers each challenge with evidence; concedes or repairs what does not hold."),
    "duty.JudgeAgent": ("权衡全部论证，给出根因、修复、影响、风险与回滚建议。",
                        "Weighs the whole debate; rules on root cause, fix, impact, risk and rollback."),
    "phase.experts": ("专家分析", "Expert analysis"),
    "phase.critique": ("质询", "Critique"),
    "phase.rebuttal": ("反驳", "Rebuttal"),
    "phase.judgment": ("裁决", "Judgment"),
    # intake
    "intake.title": ("事件录入", "Incident intake"),
    "intake.subtitle": ("提供故障现场：日志、异常栈、指标、链路、慢 SQL、代码仓库与设计文档。先写入事件，再导入与关联。",
                        "Bring what broke: logs, stack traces, metrics, traces, slow SQL, the Git repo and design docs. "
                        "The incident is recorded first, then everything is ingested and correlated."),
    "intake.demo_title": ("演示事件", "Demo incident"),
    "intake.demo_body": ("一键载入内置演示：订单服务故障，附带日志、JVM 指标、链路、慢 SQL、Git 仓库与领域文档。",
                         "One click loads the built-in demo: an order-service outage with logs, JVM metrics, traces, "
                         "slow SQL, a Git repository and domain docs."),
    "intake.demo_button": ("载入演示事件", "Load demo incident"),
    "intake.present_button": ("演示：载入 → 辩论 → 报告", "Present: load → debate → report"),
    "intake.present_help": ("载入演示事件，自动开始辩论，裁定后直接打开报告。",
                            "Loads the demo incident, starts the debate, and opens the report once the judge rules."),
    "intake.demo_status": ("正在构建并导入演示事件…", "Building and ingesting the demo incident…"),
    "intake.bundle_title": ("上传事件包", "Upload a bundle"),
    "intake.bundle_body": ("一个 .zip 或 .tar.gz，顶层包含 incident.yaml，以及 runtime/、repo/、design/ 目录。",
                           "A .zip or .tar.gz with incident.yaml at its top, plus runtime/, repo/ and design/ folders."),
    "intake.bundle_upload": ("事件包文件", "Bundle archive"),
    "intake.bundle_button": ("导入事件包", "Ingest bundle"),
    "intake.bundle_status": ("正在解压并导入 {name}…", "Extracting and ingesting {name}…"),
    "intake.form_title": ("手动录入", "Describe it by hand"),
    "intake.field_title": ("标题", "Title"),
    "intake.field_title_ph": ("例如：下单接口 500 错误激增", "e.g. Checkout returns HTTP 500 after deploy"),
    "intake.field_severity": ("严重级别", "Severity"),
    "intake.field_service": ("服务", "Service"),
    "intake.field_started_at": ("开始时间", "Start time"),
    "intake.field_date": ("开始日期", "Start date"),
    "intake.field_time": ("开始时间", "Start time"),
    "intake.field_zone": ("时区", "Time zone"),
    "intake.field_time_help": ("按右侧所选时区填写；默认是现在（该时区的当前时间）。",
                               "In the time zone chosen on the right; the default is now, in that zone."),
    "zone.480": ("北京 · 上海 · 新加坡", "Beijing · Shanghai · Singapore"),
    "zone.540": ("东京 · 首尔", "Tokyo · Seoul"),
    "zone.330": ("孟买", "Mumbai"),
    "zone.0": ("伦敦", "London"),
    "zone.60": ("柏林 · 巴黎", "Berlin · Paris"),
    "zone.-300": ("纽约", "New York"),
    "zone.-480": ("旧金山", "San Francisco"),
    "intake.field_language": ("事件语言", "Incident language"),
    "intake.field_description": ("描述", "Description"),
    "intake.field_pasted": ("粘贴日志", "Paste log lines"),
    "intake.field_pasted_ph": ("在此粘贴日志或异常栈…", "Paste log lines or a stack trace here…"),
    "intake.field_files": ("附加文件", "More files"),
    "intake.field_files_help": ("日志、JVM 指标、链路 JSON、慢 SQL 日志、Markdown/OpenAPI/DDL 文档。",
                                "Logs, JVM metrics, trace JSON, slow-SQL logs, Markdown/OpenAPI/DDL docs."),
    "log_format.label": ("日志格式", "Log format"),
    "log_format.auto": ("自动识别", "auto (detect)"),
    "log_format.help": ("自动识别（默认）：根据每个日志文件的前几行判断格式。识别有误时可在此指定；若所选格式与文件前 200 行都不匹配，"
                        "该文件会标记为导入失败并说明原因，其余文件照常导入。",
                        "auto (the default) detects each log's format from its first lines. Pick one if detection gets "
                        "it wrong; a log whose first 200 lines the chosen format does not fit is marked as failed with "
                        "the reason, and the other files still land."),
    "log_format.bundle_help": ("自动识别（默认）：采用 incident.yaml 中的 log_format，没有则根据每个日志文件的前几行判断格式。"
                               "选择其他格式则用于包内所有日志。",
                               "auto (the default) uses incident.yaml's log_format if it has one, else detects each "
                               "log's format from its first lines. Any other choice applies to every log in the bundle."),
    "intake.submit": ("创建事件并导入", "Open incident and ingest"),
    "intake.form_status": ("正在创建事件并导入…", "Opening the incident and ingesting…"),
    "intake.form_invalid": ("请检查以下字段：{fields}。标题与服务不能为空。",
                            "Please check: {fields}. Title and service are required."),
    "intake.failed": ("导入失败", "Ingest failed"),
    "intake.failed_hint": ("已写入的内容都已保存；修正输入后重试，或在历史页查看部分结果。",
                           "Everything written so far is kept; fix the input and retry, or open the partial incident from history."),
    "intake.done": ("事件 {id} 已导入", "Incident {id} ingested"),
    "intake.opened": ("事件 {id}「{title}」已导入。", "Incident {id} “{title}” is ingested."),
    "progress.start": ("开始…", "Starting…"),
    "progress.demo": ("准备演示事件包（首次需数秒）", "Preparing the demo bundle (a few seconds the first time)"),
    "progress.extract": ("安全解压事件包", "Extracting the bundle safely"),
    "progress.fuse": ("关联证据：栈帧 → 代码 → 提交 → 聚合", "Correlating evidence: frame → code → commit → aggregate"),
    "progress.done": ("完成", "Done"),
    # assets
    "assets.title": ("资产与证据", "Assets & evidence"),
    "assets.m_assets": ("资产", "Assets"),
    "assets.m_problems": ("异常资产", "Assets with problems"),
    "assets.m_error_lines": ("错误日志行", "Error log lines"),
    "assets.m_groups": ("异常分组", "Exception groups"),
    "assets.m_evidence": ("证据条目", "Evidence items"),
    "assets.to_debate": ("开始辩论", "Go to the debate"),
    "assets.ingested": ("已导入资产", "Ingested assets"),
    "assets.add": ("追加资产", "Add assets"),
    "assets.add_paste": ("或粘贴日志", "Or paste a log"),
    "assets.add_button": ("导入并重新关联证据", "Ingest and re-fuse the evidence"),
    "assets.adding": ("正在导入…", "Ingesting…"),
    "assets.col_status": ("状态", "Status"),
    "assets.col_kind": ("类型", "Kind"),
    "assets.col_name": ("名称", "Name"),
    "assets.col_items": ("条目", "Items"),
    "assets.col_size": ("大小", "Size"),
    "assets.col_message": ("说明", "Message"),
    "assets.col_source": ("来源", "Source"),
    "assets.none": ("该事件还没有导入任何资产。", "Nothing has been ingested for this incident yet."),
    "assets.timeline": ("日志级别随时间变化", "Log levels over time"),
    "assets.no_timeline": ("没有带时间戳的日志。", "No timestamped log lines."),
    "assets.incident_start": ("事件开始", "incident start"),
    "assets.lines_per_minute": ("每分钟行数", "lines per minute"),
    "assets.groups": ("异常分组", "Exception groups"),
    "assets.frames_legend": ("▶ 标记的是本事件自己的代码（在仓库中找到源文件，或符合你的 in-app 规则）；其余是运行时、框架与依赖库。",
                             "▶ marks the incident's own code (its source file is in the repository, or your in-app rules "
                             "say so); the rest is the runtime, frameworks and libraries."),
    "assets.in_app": ("哪些是业务代码（in-app 规则）", "What is app code (in-app rules)"),
    "assets.in_app_help": ("默认按仓库判断：类能对应到仓库里的源文件就是业务代码。这里填写的包前缀优先（每行一个，如 com.example.）。",
                           "By default the repository decides: a class whose source file is in it is app code. Package "
                           "prefixes here win (one per line, e.g. com.example.)."),
    "assets.in_app_include": ("算作业务代码的包前缀", "Package prefixes that are app code"),
    "assets.in_app_exclude": ("不算业务代码的包前缀", "Package prefixes that are not app code"),
    "assets.in_app_apply": ("应用并重新关联证据", "Apply and fuse again"),
    "assets.in_app_done": ("已应用 in-app 规则，证据已重新关联。", "In-app rules applied; the evidence was fused again."),
    "assets.no_groups": ("未发现异常栈。", "No stack traces found."),
    "assets.seen": ("首次 {first} · 最近 {last}", "first {first} · last {last}"),
    "assets.ledger": ("证据台账", "Evidence ledger"),
    "assets.ledger_hint": ("选中一行查看证据来源。", "Select a row to see where the evidence comes from."),
    "assets.no_evidence": ("尚未生成证据。", "No evidence yet."),
    "assets.error_onset": ("错误起点", "error onset"),
    "assets.key_findings": ("关键发现", "Key findings"),
    "assets.no_findings": ("尚无关键发现：先导入日志、指标、链路或慢 SQL。",
                           "No key findings yet: ingest logs, metrics, traces or slow SQL first."),
    "assets.to_compare": ("对比三种裁决方式", "Compare three ways to a verdict"),
    "assets.tab_overview": ("概览", "Overview"),
    "assets.tab_logs": ("日志与异常", "Logs & exceptions"),
    "assets.tab_metrics": ("指标", "Metrics"),
    "assets.tab_traces": ("链路", "Traces"),
    "assets.tab_sql": ("慢 SQL", "Slow SQL"),
    "assets.tab_evidence": ("证据台账", "Evidence"),
    "evidence.kind": ("类型", "kind"),
    "evidence.source": ("来源", "source"),
    "evidence.text": ("内容", "Text"),
    "evidence.unknown": ("证据台账中不存在该编号", "This id is not in the evidence ledger"),
    "source.dialog_title": ("证据 {id} 的来源", "Source of evidence {id}"),
    "source.unavailable": ("无法打开来源：{message}", "The source cannot be shown: {message}"),
    # debate
    "debate.title": ("多智能体辩论", "Tribunal debate"),
    "debate.brain": ("推理引擎", "Brain"),
    "debate.pace": ("流式节奏（秒/片段）", "Streaming pace (s/chunk)"),
    "debate.pace_help": ("离线引擎很快；放慢一点便于现场观看。0 表示全速。",
                         "The offline brain is fast; slow it down so people can watch. 0 runs at full speed."),
    "debate.start": ("开庭辩论", "Start the debate"),
    "debate.rerun": ("重新辩论", "Run the debate again"),
    "debate.cancel": ("停止", "Stop"),
    "debate.resume": ("从中断处继续", "Resume where it stopped"),
    "debate.intervene": ("人工介入", "Intervene"),
    "debate.intervene_kind": ("类型", "Kind"),
    "debate.intervene_text": ("内容（在下一次发言前生效）", "Text (applied before the next turn)"),
    "debate.intervene_target": ("针对（可选：假设如 H1；提问可指定角色如 CodeAgent，由它在下一次发言中回答）",
                                "About (optional: a hypothesis such as H1; a question may name an agent such as "
                                "CodeAgent, which answers it in its next turn)"),
    "debate.intervene_send": ("发送", "Send"),
    "debate.intervene_sent": ("已送达，下一次发言前生效。", "Sent; it applies before the next turn."),
    "intervention.note": ("补充说明", "Note"),
    "intervention.question": ("提问", "Question"),
    "intervention.reject_hypothesis": ("否决假设", "Reject a hypothesis"),
    "intervention.evidence": ("补充证据", "New evidence"),
    "intervention.cancel": ("停止辩论", "Stop the debate"),
    "debate.starting": ("正在召集智能体…", "Summoning the agents…"),
    "debate.live": ("实时进行中 · 已完成 {n} 轮发言。离开本页也会继续，回来即可接上。",
                    "Live · {n} turns finished. It keeps running if you leave; come back to re-attach."),
    "debate.brain_spoke": ("发言引擎：{brain} · 最多 {rounds} 轮质询", "Speaking brain: {brain} · up to {rounds} critique rounds"),
    "debate.took": ("辩论用时 {secs} 秒 · {rounds} 轮质询", "The debate took {secs} s · {rounds} critique rounds"),
    "debate.took_min": ("辩论用时 {mins} 分钟 · {rounds} 轮质询", "The debate took {mins} min · {rounds} critique rounds"),
    "debate.live.one": ("实时进行中 · 已完成 {n} 轮发言。离开本页也会继续，回来即可接上。",
                        "Live · {n} turn finished. It keeps running if you leave; come back to re-attach."),
    "challenge.no-location": ("缺少故障位置", "no fault location"),
    "challenge.no-commit": ("缺少嫌疑提交", "no suspect commit"),
    "challenge.contradiction": ("证据矛盾", "contradiction"),
    "challenge.timing": ("时间顺序", "timing"),
    "challenge.closer-commit": ("更近的提交", "a closer commit"),
    "challenge.noise": ("日志噪声", "log noise"),
    "challenge.external": ("外部原因", "external cause"),
    "challenge.coverage": ("覆盖范围", "coverage"),
    "challenge.citation": ("引用核查", "citation check"),
    "challenge.human": ("人工质疑", "human challenge"),
    "debate.round_n": ("第 {n} 轮", "Round {n}"),
    "debate.round_closed": ("第 {n} 轮结束 · 置信度 {conf}", "Round {n} closed · confidence {conf}"),
    "debate.consensus": ("第 {n} 轮达成共识：{reason}", "Consensus in round {n}: {reason}"),
    "debate.intervention": ("人工介入", "Human intervention"),
    "debate.failed": ("辩论出错", "The debate failed"),
    "debate.failed_hint": ("辩论未能完成：{message}。已说过的内容都已保存，可重新辩论。",
                           "The debate did not finish: {message}. Everything said so far is saved; run it again."),
    "debate.interrupted": ("上一次辩论在服务重启时中断，已保存的发言如下；可重新辩论。",
                           "The last debate was interrupted by a restart; what was said is below. Run it again to finish."),
    "debate.confidence": ("置信度", "Confidence"),
    "debate.invalid_claims": ("{n} 条引用无效", "{n} claims with invalid citations"),
    "debate.invalid_claims.one": ("{n} 条引用无效", "{n} claim with invalid citations"),
    "debate.claim_unverified": ("引用的证据不存在或缺失", "cites evidence that does not exist or cites none"),
    "debate.hypotheses": ("假设（{n}）", "Hypotheses ({n})"),
    "debate.material": ("关键质疑", "material"),
    "debate.minor": ("次要质疑", "minor"),
    "debate.typing": ("发言中…", "speaking…"),
    "debate.to_report": ("查看裁决报告", "Open the report"),
    "debate.roster": ("本庭成员", "The tribunal"),
    "debate.one_model_roles": ("六个角色都由同一个模型（{model}）回答：为免众口一词，每个角色使用各自的温度与立场（{temps}）。专家各自只看自己那部分证据。",
                               "One model ({model}) answers for all six agents: so they do not speak with one voice, each "
                               "role runs at its own temperature and stance ({temps}). Each expert sees only its own part "
                               "of the evidence."),
    "debate.roster_hint": ("三位专家先独立分析，质询官与辩护人交锋数轮（达成共识即止），最后由法官裁决。",
                           "Three experts analyse independently, the critic and the rebuttal spar for a few rounds "
                           "(stopping at consensus), then the judge rules."),
    # judgment
    "judgment.label": ("法官裁决", "Ruling"),
    "judgment.abstained": ("法官弃权：证据不足（缺少 {missing}）。", "The judge abstained: evidence is missing ({missing})."),
    "judgment.open": ("仍待确认：{items}", "Still open: {items}"),
    "judgment.confidence": ("置信度", "Confidence"),
    "judgment.risk": ("风险等级", "Risk level"),
    "judgment.rollback": ("建议回滚", "Roll back?"),
    "judgment.rollback_yes": ("是，建议回滚", "Yes, roll back"),
    "judgment.rollback_no": ("否，无需回滚", "No rollback needed"),
    "judgment.team": ("责任团队", "Responsible team"),
    "judgment.location": ("根因位置", "Location"),
    "judgment.commit": ("可疑提交", "Suspect commit"),
    "judgment.chain": ("证据链", "Evidence chain"),
    "judgment.fix": ("修复建议", "Fix"),
    "judgment.impact": ("影响分析", "Impact"),
    "judgment.rejected": ("被否决的假设", "Hypotheses rejected"),
    "judgment.checks": ("证据核查删除或更正了裁决的 {n} 处：", "The evidence check dropped or corrected {n} part(s) of the ruling:"),
    "judgment.check_field.location": ("位置", "location"),
    "judgment.check_field.commit": ("提交", "commit"),
    "judgment.check_field.author": ("提交作者", "commit author"),
    "judgment.check_field.team": ("团队", "team"),
    "judgment.check_field.impact": ("影响", "impact"),
    "judgment.check_field.hypothesis": ("假设", "hypothesis"),
    "judgment.check_field.confidence": ("置信度", "confidence"),
    # report
    "report.title": ("裁决报告", "Post-mortem report"),
    "library.add": ("加入案例库", "Add to library"),
    "library.update": ("更新案例库中的裁决", "Update the library's copy"),
    "library.help": ("确认该裁决：它将作为过往案例，供以后相似事件参考。案例库只收录经人确认的裁决。",
                     "Confirm this ruling: it becomes a past case that similar incidents are offered later. "
                     "The case library holds confirmed rulings only."),
    "library.in": ("已在案例库", "In the case library"),
    "library.added": ("裁决已加入案例库。", "The ruling was added to the case library."),
    "library.failed": ("未能加入案例库：{message}", "Not added to the case library: {message}"),
    "library.why_demo": ("内置演示的裁决不进入案例库。", "The built-in demo's rulings stay out of the case library."),
    "library.why_abstained": ("裁决未能确定根因，不能加入案例库。", "An abstained ruling names no root cause to learn from."),
    "library.why_no_ruling": ("尚无裁决。", "No ruling yet."),
    "report.no_judgment": ("该事件尚无裁决。先在辩论页开庭。", "No ruling yet for this incident. Start the debate first."),
    "report.running": ("辩论仍在进行，裁决完成后这里会显示报告。", "The debate is still running; the report appears once the judge rules."),
    "report.debate": ("辩论概要", "Debate summary"),
    "report.m_brain": ("推理引擎", "Brain"),
    "report.m_rounds": ("质询轮数", "Critique rounds"),
    "report.m_consensus": ("达成共识", "Consensus"),
    "report.m_turns": ("发言次数", "Turns"),
    "report.m_duration": ("耗时", "Duration"),
    "report.confidence_chart": ("各轮置信度", "Confidence per round"),
    "report.turns": ("发言记录", "Turns"),
    "report.col_agent": ("智能体", "Agent"),
    "report.col_phase": ("阶段", "Phase"),
    "report.col_round": ("轮次", "Round"),
    "report.col_summary": ("摘要", "Summary"),
    "report.timeline": ("时间线", "Timeline"),
    "report.col_time": ("时间", "Time"),
    "report.col_event": ("事件", "Event"),
    "report.download": ("下载复盘报告", "Download the post-mortem"),
    "report.lang": ("报告语言", "Report language"),
    "report.dl_md": ("Markdown 报告", "Markdown report"),
    "report.dl_json": ("JSON 数据", "JSON data"),
    "report.preview": ("预览 Markdown 报告", "Preview the Markdown report"),
    # history
    "history.title": ("历史事件", "Incident history"),
    "history.empty": ("存储中还没有事件。", "The store holds no incidents yet."),
    "history.col_title": ("标题", "Title"),
    "history.col_severity": ("级别", "Severity"),
    "history.col_status": ("状态", "Status"),
    "history.col_service": ("服务", "Service"),
    "history.col_started": ("开始时间", "Started"),
    "history.col_created": ("录入时间", "Recorded"),
    "history.reopen": ("重新打开事件", "Re-open an incident"),
    "history.pick": ("事件", "Incident"),
    "history.open_assets": ("查看资产", "Open assets"),
    "history.open_debate": ("查看辩论", "Open debate"),
    "history.open_report": ("查看报告", "Open report"),
    "history.stopped_ingest": ("{id} 在读取文件时中断。用命令行继续：python -m core resume {id} --bundle 事件包目录",
                               "{id} stopped while its files were read. Continue it on the command line: "
                               "python -m core resume {id} --bundle BUNDLE_DIR"),
    "history.reingest": ("重新读取它的文件", "Read its files again"),
    "history.reingest_help": ("删除中断时已写入的部分数据，从原事件包重新读取并融合证据。",
                              "Removes what the interrupted read wrote, reads the incident's bundle again and fuses the evidence."),
    "history.reingest_running": ("正在重新读取 {id} 的文件…", "Reading the files of {id} again…"),
    "history.reingest_none": ("{id} 的原始文件已不在数据目录中：请重新上传它的事件包，或删除这个事件。",
                              "The files of {id} are no longer in the data directory: upload its bundle again, or "
                              "delete this incident."),
    "history.stopped_fusion": ("{id} 在证据融合前中断。", "{id} stopped before its evidence was fused."),
    "history.resume": ("从中断处继续", "Continue where it stopped"),
}

TABLE.update(RUNTIME_STRINGS)
TABLE.update(MODEL_STRINGS)
TABLE.update(GRAPH_STRINGS)
TABLE.update(EVIDENCE_STRINGS)
TABLE.update(REVIEW_STRINGS)
TABLE.update(AUTH_STRINGS)


def _lang() -> str:
    try:
        return "zh" if st.session_state.get(Keys.LANG) == "zh" else "en"
    except Exception:  # noqa: BLE001 - outside a Streamlit run (unit tests, bare imports) anything may raise
        return "en"


def has_key(key: str) -> bool:
    return key in TABLE


def t(key: str, lang: str | None = None, **fmt: object) -> str:
    """The string for `key` in the current (or given) language, formatted with `fmt`.

    An unknown key returns the key itself, so a missing translation is visible but never crashes;
    a test checks that every key used in app/ and pages/ exists. With ``n=1`` a ``key.one`` entry, if
    present, gives the singular.
    """
    pair = TABLE.get(key)
    if pair is None:
        return key
    if fmt.get("n") == 1 and key + ".one" in TABLE:  # English singular ("1 turn"); Chinese has one form
        pair = TABLE[key + ".one"]
    text = pair[0] if (lang or _lang()) == "zh" else pair[1]
    return text.format(**fmt) if fmt else text


def labeler(prefix: str) -> Callable[[object], str]:
    """A widget `format_func` for options translated as `prefix + option`.

    The language is bound now: Streamlit (and AppTest) may call a format_func outside the run
    that created the widget, where the session's language cannot be read.
    """
    lang = _lang()
    return lambda option: t(f"{prefix}{option}", lang=lang)


def _label_key(agent: str, which: int) -> str | None:
    """The i18n key of `agent`'s role (0) or duty (1), as its AgentSpec names it; None for an unknown agent."""
    from core.agents.spec import AGENT_SPECS  # deferred: keeps the i18n tables importable on their own

    s = AGENT_SPECS.get(agent)  # type: ignore[call-overload]
    return s.label_keys[which] if s is not None else None


def agent_role(agent: str) -> str:
    key = _label_key(agent, 0)
    return t(key) if key is not None and has_key(key) else agent


def agent_duty(agent: str) -> str:
    key = _label_key(agent, 1)
    return t(key) if key is not None and has_key(key) else ""


def phase_label(phase: str) -> str:
    return t(f"phase.{phase}") if has_key(f"phase.{phase}") else phase
