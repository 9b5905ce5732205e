"""DomainAgent: where the failure sits in the design — bounded context, layer, entry point, owner."""

from __future__ import annotations

from core.agents.base import AgentReply, DebateView
from core.fusion.ledger import evidence_text
from core.fusion.runtime_rules import duration, share
from core.i18n import text
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
            summary=text("domain_agent.no_in_app_frames", lang),
            confidence=0.1,
        )
    frame = top.frames[0]
    design = next((e for e in ctx.evidence if e.kind == "design" and e.source.startswith("package:")), None)
    claims: list[Claim] = []
    if ctx.bounded_context and design:
        claims.append(Claim(
            text=text("domain_agent.bounded_context", lang, cls=frame.class_name.rsplit(".", 1)[-1],
                      bc=ctx.bounded_context, layer=frame.layer or "?"),
            citations=[design.id],
        ))
    entry = ctx.entry_point
    if entry and entry is not frame and entry.evidence_id:
        claims.append(Claim(
            text=text("domain_agent.entry_point", lang, sym=entry.symbol, layer=entry.layer or "?", inner=frame.symbol),
            citations=[entry.evidence_id],
        ))
        entry_context = bounded_context_of(package_of(entry.class_name))
        if entry_context and ctx.bounded_context and entry_context != ctx.bounded_context:
            claims.append(Claim(
                text=text("domain_agent.crosses_contexts", lang, a=entry_context, b=ctx.bounded_context),
                citations=[c for c in (entry.evidence_id, frame.evidence_id) if c],
            ))
    by_id = {e.id: e for e in ctx.evidence}
    for evidence_id in ctx.design_evidence[:4]:
        ref = by_id.get(evidence_id)
        if ref is None:
            continue
        claims.append(Claim(
            text=text("domain_agent.design_says", lang, src=ref.source, t=evidence_text(ref, lang)[:200]),
            citations=[evidence_id],
        ))
    if ctx.blast and ctx.blast_evidence_id:
        claims.append(Claim(
            text=text("domain_agent.blast_radius", lang, apis=len(ctx.blast.apis), a=", ".join(ctx.blast.apis[:3]),
                      t=", ".join(ctx.blast.tables[:3]) or "?"),
            citations=[ctx.blast_evidence_id],
        ))
    edge = [e for e in (ctx.runtime.endpoints if ctx.runtime else []) if e.source == "access_log" and e.evidence_id]
    if edge:
        first, others = edge[0], edge[1:4]
        seen = text("domain_agent.edge_errors", lang, svc=first.service, ep=first.endpoint,
                    a=share(first.error_rate_before), b=share(first.error_rate_after))
        if others:
            seen += " " + text("domain_agent.edge_slower", lang, eps=", ".join(
                f"{e.endpoint} p99 {duration(e.p99_before_ms)} → {duration(e.p99_after_ms)}" for e in others))
        claims.append(Claim(text=seen, citations=[e.evidence_id for e in edge[:4] if e.evidence_id]))
    if ctx.owner and ctx.owner.evidence_id:
        claims.append(Claim(
            text=text("domain_agent.owner", lang, path=ctx.owner.path, team=ctx.owner.team),
            citations=[ctx.owner.evidence_id],
        ))
    cites = [c for c in (design.id if design else None, frame.evidence_id, entry.evidence_id if entry else None) if c]
    hypothesis = Hypothesis(
        id="HD1",
        title=text("domain_agent.hypothesis_title", lang, bc=ctx.bounded_context or "?", layer=frame.layer or "?"),
        statement=text("domain_agent.hypothesis_statement", lang, sym=frame.symbol, bc=ctx.bounded_context or "?",
                       entry=entry.symbol if entry else "?"),
        location=CodeLocation(file=frame.path or frame.file_name, line=frame.line, symbol=frame.symbol),
        citations=cites, confidence=0.5 if ctx.owner else 0.4,
    )
    past = [
        Hypothesis(
            id=f"HP{i}", title=text("domain_agent.past_case_title", lang, id=case.id),
            statement=text("domain_agent.past_case_statement", lang, id=case.id, t=clip(case.title, 80),
                           rc=clip(case.root_cause, 200)),
            citations=[top.evidence_id] if top.evidence_id else [], confidence=round(min(0.3, case.score * 0.3), 2),
        )
        for i, case in enumerate(ctx.similar_cases[:2], start=1)
    ]
    return AgentReply(
        summary=text("domain_agent.summary", lang, bc=ctx.bounded_context or "?", layer=frame.layer or "?",
                     entry=entry.symbol if entry else "?",
                     team=ctx.owner.team if ctx.owner else text("domain_agent.owner_unknown", lang)),
        claims=claims, hypotheses=[hypothesis, *past], confidence=hypothesis.confidence,
    )
