"""The LLM brain: per-agent model routing, autogen agents over OpenAI-compatible endpoints, budgets and fallback."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.llm._budget import TurnUsage, UsageTotals
from core.llm._errors import LLMBudgetError, LLMEndpointError, LLMError, LLMOutputError
from core.llm.routing import Budget, Price, Route, Routing, load_routing

if TYPE_CHECKING:
    from core.llm._tools import IncidentTools, ToolEventFn, ToolResult
    from core.llm.brain import LLMBrain

__all__ = [
    "Budget",
    "IncidentTools",
    "LLMBrain",
    "LLMBudgetError",
    "LLMEndpointError",
    "LLMError",
    "LLMOutputError",
    "Price",
    "Route",
    "Routing",
    "ToolEventFn",
    "ToolResult",
    "TurnUsage",
    "UsageTotals",
    "load_routing",
]


def __getattr__(name: str) -> Any:
    # autogen takes seconds to import: only pay for it when a brain or tools are actually built,
    # so reading the routing (e.g. while loading settings) stays cheap.
    if name == "LLMBrain":
        from core.llm.brain import LLMBrain

        return LLMBrain
    if name in ("IncidentTools", "ToolEventFn", "ToolResult"):
        from core.llm import _tools

        return getattr(_tools, name)
    raise AttributeError(f"module 'core.llm' has no attribute {name!r}")
