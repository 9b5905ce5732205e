"""JudgeAgent: rule on the root cause from verified evidence only, and say what is missing."""

from __future__ import annotations

from datetime import datetime, tzinfo

from core.agents.base import AgentReply, DebateView
from core.agents.failure_modes import classify
from core.agents.ruling_check import evidence_cap, verified_citations
from core.fusion.culprit import location_margin
from core.fusion.facts import ChangeCandidate, FusedContext
from core.fusion.link_words import link_said
from core.fusion.runtime_rules import share
from core.i18n import text
from core.schema import (
    AgentTurn,
    CommitRef,
    EvidenceRef,
    Hypothesis,
    Judgment,
    RejectedHypothesis,
)

__all__ = ["CHAIN_ORDER", "evidence_cap", "offline_reply", "ruling_confidence", "verified_citations"]

# The order a reader follows an evidence chain in: symptom → code → change → release → owner.
CHAIN_ORDER = ("exception", "log_burst", "stack_frame", "blame", "commit", "change_link", "deploy", "design",
               "ownership",
               "metric_anomaly", "trace", "slow_sql", "log_noise", "timeline", "human")
_SEVERITY = ("low", "medium", "high", "critical")


def _clock(ts: datetime | None, zone: tzinfo | None) -> str:
    return ts.astimezone(zone).strftime("%m-%d %H:%M") if ts else "?"


def ruling_confidence(view: DebateView, lead: Hypothesis, change: ChangeCandidate | None, mode_score: float,
                      gaps: int, blocking: int) -> float:
    """Confidence that follows the evidence, not the debaters' self-assessment.

    A convicted change with strong links can carry a ruling to 0.9; without one, the ruling rests on
    where the failure surfaced, and how clearly the location ranking picked it caps it lower.
    Open gaps and material objections take confidence away.
    """
    ctx = view.context
    frames = [f for f in (ctx.top_group.frames if ctx.top_group else []) if not f.is_test]
    if change is not None:
        deployed = any(change.sha in d.contains for d in ctx.deploys)
        value = 0.45 + 0.35 * min(1.0, change.score) + 0.08 * mode_score + (0.05 if deployed else 0.0)
        cap = 0.92
    else:
        margin = location_margin(frames) if frames else 0.0
        on_stack = any(f.path == lead.location.file for f in frames) if lead.location else False
        value = 0.25 + 0.3 * margin * (1.0 if on_stack else 0.5) + 0.1 * mode_score
        cap = 0.72 if mode_score else 0.45  # where, but not how: below even odds
    value -= 0.05 * gaps + 0.1 * blocking
    return round(max(0.05, min(value, cap)), 2)


def _ago(minutes: float, lang: str) -> str:
    m = abs(minutes)
    span = (text("judge.ago.minutes", lang, m=m) if m < 120 else text("judge.ago.hours", lang, h=m / 60) if m < 2880
            else text("judge.ago.days", lang, d=m / 1440))
    return text("judge.ago.before" if minutes >= 0 else "judge.ago.after", lang, span=span)


def _what_would_help(ctx: FusedContext, lang: str, change: ChangeCandidate | None, mode_known: bool) -> list[str]:
    """What evidence a low-confidence ruling lacks, so a person knows what to bring."""
    out = []
    if change is None and ctx.repo_available:
        out.append(text("judge.would_help.change", lang))
    if not mode_known:
        out.append(text("judge.would_help.mechanism", lang))
    frames = ctx.top_group.frames if ctx.top_group else []
    if frames and location_margin([f for f in frames if not f.is_test]) < 0.3:
        out.append(text("judge.would_help.location", lang))
    return out


def _own_reading(view: DebateView) -> DebateView:
    """With no debate behind it (a lone judge), the judge reads the evidence the way the experts would."""
    from datetime import UTC, datetime

    from core.agents import code_agent, domain_agent, log_agent

    now = datetime.now(UTC)
    turns = []
    for seq, (agent, module) in enumerate((("LogAgent", log_agent), ("DomainAgent", domain_agent),
                                            ("CodeAgent", code_agent)), start=1):
        reply = module.offline_reply(view)
        turns.append(AgentTurn(
            incident_id=view.context.incident.id, debate_id="-", seq=seq, agent=agent, round=0,  # type: ignore[arg-type]
            phase="experts", brain="offline", summary=reply.summary, claims=reply.claims, hypotheses=reply.hypotheses,
            confidence=reply.confidence, started_at=now, finished_at=now))
    return view.model_copy(update={"turns": turns})


def offline_reply(view: DebateView) -> AgentReply:
    """Rule for the strongest surviving hypothesis, with a chain built only from verified citations."""
    if not view.turns:
        view = _own_reading(view)
    ctx, lang = view.context, view.language
    lead = view.leading()
    critic = view.last("CriticAgent")
    rebuttal = view.last("RebuttalAgent")
    gap_kinds = {c.id.split("-", 1)[-1] for c in (critic.challenges if critic else []) if not c.material}
    gaps = [a.text for a in (rebuttal.answers if rebuttal else [])
            if a.verdict != "resolved" and a.challenge_id.split("-", 1)[-1] in gap_kinds]
    blocking = [c.text for c in (critic.challenges if critic else []) if c.material]
    verified = verified_citations(view)
    by_id = {e.id: e for e in ctx.evidence}
    missing: list[str] = []
    if not ctx.groups:
        missing.append(text("judge.missing.stack_traces", lang))
    if not ctx.repo_available:
        missing.append(text("judge.missing.repository", lang))
    if ctx.owner is None:
        missing.append(text("judge.missing.ownership", lang))
    if ctx.unparsed_assets:
        missing.append(text("judge.missing.unparsed_design", lang, n=len(ctx.unparsed_assets)))

    if lead is None or lead.location is None:
        chain = [by_id[i] for i in sorted(verified, key=lambda i: int(i[1:])) if i in by_id][:6]
        judgment = Judgment(
            root_cause=text("judge.abstain.root_cause", lang),
            root_cause_location=None, suspect_commit=None,
            evidence_chain=[EvidenceRef(id=e.id, kind=e.kind, source=e.source, text=e.text) for e in chain],
            fix_suggestion=text("judge.abstain.fix", lang),
            impact_analysis=text("judge.abstain.impact", lang), risk_level=ctx.incident.severity,
            rollback_recommended=False,
            responsible_team=None, confidence=0.15, abstained=True,
            missing=missing or [text("judge.missing.in_app_frame", lang)],
        )
        return AgentReply(summary=judgment.root_cause, confidence=judgment.confidence, judgment=judgment)

    top = ctx.top_group
    suspect = next((s for s in ctx.suspects if s.sha == lead.commit_sha and s.guilty), None)
    mode = classify(ctx)
    chain_ids = [i for i in verified if i in by_id and by_id[i].kind != "log_noise"]
    # The chain is about the ruling: no evidence of changes it does not convict.
    chain_ids = [i for i in chain_ids if by_id[i].kind not in ("commit", "change_link")
                 or (suspect and by_id[i].ref.get("sha") == suspect.sha)]
    chain_ids.sort(key=lambda i: (CHAIN_ORDER.index(by_id[i].kind) if by_id[i].kind in CHAIN_ORDER else 99, int(i[1:])))
    chain = [by_id[i] for i in chain_ids]
    confidence = ruling_confidence(view, lead, suspect, mode.score if mode.known else 0.0, len(gaps), len(blocking))
    abstained = confidence < 0.3
    exc = (top.root_type if top else "").rsplit(".", 1)[-1] or text("judge.the_failure", lang)
    loc = lead.location
    named = loc.symbol and loc.symbol != loc.file.rsplit("/", 1)[-1]
    where = f"{loc.symbol} ({loc.file}:{loc.line})" if named else f"{loc.file}:{loc.line}"
    if suspect:
        link = max(suspect.links, key=lambda lk: lk.strength)
        root_cause = text("judge.root_cause.change", lang, exc=exc, where=where, sha=suspect.sha[:8],
                          msg=suspect.message[:80], who=suspect.author, m=_ago(suspect.minutes_before_start, lang),
                          # English quotes the ledger's own words for the link; Chinese says what its kind means
                          why=link.text[:200] if lang != "zh"
                          else link_said(link.kind, link.path, link.line, lang),
                          mech=mode.mechanism(lang))
    else:
        root_cause = text("judge.root_cause.no_change", lang, exc=exc, where=where, mech=mode.mechanism(lang))
    fix = mode.fix(lang)
    deploy = next((d for d in ctx.deploys if suspect and suspect.sha in d.contains), None)
    rollback = bool(suspect and (deploy or suspect.minutes_before_start <= 7 * 24 * 60) and confidence >= 0.6
                    and not blocking)
    if rollback and suspect:
        previous = [d.tag for d in ctx.deploys if deploy and d.at < deploy.at]
        fix = text("judge.fix.roll_back_then", lang,
                   what=text("judge.fix.roll_back_to_tag", lang, t=previous[-1]) if previous
                   else text("judge.fix.roll_back_commit", lang, s=suspect.sha[:8]),
                   fix=fix)
    if confidence < 0.5:
        missing.extend(_what_would_help(ctx, lang, suspect, mode.known))
    entry = ctx.entry_point
    zone = ctx.incident.started_at.tzinfo
    first, last = _clock(top.first_seen if top else None, zone), _clock(top.last_seen if top else None, zone)
    when = (text("judge.impact.at", lang, a=first) if first == last else
            text("judge.impact.between", lang, a=first, b=last))
    impact = text("judge.impact.failed_requests", lang, n=top.count if top else 0,
                  entry=entry.symbol if entry else "?", bc=ctx.bounded_context or "?", when=when,
                  sym=lead.location.symbol)
    if ctx.blast and (ctx.blast.apis or ctx.blast.tables):
        impact += " " + text("judge.impact.blast_radius", lang, a=", ".join(ctx.blast.apis[:5]) or "—",
                             t=", ".join(ctx.blast.tables[:5]) or "—", tm=", ".join(ctx.blast.teams[:4]) or "—")
    e = next((e for e in (ctx.runtime.endpoints if ctx.runtime else []) if e.source == "trace"), None)
    if e:
        impact += " " + text("judge.impact.error_rate", lang, ep=e.endpoint, a=e.error_rate_before or 0.0,
                             b=e.error_rate_after or 0.0)
    edge = next((e for e in (ctx.runtime.endpoints if ctx.runtime else []) if e.source == "access_log"), None)
    if edge:
        impact += " " + text("judge.impact.edge", lang, svc=edge.service, ep=edge.endpoint,
                             a=share(edge.error_rate_before), b=share(edge.error_rate_after), n=edge.n_after)
    risk = ctx.incident.severity
    if ctx.burst and ctx.burst.peak_per_min >= 20 and risk != "critical":
        risk = _SEVERITY[_SEVERITY.index(risk) + 1]  # type: ignore[assignment]
    scores = {c.sha: c.score for c in ctx.suspects}
    rejected = [RejectedHypothesis(id=h.id, title=h.title,
                                   reason=h.reason or text("judge.rejected.weaker_evidence", lang))
                for h in view.hypotheses() if h.status == "rejected"]
    rejected += [RejectedHypothesis(id=h.id, title=h.title, reason=text("judge.rejected.weak_change", lang,
                                                                        s=scores.get(h.commit_sha or "", 0.0)))
                 for h in view.hypotheses() if h.status != "rejected" and h.commit_sha and h is not lead
                 and h.commit_sha != (suspect.sha if suspect else None)]
    judgment = Judgment(
        root_cause=root_cause, root_cause_location=lead.location,
        suspect_commit=CommitRef(sha=suspect.sha, author=suspect.author, message=suspect.message) if suspect else None,
        evidence_chain=[EvidenceRef(id=e.id, kind=e.kind, source=e.source, text=e.text) for e in chain],
        fix_suggestion=fix, impact_analysis=impact, risk_level=risk, rollback_recommended=rollback,
        responsible_team=ctx.owner.team if ctx.owner else None, confidence=confidence, abstained=abstained,
        missing=missing + gaps, rejected_hypotheses=rejected, hypothesis_id=lead.id,
    )
    summary = text("judge.summary", lang, h=lead.id, c=confidence,
                   r=text("judge.summary.roll_back", lang) if rollback else "")
    return AgentReply(summary=summary, confidence=confidence, judgment=judgment)
