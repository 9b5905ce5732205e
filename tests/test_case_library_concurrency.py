"""Case library under concurrent writers: real LanceDB in tmp_path, threads writing at once."""

from __future__ import annotations

import contextlib
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core import cases
from core.cases import (
    PastCase,
    add_case_files,
    add_finished_analysis,
    library_size,
    similar_cases,
)
from core.config import Settings
from core.errors import StoreError
from core.schema import Incident, Judgment

WRITERS = 6


def _incident(i: int) -> Incident:
    return Incident(id=f"INC-{i}", title=f"Checkout fails, run {i}", severity="critical",
                    started_at=datetime(2026, 11, 20, tzinfo=UTC), service="order-service",
                    description="HikariPool-1 connection is not available", created_at=datetime.now(UTC))


def _judgment(i: int) -> Judgment:
    return Judgment(root_cause=f"pool exhausted by a lock held across a remote call ({i})", root_cause_location=None,
                    suspect_commit=None, evidence_chain=[], fix_suggestion="", impact_analysis="", risk_level="high",
                    rollback_recommended=False, responsible_team=None, confidence=0.7)


def _at_once(work: list[object]) -> list[BaseException]:
    """Run callables in threads released together; returns what they raised."""
    gate, errors = threading.Barrier(len(work)), []

    def go(fn: object) -> None:
        gate.wait()
        try:
            fn()  # type: ignore[operator]
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(fn,)) for fn in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def test_rulings_stored_at_once_all_land(settings: Settings) -> None:
    add_case_files(settings, [])  # nothing to do, no table yet: the writers race to create it too
    errors = _at_once([lambda i=i: add_finished_analysis(settings, _incident(i), _judgment(i)) for i in range(WRITERS)])
    assert errors == []
    assert library_size(settings) == WRITERS
    top = similar_cases(settings, "lock held across a remote call (3)", 1)[0]
    assert top.id == "INC-3", "the full-text index is whole"


@pytest.mark.parametrize("lock", [True, False], ids=["one-process", "writers-in-other-processes"])
def test_demo_loads_and_rulings_at_once_never_fail(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                                   lock: bool) -> None:
    """Without the in-process lock (as for writers in other processes) commit conflicts are retried."""
    demo = Path(__file__).resolve().parent.parent / "data/demo"
    files = sorted((demo / "design/cases").glob("*.md"))
    if not lock:
        monkeypatch.setattr(cases, "_WRITE_LOCK", contextlib.nullcontext())
    results: list[tuple[int, dict[str, str]]] = []
    work: list[object] = [lambda: results.append(add_case_files(settings, files, demo)) for _ in range(3)]
    work += [lambda i=i: add_finished_analysis(settings, _incident(i), _judgment(i)) for i in range(3)]
    assert _at_once(work) == []
    assert results == [(4, {})] * 3, "every demo load wrote its cases"
    assert library_size(settings) == 4 + 3


def test_a_conflict_is_retried_then_reported_as_a_store_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cases, "_BACKOFF_S", 0.001)
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError("lance error: Retryable commit conflict for version 8: preempted")
        return "ok"

    assert cases._with_retry("write", flaky) == "ok" and len(calls) == 3
    calls.clear()

    def always_conflicts() -> None:
        calls.append(1)
        raise RuntimeError("lance error: Retryable commit conflict for version 9")

    with pytest.raises(StoreError, match="case library: write failed"):
        cases._with_retry("write", always_conflicts)
    assert len(calls) == cases._ATTEMPTS, "bounded: gives up after the last attempt"
    calls.clear()

    def broken() -> None:
        calls.append(1)
        raise ValueError("bad schema")

    with pytest.raises(StoreError):
        cases._with_retry("write", broken)
    assert len(calls) == 1, "other failures are not retried"


def test_an_unwritable_library_fails_no_ingest(settings: Settings) -> None:
    settings.lance_dir.parent.mkdir(parents=True, exist_ok=True)
    settings.lance_dir.write_text("not a directory", encoding="utf-8")
    case = PastCase(id="C-1", title="Disk full", root_cause="logs never rotated", source="cases/c.md")
    with pytest.raises(StoreError):
        cases.add_cases(settings, [case])
    good = settings.lance_dir.parent / "c.md"
    good.write_text("---\nid: C-1\ntitle: Disk full\nroot_cause: logs never rotated\n---\n", encoding="utf-8")
    added, failed = add_case_files(settings, [good], good.parent)
    assert added == 0 and "case library" in failed["c.md"], "reported per file, not raised"
