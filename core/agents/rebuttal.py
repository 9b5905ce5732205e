"""RebuttalAgent: answer each challenge with evidence from the ledger, or concede it."""

from __future__ import annotations

from collections.abc import Sequence

from core.agents.base import AgentReply, DebateView, say
from core.fusion.link_words import link_zh
from core.schema import Answer, Challenge, Hypothesis

__all__ = ["offline_reply"]


def _answer(view: DebateView, challenge: Challenge, lead: Hypothesis | None) -> tuple[Answer, list[Hypothesis]]:
    ctx, lang = view.context, view.language
    kind = challenge.kind
    suspect = next((s for s in ctx.suspects if lead and s.sha == lead.commit_sha and s.guilty), None)
    burst = ctx.burst
    updated: list[Hypothesis] = []

    def answer(verdict: str, text: str, cites: Sequence[str | None]) -> Answer:
        return Answer(challenge_id=challenge.id, verdict=verdict, text=text, citations=[c for c in cites if c])  # type: ignore[arg-type]

    if kind == "timing" and suspect:
        deploy = next((d for d in ctx.deploys if suspect.sha in d.contains), None)
        if deploy and (burst is None or deploy.minutes_before_start >= burst.minutes_before_start):
            return answer("resolved", say(
                lang,
                "Release {tag} shipped {sha} {m:.0f} min before the start; the errors began {o:.0f} min before the "
                "start, after it.",
                "发布 {tag} 在开始前 {m:.0f} 分钟上线了 {sha}；错误在开始前 {o:.0f} 分钟才出现，晚于发布。",
                tag=deploy.tag, sha=suspect.sha[:8], m=deploy.minutes_before_start,
                o=burst.minutes_before_start if burst else 0.0),
                          [deploy.evidence_id, burst.evidence_id if burst else None]), updated
        return answer("open", say(
            lang, "{sha} was committed before the onset, but no release marker proves when it went live.",
            "{sha} 的提交早于突增点，但没有发布标记能证明它何时上线。", sha=suspect.sha[:8]),
            [suspect.evidence_id, burst.evidence_id if burst else None]), updated
    if kind == "closer-commit" and lead:
        other_sha = next((s.sha for s in ctx.suspects if s.evidence_id in challenge.citations), None)
        other = next((s for s in ctx.suspects if s.sha == other_sha), None)
        if other and suspect and suspect.score > other.score:
            for hyp in view.hypotheses():
                if hyp.commit_sha == other.sha and hyp.status != "rejected":
                    updated.append(hyp.model_copy(update={"status": "rejected", "reason": say(
                        lang, "its links to the symptoms are weaker ({a:.2f} vs {b:.2f})",
                        "其与症状的关联更弱（{a:.2f} 对 {b:.2f}）",
                        a=other.score, b=suspect.score)}))
            strongest = max(suspect.links, key=lambda lk: lk.strength)
            return answer("resolved", say(
                lang, "{o} is tied to the symptoms less strongly ({a:.2f}) than {sha} ({b:.2f}), which {t}.",
                "{o} 与症状的关联（{a:.2f}）弱于 {sha}（{b:.2f}）：{t}。",
                o=other.sha[:8], a=other.score, sha=suspect.sha[:8], b=suspect.score,
                t=strongest.text[:160] if lang != "zh" else link_zh(strongest.kind, strongest.path, strongest.line)),
                [strongest.evidence_id, other.evidence_id]), updated
    if kind == "noise" and ctx.noise:
        n = ctx.noise[0]
        return answer("resolved", say(
            lang,
            "That {lvl} ran at {a}/min long before the onset and at {b}/min after it; a cause would change with "
            "the symptom.",
            "该 {lvl} 在突增前就以 {a}/分钟 持续出现，之后为 {b}/分钟；真正的原因会随症状一起变化。",
            lvl=n.level, a=n.rate_before, b=n.rate_after),
                      [n.evidence_id, burst.evidence_id if burst else None]), updated
    if kind == "external":
        rt = ctx.runtime
        sql_link = next((lk for lk in (suspect.links if suspect else []) if lk.kind in ("sql", "config", "dependency")),
                        None)
        new_query = next((q for q in (rt.slow_queries if rt else []) if q.n_before == 0), None)
        flat = [u for u in (rt.unchanged if rt else []) if u.evidence_id]
        if suspect and sql_link:
            parts = [sql_link.text[:200] if lang != "zh" else link_zh(sql_link.kind, sql_link.path, sql_link.line)]
            if new_query:
                parts.append(say(lang, "the {k} on {t} first appears after the onset", "{t} 上的 {k} 在突增后才出现",
                                 k=new_query.statement_kind.upper(), t=", ".join(new_query.tables) or "?"))
            return answer("resolved", say(
                lang, "The pressure comes from this application's own change: {p}.", "压力来自本应用自身的变更：{p}。",
                p="; ".join(parts)),
                          [sql_link.evidence_id, new_query.evidence_id if new_query else None,
                           suspect.evidence_id]), updated
        if flat and suspect:
            return answer("resolved", say(
                lang, "{m} did not move around the onset, and change {sha} is tied to the failing code; an outside "
                      "cause would show in them.",
                "{m} 在突增前后没有变化，而变更 {sha} 与出错代码直接关联；若是外部原因，这些指标会有变化。",
                m=", ".join(u.metric for u in flat[:2]), sha=suspect.sha[:8]),
                [flat[0].evidence_id, suspect.evidence_id]), updated
        return answer("open", say(
            lang, "No database or downstream signal was analysed that could rule an external cause in or out.",
            "没有可用于确认或排除外部原因的数据库或下游信号。"),
            [suspect.evidence_id if suspect else None, burst.evidence_id if burst else None]), updated
    if kind.startswith("citation"):
        return answer("conceded", say(lang, "Conceded: that claim is withdrawn and kept out of the ruling.",
                                      "接受：该论断撤回，不进入裁决。"), []), updated
    if kind == "coverage":
        return answer("open",
                      say(lang, "Conceded in part: the remaining traces follow other paths and are not explained.",
                                  "部分接受：其余堆栈走其他路径，尚未得到解释。"), challenge.citations), updated
    return answer("open", say(lang, "The evidence at hand cannot settle this; it stays open for the judge.",
                              "现有证据无法回答，留给法官裁量。"), challenge.citations), updated


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
        summary=say(lang, "Resolved {r} of {n} challenge(s); {o} remain open.",
                    "已回应 {n} 项质疑中的 {r} 项；{o} 项仍未解决。",
                    r=resolved, n=len(answers), o=still_open),
        answers=answers, hypotheses=updated, confidence=round(confidence, 2),
    )
