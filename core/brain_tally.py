"""Which brain answered a debate: the model, the offline brain, or a mix — counted from its turns, with the reasons."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from core.schema import AgentTurn, BrainTally

__all__ = ["BrainTally", "tally_brains"]


def _reason(fallback: str) -> str:
    """The short reason of a fallback note ("endpoint unavailable: HTTP 500 after 3 retries" → its first part)."""
    return fallback.split(":", 1)[0].strip() or fallback


def tally_brains(turns: list[AgentTurn], debate_brain: str) -> BrainTally:
    """Count the turns each brain answered.

    Args:
        turns: the debate's finished turns.
        debate_brain: the brain the debate was started with ("offline" or "llm").
    """
    if debate_brain == "offline":
        return BrainTally(brain="offline", offline_turns=len(turns))
    model = [t for t in turns if t.brain == "llm"]
    offline = [t for t in turns if t.brain != "llm"]
    reasons = Counter(_reason(t.usage.fallback) if t.usage and t.usage.fallback else "unknown" for t in offline)
    brain: Literal["llm", "offline", "mixed"] = (
        "llm" if not offline else "offline" if not model else "mixed")
    return BrainTally(brain=brain, model_turns=len(model), offline_turns=len(offline), fallbacks=dict(reasons))
