"""Pydantic models for everything that crosses a boundary: storage, agents, UI, files."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "AGENTS",
    "AgentName",
    "AgentTurn",
    "Answer",
    "Asset",
    "AssetKind",
    "BrainTally",
    "Challenge",
    "Claim",
    "CodeLocation",
    "Commit",
    "CommitRef",
    "Consensus",
    "DebateEvent",
    "DebateFailed",
    "DebateInfo",
    "Evidence",
    "EvidenceKind",
    "EvidenceRef",
    "ExceptionCause",
    "ExceptionRecord",
    "FollowUp",
    "Hypothesis",
    "Incident",
    "IncidentDraft",
    "Intervention",
    "Judgment",
    "JudgmentReady",
    "Language",
    "Phase",
    "RejectedHypothesis",
    "ReportData",
    "ReviewDecision",
    "ReviewState",
    "ReviewStatus",
    "RoundFinished",
    "RulingCheck",
    "RuntimeSeries",
    "Severity",
    "StackFrame",
    "TokenDelta",
    "ToolCall",
    "TurnCost",
    "TurnFinished",
    "TurnStarted",
    "UsageCounts",
    "started_at_problem",
]

Severity = Literal["critical", "high", "medium", "low"]
Language = Literal["zh", "en"]
AgentName = Literal["LogAgent", "DomainAgent", "CodeAgent", "CriticAgent", "RebuttalAgent", "JudgeAgent"]
AGENTS: tuple[AgentName, ...] = (
    "LogAgent", "DomainAgent", "CodeAgent", "CriticAgent", "RebuttalAgent", "JudgeAgent",
)
Phase = Literal["experts", "critique", "rebuttal", "judgment"]
AssetKind = Literal[
    "log", "metrics", "trace", "slow_sql", "repo", "design_doc", "openapi", "ddl", "codeowners", "case", "other"
]
EvidenceKind = Literal[
    "exception", "stack_frame", "log_burst", "log_noise", "commit", "blame", "ownership", "deploy",
    "metric_anomaly", "trace", "slow_sql", "design", "human", "timeline", "change_link", "tool_result",
]
IncidentStatus = Literal["new", "ingested", "debating", "judged", "failed"]


# Years an incident can plausibly have started in; anything else is a typo or a number read as an epoch.
STARTED_YEARS = (2000, 2100)


def started_at_problem(value: datetime) -> str | None:
    """Why `value` cannot be an incident's start (no zone, zone out of -12:00..+14:00, year out of range), or None."""
    offset = value.utcoffset()
    if offset is None:
        return "started_at needs a time zone, e.g. 2026-11-20T14:05:00+08:00."
    minutes = offset.total_seconds() / 60
    if not -12 * 60 <= minutes <= 14 * 60:
        return (f"started_at's zone {value.isoformat()[19:]} is not a real one; zones run from -12:00 to +14:00 "
                "(e.g. 2026-11-20T14:05:00+08:00).")
    if not STARTED_YEARS[0] <= value.year <= STARTED_YEARS[1]:
        return (f"started_at's year {value.year} is outside {STARTED_YEARS[0]}-{STARTED_YEARS[1]}; "
                "check the date (e.g. 2026-11-20T14:05:00+08:00).")
    return None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IncidentDraft(_Model):
    """What a user supplies to open an incident (incident.yaml or the intake form)."""

    title: str = Field(min_length=1, max_length=300)
    severity: Severity
    started_at: datetime
    service: str = Field(min_length=1, max_length=200)
    description: str = ""
    language: Language = "en"
    repo: str | None = None
    i18n: dict[Language, dict[str, str]] = Field(
        default_factory=dict, description="Per-language title/description when the bundle gives both."
    )

    @field_validator("started_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("started_at needs a time zone, e.g. 2026-11-20T14:05:00+08:00")
        return value


class Incident(IncidentDraft):
    """An incident as stored; every other row hangs off its id."""

    id: str
    status: IncidentStatus = "new"
    created_at: datetime

    def text(self, field: Literal["title", "description"], lang: str) -> str:
        """The title or description in `lang` when the bundle provided it, else the original."""
        return self.i18n.get(lang, {}).get(field) or getattr(self, field)  # type: ignore[call-overload]


class Asset(_Model):
    """One ingested file or source, with what happened to it."""

    id: str
    incident_id: str
    kind: AssetKind
    name: str
    size_bytes: int = 0
    items: int = 0
    status: Literal["ok", "warning", "error", "stored"] = "ok"
    message: str = ""
    created_at: datetime


class StackFrame(_Model):
    class_name: str
    method: str
    file: str | None = None
    line: int | None = None
    in_app: bool = False
    cause_index: int = 0
    depth: int = 0

    @property
    def symbol(self) -> str:
        return f"{self.class_name}.{self.method}"


class ExceptionCause(_Model):
    exc_type: str
    message: str = ""


class ExceptionRecord(_Model):
    """One logged exception with its whole `Caused by:` chain and frames."""

    id: int
    incident_id: str
    asset_id: str
    line_no: int
    ts: datetime | None
    logger: str | None = None
    exc_type: str
    message: str
    root_type: str
    root_message: str
    fingerprint: str
    causes: list[ExceptionCause] = Field(default_factory=list)
    frames: list[StackFrame] = Field(default_factory=list)


class Commit(_Model):
    sha: str
    author: str
    email: str = ""
    authored_at: datetime
    message: str
    files: list[str] = Field(default_factory=list)
    insertions: int = 0
    deletions: int = 0
    parents: int = 1


class Evidence(_Model):
    """A fact an agent may cite, with a short stable id and where it came from."""

    id: str = Field(pattern=r"^E\d+$")
    incident_id: str
    kind: EvidenceKind
    source: str
    text: str
    ref: dict[str, str | int | float | None] = Field(default_factory=dict)
    created_at: datetime | None = None


class CodeLocation(_Model):
    file: str
    line: int
    symbol: str


class CommitRef(_Model):
    sha: str
    author: str
    message: str


class Claim(_Model):
    text: str
    citations: list[str] = Field(default_factory=list)
    valid: bool = True
    problems: list[str] = Field(default_factory=list)


class Hypothesis(_Model):
    id: str
    title: str
    statement: str
    location: CodeLocation | None = None
    commit_sha: str | None = None
    citations: list[str] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0)
    status: Literal["proposed", "supported", "challenged", "rejected"] = "proposed"
    reason: str = ""


class Challenge(_Model):
    id: str
    target: str = Field(description="Hypothesis id or claim the challenge is about.")
    text: str
    citations: list[str] = Field(default_factory=list)
    material: bool = True
    kind: str = Field(default="", description="What is objected to: timing, contradiction, no-location, closer-commit, "
                                              "noise, external, coverage, citation, human, other.")

    @model_validator(mode="after")
    def _kind_from_id(self) -> Challenge:
        # Turns stored before the kind was a field carried it inside the id ("C1-timing").
        if not self.kind:
            tail = self.id.split("-", 1)[1] if "-" in self.id else ""
            self.kind = re.sub(r"[\d.]+$", "", tail) or "other"
        return self


class Answer(_Model):
    challenge_id: str = Field(description="The challenge answered, or a human question's id (Q<n>).")
    verdict: Literal["resolved", "conceded", "open", "answered"] = Field(
        description="'answered' for a human question; resolved/conceded/open for a challenge.")
    text: str
    citations: list[str] = Field(default_factory=list)


class UsageCounts(_Model):
    """Model usage counted the same way everywhere: one turn, a debate's running totals, a report's sum."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    retries: int = 0
    cost: float | None = None
    currency: str | None = None
    redactions: dict[str, int] = Field(default_factory=dict, description="Redacted values per kind.")

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class TurnCost(UsageCounts):
    """What an LLM turn cost (absent on offline turns): shown in the bubble, summed in the report."""

    model: str | None = None
    seconds: float = 0.0
    fallback: str | None = Field(default=None, description="Why the offline brain answered instead, if it did.")


class BrainTally(_Model):
    """How a debate's turns were answered; `brain` is "mixed" as soon as one LLM turn fell back offline."""

    brain: Literal["llm", "offline", "mixed"]
    model_turns: int = 0
    offline_turns: int = 0
    fallbacks: dict[str, int] = Field(default_factory=dict, description="Why turns fell back (reason → turns).")


class AgentTurn(_Model):
    """One finished turn of one agent: what it said, what it cited, how sure it is."""

    incident_id: str
    debate_id: str
    seq: int
    agent: AgentName
    round: int
    phase: Phase
    brain: Literal["offline", "llm"]
    model: str | None = None
    summary: str
    body: str = ""
    claims: list[Claim] = Field(default_factory=list)
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    challenges: list[Challenge] = Field(default_factory=list)
    answers: list[Answer] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0)
    note: str = ""
    answer_only: bool = Field(default=False, description="The agent spoke again only to answer humans' questions.")
    usage: TurnCost | None = None
    started_at: datetime
    finished_at: datetime

    @property
    def citations(self) -> list[str]:
        seen: dict[str, None] = {}
        for group in (self.claims, self.hypotheses, self.challenges, self.answers):
            for item in group:
                for cid in item.citations:
                    seen.setdefault(cid, None)
        return list(seen)


class EvidenceRef(_Model):
    id: str
    kind: str
    source: str
    text: str


class RejectedHypothesis(_Model):
    id: str
    title: str
    reason: str


class RulingCheck(_Model):
    """A part of the ruling that code dropped or corrected because the ledger does not back it."""

    field: Literal["location", "commit", "author", "team", "impact", "hypothesis", "confidence"]
    value: str = Field(description="What the judge had said.")
    reason: str = Field(description="Why it was dropped or changed, in the debate's language.")


class Judgment(_Model):
    """The judge's ruling; the CLI's `judgment` object is exactly this."""

    root_cause: str
    root_cause_location: CodeLocation | None
    suspect_commit: CommitRef | None
    evidence_chain: list[EvidenceRef]
    fix_suggestion: str
    impact_analysis: str
    risk_level: Severity
    rollback_recommended: bool
    responsible_team: str | None
    confidence: float = Field(ge=0.0, le=1.0)
    abstained: bool = False
    missing: list[str] = Field(default_factory=list)
    rejected_hypotheses: list[RejectedHypothesis] = Field(default_factory=list)
    hypothesis_id: str | None = Field(default=None, description="The hypothesis the ruling is for.")
    checks: list[RulingCheck] = Field(default_factory=list, description="What the ledger check dropped or corrected.")


class DebateInfo(_Model):
    id: str
    incident_id: str
    brain: Literal["offline", "llm"]
    status: Literal["running", "finished", "failed", "cancelled"]
    rounds: int = 0
    consensus: bool = False
    started_at: datetime
    finished_at: datetime | None = None
    error: str | None = None


# --- the debate's event stream -------------------------------------------------------------


class _Event(_Model):
    incident_id: str
    debate_id: str
    seq: int = 0
    at: datetime


class TurnStarted(_Event):
    type: Literal["turn_started"] = "turn_started"
    agent: AgentName
    round: int
    phase: Phase


class TokenDelta(_Event):
    type: Literal["token_delta"] = "token_delta"
    agent: AgentName
    round: int
    text: str


class TurnFinished(_Event):
    type: Literal["turn_finished"] = "turn_finished"
    turn: AgentTurn


class ToolCall(_Event):
    type: Literal["tool_call"] = "tool_call"
    agent: AgentName
    tool: str
    arguments: dict[str, str | int | float | None] = Field(default_factory=dict)
    status: Literal["ok", "error"] = "ok"
    result: str = ""


class RoundFinished(_Event):
    type: Literal["round_finished"] = "round_finished"
    round: int
    confidence: float


class Consensus(_Event):
    type: Literal["consensus"] = "consensus"
    round: int
    reason: str


class Intervention(_Event):
    type: Literal["intervention"] = "intervention"
    kind: Literal["note", "reject_hypothesis", "evidence", "question", "cancel"]
    text: str
    target: str | None = None


class JudgmentReady(_Event):
    type: Literal["judgment"] = "judgment"
    judgment: Judgment


class DebateFailed(_Event):
    type: Literal["error"] = "error"
    message: str
    agent: AgentName | None = None


DebateEvent = Annotated[
    TurnStarted | TokenDelta | TurnFinished | ToolCall | RoundFinished | Consensus | Intervention
    | JudgmentReady | DebateFailed,
    Field(discriminator="type"),
]


ReviewState = Literal["draft", "final", "rejected", "sent_back"]
ReviewDecision = Literal["approve", "reject", "send_back", "finalize"]


class ReviewStatus(_Model):
    """Where a ruling stands in review: a draft until someone allowed decides (see core.review)."""

    debate_id: str
    state: ReviewState = "draft"
    needs_approval: bool = Field(description="Risk critical/high or a rollback: only an approver may sign it off.")
    why: list[Literal["risk", "rollback"]] = Field(default_factory=list, description="Why it needs an approver.")
    decision: ReviewDecision | None = None
    decided_by: str | None = None
    decided_role: str | None = None
    decided_at: datetime | None = None
    text: str = Field(default="", description="The reason of a rejection, or the note of a send-back.")


class FollowUp(_Model):
    """An action the post-mortem hands out, with who owns it and where it comes from."""

    action: str
    owner: str
    source: str = Field(description="An evidence id, or 'ruling'.")


class RuntimeSeries(_Model):
    """One runtime chart of the report: a metric, or logged errors per minute."""

    name: str
    unit: str = ""
    points: list[tuple[datetime, float]]
    evidence_id: str | None = None


class ReportData(_Model):
    """Everything a post-mortem report renders, gathered from the store."""

    incident: Incident
    debate: DebateInfo
    judgment: Judgment
    turns: list[AgentTurn]
    evidence: list[Evidence]
    interventions: list[Intervention] = Field(default_factory=list)
    timeline: list[tuple[datetime, str]] = Field(default_factory=list)
    generated_at: datetime
    redactions: dict[str, int] = Field(
        default_factory=dict, description="Secrets and personal data replaced in what is stored, per kind.")
    review: ReviewStatus | None = None
    follow_ups: list[FollowUp] = Field(default_factory=list)
    runtime: list[RuntimeSeries] = Field(default_factory=list, description="Charts of the impact section.")
    onset: datetime | None = Field(default=None, description="When the errors started, if the logs say.")
    brains: BrainTally | None = Field(default=None, description="Turns the model and the offline brain answered.")
