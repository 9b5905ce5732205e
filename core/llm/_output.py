"""What each agent must answer (JSON schemas per role), and turning model text into a validated AgentReply."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.agents.base import AgentReply
from core.schema import (
    AgentName,
    Answer,
    Challenge,
    Claim,
    CodeLocation,
    CommitRef,
    Evidence,
    EvidenceRef,
    Hypothesis,
    Judgment,
    RejectedHypothesis,
    Severity,
)

__all__ = [
    "HYPOTHESIS_PREFIX",
    "OUTPUT_MODELS",
    "OutputInvalid",
    "map_strings",
    "output_schema",
    "parse_output",
    "to_reply",
]

_EVIDENCE_ID = re.compile(r"\bE\d+\b")
_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```\s*$")
_THINK = re.compile(r"<think>[\s\S]*?</think>", re.IGNORECASE)
HYPOTHESIS_PREFIX: dict[AgentName, str] = {"LogAgent": "HL", "DomainAgent": "HD", "CodeAgent": "HC"}


class OutputInvalid(ValueError):
    """The model's text is not a valid reply; the message is what the model is shown in the repair turn."""


class _Out(BaseModel):
    # Extra top-level keys (a model's "reasoning", say) are dropped rather than failing the turn;
    # the nested objects reuse the strict project schema.
    model_config = ConfigDict(extra="ignore")


class ClaimOut(_Out):
    text: str = Field(min_length=1)
    citations: list[str] = Field(description="Ledger ids, e.g. [\"E3\", \"E8\"].")


class _Reply(_Out):
    summary: str = Field(min_length=1, description="One or two sentences.")
    claims: list[ClaimOut] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0, description="0..1, confidence in the leading hypothesis.")


class ExpertOut(_Reply):
    hypotheses: list[Hypothesis] = Field(default_factory=list)


class CriticOut(_Reply):
    challenges: list[Challenge] = Field(description="Ids read C<round>-<kind>, e.g. C1-timing.")
    consensus: bool = Field(description="True only when no material objection remains.")


class RebuttalOut(_Reply):
    answers: list[Answer] = Field(description="One answer per challenge of the latest critique.")
    hypotheses: list[Hypothesis] = Field(default_factory=list, description="Restated hypotheses, if their status changed.")


class JudgmentOut(_Out):
    root_cause: str = Field(min_length=1)
    root_cause_location: CodeLocation | None
    suspect_commit: CommitRef | None
    evidence_chain: list[str] = Field(description="Ledger ids in reading order: symptom → code → change → release → owner.")
    fix_suggestion: str
    impact_analysis: str
    risk_level: Severity
    rollback_recommended: bool
    responsible_team: str | None
    confidence: float = Field(ge=0.0, le=1.0)
    abstained: bool = False
    missing: list[str] = Field(default_factory=list)
    rejected_hypotheses: list[RejectedHypothesis] = Field(default_factory=list)

    @field_validator("evidence_chain", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        # Accept the EvidenceRef objects a model may copy from the ledger; only their ids matter.
        if isinstance(value, list):
            return [v.get("id", "") if isinstance(v, dict) else v for v in value]
        return value


class JudgeOut(_Reply):
    judgment: JudgmentOut


OUTPUT_MODELS: dict[AgentName, type[_Reply]] = {
    "LogAgent": ExpertOut, "DomainAgent": ExpertOut, "CodeAgent": ExpertOut,
    "CriticAgent": CriticOut, "RebuttalAgent": RebuttalOut, "JudgeAgent": JudgeOut,
}


@functools.cache
def output_schema(agent: AgentName) -> dict[str, Any]:
    """The JSON schema of `agent`'s reply (shown in the prompt, and sent as response_format when supported).

    Cached: treat the returned dict as read-only.
    """
    def compact(node: Any, parent: str = "") -> Any:
        # Drop pydantic's "title" annotations (noise for the model) but keep properties that are named "title".
        if isinstance(node, dict):
            return {k: compact(v, k) for k, v in node.items()
                    if not (k == "title" and isinstance(v, str) and parent != "properties")}
        if isinstance(node, list):
            return [compact(v) for v in node]
        return node

    return compact(OUTPUT_MODELS[agent].model_json_schema())  # type: ignore[no-any-return]


def _extract_json(text: str) -> Any:
    cleaned = _THINK.sub("", text).strip()
    cleaned = _FENCE.sub("", cleaned).strip()
    start, end = cleaned.find("{"), cleaned.rfind("}")
    if start < 0:
        raise OutputInvalid("The reply contains no JSON object.")
    if end < start:
        raise OutputInvalid("The JSON object is not closed (the reply was cut off); answer more briefly.")
    try:
        return json.loads(cleaned[start:end + 1])
    except json.JSONDecodeError as exc:
        raise OutputInvalid(f"The reply is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
                            "if it was cut off, answer more briefly.") from exc


def _normalise(value: Any, key: str = "") -> Any:
    """Forgive the usual slips: "[E3]" citations, confidence as a percentage."""
    if isinstance(value, dict):
        return {k: _normalise(v, k) for k, v in value.items()}
    if isinstance(value, list):
        if key in ("citations", "evidence_chain"):
            out: list[Any] = []
            for item in value:
                out += _EVIDENCE_ID.findall(item) if isinstance(item, str) else [item]
            return list(dict.fromkeys(out)) if all(isinstance(i, str) for i in out) else out
        return [_normalise(v) for v in value]
    if key == "confidence" and isinstance(value, int | float) and not isinstance(value, bool) and 1 < value <= 100:
        return value / 100
    return value


def parse_output(agent: AgentName, text: str) -> _Reply:
    """Parse and validate a model's reply for `agent`.

    Raises:
        OutputInvalid: not JSON, or not valid for the agent's schema; the message lists what to fix.
    """
    data = _normalise(_extract_json(text))
    if not isinstance(data, dict):
        raise OutputInvalid("The reply must be one JSON object, not a list or a value.")
    try:
        return OUTPUT_MODELS[agent].model_validate(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in exc.errors()[:10]]
        raise OutputInvalid("The JSON does not match the schema: " + "; ".join(problems)) from exc


def _prefixed(agent: AgentName, hypotheses: list[Hypothesis]) -> list[Hypothesis]:
    """Experts run concurrently: give each expert's hypotheses its own id prefix so they cannot collide."""
    prefix = HYPOTHESIS_PREFIX.get(agent)
    if prefix is None:
        return hypotheses
    return [h if h.id.startswith(prefix) else h.model_copy(update={"id": f"{prefix}{h.id.lstrip('H') or i + 1}"})
            for i, h in enumerate(hypotheses)]


def to_reply(agent: AgentName, out: _Reply, ledger: list[Evidence]) -> AgentReply:
    """The AgentReply for a validated output; the judge's chain is resolved against the ledger (unknown ids dropped)."""
    fields: dict[str, Any] = {
        "summary": out.summary, "confidence": out.confidence,
        "claims": [Claim(text=c.text, citations=c.citations) for c in out.claims],
    }
    if isinstance(out, ExpertOut | RebuttalOut):
        fields["hypotheses"] = _prefixed(agent, out.hypotheses)
    if isinstance(out, CriticOut):
        fields.update(challenges=out.challenges, consensus=out.consensus)
    if isinstance(out, RebuttalOut):
        fields["answers"] = out.answers
    if isinstance(out, JudgeOut):
        by_id = {e.id: e for e in ledger}
        chain = [EvidenceRef(id=e.id, kind=e.kind, source=e.source, text=e.text)
                 for i in dict.fromkeys(out.judgment.evidence_chain) if (e := by_id.get(i))]
        fields["judgment"] = Judgment(**out.judgment.model_dump(exclude={"evidence_chain"}), evidence_chain=chain)
    return AgentReply(**fields)


def map_strings(model: BaseModel, fn: Any) -> Any:
    """A copy of `model` with `fn` applied to every string inside it (used to restore redacted values)."""
    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return fn(value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return type(model).model_validate(walk(model.model_dump()))

