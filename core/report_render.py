"""The post-mortem in Markdown, HTML and PDF: one view of the report, laid out by one set of Jinja2 templates.

Every label and value is worked out once here, in the report's language; the Markdown and HTML templates only
lay it out (and escape it for their format). The PDF is the HTML rendered by WeasyPrint, charts inline as SVG.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from core.agents.base import say
from core.errors import ReportError
from core.fusion.runtime_rules import unit_label
from core.plain_text import clip, md_data, zone_name
from core.report_charts import confidence_svg, series_svg
from core.schema import ReportData

__all__ = ["TEMPLATES", "render_html", "render_markdown", "render_pdf", "report_view"]

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).with_name("report_templates")

_SEVERITY = {"critical": ("Critical", "P0 致命"), "high": ("High", "P1 严重"), "medium": ("Medium", "P2 一般"),
             "low": ("Low", "P3 轻微")}
_KINDS = {"exception": ("exception", "异常"), "log_burst": ("log burst", "日志突增"),
          "stack_frame": ("stack frame", "栈帧"),
          "blame": ("blame", "代码归属（blame）"), "commit": ("commit", "提交"),
          "change_link": ("change link", "变更关联"),
          "tool_result": ("tool result", "工具查询结果"),
          "deploy": ("deploy", "发布"), "design": ("design", "设计"), "ownership": ("ownership", "负责团队"),
          "metric_anomaly": ("metric anomaly", "指标异常"), "trace": ("trace", "链路"),
          "slow_sql": ("slow SQL", "慢 SQL"),
          "log_noise": ("log noise", "日志噪声"), "human": ("human", "人工"), "case": ("past case", "历史案例")}
_INTERVENTIONS = {"note": ("note", "补充说明"), "question": ("question", "提问"),
                  "reject_hypothesis": ("hypothesis rejected", "否决假设"), "evidence": ("new evidence", "补充证据"),
                  "cancel": ("stopped", "停止辩论")}
_STATES = {"draft": ("Draft", "草稿"), "final": ("Final", "已定稿"), "rejected": ("Rejected", "已驳回"),
           "sent_back": ("Sent back to the debate", "已退回重议")}
_DECISIONS = {"approve": ("approved", "批准"), "finalize": ("finalised", "定稿"), "reject": ("rejected", "驳回"),
              "send_back": ("sent back", "退回")}
_HYPOTHESIS = {"proposed": ("proposed", "提出"), "supported": ("supported", "成立"),
               "challenged": ("challenged", "受质疑"),
               "rejected": ("rejected", "被否定")}
_LABELS = {
    "post_mortem": ("Post-mortem", "事后复盘"), "incident": ("Incident", "事件"), "service": ("Service", "服务"),
    "severity": ("Severity", "严重级别"), "started": ("Started", "开始时间"),
    "analysed_by": ("Analysed by", "分析方式"),
    "debate": ("Debate", "辩论"), "confidence": ("Confidence", "置信度"), "review": ("Review", "审核"),
    "summary": ("Summary", "摘要"), "root_cause": ("Root cause", "根因"), "location": ("Location", "位置"),
    "suspect_commit": ("Suspect commit", "嫌疑提交"), "team": ("Responsible team", "负责团队"),
    "risk": ("Risk level", "风险等级"), "rollback_recommended": ("Rollback recommended", "建议回滚"),
    "fix": ("Fix", "修复建议"), "impact": ("Impact", "影响分析"), "evidence_chain": ("Evidence chain", "证据链"),
    "kind": ("Kind", "类型"), "source": ("Source", "来源"), "fact": ("Fact", "事实"),
    "missing": ("Missing or open", "缺失或未决"),
    "checks": ("Dropped or corrected by the evidence check", "证据核查删除或更正的内容"),
    "check_field": ("Part of the ruling", "裁决项"), "check_said": ("The judge said", "法官原说法"),
    "considered": ("Hypotheses considered", "考虑过的假设"),
    "rejected": ("Hypotheses rejected", "被否定的假设"), "hypothesis": ("Hypothesis", "假设"), "by": ("By", "提出者"),
    "status": ("Status", "结论"), "timeline": ("Timeline", "时间线"), "debate_process": ("Debate", "辩论过程"),
    "by_round": ("Confidence per round", "每轮置信度"), "round": ("Round", "轮次"), "agents": ("Agents", "角色"),
    "agent": ("Agent", "角色"), "said": ("Said", "观点"), "interventions": ("Human interventions", "人工干预"),
    "unverified": ("Claims rejected by the evidence check", "未通过证据校验的论断"), "rollback": ("Rollback", "回滚"),
    "follow_ups": ("Follow-up actions", "后续行动"), "action": ("Action", "行动"), "owner": ("Owner", "负责人"),
    "state": ("State", "状态"), "decided": ("Decided", "决定"), "reason": ("Reason", "理由"), "note": ("Note", "说明"),
    "time": ("Time", "时间"), "event": ("Event", "事件"),
    "charts_none": ("No runtime series were ingested for this incident.",
                                                                       "本事件没有可绘制的运行时序列。"),
    "errors_per_min": ("Logged errors per minute", "每分钟错误日志数"),
    "incident_start": ("incident start", "事件开始"),
    "error_onset": ("error onset", "错误突增"),
    "confidence_chart": ("Confidence after each turn", "每次发言后的置信度"),
    "round_short": ("R{n}", "第{n}轮"), "yes": ("yes", "是"), "no": ("no", "否"),
    "peak": ("{low} to {high}, highest at {at}", "{low} 至 {high}，最高于 {at}"),
}


_CHECKED = {"location": ("location", "位置"), "commit": ("commit", "提交"), "author": ("commit author", "提交作者"),
            "team": ("team", "团队"), "impact": ("impact", "影响"), "hypothesis": ("hypothesis", "假设"),
            "confidence": ("confidence", "置信度")}


def _pick(table: dict[str, tuple[str, str]], value: str, lang: str) -> str:
    pair = table.get(value)
    return value if pair is None else pair[1 if lang == "zh" else 0]


def _hypotheses(report: ReportData, lang: str) -> list[dict[str, Any]]:
    """Every hypothesis an agent put forward, with its last status and, if rejected, why."""
    reasons = {h.id: h.reason for h in report.judgment.rejected_hypotheses}
    seen: dict[str, dict[str, Any]] = {}
    for turn in report.turns:
        for h in turn.hypotheses:
            item = seen.setdefault(h.id, {"id": h.id, "title": h.title, "agent": turn.agent})
            item.update(confidence=h.confidence, status=h.status, reason=h.reason or item.get("reason", ""))
    for item in seen.values():
        if item["id"] in reasons:
            item.update(status="rejected", reason=reasons[item["id"]])
        item["status_label"] = _pick(_HYPOTHESIS, item["status"], lang)
    return list(seen.values())[:15]


def _rounds(report: ReportData) -> list[dict[str, Any]]:
    rounds: dict[int, list[Any]] = {}
    for turn in report.turns:
        rounds.setdefault(turn.round, []).append(turn)
    return [{"round": r, "agents": ", ".join(dict.fromkeys(t.agent for t in turns)), "confidence": turns[-1].confidence,
             "summary": clip(turns[-1].summary, 220)} for r, turns in sorted(rounds.items())]


def _brain_label(report: ReportData, t: Any) -> str:
    """Who answered: the offline brain, the model, or both — with the turns each answered and why the model did not."""
    tally = report.brains
    if report.debate.brain == "offline" or tally is None:
        return t("offline brain (deterministic)", "离线推理（确定性）")
    why = t(", ", "，").join(f"{reason} ×{n}" for reason, n in sorted(tally.fallbacks.items()))
    if tally.brain == "llm":
        return t("LLM brain ({n} model turns)", "大模型推理（{n} 轮均由模型回答）", n=tally.model_turns)
    if tally.brain == "offline":
        return t("LLM brain unavailable — every turn answered offline ({n}; {why})",
                 "大模型不可用——所有 {n} 轮均由离线推理代答（{why}）", n=tally.offline_turns, why=why)
    return t("mixed: {m} model turns, {o} answered offline ({why})", "混合：模型回答 {m} 轮，离线代答 {o} 轮（{why}）",
             m=tally.model_turns, o=tally.offline_turns, why=why)


def report_view(report: ReportData, lang: str = "en") -> dict[str, Any]:
    """Everything the templates show, worked out in `lang` (labels, times in the incident's zone, review state)."""
    inc, j, d = report.incident, report.judgment, report.debate
    zone, zname = inc.started_at.tzinfo, zone_name(inc.started_at)

    def t(en: str, zh: str, **kw: object) -> str:
        return say(lang, en, zh, **kw)

    def at(when: datetime | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
        return f"{when.astimezone(zone):{fmt}}" if when else "—"

    labels = {k: v[1 if lang == "zh" else 0] for k, v in _LABELS.items()}
    review = report.review
    review_view = None
    if review is not None:
        state = _pick(_STATES, review.state, lang)
        if review.state == "draft":
            state += t(" — needs an approver ({why})", "——需审批人决定（{why}）", why=t(", ", "、").join(
                {"risk": t("risk {r}", "风险{r}", r=_pick(_SEVERITY, j.risk_level, lang)),
                 "rollback": t("rollback recommended", "建议回滚")}[w] for w in review.why)) if review.needs_approval \
                else t(" — an analyst may finalise it", "——分析师即可定稿")
        review_view = {
            "state": review.state, "state_label": state,
            "decided": (t("{what} by {who} ({role}) at {when} {zone}", "{who}（{role}）于 {when} {zone} {what}",
                          what=_pick(_DECISIONS, review.decision or "", lang), who=review.decided_by,
                          role=review.decided_role, when=at(review.decided_at), zone=zname)
                        if review.decided_by else ""),
            "text_label": labels["reason"] if review.decision == "reject" else labels["note"], "text": review.text,
        }
    brain = _brain_label(report, t)
    rounds = t("{n} round", "{n} 轮", n=d.rounds) if d.rounds == 1 else t("{n} rounds", "{n} 轮", n=d.rounds)
    facts = [
        (labels["incident"], inc.id), (labels["service"], inc.service),
        (labels["severity"], _pick(_SEVERITY, inc.severity, lang)),
        (labels["started"], f"{at(inc.started_at)} {zname}"), (labels["analysed_by"], brain),
        (labels["debate"],
         rounds + t(", ", "，") + (t("consensus", "达成共识") if d.consensus else t("no consensus", "未达成共识"))),
        (labels["confidence"], f"{j.confidence:.0%}" + (" — " + t("abstained", "弃权") if j.abstained else "")),
    ]
    if review_view:
        facts.append((labels["review"], review_view["state_label"]))
    commit = None
    if j.suspect_commit:
        c = j.suspect_commit
        commit = {"sha": c.sha, "author": c.author, "subject": c.message.splitlines()[0] if c.message else ""}
    loc = j.root_cause_location
    summary = t("{svc} — {root} Confidence {conf:.0%} after {rounds}; risk {risk}, rollback {rb}.",
                "{svc}——{root} 经 {rounds}辩论，置信度 {conf:.0%}；风险{risk}，{rb}。",
                svc=inc.service, root=clip(j.root_cause, 160), conf=j.confidence, rounds=rounds,
                risk=_pick(_SEVERITY, j.risk_level, lang),
                rb=(t("recommended", "建议回滚") if j.rollback_recommended else t("not recommended", "无需回滚")))
    if j.rollback_recommended:
        rollback = t("Recommended: roll back {what}, then confirm the errors stop.",
                     "建议回滚{what}，并确认错误随之停止。",
                     what=(t("commit {sha}", "提交 {sha}", sha=commit["sha"][:12]) if commit
                           else t("the last release of {svc}", " {svc} 的最近一次发布", svc=inc.service)))
    else:
        rollback = t("Not recommended: fix forward.", "不建议回滚：直接修复上线。")
    unverified = [(turn.agent, c.text,
                   "; ".join(c.problems)) for turn in report.turns for c in turn.claims if not c.valid]
    ledger = {e.id for e in report.evidence}
    cited = len({e.id for e in j.evidence_chain} & ledger)
    redactions = None
    if report.redactions:
        counts = ", ".join(f"{kind} {n}" for kind, n in sorted(report.redactions.items()))
        redactions = t("Secrets and personal data were replaced by placeholders before storing ({counts}).",
                       "密钥与个人信息在存储前已替换为占位符（{counts}）。", counts=counts)
    footer = t("Generated {at} · {n} evidence entries in the ledger, {m} in the chain.",
               "生成于 {at} · 证据账本共 {n} 条，证据链引用 {m} 条。",
               at=at(report.generated_at, "%Y-%m-%d %H:%M ") + zname, n=len(report.evidence), m=cited)
    return {
        "lang": lang, "L": labels, "title": inc.text("title", lang), "zone": zname, "facts": facts,
        "description": inc.text("description", lang), "summary": summary,
        "root_cause": j.root_cause, "location": f"{loc.file}:{loc.line}" if loc else None,
        "symbol": loc.symbol if loc else None, "commit": commit, "team": j.responsible_team or "—",
        "risk": _pick(_SEVERITY, j.risk_level, lang), "rollback_yes": labels["yes" if j.rollback_recommended else "no"],
        "rollback": rollback, "fix": j.fix_suggestion, "impact": j.impact_analysis,
        "chain": [{"id": e.id, "kind": _pick(_KINDS, e.kind, lang), "source": e.source, "text": e.text}
                  for e in j.evidence_chain],
        "missing": j.missing, "hypotheses": _hypotheses(report, lang),
        "checks": [{"field": _pick(_CHECKED, c.field, lang), "value": c.value, "reason": c.reason} for c in j.checks],
        "rejected": [{"id": h.id, "title": h.title, "reason": h.reason} for h in j.rejected_hypotheses],
        "timeline": [(at(when), what) for when, what in report.timeline],
        "rounds": _rounds(report),
        "turns": [{"round": x.round, "agent": x.agent, "confidence": x.confidence, "summary": x.summary}
                  for x in report.turns],
        "interventions": [(at(i.at, "%H:%M:%S"), _pick(_INTERVENTIONS, i.kind, lang),
                           i.text) for i in report.interventions],
        "unverified": unverified, "follow_ups": report.follow_ups, "review": review_view,
        "redactions": redactions, "footer": footer, "series": _peaks(report, labels, at, lang),
    }


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f}"


def _peaks(report: ReportData, labels: dict[str, str], at: Any, lang: str) -> list[dict[str, Any]]:
    """Each runtime chart as one line for the Markdown report: its peak and when."""
    out = []
    for series in report.runtime:
        if not series.points:
            continue
        when, peak = max(series.points, key=lambda p: p[1])
        low = min(p[1] for p in series.points)
        out.append({"title": labels["errors_per_min"] if series.name == "errors" else series.name,
                    "low": _num(low), "high": f"{_num(peak)} {unit_label(series.unit, lang)}".strip(), "at": at(when),
                    "cite": series.evidence_id})
    return out


def _charts(report: ReportData, view: dict[str, Any]) -> dict[str, Any]:
    """The inline SVG charts of the HTML/PDF report: runtime series (impact) and confidence per turn (debate)."""
    labels, zone = view["L"], report.incident.started_at.tzinfo
    marks = [(report.incident.started_at, labels["incident_start"], "#b91c1c")]
    if report.onset and abs((report.onset - report.incident.started_at).total_seconds()) >= 30:
        marks.append((report.onset, labels["error_onset"], "#d97706"))
    runtime = []
    for series in report.runtime:
        title = labels["errors_per_min"] if series.name == "errors" else series.name
        runtime.append(Markup(series_svg(series.points, title=title, unit=series.unit, zone=zone, marks=marks,
                                         cite=series.evidence_id)))
    confidence = Markup(confidence_svg([(x.round, x.agent, x.confidence) for x in report.turns],
                                       title=labels["confidence_chart"], round_label=labels["round_short"]))
    return {"runtime": runtime, "confidence": confidence}


_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")


def _inline_html(text: object) -> Markup:
    """Text an agent wrote with Markdown code spans and bold, as safe HTML."""
    html = str(escape(str(text)))
    html = _CODE.sub(r"<code>\1</code>", html)
    return Markup(_BOLD.sub(r"<strong>\1</strong>", html))


def _md_cell(text: object) -> str:
    """Data in a Markdown table cell: one line, no column breaks, template wildcards shown as written."""
    return md_data(str(text)).replace("|", "\\|").replace("\n", " ")


@lru_cache(maxsize=2)
def _environment(autoescape: bool) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True,
                      autoescape=select_autoescape(["html", "j2"]) if autoescape else False)
    env.filters.update(md=lambda v: md_data(str(v)), cell=_md_cell, inline=_inline_html,
                       pct=lambda v: f"{float(v):.0%}", code=lambda v: str(v).replace("|", "/"))
    return env


def render_markdown(report: ReportData, lang: str = "en") -> str:
    """The post-mortem as Markdown, in English or Chinese."""
    return _environment(False).get_template("postmortem.md.j2").render(**report_view(report, lang))


def render_html(report: ReportData, lang: str = "en") -> str:
    """The post-mortem as one self-contained HTML page: styles and charts inline, nothing fetched."""
    view = report_view(report, lang)
    return _environment(True).get_template("postmortem.html.j2").render(**view, charts=_charts(report, view))


@lru_cache(maxsize=1)
def pdf_problem() -> str | None:
    """Why a PDF cannot be rendered on this machine (WeasyPrint or Pango missing), or None when it can."""
    try:
        import weasyprint  # type: ignore[import-untyped]  # noqa: F401 - loading it loads Pango
    except (ImportError, OSError) as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return None


def render_pdf(report: ReportData, lang: str = "en") -> bytes:
    """The HTML post-mortem printed to PDF by WeasyPrint (Chinese needs a CJK font such as WenQuanYi Micro Hei).

    Raises:
        ReportError: WeasyPrint or its system libraries (Pango) are missing, or rendering failed.
    """
    html = render_html(report, lang)
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango's shared libraries are not installed
        raise ReportError(f"PDF needs WeasyPrint and the Pango libraries ({str(exc).splitlines()[0]}); install them "
                          "as the README says, or download the HTML report and print it.") from exc
    try:
        # No base_url and nothing external in the page: WeasyPrint fetches nothing.
        return HTML(string=html).write_pdf()
    except Exception as exc:
        raise ReportError(f"The PDF could not be rendered: {type(exc).__name__}: {exc}") from exc
