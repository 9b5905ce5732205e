"""CodeAgent: from the failing frames into the code — blame, suspect commits, the changed line."""

from __future__ import annotations

from core.agents.base import AgentReply, DebateView, say
from core.agents.playbook import match_pattern
from core.schema import Claim, CodeLocation, Hypothesis

__all__ = ["offline_reply"]


def offline_reply(view: DebateView) -> AgentReply:
    """Attribute the failing line to the commit that last changed it before the start."""
    ctx, lang = view.context, view.language
    top = ctx.top_group
    if not ctx.repo_available or top is None or not top.frames:
        missing = say(lang, "no repository", "没有代码仓库") if not ctx.repo_available else say(lang, "no in-app stack frames", "没有业务代码堆栈帧")
        return AgentReply(
            summary=say(lang, "I cannot follow the failure into the code: {m}.", "无法把故障追溯到代码：{m}。", m=missing),
            claims=[Claim(text=say(lang, "Code attribution is impossible with {m}.", "{m}，无法进行代码归因。", m=missing),
                          citations=[top.evidence_id] if top and top.evidence_id else [])],
            confidence=0.1,
        )
    claims: list[Claim] = []
    for frame in top.frames[:3]:
        if frame.blame_evidence_id:
            claims.append(Claim(
                text=say(lang, "{file}:{line} ({sym}) reads `{code}`; blame attributes it to {sha}.",
                         "{file}:{line}（{sym}）的代码是 `{code}`；blame 显示它来自 {sha}。",
                         file=frame.path, line=frame.line, sym=frame.symbol, code=(frame.code or "")[:100],
                         sha=(frame.blame_sha or "")[:8]),
                citations=[c for c in (frame.evidence_id, frame.blame_evidence_id) if c],
            ))
    line_suspects = [s for s in ctx.suspects if s.match == "line"]
    hypotheses: list[Hypothesis] = []
    confidence = 0.3
    if line_suspects:
        best = line_suspects[0]
        frame = top.frames[best.frame_position or 0]
        deploy = next((d for d in ctx.deploys if best.sha in d.contains and d.evidence_id), None)
        confidence = 0.55 + (0.1 if best.minutes_before_start <= 24 * 60 else 0.0) + (0.1 if deploy else 0.0)
        if ctx.burst and best.minutes_before_start >= ctx.burst.minutes_before_start:
            confidence += 0.05  # the change predates the onset, as a cause must
        pattern = match_pattern(top.exc_type, top.root_type, top.root_message, frame.code)
        mechanism = pattern.mechanism_zh if lang == "zh" else pattern.mechanism_en
        cites = [c for c in (frame.evidence_id, frame.blame_evidence_id, best.evidence_id,
                             deploy.evidence_id if deploy else None) if c]
        claims.append(Claim(
            text=say(lang, "Commit {sha} by {who} (“{msg}”) changed the failing line {file}:{line} {m:.0f} min before the start.",
                     "{who} 的提交 {sha}（“{msg}”）在开始前 {m:.0f} 分钟修改了出错行 {file}:{line}。",
                     sha=best.sha[:8], who=best.author, msg=best.message[:80], file=frame.path, line=frame.line,
                     m=best.minutes_before_start),
            citations=cites,
        ))
        if deploy:
            claims.append(Claim(
                text=say(lang, "Release {tag} shipped it {m:.0f} min before the start.", "发布 {tag} 在开始前 {m:.0f} 分钟上线了该提交。",
                         tag=deploy.tag, m=deploy.minutes_before_start),
                citations=[deploy.evidence_id or ""],
            ))
        hypotheses.append(Hypothesis(
            id="HC1",
            title=say(lang, "Commit {sha} broke {sym}", "提交 {sha} 导致 {sym} 出错", sha=best.sha[:8], sym=frame.symbol),
            statement=say(lang, "{sha} changed {file}:{line} (`{code}`): {mech}.", "{sha} 修改了 {file}:{line}（`{code}`）：{mech}。",
                          sha=best.sha[:8], file=frame.path, line=frame.line, code=(frame.code or "")[:100], mech=mechanism),
            location=CodeLocation(file=frame.path or frame.file_name, line=frame.line, symbol=frame.symbol),
            commit_sha=best.sha, citations=cites, confidence=round(min(confidence, 0.9), 2),
        ))
    others = [s for s in ctx.suspects if not line_suspects or s.sha != line_suspects[0].sha]
    for i, other in enumerate(others[:2], start=2):
        hypotheses.append(Hypothesis(
            id=f"HC{i}",
            title=say(lang, "Commit {sha} (nearby change)", "提交 {sha}（邻近改动）", sha=other.sha[:8]),
            statement=say(lang, "{sha} by {who} changed {files} {m:.0f} min before the start; blame does not give it the failing line.",
                          "{who} 的 {sha} 在开始前 {m:.0f} 分钟修改了 {files}；blame 显示出错行不属于它。",
                          sha=other.sha[:8], who=other.author, files=", ".join(other.touched)[:120], m=other.minutes_before_start),
            commit_sha=other.sha, citations=[other.evidence_id or ""],
            confidence=round(min(0.25, other.score + 0.1), 2),
        ))
    if not line_suspects:
        claims.append(Claim(
            text=say(lang, "No commit in the last 30 days before the start changed the failing lines.",
                     "开始前 30 天内没有提交修改过出错行。"),
            citations=[c for c in (top.frames[0].blame_evidence_id, top.frames[0].evidence_id) if c],
        ))
    summary = (
        say(lang, "The failing line was changed by {sha} shortly before the start; that commit is my prime suspect.",
            "出错行在故障前不久被 {sha} 修改，这是我的头号嫌疑提交。", sha=line_suspects[0].sha[:8])
        if line_suspects else
        say(lang, "No recent commit touched the failing lines; the cause may be data, load or configuration.",
            "近期没有提交改动出错行；原因可能是数据、负载或配置。")
    )
    return AgentReply(summary=summary, claims=claims, hypotheses=hypotheses, confidence=round(min(confidence, 0.9), 2))
