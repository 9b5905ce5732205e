"""The intake page's three ways in — demo, uploaded bundle archive, form — as one call each.

Each writes the incident row first (through core), reports it via `on_open` so the page can make
it current even if a later step fails, then ingests and fuses with progress callbacks.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from pydantic import ValidationError

from core import pipeline
from core.auth import ANONYMOUS_LOCAL, Principal, require_principal
from core.bundle import Bundle, extract_archive, load_bundle
from core.config import Settings
from core.errors import TribunalError
from core.ingest.logs import AUTO
from core.jobs import IngestJob, JobRunner
from core.schema import Incident, IncidentDraft
from core.staging import copy_incident_to_staging, incident_rows
from core.store import Store

__all__ = ["UTC_OFFSETS", "IntakeFormError", "build_draft", "load_archive", "load_demo", "open_from_form", "zone_label"]

Progress = Callable[[str, float], None]
OnOpen = Callable[[Incident], None]

#: Offsets offered in the form, in minutes, with a city users recognise.
UTC_OFFSETS: list[tuple[int, str]] = [
    (480, "Beijing · Shanghai · Singapore"), (540, "Tokyo · Seoul"), (330, "Mumbai"), (0, "UTC · London"),
    (60, "Berlin · Paris"), (-300, "New York"), (-480, "San Francisco"),
]


class IntakeFormError(TribunalError):
    """The intake form holds a value the incident model refuses."""


def zone_label(minutes: int, city: str) -> str:
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d} · {city}"


def build_draft(*, title: str, severity: str, day: date, clock: time, utc_offset_min: int, service: str,
                description: str, language: str) -> IncidentDraft:
    """Validate the form into a draft.

    Raises:
        IntakeFormError: a field is missing or invalid; the message names it.
    """
    started = datetime.combine(day, clock).replace(tzinfo=timezone(timedelta(minutes=utc_offset_min)))
    try:
        return IncidentDraft(title=title.strip(), severity=severity, started_at=started,  # type: ignore[arg-type]
                             service=service.strip(), description=description.strip(), language=language)  # type: ignore[arg-type]
    except ValidationError as exc:
        fields = sorted({str(err["loc"][0]) for err in exc.errors() if err["loc"]})
        raise IntakeFormError(",".join(fields) or "form") from exc


def _in_worker(jobs: JobRunner, store: Store, cfg: Settings, incident: Incident, progress: Progress, *,
               bundle_dir: Path | None = None, files: list[tuple[str, bytes]] | None = None, log_format: str = AUTO,
               actor: Principal = ANONYMOUS_LOCAL, existing: bool = False, fuse_only: bool = False) -> None:
    """Ingest and fuse an incident in a worker process; what it wrote is merged into `store` here.

    With `existing`, the incident already holds assets: they are copied to the worker's staging file first,
    and the merge replaces the incident's rows with the result, all or nothing.
    """
    job = IngestJob(settings=cfg, incident_id=incident.id,
                    incident_row=incident_rows(store, incident.id), bundle_dir=bundle_dir, files=files or [],
                    log_format=log_format, actor=actor, existing=existing, fuse_only=fuse_only)
    if existing:
        try:
            copy_incident_to_staging(store, job.staging_path, incident.id)
        except TribunalError:
            job.staging_path.unlink(missing_ok=True)
            raise
    jobs.ingest(job, progress)


def _ingest(store: Store, cfg: Settings, bundle: Bundle, progress: Progress, on_open: OnOpen,
            log_format: str = AUTO, actor: Principal = ANONYMOUS_LOCAL, jobs: JobRunner | None = None) -> Incident:
    incident = pipeline.open_incident(store, bundle.draft, actor=actor)
    on_open(incident)
    if jobs is not None:  # the parsing and fusing run in a worker process, off the pages' interpreter
        _in_worker(jobs, store, cfg, incident, progress, bundle_dir=bundle.root, log_format=log_format, actor=actor)
    else:
        pipeline.ingest_bundle(store, cfg, incident, bundle, progress=progress, log_format=log_format, actor=actor)
        progress("fuse", 0.96)
        pipeline.fuse(store, cfg, incident.id, actor=actor)
    progress("done", 1.0)
    return incident


def load_demo(store: Store, cfg: Settings, progress: Progress, on_open: OnOpen, *,
              actor: Principal = ANONYMOUS_LOCAL, jobs: JobRunner | None = None) -> Incident:
    """Build (once) and ingest the demo incident bundle; an incident already made from it is reused."""
    progress("demo", 0.02)
    existing = pipeline.find_demo_incident(store, cfg)
    if existing is not None:
        on_open(existing)
        progress("done", 1.0)
        return existing
    root = pipeline.ensure_demo_bundle(cfg)
    return _ingest(store, cfg, load_bundle(root), progress, on_open, actor=actor, jobs=jobs)


def load_archive(store: Store, cfg: Settings, data: bytes, progress: Progress, on_open: OnOpen, *,
                 log_format: str = AUTO, actor: Principal = ANONYMOUS_LOCAL, jobs: JobRunner | None = None) -> Incident:
    """Extract an uploaded bundle archive safely into the data directory and ingest it.

    Args:
        log_format: the format of every log in the bundle; "auto" leaves it to incident.yaml, else to detection.

    Raises:
        BundleError: the archive is unsafe, damaged, or has no valid incident.yaml.
        Forbidden: `actor` is below analyst (nothing is extracted then).
    """
    require_principal(actor, "analyst", "upload a bundle", audit_to=store)
    progress("extract", 0.02)
    dest = cfg.work_dir / "uploads" / f"{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    root = extract_archive(data, dest)
    return _ingest(store, cfg, load_bundle(root), progress, on_open, log_format, actor, jobs)


def open_from_form(store: Store, cfg: Settings, draft: IncidentDraft, files: list[tuple[str, bytes]],
                   progress: Progress, on_open: OnOpen, *, log_format: str = AUTO,
                   actor: Principal = ANONYMOUS_LOCAL, jobs: JobRunner | None = None) -> Incident:
    """Open an incident from the form, then ingest pasted text and uploaded files (if any), logs in `log_format`."""
    incident = pipeline.open_incident(store, draft, actor=actor)
    on_open(incident)
    if files and jobs is not None:
        _in_worker(jobs, store, cfg, incident, progress, files=files, log_format=log_format, actor=actor)
    elif files:
        pipeline.ingest_uploads(store, cfg, incident, files, progress=progress, log_format=log_format, actor=actor)
        progress("fuse", 0.96)
        pipeline.fuse(store, cfg, incident.id, actor=actor)
    progress("done", 1.0)
    return incident


def add_files(store: Store, cfg: Settings, incident: Incident, files: list[tuple[str, bytes]], progress: Progress, *,
              log_format: str = AUTO, actor: Principal = ANONYMOUS_LOCAL, jobs: JobRunner | None = None) -> None:
    """Add more assets to an existing incident and fuse again (the ledger is rebuilt from everything).

    With `jobs`, the parsing and fusion run in a worker process, on a copy of the incident that then replaces it.
    """
    if jobs is not None:  # refused here, before the incident is copied for a worker
        require_principal(actor, "analyst", "upload assets", audit_to=store, incident_id=incident.id)
        _in_worker(jobs, store, cfg, incident, progress, files=files, log_format=log_format, actor=actor,
                   existing=True)
    else:
        pipeline.ingest_uploads(store, cfg, incident, files, progress=progress, log_format=log_format, actor=actor)
        progress("fuse", 0.96)
        pipeline.fuse(store, cfg, incident.id, actor=actor)
    progress("done", 1.0)


def apply_in_app_rules(store: Store, cfg: Settings, incident: Incident, include: str, exclude: str, *,
                       actor: Principal = ANONYMOUS_LOCAL, jobs: JobRunner | None = None) -> None:
    """Save the in-app package prefixes typed in the asset view (one per line) and fuse again.

    With `jobs`, the fusion runs in a worker process, on a copy of the incident that then replaces it.
    """
    def lines(text: str) -> list[str]:
        return [x.strip() for x in text.replace(",", "\n").splitlines() if x.strip()]

    pipeline.set_in_app_rules(store, incident.id, lines(include), lines(exclude), actor=actor)
    fuse_again(store, cfg, incident, actor=actor, jobs=jobs)


def fuse_again(store: Store, cfg: Settings, incident: Incident, *, actor: Principal = ANONYMOUS_LOCAL,
               jobs: JobRunner | None = None) -> None:
    """Fuse an incident's evidence again (new in-app rules, or a fusion that never finished); in a worker with jobs."""
    if jobs is not None:  # refused here, before the incident is copied for a worker
        require_principal(actor, "analyst", "fuse an incident's evidence", audit_to=store, incident_id=incident.id)
        _in_worker(jobs, store, cfg, incident, lambda stage, fraction: None, actor=actor, existing=True,
                   fuse_only=True)
    else:
        pipeline.fuse(store, cfg, incident.id, actor=actor)
