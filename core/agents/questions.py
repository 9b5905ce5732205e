"""Questions a human puts to the panel: who must answer, which are still open, and the offline brain's answer."""

from __future__ import annotations

from core.agents.base import DebateView
from core.agents.spec import AGENT_SPECS
from core.i18n import text
from core.schema import AGENTS, AgentName, Answer, Intervention

__all__ = ["addressee", "offline_answers", "open_questions", "question_id"]

# Hypothesis id prefixes of the experts (a question about HC2 goes to the CodeAgent).
_OWNER_PREFIX: dict[str, AgentName] = {s.hypothesis_prefix: a for a, s in AGENT_SPECS.items() if s.hypothesis_prefix}


def question_id(item: Intervention) -> str:
    """The id an answer quotes as its `challenge_id`: Q and the intervention's place in the event stream."""
    return f"Q{item.seq}"


def addressee(item: Intervention, view: DebateView) -> AgentName | None:
    """The agent a question is put to: named directly ("CodeAgent", "code"), or the author of the hypothesis it
    names; None when it names neither (then the next agent to speak answers it)."""
    target = (item.target or "").strip()
    if not target:
        return None
    folded = target.lower().removesuffix("agent")
    for agent in AGENTS:
        if folded == agent.lower().removesuffix("agent"):
            return agent
    for turn in view.turns:
        if any(h.id == target for h in turn.hypotheses) and turn.agent in _OWNER_PREFIX.values():
            return turn.agent
    return next((a for p, a in _OWNER_PREFIX.items() if target.upper().startswith(p)), None)


def open_questions(view: DebateView, agent: AgentName, *, unaddressed: bool = True) -> list[Intervention]:
    """Questions `agent` must answer now: put to it (or to nobody, when `unaddressed`) and not answered yet."""
    answered = {a.challenge_id for t in view.turns for a in t.answers if a.verdict == "answered"}
    out = []
    for item in view.interventions:
        if item.kind != "question" or question_id(item) in answered:
            continue
        to = addressee(item, view)
        if to == agent or (to is None and unaddressed):
            out.append(item)
    return out


def offline_answers(agent: AgentName, view: DebateView) -> list[Answer]:
    """The offline brain's answers: it cannot read free text, so it says what its own evidence shows."""
    lang = view.language
    mine = view.last(agent)
    lead = view.leading()
    answers = []
    for item in open_questions(view, agent):
        if mine is not None:
            basis, cites = mine.summary, mine.citations[:3]
        elif lead is not None:
            basis, cites = f"{lead.id}: {lead.statement}", lead.citations[:3]
        else:
            basis, cites = text("questions.no_hypothesis_yet", lang), []
        answer = text("questions.offline_answer", lang, q=item.text[:160], a=agent, b=basis)
        answers.append(Answer(challenge_id=question_id(item), verdict="answered", text=answer, citations=cites))
    return answers
