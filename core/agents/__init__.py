"""The six agents: one module each (prompt role and offline reasoning), and the brains that voice them."""

from __future__ import annotations

from core.agents.base import PHASE_OF, ROLES, AgentReply, Brain, DebateView
from core.agents.offline import OfflineBrain
from core.agents.render import render_reply

__all__ = ["PHASE_OF", "ROLES", "AgentReply", "Brain", "DebateView", "OfflineBrain", "render_reply"]
