"""The fused context: structured findings over all assets, each tied to the evidence that backs it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from core.cases import CaseHit
from core.fusion.runtime_rules import RuntimeFindings
from core.graph import BlastRadius
from core.schema import Evidence, Incident

__all__ = [
    "FrameFinding", "ErrorGroup", "Burst", "NoiseFinding", "Suspect", "DeployMarker", "OwnerFinding",
    "FusedContext",
]


class FrameFinding(BaseModel):
    """An in-app frame of the dominant error group, resolved to a file in the repository."""

    symbol: str
    class_name: str
    method: str
    file_name: str
    path: str | None = None
    line: int
    hits: int
    share: float = Field(description="Share of the group's traces that pass through this frame.")
    position: int = Field(description="0 = innermost in-app frame.")
    layer: str | None = None
    role: str | None = None
    bounded_context: str | None = None
    aggregate: str | None = None
    endpoint: str | None = None
    code: str | None = None
    evidence_id: str | None = None
    blame_evidence_id: str | None = None
    blame_sha: str | None = None


class ErrorGroup(BaseModel):
    fingerprint: str
    exc_type: str
    root_type: str
    root_message: str
    count: int
    before_onset: int
    first_seen: datetime | None
    last_seen: datetime | None
    sample_line: int
    asset: str
    chain: list[str] = Field(default_factory=list)
    frames: list[FrameFinding] = Field(default_factory=list)
    evidence_id: str | None = None


class Burst(BaseModel):
    onset: datetime
    baseline_per_min: float
    peak_per_min: float
    after_per_min: float
    minutes_before_start: float
    evidence_id: str | None = None


class NoiseFinding(BaseModel):
    template: str
    level: str
    count: int
    first_seen: datetime | None
    rate_before: float
    rate_after: float
    evidence_id: str | None = None


class Suspect(BaseModel):
    sha: str
    author: str
    message: str
    authored_at: datetime
    minutes_before_start: float
    match: str = Field(description="'line': changed a failing frame's line; 'file': changed a frame's file elsewhere.")
    touched: list[str] = Field(default_factory=list)
    frame_position: int | None = None
    score: float
    reasons: list[str] = Field(default_factory=list)
    evidence_id: str | None = None


class DeployMarker(BaseModel):
    tag: str
    sha: str
    at: datetime
    minutes_before_start: float
    contains: list[str] = Field(default_factory=list, description="Suspect shas released by this tag.")
    evidence_id: str | None = None


class OwnerFinding(BaseModel):
    path: str
    team: str
    rule: str
    evidence_id: str | None = None


class FusedContext(BaseModel):
    """What the agents reason over; stored as JSON so a debate can resume in another process."""

    incident: Incident
    revision: str | None = None
    repo_available: bool = False
    groups: list[ErrorGroup] = Field(default_factory=list)
    burst: Burst | None = None
    template_bursts: list[str] = Field(default_factory=list, description="Evidence ids of templates that jumped at the onset.")
    noise: list[NoiseFinding] = Field(default_factory=list)
    suspects: list[Suspect] = Field(default_factory=list)
    later_commits: int = Field(default=0, description="Commits after the incident start, ignored as suspects.")
    deploys: list[DeployMarker] = Field(default_factory=list)
    owner: OwnerFinding | None = None
    frame_owners: dict[str, str] = Field(default_factory=dict)
    bounded_context: str | None = None
    entry_point: FrameFinding | None = None
    runtime: RuntimeFindings | None = None
    blast: BlastRadius | None = None
    blast_evidence_id: str | None = None
    design_evidence: list[str] = Field(default_factory=list, description="Ids of design-doc evidence about the failing code.")
    similar_cases: list[CaseHit] = Field(default_factory=list, description="Hypotheses to re-check, never evidence.")
    unparsed_assets: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    key_findings: list[str] = Field(default_factory=list)

    @property
    def top_group(self) -> ErrorGroup | None:
        return self.groups[0] if self.groups else None

    def evidence_ids(self) -> set[str]:
        return {e.id for e in self.evidence}
