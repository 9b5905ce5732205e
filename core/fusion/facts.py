"""The fused context: structured findings over all assets, each tied to the evidence that backs it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from core.cases import CaseHit
from core.fusion.runtime_rules import RuntimeFindings
from core.graph import BlastRadius
from core.schema import Evidence, Incident

__all__ = [
    "GUILTY_SCORE",
    "Burst",
    "ChangeCandidate",
    "ChangeLink",
    "DeployMarker",
    "ErrorGroup",
    "FrameFinding",
    "FusedContext",
    "LinkKind",
    "NoiseFinding",
    "OwnerFinding",
    "Suspect",
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
    score: float = Field(default=0.0, description="How strongly the ranking points here (see fusion.culprit).")
    is_test: bool = False
    why: list[str] = Field(default_factory=list, description="What raised or lowered this frame in the ranking.")
    why_zh: list[str] = Field(default_factory=list, description="The same reasons in Chinese.")
    stack_depth: int | None = Field(default=None, description="Index in its cause's frames (0 = innermost).")
    cause_index: int = 0


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


GUILTY_SCORE = 0.55  # below this no change is convicted: the evidence does not tie one to the symptoms
LinkKind = Literal["frame_line", "frame_method", "frame_file", "call_graph", "sql", "log_string", "config",
                   "dependency", "data_flow", "resource_leak"]


class ChangeLink(BaseModel):
    """One reason to think a change caused the symptoms, with its strength (0..1)."""

    kind: LinkKind
    strength: float
    text: str
    path: str | None = None
    line: int | None = None
    symbol: str | None = None
    evidence_id: str | None = None


class ChangeCandidate(BaseModel):
    """A change in the window before the onset, scored by what it explains."""

    sha: str
    author: str
    message: str
    authored_at: datetime
    minutes_before_start: float
    files: list[str] = Field(default_factory=list)
    links: list[ChangeLink] = Field(default_factory=list)
    deployed_tag: str | None = None
    deployed_minutes_before_start: float | None = None
    score: float = 0.0
    evidence_id: str | None = None

    @property
    def location_link(self) -> ChangeLink | None:
        """The strongest link that points at code the change touched."""
        placed = [lk for lk in self.links if lk.path and lk.kind != "frame_file"]
        return max(placed, key=lambda lk: lk.strength, default=None)

    @property
    def match(self) -> str:
        """The strongest kind of link (frame_line, sql, config …)."""
        return max(self.links, key=lambda lk: lk.strength).kind if self.links else "none"

    @property
    def guilty(self) -> bool:
        return self.score >= GUILTY_SCORE and any(lk.kind != "frame_file" for lk in self.links)


Suspect = ChangeCandidate  # the name the agents and reports have always used


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
    template_bursts: list[str] = Field(default_factory=list,
                                       description="Evidence ids of templates that jumped at the onset.")
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
    design_evidence: list[str] = Field(default_factory=list,
                                       description="Ids of design-doc evidence about the failing code.")
    similar_cases: list[CaseHit] = Field(default_factory=list, description="Hypotheses to re-check, never evidence.")
    unparsed_assets: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    key_findings: list[str] = Field(default_factory=list)
    key_findings_zh: list[str] = Field(default_factory=list, description="The key findings in Chinese.")

    def findings_in(self, lang: str) -> list[str]:
        """The key findings in `lang` (a context fused before they were written in Chinese has English only)."""
        return self.key_findings_zh if lang == "zh" and self.key_findings_zh else self.key_findings

    @property
    def top_group(self) -> ErrorGroup | None:
        return self.groups[0] if self.groups else None

    def evidence_ids(self) -> set[str]:
        return {e.id for e in self.evidence}
