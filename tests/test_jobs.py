"""Debates in worker processes: started from the app, run in another process, seen by the page as they happen.

Real pieces throughout: a DuckDB file owned by this (the page's) process, a worker started with
``python -m core._job_worker`` that reaches the store only through the runner's socket, and the
page's own incremental watch.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.debate_runner import DebateRegistry
from app.debate_session import DebateWatch, snapshot, start_debate
from core.bundle import load_bundle
from core.config import Settings
from core.errors import DebateError
from core.jobs import JobRunner
from core.pipeline import fuse, ingest_bundle, open_incident
from core.schema import JudgmentReady, TurnFinished
from core.store import Store
from tests.conftest import MiniBundle


@pytest.fixture
def fused(store: Store, settings: Settings, mini_bundle: MiniBundle) -> str:
    bundle = load_bundle(mini_bundle.root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    fuse(store, settings, incident.id)
    return incident.id


@pytest.fixture
def runner(store: Store) -> Iterator[JobRunner]:
    jobs = JobRunner(store, workers=1)
    yield jobs
    jobs.close()


def _watch_until_done(store: Store, registry: DebateRegistry, incident_id: str, timeout_s: float) -> list[int]:
    """Refresh like the page does; returns how many transcript items each refresh drew."""
    watch, drawn = DebateWatch(incident_id), []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        snap = snapshot(store, registry, incident_id, watch)
        drawn.append(len(snap.items))
        if not snap.running and snap.judgment is not None:
            return drawn
        time.sleep(0.05)
    raise AssertionError(f"no ruling within {timeout_s}s: {drawn[-5:]}")


def test_a_debate_started_from_the_app_runs_in_a_worker_process_and_the_page_sees_it(
        store: Store, settings: Settings, fused: str, runner: JobRunner) -> None:
    registry = DebateRegistry()
    run = start_debate(store, settings, registry, fused, "offline", 0.01, jobs=runner)
    drawn = _watch_until_done(store, registry, fused, timeout_s=90)
    assert run.state == "finished", run.error
    assert run.pid is not None and run.pid != os.getpid(), "the orchestrator ran in this process"
    assert run.pid in runner.worker_pids(), "not one of the runner's workers"
    assert max(drawn) > 0 and drawn[0] < max(drawn), "the page saw the transcript grow while the worker debated"
    info = store.latest_debate(fused)
    assert info is not None and info.status == "finished" and run.debate_id == info.id
    stored = store.list_events(info.id)
    assert any(isinstance(e, JudgmentReady) for e in stored), "the worker's ruling is in the page's store"
    assert [e.turn.agent for e in stored if isinstance(e, TurnFinished)][-1] == "JudgeAgent"


def test_cancel_from_the_page_reaches_the_worker(store: Store, settings: Settings, fused: str,
                                                 runner: JobRunner) -> None:
    registry = DebateRegistry()
    run = start_debate(store, settings, registry, fused, "offline", 0.2, jobs=runner)  # slow: time to cancel
    deadline = time.monotonic() + 60
    while not run.started and time.monotonic() < deadline:
        time.sleep(0.05)
    run.cancel()
    assert run.wait(60), "the worker never wound the debate down"
    info = store.latest_debate(fused)
    assert run.state == "cancelled" and info is not None and info.status == "cancelled", (run.state, info)


def test_a_worker_that_dies_ends_its_debate_as_failed_and_resumable(store: Store, settings: Settings, fused: str,
                                                                     runner: JobRunner) -> None:
    registry = DebateRegistry()
    run = start_debate(store, settings, registry, fused, "offline", 0.2, jobs=runner)
    deadline = time.monotonic() + 60
    while not run.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.pid is not None and run.pid != os.getpid()
    os.kill(run.pid, 9)
    assert run.wait(30), "the page kept waiting for a dead worker"
    assert run.state == "failed" and "worker process" in (run.error or ""), run.error
    snap = snapshot(store, registry, fused)
    assert snap.interrupted, "the stored debate should offer a resume"
    # A new worker takes the resumed debate and finishes it.
    resumed = start_debate(store, settings, registry, fused, "offline", 0.0, resume_id=snap.info.id,  # type: ignore[union-attr]
                           jobs=runner)
    assert resumed.wait(90) and resumed.state == "finished", resumed.error
    assert resumed.pid != run.pid


def test_an_incident_without_evidence_fails_at_once_with_a_message(store: Store, settings: Settings,
                                                                    mini_bundle: MiniBundle, runner: JobRunner) -> None:
    incident = open_incident(store, load_bundle(mini_bundle.root).draft)
    with pytest.raises(DebateError, match="no fused evidence"):
        start_debate(store, settings, DebateRegistry(), incident.id, "offline", 0.0, jobs=runner)


def test_a_worker_transaction_commits_or_rolls_back_on_the_owners_store(store: Store, runner: JobRunner) -> None:
    """Core code that writes with `store.transaction()` works from a worker, all or nothing, as in-process."""
    from core._job_worker import _Client, _RemoteStore

    client = _Client(address=runner.address, authkey=runner._authkey)
    client.connect()
    remote = _RemoteStore(client.store(), client.hub())  # type: ignore[attr-defined]
    with remote.transaction() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS _worker_probe (n INTEGER)")
        cur.execute("INSERT INTO _worker_probe VALUES (?), (?)", [1, 2])
        assert cur.execute("SELECT count(*) FROM _worker_probe").fetchall() == [(2,)]
    with pytest.raises(RuntimeError), remote.transaction() as cur:
        cur.execute("INSERT INTO _worker_probe VALUES (3)")
        raise RuntimeError("the worker's code failed half way")
    assert store.query_df("SELECT n FROM _worker_probe ORDER BY n")["n"].tolist() == [1, 2], "the failed one landed"
    assert remote.list_incidents() == store.list_incidents(), "other methods run on the owner's store"


def _zipped(root: Path) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(root).as_posix())
    return buffer.getvalue()


def _counts(store: Store, incident_id: str) -> dict[str, int]:
    tables = ("assets", "log_lines", "exceptions", "frames", "commits", "evidence", "graph_nodes", "graph_edges",
              "incident_code")
    return {t: int(store.query_df(f"SELECT count(*) AS n FROM {t} WHERE incident_id = ?", [incident_id])["n"][0])
            for t in tables}


def _worker_calls(runner: JobRunner) -> list[int | None]:
    """The worker pid of every ingest the runner does from now on (its `ingest` wrapped)."""
    seen: list[int | None] = []
    real_ingest = runner.ingest

    def spy(job, progress):  # type: ignore[no-untyped-def]
        seen.append(real_ingest(job, progress))
        return seen[-1]

    runner.ingest = spy  # type: ignore[method-assign]
    return seen


def test_an_ingest_in_a_worker_lands_in_the_owners_store_as_one_done_here(
        store: Store, settings: Settings, mini_bundle: MiniBundle, runner: JobRunner, tmp_path: Path) -> None:
    from app import intake_flow

    data, stages, opened = _zipped(mini_bundle.root), [], []
    pid_box = _worker_calls(runner)
    incident = intake_flow.load_archive(store, settings, data, lambda s, f: stages.append(s), opened.append,
                                        jobs=runner)
    assert pid_box and pid_box[0] is not None and pid_box[0] != os.getpid(), "the ingest ran in this process"
    assert opened and opened[0].id == incident.id and "fuse" in stages
    reference = Store(tmp_path / "reference.duckdb")
    try:
        same = intake_flow.load_archive(reference, settings, data, lambda s, f: None, lambda i: None)
        want = _counts(reference, same.id)
    finally:
        reference.close()
    got = _counts(store, incident.id)
    assert got == want and got["log_lines"] > 0 and got["evidence"] > 0, (got, want)
    assert store.get_incident(incident.id).status == "ingested"
    actions = store.query_df("SELECT action FROM audit_log WHERE incident_id = ?", [incident.id])["action"].tolist()
    assert "asset.uploaded" in actions, actions  # the worker's audit rows joined this store's chain
    assert not list((settings.work_dir / "staging").glob("*")), "the staging file was left behind"
    # The merged incident debates like any other.
    run = start_debate(store, settings, DebateRegistry(), incident.id, "offline", 0.0, jobs=runner)
    assert run.wait(90) and run.state == "finished", run.error


def test_an_ingest_that_fails_in_the_worker_raises_its_error_here_and_leaves_the_incident_resumable(
        store: Store, settings: Settings, mini_bundle: MiniBundle, runner: JobRunner) -> None:
    from app import intake_flow
    from core.errors import IngestError
    from core.resume import resume_step

    opened: list[object] = []
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    (settings.work_dir / "staging").write_text("a file where the worker wants its staging folder")
    with pytest.raises(IngestError, match="FileExistsError"):
        intake_flow.load_archive(store, settings, _zipped(mini_bundle.root), lambda s, f: None, opened.append,
                                 jobs=runner)
    incident_id = opened[0].id  # type: ignore[attr-defined]
    assert resume_step(store, incident_id) == "ingest", "the History page would not offer to read it again"
    assert not store.list_assets(incident_id), "half an ingest landed in the store"


def test_with_two_workers_debates_and_ingests_run_in_separate_processes(
        store: Store, settings: Settings, mini_bundle: MiniBundle, fused: str) -> None:
    """A debate must not share an interpreter lock with a CPU-bound ingest: its bubbles would wait on the parsing.

    An idle debate worker is not handed an ingest, and the next debate goes back to the debate worker.
    """
    from app import intake_flow

    jobs = JobRunner(store, workers=2)
    try:
        first = start_debate(store, settings, DebateRegistry(), fused, "offline", 0.0, jobs=jobs)
        assert first.wait(90) and first.state == "finished", first.error
        ingest_pids = _worker_calls(jobs)
        loaded = intake_flow.load_archive(store, settings, _zipped(mini_bundle.root), lambda s, f: None,
                                          lambda i: None, jobs=jobs)
        assert ingest_pids and ingest_pids[0] is not None
        assert ingest_pids[0] != first.pid, "the idle debate worker was handed the ingest"
        second = start_debate(store, settings, DebateRegistry(), loaded.id, "offline", 0.0, jobs=jobs)
        assert second.wait(90) and second.state == "finished", second.error
        assert second.pid == first.pid, "debates did not stay in their own worker"
        assert sorted(jobs.worker_pids()) == sorted({first.pid, ingest_pids[0]})
    finally:
        jobs.close()


def _evidence(store: Store, incident_id: str) -> list[tuple[str, str]]:
    rows = store.query_df("SELECT kind, text FROM evidence WHERE incident_id = ? ORDER BY kind, text", [incident_id])
    return list(zip(rows["kind"], rows["text"], strict=True))


def test_files_added_and_a_fusion_again_run_in_a_worker_and_land_as_they_would_here(
        store: Store, settings: Settings, mini_bundle: MiniBundle, runner: JobRunner, tmp_path: Path) -> None:
    """Adding assets and re-fusing after new in-app rules leave the page process; the result is the same."""
    from app import intake_flow

    data = _zipped(mini_bundle.root)
    extra = [("later.log", b"2024-03-01 10:15:00.000 ERROR [main] c.e.Late - timeout talking to billing\n" * 3)]
    reference = Store(tmp_path / "reference.duckdb")
    try:
        here = intake_flow.load_archive(reference, settings, data, lambda s, f: None, lambda i: None)
        intake_flow.add_files(reference, settings, here, extra, lambda s, f: None)
        want_added = (_counts(reference, here.id), _evidence(reference, here.id))
        intake_flow.apply_in_app_rules(reference, settings, here, "", "com.acme")
        want_rules = (_counts(reference, here.id), _evidence(reference, here.id))
    finally:
        reference.close()

    incident = intake_flow.load_archive(store, settings, data, lambda s, f: None, lambda i: None, jobs=runner)
    seen = _worker_calls(runner)
    intake_flow.add_files(store, settings, incident, extra, lambda s, f: None, jobs=runner)
    assert len(seen) == 1 and seen[0] not in (None, os.getpid()), "the files were not added in a worker"
    assert (_counts(store, incident.id), _evidence(store, incident.id)) == want_added
    intake_flow.apply_in_app_rules(store, settings, incident, "", "com.acme", jobs=runner)
    assert len(seen) == 2, "the fusion ran in this process"
    got = (_counts(store, incident.id), _evidence(store, incident.id))
    assert got == want_rules and got != want_added, "new in-app rules changed nothing"
    assert store.in_app_rules(incident.id)[1] == ["com.acme"]
    assert not list((settings.work_dir / "staging").glob("*")), "a staging file was left behind"


def test_a_comparison_runs_in_a_worker_and_concludes_what_it_concludes_here(
        store: Store, settings: Settings, fused: str, mini_bundle: MiniBundle, runner: JobRunner) -> None:
    from core.compare import compare_modes
    from core.jobs import CompareModesJob

    here = compare_modes(store, settings, fused, "offline")
    handles = []
    real_submit = runner.submit

    def spy(job):  # type: ignore[no-untyped-def]
        handles.append(real_submit(job))
        return handles[-1]

    runner.submit = spy  # type: ignore[method-assign]
    stages: list[str] = []
    there = runner.compare(CompareModesJob(settings=settings, incident_id=fused, brain="offline"),
                           lambda mode, fraction: stages.append(mode))
    assert handles and handles[0].pid not in (None, os.getpid()), "the comparison ran in this process"
    assert stages == ["single", "vote", "debate", "done"]

    def verdicts(comparison):  # type: ignore[no-untyped-def]
        return [(r.mode, r.location, r.commit, round(r.confidence, 3), r.turns, r.error) for r in comparison.results]

    assert verdicts(there) == verdicts(here) and len(there.results) == 3
    assert all(r.location is not None for r in there.results), verdicts(there)
    unfused = open_incident(store, load_bundle(mini_bundle.root).draft)
    with pytest.raises(DebateError, match="no fused evidence"):
        runner.compare(CompareModesJob(settings=settings, incident_id=unfused.id, brain="offline"),
                       lambda mode, fraction: None)


def test_an_interrupted_ingest_is_read_again_and_a_fusion_resumed_in_a_worker(
        store: Store, settings: Settings, runner: JobRunner, tmp_path: Path) -> None:
    """History's 'read its files again' and 'continue' run in a worker too, and land as they would here."""
    from app import intake_flow
    from core.reingest import redo_ingest
    from core.resume import resume_step
    from tests.conftest import build_mini_bundle

    root = settings.work_dir / "uploads" / "20261206-010101-abcdef"
    build_mini_bundle(root)

    def interrupted(target: Store) -> str:
        incident = open_incident(target, load_bundle(root).draft)
        target.record_failed_asset(incident.id, "log", "half.log", "the server stopped while this file was read")
        return incident.id

    reference = Store(tmp_path / "reference.duckdb")
    try:
        here = interrupted(reference)
        redo_ingest(reference, settings, here)
        want = (_counts(reference, here), _evidence(reference, here))
    finally:
        reference.close()

    incident_id = interrupted(store)
    seen = _worker_calls(runner)
    assert redo_ingest(store, settings, incident_id, jobs=runner) == root
    assert len(seen) == 1 and seen[0] not in (None, os.getpid()), "the files were not read in a worker"
    assert "half.log" not in {a.name for a in store.list_assets(incident_id)}, "the partial rows were kept"
    assert (_counts(store, incident_id), _evidence(store, incident_id)) == want
    assert resume_step(store, incident_id) in ("debate", "done")
    intake_flow.fuse_again(store, settings, store.get_incident(incident_id), jobs=runner)
    assert len(seen) == 2, "the fusion ran in this process"
    assert (_counts(store, incident_id), _evidence(store, incident_id)) == want, "fusing again changed the evidence"
