"""The post-mortem in Markdown, HTML and PDF: one view of the report, laid out by one set of Jinja2 templates.

Every label and value is worked out once here, in the report's language; the Markdown and HTML templates only
lay it out (and escape it for their format). The PDF is the HTML rendered by WeasyPrint, charts inline as SVG.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from core.errors import ReportError
from core.fusion.runtime_rules import unit_label
from core.i18n import CATALOG, has, text
from core.plain_text import clip, md_data, zone_name
from core.report_charts import confidence_svg, series_svg
from core.schema import ReportData

__all__ = ["TEMPLATES", "render_html", "render_markdown", "render_pdf", "report_view"]

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).with_name("report_templates")

def _pick(area: str, value: str, lang: str) -> str:
    """The name of `value` (a severity, an evidence kind, a review state…) in `lang`; the value itself if unnamed."""
    key = f"postmortem.{area}.{value}"
    return text(key, lang) if has(key) else value


def _labels(lang: str) -> dict[str, str]:
    """The templates' `L`: every ``postmortem.label.*`` entry by its last part, unfilled (some carry placeholders)."""
    prefix = "postmortem.label."
    return {key.removeprefix(prefix): text(key, lang) for key in CATALOG if key.startswith(prefix)}


def _hypotheses(report: ReportData, lang: str) -> list[dict[str, Any]]:
    """Every hypothesis an agent put forward, with its last status and, if rejected, why."""
    reasons = {h.id: h.reason for h in report.judgment.rejected_hypotheses}
    seen: dict[str, dict[str, Any]] = {}
    for turn in report.turns:
        for h in turn.hypotheses:
            item = seen.setdefault(h.id, {"id": h.id, "title": h.title, "agent": turn.agent})
            item.update(confidence=h.confidence, status=h.status, reason=h.reason or item.get("reason", ""))
    for item in seen.values():
        if item["id"] in reasons:
            item.update(status="rejected", reason=reasons[item["id"]])
        item["status_label"] = _pick("hypothesis", item["status"], lang)
    return list(seen.values())[:15]


def _rounds(report: ReportData) -> list[dict[str, Any]]:
    rounds: dict[int, list[Any]] = {}
    for turn in report.turns:
        rounds.setdefault(turn.round, []).append(turn)
    return [{"round": r, "agents": ", ".join(dict.fromkeys(t.agent for t in turns)), "confidence": turns[-1].confidence,
             "summary": clip(turns[-1].summary, 220)} for r, turns in sorted(rounds.items())]


def _brain_label(report: ReportData, lang: str) -> str:
    """Who answered: the offline brain, the model, or both — with the turns each answered and why the model did not."""
    tally = report.brains
    if report.debate.brain == "offline" or tally is None:
        return text("postmortem.brain.offline", lang)
    why = text("postmortem.sep.list", lang).join(f"{reason} ×{n}" for reason, n in sorted(tally.fallbacks.items()))
    if tally.brain == "llm":
        return text("postmortem.brain.llm", lang, n=tally.model_turns)
    if tally.brain == "offline":
        return text("postmortem.brain.unavailable", lang, n=tally.offline_turns, why=why)
    return text("postmortem.brain.mixed", lang, m=tally.model_turns, o=tally.offline_turns, why=why)


def report_view(report: ReportData, lang: str = "en") -> dict[str, Any]:
    """Everything the templates show, worked out in `lang` (labels, times in the incident's zone, review state)."""
    inc, j, d = report.incident, report.judgment, report.debate
    zone, zname = inc.started_at.tzinfo, zone_name(inc.started_at)

    def at(when: datetime | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
        return f"{when.astimezone(zone):{fmt}}" if when else "—"

    labels = _labels(lang)
    review = report.review
    review_view = None
    if review is not None:
        state = _pick("state", review.state, lang)
        if review.state == "draft":
            why = {"risk": text("postmortem.review.why_risk", lang, r=_pick("severity", j.risk_level, lang)),
                   "rollback": text("postmortem.review.why_rollback", lang)}
            state += (text("postmortem.review.needs_approver", lang,
                           why=text("postmortem.sep.enum", lang).join(why[w] for w in review.why))
                      if review.needs_approval else text("postmortem.review.analyst_may_finalise", lang))
        review_view = {
            "state": review.state, "state_label": state,
            "decided": (text("postmortem.review.decided", lang,
                             what=_pick("decision", review.decision or "", lang), who=review.decided_by,
                             role=review.decided_role, when=at(review.decided_at), zone=zname)
                        if review.decided_by else ""),
            "text_label": labels["reason"] if review.decision == "reject" else labels["note"], "text": review.text,
        }
    brain = _brain_label(report, lang)
    rounds = text("postmortem.rounds", lang, n=d.rounds)
    facts = [
        (labels["incident"], inc.id), (labels["service"], inc.service),
        (labels["severity"], _pick("severity", inc.severity, lang)),
        (labels["started"], f"{at(inc.started_at)} {zname}"), (labels["analysed_by"], brain),
        (labels["debate"],
         rounds + text("postmortem.sep.list", lang)
         + text("postmortem.consensus" if d.consensus else "postmortem.no_consensus", lang)),
        (labels["confidence"],
         f"{j.confidence:.0%}" + (" — " + text("postmortem.abstained", lang) if j.abstained else "")),
    ]
    if review_view:
        facts.append((labels["review"], review_view["state_label"]))
    commit = None
    if j.suspect_commit:
        c = j.suspect_commit
        commit = {"sha": c.sha, "author": c.author, "subject": c.message.splitlines()[0] if c.message else ""}
    loc = j.root_cause_location
    summary = text("postmortem.summary", lang, svc=inc.service, root=clip(j.root_cause, 160), conf=j.confidence,
                   rounds=rounds, risk=_pick("severity", j.risk_level, lang),
                   rb=text("postmortem.summary.rollback_yes" if j.rollback_recommended
                           else "postmortem.summary.rollback_no", lang))
    if j.rollback_recommended:
        rollback = text("postmortem.rollback.recommended", lang,
                        what=(text("postmortem.rollback.commit", lang, sha=commit["sha"][:12]) if commit
                              else text("postmortem.rollback.last_release", lang, svc=inc.service)))
    else:
        rollback = text("postmortem.rollback.not_recommended", lang)
    unverified = [(turn.agent, c.text,
                   "; ".join(c.problems)) for turn in report.turns for c in turn.claims if not c.valid]
    ledger = {e.id for e in report.evidence}
    cited = len({e.id for e in j.evidence_chain} & ledger)
    redactions = None
    if report.redactions:
        counts = ", ".join(f"{kind} {n}" for kind, n in sorted(report.redactions.items()))
        redactions = text("postmortem.redactions", lang, counts=counts)
    footer = text("postmortem.footer", lang, at=at(report.generated_at, "%Y-%m-%d %H:%M ") + zname,
                  n=len(report.evidence), m=cited)
    return {
        "lang": lang, "L": labels, "title": inc.text("title", lang), "zone": zname, "facts": facts,
        "description": inc.text("description", lang), "summary": summary,
        "root_cause": j.root_cause, "location": f"{loc.file}:{loc.line}" if loc else None,
        "symbol": loc.symbol if loc else None, "commit": commit, "team": j.responsible_team or "—",
        "risk": _pick("severity", j.risk_level, lang),
        "rollback_yes": labels["yes" if j.rollback_recommended else "no"],
        "rollback": rollback, "fix": j.fix_suggestion, "impact": j.impact_analysis,
        "chain": [{"id": e.id, "kind": _pick("kind", e.kind, lang), "source": e.source, "text": e.text}
                  for e in j.evidence_chain],
        "missing": j.missing, "hypotheses": _hypotheses(report, lang),
        "checks": [{"field": _pick("checked", c.field, lang), "value": c.value, "reason": c.reason} for c in j.checks],
        "rejected": [{"id": h.id, "title": h.title, "reason": h.reason} for h in j.rejected_hypotheses],
        "timeline": [(at(when), what) for when, what in report.timeline],
        "rounds": _rounds(report),
        "turns": [{"round": x.round, "agent": x.agent, "confidence": x.confidence, "summary": x.summary}
                  for x in report.turns],
        "interventions": [(at(i.at, "%H:%M:%S"), _pick("intervention", i.kind, lang),
                           i.text) for i in report.interventions],
        "unverified": unverified, "follow_ups": report.follow_ups, "review": review_view,
        "redactions": redactions, "footer": footer, "series": _peaks(report, labels, at, lang),
    }


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f}"


def _peaks(report: ReportData, labels: dict[str, str], at: Any, lang: str) -> list[dict[str, Any]]:
    """Each runtime chart as one line for the Markdown report: its peak and when."""
    out = []
    for series in report.runtime:
        if not series.points:
            continue
        when, peak = max(series.points, key=lambda p: p[1])
        low = min(p[1] for p in series.points)
        out.append({"title": labels["errors_per_min"] if series.name == "errors" else series.name,
                    "low": _num(low), "high": f"{_num(peak)} {unit_label(series.unit, lang)}".strip(), "at": at(when),
                    "cite": series.evidence_id})
    return out


def _charts(report: ReportData, view: dict[str, Any]) -> dict[str, Any]:
    """The inline SVG charts of the HTML/PDF report: runtime series (impact) and confidence per turn (debate)."""
    labels, zone = view["L"], report.incident.started_at.tzinfo
    marks = [(report.incident.started_at, labels["incident_start"], "#b91c1c")]
    if report.onset and abs((report.onset - report.incident.started_at).total_seconds()) >= 30:
        marks.append((report.onset, labels["error_onset"], "#d97706"))
    runtime = []
    for series in report.runtime:
        title = labels["errors_per_min"] if series.name == "errors" else series.name
        runtime.append(Markup(series_svg(series.points, title=title, unit=series.unit, zone=zone, marks=marks,
                                         cite=series.evidence_id)))
    confidence = Markup(confidence_svg([(x.round, x.agent, x.confidence) for x in report.turns],
                                       title=labels["confidence_chart"], round_label=labels["round_short"]))
    return {"runtime": runtime, "confidence": confidence}


_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")


def _inline_html(text: object) -> Markup:
    """Text an agent wrote with Markdown code spans and bold, as safe HTML."""
    html = str(escape(str(text)))
    html = _CODE.sub(r"<code>\1</code>", html)
    return Markup(_BOLD.sub(r"<strong>\1</strong>", html))


def _md_cell(text: object) -> str:
    """Data in a Markdown table cell: one line, no column breaks, template wildcards shown as written."""
    return md_data(str(text)).replace("|", "\\|").replace("\n", " ")


@lru_cache(maxsize=2)
def _environment(autoescape: bool) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True,
                      autoescape=select_autoescape(["html", "j2"]) if autoescape else False)
    env.filters.update(md=lambda v: md_data(str(v)), cell=_md_cell, inline=_inline_html,
                       pct=lambda v: f"{float(v):.0%}", code=lambda v: str(v).replace("|", "/"))
    return env


def render_markdown(report: ReportData, lang: str = "en") -> str:
    """The post-mortem as Markdown, in English or Chinese."""
    return _environment(False).get_template("postmortem.md.j2").render(**report_view(report, lang))


def render_html(report: ReportData, lang: str = "en") -> str:
    """The post-mortem as one self-contained HTML page: styles and charts inline, nothing fetched."""
    view = report_view(report, lang)
    return _environment(True).get_template("postmortem.html.j2").render(**view, charts=_charts(report, view))


@lru_cache(maxsize=1)
def pdf_problem() -> str | None:
    """Why a PDF cannot be rendered on this machine (WeasyPrint or Pango missing), or None when it can."""
    try:
        import weasyprint  # type: ignore[import-untyped]  # noqa: F401 - loading it loads Pango
    except (ImportError, OSError) as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return None


def render_pdf(report: ReportData, lang: str = "en") -> bytes:
    """The HTML post-mortem printed to PDF by WeasyPrint (Chinese needs a CJK font such as WenQuanYi Micro Hei).

    Raises:
        ReportError: WeasyPrint or its system libraries (Pango) are missing, or rendering failed.
    """
    html = render_html(report, lang)
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango's shared libraries are not installed
        raise ReportError(f"PDF needs WeasyPrint and the Pango libraries ({str(exc).splitlines()[0]}); install them "
                          "as the README says, or download the HTML report and print it.") from exc
    try:
        # No base_url and nothing external in the page: WeasyPrint fetches nothing.
        return HTML(string=html).write_pdf()
    except Exception as exc:
        raise ReportError(f"The PDF could not be rendered: {type(exc).__name__}: {exc}") from exc
