"""Render an agent's reply as the Markdown text of its chat bubble (both brains, both languages)."""

from __future__ import annotations

from core.agents.base import AgentReply
from core.i18n import text

__all__ = ["render_reply"]


def _cites(ids: list[str]) -> str:
    return " " + " ".join(f"[{i}]" for i in ids) if ids else ""


def render_reply(reply: AgentReply, lang: str) -> str:
    """The bubble text: summary, then claims, hypotheses, challenges, answers or the ruling."""
    parts = [reply.summary]
    if reply.claims:
        parts.append("\n".join(f"- {c.text}{_cites(c.citations)}" for c in reply.claims))
    if reply.hypotheses:
        label = text("render.hypotheses", lang)
        parts.append(f"**{label}**\n" + "\n".join(
            f"- **{h.id}** {h.title} — {h.statement} ({h.confidence:.0%}, {h.status}){_cites(h.citations)}"
            for h in reply.hypotheses))
    if reply.challenges:
        gap = text("render.gap", lang)
        parts.append("\n".join(
            f"- **{c.id}**{'' if c.material else ' ' + gap} {c.text}{_cites(c.citations)}"
            for c in reply.challenges))
    if reply.answers:
        parts.append("\n".join(f"- **{a.challenge_id}** → {a.verdict}: "
                               f"{a.text}{_cites(a.citations)}" for a in reply.answers))
    if j := reply.judgment:
        rows = [
            (text("render.root_cause", lang), j.root_cause),
            (text("render.location", lang),
             f"`{j.root_cause_location.file}:{j.root_cause_location.line}`" if j.root_cause_location else "—"),
            (text("render.suspect_commit", lang),
             f"`{j.suspect_commit.sha[:8]}` {j.suspect_commit.author}" if j.suspect_commit else "—"),
            (text("render.fix", lang), j.fix_suggestion),
            (text("render.risk", lang), j.risk_level),
            (text("render.rollback", lang),
             text("render.yes", lang) if j.rollback_recommended else text("render.no", lang)),
            (text("render.team", lang), j.responsible_team or "—"),
            (text("render.evidence_chain", lang), " → ".join(e.id for e in j.evidence_chain) or "—"),
        ]
        parts.append("\n".join(f"- **{k}**: {v}" for k, v in rows))
        if j.missing:
            parts.append(text("render.missing_or_open", lang) + "; ".join(j.missing))
    return "\n\n".join(parts)
