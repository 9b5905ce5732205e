"""The ruling checked against the ledger, for both brains in one place: what the evidence does not back is
dropped and flagged, and the confidence follows independent evidence and the objections left open."""

from __future__ import annotations

import re

from core.agents.base import DebateView
from core.agents.objections import open_objections
from core.i18n import text
from core.schema import Evidence, Judgment, RulingCheck

__all__ = ["EVIDENCE_FAMILY", "RUNTIME_KINDS", "check_ruling", "evidence_cap", "ruled_hypothesis", "verified_citations"]

# Evidence of one family comes from one source (the logs, the Git history, the metrics …): ten items of it
# are one witness, not ten.
EVIDENCE_FAMILY = {
    "exception": "logs", "log_burst": "logs", "log_noise": "logs", "stack_frame": "logs",
    "commit": "history", "blame": "history", "change_link": "history", "deploy": "release",
    "design": "design", "ownership": "ownership", "metric_anomaly": "metrics", "trace": "traces",
    "slow_sql": "sql", "timeline": "timeline", "human": "human",
}
RUNTIME_KINDS = frozenset({"exception", "log_burst", "metric_anomaly", "trace", "slow_sql"})
_LOCATED_KINDS = ("stack_frame", "blame", "change_link")
_SHA_KINDS = ("commit", "blame", "change_link", "deploy")
_EVIDENCE_ID = re.compile(r"\bE\d+\b")
_ABSTAIN_BELOW = 0.35
_NO_LOCATION_CAP, _REJECTED_CAP = 0.45, 0.3


def evidence_cap(kinds: set[str], contradicting: int = 0) -> float:
    """The most confidence a ruling may claim: 0.3 + 0.2 per independent source behind it, less 0.2 per source
    against it. Sources are families of evidence kinds, so padding a chain with one source's items cannot raise it."""
    families = {EVIDENCE_FAMILY.get(k, k) for k in kinds}
    return round(max(0.05, min(0.95, 0.3 + 0.2 * len(families) - 0.2 * contradicting)), 2)


def verified_citations(view: DebateView) -> set[str]:
    """Ids cited by claims the orchestrator accepted (known ids), by any agent in the debate."""
    known = view.context.evidence_ids()
    cited: set[str] = set()
    for turn in view.turns:
        for claim in turn.claims:
            if claim.valid:
                cited.update(c for c in claim.citations if c in known)
        for group in (turn.hypotheses, turn.answers):
            for item in group:
                cited.update(c for c in item.citations if c in known)
    return cited


def _same_file(a: str, b: str) -> bool:
    a, b = a.strip().lstrip("./"), b.strip().lstrip("./")
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


def _located(file: str, line: int, ledger: list[Evidence]) -> bool:
    """A file and line some frame, blame or change link of the ledger points at."""
    for e in ledger:
        path, at = e.ref.get("path"), e.ref.get("line")
        if e.kind in _LOCATED_KINDS and isinstance(path, str) and at is not None and _same_file(path, file) \
                and int(at) == int(line):
            return True
    return False


def _known_sha(sha: str, ledger: list[Evidence]) -> str | None:
    """The full sha of a commit the ledger mentions, for a prefix of at least 7 characters."""
    sha = sha.strip().lower()
    if len(sha) < 7:
        return None
    for e in ledger:
        full = e.ref.get("sha")
        if e.kind in _SHA_KINDS and isinstance(full, str) and full.lower().startswith(sha):
            return full
    return None


def _norm_team(team: str) -> str:
    return team.strip().lower().lstrip("@")


def _team_from(team: str, owners: list[Evidence]) -> str | None:
    """The ownership evidence's spelling of `team`, when one of `owners` names it."""
    want = _norm_team(team)
    for e in owners:
        have = e.ref.get("team")
        if isinstance(have, str) and (want == _norm_team(have) or _norm_team(have).endswith("/" + want)):
            return have
    return None


def ruled_hypothesis(judgment: Judgment, view: DebateView) -> tuple[str | None, bool]:
    """The hypothesis a ruling is for and whether the debate rejected it.

    A ruling that names no id is matched on its location and commit: it is for a rejected hypothesis only when
    it matches a rejected one and no live one.
    """
    hypotheses = view.hypotheses()
    if judgment.hypothesis_id:
        hyp = next((h for h in hypotheses if h.id == judgment.hypothesis_id), None)
        if hyp is not None:
            return hyp.id, hyp.status == "rejected"
    loc, commit = judgment.root_cause_location, judgment.suspect_commit

    def matches(h: object) -> bool:
        hl, hc = getattr(h, "location", None), getattr(h, "commit_sha", None)
        same_place = loc is not None and hl is not None and _same_file(hl.file, loc.file) and hl.line == loc.line
        same_change = (commit is not None and hc is not None
                       and (hc.startswith(commit.sha[:7]) or commit.sha.startswith(hc[:7])))
        return same_place or same_change

    live = [h for h in hypotheses if h.status != "rejected" and matches(h)]
    dead = [h for h in hypotheses if h.status == "rejected" and matches(h)]
    if live:
        return live[0].id, False
    if dead:
        return dead[0].id, True
    return judgment.hypothesis_id, False


def check_ruling(judgment: Judgment, view: DebateView) -> Judgment:
    """Keep only what the ledger backs: verified chain links, a located file/line, a commit in evidence (with the
    ledger's author and message), a team from ownership evidence, an impact resting on runtime evidence; a
    rejected hypothesis is not ruled. Confidence is capped by independent evidence and lowered by open objections.
    """
    ctx, lang = view.context, view.language
    ledger = ctx.evidence
    by_id = {e.id: e for e in ledger}
    verified = verified_citations(view)
    chain = [e for e in judgment.evidence_chain if e.id in verified]
    checks: list[RulingCheck] = list(judgment.checks)
    update: dict[str, object] = {}
    cap_extra = 1.0

    hyp_id, rejected = ruled_hypothesis(judgment, view)
    update["hypothesis_id"] = hyp_id
    if rejected:
        checks.append(RulingCheck(field="hypothesis", value=hyp_id or "?", reason=text(
            "ruling_check.rejected_hypothesis", lang, h=hyp_id)))
        cap_extra = _REJECTED_CAP

    loc = judgment.root_cause_location
    if loc is not None and (rejected or not _located(loc.file, loc.line, ledger)):
        if not rejected:
            checks.append(RulingCheck(field="location", value=f"{loc.file}:{loc.line}", reason=text(
                "ruling_check.location_unbacked", lang)))
        update["root_cause_location"] = None
        cap_extra = min(cap_extra, _NO_LOCATION_CAP)

    commit = judgment.suspect_commit
    if commit is not None:
        full = None if rejected else _known_sha(commit.sha, ledger)
        if full is None:
            if not rejected:
                checks.append(RulingCheck(field="commit", value=commit.sha[:12], reason=text(
                    "ruling_check.commit_unknown", lang)))
            update["suspect_commit"] = None
            update["rollback_recommended"] = False
        else:
            change = next((s for s in ctx.suspects if s.sha == full), None)
            author = change.author if change else commit.author
            message = change.message if change else commit.message
            if change and (commit.author.strip() != author or commit.message.strip() != message.strip()):
                checks.append(RulingCheck(field="author", value=f"{commit.author}: {commit.message[:80]}", reason=text(
                    "ruling_check.author_replaced", lang)))
            update["suspect_commit"] = commit.model_copy(update={"sha": full, "author": author, "message": message})

    if judgment.responsible_team:
        owners = [by_id[i] for i in {e.id for e in chain} | verified if i in by_id and by_id[i].kind == "ownership"]
        team = _team_from(judgment.responsible_team, owners)
        if team is None:
            checks.append(RulingCheck(field="team", value=judgment.responsible_team, reason=text(
                "ruling_check.team_unbacked", lang)))
        update["responsible_team"] = team

    unknown = [i for i in dict.fromkeys(_EVIDENCE_ID.findall(judgment.impact_analysis)) if i not in by_id]
    runtime = [e for e in chain if e.kind in RUNTIME_KINDS]
    if not runtime or unknown:
        reason = (text("ruling_check.impact_unknown_evidence", lang, ids=", ".join(unknown)) if unknown else
                  text("ruling_check.impact_no_runtime", lang))
        checks.append(RulingCheck(field="impact", value=judgment.impact_analysis[:300], reason=reason))
        update["impact_analysis"] = text("ruling_check.impact_not_established", lang, r=reason)

    objections = open_objections(view)
    chain_ids = {e.id for e in chain}
    against = {EVIDENCE_FAMILY.get(by_id[c].kind, by_id[c].kind) for ch in objections.material for c in ch.citations
               if c in by_id and c not in chain_ids}
    cap = min(evidence_cap({e.kind for e in chain}, len(against)) - objections.penalty, cap_extra)
    confidence = round(max(0.0, min(judgment.confidence, cap)), 2)
    if confidence < round(judgment.confidence, 2) - 0.005:
        checks.append(RulingCheck(field="confidence", value=f"{judgment.confidence:.2f}", reason=text(
            "ruling_check.confidence_capped", lang, c=confidence,
            n=len({EVIDENCE_FAMILY.get(e.kind, e.kind) for e in chain}),
            a=len(against), m=len(objections.material), g=len(objections.gaps))))
    missing = list(judgment.missing)
    if not chain and not judgment.abstained:
        missing.append(text("ruling_check.no_verified_evidence", lang))
    abstained = judgment.abstained or rejected or not chain or confidence < _ABSTAIN_BELOW
    if abstained:
        update["rollback_recommended"] = False
    return judgment.model_copy(update={**update, "evidence_chain": chain, "confidence": confidence,
                                       "abstained": abstained, "missing": missing, "checks": checks})
