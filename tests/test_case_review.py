"""The case library holds confirmed rulings only: a finished debate adds nothing, a person's confirmation
adds the ruling once, and the built-in demo's own rulings never join; loading the demo again reuses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import cases
from core.audit import list_events
from core.auth import Forbidden, Principal
from core.bundle import load_bundle
from core.case_review import confirm_ruling, library_state
from core.cases import in_library, library_size, similar_cases
from core.config import Settings
from core.errors import TribunalError
from core.pipeline import (
    find_demo_incident,
    fuse,
    ingest_bundle,
    open_incident,
    run_debate,
)
from core.store import Store
from tests.conftest import build_mini_bundle

LEAD = Principal(name="lead@acme.test", role="analyst")


def _judge(store: Store, settings: Settings, root: Path) -> str:
    bundle = load_bundle(build_mini_bundle(root).root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    fuse(store, settings, incident.id)
    list(run_debate(store, settings, incident.id))
    return incident.id


def test_a_finished_debate_adds_nothing_and_a_confirmation_adds_the_ruling_once(
        store: Store, settings: Settings, tmp_path: Path) -> None:
    incident_id = _judge(store, settings, tmp_path / "bundle")  # ingest may add the bundle's own case files
    before = library_size(settings)
    assert not in_library(settings, incident_id), "a ruling nobody confirmed joined the library"
    state = library_state(store, settings, incident_id)
    assert state.allowed and not state.in_library
    with pytest.raises(Forbidden):
        confirm_ruling(store, settings, incident_id, Principal(name="guest", role="viewer"))
    assert not in_library(settings, incident_id)
    confirm_ruling(store, settings, incident_id, LEAD)
    assert library_size(settings) == before + 1 and in_library(settings, incident_id)
    audited = list_events(store, incident_id=incident_id)
    assert any(r.action == "case.confirmed" and r.actor == LEAD.name for r in audited)
    assert library_state(store, settings, incident_id).in_library
    confirm_ruling(store, settings, incident_id, LEAD)  # confirming again replaces, never duplicates
    assert library_size(settings) == before + 1
    hit = next(h for h in similar_cases(settings, "reserve stock FOR UPDATE lock wait", 10) if h.id == incident_id)
    assert "lead" not in hit.source and "acme.test" not in hit.source, "who confirmed is redacted in the shared library"


def test_the_demo_rulings_are_refused_and_the_demo_is_reused(store: Store, settings: Settings) -> None:
    assert find_demo_incident(store, settings) is None
    incident_id = _judge(store, settings, settings.home / "demo" / "bundle")
    before = library_size(settings)
    state = library_state(store, settings, incident_id)
    assert not state.allowed and state.reason == "demo"
    with pytest.raises(TribunalError, match="demo"):
        confirm_ruling(store, settings, incident_id, LEAD)
    assert library_size(settings) == before
    found = find_demo_incident(store, settings)
    assert found is not None and found.id == incident_id


def test_nothing_to_confirm_and_an_unwritable_library(store: Store, settings: Settings, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = load_bundle(build_mini_bundle(tmp_path / "b").root)
    incident = open_incident(store, bundle.draft)
    with pytest.raises(TribunalError, match="run the debate first"):
        confirm_ruling(store, settings, incident.id, LEAD)
    ingest_bundle(store, settings, incident, bundle)
    fuse(store, settings, incident.id)
    list(run_debate(store, settings, incident.id))

    def always_conflicts(*_: object, **__: object) -> None:
        raise RuntimeError("lance error: Retryable commit conflict for version 8: preempted by CreateIndex")

    monkeypatch.setattr(cases, "_table", always_conflicts)
    monkeypatch.setattr(cases, "_BACKOFF_S", 0.001)
    with pytest.raises(TribunalError, match="case library"):
        confirm_ruling(store, settings, incident.id, LEAD)
