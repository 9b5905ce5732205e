"""Fusion over a real mini incident: onset, suspects, ownership, noise, and sources behind evidence."""

from __future__ import annotations

from core.bundle import load_bundle
from core.config import Settings
from core.fusion import resolve_source
from core.pipeline import fuse, ingest_bundle, open_incident
from core.store import Store
from tests.conftest import MiniBundle


def _fused(store: Store, settings: Settings, mini: MiniBundle):
    bundle = load_bundle(mini.root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    return incident, fuse(store, settings, incident.id)


def test_line_suspect_beats_a_closer_commit_and_later_commits_are_excluded(
    store: Store, settings: Settings, mini_bundle: MiniBundle
) -> None:
    _, ctx = _fused(store, settings, mini_bundle)
    assert ctx.suspects[0].sha == mini_bundle.bug_sha and ctx.suspects[0].match == "frame_line"
    assert ctx.suspects[0].guilty
    assert mini_bundle.later_sha not in {s.sha for s in ctx.suspects}
    assert ctx.later_commits == 1
    # The closer commit landed after the errors had begun: it cannot have caused them, and the ledger says so.
    assert mini_bundle.distractor_sha not in {s.sha for s in ctx.suspects}
    assert any(e.source == "git:after-onset" and "after the errors began" in e.text for e in ctx.evidence)


def test_frames_onset_owner_and_noise(store: Store, settings: Settings, mini_bundle: MiniBundle) -> None:
    _, ctx = _fused(store, settings, mini_bundle)
    top = ctx.top_group
    assert top is not None and top.count == 40 and top.root_type.endswith("SQLTransactionRollbackException")
    frame = top.frames[0]
    assert (frame.path, frame.line) == ("src/main/java/com/acme/shop/stock/application/StockService.java",
                                        mini_bundle.bug_line)
    assert frame.blame_sha == mini_bundle.bug_sha and "findBySkuForUpdate" in (frame.code or "")
    assert ctx.owner is not None and ctx.owner.team == "@acme/stock-team"
    assert ctx.bounded_context == "stock"
    assert ctx.burst is not None and 80 <= ctx.burst.minutes_before_start <= 100
    assert ctx.noise and "Config refresh failed" in ctx.noise[0].template
    assert [d.tag for d in ctx.deploys] == ["v1.2.0"] and mini_bundle.bug_sha in ctx.deploys[0].contains


def test_evidence_ids_are_stable_and_resolve_to_their_source(
    store: Store, settings: Settings, mini_bundle: MiniBundle
) -> None:
    incident, ctx = _fused(store, settings, mini_bundle)
    ids = [e.id for e in store.list_evidence(incident.id)]
    assert ids == [f"E{i}" for i in range(1, len(ids) + 1)]
    frame_ev = next(e for e in ctx.evidence if e.kind == "stack_frame")
    view = resolve_source(store, incident.id, frame_ev.id)
    assert f">> {mini_bundle.bug_line:>5}" in view.text and "findBySkuForUpdate" in view.text
    exc_ev = next(e for e in ctx.evidence if e.kind == "exception")
    assert "CannotAcquireLockException" in resolve_source(store, incident.id, exc_ev.id).text
    commit_ev = next(e for e in ctx.evidence if e.kind == "commit")
    assert "diff --git" in resolve_source(store, incident.id, commit_ev.id).text
    assert "not in this incident" in resolve_source(store, incident.id, "E999").text


def test_without_a_repo_the_evidence_says_so(store: Store, settings: Settings, tmp_path) -> None:
    from tests.conftest import build_mini_bundle

    mini = build_mini_bundle(tmp_path / "norepo", with_repo=False)
    _, ctx = _fused(store, settings, mini)
    assert not ctx.repo_available and ctx.suspects == []
    assert ctx.top_group is not None and ctx.top_group.frames[0].path is None
