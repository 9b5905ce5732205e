"""RebuttalAgent: answer each challenge with evidence from the ledger, or concede it."""

from __future__ import annotations

from collections.abc import Sequence

from core.agents.base import AgentReply, DebateView
from core.fusion.link_words import link_said
from core.i18n import text
from core.schema import Answer, Challenge, Hypothesis

__all__ = ["offline_reply"]


def _answer(view: DebateView, challenge: Challenge, lead: Hypothesis | None) -> tuple[Answer, list[Hypothesis]]:
    ctx, lang = view.context, view.language
    kind = challenge.kind
    suspect = next((s for s in ctx.suspects if lead and s.sha == lead.commit_sha and s.guilty), None)
    burst = ctx.burst
    updated: list[Hypothesis] = []

    def answer(verdict: str, wording: str, cites: Sequence[str | None]) -> Answer:
        return Answer(challenge_id=challenge.id, verdict=verdict, text=wording, citations=[c for c in cites if c])  # type: ignore[arg-type]

    if kind == "timing" and suspect:
        deploy = next((d for d in ctx.deploys if suspect.sha in d.contains), None)
        if deploy and (burst is None or deploy.minutes_before_start >= burst.minutes_before_start):
            return answer("resolved", text("rebuttal.timing_deployed", lang, tag=deploy.tag, sha=suspect.sha[:8],
                                           m=deploy.minutes_before_start,
                                           o=burst.minutes_before_start if burst else 0.0),
                          [deploy.evidence_id, burst.evidence_id if burst else None]), updated
        return answer("open", text("rebuttal.timing_no_release", lang, sha=suspect.sha[:8]),
                      [suspect.evidence_id, burst.evidence_id if burst else None]), updated
    if kind == "closer-commit" and lead:
        other_sha = next((s.sha for s in ctx.suspects if s.evidence_id in challenge.citations), None)
        other = next((s for s in ctx.suspects if s.sha == other_sha), None)
        if other and suspect and suspect.score > other.score:
            for hyp in view.hypotheses():
                if hyp.commit_sha == other.sha and hyp.status != "rejected":
                    updated.append(hyp.model_copy(update={"status": "rejected", "reason": text(
                        "rebuttal.closer_commit_rejected", lang, a=other.score, b=suspect.score)}))
            strongest = max(suspect.links, key=lambda lk: lk.strength)
            return answer("resolved", text("rebuttal.closer_commit_weaker", lang, o=other.sha[:8], a=other.score,
                                           sha=suspect.sha[:8], b=suspect.score,
                                           t=strongest.text[:160] if lang != "zh"
                                           else link_said(strongest.kind, strongest.path, strongest.line, "zh")),
                          [strongest.evidence_id, other.evidence_id]), updated
    if kind == "noise" and ctx.noise:
        n = ctx.noise[0]
        return answer("resolved", text("rebuttal.noise_steady", lang, lvl=n.level, a=n.rate_before, b=n.rate_after),
                      [n.evidence_id, burst.evidence_id if burst else None]), updated
    if kind == "external":
        rt = ctx.runtime
        sql_link = next((lk for lk in (suspect.links if suspect else []) if lk.kind in ("sql", "config", "dependency")),
                        None)
        new_query = next((q for q in (rt.slow_queries if rt else []) if q.n_before == 0), None)
        flat = [u for u in (rt.unchanged if rt else []) if u.evidence_id]
        if suspect and sql_link:
            parts = [sql_link.text[:200] if lang != "zh" else link_said(sql_link.kind, sql_link.path, sql_link.line,
                                                                         "zh")]
            if new_query:
                parts.append(text("rebuttal.external_new_query", lang, k=new_query.statement_kind.upper(),
                                  t=", ".join(new_query.tables) or "?"))
            return answer("resolved", text("rebuttal.external_own_change", lang, p="; ".join(parts)),
                          [sql_link.evidence_id, new_query.evidence_id if new_query else None,
                           suspect.evidence_id]), updated
        if flat and suspect:
            return answer("resolved", text("rebuttal.external_flat_metrics", lang,
                                           m=", ".join(u.metric for u in flat[:2]), sha=suspect.sha[:8]),
                          [flat[0].evidence_id, suspect.evidence_id]), updated
        return answer("open", text("rebuttal.external_unknown", lang),
                      [suspect.evidence_id if suspect else None, burst.evidence_id if burst else None]), updated
    if kind.startswith("citation"):
        return answer("conceded", text("rebuttal.citation_conceded", lang), []), updated
    if kind == "coverage":
        return answer("open", text("rebuttal.coverage_conceded", lang), challenge.citations), updated
    return answer("open", text("rebuttal.stays_open", lang), challenge.citations), updated


def offline_reply(view: DebateView) -> AgentReply:
    """Answer the critic's latest challenges; re-score the leading hypothesis by what survived."""
    lang = view.language
    critic = view.last("CriticAgent")
    lead = view.leading()
    answers, updated = [], []
    for challenge in critic.challenges if critic else []:
        ans, changed = _answer(view, challenge, lead)
        answers.append(ans)
        updated.extend(changed)
    resolved = sum(a.verdict == "resolved" for a in answers)
    still_open = sum(a.verdict == "open" for a in answers)
    confidence = lead.confidence if lead else 0.2
    confidence = max(0.05, min(0.95, confidence + 0.04 * resolved - 0.04 * still_open))
    if lead:
        updated.append(lead.model_copy(update={"status": "supported" if still_open == 0 else "challenged",
                                               "confidence": round(confidence, 2)}))
    return AgentReply(
        summary=text("rebuttal.summary", lang, r=resolved, n=len(answers), o=still_open),
        answers=answers, hypotheses=updated, confidence=round(confidence, 2),
    )
