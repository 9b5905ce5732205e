"""JudgeAgent: rule on the root cause from verified evidence only, and say what is missing."""

from __future__ import annotations

from datetime import datetime, tzinfo

from core.agents.base import AgentReply, DebateView, say
from core.agents.failure_modes import classify
from core.agents.ruling_check import evidence_cap, verified_citations
from core.fusion.culprit import location_margin
from core.fusion.facts import ChangeCandidate, FusedContext
from core.fusion.runtime_rules import share
from core.schema import (
    AgentTurn,
    CommitRef,
    EvidenceRef,
    Hypothesis,
    Judgment,
    RejectedHypothesis,
)

__all__ = ["CHAIN_ORDER", "evidence_cap", "offline_reply", "ruling_confidence", "verified_citations"]

# The order a reader follows an evidence chain in: symptom → code → change → release → owner.
CHAIN_ORDER = ("exception", "log_burst", "stack_frame", "blame", "commit", "change_link", "deploy", "design",
               "ownership",
               "metric_anomaly", "trace", "slow_sql", "log_noise", "timeline", "human")
_SEVERITY = ("low", "medium", "high", "critical")


def _clock(ts: datetime | None, zone: tzinfo | None) -> str:
    return ts.astimezone(zone).strftime("%m-%d %H:%M") if ts else "?"


# What each kind of change link means, for Chinese rulings (the ledger's own text is English).
_LINK_ZH = {
    "frame_line": "它写下了出错行 {where}",
    "frame_method": "它修改了出错方法（{where}）",
    "frame_file": "它修改了出错代码所在的文件（{where}）",
    "call_graph": "它修改了与出错代码相距一次调用的方法（{where}）",
    "sql": "它修改了一条查询（{where}），该表上的语句在其后变慢",
    "log_string": "它加入的文本（{where}）正出现在突增后的错误里",
    "config": "它修改的配置（{where}）正对应出问题的资源（连接池、超时、容量或序列化）",
    "dependency": "它修改了依赖版本（{where}），随后运行时找不到类或方法",
    "resource_leak": "它新增的资源获取（{where}）没有释放，连接池随后耗尽",
    "data_flow": "它改变了数据的写入方式（{where}），下游读到该数据时出错",
}


def ruling_confidence(view: DebateView, lead: Hypothesis, change: ChangeCandidate | None, mode_score: float,
                      gaps: int, blocking: int) -> float:
    """Confidence that follows the evidence, not the debaters' self-assessment.

    A convicted change with strong links can carry a ruling to 0.9; without one, the ruling rests on
    where the failure surfaced, and how clearly the location ranking picked it caps it lower.
    Open gaps and material objections take confidence away.
    """
    ctx = view.context
    frames = [f for f in (ctx.top_group.frames if ctx.top_group else []) if not f.is_test]
    if change is not None:
        deployed = any(change.sha in d.contains for d in ctx.deploys)
        value = 0.45 + 0.35 * min(1.0, change.score) + 0.08 * mode_score + (0.05 if deployed else 0.0)
        cap = 0.92
    else:
        margin = location_margin(frames) if frames else 0.0
        on_stack = any(f.path == lead.location.file for f in frames) if lead.location else False
        value = 0.25 + 0.3 * margin * (1.0 if on_stack else 0.5) + 0.1 * mode_score
        cap = 0.72 if mode_score else 0.45  # where, but not how: below even odds
    value -= 0.05 * gaps + 0.1 * blocking
    return round(max(0.05, min(value, cap)), 2)


def _ago(minutes: float, lang: str) -> str:
    m = abs(minutes)
    if lang == "zh":
        text = f"{m:.0f} 分钟" if m < 120 else f"{m / 60:.1f} 小时" if m < 2880 else f"{m / 1440:.1f} 天"
        return f"开始前 {text}" if minutes >= 0 else f"开始后 {text}"
    text = f"{m:.0f} min" if m < 120 else f"{m / 60:.1f} h" if m < 2880 else f"{m / 1440:.1f} days"
    return f"{text} {'before' if minutes >= 0 else 'after'}"


def _what_would_help(ctx: FusedContext, lang: str, change: ChangeCandidate | None, mode_known: bool) -> list[str]:
    """What evidence a low-confidence ruling lacks, so a person knows what to bring."""
    out = []
    if change is None and ctx.repo_available:
        out.append(say(lang, "a change that explains it: deploy markers (release tags) and the configuration and "
                             "dependency history of the live version",
                       "能解释故障的变更：发布标记（release tag）以及线上版本的配置与依赖变更历史"))
    if not mode_known:
        out.append(say(lang, "the failure mechanism: the failing request's input, and runtime metrics (pools, GC, "
                             "latency) around the onset",
                       "失败机制：失败请求的输入，以及突增前后的运行时指标（连接池、GC、延迟）"))
    frames = ctx.top_group.frames if ctx.top_group else []
    if frames and location_margin([f for f in frames if not f.is_test]) < 0.3:
        out.append(say(lang, "a sharper location: several frames are about as likely; a trace from production with "
                             "the same failure, or the failing input",
                       "更明确的定位：多个栈帧的可能性相近；需要生产环境中相同故障的堆栈或失败输入"))
    return out


def _own_reading(view: DebateView) -> DebateView:
    """With no debate behind it (a lone judge), the judge reads the evidence the way the experts would."""
    from datetime import UTC, datetime

    from core.agents import code_agent, domain_agent, log_agent

    now = datetime.now(UTC)
    turns = []
    for seq, (agent, module) in enumerate((("LogAgent", log_agent), ("DomainAgent", domain_agent),
                                            ("CodeAgent", code_agent)), start=1):
        reply = module.offline_reply(view)
        turns.append(AgentTurn(
            incident_id=view.context.incident.id, debate_id="-", seq=seq, agent=agent, round=0,  # type: ignore[arg-type]
            phase="experts", brain="offline", summary=reply.summary, claims=reply.claims, hypotheses=reply.hypotheses,
            confidence=reply.confidence, started_at=now, finished_at=now))
    return view.model_copy(update={"turns": turns})


def offline_reply(view: DebateView) -> AgentReply:
    """Rule for the strongest surviving hypothesis, with a chain built only from verified citations."""
    if not view.turns:
        view = _own_reading(view)
    ctx, lang = view.context, view.language
    lead = view.leading()
    critic = view.last("CriticAgent")
    rebuttal = view.last("RebuttalAgent")
    gap_kinds = {c.id.split("-", 1)[-1] for c in (critic.challenges if critic else []) if not c.material}
    gaps = [a.text for a in (rebuttal.answers if rebuttal else [])
            if a.verdict != "resolved" and a.challenge_id.split("-", 1)[-1] in gap_kinds]
    blocking = [c.text for c in (critic.challenges if critic else []) if c.material]
    verified = verified_citations(view)
    by_id = {e.id: e for e in ctx.evidence}
    missing: list[str] = []
    if not ctx.groups:
        missing.append(say(lang, "stack traces or error logs from the incident window",
                           "故障时间窗口内的堆栈或错误日志"))
    if not ctx.repo_available:
        missing.append(say(lang, "the service's Git repository", "服务的 Git 仓库"))
    if ctx.owner is None:
        missing.append(say(lang, "an ownership file (CODEOWNERS) covering the failing code",
                           "覆盖出错代码的归属文件（CODEOWNERS）"))
    if ctx.unparsed_assets:
        missing.append(say(lang, "{n} stored design document(s) are not analysed yet", "{n} 份已保存的设计文档尚未分析",
                           n=len(ctx.unparsed_assets)))

    if lead is None or lead.location is None:
        chain = [by_id[i] for i in sorted(verified, key=lambda i: int(i[1:])) if i in by_id][:6]
        judgment = Judgment(
            root_cause=say(lang, "Undetermined: the evidence does not locate the failure in code.",
                           "无法确定：证据不足以在代码中定位故障。"),
            root_cause_location=None, suspect_commit=None,
            evidence_chain=[EvidenceRef(id=e.id, kind=e.kind, source=e.source, text=e.text) for e in chain],
            fix_suggestion=say(lang, "Collect the missing evidence and re-run the analysis.",
                               "补充缺失的证据后重新分析。"),
            impact_analysis=say(lang, "Unknown.", "未知。"), risk_level=ctx.incident.severity,
            rollback_recommended=False,
            responsible_team=None, confidence=0.15, abstained=True,
            missing=missing or [say(lang, "an in-app stack frame", "业务代码堆栈帧")],
        )
        return AgentReply(summary=judgment.root_cause, confidence=judgment.confidence, judgment=judgment)

    top = ctx.top_group
    suspect = next((s for s in ctx.suspects if s.sha == lead.commit_sha and s.guilty), None)
    mode = classify(ctx)
    chain_ids = [i for i in verified if i in by_id and by_id[i].kind != "log_noise"]
    # The chain is about the ruling: no evidence of changes it does not convict.
    chain_ids = [i for i in chain_ids if by_id[i].kind not in ("commit", "change_link")
                 or (suspect and by_id[i].ref.get("sha") == suspect.sha)]
    chain_ids.sort(key=lambda i: (CHAIN_ORDER.index(by_id[i].kind) if by_id[i].kind in CHAIN_ORDER else 99, int(i[1:])))
    chain = [by_id[i] for i in chain_ids]
    confidence = ruling_confidence(view, lead, suspect, mode.score if mode.known else 0.0, len(gaps), len(blocking))
    abstained = confidence < 0.3
    exc = (top.root_type if top else "").rsplit(".", 1)[-1] or say(lang, "The failure", "故障")
    loc = lead.location
    named = loc.symbol and loc.symbol != loc.file.rsplit("/", 1)[-1]
    where = f"{loc.symbol} ({loc.file}:{loc.line})" if named else f"{loc.file}:{loc.line}"
    if suspect:
        link = max(suspect.links, key=lambda lk: lk.strength)
        root_cause = say(
            lang, "{exc}, caused by change {sha} to {where} (“{msg}”, {who}, {m} the start): it {why}. "
                  "Mechanism: {mech}.",
            "{exc}，由变更 {sha}（修改 {where}；“{msg}”，{who}，{m}）引起：{why}。机制：{mech}。",
            exc=exc, where=where, sha=suspect.sha[:8],
            msg=suspect.message[:80], who=suspect.author, m=_ago(suspect.minutes_before_start, lang),
            why=link.text[:200] if lang != "zh" else _LINK_ZH[link.kind].format(where=f"{link.path}:{link.line}"),
            mech=mode.mechanism(lang))
    else:
        root_cause = say(lang, "{exc} at {where}; no recent change is tied to it. Mechanism: {mech}.",
                         "{where} 处的 {exc}；没有近期变更与之关联。机制：{mech}。",
                         exc=exc, where=where, mech=mode.mechanism(lang))
    fix = mode.fix(lang)
    deploy = next((d for d in ctx.deploys if suspect and suspect.sha in d.contains), None)
    rollback = bool(suspect and (deploy or suspect.minutes_before_start <= 7 * 24 * 60) and confidence >= 0.6
                    and not blocking)
    if rollback and suspect:
        previous = [d.tag for d in ctx.deploys if deploy and d.at < deploy.at]
        fix = say(lang, "Now: roll back {what}. Then: {fix}.", "立即：回滚{what}。随后：{fix}。",
                  what=say(lang, "to {t}", "到 {t}",
                           t=previous[-1]) if previous else say(lang, "commit {s}", "提交 {s}", s=suspect.sha[:8]),
                  fix=fix)
    if confidence < 0.5:
        missing.extend(_what_would_help(ctx, lang, suspect, mode.known))
    entry = ctx.entry_point
    zone = ctx.incident.started_at.tzinfo
    first, last = _clock(top.first_seen if top else None, zone), _clock(top.last_seen if top else None, zone)
    when = (say(lang, "at {a}", "{a} 时", a=first) if first == last else
            say(lang, "between {a} and {b}", "{a} 至 {b} 之间", a=first, b=last))
    impact = say(
        lang, "{n} failed requests through {entry} {when}; the '{bc}' bounded context is affected"
              " and every caller of {sym} is at risk.",
        "{when}经 {entry} 的请求失败 {n} 次；“{bc}”限界上下文受影响，{sym} 的所有调用方都有风险。",
        n=top.count if top else 0, entry=entry.symbol if entry else "?", bc=ctx.bounded_context or "?",
        when=when, sym=lead.location.symbol)
    if ctx.blast and (ctx.blast.apis or ctx.blast.tables):
        impact += " " + say(lang, "Blast radius: API {a}; tables {t}; teams {tm}.",
                            "影响范围：API {a}；数据表 {t}；团队 {tm}。",
                            a=", ".join(ctx.blast.apis[:5]) or "—", t=", ".join(ctx.blast.tables[:5]) or "—",
                            tm=", ".join(ctx.blast.teams[:4]) or "—")
    e = next((e for e in (ctx.runtime.endpoints if ctx.runtime else []) if e.source == "trace"), None)
    if e:
        impact += " " + say(lang, "{ep}: error rate {a:.0%} → {b:.0%}.", "{ep}：错误率 {a:.0%} → {b:.0%}。",
                            ep=e.endpoint,
                            a=e.error_rate_before or 0.0, b=e.error_rate_after or 0.0)
    edge = next((e for e in (ctx.runtime.endpoints if ctx.runtime else []) if e.source == "access_log"), None)
    if edge:
        impact += " " + say(lang, "At the edge ({svc}): {ep} 5xx {a} → {b} of {n} requests.",
                            "入口（{svc}）：{ep} 的 5xx 比例 {a} → {b}（之后共 {n} 个请求）。", svc=edge.service,
                            ep=edge.endpoint, a=share(edge.error_rate_before), b=share(edge.error_rate_after),
                            n=edge.n_after)
    risk = ctx.incident.severity
    if ctx.burst and ctx.burst.peak_per_min >= 20 and risk != "critical":
        risk = _SEVERITY[_SEVERITY.index(risk) + 1]  # type: ignore[assignment]
    scores = {c.sha: c.score for c in ctx.suspects}
    rejected = [RejectedHypothesis(id=h.id, title=h.title, reason=h.reason or say(lang, "weaker evidence", "证据较弱"))
                for h in view.hypotheses() if h.status == "rejected"]
    rejected += [RejectedHypothesis(id=h.id, title=h.title, reason=say(
                     lang, "the change is linked to the symptoms too weakly to be convicted (score {s:.2f})",
                     "该变更与症状的关联太弱，不能认定为原因（得分 {s:.2f}）", s=scores.get(h.commit_sha or "", 0.0)))
                 for h in view.hypotheses() if h.status != "rejected" and h.commit_sha and h is not lead
                 and h.commit_sha != (suspect.sha if suspect else None)]
    judgment = Judgment(
        root_cause=root_cause, root_cause_location=lead.location,
        suspect_commit=CommitRef(sha=suspect.sha, author=suspect.author, message=suspect.message) if suspect else None,
        evidence_chain=[EvidenceRef(id=e.id, kind=e.kind, source=e.source, text=e.text) for e in chain],
        fix_suggestion=fix, impact_analysis=impact, risk_level=risk, rollback_recommended=rollback,
        responsible_team=ctx.owner.team if ctx.owner else None, confidence=confidence, abstained=abstained,
        missing=missing + gaps, rejected_hypotheses=rejected, hypothesis_id=lead.id,
    )
    summary = say(lang, "Ruling for {h} at {c:.0%} confidence{r}.", "裁定 {h}，置信度 {c:.0%}{r}。", h=lead.id,
                  c=confidence,
                  r=say(lang, "; roll back", "；建议回滚") if rollback else "")
    return AgentReply(summary=summary, confidence=confidence, judgment=judgment)
