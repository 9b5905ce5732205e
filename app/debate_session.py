"""What the debate page needs: start a debate in the background, and a snapshot of one to draw."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.debate_runner import DebateRegistry, DebateRun
from app.transcript import TranscriptItem, build_transcript
from core import pipeline
from core.config import Settings
from core.errors import DebateError
from core.pipeline import iterate_sync
from core.schema import DebateInfo, Evidence, Judgment, JudgmentReady
from core.store import Store

__all__ = ["DebateSnapshot", "snapshot", "start_debate"]


def start_debate(store: Store, cfg: Settings, registry: DebateRegistry, incident_id: str, brain: str,
                 pace_s: float, language: str | None = None, resume_id: str | None = None) -> DebateRun:
    """Start (or, with `resume_id`, resume) the core debate in a background thread.

    The thread keeps running if the page goes away; any session re-attaches through the registry.

    The orchestrator is built here, in the script thread, so a debate that cannot start (no fused
    evidence, unusable brain) fails at once with a message instead of inside the thread.

    Raises:
        DebateError: one is already running for this incident, or it cannot start.
        ConfigError: the brain cannot be used.
    """
    current = registry.get(incident_id)
    if current is not None and current.alive:
        raise DebateError(f"A debate for {incident_id} is already running; wait for it or stop it.")
    if resume_id:  # as `python -m core resume` does: a judge turn whose ruling was not stored runs once more, not twice
        store.drop_unruled_judge_turns(resume_id)
    debate = pipeline.start_debate(store, cfg, incident_id, brain, pace_s=pace_s, language=language,
                                   debate_id=resume_id)
    return registry.start(incident_id, brain, pace_s, lambda: iterate_sync(debate.events()),
                          debate_id=debate.debate_id, on_cancel=debate.cancel, on_intervene=debate.intervene)


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


def snapshot(store: Store, registry: DebateRegistry, incident_id: str) -> DebateSnapshot:
    """Read the incident's latest debate: stored events plus the live run's streaming text."""
    run = registry.get(incident_id)
    # Read the in-flight text before the stored events: a turn finishing in between is then
    # drawn from the store, never lost between the two reads.
    live = run.live_text() if run is not None else {}
    running = run is not None and run.alive
    debate_id = run.debate_id if run is not None and run.debate_id else None
    info = store.latest_debate(incident_id)
    if debate_id is None and info is not None and not running:
        debate_id = info.id
    if info is not None and debate_id is not None and info.id != debate_id:
        info = store.get_debate(debate_id)
    snap = DebateSnapshot(info=info if debate_id else (None if running else info), run=run)
    if debate_id is None:
        return snap
    events = store.list_events(debate_id)
    snap.items = build_transcript(events, live, running)
    snap.judgment = next((e.judgment for e in events if isinstance(e, JudgmentReady)), None)
    if snap.judgment is None and not running:
        snap.judgment = store.get_judgment(debate_id)
    snap.evidence = {e.id: e for e in store.list_evidence(incident_id)}
    return snap
