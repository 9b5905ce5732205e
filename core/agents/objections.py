"""Code decides when the debate may end: the objections still open, read from the critic's typed challenges."""

from __future__ import annotations

from pydantic import BaseModel, Field

from core.agents.base import DebateView
from core.schema import AgentTurn, Challenge

__all__ = ["GAP_PENALTY", "MATERIAL_PENALTY", "OpenObjections", "consensus_reached", "open_objections"]

# What each objection left open takes from the most confidence a ruling may claim.
MATERIAL_PENALTY, GAP_PENALTY = 0.1, 0.05


class OpenObjections(BaseModel):
    """The latest critique's challenges that nobody settled: material ones block a consensus, gaps do not."""

    material: list[Challenge] = Field(default_factory=list)
    gaps: list[Challenge] = Field(default_factory=list)

    @property
    def penalty(self) -> float:
        """How far the open objections lower a ruling's confidence ceiling."""
        return MATERIAL_PENALTY * len(self.material) + GAP_PENALTY * len(self.gaps)


def consensus_reached(critic: AgentTurn) -> bool:
    """A critique leaves no material challenge open; the critic's own `consensus` flag is only advisory.

    The same rule holds for a fresh turn and for one read back on resume, so both take the same path.
    """
    return not any(c.material for c in critic.challenges)


def open_objections(view: DebateView) -> OpenObjections:
    """The latest critique's challenges that no later rebuttal resolved (a conceded objection still stands)."""
    critic = view.last("CriticAgent")
    if critic is None:
        return OpenObjections()
    settled = {a.challenge_id for t in view.turns if t.agent == "RebuttalAgent" and t.seq > critic.seq
               for a in t.answers if a.verdict == "resolved"}
    still = [c for c in critic.challenges if c.id not in settled]
    return OpenObjections(material=[c for c in still if c.material], gaps=[c for c in still if not c.material])
