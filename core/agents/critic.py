"""CriticAgent: attack the leading hypothesis — timing, alternatives, coverage, unsupported claims."""

from __future__ import annotations

from core.agents.base import AgentReply, DebateView, say
from core.agents.failure_modes import classify
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
                          text=say(lang, "No hypothesis names a code location; the ruling would rest on symptoms only.",
                                   "没有任何假设给出代码位置；裁决只能基于症状。"))]
    suspect = next((s for s in ctx.suspects if s.sha == lead.commit_sha), None)
    if suspect is None:
        found.append(Challenge(id=f"C{r}-no-commit", kind="no-commit", target=lead.id, citations=lead.citations[:2],
                               text=say(lang,
                                        "{h} names no change. What changed right before the start — code, config, "
                                        "data or load?",
                                        "{h} 没有指出任何变更。故障前到底变了什么——代码、配置、数据还是负载？",
                                        h=lead.id)))
    elif ctx.burst and suspect.minutes_before_start < ctx.burst.minutes_before_start:
        found.append(Challenge(id=f"C{r}-contradiction", kind="contradiction", target=lead.id,
                               citations=[c for c in (suspect.evidence_id, ctx.burst.evidence_id) if c],
                               text=say(lang,
                                        "{sha} landed after the errors had already begun; it cannot be their cause.",
                                        "{sha} 在错误开始之后才提交，不可能是原因。", sha=suspect.sha[:8])))
    else:
        found.append(Challenge(id=f"C{r}-timing", kind="timing", target=lead.id,
                               citations=[c for c in (suspect.evidence_id,
                                                      ctx.burst.evidence_id if ctx.burst else None) if c],
                               text=say(lang,
                                        "A commit is not a deploy. Show that {sha} was live in production before the "
                                        "error onset.",
                                        "提交不等于上线。请证明 {sha} 在错误突增前已经部署到生产。",
                                        sha=suspect.sha[:8])))
        closer = [s for s in ctx.suspects if s.sha != suspect.sha
                  and s.minutes_before_start < suspect.minutes_before_start and s.score >= 0.5 * suspect.score]
        if closer:
            c = closer[0]
            found.append(Challenge(id=f"C{r}-closer-commit", kind="closer-commit", target=lead.id,
                                   citations=[c.evidence_id or ""],
                                   text=say(lang,
                                            "{sha} by {who} landed closer to the start ({m:.0f} min before) "
                                            "and is linked to the symptoms too ({k}). Why not that one?",
                                            "{who} 的 {sha} 离开始时间更近（提前 {m:.0f} "
                                            "分钟），也与症状有关联（{k}）。为什么不是它？",
                                            sha=c.sha[:8], who=c.author, m=c.minutes_before_start,
                                            k=c.match.replace("_", " "))))
    for noise in ctx.noise[:1]:
        found.append(Challenge(id=f"C{r}-noise", kind="noise", target=lead.id, citations=[noise.evidence_id or ""],
                               text=say(lang,
                                        "The logs are dominated by {n}× {lvl} “{tpl}”. Could that be the real trigger?",
                                        "日志被 {n} 次 {lvl}“{tpl}”刷屏，它会不会才是真正的诱因？",
                                        n=noise.count, lvl=noise.level, tpl=noise.template[:60])))
    top = ctx.top_group
    if top and classify(ctx).mode.external:
        found.append(Challenge(id=f"C{r}-external", kind="external", target=lead.id, citations=[top.evidence_id or ""],
                               text=say(lang,
                                        "{root} can come from a degraded database or downstream. Is this code the "
                                        "cause, or a victim?",
                                        "{root} 也可能源于数据库或下游退化。这段代码是原因还是受害者？",
                                        root=top.root_type.rsplit(".", 1)[-1])))
    frame = top.frames[0] if top and top.frames else None
    if frame and frame.share < 0.7:
        found.append(Challenge(id=f"C{r}-coverage", kind="coverage", target=lead.id,
                               citations=[frame.evidence_id or ""],
                               text=say(lang, "Only {s:.0%} of the traces pass through {sym}; what explains the rest?",
                                        "只有 {s:.0%} 的堆栈经过 {sym}，其余的如何解释？", s=frame.share,
                                        sym=frame.symbol)))
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
                                 text=say(lang, "{a} claimed “{t}” but {p}. Withdraw it or cite the ledger.",
                                          "{a} 声称“{t}”，但{p}。请撤回或引用证据账本。",
                                          a=turn.agent, t=claim.text[:100], p="; ".join(claim.problems))))
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
                                 text=say(view.language, "A human asks the panel to address: “{t}”.",
                                          "人类要求辩论方回应：“{t}”。",
                                          t=item.text[:200])))
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
                text=say(lang, "Still open: {t}", "仍未解决：{t}", t=answer.text[:200]) if blocking else
                say(lang, "Accepted as a known gap, to be stated in the ruling: {t}",
                    "作为已知缺口接受，需在裁决中说明：{t}", t=answer.text[:200]),
            ))
    challenges += _unsupported(view) + _human(view)
    material = [c for c in challenges if c.material]
    gaps = len(challenges) - len(material)
    base = lead.confidence if lead else 0.2
    confidence = max(0.05, min(0.95, base - 0.08 * len(material) - 0.03 * gaps))
    consensus = not material and rebuttal is not None
    if consensus:
        summary = say(lang, "No material objection left to {h}; {g} known gap(s) go to the judge.",
                      "对 {h} 已无实质性异议；{g} 个已知缺口提交给法官。", h=lead.id if lead else "?", g=gaps)
    else:
        summary = say(lang, "{n} material challenge(s) to {h}.", "对 {h} 提出 {n} 项实质性质疑。", n=len(material),
                      h=lead.id if lead else "?")
    return AgentReply(summary=summary, challenges=challenges, confidence=round(confidence, 2), consensus=consensus)
