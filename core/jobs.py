"""Worker processes for debates, so the orchestrator's Python runs outside the page-serving process.

DuckDB lets one process own a database file, and the page-serving process keeps it (its pages read
it at every refresh). A debate runs in a worker process (`python -m core._job_worker`); every store
call it makes crosses a loopback socket guarded by a random key (the standard library's manager
protocol) and runs on the owner's Store, so all writes still go through the one process that holds
the file. The worker's events come back the same way, in small batches, and each batch's answer
carries the cancel and intervene requests made since. A worker runs several debates at once (they
mostly wait: on a model, or on the offline brain's pace), exits when idle, and is started again on
demand; a job whose worker died ends as failed, and the stored debate can be resumed.

Jobs run in two lanes when there are two workers or more: debates in one process of their own, ingests
(CPU-bound parsing and fusion) in the others. Threads of one process share its interpreter lock, so a
debate beside an ingest waits for the ingest's Python between two bubbles; in a process of its own it
needs a core only for moments, which the operating system's scheduler gives it promptly even while
ingests keep both cores busy.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import queue
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.managers import BaseManager
from pathlib import Path
from typing import Any

from core import errors
from core._job_specs import Command, CompareModesJob, DebateJob, IngestJob, JobEnd, Progress
from core.errors import DebateError, IngestError
from core.store import Store

__all__ = ["Command", "CompareModesJob", "DebateJob", "IngestJob", "JobHandle", "JobRunner", "Progress"]

log = logging.getLogger(__name__)

_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class _Channel:
    """The owner's side of one job: events in, commands out."""

    job: DebateJob | IngestJob | CompareModesJob
    events: queue.Queue[object] = field(default_factory=queue.Queue)
    commands: list[Command] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    lane: str = "any"  # the workers that may take it (JobRunner._lanes)
    worker: int | None = None
    pid: int | None = None
    ended: bool = False


@dataclass
class JobHandle:
    """A submitted job: its events (drain them in one thread) and the worker process running it."""

    job_id: str
    events: Iterator[object]
    _channel: _Channel

    @property
    def pid(self) -> int | None:
        """The worker's process id once a worker took the job."""
        return self._channel.pid


@dataclass
class _Worker:
    number: int
    process: subprocess.Popen[bytes]
    lane: str  # the jobs it takes: "debate", "ingest" or "any" (a runner with one worker)
    pid: int | None = None
    active: set[str] = field(default_factory=set)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


class JobHub:
    """Served to the workers: hands out jobs, takes their events, hands back commands."""

    def __init__(self, runner: JobRunner) -> None:
        self._runner = runner
        self._tx: dict[str, tuple[Any, Any]] = {}

    def hello(self, worker: int, pid: int) -> float:
        """A worker says it is up; returns how long it may stay idle before it exits."""
        return self._runner._hello(worker, pid)

    def next_job(self, worker: int, timeout: float) -> DebateJob | IngestJob | CompareModesJob | None:
        """The next job for this worker, waiting up to `timeout` seconds; None when there is none."""
        return self._runner._next_job(worker, timeout)

    def post(self, job_id: str, events: list[object], end: tuple[str, str | None, str | None] | None = None,
             ) -> list[Command]:
        """Deliver a batch of events (and, with `end`, how the job ended); returns the commands queued since."""
        return self._runner._post(job_id, events, end)

    # A worker's `store.transaction()`: the owner opens it and keeps its cursor between calls. All calls of one
    # worker thread share one connection, so one server thread, which holds the Store's (re-entrant) write lock.

    def tx_begin(self) -> str:
        """Open a transaction on the owner's Store; returns its id."""
        context = self._runner.store.transaction()
        cursor = context.__enter__()
        tx_id = secrets.token_hex(6)
        self._tx[tx_id] = (context, cursor)
        return tx_id

    def tx_execute(self, tx_id: str, sql: str, params: Any = None, many: bool = False) -> None:
        """Run one statement in the transaction (its result waits on the owner for `tx_fetch`)."""
        cursor = self._tx[tx_id][1]
        if many:
            cursor.executemany(sql, params)
        else:
            cursor.execute(sql, params) if params is not None else cursor.execute(sql)

    def tx_fetch(self, tx_id: str, kind: str) -> Any:
        """The last statement's result: "all" rows, "one" row, or a "df"."""
        cursor = self._tx[tx_id][1]
        return {"all": cursor.fetchall, "one": cursor.fetchone, "df": cursor.df}[kind]()

    def tx_insert_frame(self, tx_id: str, table: str, frame: Any) -> None:
        """`Store.insert_frame` inside the transaction."""
        self._runner.store.insert_frame(self._tx[tx_id][1], table, frame)

    def tx_end(self, tx_id: str, commit: bool) -> None:
        """Commit (or roll back) the transaction and release the Store's write lock."""
        context, _ = self._tx.pop(tx_id)
        if commit:
            context.__exit__(None, None, None)
        else:
            error = DebateError("rolled back in the worker")
            context.__exit__(DebateError, error, None)


def _manager_class(store: Store, hub: JobHub) -> type[BaseManager]:
    # A class per runner: BaseManager.register writes to a class-level registry.
    cls: type[BaseManager] = type("_OwnerManager", (BaseManager,), {})
    cls.register("store", callable=lambda: store)
    cls.register("hub", callable=lambda: hub)
    return cls


class JobRunner:
    """Runs debates in up to `workers` worker processes, serving them this process's Store.

    Args:
        store: the Store this process owns; workers read and write through it.
        workers: worker processes at most (each runs any number of debates at once). With two or more, one
            process runs the debates and the others the ingests (see the module's docstring); with one, it runs both.
        idle_exit_s: a worker with no job for this long exits (a new one starts on the next job).
        warm: start the debate worker now, so the first debate does not wait for a process to start.
    """

    def __init__(self, store: Store, workers: int = 1, *, idle_exit_s: float = 600.0, warm: bool = True) -> None:
        if workers < 1:
            raise ValueError("a JobRunner needs at least one worker")
        self.store = store
        self.max_workers = workers
        self.idle_exit_s = idle_exit_s
        self._authkey = secrets.token_bytes(32)
        self._hub = JobHub(self)
        manager = _manager_class(store, self._hub)(address=("127.0.0.1", 0), authkey=self._authkey)
        self._server = manager.get_server()
        self._server.stop_event = threading.Event()  # type: ignore[attr-defined]  # a client 'shutdown' sets it
        self.address: tuple[str, int] = self._server.address  # type: ignore[assignment]  # a TCP listener
        self._lock = threading.Condition()
        self._lanes: dict[str, int] = {"any": 1} if workers == 1 else {"debate": 1, "ingest": workers - 1}
        self._pending: dict[str, list[str]] = {lane: [] for lane in self._lanes}
        self._channels: dict[str, _Channel] = {}
        self._early: dict[str, list[Command]] = {}
        self._workers: dict[int, _Worker] = {}
        self._numbers = itertools.count(1)
        self._closed = False
        threading.Thread(target=self._accept, name="jobs-accept", daemon=True).start()
        log.info("job runner serving %s on %s:%s (%d worker processes at most)", store.path, *self.address, workers)
        if warm:
            with self._lock:
                self._spawn(next(iter(self._lanes)))

    # --- the page side ---------------------------------------------------------------------

    def ingest(self, job: IngestJob, progress: Progress) -> int | None:
        """Ingest and fuse a new incident in a worker, then merge what it wrote into this process's store.

        Returns:
            the process id of the worker that did it.

        Raises:
            TribunalError: what the ingest raised in the worker (BundleError, IngestError, …), or the merge failed.
        """
        from core.staging import merge_staging

        handle = self.submit(job)
        with self._lock:
            lane = handle._channel.lane
            pending = self._pending[lane]
            waiting = job.id in pending and (pending.index(job.id) > 0
                                             or any(w.active for w in self._workers.values() if w.lane == lane))
        if waiting:
            progress("queued", 0.02)  # other ingests run first, one at a time per worker (see the module docstring)
        try:
            for item in handle.events:
                if isinstance(item, tuple) and item and item[0] == "progress":
                    progress(str(item[1]), float(item[2]))
            merge_staging(self.store, job.staging_path, job.incident_id)
            return handle.pid
        finally:
            for leftover in (job.staging_path, job.staging_path.with_name(job.staging_path.name + ".wal")):
                try:
                    leftover.unlink(missing_ok=True)
                except OSError as exc:  # never hide the job's own error behind the clean-up's
                    log.warning("could not remove %s: %s", leftover, exc)

    def compare(self, job: CompareModesJob, progress: Progress) -> Any:
        """Judge an incident three ways in a worker (the debate lane: mostly waiting on models); returns the Comparison.

        Raises:
            TribunalError: what the comparison raised in the worker (DebateError, ConfigError, Forbidden, …).
        """
        from core.compare import Comparison

        result: Comparison | None = None
        for item in self.submit(job).events:
            if isinstance(item, tuple) and item and item[0] == "progress":
                progress(str(item[1]), float(item[2]))
            elif isinstance(item, tuple) and item and item[0] == "result":
                result = Comparison.model_validate_json(item[1])
        if result is None:
            raise DebateError("The comparison ended without a result.")
        return result

    def submit(self, job: DebateJob | IngestJob | CompareModesJob) -> JobHandle:
        """Queue a debate; its handle's `events` iterate what it says (drain them in a thread, as DebateRun does).

        The iterator ends when the debate ends, and raises DebateError when it failed or its worker died.

        Raises:
            DebateError: the runner has been closed.
        """
        channel = _Channel(job, lane="any" if "any" in self._lanes else
                           "ingest" if isinstance(job, IngestJob) else "debate")
        with self._lock:
            if self._closed:
                raise DebateError("The job runner has stopped; reload the page.")
            channel.commands.extend(self._early.pop(job.id, []))
            self._channels[job.id] = channel
            self._pending[channel.lane].append(job.id)
            self._ensure_workers()
            self._lock.notify_all()
        return JobHandle(job.id, self._drain(channel), channel)

    def command(self, job_id: str, command: Command) -> None:
        """Queue a command for a job's worker (it gets it with its next batch, within a fraction of a second)."""
        with self._lock:
            channel = self._channels.get(job_id)
            if channel is None:  # asked before the job was submitted (a cancel right after start)
                self._early.setdefault(job_id, []).append(command)
                return
        with channel.lock:
            channel.commands.append(command)

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers."""
        with self._lock:
            return [w.process.pid for w in self._workers.values() if w.alive]

    def close(self) -> None:
        """Stop accepting work and end the workers (jobs still running end as failed)."""
        with self._lock:
            self._closed = True
            workers = list(self._workers.values())
            self._lock.notify_all()
        for worker in workers:
            if worker.alive:
                worker.process.terminate()
        for worker in workers:
            try:
                worker.process.wait(5)
            except subprocess.TimeoutExpired:
                worker.process.kill()
        with contextlib.suppress(OSError):
            self._server.listener.close()  # type: ignore[attr-defined]

    def _drain(self, channel: _Channel) -> Iterator[object]:
        try:
            while True:
                try:
                    item = channel.events.get(timeout=0.5)
                except queue.Empty:
                    self._check_worker(channel)
                    continue
                if isinstance(item, JobEnd):
                    if item.state == "failed":
                        default = IngestError if isinstance(channel.job, IngestJob) else DebateError
                        cls = getattr(errors, item.kind, default) if item.kind in errors.__all__ else default
                        raise cls(item.error or "The job failed in its worker process.")
                    return
                yield item
        finally:
            with self._lock:
                self._channels.pop(channel.job.id, None)
                pending = self._pending[channel.lane]
                if channel.job.id in pending:
                    pending.remove(channel.job.id)

    def _check_worker(self, channel: _Channel) -> None:
        with self._lock:
            if channel.ended:
                return
            worker = self._workers.get(channel.worker) if channel.worker is not None else None
            if worker is not None and not worker.alive:
                code = worker.process.returncode
                self._fail(channel, f"The worker process running this debate stopped (exit code {code}); "
                                    "resume the debate to continue it.")
            elif worker is None and self._closed:
                self._fail(channel, "The job runner stopped before this debate started; start it again.")
            elif channel.worker is None:
                self._ensure_workers()

    def _fail(self, channel: _Channel, message: str) -> None:
        channel.ended = True
        channel.events.put(JobEnd("failed", message))

    # --- worker management (under self._lock) -----------------------------------------------

    def _ensure_workers(self) -> None:
        for number, worker in list(self._workers.items()):
            if not worker.alive:
                log.warning("job worker %d (pid %s) exited with %s", number, worker.process.pid,
                            worker.process.returncode)
                for job_id in list(worker.active):
                    channel = self._channels.get(job_id)
                    if channel is not None and not channel.ended:
                        self._fail(channel, f"The worker process running this debate stopped (exit code "
                                            f"{worker.process.returncode}); resume the debate to continue it.")
                del self._workers[number]
        if self._closed:
            return
        for lane, most in self._lanes.items():
            live = [w for w in self._workers.values() if w.lane == lane]
            if self._pending[lane] and (not live or (len(live) < most and all(w.active for w in live))):
                self._spawn(lane)

    def _spawn(self, lane: str) -> None:
        number = next(self._numbers)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH")) if p)
        env["TRIBUNAL_JOB_ADDRESS"] = f"{self.address[0]}:{self.address[1]}"
        env["TRIBUNAL_JOB_KEY"] = self._authkey.hex()
        env["TRIBUNAL_JOB_WORKER"] = str(number)
        process = subprocess.Popen([sys.executable, "-m", "core._job_worker"], env=env, cwd=str(_ROOT),
                                   stdin=subprocess.DEVNULL)
        self._workers[number] = _Worker(number, process, lane)
        log.info("job worker %d started for %s jobs (pid %d)", number, lane, process.pid)

    # --- called by the workers (through the hub) ------------------------------------------

    def _hello(self, worker: int, pid: int) -> float:
        with self._lock:
            if worker in self._workers:
                self._workers[worker].pid = pid
        return self.idle_exit_s

    def _next_job(self, number: int, timeout: float) -> DebateJob | IngestJob | CompareModesJob | None:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                worker = self._workers.get(number)
                if self._closed or worker is None:
                    return None
                pending = self._pending[worker.lane]
                live = [w for w in self._workers.values() if w.alive and w.lane == worker.lane]
                least = min((len(w.active) for w in live), default=0)
                # The least busy worker of the lane takes the next job; an ingest worker one at a time (ingests are
                # CPU-bound: first come, first served finishes each sooner than all of them sharing one interpreter).
                free = not worker.active or worker.lane != "ingest"
                if pending and free and len(worker.active) <= least:
                    job_id = pending.pop(0)
                    channel = self._channels.get(job_id)
                    if channel is None:
                        continue
                    channel.worker, channel.pid = number, worker.process.pid
                    worker.active.add(job_id)
                    return channel.job
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._lock.wait(min(left, 0.5))

    def _post(self, job_id: str, events: list[object], end: tuple[str, str | None, str | None] | None,
              ) -> list[Command]:
        channel = self._channels.get(job_id)
        if channel is None:  # the page side gave up on it (runner closed): tell the worker to stop
            return [("cancel",)]
        for event in events:
            channel.events.put(event)
        if end is not None:
            with self._lock:
                if channel.worker in self._workers:
                    self._workers[channel.worker].active.discard(job_id)
                channel.ended = True
                self._lock.notify_all()
            channel.events.put(JobEnd(*end))
        with channel.lock:
            commands, channel.commands = channel.commands, []
        return commands

    def _accept(self) -> None:
        listener = self._server.listener  # type: ignore[attr-defined]
        while not self._closed:
            try:
                conn = listener.accept()
            except OSError:
                if self._closed:
                    return
                time.sleep(0.05)
                continue
            threading.Thread(target=self._server.handle_request, args=(conn,), name="jobs-serve",
                             daemon=True).start()
