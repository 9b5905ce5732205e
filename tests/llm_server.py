"""An OpenAI-compatible chat-completions server on 127.0.0.1 for tests: scripted replies, SSE, faults, a request log.

Each model name has a queue of scripted `Reply`s; when a model's queue is empty the server answers with
`plausible_reply`, a fake model that reads the prompt the brain sent (its role, ledger and debate so far)
and writes a schema-valid JSON reply citing real evidence ids. Every request is recorded so tests can
check routing, redaction and prompt integrity. All waits are bounded; `stop()` ends everything.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

import pytest
from autogen_core.models import LLMMessage
from autogen_ext.models.replay import ReplayChatCompletionClient

from core.agents.base import DebateView
from core.fusion.facts import FusedContext
from core.schema import Evidence, Incident

__all__ = ["STYLES", "LLMServer", "RecordedRequest", "RecordingReplay", "Reply", "dead_endpoint", "llm_server_fixture",
           "plausible_reply", "silent_endpoint", "styled_reply", "tiny_view", "with_route"]

_AGENT = re.compile(r"You are (\w+Agent)\b")
_LEDGER_LINE = re.compile(r"^(E\d+) \[(\w+)\] (\S+) — (.*)$", re.MULTILINE)
_ROUND = re.compile(r"^Round: (\d+)", re.MULTILINE)
_CHALLENGE = re.compile(r"\b(C\d+-[\w-]+(?:\.\d+)?)")
_SYMBOL = re.compile(r"frame #\d+ ([\w.$]+) \(")


@dataclass
class Reply:
    """One scripted answer (or fault) for one request."""

    content: str = ""
    tool_calls: list[dict[str, str]] | None = None  # [{"name": ..., "arguments": "{...}"}]
    status: int = 200
    retry_after: float | None = None
    delay_s: float = 0.0  # before the response headers
    hang_s: float = 0.0  # stall after the first chunk (bounded; the client should time out first)
    truncate: bool = False  # cut the content in half and finish with "length"
    drop: bool = False  # close the connection mid-stream without [DONE]
    chunk_chars: int = 16
    usage: tuple[int, int] | None = None  # (prompt, completion); estimated when None


@dataclass
class RecordedRequest:
    """A request as the server saw it."""

    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    at: float
    reply_status: int = 200

    @property
    def model(self) -> str:
        return str(self.body.get("model", ""))

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    @property
    def system(self) -> str:
        return "\n".join(str(m.get("content")) for m in self.messages if m.get("role") == "system")

    @property
    def user(self) -> str:
        return "\n".join(str(m.get("content")) for m in self.messages if m.get("role") == "user")

    @property
    def agent(self) -> str | None:
        found = _AGENT.search(self.system)
        return found.group(1) if found else None

    def raw(self) -> str:
        """Everything that left the client: headers aside, the whole JSON body."""
        return json.dumps(self.body, ensure_ascii=False)


Responder = Callable[[RecordedRequest], "Reply | str"]


class LLMServer:
    """The server; use the `llm_server` fixture, or `with LLMServer() as server:` in scripts."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.latency: dict[str, float] = {}  # per model, added before every answer
        self._scripts: dict[str, deque[Reply | str]] = {}
        self._responders: dict[str, Responder] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- control --------------------------------------------------------------------------

    def script(self, model: str, *replies: Reply | str) -> None:
        """Queue answers for `model`; each request takes the next one."""
        with self._lock:
            self._scripts.setdefault(model, deque()).extend(replies)

    def respond_with(self, model: str, responder: Responder) -> None:
        """Answer `model` (or "*") with a function of the request once its script is used up."""
        self._responders[model] = responder

    def for_model(self, model: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.model == model]

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def start(self) -> Self:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- answering --------------------------------------------------------------------------

    def _next(self, request: RecordedRequest) -> Reply:
        with self._lock:
            queue = self._scripts.get(request.model)
            item: Reply | str | None = queue.popleft() if queue else None
        if item is None:
            responder = self._responders.get(request.model) or self._responders.get("*") or plausible_reply
            item = responder(request)
        return Reply(content=item) if isinstance(item, str) else item

    def _sleep(self, seconds: float) -> None:
        """Bounded, interruptible wait: stops early when the server is stopping."""
        self._stopping.wait(timeout=max(0.0, min(seconds, 30.0)))


def _handler_for(server: LLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:  # /v1/models, for clients that probe
            self._json(200, {"object": "list", "data": [{"id": m, "object": "model"} for m in server.latency]})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except json.JSONDecodeError:
                self._json(400, {"error": {"message": "body is not JSON", "type": "invalid_request_error"}})
                return
            request = RecordedRequest(path=self.path, body=body,
                                      headers={k.lower(): v for k, v in self.headers.items()}, at=time.monotonic())
            with server._lock:
                server.requests.append(request)
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._json(404, {"error": {"message": f"no route {self.path}"}})
                return
            reply = server._next(request)
            request.reply_status = reply.status
            server._sleep(server.latency.get(request.model, 0.0) + reply.delay_s)
            try:
                if reply.status != 200:
                    headers = {"Retry-After": f"{reply.retry_after:g}"} if reply.retry_after is not None else {}
                    self._json(reply.status, {"error": {"message": f"scripted {reply.status}", "type": "server_error"}},
                               headers)
                elif body.get("stream"):
                    self._stream(request, reply)
                else:
                    self._json(200, _completion(request, reply))
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout); nothing to do

        def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, request: RecordedRequest, reply: Reply) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            for n, chunk in enumerate(_chunks(request, reply)):
                if chunk is None:  # a scripted drop
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                self.wfile.flush()
                if n == 1 and reply.hang_s:
                    server._sleep(reply.hang_s)
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

    return Handler


def _usage(request: RecordedRequest, reply: Reply, content: str) -> dict[str, int]:
    prompt, completion = reply.usage or (max(1, len(request.raw()) // 4), max(1, len(content) // 4))
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _base(request: RecordedRequest, obj: str) -> dict[str, Any]:
    return {"id": f"chatcmpl-{len(request.raw())}", "object": obj, "created": int(time.time()), "model": request.model}


def _completion(request: RecordedRequest, reply: Reply) -> dict[str, Any]:
    content = reply.content[: len(reply.content) // 2] if reply.truncate else reply.content
    message: dict[str, Any] = {"role": "assistant", "content": content if not reply.tool_calls else None}
    if reply.tool_calls:
        message["tool_calls"] = [{"id": f"call_{i}", "type": "function", "function": call}
                                 for i, call in enumerate(reply.tool_calls)]
    finish = "tool_calls" if reply.tool_calls else ("length" if reply.truncate else "stop")
    return {**_base(request, "chat.completion"), "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": _usage(request, reply, content)}


def _chunks(request: RecordedRequest, reply: Reply) -> Iterator[dict[str, Any] | None]:
    base = _base(request, "chat.completion.chunk")

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    yield chunk({"role": "assistant", "content": ""})
    if reply.tool_calls:
        for i, call in enumerate(reply.tool_calls):
            yield chunk({"tool_calls": [{"index": i, "id": f"call_{i}", "type": "function",
                                         "function": {"name": call["name"], "arguments": call["arguments"]}}]})
        yield chunk({}, "tool_calls")
        content = ""
    else:
        content = reply.content[: len(reply.content) // 2] if reply.truncate else reply.content
        step = max(1, reply.chunk_chars)
        for i in range(0, len(content), step):
            yield chunk({"content": content[i:i + step]})
            if reply.drop and i >= len(content) // 2:
                yield None
                return
        yield chunk({}, "length" if reply.truncate else "stop")
    if (request.body.get("stream_options") or {}).get("include_usage"):
        yield {**base, "choices": [], "usage": _usage(request, reply, content)}


# --- a fake model that answers from the prompt it was given -------------------------------------


def _ledger(prompt: str) -> list[tuple[str, str, str, str]]:
    return _LEDGER_LINE.findall(prompt)


def _first(ledger: list[tuple[str, str, str, str]], kind: str) -> tuple[str, str, str, str] | None:
    return next((row for row in ledger if row[1] == kind), None)


def plausible_reply(request: RecordedRequest) -> str:
    """A schema-valid reply for the agent named in the system prompt, citing ids from the ledger it was sent."""
    agent, prompt = request.agent or "LogAgent", request.user
    ledger = _ledger(prompt)
    ids = [row[0] for row in ledger]
    exc, burst, frame = _first(ledger, "exception"), _first(ledger, "log_burst"), _first(ledger, "stack_frame")
    commit, owner = _first(ledger, "commit"), _first(ledger, "ownership")
    cite = [row[0] for row in (exc, burst, frame) if row] or ids[:1]
    location = None
    if frame:
        path, _, line = frame[2].removeprefix("repo:").rpartition(":")
        symbol = _SYMBOL.search(frame[3])
        location = {"file": path, "line": int(line), "symbol": symbol.group(1) if symbol else "?"}
    sha = commit[2].removeprefix("commit:") if commit else None
    round_no = int(m.group(1)) if (m := _ROUND.search(prompt)) else 1
    out: dict[str, Any] = {"summary": f"{agent} read {len(ids)} evidence items.", "confidence": 0.7,
                           "claims": [{"text": "The dominant error starts at the onset.", "citations": cite}]}
    if agent in ("LogAgent", "DomainAgent", "CodeAgent"):
        prefix = {"LogAgent": "HL", "DomainAgent": "HD", "CodeAgent": "HC"}[agent]
        out["hypotheses"] = [{"id": f"{prefix}1", "title": "Lock contention in the changed line",
                              "statement": "The changed query locks rows and times out.", "location": location,
                              "commit_sha": sha if agent == "CodeAgent" else None,
                              "citations": [c for c in (frame and frame[0], commit and commit[0]) if c] or cite,
                              "confidence": 0.75}]
    elif agent == "CriticAgent":
        done = round_no > 1
        out["challenges"] = [] if done else [{"id": f"C{round_no}-timing", "target": "HC1", "material": True,
                                              "text": "Show the commit was deployed before the onset.",
                                              "citations": cite[:1]}]
        out["consensus"] = done
    elif agent == "RebuttalAgent":
        targets = sorted(set(_CHALLENGE.findall(prompt))) or ["C1-timing"]
        out["answers"] = [{"challenge_id": c, "verdict": "resolved",
                           "text": "The release tag shipped it before the onset.", "citations": cite[:1]}
                          for c in targets]
    else:
        chain = [row[0] for row in (exc, burst, frame, commit, owner) if row]
        out["judgment"] = {
            "root_cause": "The changed line takes a row lock that times out under load.",
            "root_cause_location": location,
            "suspect_commit": {"sha": sha, "author": "someone", "message": "the change"} if sha else None,
            "evidence_chain": chain, "fix_suggestion": "Roll back, then lock fewer rows.",
            "impact_analysis": "Checkout fails for every order.", "risk_level": "high", "rollback_recommended": True,
            "responsible_team": owner[3].rsplit(" ", 1)[-1] if owner else None, "confidence": 0.8,
            "abstained": False, "missing": [], "rejected_hypotheses": [],
        }
    return json.dumps(out, ensure_ascii=False)


def with_route(routing: Any, **fields: Any) -> Any:
    """`routing` with `fields` set on the default route and on every agent's own route (tests tune limits this way)."""
    return routing.model_copy(update={
        "default": routing.default.model_copy(update=fields),
        "agents": {a: r.model_copy(update=fields) for a, r in routing.agents.items()},
    })


# --- reply styles: the same answer written the ways real models write it ------------------------------------


def _restyle(obj: Any, style: str) -> Any:
    """Rewrite values the way some models do (numbers as strings, percentages, severity names, "file:line")."""
    if isinstance(obj, list):
        return [_restyle(v, style) for v in obj]
    if not isinstance(obj, dict):
        return obj
    out: dict[str, Any] = {}
    for key, value in obj.items():
        value = _restyle(value, style)
        if key == "confidence" and isinstance(value, float):
            value = {"strings": f"{value}", "percent": round(value * 100)}.get(style, value)
        elif key == "risk_level" and style == "synonyms":
            value = {"critical": "P0", "high": "严重", "medium": "Medium", "low": "minor"}[value]
        elif key in ("location", "root_cause_location") and isinstance(value, dict) and style == "synonyms":
            value = f"{value['file']}:{value['line']}"
        elif key == "suspect_commit" and isinstance(value, dict) and style == "synonyms":
            value = value["sha"]
        out[key] = value
    if style == "extra_keys":
        out["notes"] = "extra key a model added"
    return out


def _wrap(text: str, style: str) -> str:
    if style == "fenced":
        return f"```json\n{text}\n```"
    if style == "prose":
        return f"Here is my analysis of the evidence.\n\n{text}\n\nLet me know if you need more."
    if style == "think":
        return f"<think>\nLet me weigh the ledger first: E1 {{burst}} then E3.\n</think>\n{text}"
    if style == "broken":  # what a repair turn must fix: the reply is cut off half way
        return text[: len(text) // 2]
    return text


STYLES = ("clean", "fenced", "prose", "think", "strings", "percent", "synonyms", "extra_keys", "broken")


def styled_reply(style: str) -> Responder:
    """A responder answering like `plausible_reply`, written in `style` (one of STYLES).

    "broken" cuts every first answer in half; the repair request that follows gets a clean answer.
    """
    def respond(request: RecordedRequest) -> str:
        text = plausible_reply(request)
        if style == "broken" and any(m.get("role") == "assistant" for m in request.messages):
            return text  # the repair turn
        return _wrap(json.dumps(_restyle(json.loads(text), style), ensure_ascii=False), style)

    return respond


def dead_endpoint(status: int = 500) -> Responder:
    """Every request fails with `status` (an outage)."""
    return lambda request: Reply(status=status)


def silent_endpoint(seconds: float = 30.0) -> Responder:
    """Every request is accepted and never answered (within `seconds`, after which the server gives up)."""
    return lambda request: Reply(content="{}", delay_s=seconds)


@pytest.fixture(name="llm_server")
def llm_server_fixture() -> Iterator[LLMServer]:
    """A started server, stopped (with every stalled handler released) at teardown."""
    server = LLMServer().start()
    try:
        yield server
    finally:
        server.stop()



# --- support for unit tests with autogen's replay client ------------------------------------------


class RecordingReplay(ReplayChatCompletionClient):
    """autogen's replay client, also recording the messages of streamed calls (the brain always streams)."""

    def __init__(self, replies: list[str]) -> None:
        super().__init__(replies)
        self.streamed: list[list[LLMMessage]] = []

    def create_stream(self, messages: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.streamed.append(list(messages))
        return super().create_stream(messages, **kwargs)

    async def close(self) -> None:  # shared across turns in a test; the brain closes it after each
        return None


def tiny_view(language: str = "en", *, extra_text: str = "") -> DebateView:
    """A small fused context with five evidence items, no store needed."""
    from datetime import UTC, datetime

    started = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    incident = Incident(id="INC-T", title="Checkout fails", severity="high", started_at=started, service="order",
                        description="Orders fail with 500" + extra_text, language=language,  # type: ignore[arg-type]
                        created_at=started)
    rows = [("E1", "exception", "log:app.log:10", "40x CannotAcquireLockException" + extra_text),
            ("E2", "log_burst", "log:errors-per-minute", "errors rose at 12:30"),
            ("E3", "stack_frame", "repo:src/StockService.java:13", "frame #1 com.acme.StockService.reserve ("),
            ("E4", "commit", "commit:0c46d3f1", "0c46d3f1 changed the failing line"),
            ("E5", "ownership", "CODEOWNERS:3", "owned by @acme/stock-team")]
    evidence = [Evidence(id=i, incident_id="INC-T", kind=k, source=s, text=t) for i, k, s, t in rows]  # type: ignore[arg-type]
    return DebateView(context=FusedContext(incident=incident, evidence=evidence, key_findings=["Error onset [E2]"]),
                      language=language)  # type: ignore[arg-type]
