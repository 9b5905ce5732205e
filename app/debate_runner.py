"""Runs debates in background threads so they outlive reruns, page switches and browser reloads.

The core orchestrator (`pipeline.run_debate`) is a synchronous generator that persists every event
except token deltas. A `DebateRun` drains it in a daemon thread and keeps only what the store does
not: the debate id as soon as it is known, the streaming text of turns in flight, and how the run
ended. Pages render stored events plus `DebateRun.live_text()`, so any browser session re-attaches
to a running debate just by reading the registry. Nothing here imports a page or calls Streamlit.
With a job runner (`core.jobs`), the orchestrator itself runs in a worker process and the thread
here only relays what the worker sends.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from core.auth import Principal, require_principal
from core.errors import DebateError, TribunalError
from core.schema import JudgmentReady, TokenDelta, TurnFinished, TurnStarted

__all__ = ["DebateRegistry", "DebateRun", "RunState"]

log = logging.getLogger(__name__)

RunState = Literal["starting", "running", "finished", "failed", "cancelled"]

#: Starts the core debate: () -> iterator of events (bound to store, settings, incident, brain, pace).
EventSource = Callable[[], Iterator[object]]


@dataclass
class DebateRun:
    """One debate being drained in a background thread."""

    incident_id: str
    brain: str
    pace_s: float
    state: RunState = "starting"
    debate_id: str | None = None
    error: str | None = None
    events: int = 0
    _live: dict[tuple[str, int], str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _cancel: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _on_cancel: Callable[..., None] | None = None  # (actor=...) when a signed-in user stops it
    _on_intervene: Callable[..., None] | None = None  # (kind, text, target, actor=...)
    _process: Callable[[], int | None] | None = None
    ended_at: float | None = None  # time.monotonic() when the run ended

    @property
    def pid(self) -> int | None:
        """The process running the debate: a worker's, or this one's when it runs in a thread here."""
        return self._process() if self._process is not None else os.getpid()

    @property
    def alive(self) -> bool:
        """True while the thread is still producing events."""
        return self._thread is not None and self._thread.is_alive()

    def live_text(self) -> dict[tuple[str, int], str]:
        """Text streamed so far for each turn in flight, keyed by (agent, round)."""
        with self._lock:
            return dict(self._live)

    def cancel(self, *, actor: Principal | None = None) -> None:
        """Ask the run to stop (the store keeps everything said so far).

        With an orchestrator cancel hook the debate records the cancellation and winds down itself;
        without one the event stream is closed after the current event.

        Raises:
            Forbidden: `actor` is below analyst (checked here, and again by the orchestrator).
        """
        if actor is not None:
            require_principal(actor, "analyst", "stop a debate")
        self._cancel.set()
        if self._on_cancel is not None:
            self._on_cancel(**({"actor": actor} if actor is not None else {}))

    @property
    def can_intervene(self) -> bool:
        return self._on_intervene is not None and self.alive

    def intervene(self, kind: str, text: str, target: str | None = None, *, actor: Principal | None = None) -> None:
        """Hand a human note, question or rejected hypothesis to the orchestrator (applied before the next turn).

        Raises:
            DebateError: this run cannot take interventions.
            Forbidden: `actor` is below analyst (checked here, and again by the orchestrator).
        """
        if actor is not None:
            require_principal(actor, "analyst", "intervene in a debate")
        if self._on_intervene is None or not self.alive:
            raise DebateError("This debate is not running any more; start it again to intervene.")
        self._on_intervene(kind, text, target, **({"actor": actor} if actor is not None else {}))

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def wait(self, timeout: float) -> bool:
        """Block until the run ends or `timeout` passes; True when it ended."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.alive

    def start(self, source: EventSource) -> None:
        self._thread = threading.Thread(
            target=self._drain, args=(source,), name=f"debate-{self.incident_id}", daemon=True
        )
        self._thread.start()

    def _drain(self, source: EventSource) -> None:
        log.info("incident %s: debate thread started (brain=%s, pace=%.3fs)", self.incident_id, self.brain, self.pace_s)
        try:
            events = source()
            try:
                for event in events:
                    self._absorb(event)
                    if self._cancel.is_set() and self._on_cancel is None:
                        break
            finally:
                close = getattr(events, "close", None)
                if close is not None:
                    close()
        except TribunalError as exc:
            self._end("failed", str(exc))
        except Exception as exc:  # a bug in core: keep the dashboard alive, show it, log the traceback
            log.exception("incident %s: debate thread crashed", self.incident_id)
            self._end("failed", f"{type(exc).__name__}: {exc}")
        else:
            self._end("cancelled" if self._cancel.is_set() else "finished", self.error)

    @property
    def started(self) -> bool:
        """The orchestrator has produced at least one event."""
        return self.events > 0

    def _absorb(self, event: object) -> None:
        with self._lock:
            self.events += 1
            if self.debate_id is None:
                self.debate_id = getattr(event, "debate_id", None)
            if self.state == "starting":
                self.state = "running"
            if isinstance(event, TurnStarted):
                self._live[(event.agent, event.round)] = ""
            elif isinstance(event, TokenDelta):
                key = (event.agent, event.round)
                self._live[key] = self._live.get(key, "") + event.text
            elif isinstance(event, TurnFinished):
                self._live.pop((event.turn.agent, event.turn.round), None)
            elif isinstance(event, JudgmentReady):
                self._live.clear()
            elif getattr(event, "type", None) == "error":
                self.error = getattr(event, "message", None) or self.error

    def _end(self, state: RunState, error: str | None) -> None:
        with self._lock:
            self.state = "failed" if state == "finished" and error else state
            self.error = error
            self._live.clear()
            self.ended_at = time.monotonic()
        log.info("incident %s: debate thread ended (%s) %s", self.incident_id, self.state, error or "")


class DebateRegistry:
    """The debate runs of one process, keyed by incident id (at most one live run per incident).

    A run that ended is forgotten `keep_s` seconds later (the store has everything it said), so a day
    of debates does not pile up in the server's memory.
    """

    def __init__(self, keep_s: float = 300.0) -> None:
        self._runs: dict[str, DebateRun] = {}
        self._lock = threading.Lock()
        self.keep_s = keep_s

    def _forget_old(self) -> None:
        cutoff = time.monotonic() - self.keep_s
        for incident_id, run in list(self._runs.items()):
            if run.ended_at is not None and run.ended_at < cutoff and not run.alive:
                del self._runs[incident_id]

    def get(self, incident_id: str) -> DebateRun | None:
        with self._lock:
            self._forget_old()
            return self._runs.get(incident_id)

    def start(self, incident_id: str, brain: str, pace_s: float, source: EventSource, *,
              debate_id: str | None = None, on_cancel: Callable[..., None] | None = None,
              on_intervene: Callable[..., None] | None = None,
              process: Callable[[], int | None] | None = None) -> DebateRun:
        """Start a run for the incident unless one is already live.

        Args:
            source: called in the thread; returns the debate's event iterator.
            debate_id: the debate's id when known before the first event.
            on_cancel: the orchestrator's own (thread-safe) cancel, if it has one.
            on_intervene: the orchestrator's (thread-safe) intervention hook, if it has one.
            process: says which process runs the debate (a worker's pid), when not this one.

        Raises:
            DebateError: a debate for this incident is already running.
        """
        with self._lock:
            current = self._runs.get(incident_id)
            if current is not None and current.alive:
                raise DebateError(f"A debate for {incident_id} is already running; wait for it or cancel it.")
            run = DebateRun(incident_id=incident_id, brain=brain, pace_s=pace_s, debate_id=debate_id,
                            _on_cancel=on_cancel, _on_intervene=on_intervene, _process=process)
            self._runs[incident_id] = run
            run.start(source)  # under the lock: another session never finds the run without its thread
        return run

    def running(self) -> list[DebateRun]:
        with self._lock:
            return [r for r in self._runs.values() if r.alive]
