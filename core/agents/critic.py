"""CriticAgent: attack the leading hypothesis — timing, alternatives, coverage, unsupported claims."""

from __future__ import annotations

from core.agents.base import AgentReply, DebateView
from core.agents.failure_modes import classify
from core.i18n import text
from core.schema import Challenge

__all__ = ["challenge_kind", "offline_reply"]


def challenge_kind(view: DebateView, challenge_id: str) -> str:
    """The kind of the challenge `challenge_id` raised in this debate (its own field, not its id)."""
    for turn in reversed(view.turns):
        for challenge in turn.challenges:
            if challenge.id == challenge_id:
                return challenge.kind
    return Challenge(id=challenge_id, target="*", text="").kind


def _first_round(view: DebateView) -> list[Challenge]:
    ctx, lang, r = view.context, view.language, view.round
    lead = view.leading()
    found: list[Challenge] = []
    if lead is None:
        return [Challenge(id=f"C{r}-no-location", kind="no-location", target="*",
                          citations=[e.id for e in ctx.evidence[:1]],
                          text=text("critic.no_location", lang))]
    suspect = next((s for s in ctx.suspects if s.sha == lead.commit_sha), None)
    if suspect is None:
        found.append(Challenge(id=f"C{r}-no-commit", kind="no-commit", target=lead.id, citations=lead.citations[:2],
                               text=text("critic.no_commit", lang, h=lead.id)))
    elif ctx.burst and suspect.minutes_before_start < ctx.burst.minutes_before_start:
        found.append(Challenge(id=f"C{r}-contradiction", kind="contradiction", target=lead.id,
                               citations=[c for c in (suspect.evidence_id, ctx.burst.evidence_id) if c],
                               text=text("critic.contradiction", lang, sha=suspect.sha[:8])))
    else:
        found.append(Challenge(id=f"C{r}-timing", kind="timing", target=lead.id,
                               citations=[c for c in (suspect.evidence_id,
                                                      ctx.burst.evidence_id if ctx.burst else None) if c],
                               text=text("critic.timing", lang, sha=suspect.sha[:8])))
        closer = [s for s in ctx.suspects if s.sha != suspect.sha
                  and s.minutes_before_start < suspect.minutes_before_start and s.score >= 0.5 * suspect.score]
        if closer:
            c = closer[0]
            found.append(Challenge(id=f"C{r}-closer-commit", kind="closer-commit", target=lead.id,
                                   citations=[c.evidence_id or ""],
                                   text=text("critic.closer_commit", lang, sha=c.sha[:8], who=c.author,
                                             m=c.minutes_before_start, k=c.match.replace("_", " "))))
    for noise in ctx.noise[:1]:
        found.append(Challenge(id=f"C{r}-noise", kind="noise", target=lead.id, citations=[noise.evidence_id or ""],
                               text=text("critic.noise", lang, n=noise.count, lvl=noise.level,
                                         tpl=noise.template[:60])))
    top = ctx.top_group
    if top and classify(ctx).mode.external:
        found.append(Challenge(id=f"C{r}-external", kind="external", target=lead.id, citations=[top.evidence_id or ""],
                               text=text("critic.external", lang, root=top.root_type.rsplit(".", 1)[-1])))
    frame = top.frames[0] if top and top.frames else None
    if frame and frame.share < 0.7:
        found.append(Challenge(id=f"C{r}-coverage", kind="coverage", target=lead.id,
                               citations=[frame.evidence_id or ""],
                               text=text("critic.coverage", lang, s=frame.share, sym=frame.symbol)))
    return found


def _unsupported(view: DebateView) -> list[Challenge]:
    """Every claim the orchestrator flagged (no citation, unknown id) must be attacked."""
    lang, r = view.language, view.round
    previous = view.last("CriticAgent")
    since = [t for t in view.turns if previous is None or t.seq > previous.seq]
    out = []
    for turn in since:
        for i, claim in enumerate(c for c in turn.claims if not c.valid):
            out.append(Challenge(id=f"C{r}-citation{turn.seq}.{i}", kind="citation", target=turn.agent, citations=[],
                                 text=text("critic.citation", lang, a=turn.agent, t=claim.text[:100],
                                           p="; ".join(claim.problems))))
    return out


def _human(view: DebateView) -> list[Challenge]:
    previous = view.last("CriticAgent")
    cutoff = previous.finished_at if previous else None
    out = []
    for i, item in enumerate(view.interventions):
        # A question is answered by the agent it is addressed to (core.agents.questions), not debated.
        if item.kind in ("note", "evidence") and (cutoff is None or item.at > cutoff):
            cites = [item.target] if item.kind == "evidence" and item.target else []
            out.append(Challenge(id=f"C{view.round}-human{i}", kind="human", target=item.target or "*", citations=cites,
                                 text=text("critic.human", view.language, t=item.text[:200])))
    return out


def offline_reply(view: DebateView) -> AgentReply:
    """Raise challenges; from round 2 on, only those the rebuttal left open, as gaps unless contradictory."""
    lang = view.language
    lead = view.leading()
    rebuttal = view.last("RebuttalAgent")
    if rebuttal is None:
        challenges = _first_round(view)
    else:
        challenges = []
        for answer in rebuttal.answers:
            if answer.verdict in ("resolved", "answered"):  # "answered": a human's question, not a challenge
                continue
            kind = challenge_kind(view, answer.challenge_id)
            blocking = kind in ("contradiction", "no-location")
            challenges.append(Challenge(
                id=f"C{view.round}-{answer.challenge_id.split('-', 1)[-1]}", kind=kind, target=lead.id if lead else "*",
                citations=answer.citations,
                material=blocking,
                text=text("critic.still_open" if blocking else "critic.known_gap", lang, t=answer.text[:200]),
            ))
    challenges += _unsupported(view) + _human(view)
    material = [c for c in challenges if c.material]
    gaps = len(challenges) - len(material)
    base = lead.confidence if lead else 0.2
    confidence = max(0.05, min(0.95, base - 0.08 * len(material) - 0.03 * gaps))
    consensus = not material and rebuttal is not None
    if consensus:
        summary = text("critic.summary_consensus", lang, h=lead.id if lead else "?", g=gaps)
    else:
        summary = text("critic.summary_material", lang, n=len(material), h=lead.id if lead else "?")
    return AgentReply(summary=summary, challenges=challenges, confidence=round(confidence, 2), consensus=consensus)
