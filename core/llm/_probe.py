"""A connection test for one route: one tiny chat completion, its latency and reply, or why it failed.

Not part of `core.llm`'s public API (the settings page imports it directly); it never raises.
"""

from __future__ import annotations

import logging
import time

import openai
from pydantic import BaseModel

from core.llm.routing import Route

__all__ = ["ProbeResult", "probe"]

log = logging.getLogger(__name__)

_PROMPT = "Connection test. Reply with the single word: pong"


class ProbeResult(BaseModel):
    """What one test call saw: whether it worked, how long it took, what the model said, or the error."""

    ok: bool
    latency_ms: float | None = None
    model_reply: str | None = None
    error: str | None = None


def _reason(exc: Exception, timeout_s: float) -> str:
    if isinstance(exc, openai.APIStatusError):
        detail = ""
        try:
            body = exc.response.json()
            detail = str((body.get("error") or {}).get("message") or "") if isinstance(body, dict) else ""
        except ValueError:
            detail = exc.response.text[:160]
        hint = {401: "the key was refused", 403: "the key may not use this model",
                404: "unknown model or wrong base URL",
                429: "rate limited"}.get(exc.status_code, "")
        return "; ".join(p for p in (f"HTTP {exc.status_code}", hint, detail[:160]) if p)
    if isinstance(exc, openai.APITimeoutError):
        return f"no answer within {timeout_s:g} s"
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc
        return f"cannot connect: {type(cause).__name__}: {cause}"[:240]
    return f"{type(exc).__name__}: {exc}"[:240]


def probe(route: Route, api_key: str | None, *, timeout_s: float = 10.0) -> ProbeResult:
    """Send one short, non-streaming chat completion to `route` and report what happened.

    Args:
        route: endpoint and model to try (its own timeout is capped at `timeout_s`).
        api_key: the key to send; None sends a placeholder (for endpoints that need none, e.g. a local vLLM).
        timeout_s: the most the test may take.

    Returns:
        ok with latency and the model's (truncated) reply, or not ok with a one-line reason. Never raises.
    """
    timeout = min(route.timeout_s, timeout_s)
    started = time.monotonic()
    try:
        with openai.OpenAI(base_url=route.endpoint, api_key=api_key or "not-needed", timeout=timeout,
                           max_retries=0) as client:
            reply = client.chat.completions.create(
                model=route.model, messages=[{"role": "user", "content": _PROMPT}], max_tokens=16, temperature=0.0,
            )
        latency = round((time.monotonic() - started) * 1000.0, 1)
        text = (reply.choices[0].message.content or "").strip() if reply.choices else ""
        log.info("probe %s %s: ok in %.0f ms", route.endpoint, route.model, latency)
        return ProbeResult(ok=True, latency_ms=latency, model_reply=text[:120])
    except Exception as exc:  # noqa: BLE001 - the page shows any failure as a result, never as a traceback
        latency = round((time.monotonic() - started) * 1000.0, 1)
        reason = _reason(exc, timeout)
        log.info("probe %s %s: failed after %.0f ms: %s", route.endpoint, route.model, latency, reason)
        return ProbeResult(ok=False, latency_ms=latency, error=reason)
