"""The LLM brain's errors: all are DebateErrors, so the orchestrator and pages handle them like any other."""

from __future__ import annotations

from core.errors import DebateError

__all__ = ["LLMBudgetError", "LLMEndpointError", "LLMError", "LLMOutputError"]


class LLMError(DebateError):
    """A model turn failed; the brain answers that turn offline unless fallback is switched off."""

    #: A few words for the bubble's "[offline fallback: …]" note.
    reason: str = "model error"


class LLMEndpointError(LLMError):
    """The endpoint could not be reached or kept failing (timeouts, 429, 5xx) after the allowed retries."""

    reason = "endpoint unavailable"


class LLMOutputError(LLMError):
    """The model's reply was not valid JSON for the agent's schema, even after one repair attempt."""

    reason = "invalid model output"


class LLMBudgetError(LLMError):
    """A token, call or wall-time budget (per agent or per debate) is spent."""

    reason = "budget exhausted"
