"""Post-mortem reports from the stored judgment and debate: the data behind them, and JSON.

Markdown, HTML and PDF come from one set of Jinja2 templates (see `core.report_render`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from core.brain_tally import tally_brains
from core.debate_language import debate_in
from core.errors import ReportError
from core.fusion.facts import FusedContext
from core.i18n import text
from core.plain_text import clip
from core.report_render import render_html, render_markdown, render_pdf
from core.review import review_status
from core.schema import (
    AgentTurn,
    DebateInfo,
    FollowUp,
    Incident,
    Judgment,
    ReportData,
    RuntimeSeries,
)
from core.store import Store

__all__ = [
    "FORMATS",
    "build_report",
    "cli_payload",
    "confidence_by_round",
    "export_report",
    "follow_ups",
    "incident_report",
    "render_html",
    "render_json",
    "render_markdown",
    "render_pdf",
]

_ERROR_LEVELS = ("ERROR", "FATAL", "SEVERE", "CRITICAL", "CRIT", "ALERT", "EMERG")
_MAX_METRICS, _MAX_POINTS = 3, 240


def build_report(store: Store, debate_id: str, lang: str | None = None) -> ReportData:
    """Gather everything a report shows for one finished debate.

    Args:
        lang: the language of the timeline's labels (``zh`` or ``en``); the incident's language by default.

    Raises:
        ReportError: the debate has no judgment yet.
    """
    debate = store.get_debate(debate_id)
    judgment = store.get_judgment(debate_id)
    if judgment is None:
        raise ReportError("This debate has no ruling yet; let it finish (or re-run it) before building the report.")
    incident = store.get_incident(debate.incident_id)
    lang = lang or incident.language
    said = debate_in(store, debate_id, lang)  # an offline debate's words in the report's language
    judgment = said.judgment or judgment

    timeline: list[tuple[datetime, str]] = [(incident.started_at, text("postmortem.timeline.reported_start", lang))]
    payload = store.load_fusion(incident.id)
    ctx = FusedContext.model_validate_json(payload) if payload else None
    if ctx:
        if ctx.burst:
            timeline.append((ctx.burst.onset,
                             text("postmortem.timeline.error_onset", lang, n=ctx.burst.after_per_min)
                             + _cite(ctx.burst.evidence_id)))
        for deploy in ctx.deploys:
            timeline.append((deploy.at,
                             text("postmortem.timeline.release", lang, tag=deploy.tag, sha=deploy.sha[:8])
                             + _cite(deploy.evidence_id)))
        for suspect in ctx.suspects[:3]:
            timeline.append((suspect.authored_at, text("postmortem.timeline.commit", lang, sha=suspect.sha[:8],
                                                       who=suspect.author, what=clip(suspect.message, 60))))
        if top := ctx.top_group:
            exc = top.exc_type.rsplit(".", 1)[-1]
            if top.first_seen:
                timeline.append((top.first_seen,
                                 text("postmortem.timeline.first_exception", lang, exc=exc) + _cite(top.evidence_id)))
            if top.last_seen:
                timeline.append((top.last_seen, text("postmortem.timeline.last_exception", lang, exc=exc)))
        for anomaly in (ctx.runtime.anomalies if ctx.runtime else [])[:_MAX_METRICS]:
            if anomaly.window_start is not None:  # where a metric alert would have fired
                timeline.append((anomaly.window_start,
                                 text("postmortem.timeline.metric_anomaly", lang, m=anomaly.metric,
                                      d=text("postmortem.timeline.up" if anomaly.direction == "up"
                                             else "postmortem.timeline.down", lang))
                                 + _cite(anomaly.evidence_id)))
    if debate.finished_at:
        timeline.append((debate.finished_at, text("postmortem.timeline.ruling", lang)))
    timeline.sort(key=lambda item: item[0])
    return ReportData(
        incident=incident, debate=debate, judgment=judgment, turns=said.turns,
        evidence=store.list_evidence(incident.id), interventions=store.list_interventions(debate_id),
        timeline=timeline, generated_at=datetime.now(UTC), redactions=store.redaction_counts(incident.id),
        review=review_status(store, debate_id, judgment), follow_ups=follow_ups(incident, judgment, lang),
        runtime=_runtime_series(store, incident.id, ctx), onset=ctx.burst.onset if ctx and ctx.burst else None,
        brains=tally_brains(said.turns, debate.brain),
    )


def follow_ups(incident: Incident, judgment: Judgment, lang: str) -> list[FollowUp]:
    """The actions the post-mortem hands out, each with an owner from the ruling and the team."""
    team = judgment.responsible_team or text("postmortem.follow_up.unassigned_team", lang)
    loc = judgment.root_cause_location
    where = f"{loc.file}:{loc.line}" if loc else None
    out = []
    if judgment.abstained:
        out.append(FollowUp(action=text("postmortem.follow_up.collect_evidence", lang), owner=team, source="ruling"))
    else:
        out.append(FollowUp(action=text("postmortem.follow_up.fix", lang, fix=clip(judgment.fix_suggestion, 240)),
                            owner=team, source=where or "ruling"))
    commit = judgment.suspect_commit
    if judgment.rollback_recommended:
        what = (text("postmortem.follow_up.roll_back_commit", lang, sha=commit.sha[:12]) if commit
                else text("postmortem.follow_up.roll_back_release", lang, svc=incident.service))
        out.append(FollowUp(action=what, owner=text("postmortem.follow_up.with_on_call", lang, team=team),
                            source=commit.sha[:12] if commit else "ruling"))
    if commit and not judgment.abstained:
        out.append(FollowUp(action=text("postmortem.follow_up.review_commit", lang, sha=commit.sha[:12]),
                            owner=text("postmortem.follow_up.author_of_team", lang, who=commit.author, team=team),
                            source=commit.sha[:12]))
    if where and not judgment.abstained:
        out.append(FollowUp(action=text("postmortem.follow_up.regression_test", lang, where=where),
                            owner=team, source=where))
    for item in judgment.missing[:3]:
        out.append(FollowUp(action=text("postmortem.follow_up.close_gap", lang, m=clip(item, 200)), owner=team,
                            source="ruling"))
    return out


def _runtime_series(store: Store, incident_id: str, ctx: FusedContext | None) -> list[RuntimeSeries]:
    """Logged errors per minute and the metrics that left their baseline, for the impact section's charts."""
    out = []
    levels = store.log_timeline(incident_id)
    if not levels.empty:
        errors = levels[levels["level"].astype(str).str.upper().isin(_ERROR_LEVELS)]
        per_minute = errors.groupby("minute")["count"].sum().sort_index()
        if not per_minute.empty:
            # A minute without errors is a zero on the chart, not a line drawn across the gap.
            per_minute.index = pd.to_datetime(per_minute.index, utc=True)
            span = pd.date_range(per_minute.index[0], per_minute.index[-1], freq="min")
            if len(span) <= 7 * 24 * 60:
                per_minute = per_minute.reindex(span, fill_value=0)
            out.append(RuntimeSeries(name="errors", unit="", points=_thin(pd.Series(per_minute.index), per_minute),
                                     evidence_id=ctx.burst.evidence_id if ctx and ctx.burst else None))
    for anomaly in (ctx.runtime.anomalies if ctx and ctx.runtime else [])[:_MAX_METRICS]:
        frame = store.query_df(
            "SELECT ts, max(value) AS value FROM metric_points WHERE incident_id = ? AND metric = ? AND "
            "coalesce(labels, '') = '' AND ts IS NOT NULL AND value IS NOT NULL GROUP BY ts ORDER BY ts",
            [incident_id, anomaly.metric])
        if not frame.empty:
            out.append(RuntimeSeries(name=anomaly.metric, unit=anomaly.unit, points=_thin(frame["ts"], frame["value"]),
                                     evidence_id=anomaly.evidence_id))
    return out


def _thin(times: pd.Series, values: pd.Series) -> list[tuple[datetime, float]]:
    """At most _MAX_POINTS points, each bucket keeping its highest value (a spike must survive)."""
    frame = pd.DataFrame({"ts": pd.to_datetime(times, utc=True).to_numpy(), "v": values.astype(float).to_numpy()})
    step = max(1, -(-len(frame) // _MAX_POINTS))
    if step > 1:
        frame = frame.groupby(frame.index // step).agg(ts=("ts", "first"), v=("v", "max"))
    return [(ts.to_pydatetime(), float(v)) for ts, v in zip(frame["ts"], frame["v"], strict=True)]


def _cite(evidence_id: str | None) -> str:
    return f" [{evidence_id}]" if evidence_id else ""


def confidence_by_round(turns: list[AgentTurn]) -> list[tuple[int, str, float]]:
    """(round, agent, confidence) per turn, for the confidence chart."""
    return [(t.round, t.agent, t.confidence) for t in turns]


def render_json(report: ReportData) -> str:
    """The whole report as JSON (machine-readable, lossless)."""
    return report.model_dump_json(indent=2)


def cli_payload(incident_id: str, debate: DebateInfo, judgment: Judgment, turns: list[AgentTurn],
                redactions: dict[str, int] | None = None) -> dict[str, Any]:
    """The CLI's `--json` object (documented in the README); `redactions`: values replaced at rest, per kind."""
    data = json.loads(judgment.model_dump_json())
    keep = ("root_cause", "root_cause_location", "suspect_commit", "evidence_chain", "fix_suggestion",
            "impact_analysis",
            "risk_level", "rollback_recommended", "responsible_team", "confidence", "abstained", "hypothesis_id",
            "checks")
    brains = tally_brains(turns, debate.brain)
    return {
        "incident_id": incident_id,
        # "mixed" when some LLM turns fell back offline; brain_turns says how many and why.
        "brain": brains.brain,
        "brain_turns": brains.model_dump(exclude={"brain"}),
        "judgment": {k: data[k] for k in keep},
        "debate": {
            "rounds": debate.rounds,
            "consensus": debate.consensus,
            "turns": [{"agent": t.agent, "round": t.round, "summary": t.summary} for t in turns],
        },
        "redactions": dict(redactions or {}),
    }


#: Every download format: (MIME type, file extension).
FORMATS = {"md": ("text/markdown", "md"), "html": ("text/html", "html"), "pdf": ("application/pdf", "pdf"),
           "json": ("application/json", "json")}


def incident_report(store: Store, incident_id: str, lang: str | None = None) -> ReportData:
    """The report of the incident's latest ruling.

    Raises:
        StoreError: no such incident.
        ReportError: its latest debate has no ruling (none yet, running, failed or stopped).
    """
    store.get_incident(incident_id)
    info = store.latest_debate(incident_id)
    if info is None:
        raise ReportError(f"Incident {incident_id} has no debate yet; run one before asking for its report.")
    return build_report(store, info.id, lang)


def export_report(store: Store, report: ReportData, fmt: str, lang: str, *, actor: str) -> bytes:
    """The report as a file's bytes in `fmt` (md, html, pdf, json), the export written to the audit trail.

    Raises:
        ReportError: an unknown format, or the PDF could not be rendered.
    """
    from core import audit

    if fmt == "md":
        data = render_markdown(report, lang).encode("utf-8")
    elif fmt == "html":
        data = render_html(report, lang).encode("utf-8")
    elif fmt == "pdf":
        data = render_pdf(report, lang)
    elif fmt == "json":
        data = render_json(report).encode("utf-8")
    else:
        raise ReportError(f"Unknown report format {fmt!r}; one of {', '.join(FORMATS)}.")
    audit.record(store, actor=actor, action=audit.Action.EXPORT, incident_id=report.incident.id,
                 detail={"format": fmt, "lang": lang, "debate_id": report.debate.id, "bytes": len(data),
                         "review_state": report.review.state if report.review else None})
    return data
