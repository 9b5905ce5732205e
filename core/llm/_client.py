"""The autogen seam: build a chat client for a route, run one AssistantAgent call, retry what is worth retrying."""

from __future__ import annotations

import asyncio
import email.utils
import functools
import logging
import random
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx2 as httpx  # openai 3.x speaks httpx2 (its transports, timeouts and errors)
import openai
from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.base import TaskResult
from autogen_agentchat.messages import ModelClientStreamingChunkEvent
from autogen_core.model_context import UnboundedChatCompletionContext
from autogen_core.models import (
    AssistantMessage,
    ChatCompletionClient,
    LLMMessage,
    UserMessage,
)
from autogen_core.tools import BaseTool
from autogen_ext.models.openai import OpenAIChatCompletionClient
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from core.llm._errors import LLMEndpointError, LLMError
from core.llm.routing import Route
from core.schema import AgentName

__all__ = ["RETRY_AFTER_CAP_S", "CallResult", "ClientFactory", "history", "openai_client", "retry_after_s", "run_agent",
           "with_retries"]

log = logging.getLogger(__name__)

ClientFactory = Callable[[Route, dict[str, Any] | None], ChatCompletionClient]
T = TypeVar("T")
RETRY_AFTER_CAP_S = 30.0
_RETRYABLE_STATUS = {408, 409, 425, 429, 500, 502, 503, 504, 520, 522, 524, 529}


@functools.lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    """Loading the CA bundle takes ~50 ms and blocks the loop; do it once per process, not once per turn."""
    return ssl.create_default_context()


def openai_client(route: Route, schema: dict[str, Any] | None) -> ChatCompletionClient:
    """An autogen OpenAI-compatible client for `route`. Build it inside the loop that uses it (PITFALLS).

    `schema` is sent as a json_schema response_format when the route supports structured output, and
    json_object mode is asked for when it supports only JSON output; the reply is validated either way.
    """
    args: dict[str, Any] = {
        "model": route.model, "base_url": route.base_url, "model_info": route.model_info(),
        "api_key": route.api_key.get_secret_value() if route.api_key else "not-needed",
        "temperature": route.temperature, "max_tokens": route.max_tokens,
        # timeout_s bounds each read of a started stream; connecting and the response's start get first_byte_s.
        "timeout": httpx.Timeout(route.timeout_s, connect=min(route.first_byte_s, route.timeout_s)),
        "max_retries": 0,  # retries (with backoff and budgets) are ours, see with_retries
        "stream_options": {"include_usage": True}, "include_name_in_message": False,
        # A fresh HTTP client per turn (no pool crosses event loops), sharing one TLS context.
        "http_client": openai.DefaultAsyncHttpxClient(transport=FirstByteTimeout(
            httpx.AsyncHTTPTransport(verify=_ssl_context()), min(route.first_byte_s, route.timeout_s))),
    }
    if schema is not None and route.structured_output:
        args["response_format"] = {"type": "json_schema",
                                   "json_schema": {"name": "agent_reply", "schema": schema, "strict": False}}
    elif schema is not None and route.json_output:
        args["response_format"] = {"type": "json_object"}
    if route.base_url is None:
        del args["base_url"]
    return OpenAIChatCompletionClient(**args)


class FirstByteTimeout(httpx.AsyncBaseTransport):
    """Give up on a request whose response has not started within `seconds` (an endpoint that never answers).

    httpx's read timeout applies to each read, so a server that accepts the connection and then stays silent
    would hold a turn for the whole read timeout (60 s by default) on every retry; this bounds the wait for the
    headers alone, and a stream that has started is left to the read timeout.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, seconds: float) -> None:
        self._inner, self._seconds = inner, seconds

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            async with asyncio.timeout(self._seconds):
                return await self._inner.handle_async_request(request)
        except TimeoutError as exc:
            raise httpx.ReadTimeout(f"no response within {self._seconds:g} s", request=request) from exc

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class CallResult:
    """The text of one agent call and what it cost."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    calls: int
    tool_calls: int


def history(task: str, reply: str, agent: AgentName) -> list[LLMMessage]:
    """The conversation a repair call continues: the original task and the invalid reply."""
    return [UserMessage(content=task, source="user"), AssistantMessage(content=reply, source=agent)]


async def run_agent(
    client: ChatCompletionClient, agent: AgentName, system: str, task: str, on_delta: Callable[[str], Awaitable[None]],
    *, prior: Sequence[LLMMessage] = (), tools: Sequence[BaseTool[Any, Any]] = (), max_tool_rounds: int = 3,
) -> CallResult:
    """Run one fresh AssistantAgent over `client`, streaming its text deltas to `on_delta`.

    A fresh agent per call keeps the model context exact on retries (a failed call leaves nothing behind).
    """
    assistant = AssistantAgent(
        agent, client, system_message=system, model_client_stream=True,
        model_context=UnboundedChatCompletionContext(initial_messages=list(prior)),
        tools=list(tools) or None, max_tool_iterations=max_tool_rounds if tools else 1,
        reflect_on_tool_use=bool(tools),
    )
    result: TaskResult | None = None
    async for event in assistant.run_stream(task=task, output_task_messages=False):
        if isinstance(event, ModelClientStreamingChunkEvent):
            await on_delta(event.content)
        elif isinstance(event, TaskResult):
            result = event
    if result is None or not result.messages:
        raise LLMEndpointError("the model returned no message")
    final = result.messages[-1]
    usages = [u for m in result.messages if (u := getattr(m, "models_usage", None)) is not None]
    return CallResult(
        text=final.to_model_text() if hasattr(final, "to_model_text") else str(getattr(final, "content", "")),
        prompt_tokens=sum(u.prompt_tokens for u in usages), completion_tokens=sum(u.completion_tokens for u in usages),
        calls=max(1, len(usages)),
        tool_calls=sum(1 for m in result.messages if m.__class__.__name__ == "ToolCallRequestEvent"),
    )


def retry_after_s(headers: Any, now: datetime | None = None) -> float | None:
    """The wait a server asks for: `retry-after-ms`, or `Retry-After` as seconds or as an HTTP date; None if absent."""
    try:
        if (ms := headers.get("retry-after-ms")) is not None:
            return max(0.0, float(ms) / 1000)
        value = headers.get("retry-after")
        if value is None:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
    except (TypeError, ValueError, AttributeError):
        return None


def _describe(exc: BaseException) -> tuple[bool, str, float | None]:
    """(retryable, a short reason, the server's Retry-After in seconds)."""
    if isinstance(exc, openai.APIStatusError):
        headers = getattr(exc.response, "headers", None) or {}
        return exc.status_code in _RETRYABLE_STATUS, f"HTTP {exc.status_code}", retry_after_s(headers)
    if isinstance(exc, openai.APITimeoutError | TimeoutError):
        return True, "timeout", None
    if isinstance(exc, openai.APIConnectionError):
        return True, "connection failed", None
    if type(exc).__module__.split(".")[0] in ("httpx", "httpx2", "httpcore", "h11"):
        return True, "connection broken mid-stream", None  # raised while iterating a stream, outside openai's wrapper
    return False, f"{type(exc).__name__}: {exc}"[:200], None


async def with_retries(
    call: Callable[[], Awaitable[T]], *, retries: int, backoff_s: float, deadline_s: float | None,
    on_retry: Callable[[int, str, float], Awaitable[None]], sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    label: str = "LLM call", give_up: Callable[[], bool] = lambda: False,
) -> tuple[T, int]:
    """Call `call` until it succeeds, retrying 429/5xx/timeouts/connection errors with exponential backoff and jitter.

    Args:
        retries: how many times to retry after the first failure.
        backoff_s: the first delay; it doubles per retry, with full jitter in [50%, 100%] and at least Retry-After.
        deadline_s: seconds available for all attempts and waits (None = no limit).
        label: who is calling, for the log ("incident X: LogAgent on glm-5").
        give_up: asked before each wait; True ends the retries (the endpoint's circuit opened meanwhile).

    Returns:
        The call's result and how many retries it took.

    Raises:
        LLMEndpointError: a non-retryable error, retries exhausted, or the deadline passed.
    """
    loop = asyncio.get_running_loop()
    end = None if deadline_s is None else loop.time() + deadline_s
    late: list[bool] = []  # set when the next wait would pass the deadline

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        delay = backoff_s * (2 ** (state.attempt_number - 1)) * random.uniform(0.5, 1.0)
        retry_after = _describe(exc)[2] if exc is not None else None
        return max(delay, min(retry_after, RETRY_AFTER_CAP_S)) if retry_after is not None else delay

    def stop(state: RetryCallState) -> bool:
        if state.attempt_number > retries or give_up():
            return True
        if end is not None and loop.time() + (state.upcoming_sleep or 0.0) >= end:
            late.append(True)
            return True
        return False

    async def before_sleep(state: RetryCallState) -> None:
        failure = state.outcome.exception() if state.outcome else None
        reason = _describe(failure)[1] if failure is not None else "?"
        log.warning("%s failed (%s); retry %d/%d in %.2fs", label, reason, state.attempt_number, retries,
                    state.upcoming_sleep)
        await on_retry(state.attempt_number, reason, state.upcoming_sleep)

    attempts = 0
    retrying = AsyncRetrying(
        retry=retry_if_exception(lambda e: not isinstance(e, LLMError) and _describe(e)[0]),
        wait=wait, stop=stop, sleep=sleep, before_sleep=before_sleep, reraise=True,
    )
    try:
        async for attempt in retrying:
            with attempt:
                attempts += 1
                left = None if end is None else end - loop.time()
                if left is not None and left <= 0:
                    raise LLMEndpointError(f"time budget spent after {attempts - 1} retries")
                async with asyncio.timeout(left):
                    result = await call()
        return result, attempts - 1
    except LLMError:
        raise
    except Exception as exc:  # classified here: anything unexpected ends this turn, never the debate
        retryable, reason, _ = _describe(exc)
        if not retryable:
            log.warning("%s failed, not retryable: %s", label, reason, exc_info=exc)
            raise LLMEndpointError(reason) from exc
        if late:
            raise LLMEndpointError(f"{reason}; no time left to retry") from exc
        if give_up():
            raise LLMEndpointError(f"{reason}; the endpoint's circuit is open") from exc
        raise LLMEndpointError(f"{reason} after {attempts - 1} retries") from exc
