"""A job worker process: runs debates handed out by a JobRunner, with the owner's Store over its socket.

Started by `core.jobs.JobRunner` as ``python -m core._job_worker`` with the runner's address and key in
its environment; not meant to be started by hand.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.managers import BaseManager
from typing import Any

from core.errors import TribunalError
from core.jobs import Command, CompareModesJob, DebateJob, IngestJob
from core.schema import TokenDelta

log = logging.getLogger("core.jobs.worker")

#: How often a running job sends its events (and picks up cancel/intervene requests).
BATCH_S = 0.1


class _Client(BaseManager):
    pass


_Client.register("store")
_Client.register("hub")


class _RemoteCursor:
    """The cursor of a transaction the owner holds open: `execute(...)` then `fetchall()` / `fetchone()` / `df()`."""

    def __init__(self, hub: Any, tx_id: str) -> None:
        self.hub, self.tx_id = hub, tx_id

    def execute(self, sql: str, params: Any = None) -> _RemoteCursor:
        self.hub.tx_execute(self.tx_id, sql, list(params) if params is not None else None)
        return self

    def executemany(self, sql: str, params: Any) -> _RemoteCursor:
        self.hub.tx_execute(self.tx_id, sql, [list(p) for p in params], True)
        return self

    def fetchall(self) -> Any:
        return self.hub.tx_fetch(self.tx_id, "all")

    def fetchone(self) -> Any:
        return self.hub.tx_fetch(self.tx_id, "one")

    def df(self) -> Any:
        return self.hub.tx_fetch(self.tx_id, "df")


class _RemoteStore:
    """The owner's Store as a worker sees it: every method runs there; `transaction()` too, statement by statement."""

    def __init__(self, store: Any, hub: Any) -> None:
        self._store, self._hub = store, hub

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    @contextmanager
    def transaction(self) -> Iterator[_RemoteCursor]:
        tx_id = self._hub.tx_begin()
        committed = False
        try:
            yield _RemoteCursor(self._hub, tx_id)
            committed = True
        finally:
            self._hub.tx_end(tx_id, committed)

    def insert_frame(self, cur: _RemoteCursor, table: str, frame: Any) -> None:
        self._hub.tx_insert_frame(cur.tx_id, table, frame)


class _Outbox:
    """Events of one job, sent in batches by a flusher thread; applies the commands each batch brings back."""

    def __init__(self, hub: Any, job_id: str) -> None:
        self.hub, self.job_id = hub, job_id
        self.debate: Any = None
        self._events: list[object] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._flusher = threading.Thread(target=self._run, name=f"outbox-{job_id}", daemon=True)
        self._flusher.start()

    def add(self, event: object) -> None:
        with self._lock:
            self._events.append(event)

    def end(self, state: str, error: str | None, kind: str | None = None) -> None:
        self._done.set()
        self._flusher.join()
        self._send((state, error, kind))

    def _run(self) -> None:
        while not self._done.wait(BATCH_S):
            try:
                self._send(None)
            except (EOFError, OSError):  # the owner went away; the job thread notices on its next store call
                return

    def _send(self, end: tuple[str, str | None, str | None] | None) -> None:
        with self._lock:
            batch, self._events = self._events, []
        # Token deltas of one turn in flight are merged: fewer objects to send, same text.
        merged: list[object] = []
        for event in batch:
            last = merged[-1] if merged else None
            if (isinstance(event, TokenDelta) and isinstance(last, TokenDelta)
                    and (last.agent, last.round) == (event.agent, event.round)):
                merged[-1] = last.model_copy(update={"text": last.text + event.text})
            else:
                merged.append(event)
        for command in self.hub.post(self.job_id, merged, end):
            self._apply(command)

    def _apply(self, command: Command) -> None:
        if self.debate is None:
            return
        # ("cancel", actor) and ("intervene", kind, text, target, actor): the actor is checked and audited here too
        if command[0] == "cancel":
            self.debate.cancel(actor=command[1] if len(command) > 1 else None)
        elif command[0] == "intervene":
            kind, text, target, *actor = command[1:]
            self.debate.intervene(kind, text, target, actor=actor[0] if actor else None)


def _finish(out: _Outbox, job: DebateJob | IngestJob | CompareModesJob, what: str, body: Callable[[], None], *,
            typed: bool = True) -> None:
    """Run a job's `body`, then tell the owner how it ended: a TribunalError with its message (and, when `typed`, its
    class, re-raised as such on the page side); any other exception as a crash, its traceback kept in this log."""
    state, error, kind = "finished", None, None
    try:
        body()
    except TribunalError as exc:
        state, error, kind = "failed", str(exc), type(exc).__name__ if typed else None
    except Exception as exc:  # a bug in core: the page shows it, this log keeps the traceback
        log.exception("incident %s: %s job %s crashed", job.incident_id, what, job.id)
        state, error = "failed", f"{type(exc).__name__}: {exc}"
    try:
        out.end(state, error, kind)
    except (EOFError, OSError):
        log.warning("incident %s: the page process went away before job %s ended", job.incident_id, job.id)


def _run_debate(manager: _Client, job: DebateJob) -> None:
    from core import pipeline
    from core.debate import iterate_sync

    hub = manager.hub()  # type: ignore[attr-defined]
    out = _Outbox(hub, job.id)

    def body() -> None:
        store = _RemoteStore(manager.store(), hub)  # type: ignore[attr-defined]
        out.debate = pipeline.start_debate(store, job.settings, job.incident_id, job.brain, pace_s=job.pace_s,  # type: ignore[arg-type]
                                           language=job.language, debate_id=job.debate_id, actor=job.actor)
        log.info("incident %s: debate %s running in worker pid %d", job.incident_id, out.debate.debate_id,
                 os.getpid())
        for event in iterate_sync(out.debate.events()):
            out.add(event)

    _finish(out, job, "debate", body, typed=False)  # the page reports any debate failure as a DebateError


def _run_ingest(manager: _Client, job: IngestJob) -> None:
    from core import pipeline
    from core.bundle import load_bundle
    from core.staging import seed_staging
    from core.store import Store

    out = _Outbox(manager.hub(), job.id)  # type: ignore[attr-defined]

    def progress(stage: str, fraction: float) -> None:
        out.add(("progress", stage, fraction))

    def body() -> None:
        job.staging_path.parent.mkdir(parents=True, exist_ok=True)
        staging = Store(job.staging_path, memory_limit=job.settings.duckdb_memory)
        try:
            if not job.existing:
                seed_staging(staging, job.incident_row)
            incident = staging.get_incident(job.incident_id)
            log.info("incident %s: ingest job %s in worker pid %d", job.incident_id, job.id, os.getpid())
            if job.bundle_dir is not None and not job.fuse_only:
                pipeline.ingest_bundle(staging, job.settings, incident, load_bundle(job.bundle_dir), progress,
                                       log_format=job.log_format, actor=job.actor)
            elif not job.fuse_only:
                pipeline.ingest_uploads(staging, job.settings, incident, job.files, progress, log_format=job.log_format,
                                        actor=job.actor)
            progress("fuse", 0.96)
            pipeline.fuse(staging, job.settings, job.incident_id, actor=job.actor)
        finally:
            staging.close()  # the owner attaches the file next: DuckDB wants it closed here first

    _finish(out, job, "ingest", body)


def _run_compare(manager: _Client, job: CompareModesJob) -> None:
    from core.compare import compare_modes

    hub = manager.hub()  # type: ignore[attr-defined]
    out = _Outbox(hub, job.id)

    def body() -> None:
        store = _RemoteStore(manager.store(), hub)  # type: ignore[attr-defined]
        result = compare_modes(store, job.settings, job.incident_id, job.brain, language=job.language,  # type: ignore[arg-type]
                               progress=lambda mode, fraction: out.add(("progress", mode, fraction)), actor=job.actor)
        out.add(("result", result.model_dump_json()))

    _finish(out, job, "compare", body)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s[worker]: %(message)s")
    host, port = os.environ["TRIBUNAL_JOB_ADDRESS"].rsplit(":", 1)
    number = int(os.environ["TRIBUNAL_JOB_WORKER"])
    manager = _Client(address=(host, int(port)), authkey=bytes.fromhex(os.environ["TRIBUNAL_JOB_KEY"]))
    manager.connect()
    hub = manager.hub()  # type: ignore[attr-defined]
    import core.debate
    import core.pipeline  # noqa: F401
    idle_exit_s = float(hub.hello(number, os.getpid()))
    jobs: list[threading.Thread] = []
    idle_since = time.monotonic()
    while True:
        try:
            job = hub.next_job(number, 1.0)
        except (EOFError, OSError):
            log.info("worker %d: the page process went away; exiting", number)
            return 0
        jobs = [t for t in jobs if t.is_alive()]
        if job is None:
            if jobs:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > idle_exit_s:
                log.info("worker %d: idle for %.0f s; exiting", number, idle_exit_s)
                return 0
            continue
        target = (_run_ingest if isinstance(job, IngestJob) else _run_compare if isinstance(job, CompareModesJob)
                  else _run_debate)
        thread = threading.Thread(target=target, args=(manager, job), name=f"job-{job.id}", daemon=True)
        thread.start()
        jobs.append(thread)
        idle_since = time.monotonic()


if __name__ == "__main__":
    sys.exit(main())
