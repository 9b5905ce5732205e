"""A day of use does not pile up in the server: ended debate runs and old comparisons are forgotten."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

from app.compare_runner import CompareJobs
from app.debate_runner import DebateRegistry
from core.schema import TurnStarted


def _one_event(incident_id: str) -> Iterator[object]:
    yield TurnStarted(agent="LogAgent", round=0, phase="experts", incident_id=incident_id, debate_id="D-1",
                      at=datetime(2026, 12, 6, tzinfo=UTC))


def test_an_ended_debate_run_is_forgotten_after_its_keep_time_a_running_one_never() -> None:
    registry = DebateRegistry(keep_s=0.3)
    ended = registry.start("INC-A", "offline", 0.0, lambda: _one_event("INC-A"))
    assert ended.wait(5) and ended.state == "finished"
    assert registry.get("INC-A") is ended, "forgotten at once: a page drawing the end would lose its run"
    started = time.monotonic()
    while registry.get("INC-A") is not None:
        assert time.monotonic() - started < 5, "an ended run is kept forever"
        time.sleep(0.05)
    gate: list[int] = []

    def slow() -> Iterator[object]:
        yield from _one_event("INC-B")
        while not gate:
            time.sleep(0.02)

    running = registry.start("INC-B", "offline", 0.0, slow)
    time.sleep(0.5)
    assert registry.get("INC-B") is running, "a running debate was forgotten"
    gate.append(1)
    assert running.wait(5)


def test_only_the_newest_finished_comparisons_are_kept() -> None:
    jobs = CompareJobs(keep=3)
    for n in range(8):
        job = jobs.start(f"INC-{n}", "offline", lambda progress: None)  # type: ignore[arg-type,return-value]
        assert job.wait(5)
    kept = [f"INC-{n}" for n in range(8) if jobs.get(f"INC-{n}") is not None]
    assert kept == ["INC-4", "INC-5", "INC-6", "INC-7"], kept  # 3 finished before the newest, and the newest
