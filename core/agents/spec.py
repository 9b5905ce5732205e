"""One AgentSpec per agent: the facts the orchestrator, the prompts and the routing read about each agent."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.schema import AGENTS, AgentName, Evidence, EvidenceKind, Phase

__all__ = ["AGENT_SPECS", "TOOL_NAMES", "AgentSpec", "evidence_slice", "role_temperature", "spec"]

TOOL_NAMES = ("query_incident_table", "show_exception_group", "blame", "show_commit", "evidence")


class AgentSpec(BaseModel):
    """What one agent is: its role, phase, the evidence it investigates, and how it leans when models are shared."""

    model_config = ConfigDict(frozen=True)

    name: AgentName
    role: str = Field(description="One line: what this agent does (the prompt's role line).")
    prompt: str = Field(description="Its task's template in core/llm/prompts/.")
    phase: Phase
    hypothesis_prefix: str | None = Field(default=None, description="Experts: the prefix of their hypothesis ids.")
    evidence: frozenset[EvidenceKind] | None = Field(
        default=None, description="Experts: the slice of the ledger they investigate alone; None = all of it.")
    stance: str = Field(description="How it leans in argument, stated in its instructions.")
    temperature_offset: float = Field(
        default=0.0, description="Added to the shared temperature when one model answers for every agent.")
    color: str = Field(description="Its colour in the transcript.")
    tint: str = Field(description="Its bubble's background.")
    icon: str = Field(description="Its avatar: a Material Symbols name.")
    side: Literal["left", "right", "center"] = Field(description="Where its bubbles sit: critic and rebuttal face "
                                                                 "each other, the judge in the middle.")
    label_keys: tuple[str, str] = Field(description="i18n keys of its role and duty.")
    output: Literal["expert", "critic", "rebuttal", "judge"] = Field(
        description="The kind of its reply: core/llm/_output.py maps it to the pydantic model that parses it.")
    tools: tuple[str, ...] = Field(default=TOOL_NAMES, description="The investigation tools it may call.")


def _spec(name: AgentName, phase: Phase, role: str, stance: str, offset: float, look: str,
          prefix: str | None = None, evidence: set[EvidenceKind] | None = None) -> AgentSpec:
    color, tint, icon, side = look.split()
    output = {"experts": "expert", "critique": "critic", "rebuttal": "rebuttal", "judgment": "judge"}[phase]
    return AgentSpec(name=name, role=role, prompt=f"{name}.md", phase=phase, hypothesis_prefix=prefix,
                     evidence=frozenset(evidence) if evidence is not None else None, stance=stance,
                     temperature_offset=offset, color=color, tint=tint, icon=icon, side=side,  # type: ignore[arg-type]
                     label_keys=(f"agent.{name}", f"duty.{name}"),
                     output=output)  # type: ignore[arg-type]


AGENT_SPECS: dict[AgentName, AgentSpec] = {s.name: s for s in (
    _spec("LogAgent", "experts", "Reads the runtime symptoms: error groups, their onset, noise, stack traces.",
          "Trust only what the runtime shows: onsets, rates, metrics and traces; distrust stories the data does "
          "not show.", 0.0, "#2563eb #eff5ff receipt_long left", "HL",
          {"exception", "log_burst", "log_noise", "metric_anomaly", "trace", "slow_sql", "timeline", "human"}),
    _spec("DomainAgent", "experts", "Maps the failure onto the design: bounded context, layer, API entry point, "
          "owning team.", "Think in the design's terms: which invariant, aggregate or contract broke, and who owns it.",
          0.2, "#0d9488 #edfaf8 hub left", "HD", {"design", "ownership", "human"}),
    _spec("CodeAgent", "experts", "Follows the failing frames into the code: blame, suspect commits, the changed line.",
          "Follow the code and its history; name a change only when its links explain the symptoms.", 0.1,
          "#7c3aed #f5f0ff code left", "HC",
          {"stack_frame", "blame", "commit", "change_link", "deploy", "timeline", "human"}),
    _spec("CriticAgent", "critique",
          "Attacks the leading hypotheses: timing, alternatives, coverage, unsupported claims.",
          "Be the sceptic: look for the alternative explanation and the evidence that does not fit.", 0.5,
          "#dc2626 #fff2f2 manage_search right"),
    _spec("RebuttalAgent", "rebuttal", "Answers each challenge with evidence, or concedes it.",
          "Defend only what the evidence supports; concede the rest plainly.", 0.2, "#d97706 #fff8eb shield left"),
    _spec("JudgeAgent", "judgment",
          "Rules on the root cause, citing only verified evidence, and states what is missing.",
          "Be conservative: rule only on what survived the debate, and abstain rather than guess.", -0.2,
          "#1e293b #f6f7f9 balance center"),
)}
assert tuple(AGENT_SPECS) == AGENTS


def spec(agent: AgentName) -> AgentSpec:
    return AGENT_SPECS[agent]


def evidence_slice(agent: AgentName, evidence: list[Evidence]) -> list[Evidence]:
    """The part of the ledger `agent` investigates on its own (all of it for agents without a slice)."""
    kinds = AGENT_SPECS[agent].evidence
    return list(evidence) if kinds is None else [e for e in evidence if e.kind in kinds]


def role_temperature(agent: AgentName, shared: float) -> float:
    """The temperature `agent` uses when one model answers for all six: spread around the shared one, so the
    roles do not speak with one voice."""
    return round(max(0.0, min(2.0, shared + AGENT_SPECS[agent].temperature_offset)), 2)


