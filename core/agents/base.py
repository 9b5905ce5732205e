"""The agent contract shared by both brains: what an agent sees, and the reply it must give."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from core.fusion.facts import FusedContext
from core.schema import (
    AgentName,
    AgentTurn,
    Answer,
    Challenge,
    Claim,
    Hypothesis,
    Intervention,
    Judgment,
    Phase,
)

__all__ = ["PHASE_OF", "ROLES", "AgentReply", "Brain", "DebateView", "StreamFn", "say"]

StreamFn = Callable[[str], Awaitable[None]]

ROLES: dict[AgentName, str] = {
    "LogAgent": "Reads the runtime symptoms: error groups, their onset, noise, stack traces.",
    "DomainAgent": "Maps the failure onto the design: bounded context, layer, API entry point, owning team.",
    "CodeAgent": "Follows the failing frames into the code: blame, suspect commits, the changed line.",
    "CriticAgent": "Attacks the leading hypotheses: timing, alternatives, coverage, unsupported claims.",
    "RebuttalAgent": "Answers each challenge with evidence, or concedes it.",
    "JudgeAgent": "Rules on the root cause, citing only verified evidence, and states what is missing.",
}

PHASE_OF: dict[AgentName, Phase] = {
    "LogAgent": "experts", "DomainAgent": "experts", "CodeAgent": "experts",
    "CriticAgent": "critique", "RebuttalAgent": "rebuttal", "JudgeAgent": "judgment",
}


def say(lang: str, en: str, zh: str, /, **values: object) -> str:
    """Pick the English or Chinese wording and fill it in (both sit side by side in the source)."""
    return (zh if lang == "zh" else en).format(**values)


class AgentReply(BaseModel):
    """What any agent returns, from either brain; the orchestrator validates and stores it."""

    model_config = ConfigDict(extra="forbid")

    summary: str = Field(description="One or two sentences.")
    claims: list[Claim] = Field(default_factory=list)
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    challenges: list[Challenge] = Field(default_factory=list)
    answers: list[Answer] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0, description="Confidence in the leading hypothesis.")
    consensus: bool | None = Field(default=None, description="Critic only: no material objection remains.")
    judgment: Judgment | None = Field(default=None, description="Judge only.")


class DebateView(BaseModel):
    """Everything an agent may look at when it speaks."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    context: FusedContext
    turns: list[AgentTurn] = Field(default_factory=list)
    interventions: list[Intervention] = Field(default_factory=list)
    round: int = 0
    language: Literal["zh", "en"] = "en"

    @property
    def rejected(self) -> set[str]:
        """Hypothesis ids a human rejected."""
        return {i.target for i in self.interventions if i.kind == "reject_hypothesis" and i.target}

    def hypotheses(self) -> list[Hypothesis]:
        """Every hypothesis raised so far (latest version of each id), humans' rejections applied."""
        latest: dict[str, Hypothesis] = {}
        for turn in self.turns:
            for hyp in turn.hypotheses:
                latest[hyp.id] = hyp
        for hid in self.rejected & set(latest):
            latest[hid] = latest[hid].model_copy(update={"status": "rejected", "reason": "rejected by a human"})
        return list(latest.values())

    def leading(self) -> Hypothesis | None:
        """The strongest live hypothesis that names a code location.

        One backed by a change the evidence convicts comes first; a commit that is only weakly linked earns
        no precedence over the failing code itself.
        """
        live = [h for h in self.hypotheses() if h.status != "rejected" and h.location]
        guilty = {s.sha for s in self.context.suspects if s.guilty}
        return max(live, key=lambda h: (h.commit_sha in guilty, h.confidence), default=None)

    def last(self, agent: AgentName) -> AgentTurn | None:
        return next((t for t in reversed(self.turns) if t.agent == agent), None)


class Brain(Protocol):
    """A source of agent replies: the offline brain, or the LLM brain."""

    name: Literal["offline", "llm"]

    def model_for(self, agent: AgentName) -> str | None:
        """The model that answers for `agent` (None for the offline brain)."""

    async def reply(self, agent: AgentName, view: DebateView, stream: StreamFn) -> AgentReply:
        """Produce `agent`'s reply, streaming its text through `stream` as it is produced."""
