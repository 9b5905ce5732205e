"""Watching a debate: each refresh reads only new events, and a finished debate costs one query.

(A debate no longer writes the case library, so an unwritable library is tested where a person confirms
a ruling: tests/test_case_review.py.)"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest

from app.debate_runner import DebateRegistry
from app.debate_session import DebateWatch, snapshot, start_debate
from core.bundle import load_bundle
from core.config import Settings
from core.pipeline import fuse, ingest_bundle, open_incident
from core.store import Store
from tests.conftest import MiniBundle


@pytest.fixture
def fused(store: Store, settings: Settings, mini_bundle: MiniBundle) -> str:
    bundle = load_bundle(mini_bundle.root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    fuse(store, settings, incident.id)
    return incident.id


class CountingStore:
    """The real store, counting the reads a page refresh makes."""

    def __init__(self, store: Store) -> None:
        self.store, self.calls, self.after = store, Counter[str](), []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.store, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            if name == "list_events":
                self.after.append(kwargs.get("after_seq", 0))
            return method(*args, **kwargs)

        return counted


def _view(snap: Any) -> list[tuple[str, str, int, str]]:
    return [(i.kind, i.agent, i.round, i.turn.summary if i.turn else "") for i in snap.items]


def test_refreshes_read_only_new_events_and_stop_reading_once_finished(
        store: Store, settings: Settings, fused: str) -> None:
    registry, counting, watch = DebateRegistry(), CountingStore(store), DebateWatch(fused)
    run = start_debate(store, settings, registry, fused, "offline", 0.02)
    refreshes = 0
    deadline = time.monotonic() + 60
    while run.alive and time.monotonic() < deadline:
        snapshot(counting, registry, fused, watch)  # type: ignore[arg-type]
        refreshes += 1
        time.sleep(0.05)
    assert not run.alive and run.state == "finished" and refreshes > 3
    final = snapshot(counting, registry, fused, watch)  # type: ignore[arg-type]
    whole = snapshot(store, registry, fused)
    assert final.judgment is not None and final.judgment == whole.judgment
    assert _view(final) == _view(whole), "the incremental transcript is the whole transcript"
    assert final.evidence == whole.evidence and final.info == whole.info
    assert counting.after[-1] > 0 and counting.after == sorted(counting.after), \
        "each read starts after the last seen event"
    assert counting.calls["list_evidence"] <= 2, "the ledger is read once per debate (and once at the end)"
    assert counting.calls["latest_debate"] <= 2, "a running debate's row is not reread every refresh"
    counting.calls.clear()
    for _ in range(5):
        again = snapshot(counting, registry, fused, watch)  # type: ignore[arg-type]
    assert _view(again) == _view(whole)
    assert dict(counting.calls) == {"latest_debate": 5}, "a finished debate costs one small query per refresh"


def test_a_rerun_or_a_resume_is_read_afresh(store: Store, settings: Settings, fused: str) -> None:
    registry, watch = DebateRegistry(), DebateWatch(fused)
    first = start_debate(store, settings, registry, fused, "offline", 0.0)
    assert first.wait(60)
    one = snapshot(store, registry, fused, watch)
    second = start_debate(store, settings, registry, fused, "offline", 0.0)
    assert second.wait(60) and second.debate_id != first.debate_id
    two = snapshot(store, registry, fused, watch)
    assert two.info is not None and two.info.id == second.debate_id and watch.debate_id == second.debate_id
    assert len(two.items) == len(one.items), "the second debate's transcript, not both appended"
