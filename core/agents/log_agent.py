"""LogAgent: the runtime symptoms — which error, since when, how loud, and what is only noise."""

from __future__ import annotations

from core.agents.base import AgentReply, DebateView
from core.fusion.ledger import evidence_text
from core.fusion.runtime_rules import unit_label
from core.i18n import text
from core.schema import Claim, Hypothesis

__all__ = ["offline_reply"]


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def offline_reply(view: DebateView) -> AgentReply:
    """Read error groups, the onset and the noise; propose where the failure surfaces."""
    ctx, lang = view.context, view.language
    top = ctx.top_group
    if top is None:
        return AgentReply(
            summary=text("log_agent.no_stack_summary", lang),
            claims=[Claim(text=text("log_agent.no_stack_claim", lang),
                          citations=[e.id for e in ctx.evidence if e.kind == "log_burst"][:1])],
            confidence=0.1,
        )
    claims = [Claim(
        text=text("log_agent.dominant_error", lang, n=top.count, exc=_short(top.exc_type), root=_short(top.root_type),
                  msg=top.root_message[:120]),
        citations=[top.evidence_id or ""],
    )]
    confidence = 0.45
    if (b := ctx.burst) and b.evidence_id:
        claims.append(Claim(
            text=text("log_agent.error_jump", lang, a=b.baseline_per_min, b=b.after_per_min, m=b.minutes_before_start,
                      k=top.before_onset),
            citations=[b.evidence_id, top.evidence_id or ""],
        ))
        confidence += 0.15
    by_id = {e.id: e for e in ctx.evidence}
    for evidence_id in ctx.template_bursts[:2]:
        if ref := by_id.get(evidence_id):
            claims.append(Claim(
                text=text("log_agent.template_changed", lang, t=evidence_text(ref, lang)[:200]),
                citations=[evidence_id],
            ))
    for noise in ctx.noise:
        claims.append(Claim(
            text=text("log_agent.noise", lang, lvl=noise.level, tpl=noise.template[:80], n=noise.count,
                      a=noise.rate_before, b=noise.rate_after),
            citations=[noise.evidence_id or ""],
        ))
    claims += _runtime_claims(view)
    hypotheses = []
    frame = top.frames[0] if top.frames else None
    if frame:
        claims.append(Claim(
            text=text("log_agent.trace_share", lang, share=frame.share, sym=frame.symbol, file=frame.file_name,
                      line=frame.line),
            citations=[frame.evidence_id or ""],
        ))
        confidence += 0.1 if frame.share >= 0.8 else 0.0
        hypotheses.append(Hypothesis(
            id="HL1",
            title=text("log_agent.hypothesis_title", lang, root=_short(top.root_type), sym=frame.symbol),
            statement=text("log_agent.hypothesis_statement", lang, exc=_short(top.exc_type), sym=frame.symbol,
                           file=frame.file_name, line=frame.line),
            location={"file": frame.path or frame.file_name, "line": frame.line, "symbol": frame.symbol},  # type: ignore[arg-type]
            citations=[c for c in (top.evidence_id, frame.evidence_id,
                                   ctx.burst.evidence_id if ctx.burst else None) if c],
            confidence=round(min(confidence, 0.8), 2),
        ))
    return AgentReply(
        summary=text("log_agent.summary_with_noise", lang, n=top.count, root=_short(top.root_type),
                     sym=frame.symbol if frame else "?")
        if ctx.noise else
        text("log_agent.summary", lang, n=top.count, root=_short(top.root_type), sym=frame.symbol if frame else "?"),
        claims=claims, hypotheses=hypotheses, confidence=round(min(confidence, 0.8), 2),
    )


def _ms(value: float | None) -> str:
    return "?" if value is None else f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"


def _runtime_claims(view: DebateView) -> list[Claim]:
    """What metrics, slow SQL and traces say, including what did not move (negative evidence)."""
    runtime, lang = view.context.runtime, view.language
    if runtime is None:
        return []
    claims = []
    for a in runtime.anomalies[:3]:
        claims.append(Claim(
            text=text("log_agent.metric_moved", lang, m=a.metric,
                      d=text("log_agent.metric_up" if a.direction == "up" else "log_agent.metric_down", lang),
                      b=round(a.baseline, 2), p=round(a.peak, 2), u=f" {unit_label(a.unit, lang)}" if a.unit else ""),
            citations=[a.evidence_id or ""],
        ))
    for u in runtime.unchanged[:2]:
        claims.append(Claim(
            text=text("log_agent.metric_unchanged", lang, m=u.metric),
            citations=[u.evidence_id or ""],
        ))
    if runtime.slow_queries:
        q = runtime.slow_queries[0]
        claims.append(Claim(
            text=text("log_agent.slow_statement", lang, k=q.statement_kind.upper(),
                      fu=" … FOR UPDATE" if q.for_update else "", t=", ".join(q.tables) or "?", n=q.n_after,
                      l=_ms(q.lock_p95_after_ms)),
            citations=[q.evidence_id or ""],
        ))
    if runtime.traces:
        tr = runtime.traces[0]
        claims.append(Claim(
            text=text("log_agent.slowest_trace", lang, e=tr.endpoint, s=_ms(tr.hot_self_ms), h=tr.hot_span),
            citations=[tr.evidence_id or ""],
        ))
    return [c for c in claims if c.citations != [""]]
