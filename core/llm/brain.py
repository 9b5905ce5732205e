"""The LLM brain: each agent is an autogen AssistantAgent over its routed OpenAI-compatible model."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Literal

from core.agents.base import AgentReply, Brain, DebateView, StreamFn
from core.agents.offline import OfflineBrain
from core.i18n import text
from core.llm._budget import (
    BudgetLedger,
    EndpointLimiter,
    TurnUsage,
    UsageTotals,
)
from core.llm._client import (
    CallResult,
    ClientFactory,
    history,
    openai_client,
    run_agent,
    with_retries,
)
from core.llm._errors import LLMError, LLMOutputError
from core.llm._guard import CircuitBreaker, GuardedClient
from core.llm._output import (
    OutputInvalid,
    map_strings,
    output_schema,
    parse_output,
    to_reply,
)
from core.llm._prompt import repair_prompt, system_prompt, user_prompt
from core.llm._stream import PlaceholderHold, ProseStream
from core.llm.routing import Route, Routing
from core.redact import Redactor, TurnRedactor
from core.schema import AgentName, AgentTurn

if TYPE_CHECKING:
    from core.llm._tools import IncidentTools, ToolEventFn

__all__ = ["FALLBACK_CEILING", "LLMBrain", "capped_fallback"]

log = logging.getLogger(__name__)

# The most confidence an offline answer may carry in an LLM debate where no model turn supports more.
FALLBACK_CEILING = 0.5


def capped_fallback(reply: AgentReply, turns: list[AgentTurn], reason: str, language: str) -> AgentReply:
    """An offline stand-in for a failed model turn, never more confident than the model's turns so far.

    The cap is the highest confidence of a turn a model answered (FALLBACK_CEILING when none did), so a debate
    whose endpoint died cannot rule more confidently than a working model would; the ruling also says why.
    """
    model_turns = [t.confidence for t in turns if t.brain == "llm" and not (t.usage and t.usage.fallback)]
    cap = min(max(model_turns, default=FALLBACK_CEILING), 1.0)
    update: dict[str, Any] = {
        "summary": f"[offline fallback: {reason}] {reply.summary}", "confidence": min(reply.confidence, cap),
        "hypotheses": [h.model_copy(update={"confidence": min(h.confidence, cap)}) for h in reply.hypotheses],
    }
    if reply.judgment is not None:
        note = text("llm_brain.fallback_ruling", language, reason=reason, cap=cap)
        update["judgment"] = reply.judgment.model_copy(update={
            "confidence": round(min(reply.judgment.confidence, cap), 2), "missing": [*reply.judgment.missing, note]})
    return reply.model_copy(update=update)


class LLMBrain:
    """Answers for every agent with a model, per the routing; one instance per debate (it holds the budgets).

    A turn that cannot get a valid answer (endpoint down after retries, invalid output after one repair,
    budget spent) is answered by `fallback` instead — by default the offline brain — and its summary
    starts with "[offline fallback: <reason>]". Pass `use_fallback=False` to raise the LLMError instead.

    Args:
        routing: which model answers for which agent (see `load_routing`).
        client_factory: builds a chat client for a route inside the running loop (tests inject autogen's
            replay client here); defaults to autogen's OpenAI-compatible client.
        fallback: the brain that answers a failed turn (default: the offline brain).
        use_fallback: False to raise the turn's LLMError (a DebateError) instead of falling back.
        tools: read-only incident tools offered to agents whose route supports function calling.
        redactor: the redactor to use (one is made per brain otherwise); consistent within the debate.
        breaker: the per-endpoint circuit breaker (one per brain otherwise; pass one to share it across brains).
    """

    name: Literal["offline", "llm"] = "llm"

    def __init__(
        self, routing: Routing, *, client_factory: ClientFactory | None = None, fallback: Brain | None = None,
        use_fallback: bool = True, tools: IncidentTools | None = None, redactor: Redactor | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.routing = routing
        self._factory = client_factory or openai_client
        self._fallback: Brain | None = (fallback or OfflineBrain()) if use_fallback else None
        self._tools = tools
        self.redactor = redactor or Redactor()
        self._budget = BudgetLedger(routing)
        self._limiter = EndpointLimiter()
        self.breaker = breaker or CircuitBreaker(routing.breaker_failures, routing.breaker_cooldown_s)
        # What the turn in flight has spent so far, per agent (one turn per agent at a time), so a turn
        # that fails after some successful calls still reports the tokens it used.
        self._running: dict[AgentName, TurnUsage] = {}
        self._clients: dict[AgentName, GuardedClient] = {}

    @property
    def tools(self) -> IncidentTools | None:
        """The incident tools offered to agents whose route supports function calling (None: no tools)."""
        return self._tools

    # --- the Brain protocol --------------------------------------------------------------------

    def model_for(self, agent: AgentName) -> str | None:
        return self.routing.route(agent).model

    async def reply(
        self, agent: AgentName, view: DebateView, stream: StreamFn, *, on_tool: ToolEventFn | None = None,
    ) -> AgentReply:
        """Produce `agent`'s reply from its model, streaming readable text; fall back offline on failure.

        Args:
            on_tool: told about every tool call the agent makes (for ToolCall events), if tools are enabled.
        """
        incident_id = view.context.incident.id
        route = self.routing.route(agent)
        self._budget.start()
        started = time.monotonic()
        usage = TurnUsage(agent=agent, model=route.model)
        self._running[agent] = usage
        try:
            reply, usage = await self._ask(agent, route, view, stream, usage, on_tool)
        except LLMError as exc:
            usage = self._spent(agent, self._running.get(agent, usage)).model_copy(
                update={"fallback": f"{exc.reason}: {exc}"})
            if self._fallback is None:
                self._finish(usage, started)
                raise
            log.warning("incident %s: %s on %s failed (%s); answering offline for this turn",
                        incident_id, agent, route.model, usage.fallback)
            await stream(f"\n[offline fallback: {exc.reason}]\n")
            reply = await self._fallback.reply(agent, view, stream)
            reply = capped_fallback(reply, view.turns, exc.reason, view.language)
        finally:
            self._running.pop(agent, None)
            self._clients.pop(agent, None)
        usage = self._finish(usage, started)
        log.info("incident %s: %s answered by %s (%d+%d tokens, %d calls, %d retries, %.2fs%s)", incident_id, agent,
                 "offline" if usage.fallback else route.model, usage.prompt_tokens, usage.completion_tokens,
                 usage.calls, usage.retries, usage.seconds, f", fallback: {usage.fallback}" if usage.fallback else "")
        return reply

    # --- accounting ---------------------------------------------------------------------------

    def usage_for_last_turn(self, agent: AgentName) -> TurnUsage | None:
        """Tokens, calls, time, cost and any fallback of `agent`'s latest turn (for its bubble)."""
        return self._budget.last(agent)

    def totals(self) -> UsageTotals:
        """The debate's totals so far, with redaction counts (for the report)."""
        return self._budget.totals().model_copy(update={"redactions": self.redactor.counts()})

    def _spent(self, agent: AgentName, usage: TurnUsage) -> TurnUsage:
        """`usage` with the requests and tokens the agent's guarded client counted (failed requests included)."""
        client = self._clients.get(agent)
        if client is None:
            return usage
        return usage.model_copy(update={"calls": client.requests, "prompt_tokens": client.prompt_tokens,
                                        "completion_tokens": client.completion_tokens})

    def _finish(self, usage: TurnUsage, started: float) -> TurnUsage:
        return self._budget.finish(usage.model_copy(update={"seconds": round(time.monotonic() - started, 3)}))

    # --- one turn -----------------------------------------------------------------------------

    async def _ask(
        self, agent: AgentName, route: Route, view: DebateView, stream: StreamFn, usage: TurnUsage,
        on_tool: ToolEventFn | None,
    ) -> tuple[AgentReply, TurnUsage]:
        system = system_prompt(agent, view.language)
        redactor = TurnRedactor(self.redactor)  # counts what this turn redacted
        task = redactor.redact(user_prompt(agent, view))
        schema = output_schema(agent)
        tools = (self._tools.for_agent(agent, view, redactor, on_tool)
                 if self._tools is not None and route.function_calling else [])
        # Built here, inside the running loop (PITFALLS: no cross-loop clients); every request it makes is guarded.
        client = GuardedClient(self._factory(route, schema), agent=agent, route=route, budget=self._budget,
                               breaker=self.breaker, limiter=self._limiter)
        self._clients[agent] = client
        try:
            result, usage = await self._call(agent, route, client, system, task, stream, usage,
                                             incident_id=view.context.incident.id, tools=tools)
            try:
                out = parse_output(agent, result.text)
            except OutputInvalid as first:
                log.info("incident %s: %s gave invalid output (%s); asking once for a repair",
                         view.context.incident.id, agent, first)
                await stream("\n")
                prior = history(task, redactor.redact(result.text), agent)
                repair = redactor.redact(repair_prompt(str(first)))
                usage = usage.model_copy(update={"repaired": True})
                result, usage = await self._call(agent, route, client, system, repair, stream, usage,
                                                 incident_id=view.context.incident.id, prior=prior)
                try:
                    out = parse_output(agent, result.text)
                except OutputInvalid as second:
                    raise LLMOutputError(str(second)) from second
        finally:
            await _close(client)
        reply = to_reply(agent, out, view.context.evidence)
        usage = self._spent(agent, usage).model_copy(update={"redactions": dict(redactor.tally)})
        return map_strings(reply, self.redactor.restore), usage

    async def _call(
        self, agent: AgentName, route: Route, client: Any, system: str, task: str, stream: StreamFn,
        usage: TurnUsage, *, incident_id: str, prior: list[Any] | None = None, tools: list[Any] | None = None,
    ) -> tuple[CallResult, TurnUsage]:
        """One agent run (with retries), streamed to the bubble; its client checks and counts each request."""
        async def attempt() -> CallResult:
            prose, hold = ProseStream(), PlaceholderHold(self.redactor.restore)

            async def on_delta(chunk: str) -> None:
                if text := hold.feed(prose.feed(chunk)):
                    await stream(text)

            result = await run_agent(client, agent, system, task, on_delta, prior=prior or (), tools=tools or ())
            if tail := hold.flush():
                await stream(tail)
            return result

        async def on_retry(n: int, reason: str, delay: float) -> None:
            await stream(f"\n[retry {n}: {reason}]\n")

        result, retries = await with_retries(
            attempt, retries=self.routing.retries, backoff_s=self.routing.backoff_s,
            deadline_s=self._budget.remaining_s(agent), on_retry=on_retry,
            label=f"incident {incident_id}: {agent} on {route.model}",
            give_up=lambda: self.breaker.is_open(route.endpoint),
        )
        self._running[agent] = usage = self._spent(agent, usage).model_copy(
            update={"retries": usage.retries + retries})
        return result, usage


async def _close(client: Any) -> None:
    close = getattr(client, "close", None)
    if close is not None:
        try:
            await close()
        except Exception:  # closing a broken connection must not mask the turn's outcome
            log.debug("closing the model client failed", exc_info=True)
