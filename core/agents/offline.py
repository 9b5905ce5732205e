"""The offline brain: deterministic reasoning over the fused evidence, no model and no network."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Literal

from core.agents import code_agent, critic, domain_agent, judge, log_agent, rebuttal
from core.agents.base import AgentReply, DebateView, StreamFn
from core.agents.questions import offline_answers
from core.agents.render import render_reply
from core.schema import AgentName

__all__ = ["OfflineBrain"]

_REASONERS: dict[AgentName, Callable[[DebateView], AgentReply]] = {
    "LogAgent": log_agent.offline_reply,
    "DomainAgent": domain_agent.offline_reply,
    "CodeAgent": code_agent.offline_reply,
    "CriticAgent": critic.offline_reply,
    "RebuttalAgent": rebuttal.offline_reply,
    "JudgeAgent": judge.offline_reply,
}
_CHUNK = re.compile(r"\S+\s*|\s+")


class OfflineBrain:
    """Answers for every agent from the evidence alone; `pace_s` spaces out the streamed words for watchers."""

    name: Literal["offline", "llm"] = "offline"

    def __init__(self, pace_s: float = 0.0) -> None:
        self.pace_s = pace_s

    def model_for(self, agent: AgentName) -> str | None:
        return None

    async def reply(self, agent: AgentName, view: DebateView, stream: StreamFn) -> AgentReply:
        result = _REASONERS[agent](view)
        if answers := offline_answers(agent, view):  # questions the humans put to this agent
            result = result.model_copy(update={"answers": [*result.answers, *answers]})
        text = render_reply(result, view.language)
        # Stream a few words at a time so the bubble fills the way a model's would.
        words = _CHUNK.findall(text)
        for i in range(0, len(words), 3):
            await stream("".join(words[i:i + 3]))
            if self.pace_s:
                await asyncio.sleep(self.pace_s)
        return result
