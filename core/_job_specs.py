"""What the page-serving process hands a job worker, and what the worker says back when a job ends."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.auth import ANONYMOUS_LOCAL, Principal
from core.config import Settings

__all__ = ["Command", "CompareModesJob", "DebateJob", "IngestJob", "JobEnd", "Progress"]

#: ("cancel",) or ("intervene", kind, text, target): what the page asked of a running job.
Command = tuple[Any, ...]
#: (stage, fraction done) callback of an ingest.
Progress = Callable[[str, float], None]


def _new_id(kind: str) -> str:
    return f"{kind}-{secrets.token_hex(5)}"


@dataclass
class DebateJob:
    """What a worker needs to run one debate (pickled to the worker)."""

    id: str
    settings: Settings
    incident_id: str
    brain: str
    pace_s: float
    language: str | None = None
    debate_id: str | None = None
    actor: Principal = ANONYMOUS_LOCAL  # who started it: checked, and named in the audit trail, in the worker too


@dataclass(kw_only=True)
class IngestJob:
    """Ingest and fuse an incident in a worker, into a staging store the owner merges (pickled to the worker).

    Args:
        incident_row: the incident's row in the owner's store (`query_df(...).to_dict("records")`).
        bundle_dir: a bundle folder to ingest; else `files` (name, content) as uploaded or pasted.
        existing: the owner already copied the incident's rows into the staging file (files added to an
            incident, or a fusion again); else the staging file starts with `incident_row` alone.
        fuse_only: ingest nothing, only fuse again (after the in-app rules changed).
    """

    id: str = field(default_factory=lambda: _new_id("ingest"))
    settings: Settings
    incident_id: str
    incident_row: list[dict[str, Any]]
    bundle_dir: Path | None = None
    files: list[tuple[str, bytes]] = field(default_factory=list)
    log_format: str = "auto"
    actor: Principal = ANONYMOUS_LOCAL  # checked, and named in the audit trail, in the worker too
    existing: bool = False
    fuse_only: bool = False

    @property
    def staging_path(self) -> Path:
        return self.settings.work_dir / "staging" / f"{self.id}.duckdb"


@dataclass(kw_only=True)
class CompareModesJob:
    """Judge an incident three ways (single agent, vote, debate) in a worker (pickled to the worker).

    The worker reports ("progress", mode, fraction) as each mode starts and ("result", comparison JSON) at the end.
    """

    id: str = field(default_factory=lambda: _new_id("compare"))
    settings: Settings
    incident_id: str
    brain: str
    language: str | None = None
    actor: Principal = ANONYMOUS_LOCAL


@dataclass
class JobEnd:
    """How a job ended, as its worker says (its last message)."""

    state: str  # "finished" | "failed"
    error: str | None = None
    kind: str | None = None  # the core.errors class the worker raised, re-raised here
