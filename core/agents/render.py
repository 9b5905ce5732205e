"""Render an agent's reply as the Markdown text of its chat bubble (both brains, both languages)."""

from __future__ import annotations

from core.agents.base import AgentReply, say

__all__ = ["render_reply"]


def _cites(ids: list[str]) -> str:
    return " " + " ".join(f"[{i}]" for i in ids) if ids else ""


def render_reply(reply: AgentReply, lang: str) -> str:
    """The bubble text: summary, then claims, hypotheses, challenges, answers or the ruling."""
    parts = [reply.summary]
    if reply.claims:
        parts.append("\n".join(f"- {c.text}{_cites(c.citations)}" for c in reply.claims))
    if reply.hypotheses:
        label = say(lang, "Hypotheses", "假设")
        parts.append(f"**{label}**\n" + "\n".join(
            f"- **{h.id}** {h.title} — {h.statement} ({h.confidence:.0%}, {h.status}){_cites(h.citations)}"
            for h in reply.hypotheses))
    if reply.challenges:
        parts.append("\n".join(
            f"- **{c.id}**{'' if c.material else ' ' + say(lang, '(gap)', '（缺口）')} {c.text}{_cites(c.citations)}"
            for c in reply.challenges))
    if reply.answers:
        parts.append("\n".join(f"- **{a.challenge_id}** → {a.verdict}: "
                               f"{a.text}{_cites(a.citations)}" for a in reply.answers))
    if j := reply.judgment:
        rows = [
            (say(lang, "Root cause", "根因"), j.root_cause),
            (say(lang, "Location", "位置"),
             f"`{j.root_cause_location.file}:{j.root_cause_location.line}`" if j.root_cause_location else "—"),
            (say(lang, "Suspect commit", "嫌疑提交"),
             f"`{j.suspect_commit.sha[:8]}` {j.suspect_commit.author}" if j.suspect_commit else "—"),
            (say(lang, "Fix", "修复"), j.fix_suggestion),
            (say(lang, "Risk", "风险"), j.risk_level),
            (say(lang, "Rollback", "回滚"),
             say(lang, "yes", "是") if j.rollback_recommended else say(lang, "no", "否")),
            (say(lang, "Team", "团队"), j.responsible_team or "—"),
            (say(lang, "Evidence chain", "证据链"), " → ".join(e.id for e in j.evidence_chain) or "—"),
        ]
        parts.append("\n".join(f"- **{k}**: {v}" for k, v in rows))
        if j.missing:
            parts.append(say(lang, "**Missing or open:** ", "**缺失或未决：** ") + "; ".join(j.missing))
    return "\n\n".join(parts)
