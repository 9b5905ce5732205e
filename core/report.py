"""Post-mortem reports from the stored judgment and debate: Markdown and JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from core.agents.base import say
from core.errors import ReportError
from core.fusion.facts import FusedContext
from core.plain_text import clip, md_data, zone_name
from core.schema import AgentTurn, DebateInfo, Judgment, ReportData
from core.store import Store

__all__ = ["build_report", "render_markdown", "render_json", "cli_payload", "confidence_by_round"]


def build_report(store: Store, debate_id: str, lang: str | None = None) -> ReportData:
    """Gather everything a report shows for one finished debate.

    Args:
        lang: the language of the timeline's labels (``zh`` or ``en``); the incident's language by default.

    Raises:
        ReportError: the debate has no judgment yet.
    """
    debate = store.get_debate(debate_id)
    judgment = store.get_judgment(debate_id)
    if judgment is None:
        raise ReportError("This debate has no ruling yet; let it finish (or re-run it) before building the report.")
    incident = store.get_incident(debate.incident_id)
    lang = lang or incident.language

    def t(en: str, zh: str, **kw: object) -> str:
        return say(lang, en, zh, **kw)

    timeline: list[tuple[datetime, str]] = [(incident.started_at, t("Incident reported start", "事件报告的开始时间"))]
    payload = store.load_fusion(incident.id)
    if payload:
        ctx = FusedContext.model_validate_json(payload)
        if ctx.burst:
            timeline.append((ctx.burst.onset, t("Error onset ({n}/min)", "错误突增（每分钟 {n} 条）", n=ctx.burst.after_per_min)
                             + _cite(ctx.burst.evidence_id)))
        for deploy in ctx.deploys:
            timeline.append((deploy.at, t("Release {tag} ({sha})", "发布 {tag}（{sha}）", tag=deploy.tag, sha=deploy.sha[:8])
                             + _cite(deploy.evidence_id)))
        for suspect in ctx.suspects[:3]:
            timeline.append((suspect.authored_at, t("Commit {sha} by {who}: {what}", "提交 {sha}（{who}）：{what}",
                                                    sha=suspect.sha[:8], who=suspect.author,
                                                    what=clip(suspect.message, 60))))
        if top := ctx.top_group:
            exc = top.exc_type.rsplit(".", 1)[-1]
            if top.first_seen:
                timeline.append((top.first_seen, t("First {exc}", "首次出现 {exc}", exc=exc) + _cite(top.evidence_id)))
            if top.last_seen:
                timeline.append((top.last_seen, t("Last {exc} in the logs", "日志中最后一次 {exc}", exc=exc)))
    if debate.finished_at:
        timeline.append((debate.finished_at, t("Ruling", "裁决")))
    timeline.sort(key=lambda item: item[0])
    return ReportData(
        incident=incident, debate=debate, judgment=judgment, turns=store.list_turns(debate_id),
        evidence=store.list_evidence(incident.id), interventions=store.list_interventions(debate_id),
        timeline=timeline, generated_at=datetime.now(UTC), redactions=store.redaction_counts(incident.id),
    )


def _cite(evidence_id: str | None) -> str:
    return f" [{evidence_id}]" if evidence_id else ""


def confidence_by_round(turns: list[AgentTurn]) -> list[tuple[int, str, float]]:
    """(round, agent, confidence) per turn, for the confidence chart."""
    return [(t.round, t.agent, t.confidence) for t in turns]


def _md_escape(text: str) -> str:
    """Data in a table cell: one line, no column breaks, template wildcards shown as written."""
    return md_data(text).replace("|", "\\|").replace("\n", " ")


_SEVERITY = {"critical": ("Critical", "P0 致命"), "high": ("High", "P1 严重"), "medium": ("Medium", "P2 一般"),
             "low": ("Low", "P3 轻微")}
_KINDS = {"exception": ("exception", "异常"), "log_burst": ("log burst", "日志突增"), "stack_frame": ("stack frame", "栈帧"),
          "blame": ("blame", "代码归属（blame）"), "commit": ("commit", "提交"), "change_link": ("change link", "变更关联"),
          "deploy": ("deploy", "发布"), "design": ("design", "设计"), "ownership": ("ownership", "负责团队"),
          "metric_anomaly": ("metric anomaly", "指标异常"), "trace": ("trace", "链路"), "slow_sql": ("slow SQL", "慢 SQL"),
          "log_noise": ("log noise", "日志噪声"), "human": ("human", "人工"), "case": ("past case", "历史案例")}


_INTERVENTIONS = {"note": ("note", "补充说明"), "question": ("question", "提问"),
                  "reject_hypothesis": ("hypothesis rejected", "否决假设"), "evidence": ("new evidence", "补充证据"),
                  "cancel": ("stopped", "停止辩论")}


def _label(table: dict[str, tuple[str, str]], value: str, lang: str) -> str:
    pair = table.get(value)
    return value if pair is None else pair[1 if lang == "zh" else 0]


def render_markdown(report: ReportData, lang: str = "en") -> str:
    """The post-mortem as Markdown, in English or Chinese."""
    inc, j, d = report.incident, report.judgment, report.debate
    zone = inc.started_at.tzinfo
    by_id = {e.id: e for e in report.evidence}

    def t(en: str, zh: str, **kw: object) -> str:
        return say(lang, en, zh, **kw)

    lines = [
        f"# {t('Post-mortem', '事后复盘')}: {inc.text('title', lang)}",
        "",
        f"| {t('Incident', '事件')} | {inc.id} |",
        "|---|---|",
        f"| {t('Service', '服务')} | {inc.service} |",
        f"| {t('Severity', '严重级别')} | {_label(_SEVERITY, inc.severity, lang)} |",
        f"| {t('Started', '开始时间')} | {inc.started_at:%Y-%m-%d %H:%M:%S} {zone_name(inc.started_at)} |",
        f"| {t('Analysed by', '分析方式')} | {t('offline brain (deterministic)', '离线推理（确定性）') if d.brain == 'offline' else t('LLM brain', '大模型推理')} |",
        f"| {t('Debate', '辩论')} | {t('{n} round', '{n} 轮', n=d.rounds) if d.rounds == 1 else t('{n} rounds', '{n} 轮', n=d.rounds)}{t(', ', '，')}{t('consensus', '达成共识') if d.consensus else t('no consensus', '未达成共识')} |",
        f"| {t('Confidence', '置信度')} | {j.confidence:.0%}{' — ' + t('abstained', '弃权') if j.abstained else ''} |",
        "",
    ]
    if inc.text("description", lang):
        lines += [inc.text("description", lang), ""]
    lines += [f"## {t('Root cause', '根因')}", "", md_data(j.root_cause), ""]
    if j.root_cause_location:
        loc = j.root_cause_location
        lines.append(f"- {t('Location', '位置')}: `{loc.file}:{loc.line}` (`{loc.symbol}`)")
    if j.suspect_commit:
        c = j.suspect_commit
        subject = c.message.splitlines()[0] if c.message else ""
        lines.append(f"- {t('Suspect commit', '嫌疑提交')}: `{c.sha}` — {md_data(c.author)}: {md_data(subject)}")
    lines += [
        f"- {t('Responsible team', '负责团队')}: {j.responsible_team or '—'}",
        f"- {t('Risk level', '风险等级')}: **{_label(_SEVERITY, j.risk_level, lang)}**",
        f"- {t('Rollback recommended', '建议回滚')}: **{t('yes', '是') if j.rollback_recommended else t('no', '否')}**",
        "",
        f"## {t('Fix', '修复建议')}", "", md_data(j.fix_suggestion), "",
        f"## {t('Impact', '影响分析')}", "", md_data(j.impact_analysis), "",
        f"## {t('Evidence chain', '证据链')}", "",
        f"| # | {t('Kind', '类型')} | {t('Source', '来源')} | {t('Fact', '事实')} |", "|---|---|---|---|",
    ]
    lines += [f"| {e.id} | {_label(_KINDS, e.kind, lang)} | `{e.source.replace('|', '/')}` | {_md_escape(e.text)} |"
              for e in j.evidence_chain]
    if j.missing:
        lines += ["", f"## {t('Missing or open', '缺失或未决')}", ""] + [f"- {md_data(m)}" for m in j.missing]
    if j.rejected_hypotheses:
        lines += ["", f"## {t('Hypotheses rejected', '被否定的假设')}", ""]
        lines += [f"- **{h.id}** {md_data(h.title)}: {md_data(h.reason)}" for h in j.rejected_hypotheses]
    lines += ["", f"## {t('Timeline', '时间线')} ({zone_name(inc.started_at)})", ""]
    lines += [f"- {when.astimezone(zone):%Y-%m-%d %H:%M:%S} — {what}" for when, what in report.timeline]
    lines += ["", f"## {t('Debate', '辩论过程')}", "",
              f"| {t('Round', '轮次')} | {t('Agent', '角色')} | {t('Confidence', '置信度')} | {t('Said', '观点')} |",
              "|---|---|---|---|"]
    lines += [f"| {tr.round} | {tr.agent} | {tr.confidence:.0%} | {_md_escape(tr.summary)} |" for tr in report.turns]
    if report.interventions:
        lines += ["", f"## {t('Human interventions', '人工干预')}", ""]
        lines += [f"- {i.at.astimezone(zone):%H:%M:%S} {zone_name(inc.started_at)} {_label(_INTERVENTIONS, i.kind, lang)}: "
                  f"{md_data(i.text)}"
                  for i in report.interventions]
    unverified = [(tr.agent, c) for tr in report.turns for c in tr.claims if not c.valid]
    if unverified:
        lines += ["", f"## {t('Claims rejected by the evidence check', '未通过证据校验的论断')}", ""]
        lines += [f"- {agent}: {md_data(c.text)} ({md_data('; '.join(c.problems))})" for agent, c in unverified]
    if report.redactions:
        counts = ", ".join(f"{kind} {n}" for kind, n in sorted(report.redactions.items()))
        lines += ["", t("Secrets and personal data were replaced by placeholders before storing ({counts}).",
                        "密钥与个人信息在存储前已替换为占位符（{counts}）。", counts=counts)]
    cited = sorted({cid for e in j.evidence_chain for cid in [e.id]} & set(by_id), key=lambda i: int(i[1:]))
    lines += ["", "---", t("Generated {at} · {n} evidence entries in the ledger, {m} in the chain.",
                           "生成于 {at} · 证据账本共 {n} 条，证据链引用 {m} 条。",
                           at=report.generated_at.astimezone(zone).strftime("%Y-%m-%d %H:%M ") + zone_name(inc.started_at),
                           n=len(report.evidence), m=len(cited))]
    return "\n".join(lines) + "\n"


def render_json(report: ReportData) -> str:
    """The whole report as JSON (machine-readable, lossless)."""
    return report.model_dump_json(indent=2)


def cli_payload(incident_id: str, debate: DebateInfo, judgment: Judgment, turns: list[AgentTurn],
                redactions: dict[str, int] | None = None) -> dict[str, Any]:
    """The CLI's `--json` object (documented in the README); `redactions`: values replaced at rest, per kind."""
    data = json.loads(judgment.model_dump_json())
    keep = ("root_cause", "root_cause_location", "suspect_commit", "evidence_chain", "fix_suggestion", "impact_analysis",
            "risk_level", "rollback_recommended", "responsible_team", "confidence", "abstained")
    return {
        "incident_id": incident_id,
        "brain": debate.brain,
        "judgment": {k: data[k] for k in keep},
        "debate": {
            "rounds": debate.rounds,
            "consensus": debate.consensus,
            "turns": [{"agent": t.agent, "round": t.round, "summary": t.summary} for t in turns],
        },
        "redactions": dict(redactions or {}),
    }
