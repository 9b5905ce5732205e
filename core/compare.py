"""Compare mode: the same incident judged by one agent, by a vote of the three experts, and by the full debate.

Nothing here touches the incident's own debates: the single agent and the vote call the brain directly,
and the full debate runs against a throw-away in-memory store holding a copy of the fused evidence (the
brain's read-only tools still read the real store). The comparison itself is kept as a JSON file under the
data directory, apart from the DuckDB store, so it is never mistaken for the incident's debate.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from core.agents.base import PHASE_OF, AgentReply, Brain, DebateView
from core.agents.ruling_check import check_ruling
from core.auth import ANONYMOUS_LOCAL, Principal, require_principal
from core.config import Settings
from core.debate import EXPERTS, Debate
from core.errors import ConfigError, DebateError, TribunalError
from core.fusion.facts import FusedContext
from core.fusion.ledger import check_citations
from core.pipeline import make_brain
from core.schema import (
    AgentName,
    AgentTurn,
    Claim,
    CodeLocation,
    CommitRef,
    DebateFailed,
    EvidenceRef,
    Judgment,
    JudgmentReady,
)
from core.store import Store

__all__ = ["MODES", "Comparison", "Mode", "ModeResult", "Vote", "compare_modes", "load_comparison", "save_comparison"]

log = logging.getLogger(__name__)

Mode = Literal["single", "vote", "debate"]
MODES: tuple[Mode, ...] = ("single", "vote", "debate")
Progress = Callable[[str, float], None]


class Vote(BaseModel):
    """One expert's vote: the location of its strongest hypothesis that names one."""

    agent: AgentName
    hypothesis_id: str | None = None
    location: CodeLocation | None = None
    commit_sha: str | None = None
    confidence: float = 0.0


class ModeResult(BaseModel):
    """One way of reaching a verdict, and what it cost."""

    mode: Mode
    brain: Literal["offline", "llm"]
    location: CodeLocation | None = None
    commit: str | None = None
    team: str | None = None
    confidence: float = 0.0
    abstained: bool = False
    summary: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    fallbacks: int = 0
    cost: float | None = None
    currency: str | None = None
    wall_s: float = 0.0
    turns: int = Field(default=0, description="Agent turns it took.")
    votes: list[Vote] = Field(default_factory=list)
    error: str | None = None

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def where(self) -> str | None:
        """`file:line` of the verdict, if it names one."""
        return f"{self.location.file}:{self.location.line}" if self.location else None


class Comparison(BaseModel):
    """The three modes over one incident with one brain."""

    incident_id: str
    brain: Literal["offline", "llm"]
    language: Literal["zh", "en"] = "en"
    models: dict[str, str] = Field(default_factory=dict, description="Agent → model (empty offline).")
    started_at: datetime
    finished_at: datetime | None = None
    results: list[ModeResult] = Field(default_factory=list)

    def result(self, mode: Mode) -> ModeResult | None:
        return next((r for r in self.results if r.mode == mode), None)

    @property
    def agree(self) -> bool:
        """True when every mode that named a location named the same one."""
        where = {r.where for r in self.results if r.where}
        return len(where) == 1


async def _quiet(text: str) -> None:
    """Compare mode streams nowhere: only the verdicts are shown."""


async def _no_tool(tool: str, arguments: dict[str, Any], status: str, result: str) -> None:
    return None


async def _ask(brain: Brain, agent: AgentName, view: DebateView) -> AgentReply:
    # Only the LLM brain takes the tool hook (same rule as the orchestrator's).
    if brain.name == "llm":
        return await brain.reply(agent, view, _quiet, on_tool=_no_tool)  # type: ignore[call-arg]
    return await brain.reply(agent, view, _quiet)


def _spent(result: ModeResult, brain: Brain) -> ModeResult:
    """Copy the LLM brain's totals into the result (the offline brain spends nothing)."""
    totals = getattr(brain, "totals", None)
    if totals is None:
        return result
    spent = totals()
    return result.model_copy(update={
        "prompt_tokens": spent.prompt_tokens, "completion_tokens": spent.completion_tokens, "calls": spent.calls,
        "fallbacks": spent.fallbacks, "cost": spent.cost, "currency": spent.currency,
    })


def _from_judgment(result: ModeResult, judgment: Judgment) -> ModeResult:
    return result.model_copy(update={
        "location": judgment.root_cause_location,
        "commit": judgment.suspect_commit.sha if judgment.suspect_commit else None,
        "team": judgment.responsible_team, "confidence": judgment.confidence, "abstained": judgment.abstained,
        "summary": judgment.root_cause,
    })


def _as_turn(agent: AgentName, reply: AgentReply, ctx: FusedContext, brain: str, seq: int) -> AgentTurn:
    """A mode's reply as a turn of its own little debate, its claims checked against the ledger as the debate does."""
    known = ctx.evidence_ids()
    now = datetime.now(UTC)
    claims = [c.model_copy(update={"valid": not (p := check_citations(c.citations, known)), "problems": p})
              for c in reply.claims]
    hypotheses = [h.model_copy(update={"citations": [c for c in h.citations if c in known]}) for h in reply.hypotheses]
    return AgentTurn(incident_id=ctx.incident.id, debate_id="compare", seq=seq, agent=agent, round=0,
                     phase=PHASE_OF[agent], brain="llm" if brain == "llm" else "offline", summary=reply.summary,
                     claims=claims, hypotheses=hypotheses, confidence=reply.confidence, started_at=now, finished_at=now)


def _checked(judgment: Judgment, view: DebateView) -> Judgment:
    """Every mode's ruling passes the debate's own ledger check (core.agents.ruling_check) over the turns that mode
    produced: the chain keeps what those turns cited, the location, commit and team must be in evidence, and the
    confidence is capped by independent sources. One policy, so no mode looks better for being checked less."""
    return check_ruling(judgment, view)


async def _single(brain: Brain, ctx: FusedContext, language: str) -> ModeResult:
    result = ModeResult(mode="single", brain=brain.name, turns=1)
    view = DebateView(context=ctx, language=language)  # type: ignore[arg-type]
    reply = await _ask(brain, "JudgeAgent", view)
    if reply.judgment is None:
        raise DebateError("The judge gave no ruling.")
    # Alone, the judge is its own expert: its ruling is a claim of its own, citing the chain it gave; the location,
    # commit, team, impact and the cap by independent sources are then checked exactly as in a debate.
    claim = Claim(text=reply.judgment.root_cause, citations=[e.id for e in reply.judgment.evidence_chain])
    alone = reply.model_copy(update={"claims": [*reply.claims, claim]})
    own = view.model_copy(update={"turns": [_as_turn("JudgeAgent", alone, ctx, brain.name, 1)]})
    return _from_judgment(result, _checked(reply.judgment, own))


def _vote_of(agent: AgentName, reply: AgentReply) -> Vote:
    located = [h for h in reply.hypotheses if h.location is not None and h.status != "rejected"]
    if not located:
        return Vote(agent=agent, confidence=reply.confidence)
    best = max(located, key=lambda h: h.confidence)
    return Vote(agent=agent, hypothesis_id=best.id, location=best.location, commit_sha=best.commit_sha,
                confidence=best.confidence)


def _tally(votes: list[Vote], ctx: FusedContext, brain: Literal["offline", "llm"],
           replies: list[AgentReply] | None = None, language: str = "en") -> ModeResult:
    """Most common location wins (ties: higher mean confidence); confidence = share of votes × mean confidence,
    then capped by the ledger check like any ruling (the backers' citations are its chain)."""
    result = ModeResult(mode="vote", brain=brain, votes=votes, turns=len(votes))
    counted = Counter((v.location.file, v.location.line) for v in votes if v.location is not None)
    if not counted:
        return result.model_copy(update={"abstained": True, "summary": "No expert named a code location."})

    def mean_conf(key: tuple[str, int]) -> float:
        own = [v.confidence for v in votes if v.location is not None and (v.location.file, v.location.line) == key]
        return sum(own) / len(own)

    winner = max(counted, key=lambda k: (counted[k], mean_conf(k)))
    backers = [v for v in votes if v.location is not None and (v.location.file, v.location.line) == winner]
    share = len(backers) / len(votes)
    commits = Counter(v.commit_sha for v in backers if v.commit_sha)
    file = winner[0]
    team = ctx.frame_owners.get(file) or (ctx.owner.team if ctx.owner and ctx.owner.path == file else None)
    confidence = round(share * mean_conf(winner), 2)
    summary = f"{len(backers)}/{len(votes)} experts point at {file}:{winner[1]}"
    result = result.model_copy(update={
        "location": backers[0].location, "commit": commits.most_common(1)[0][0] if commits else None, "team": team,
        "confidence": confidence, "abstained": confidence < 0.35, "summary": summary,
    })
    if replies is None:
        return result
    # The vote's ruling faces the same ledger check as the debate's: its chain is what the backers cited.
    by_id = {e.id: e for e in ctx.evidence}
    backing = {v.agent: v.hypothesis_id for v in backers}
    cited = [c for agent, reply in zip(EXPERTS, replies, strict=True) for h in reply.hypotheses
             if backing.get(agent) == h.id for c in h.citations if c in by_id]
    sha = result.commit
    ruling = Judgment(
        root_cause=summary, root_cause_location=result.location,
        suspect_commit=CommitRef(sha=sha, author="", message="") if sha else None,
        evidence_chain=[EvidenceRef(id=i, kind=by_id[i].kind, source=by_id[i].source, text=by_id[i].text)
                        for i in dict.fromkeys(cited)],
        fix_suggestion="", impact_analysis="", risk_level=ctx.incident.severity, rollback_recommended=False,
        responsible_team=team, confidence=confidence)
    turns = [_as_turn(agent, reply, ctx, brain, i)
             for i, (agent, reply) in enumerate(zip(EXPERTS, replies, strict=True), 1)]
    view = DebateView(context=ctx, language=language, turns=turns)  # type: ignore[arg-type]
    return _from_judgment(result, _checked(ruling, view)).model_copy(update={"summary": summary})


async def _vote(brain: Brain, ctx: FusedContext, language: str) -> ModeResult:
    view = DebateView(context=ctx, language=language)  # type: ignore[arg-type]
    replies = list(await asyncio.gather(*(_ask(brain, agent, view) for agent in EXPERTS)))
    return _tally([_vote_of(a, r) for a, r in zip(EXPERTS, replies, strict=True)], ctx, brain.name, replies, language)


def _scratch(store: Store, incident_id: str) -> Store:
    """An in-memory copy of the incident's fusion and ledger: a mode's debate and its tool evidence go here, never
    into the incident's own store."""
    payload = store.load_fusion(incident_id)
    if payload is None:
        raise DebateError(f"Incident {incident_id} has no fused evidence yet; ingest its assets first.")
    scratch = Store(":memory:")
    scratch.save_fusion(incident_id, payload, store.list_evidence(incident_id))
    return scratch


async def _debate(scratch: Store, brain: Brain, settings: Settings, incident_id: str, language: str) -> ModeResult:
    debate = Debate(scratch, incident_id, brain, max_rounds=settings.max_rounds, language=language)
    judgment: Judgment | None = None
    async for event in debate.events():
        if isinstance(event, JudgmentReady):
            judgment = event.judgment
        elif isinstance(event, DebateFailed):
            raise DebateError(event.message)
    if judgment is None:
        raise DebateError("The debate ended without a ruling.")
    turns = len(scratch.list_turns(debate.debate_id))
    return _from_judgment(ModeResult(mode="debate", brain=brain.name, turns=turns), judgment)


async def _run(store: Store, settings: Settings, ctx: FusedContext, brain_name: str, modes: tuple[Mode, ...],
               language: str, progress: Progress) -> list[ModeResult]:
    results: list[ModeResult] = []
    breaker: Any = None
    for i, mode in enumerate(modes):
        progress(mode, i / len(modes))
        brain = make_brain(settings, brain_name, 0.0, store)  # a fresh brain per mode: budgets and totals apart
        # One circuit breaker for the whole comparison: a dead endpoint costs its timeouts once, not once per mode.
        if hasattr(brain, "breaker"):
            breaker = breaker or brain.breaker
            brain.breaker = breaker
        scratch = _scratch(store, ctx.incident.id)
        if (tools := getattr(brain, "tools", None)) is not None:
            tools.ledger = scratch  # what tools find is cited in this mode only
        own = ctx.model_copy(deep=True)  # no mode sees another's tool evidence
        started = time.monotonic()
        try:
            if mode == "single":
                result = await _single(brain, own, language)
            elif mode == "vote":
                result = await _vote(brain, own, language)
            else:
                result = await _debate(scratch, brain, settings, ctx.incident.id, language)
        except TribunalError as exc:
            log.warning("incident %s: compare mode %s failed: %s", ctx.incident.id, mode, exc)
            result = ModeResult(mode=mode, brain=brain.name, error=str(exc))
        finally:
            scratch.close()
        result = _spent(result, brain).model_copy(update={"wall_s": round(time.monotonic() - started, 3)})
        log.info("incident %s: compare %s/%s → %s at %.0f%% in %.2fs (%d tokens)", ctx.incident.id, brain.name, mode,
                 result.where or "no location", result.confidence * 100, result.wall_s, result.tokens)
        results.append(result)
    progress("done", 1.0)
    return results


def compare_modes(
    store: Store, settings: Settings, incident_id: str, brain: str = "offline", *, language: str | None = None,
    modes: tuple[Mode, ...] = MODES, progress: Progress | None = None, actor: Principal = ANONYMOUS_LOCAL,
) -> Comparison:
    """Judge the incident three ways with one brain and say what each way concluded and cost.

    Runs its own event loop, so call it from a thread that has none running (the dashboard uses a worker).

    Args:
        brain: "offline" (no key needed) or "llm" (the settings' routing; pass settings with any overrides).
        language: the language agents answer in (defaults to the incident's).
        modes: which of "single", "vote", "debate" to run, in order.
        progress: told (mode, fraction) as each mode starts.

    Returns:
        The comparison; a mode that failed carries its error instead of a verdict.

    Raises:
        StoreError: the incident does not exist.
        DebateError: the incident has no fused evidence yet.
        ConfigError: the brain cannot be used.
        Forbidden: `actor` is below analyst (a comparison runs the models, as a debate does).
    """
    require_principal(actor, "analyst", "compare judging modes", audit_to=store, incident_id=incident_id)
    incident = store.get_incident(incident_id)
    payload = store.load_fusion(incident_id)
    if payload is None:
        raise DebateError(f"Incident {incident_id} has no fused evidence yet; ingest its assets first.")
    ctx = FusedContext.model_validate_json(payload)
    ctx.evidence = store.list_evidence(incident_id)
    probe = make_brain(settings, brain)  # fail before anything runs if the brain is unusable
    lang = language or incident.language
    models = {a: m for a in (*EXPERTS, "CriticAgent", "RebuttalAgent", "JudgeAgent") if (m := probe.model_for(a))}
    comparison = Comparison(incident_id=incident_id, brain=probe.name, language=lang, models=models,  # type: ignore[arg-type]
                            started_at=datetime.now(UTC))
    results = asyncio.run(_run(store, settings, ctx, brain, modes, lang, progress or (lambda m, f: None)))
    return comparison.model_copy(update={"results": results, "finished_at": datetime.now(UTC)})


def _path(settings: Settings, incident_id: str) -> Path:
    return settings.work_dir / "compare" / f"{incident_id}.json"


def save_comparison(settings: Settings, comparison: Comparison) -> Path:
    """Keep the latest comparison of an incident next to the store (not in it).

    Raises:
        ConfigError: the data directory cannot be written.
    """
    path = _path(settings, comparison.incident_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(comparison.model_dump_json(indent=2), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Cannot write {path}: {exc}; check that the data directory is writable.") from exc
    return path


def load_comparison(settings: Settings, incident_id: str) -> Comparison | None:
    """The incident's latest saved comparison, or None (also when the file is unreadable or from an older format)."""
    path = _path(settings, incident_id)
    try:
        return Comparison.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError):
        return None
