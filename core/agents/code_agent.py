"""CodeAgent: from the failing frames into the code and its history — which change, if any, explains it."""

from __future__ import annotations

from core.agents.base import AgentReply, DebateView
from core.agents.failure_modes import classify
from core.fusion.facts import ChangeCandidate, FrameFinding
from core.fusion.link_words import link_kind, link_said
from core.i18n import text
from core.schema import Claim, CodeLocation, Hypothesis

__all__ = ["change_location", "offline_reply"]


def change_location(change: ChangeCandidate, frames: list[FrameFinding]) -> CodeLocation | None:
    """Where a change explains the symptoms: the code its strongest placed link points at."""
    link = change.location_link
    if link is None or not link.path:
        return None
    frame = next((f for f in frames if f.path == link.path and f.symbol == link.symbol), None)
    line = frame.line if frame and link.kind == "frame_line" else (link.line or (frame.line if frame else 1))
    symbol = link.symbol or (frame.symbol if frame else "") or link.path.rsplit("/", 1)[-1]
    return CodeLocation(file=link.path, line=max(1, int(line or 1)), symbol=symbol)


def _link_cites(change: ChangeCandidate) -> list[str]:
    return [c for c in [change.evidence_id, *(lk.evidence_id for lk in change.links)] if c]


def _kind(kind: str, lang: str) -> str:
    return link_kind(kind, lang)


def _strongest(change: ChangeCandidate, lang: str) -> str:
    """What a change's strongest link says (empty when it has none)."""
    if not change.links:
        return ""
    link = max(change.links, key=lambda lk: lk.strength)
    return link_said(link.kind, link.path, link.line, "zh") if lang == "zh" else link.text[:160]


def offline_reply(view: DebateView) -> AgentReply:
    """Rank the changes before the onset by what they explain; fall back on the failing code alone."""
    ctx, lang = view.context, view.language
    top = ctx.top_group
    frames = [f for f in (top.frames if top else []) if not f.is_test] or (top.frames if top else [])
    if not ctx.repo_available:
        return AgentReply(
            summary=text("code_agent.no_repo_summary", lang),
            claims=[Claim(text=text("code_agent.no_repo_claim", lang),
                          citations=[top.evidence_id] if top and top.evidence_id else [])],
            confidence=0.1,
        )
    claims: list[Claim] = []
    for frame in frames[:3]:
        if frame.evidence_id:
            why = text("code_agent.why_separator", lang).join(frame.why_zh[:2] if lang == "zh" else frame.why[:2])
            claims.append(Claim(
                text=text("code_agent.location_candidate", lang, n=frame.position + 1, sym=frame.symbol,
                          file=frame.path or frame.file_name, line=frame.line,
                          why=text("code_agent.location_why", lang, w=why) if why else ""),
                citations=[c for c in (frame.evidence_id, frame.blame_evidence_id) if c]))
    mode = classify(ctx)
    guilty = [c for c in ctx.suspects if c.guilty]
    hypotheses: list[Hypothesis] = []
    confidence = 0.25
    if guilty:
        best = guilty[0]
        where = change_location(best, frames)
        deploy = next((d for d in ctx.deploys if best.sha in d.contains and d.evidence_id), None)
        cites = _link_cites(best) + ([deploy.evidence_id] if deploy and deploy.evidence_id else [])
        confidence = min(0.9, 0.35 + 0.5 * best.score + (0.05 if deploy else 0.0))
        for link in sorted(best.links, key=lambda lk: -lk.strength)[:3]:
            if link.evidence_id:
                claims.append(Claim(text=text("code_agent.change_link_claim", lang, sha=best.sha[:8],
                                              t=link.text[:220] if lang != "zh"
                                              else link_said(link.kind, link.path, link.line, "zh")),
                                    citations=[link.evidence_id]))
        if deploy:
            claims.append(Claim(
                text=text("code_agent.release_shipped", lang, tag=deploy.tag, m=deploy.minutes_before_start),
                citations=[deploy.evidence_id or ""]))
        if where:
            hypotheses.append(Hypothesis(
                id="HC1",
                title=text("code_agent.change_title", lang, sha=best.sha[:8]),
                statement=text("code_agent.change_statement", lang, sha=best.sha[:8], who=best.author,
                               msg=best.message[:80], file=where.file, line=where.line, sym=where.symbol or "?",
                               n=len(best.links), k=_kind(best.match, lang)),
                location=where, commit_sha=best.sha, citations=cites, confidence=round(confidence, 2)))
    weak = [c for c in ctx.suspects if not c.guilty][:2]
    for i, other in enumerate(weak, start=2):
        claims.append(Claim(
            text=text("code_agent.weak_change_claim", lang, sha=other.sha[:8], who=other.author, s=other.score,
                      t=_strongest(other, lang)),
            citations=_link_cites(other)[:2]))
        hypotheses.append(Hypothesis(
            id=f"HC{i}", title=text("code_agent.weak_change_title", lang, sha=other.sha[:8]),
            statement=text("code_agent.weak_change_statement", lang, sha=other.sha[:8],
                           files=", ".join(other.files[:3])[:120]),
            commit_sha=other.sha, citations=_link_cites(other)[:2], confidence=round(min(0.3, other.score * 0.5), 2)))
    if not guilty and frames:
        frame = frames[0]
        confidence = 0.3 + 0.2 * min(1.0, frame.score)
        claims.append(Claim(
            text=text("code_agent.no_change_convicted", lang, d=30),
            citations=[c for c in (frame.evidence_id, frame.blame_evidence_id) if c]))
        hypotheses.append(Hypothesis(
            id="HC1",
            title=text("code_agent.own_code_title", lang, sym=frame.symbol),
            statement=text("code_agent.own_code_statement", lang, sym=frame.symbol, file=frame.path or frame.file_name,
                           line=frame.line, mech=mode.mechanism(lang)),
            location=CodeLocation(file=frame.path or frame.file_name, line=frame.line, symbol=frame.symbol),
            citations=[c for c in (frame.evidence_id, top.evidence_id if top else None) if c],
            confidence=round(confidence, 2)))
    summary = (
        text("code_agent.summary_change", lang, sha=guilty[0].sha[:8], k=_kind(guilty[0].match, lang))
        if guilty else
        text("code_agent.summary_no_change", lang, sym=frames[0].symbol if frames else "?")
    )
    return AgentReply(summary=summary, claims=claims, hypotheses=hypotheses, confidence=round(min(confidence, 0.9), 2))
