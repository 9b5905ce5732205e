"""The agent contract shared by both brains: what an agent sees, and the reply it must give."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from core.agents.spec import AGENT_SPECS
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

__all__ = ["PHASE_OF", "ROLES", "AgentReply", "Brain", "DebateView", "StreamFn"]

StreamFn = Callable[[str], Awaitable[None]]

ROLES: dict[AgentName, str] = {name: s.role for name, s in AGENT_SPECS.items()}
PHASE_OF: dict[AgentName, Phase] = {name: s.phase for name, s in AGENT_SPECS.items()}


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
    answer_only: bool = Field(default=False, description="The agent speaks again only to answer humans' questions.")

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
        """`agent`'s latest turn in the debate proper (a turn that only answered humans' questions is not one)."""
        return next((t for t in reversed(self.turns) if t.agent == agent and not t.answer_only), None)


class Brain(Protocol):
    """A source of agent replies: the offline brain, or the LLM brain."""

    name: Literal["offline", "llm"]

    def model_for(self, agent: AgentName) -> str | None:
        """The model that answers for `agent` (None for the offline brain)."""

    async def reply(self, agent: AgentName, view: DebateView, stream: StreamFn) -> AgentReply:
        """Produce `agent`'s reply, streaming its text through `stream` as it is produced."""
