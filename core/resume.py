"""Resume an incident from where it stopped: ingest, fusion or debate, without repeating what is stored."""

from __future__ import annotations

import logging
from pathlib import Path

from core.auth import ANONYMOUS_LOCAL, Principal, require_principal
from core.bundle import load_bundle
from core.config import Settings
from core.errors import ResumeError, StoreError
from core.ingest.logs import AUTO, check_log_format
from core.pipeline import AnalysisResult, Progress, fuse, ingest_bundle, iterate_sync, start_debate
from core.schema import Incident, JudgmentReady
from core.store import Store

__all__ = ["reset_ingest", "resume_incident", "resume_step"]

log = logging.getLogger(__name__)


def _noop(message: str, fraction: float) -> None:
    log.debug("%3.0f%% %s", fraction * 100, message)


def resume_step(store: Store, incident_id: str) -> str:
    """Where an incident stopped: "ingest", "fusion", "debate" or "done".

    Raises:
        ResumeError: no such incident.
    """
    incident = _incident(store, incident_id)
    if incident.status == "new":
        return "ingest"
    if store.load_fusion(incident_id) is None:
        return "fusion"
    debate = store.latest_debate(incident_id)
    if debate is not None and debate.status == "finished" and store.get_judgment(debate.id) is not None:
        return "done"
    return "debate"


def reset_ingest(store: Store, incident_id: str) -> None:
    """Remove everything an interrupted ingest wrote for the incident (the incident row itself stays)."""
    keep = {"incidents", "debates", "events", "judgments", "schema_version", "in_app_rules"}  # not ingest output
    tables = [t for t in store.query_df(
        "SELECT DISTINCT table_name FROM duckdb_columns() WHERE schema_name = 'main' AND column_name = 'incident_id'"
    )["table_name"] if t not in keep]
    with store.transaction() as cur:
        for table in tables:
            cur.execute(f'DELETE FROM "{table}" WHERE incident_id = ?', [incident_id])
    store.forget_secrets(incident_id)
    log.info("incident %s: partial ingest removed from %d tables", incident_id, len(tables))


def _incident(store: Store, incident_id: str) -> Incident:
    try:
        return store.get_incident(incident_id)
    except StoreError as exc:
        raise ResumeError(str(exc)) from exc


def resume_incident(
    store: Store, settings: Settings, incident_id: str, brain: str = "offline", progress: Progress | None = None, *,
    bundle_dir: Path | None = None, log_format: str = AUTO, allow_local_repo: bool = False,
    actor: Principal = ANONYMOUS_LOCAL,
) -> AnalysisResult:
    """Continue an incident from the step it stopped at, keeping every finished step.

    An interrupted ingest is redone from the bundle (its partial rows are removed first); a missing fusion
    is run; an unfinished debate continues with its stored turns (a judge turn without its ruling is run
    again, once); a debate whose ruling was stored is only marked finished.

    Args:
        bundle_dir: the incident's bundle, needed only when the ingest was interrupted.

    Raises:
        ResumeError: unknown incident, or the ingest must be redone and no (matching) bundle was given.
        BundleError: the bundle is malformed.
        Forbidden: `actor` is below analyst (nothing is changed then).
    """
    require_principal(actor, "analyst", "resume an incident", audit_to=store, incident_id=incident_id)
    progress = progress or _noop
    check_log_format(log_format)
    incident = _incident(store, incident_id)
    step = resume_step(store, incident_id)
    log.info("incident %s: resuming at %s", incident_id, step)
    if step == "ingest":
        if bundle_dir is None:
            raise ResumeError(f"Incident {incident_id} stopped while its files were read; give its bundle folder "
                              f"again: python -m core resume {incident_id} --bundle BUNDLE_DIR.")
        bundle = load_bundle(bundle_dir, allow_local_repo=allow_local_repo)
        if (bundle.draft.title, bundle.draft.started_at) != (incident.title, incident.started_at):
            raise ResumeError(f"{bundle_dir} describes another incident ({bundle.draft.title!r}); give the bundle "
                              f"{incident_id} was opened from ({incident.title!r}).")
        progress(f"Reading the files of {incident_id} again", 0.0)
        reset_ingest(store, incident_id)
        ingest_bundle(store, settings, incident, bundle, progress, log_format=log_format, actor=actor)
    if step in ("ingest", "fusion"):
        progress("Fusing evidence", 0.85)
        fuse(store, settings, incident_id, actor=actor)
    latest = store.latest_debate(incident_id)
    judgment = store.get_judgment(latest.id) if latest else None
    if latest is not None and judgment is not None:
        if latest.status != "finished":  # stopped between the ruling and its bookkeeping
            turns = store.list_turns(latest.id)
            store.finish_debate(latest.id, "finished", max((t.round for t in turns), default=0), bool(latest.consensus))
            store.set_incident_status(incident_id, "judged")
        progress("Already judged", 1.0)
        return AnalysisResult(incident=store.get_incident(incident_id), debate_id=latest.id, judgment=judgment)
    resume_id = None
    if latest is not None and store.list_turns(latest.id):
        store.drop_unruled_judge_turns(latest.id)  # the judge runs once more, and its turn is stored once
        resume_id = latest.id
    debate = start_debate(store, settings, incident_id, brain, debate_id=resume_id, actor=actor)
    error = None
    for event in iterate_sync(debate.events()):
        if event.type == "turn_finished":
            progress(f"{event.turn.agent} (round {event.turn.round}): {event.turn.summary}", 0.9)
        elif isinstance(event, JudgmentReady):
            judgment = event.judgment
        elif event.type == "error":
            error = event.message
    return AnalysisResult(incident=store.get_incident(incident_id), debate_id=debate.debate_id, judgment=judgment,
                          error=error)
