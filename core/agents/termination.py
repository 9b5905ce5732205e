"""When the critic ⇄ rebuttal rounds stop, as composable autogen-agentchat termination conditions.

The orchestrator feeds each finished turn to one condition built from these parts (``|``-combined): code, not a
model, decides; the same condition reads a resumed debate's stored turns.
"""

from __future__ import annotations

from collections.abc import Sequence

from autogen_agentchat.base import TerminatedException, TerminationCondition
from autogen_agentchat.conditions import ExternalTermination
from autogen_agentchat.messages import (
    BaseAgentEvent,
    BaseChatMessage,
    StopMessage,
    StructuredMessage,
)

from core.agents.objections import consensus_reached
from core.schema import AgentTurn

__all__ = ["NoMaterialChallenge", "RoundLimit", "debate_termination", "turn_message"]


def turn_message(turn: AgentTurn) -> StructuredMessage[AgentTurn]:
    """A finished turn as the message a termination condition reads."""
    return StructuredMessage[AgentTurn](content=turn, source=turn.agent)


def _turns(messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> list[AgentTurn]:
    return [m.content for m in messages if isinstance(m, StructuredMessage) and isinstance(m.content, AgentTurn)
            and not m.content.answer_only]


class _Once(TerminationCondition):
    """A condition that fires once, until reset."""

    def __init__(self) -> None:
        self._terminated = False

    @property
    def terminated(self) -> bool:
        return self._terminated

    async def reset(self) -> None:
        self._terminated = False

    def _stop(self, content: str) -> StopMessage:
        self._terminated = True
        return StopMessage(content=content, source=type(self).__name__)

    def _check(self) -> None:
        if self._terminated:
            raise TerminatedException(f"{type(self).__name__} has already been reached")


class NoMaterialChallenge(_Once):
    """Consensus: a critique leaves no material challenge open (the critic's own flag is only advisory)."""

    async def __call__(self, messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> StopMessage | None:
        self._check()
        for turn in _turns(messages):
            if turn.agent == "CriticAgent" and consensus_reached(turn):
                return self._stop(turn.summary)
        return None


class RoundLimit(_Once):
    """The rounds are used up: `max_rounds` rebuttals have answered."""

    def __init__(self, max_rounds: int) -> None:
        super().__init__()
        self.max_rounds = max_rounds
        self._rounds = 0

    async def reset(self) -> None:
        await super().reset()
        self._rounds = 0

    async def __call__(self, messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> StopMessage | None:
        self._check()
        self._rounds += sum(1 for t in _turns(messages) if t.agent == "RebuttalAgent")
        return self._stop(f"{self._rounds} round(s) done") if self._rounds >= self.max_rounds else None


def debate_termination(max_rounds: int) -> tuple[TerminationCondition, ExternalTermination]:
    """The debate's condition (consensus, or rounds used up, or a human's stop) and the handle that stops it."""
    stop = ExternalTermination()
    return NoMaterialChallenge() | RoundLimit(max_rounds) | stop, stop
