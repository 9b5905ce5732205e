"""What the debate page needs: start a debate in the background, and a snapshot of one to draw."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field

from app.debate_runner import DebateRegistry, DebateRun
from app.transcript import TranscriptItem, build_transcript
from core import pipeline
from core.auth import ANONYMOUS_LOCAL, Principal, require_principal
from core.config import Settings
from core.errors import DebateError
from core.jobs import DebateJob, JobHandle, JobRunner
from core.pipeline import iterate_sync
from core.schema import (
    DebateEvent,
    DebateInfo,
    Evidence,
    Intervention,
    Judgment,
    JudgmentReady,
)
from core.store import Store

__all__ = ["WATCH_KEY", "DebateSnapshot", "DebateWatch", "snapshot", "start_debate"]

#: Session-state key of the page's DebateWatch (app.state is another module's; this one is only the debate page's).
WATCH_KEY = "tribunal.debate_watch"


def start_debate(store: Store, cfg: Settings, registry: DebateRegistry, incident_id: str, brain: str,
                 pace_s: float, language: str | None = None, resume_id: str | None = None,
                 jobs: JobRunner | None = None, actor: Principal = ANONYMOUS_LOCAL) -> DebateRun:
    """Start (or, with `resume_id`, resume) the core debate: in a worker process of `jobs`, else in a thread here.

    The run keeps going if the page goes away; any session re-attaches through the registry.

    A debate that cannot start (no fused evidence, unusable brain) fails here, at once, with a message.

    Raises:
        DebateError: one is already running for this incident, or it cannot start.
        Forbidden: `actor` is below analyst (nothing is changed then).
        ConfigError: the brain cannot be used.
    """
    require_principal(actor, "analyst", "resume a debate" if resume_id else "start a debate", audit_to=store,
                      incident_id=incident_id)
    current = registry.get(incident_id)
    if current is not None and current.alive:
        raise DebateError(f"A debate for {incident_id} is already running; wait for it or stop it.")
    if resume_id:  # as `python -m core resume` does: a judge turn whose ruling was not stored runs once more, not twice
        store.drop_unruled_judge_turns(resume_id)
    if jobs is not None:
        return _start_in_worker(store, cfg, registry, jobs, incident_id, brain, pace_s, language, resume_id, actor)
    debate = pipeline.start_debate(store, cfg, incident_id, brain, pace_s=pace_s, language=language,
                                   debate_id=resume_id, actor=actor)
    return registry.start(incident_id, brain, pace_s, lambda: iterate_sync(debate.events()),
                          debate_id=debate.debate_id, on_cancel=debate.cancel, on_intervene=debate.intervene)


def _start_in_worker(store: Store, cfg: Settings, registry: DebateRegistry, jobs: JobRunner, incident_id: str,
                     brain: str, pace_s: float, language: str | None, resume_id: str | None,
                     actor: Principal = ANONYMOUS_LOCAL) -> DebateRun:
    store.get_incident(incident_id)
    if store.load_fusion(incident_id) is None:  # what the orchestrator would say, said before a worker is involved
        raise DebateError(f"Incident {incident_id} has no fused evidence yet; ingest its assets first.")
    pipeline.make_brain(cfg, brain)  # ConfigError now rather than from the worker
    job = DebateJob(id=f"job-{secrets.token_hex(5)}", settings=cfg, incident_id=incident_id, brain=brain,
                    pace_s=pace_s, language=language, debate_id=resume_id, actor=actor)
    handles: list[JobHandle] = []

    def events() -> Iterator[object]:  # runs in the run's relay thread: submitted only once the run is registered
        handles.append(jobs.submit(job))
        return handles[0].events

    return registry.start(incident_id, brain, pace_s, events, debate_id=resume_id,
                          on_cancel=lambda actor=None: jobs.command(job.id, ("cancel", actor)),
                          on_intervene=lambda kind, text, target, actor=None: jobs.command(
                              job.id, ("intervene", kind, text, target, actor)),
                          process=lambda: handles[0].pid if handles else None)


@dataclass
class DebateSnapshot:
    """Everything known about an incident's latest debate at one instant."""

    info: DebateInfo | None
    run: DebateRun | None
    items: list[TranscriptItem] = field(default_factory=list)
    judgment: Judgment | None = None
    evidence: dict[str, Evidence] = field(default_factory=dict)

    @property
    def running(self) -> bool:
        return self.run is not None and self.run.alive

    @property
    def starting(self) -> bool:
        """The thread runs but the orchestrator has not produced its first event yet."""
        return self.running and self.run is not None and not self.run.started

    @property
    def interrupted(self) -> bool:
        """Stored as running but nothing in this process is running it (the server restarted)."""
        return self.info is not None and self.info.status == "running" and not self.running

    @property
    def brain(self) -> str | None:
        if self.run is not None and (self.running or self.info is None):
            return self.run.brain
        return self.info.brain if self.info else None

    @property
    def error(self) -> str | None:
        if self.run is not None and self.run.error and self.run.state == "failed":
            return self.run.error
        return self.info.error if self.info and self.info.status == "failed" else None


@dataclass
class DebateWatch:
    """What one page session has already read of an incident's debate, so a refresh reads only what is new.

    Keep one per session (in session state) and pass it to every `snapshot`; without one, each
    snapshot reads the whole debate again.
    """

    incident_id: str
    debate_id: str | None = None
    last_seq: int = 0
    events: list[DebateEvent] = field(default_factory=list)
    evidence: dict[str, Evidence] | None = None
    info: DebateInfo | None = None
    judgment: Judgment | None = None
    final: bool = False  # the debate ended and everything about it has been read

    def follow(self, debate_id: str) -> None:
        """Start over on another debate (a rerun, a resume, another incident's)."""
        if debate_id != self.debate_id:
            self.debate_id, self.last_seq, self.events = debate_id, 0, []
            self.evidence, self.info, self.judgment, self.final = None, None, None, False


def snapshot(store: Store, registry: DebateRegistry, incident_id: str,
             watch: DebateWatch | None = None) -> DebateSnapshot:
    """Read the incident's latest debate: stored events plus the live run's streaming text.

    With a `watch`, only events after the last one seen are read; the evidence ledger is read once per
    debate (again when a human adds evidence); a finished debate costs one small query.
    """
    if watch is None or watch.incident_id != incident_id:
        watch = DebateWatch(incident_id)
    run = registry.get(incident_id)
    # Read the in-flight text before the stored events: a turn finishing in between is then
    # drawn from the store, never lost between the two reads.
    live = run.live_text() if run is not None else {}
    running = run is not None and run.alive
    debate_id = run.debate_id if run is not None and run.debate_id else None
    if running and debate_id is not None and watch.debate_id == debate_id and watch.info is not None:
        info: DebateInfo | None = watch.info  # the run's own debate: its row only changes when it ends
    else:
        info = store.latest_debate(incident_id)
        if debate_id is None and info is not None and not running:
            debate_id = info.id
        if info is not None and debate_id is not None and info.id != debate_id:
            info = store.get_debate(debate_id)
    snap = DebateSnapshot(info=info if debate_id else (None if running else info), run=run)
    if debate_id is None:
        return snap
    if watch.final and running:  # a resumed debate: its unruled judge turns were dropped, read it afresh
        watch.debate_id = None
    watch.follow(debate_id)
    watch.info = info
    if not (watch.final and not running):
        new = store.list_events(debate_id, after_seq=watch.last_seq)
        if new:
            watch.events.extend(new)
            watch.last_seq = max(watch.last_seq, *(getattr(e, "seq", 0) or 0 for e in new))
        judged = next((e.judgment for e in new if isinstance(e, JudgmentReady)), None)
        watch.judgment = judged or watch.judgment
        if watch.judgment is None and not running:
            watch.judgment = store.get_judgment(debate_id)
        if watch.evidence is None or not running or any(
                isinstance(e, Intervention) and e.kind == "evidence" for e in new):
            watch.evidence = {e.id: e for e in store.list_evidence(incident_id)}
        watch.final = not running
    snap.items = build_transcript(list(watch.events), live, running)
    snap.judgment = watch.judgment
    snap.evidence = dict(watch.evidence or {})
    return snap
