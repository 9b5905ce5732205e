"""Runs comparisons in background threads, so one survives reruns and page switches like a debate does."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from core.errors import DebateError, TribunalError

if TYPE_CHECKING:  # core.compare pulls in the whole pipeline; the registry is built on every page
    from core.compare import Comparison

__all__ = ["CompareJob", "CompareJobs"]

log = logging.getLogger(__name__)

#: (progress) -> the comparison; runs in the job's thread (which has no event loop of its own yet).
Work = Callable[[Callable[[str, float], None]], "Comparison"]


@dataclass
class CompareJob:
    incident_id: str
    brain: str
    state: Literal["running", "finished", "failed"] = "running"
    stage: str = ""
    fraction: float = 0.0
    result: Comparison | None = None
    error: str | None = None
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.alive

    def _progress(self, stage: str, fraction: float) -> None:
        self.stage, self.fraction = stage, fraction

    def _run(self, work: Work) -> None:
        try:
            self.result = work(self._progress)
            self.state = "finished"
        except TribunalError as exc:
            self.error, self.state = str(exc), "failed"
        except Exception as exc:  # a bug in core: keep the dashboard alive, show it, log the traceback
            log.exception("incident %s: comparison crashed", self.incident_id)
            self.error, self.state = f"{type(exc).__name__}: {exc}", "failed"


class CompareJobs:
    """The comparisons of this process, one per incident at a time; only the `keep` newest finished ones are kept."""

    def __init__(self, keep: int = 16) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, CompareJob] = {}
        self.keep = keep

    def get(self, incident_id: str) -> CompareJob | None:
        with self._lock:
            return self._jobs.get(incident_id)

    def start(self, incident_id: str, brain: str, work: Work) -> CompareJob:
        """Start a comparison unless one is already running for the incident.

        Raises:
            DebateError: one is running.
        """
        with self._lock:
            current = self._jobs.get(incident_id)
            if current is not None and current.alive:
                raise DebateError(f"A comparison for {incident_id} is already running; wait for it to finish.")
            job = CompareJob(incident_id=incident_id, brain=brain)
            job._thread = threading.Thread(target=job._run, args=(work,), name=f"compare-{incident_id}", daemon=True)
            self._jobs.pop(incident_id, None)
            self._jobs[incident_id] = job  # newest last
            done = [key for key, j in self._jobs.items() if not j.alive and j is not job]
            for key in done[:max(0, len(done) - self.keep)]:  # a day of comparisons does not pile up in memory
                del self._jobs[key]
        job._thread.start()
        return job
