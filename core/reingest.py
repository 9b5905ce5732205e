"""Read an incident's files again after an ingest stopped part way, from the bundle it came from."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from core.auth import ANONYMOUS_LOCAL, Principal, require_principal
from core.bundle import load_bundle
from core.config import Settings
from core.errors import ResumeError, TribunalError
from core.pipeline import Progress, fuse, ingest_bundle
from core.resume import reset_ingest
from core.schema import Incident
from core.store import Store

if TYPE_CHECKING:  # core.jobs starts processes; only its type is needed here
    from core.jobs import JobRunner

__all__ = ["find_bundle", "redo_ingest"]

log = logging.getLogger(__name__)


def _candidates(settings: Settings) -> list[Path]:
    roots = [settings.home / "demo" / "bundle"]
    uploads = settings.work_dir / "uploads"
    if uploads.is_dir():  # newest upload first; an archive may hold the bundle one folder down
        found = [p.parent for pattern in ("*/incident.yaml", "*/*/incident.yaml") for p in uploads.glob(pattern)]
        roots += sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)
    return roots


def find_bundle(settings: Settings, incident: Incident) -> Path | None:
    """The bundle folder under the data directory the incident was opened from (the demo, or an upload), if kept.

    A bundle matches when its incident.yaml has the incident's title and start time, as `core resume` checks.
    """
    for root in _candidates(settings):
        if not (root / "incident.yaml").is_file():
            continue
        try:
            draft = load_bundle(root).draft
        except TribunalError:
            continue
        if (draft.title, draft.started_at) == (incident.title, incident.started_at):
            return root
    return None


def redo_ingest(store: Store, settings: Settings, incident_id: str, progress: Progress | None = None, *,
                actor: Principal = ANONYMOUS_LOCAL, jobs: JobRunner | None = None) -> Path:
    """Remove what an interrupted ingest wrote, read the incident's bundle again and fuse; returns the bundle used.

    With `jobs`, the reading and fusing run in a worker process, merged here all or nothing (as for a new incident).

    Raises:
        ResumeError: no such incident, or its bundle is no longer under the data directory (files added through
            the form are not kept: add them again on the assets page, or delete the incident).
        BundleError: the bundle is malformed now.
        Forbidden: `actor` is below analyst (nothing is removed then).
    """
    require_principal(actor, "analyst", "read an incident's files again", audit_to=store, incident_id=incident_id)
    try:
        incident = store.get_incident(incident_id)
    except TribunalError as exc:
        raise ResumeError(str(exc)) from exc
    root = find_bundle(settings, incident)
    if root is None:
        raise ResumeError(f"The files of {incident_id} are no longer under the data directory; upload its bundle "
                          "again, or delete the incident.")
    log.info("incident %s: reading %s again after an interrupted ingest", incident_id, root)
    bundle = load_bundle(root)
    reset_ingest(store, incident_id)
    if jobs is not None:
        from core.jobs import IngestJob
        from core.staging import incident_rows

        jobs.ingest(IngestJob(settings=settings, incident_id=incident_id,
                              incident_row=incident_rows(store, incident_id), bundle_dir=root, actor=actor),
                    progress or (lambda stage, fraction: None))
        return root
    ingest_bundle(store, settings, incident, bundle, progress, actor=actor)
    fuse(store, settings, incident_id, actor=actor)
    return root
