"""RebuttalAgent: answer each challenge with evidence from the ledger, or concede it."""

from __future__ import annotations

from core.agents.base import AgentReply, DebateView, say
from core.agents.critic import challenge_kind
from core.schema import Answer, Challenge, Hypothesis

__all__ = ["offline_reply"]


def _answer(view: DebateView, challenge: Challenge, lead: Hypothesis | None) -> tuple[Answer, list[Hypothesis]]:
    ctx, lang = view.context, view.language
    kind = challenge_kind(challenge.id)
    suspect = next((s for s in ctx.suspects if lead and s.sha == lead.commit_sha), None)
    burst = ctx.burst
    updated: list[Hypothesis] = []

    def answer(verdict: str, text: str, cites: list[str | None]) -> Answer:
        return Answer(challenge_id=challenge.id, verdict=verdict, text=text, citations=[c for c in cites if c])  # type: ignore[arg-type]

    if kind == "timing" and suspect:
        deploy = next((d for d in ctx.deploys if suspect.sha in d.contains), None)
        if deploy and (burst is None or deploy.minutes_before_start >= burst.minutes_before_start):
            return answer("resolved", say(
                lang, "Release {tag} shipped {sha} {m:.0f} min before the start; the errors began {o:.0f} min before the start, after it.",
                "发布 {tag} 在开始前 {m:.0f} 分钟上线了 {sha}；错误在开始前 {o:.0f} 分钟才出现，晚于发布。",
                tag=deploy.tag, sha=suspect.sha[:8], m=deploy.minutes_before_start,
                o=burst.minutes_before_start if burst else 0.0), [deploy.evidence_id, burst.evidence_id if burst else None]), updated
        return answer("open", say(
            lang, "{sha} was committed before the onset, but no release marker proves when it went live.",
            "{sha} 的提交早于突增点，但没有发布标记能证明它何时上线。", sha=suspect.sha[:8]),
            [suspect.evidence_id, burst.evidence_id if burst else None]), updated
    if kind == "closer-commit" and lead:
        other_sha = next((s.sha for s in ctx.suspects if s.evidence_id in challenge.citations), None)
        other = next((s for s in ctx.suspects if s.sha == other_sha), None)
        blame = next((f for f in (ctx.top_group.frames if ctx.top_group else []) if f.blame_sha == lead.commit_sha), None)
        if other and blame:
            for hyp in view.hypotheses():
                if hyp.commit_sha == other.sha and hyp.status != "rejected":
                    updated.append(hyp.model_copy(update={"status": "rejected", "reason": say(
                        lang, "changed {files}, not the failing line", "改动的是 {files}，不是出错行", files=", ".join(other.touched)[:80])}))
            return answer("resolved", say(
                lang, "{o} only changed {files}; blame at the incident revision gives the failing line {path}:{line} to {sha}.",
                "{o} 只改动了 {files}；按故障时版本做 blame，出错行 {path}:{line} 属于 {sha}。",
                o=other.sha[:8], files=", ".join(other.touched)[:100], path=blame.path, line=blame.line,
                sha=(lead.commit_sha or "")[:8]), [blame.blame_evidence_id, other.evidence_id]), updated
    if kind == "noise" and ctx.noise:
        n = ctx.noise[0]
        return answer("resolved", say(
            lang, "That {lvl} ran at {a}/min long before the onset and at {b}/min after it; a cause would change with the symptom.",
            "该 {lvl} 在突增前就以 {a}/分钟 持续出现，之后为 {b}/分钟；真正的原因会随症状一起变化。",
            lvl=n.level, a=n.rate_before, b=n.rate_after), [n.evidence_id, burst.evidence_id if burst else None]), updated
    if kind == "external":
        rt = ctx.runtime
        lock_query = next((q for q in (rt.slow_queries if rt else []) if q.for_update), None)
        trace = rt.traces[0] if rt and rt.traces else None
        if suspect and (lock_query or trace):
            parts = []
            if lock_query:
                parts.append(say(lang, "the slow statement is the application's own {k} … FOR UPDATE on {t}, first seen after the release",
                                 "慢 SQL 是应用自身对 {t} 的 {k} … FOR UPDATE，发布后才出现",
                                 k=lock_query.statement_kind.upper(), t=", ".join(lock_query.tables)))
            if trace:
                parts.append(say(lang, "the failing requests spend their time in {h}, under {sym}",
                                 "失败请求的时间耗在 {sym} 之下的 {h}", h=trace.hot_span,
                                 sym=lead.location.symbol if lead and lead.location else "?"))
            flat = [u.evidence_id for u in (rt.unchanged if rt else [])]
            return answer("resolved", say(
                lang, "A victim would show outside pressure; here {p}: the database waits on locks the changed code takes ({sha}).",
                "如果代码只是受害者，应看到外部压力；而这里{p}：数据库在等待被修改代码（{sha}）所持有的锁。",
                p="; ".join(parts), sha=suspect.sha[:8]),
                [lock_query.evidence_id if lock_query else None, trace.evidence_id if trace else None, *flat[:1],
                 suspect.evidence_id]), updated
        return answer("open", say(
            lang, "The onset follows the change and the failing line is the changed one, which points at the code; "
                  "but no database or downstream metrics were analysed to rule out an external cause.",
            "突增发生在变更之后，且出错行正是被修改的行，指向代码；但没有分析数据库或下游指标，无法排除外部原因。"),
            [suspect.evidence_id if suspect else None, burst.evidence_id if burst else None]), updated
    if kind.startswith("citation"):
        return answer("conceded", say(lang, "Conceded: that claim is withdrawn and kept out of the ruling.",
                                      "接受：该论断撤回，不进入裁决。"), []), updated
    if kind == "coverage":
        return answer("open", say(lang, "Conceded in part: the remaining traces follow other paths and are not explained.",
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
        summary=say(lang, "Resolved {r} of {n} challenge(s); {o} remain open.", "已回应 {n} 项质疑中的 {r} 项；{o} 项仍未解决。",
                    r=resolved, n=len(answers), o=still_open),
        answers=answers, hypotheses=updated, confidence=round(confidence, 2),
    )
