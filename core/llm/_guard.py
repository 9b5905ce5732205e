"""Every request a turn makes passes here: circuit breaker, call budget, requests-per-minute and concurrency limits.

An autogen agent makes one request per inference, tool rounds and the reflection after them included; the
guard wraps its chat client so each of those requests is checked and counted, not only the first.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import openai
from autogen_core.models import (
    ChatCompletionClient,
    CreateResult,
    LLMMessage,
    ModelCapabilities,
    ModelInfo,
    RequestUsage,
)
from pydantic import BaseModel

from core.llm._budget import BudgetLedger, EndpointLimiter, estimate_tokens
from core.llm._errors import LLMEndpointError
from core.llm.routing import Route
from core.schema import AgentName

__all__ = ["CircuitBreaker", "GuardedClient", "counts_against_endpoint"]

log = logging.getLogger(__name__)

# Status codes that say the endpoint (not this request) is unusable: a key it refuses, a model it lacks, an outage.
_ENDPOINT_DOWN = {401, 403, 404, 500, 502, 503, 504, 520, 521, 522, 523, 524, 529}


def counts_against_endpoint(exc: BaseException) -> bool:
    """True for failures that say the endpoint is down or unusable; a 429, a bad request or a cancel do not."""
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in _ENDPOINT_DOWN
    if isinstance(exc, openai.APITimeoutError | openai.APIConnectionError | TimeoutError):
        return True
    return type(exc).__module__.split(".")[0] in ("httpx", "httpx2", "httpcore", "h11")


@dataclass
class _Circuit:
    failures: int = 0
    opened_at: float | None = None
    trial: bool = False  # one request is probing a half-open circuit
    last: str = ""


class CircuitBreaker:
    """Per endpoint: after `failures` consecutive failures stop calling it for `cooldown_s`, then let one request try.

    Thread-safe; one per debate (the LLM brain makes it), so a dead endpoint costs one round of timeouts, not one
    per turn.
    """

    def __init__(self, failures: int = 3, cooldown_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.failures, self.cooldown_s, self._clock = failures, cooldown_s, clock
        self._circuits: dict[str, _Circuit] = {}
        self._lock = threading.Lock()

    def refusal(self, endpoint: str) -> str | None:
        """Why `endpoint` must not be called now, or None (then the caller may send its request)."""
        with self._lock:
            c = self._circuits.setdefault(endpoint, _Circuit())
            if c.opened_at is None:
                return None
            waited = self._clock() - c.opened_at
            if waited >= self.cooldown_s and not c.trial:
                c.trial = True  # half-open: this request probes; the rest keep waiting for its outcome
                return None
            return (f"circuit open: {c.failures} consecutive failures on this endpoint (last: {c.last}); "
                    f"not called again for {max(0.0, self.cooldown_s - waited):.0f} s")

    def is_open(self, endpoint: str) -> bool:
        with self._lock:
            c = self._circuits.get(endpoint)
            return c is not None and c.opened_at is not None

    def success(self, endpoint: str) -> None:
        with self._lock:
            self._circuits[endpoint] = _Circuit()

    def failure(self, endpoint: str, reason: str) -> None:
        with self._lock:
            c = self._circuits.setdefault(endpoint, _Circuit())
            c.failures += 1
            c.last = reason
            if c.trial or c.failures >= self.failures:
                if c.opened_at is None or c.trial:
                    log.warning("endpoint %s: circuit opened after %d consecutive failures (%s)", endpoint, c.failures,
                                reason)
                c.opened_at, c.trial = self._clock(), False


class GuardedClient(ChatCompletionClient):
    """A chat client that checks and counts each request of one agent turn before passing it to `inner`.

    Args:
        inner: the real client (autogen's OpenAI client, or a replay client in tests).
        agent, route: whose turn, and where its requests go.
        budget: refuses a request that would break a token, call or time budget; counts each one.
        breaker: refuses requests to an endpoint whose circuit is open; hears each request's outcome.
        limiter: the endpoint's concurrency semaphore and requests-per-minute limiter.
    """

    def __init__(self, inner: ChatCompletionClient, *, agent: AgentName, route: Route, budget: BudgetLedger,
                 breaker: CircuitBreaker, limiter: EndpointLimiter) -> None:
        self.inner, self.agent, self.route = inner, agent, route
        self._budget, self._breaker, self._limiter = budget, breaker, limiter
        self.requests = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0

    def _admit(self, messages: Sequence[LLMMessage]) -> None:
        if reason := self._breaker.refusal(self.route.endpoint):
            raise LLMEndpointError(reason)
        text = "".join(str(getattr(m, "content", "")) for m in messages)
        self._budget.check(self.agent, self.route, estimate_tokens(text))

    def _count(self, usage: RequestUsage | None) -> None:
        prompt, completion = (usage.prompt_tokens, usage.completion_tokens) if usage is not None else (0, 0)
        self.requests += 1
        self.prompt_tokens += prompt
        self.completion_tokens += completion
        self._budget.add_call(self.agent, prompt, completion)

    def _failed(self, exc: BaseException) -> None:
        self._count(None)  # a failed request is still a request
        if counts_against_endpoint(exc):
            self._breaker.failure(self.route.endpoint, f"{type(exc).__name__}"
                                  f"{' ' + str(exc.status_code) if isinstance(exc, openai.APIStatusError) else ''}")

    async def create(self, messages: Sequence[LLMMessage], **kwargs: Any) -> CreateResult:
        self._admit(messages)
        async with self._limiter.slot(self.route):
            try:
                result = await self.inner.create(messages, **kwargs)
            except Exception as exc:
                self._failed(exc)
                raise
        self._count(result.usage)
        self._breaker.success(self.route.endpoint)
        return result

    async def create_stream(
        self, messages: Sequence[LLMMessage], **kwargs: Any,
    ) -> AsyncGenerator[str | CreateResult, None]:
        self._admit(messages)
        async with self._limiter.slot(self.route):
            final: CreateResult | None = None
            try:
                async for item in self.inner.create_stream(messages, **kwargs):
                    if isinstance(item, CreateResult):
                        final = item
                    yield item
            except Exception as exc:
                self._failed(exc)
                raise
        self._count(final.usage if final is not None else None)
        self._breaker.success(self.route.endpoint)

    # --- the rest of the contract, delegated -------------------------------------------------------------

    async def close(self) -> None:
        await self.inner.close()

    def actual_usage(self) -> RequestUsage:
        return self.inner.actual_usage()

    def total_usage(self) -> RequestUsage:
        return self.inner.total_usage()

    def count_tokens(self, messages: Sequence[LLMMessage], **kwargs: Any) -> int:
        return self.inner.count_tokens(messages, **kwargs)

    def remaining_tokens(self, messages: Sequence[LLMMessage], **kwargs: Any) -> int:
        return self.inner.remaining_tokens(messages, **kwargs)

    @property
    def capabilities(self) -> ModelCapabilities:
        return self.inner.capabilities

    @property
    def model_info(self) -> ModelInfo:
        return self.inner.model_info

    def _to_config(self) -> BaseModel:  # not serialisable: it holds a debate's live state
        raise NotImplementedError("a GuardedClient is not a component")
