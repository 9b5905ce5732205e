"""Usage accounting, budgets (per agent and per debate) and the per-endpoint concurrency limit."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import weakref
from collections import defaultdict
from collections.abc import AsyncIterator

from aiolimiter import AsyncLimiter
from pydantic import Field

from core.llm._errors import LLMBudgetError
from core.llm.routing import Route, Routing
from core.schema import AgentName, TurnCost, UsageCounts

__all__ = ["BudgetLedger", "EndpointLimiter", "TurnUsage", "UsageTotals", "estimate_tokens"]


def estimate_tokens(text: str) -> int:
    """A cheap upper-ish estimate used before a call (CJK runs ~1 token/char, Latin ~4 chars/token)."""
    cjk = sum(1 for ch in text if ord(ch) > 0x2E80)
    return cjk + (len(text) - cjk) // 4 + 1


class TurnUsage(TurnCost):
    """What one agent turn cost, as the budget ledger counts it (a TurnCost with its agent)."""

    agent: AgentName
    repaired: bool = False


class UsageTotals(UsageCounts):
    """The whole debate so far."""

    turns: int = 0
    fallbacks: int = 0
    wall_s: float = 0.0
    per_model: dict[str, int] = Field(default_factory=dict, description="Tokens per model.")


class BudgetLedger:
    """Counts tokens, calls and time per agent and for the debate, and refuses a call that would overspend."""

    def __init__(self, routing: Routing) -> None:
        self._routing = routing
        self._lock = threading.Lock()
        self._tokens: defaultdict[str, int] = defaultdict(int)
        self._calls: defaultdict[str, int] = defaultdict(int)
        self._seconds: defaultdict[str, float] = defaultdict(float)
        self._turns: list[TurnUsage] = []
        self._last: dict[AgentName, TurnUsage] = {}
        self._started: float | None = None

    def start(self) -> None:
        with self._lock:
            if self._started is None:
                self._started = time.monotonic()

    def _wall(self) -> float:
        return 0.0 if self._started is None else time.monotonic() - self._started

    def check(self, agent: AgentName, route: Route, prompt_tokens: int) -> None:
        """Raise LLMBudgetError when one more call (this prompt plus a full answer) would break a budget."""
        need = prompt_tokens + (route.max_tokens or 0)
        with self._lock:
            for scope, budget, wall in (
                (agent, self._routing.agent_budget, self._seconds[agent]),
                ("*", self._routing.debate_budget, self._wall()),
            ):
                label = "agent" if scope != "*" else "debate"
                if budget.tokens is not None and self._tokens[scope] + need > budget.tokens:
                    raise LLMBudgetError(f"{label} token budget ({budget.tokens}) would be exceeded "
                                         f"({self._tokens[scope]} used, ~{need} needed)")
                if budget.calls is not None and self._calls[scope] + 1 > budget.calls:
                    raise LLMBudgetError(f"{label} call budget ({budget.calls}) is spent")
                if budget.wall_s is not None and wall >= budget.wall_s:
                    raise LLMBudgetError(f"{label} time budget ({budget.wall_s:.0f}s) is spent")

    def remaining_s(self, agent: AgentName) -> float | None:
        """Seconds this agent may still spend (the tighter of its own and the debate's time budget)."""
        with self._lock:
            left = [b.wall_s - used for b, used in ((self._routing.agent_budget, self._seconds[agent]),
                                                     (self._routing.debate_budget,
                                                      self._wall())) if b.wall_s is not None]
        return max(0.0, min(left)) if left else None

    def add_call(self, agent: AgentName, prompt_tokens: int, completion_tokens: int) -> None:
        with self._lock:
            for scope in (agent, "*"):
                self._tokens[scope] += prompt_tokens + completion_tokens
                self._calls[scope] += 1

    def finish(self, usage: TurnUsage) -> TurnUsage:
        """Record a finished turn (its calls were already counted by `add_call`)."""
        price = self._routing.price(usage.model or "")
        if price is not None:
            usage = usage.model_copy(update={"cost": price.cost(usage.prompt_tokens, usage.completion_tokens),
                                             "currency": price.currency})
        with self._lock:
            self._seconds[usage.agent] += usage.seconds
            self._turns.append(usage)
            self._last[usage.agent] = usage
        return usage

    def last(self, agent: AgentName) -> TurnUsage | None:
        with self._lock:
            return self._last.get(agent)

    def totals(self) -> UsageTotals:
        with self._lock:
            turns = list(self._turns)
            wall = self._wall()
        per_model: defaultdict[str, int] = defaultdict(int)
        for t in turns:
            if t.tokens:
                per_model[t.model or "?"] += t.tokens
        costs = [t.cost for t in turns if t.cost is not None]
        return UsageTotals(
            prompt_tokens=sum(t.prompt_tokens for t in turns),
            completion_tokens=sum(t.completion_tokens for t in turns),
            calls=sum(t.calls for t in turns), retries=sum(t.retries for t in turns), turns=len(turns),
            fallbacks=sum(1 for t in turns if t.fallback), cost=sum(costs) if costs else None,
            currency=next((t.currency for t in turns if t.currency), None), wall_s=round(wall, 3),
            per_model=dict(per_model),
        )


class EndpointLimiter:
    """Per (event loop, endpoint): a concurrency semaphore and, when the route sets one, a requests-per-minute limit.

    asyncio primitives must not cross loops (see PITFALLS), hence one set per loop.
    """

    def __init__(self) -> None:
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Semaphore]] = (
            weakref.WeakKeyDictionary())
        self._rates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, AsyncLimiter]] = (
            weakref.WeakKeyDictionary())
        self._lock = threading.Lock()

    def get(self, route: Route) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        with self._lock:
            per_loop = self._by_loop.setdefault(loop, {})
            if route.endpoint not in per_loop:
                per_loop[route.endpoint] = asyncio.Semaphore(route.max_concurrency)
            return per_loop[route.endpoint]

    def rate(self, route: Route) -> AsyncLimiter | None:
        """The endpoint's requests-per-minute limiter (the first route to ask sets the rate), or None."""
        if route.requests_per_minute is None:
            return None
        loop = asyncio.get_running_loop()
        with self._lock:
            per_loop = self._rates.setdefault(loop, {})
            if route.endpoint not in per_loop:
                # One request per 60/rpm seconds, no burst: "N a minute" spread evenly, as providers count it.
                per_loop[route.endpoint] = AsyncLimiter(1, 60.0 / route.requests_per_minute)
            return per_loop[route.endpoint]

    @contextlib.asynccontextmanager
    async def slot(self, route: Route) -> AsyncIterator[None]:
        """Hold one of the endpoint's concurrent slots, after waiting for the rate limit if there is one."""
        if (rate := self.rate(route)) is not None:
            await rate.acquire()
        async with self.get(route):
            yield
