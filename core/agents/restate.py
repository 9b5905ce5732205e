"""An offline debate said again in the other language, from the same stored facts.

The offline brain is deterministic: each of its turns follows from the fused context, the turns before it
and the humans' interventions. Replaying them with another language gives the same reasoning in other
words — so a report (or a transcript) in Chinese of a debate held in English is Chinese throughout,
apart from the data it quotes. A turn whose replay does not come out the same (a model spoke, a turn
that only answered a human, evidence added since) keeps its stored words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from core.agents import code_agent, critic, domain_agent, judge, log_agent, rebuttal
from core.agents.base import PHASE_OF, AgentReply, DebateView
from core.agents.render import render_reply
from core.agents.ruling_check import check_ruling
from core.agents.spec import evidence_slice
from core.fusion.facts import FusedContext
from core.schema import AgentName, AgentTurn, Intervention, Judgment

__all__ = ["Restated", "restate_debate"]

log = logging.getLogger(__name__)

_REASONERS: dict[AgentName, Callable[[DebateView], AgentReply]] = {
    "LogAgent": log_agent.offline_reply,
    "DomainAgent": domain_agent.offline_reply,
    "CodeAgent": code_agent.offline_reply,
    "CriticAgent": critic.offline_reply,
    "RebuttalAgent": rebuttal.offline_reply,
    "JudgeAgent": judge.offline_reply,
}


class Restated:
    """The turns and the ruling in the asked language, and how many turns kept their stored words."""

    def __init__(self, turns: list[AgentTurn], judgment: Judgment | None, kept: int) -> None:
        self.turns, self.judgment, self.kept = turns, judgment, kept


def _same_shape(reply: AgentReply, turn: AgentTurn) -> bool:
    """The replay reasoned the same way: the same hypotheses, objections, answers and citations."""
    if len(reply.claims) != len(turn.claims) or any(
            a.citations != b.citations for a, b in zip(reply.claims, turn.claims, strict=True)):
        return False
    if [(h.id, h.location, h.commit_sha) for h in reply.hypotheses] != [
            (h.id, h.location, h.commit_sha) for h in turn.hypotheses]:
        return False
    if [(c.id, c.material) for c in reply.challenges] != [(c.id, c.material) for c in turn.challenges]:
        return False
    return [(a.challenge_id, a.verdict) for a in reply.answers] == [(a.challenge_id, a.verdict) for a in turn.answers]


def _merge(turn: AgentTurn, reply: AgentReply, lang: str, ruling: Judgment | None = None) -> AgentTurn:
    """The stored turn (validation marks, filtered citations, times) with the replay's words."""
    claims = [c.model_copy(update={"text": r.text}) for c, r in zip(turn.claims, reply.claims, strict=True)]
    hypotheses = [h.model_copy(update={"title": r.title, "statement": r.statement, "reason": r.reason})
                  for h, r in zip(turn.hypotheses, reply.hypotheses, strict=True)]
    challenges = [c.model_copy(update={"text": r.text}) for c, r in zip(turn.challenges, reply.challenges, strict=True)]
    answers = [a.model_copy(update={"text": r.text}) for a, r in zip(turn.answers, reply.answers, strict=True)]
    said = reply.model_copy(update={"claims": claims, "hypotheses": hypotheses, "challenges": challenges,
                                    "answers": answers, "judgment": ruling})
    return turn.model_copy(update={"summary": reply.summary, "body": render_reply(said, lang), "claims": claims,
                                   "hypotheses": hypotheses, "challenges": challenges, "answers": answers})


def _ruling_in(stored: Judgment, replayed: Judgment) -> Judgment | None:
    """The stored ruling with the replay's words, when the replay ruled the same way."""
    same = (replayed.root_cause_location == stored.root_cause_location and replayed.abstained == stored.abstained
            and (replayed.suspect_commit.sha if replayed.suspect_commit else None)
            == (stored.suspect_commit.sha if stored.suspect_commit else None)
            and [r.id for r in replayed.rejected_hypotheses] == [r.id for r in stored.rejected_hypotheses])
    if not same:
        return None
    return stored.model_copy(update={
        "root_cause": replayed.root_cause, "fix_suggestion": replayed.fix_suggestion,
        "impact_analysis": replayed.impact_analysis, "missing": replayed.missing,
        "rejected_hypotheses": replayed.rejected_hypotheses,
        "checks": (replayed.checks if [c.field for c in replayed.checks] == [c.field for c in stored.checks]
                   else stored.checks),
    })


def restate_debate(context: FusedContext, turns: Sequence[AgentTurn], interventions: Sequence[Intervention],
                   judgment: Judgment | None, lang: str) -> Restated:
    """The debate's turns and ruling in `lang`, reasoned again by the offline brain from the same facts.

    Args:
        context: the incident's fused context, with its whole ledger (as the debate saw it).
        turns: the stored turns, in order.
        interventions: the humans' interventions of that debate.
        judgment: the stored ruling (None before the judge spoke).

    Returns:
        Every turn (restated, or as stored when its replay differs) and the ruling likewise.
    """
    history: list[AgentTurn] = []
    kept = 0
    ruling = judgment
    for turn in turns:
        reasoner = _REASONERS.get(turn.agent)
        if turn.brain != "offline" or turn.answer_only or reasoner is None:
            history.append(turn)
            kept += 1
            continue
        seen = [i for i in interventions if i.at <= turn.started_at]
        view = DebateView(context=context, turns=list(history), interventions=seen, round=turn.round,
                          language=lang)  # type: ignore[arg-type]
        if PHASE_OF[turn.agent] == "experts":  # as the orchestrator shows it: own slice, nobody's conclusions
            view = view.model_copy(update={"turns": [], "context": context.model_copy(update={
                "evidence": evidence_slice(turn.agent, context.evidence), "key_findings": []})})
        reply = reasoner(view)
        if not _same_shape(reply, turn):
            log.info("incident %s: %s's turn %s reasons differently when replayed; its words are kept",
                     context.incident.id, turn.agent, turn.seq)
            history.append(turn)
            kept += 1
            continue
        said = None
        if reply.judgment is not None and judgment is not None:
            said = _ruling_in(judgment, check_ruling(reply.judgment, view))
            ruling = said or judgment
        history.append(_merge(turn, reply, lang, said))
    return Restated(history, ruling, kept)
