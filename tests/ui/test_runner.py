"""The debate runner: background draining, live text, one run per incident, failures and cancel."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from app.debate_runner import DebateRegistry
from core.errors import DebateError, StoreError
from core.schema import TokenDelta, TurnStarted

IDS = {"incident_id": "INC-1", "debate_id": "D-9", "at": datetime(2026, 11, 20, tzinfo=UTC)}


def gated(gate: threading.Event, after: list[object] | None = None) -> Iterator[object]:
    yield TurnStarted(agent="LogAgent", round=0, phase="experts", **IDS)
    yield TokenDelta(agent="LogAgent", round=0, text="Errors ", **IDS)
    yield TokenDelta(agent="LogAgent", round=0, text="start", **IDS)
    assert gate.wait(5)
    yield from after or []


def test_live_text_is_visible_while_the_run_is_in_flight() -> None:
    gate, registry = threading.Event(), DebateRegistry()
    run = registry.start("INC-1", "offline", 0.0, lambda: gated(gate))
    pause = threading.Event()  # never set: a bounded sleep, 100 × 20 ms at most
    for _ in range(100):
        if run.live_text().get(("LogAgent", 0)) == "Errors start":
            break
        pause.wait(0.02)
    assert run.live_text() == {("LogAgent", 0): "Errors start"}
    assert run.debate_id == "D-9" and run.alive and run.state == "running"
    assert registry.get("INC-1") is run, "another session finds the same run (re-attach)"
    with pytest.raises(DebateError):
        registry.start("INC-1", "offline", 0.0, lambda: gated(gate))
    gate.set()
    assert run.wait(5) and run.state == "finished" and run.live_text() == {}


def test_a_failing_debate_is_reported_not_raised() -> None:
    def broken() -> Iterator[object]:
        yield TurnStarted(agent="LogAgent", round=0, phase="experts", **IDS)
        raise StoreError("disk full; free space and re-run")

    run = DebateRegistry().start("INC-2", "offline", 0.0, broken)
    assert run.wait(5)
    assert run.state == "failed" and run.error == "disk full; free space and re-run"


def test_cancel_uses_the_orchestrator_hook_when_there_is_one() -> None:
    gate, calls = threading.Event(), []
    run = DebateRegistry().start("INC-3", "offline", 0.0, lambda: gated(gate),
                                 on_cancel=lambda: (calls.append(1), gate.set()))
    run.cancel()
    assert run.wait(5) and calls == [1] and run.state == "cancelled"
