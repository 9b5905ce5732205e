"""DomainAgent: where the failure sits in the design — bounded context, layer, entry point, owner."""

from __future__ import annotations

from core.agents.base import AgentReply, DebateView, say
from core.fusion.ledger import evidence_text
from core.fusion.runtime_rules import duration, share
from core.ingest.code import bounded_context_of, package_of
from core.plain_text import clip
from core.schema import Claim, CodeLocation, Hypothesis

__all__ = ["offline_reply"]


def offline_reply(view: DebateView) -> AgentReply:
    """Map the failing code onto the domain and say who owns it and what it breaks."""
    ctx, lang = view.context, view.language
    top = ctx.top_group
    if top is None or not top.frames:
        return AgentReply(
            summary=say(lang, "Without in-app frames I cannot place the failure in the domain.",
                        "没有业务代码帧，无法在领域模型中定位故障。"),
            confidence=0.1,
        )
    frame = top.frames[0]
    design = next((e for e in ctx.evidence if e.kind == "design" and e.source.startswith("package:")), None)
    claims: list[Claim] = []
    if ctx.bounded_context and design:
        claims.append(Claim(
            text=say(lang, "{cls} belongs to the '{bc}' bounded context ({layer} layer).",
                     "{cls} 属于“{bc}”限界上下文（{layer} 层）。",
                     cls=frame.class_name.rsplit(".", 1)[-1], bc=ctx.bounded_context, layer=frame.layer or "?"),
            citations=[design.id],
        ))
    entry = ctx.entry_point
    if entry and entry is not frame and entry.evidence_id:
        claims.append(Claim(
            text=say(lang,
                     "Requests enter through {sym} ({layer} layer); every call of it that reaches {inner} can fail.",
                     "请求经由 {sym}（{layer} 层）进入；所有到达 {inner} 的调用都可能失败。",
                     sym=entry.symbol, layer=entry.layer or "?", inner=frame.symbol),
            citations=[entry.evidence_id],
        ))
        entry_context = bounded_context_of(package_of(entry.class_name))
        if entry_context and ctx.bounded_context and entry_context != ctx.bounded_context:
            claims.append(Claim(
                text=say(lang, "The failure crosses bounded contexts: {a} calls into {b} inside one request.",
                         "故障跨越限界上下文：{a} 在同一请求内调用 {b}。",
                         a=entry_context, b=ctx.bounded_context),
                citations=[c for c in (entry.evidence_id, frame.evidence_id) if c],
            ))
    by_id = {e.id: e for e in ctx.evidence}
    for evidence_id in ctx.design_evidence[:4]:
        ref = by_id.get(evidence_id)
        if ref is None:
            continue
        claims.append(Claim(
            text=say(lang, "The design says ({src}): {t}", "设计文档（{src}）：{t}", src=ref.source,
                     t=evidence_text(ref, lang)[:200]),
            citations=[evidence_id],
        ))
    if ctx.blast and ctx.blast_evidence_id:
        claims.append(Claim(
            text=say(lang, "Blast radius: {apis} API operation(s) reach this aggregate ({a}); it persists to {t}.",
                     "影响范围：{apis} 个 API 操作会到达该聚合（{a}）；它持久化到 {t}。",
                     apis=len(ctx.blast.apis), a=", ".join(ctx.blast.apis[:3]),
                     t=", ".join(ctx.blast.tables[:3]) or "?"),
            citations=[ctx.blast_evidence_id],
        ))
    edge = [e for e in (ctx.runtime.endpoints if ctx.runtime else []) if e.source == "access_log" and e.evidence_id]
    if edge:
        first, others = edge[0], edge[1:4]
        text = say(lang, "Users saw it at the edge ({svc}): {ep} answered 5xx for {a} → {b} of requests.",
                   "用户在入口处（{svc}）已感知：{ep} 的 5xx 比例 {a} → {b}。", svc=first.service, ep=first.endpoint,
                   a=share(first.error_rate_before), b=share(first.error_rate_after))
        if others:
            text += " " + say(lang, "Slower too: {eps}.", "同时变慢的接口：{eps}。", eps=", ".join(
                f"{e.endpoint} p99 {duration(e.p99_before_ms)} → {duration(e.p99_after_ms)}" for e in others))
        claims.append(Claim(text=text, citations=[e.evidence_id for e in edge[:4] if e.evidence_id]))
    if ctx.owner and ctx.owner.evidence_id:
        claims.append(Claim(
            text=say(lang, "{path} is owned by {team}.", "{path} 的负责团队是 {team}。", path=ctx.owner.path,
                     team=ctx.owner.team),
            citations=[ctx.owner.evidence_id],
        ))
    cites = [c for c in (design.id if design else None, frame.evidence_id, entry.evidence_id if entry else None) if c]
    hypothesis = Hypothesis(
        id="HD1",
        title=say(lang, "Failure in the {bc} context's {layer} layer", "{bc} 上下文 {layer} 层的故障",
                  bc=ctx.bounded_context or "?", layer=frame.layer or "?"),
        statement=say(lang, "{sym} in the '{bc}' context fails and takes {entry} down with it.",
                      "“{bc}”上下文中的 {sym} 出错，并拖垮了 {entry}。",
                      sym=frame.symbol, bc=ctx.bounded_context or "?", entry=entry.symbol if entry else "?"),
        location=CodeLocation(file=frame.path or frame.file_name, line=frame.line, symbol=frame.symbol),
        citations=cites, confidence=0.5 if ctx.owner else 0.4,
    )
    past = [
        Hypothesis(
            id=f"HP{i}", title=say(lang, "Like past incident {id}", "与历史事件 {id} 相似", id=case.id),
            statement=say(lang,
                          "{id} (“{t}”) had this root cause: “{rc}” — re-check it against this incident's evidence.",
                          "{id}（“{t}”）的根因是：“{rc}”——需要用本次证据重新核验。", id=case.id, t=clip(case.title, 80),
                          rc=clip(case.root_cause, 200)),
            citations=[top.evidence_id] if top.evidence_id else [], confidence=round(min(0.3, case.score * 0.3), 2),
        )
        for i, case in enumerate(ctx.similar_cases[:2], start=1)
    ]
    return AgentReply(
        summary=say(lang, "The failure sits in the '{bc}' context ({layer}), reached from {entry}; owner: {team}.",
                    "故障位于“{bc}”上下文（{layer} 层），入口是 {entry}；负责团队：{team}。",
                    bc=ctx.bounded_context or "?", layer=frame.layer or "?", entry=entry.symbol if entry else "?",
                    team=ctx.owner.team if ctx.owner else say(lang, "unknown", "未知")),
        claims=claims, hypotheses=[hypothesis, *past], confidence=hypothesis.confidence,
    )
