"""The fusion pass: correlate runtime symptoms with code, commits and ownership into evidence."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from core.fusion.changes import LOOKBACK_DAYS, link_changes
from core.fusion.culprit import rank_frames
from core.fusion.facts import (
    Burst,
    DeployMarker,
    ErrorGroup,
    FrameFinding,
    FusedContext,
    NoiseFinding,
    OwnerFinding,
)
from core.fusion.ledger import EvidenceLedger
from core.fusion.link_words import link_kind
from core.fusion.runtime_rules import add_runtime_evidence
from core.graph import DuckGraph
from core.i18n import LANGS, text
from core.indexing import design_links, symbol_at
from core.ingest.code import GitRepo, OwnershipRule, app_code_for, bounded_context_of, layer_of, owner_of, package_of
from core.ingest.logs import ACCESS_FORMAT
from core.plain_text import relative_to
from core.schema import ExceptionRecord, Incident
from core.signals import template_bursts  # the same ranking the assets page draws
from core.store import Store

__all__ = ["fuse_incident"]

log = logging.getLogger(__name__)
_FRAMES_PER_GROUP = 40

def _fmt(ts: datetime | None, incident: Incident) -> str:
    return ts.astimezone(incident.started_at.tzinfo).strftime("%m-%d %H:%M:%S") if ts else "?"


def _minutes(delta: timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


def _error_series(store: Store, incident: Incident) -> pd.DataFrame:
    return store.query_df(
        # Application errors: access-log lines (a 5xx is an ERROR there) count only when the
        # incident has no other log, so one failed request is not counted twice.
        "SELECT date_trunc('minute', l.ts) AS minute, count(*) FILTER (WHERE l.level IN ('ERROR','FATAL')) AS errors "
        "FROM log_lines l JOIN assets a ON a.id = l.asset_id WHERE l.incident_id = ? AND l.ts IS NOT NULL "
        f"AND (a.format IS DISTINCT FROM '{ACCESS_FORMAT}' OR NOT EXISTS (SELECT 1 FROM assets x WHERE "
        f"x.incident_id = l.incident_id AND x.kind = 'log' AND x.status <> 'error' "
        f"AND x.format IS DISTINCT FROM '{ACCESS_FORMAT}')) GROUP BY 1 ORDER BY 1",
        [incident.id],
    )


_BURST_LOOKBACK = pd.Timedelta(days=7)


def _detect_burst(series: pd.DataFrame, incident: Incident) -> Burst | None:
    """One change point in errors/minute (least squares), kept when the rate jumps at least 3×."""
    if series.empty:
        return None
    started = pd.Timestamp(incident.started_at)
    # Minutes from a week before the start to an hour after: a stray log from months away must not stretch the
    # series (one point per minute) into millions of points.
    counts = series.set_index("minute")["errors"]
    counts = counts[(counts.index >= started - _BURST_LOOKBACK) & (counts.index <= started + pd.Timedelta(minutes=60))]
    if counts.empty:
        return None
    full = counts.asfreq("min", fill_value=0)
    values = full.to_numpy(dtype=float)
    n = len(values)
    if n < 6 or values.sum() == 0:
        return None
    csum, csq = np.cumsum(values), np.cumsum(values**2)
    # Every split k (3 <= k < n-2) at once: the cost of a two-level fit, kept where the rate goes up.
    k = np.arange(3, n - 2)
    left_n, right_n = k, n - k
    left_sum, right_sum = csum[k - 1], csum[-1] - csum[k - 1]
    cost = (csq[k - 1] - left_sum**2 / left_n) + ((csq[-1] - csq[k - 1]) - right_sum**2 / right_n)
    rises = right_sum * left_n > left_sum * right_n  # the mean after the split exceeds the mean before
    if not rises.any():
        return None
    best_k = int(k[np.argmin(np.where(rises, cost, np.inf))])
    before, after = values[:best_k], values[best_k:]
    baseline = float(before.mean())
    if after.mean() < 3 * max(baseline, 0.1) or after.sum() < 5:
        return None
    # The change point lands somewhere in the ramp; the onset is the first busy minute at or after it.
    threshold = baseline + max(1.0, 3 * float(before.std()))
    onset_idx = next((i for i in range(max(0, best_k - 3), n) if values[i] >= threshold), best_k)
    onset = full.index[onset_idx].to_pydatetime()
    return Burst(
        onset=onset, baseline_per_min=round(baseline, 2), peak_per_min=float(after.max()),
        after_per_min=round(float(after.mean()), 2), minutes_before_start=_minutes(incident.started_at - onset),
    )


def _group(exceptions: Sequence[ExceptionRecord], onset: datetime | None) -> list[tuple[str, list[ExceptionRecord]]]:
    groups: dict[str, list[ExceptionRecord]] = {}
    for exc in exceptions:
        groups.setdefault(exc.fingerprint, []).append(exc)

    def weight(items: list[ExceptionRecord]) -> tuple[int, int]:
        after = sum(1 for e in items if onset is None or (e.ts and e.ts >= onset))
        return after - (len(items) - after), len(items)

    return sorted(groups.items(), key=lambda kv: weight(kv[1]), reverse=True)


def _template_bursts(store: Store, incident: Incident, onset: datetime, ledger: EvidenceLedger) -> list[str]:
    """Log templates that are new, or much louder, right after the error onset: evidence of what changed."""
    found = template_bursts(store, incident.id, onset, top=3).table
    ids = []
    for row in found.itertuples():
        if row.n_before > 0 and row.jump < 5:
            continue
        en, zh = (text("finding.template.burst", lang, level=row.level, template=str(row.template)[:140],
                       lines=row.n_after,
                       change=(text("finding.template.new", lang) if row.n_before == 0
                               else text("finding.template.louder", lang, before=row.rate_before,
                                         after=row.rate_after, jump=row.jump)))
                  for lang in LANGS)
        ids.append(ledger.add(
            "log_burst", f"template:{row.asset_id}/{row.template_id}", en, zh=zh,
            template=str(row.template)[:200], n_after=int(row.n_after), n_before=int(row.n_before)))
    return ids


def _symbols(store: Store, incident: Incident, frames: list[FrameFinding]) -> None:
    """Give each resolved frame its place in the design from the symbol index (role, context, aggregate, API)."""
    for frame in frames:
        if not frame.path:
            continue
        symbol = symbol_at(store, incident.id, frame.path, frame.line)
        if symbol is None:
            continue
        frame.role, frame.aggregate, frame.endpoint = symbol.role, symbol.aggregate, symbol.endpoint
        frame.bounded_context = symbol.bounded_context
        frame.layer = frame.layer or symbol.layer


def _design(ctx: FusedContext, store: Store, incident: Incident, ledger: EvidenceLedger) -> None:
    """Design docs about the failing code, the API it sits behind, and what its aggregate reaches."""
    top = ctx.top_group
    frame = top.frames[0] if top and top.frames and top.frames[0].path else None
    if frame is None:
        return
    symbol = symbol_at(store, incident.id, frame.path or "", frame.line)
    if symbol is not None:
        for ref in design_links(store, incident.id, symbol)[:6]:
            evidence_id = ledger.add("design", ref.source, ref.text[:300], element=ref.kind, symbol=symbol.fqn)
            if evidence_id not in ctx.design_evidence:
                ctx.design_evidence.append(evidence_id)
    entry = ctx.entry_point
    if entry and entry.endpoint and entry.evidence_id:
        en, zh = (text("finding.design.serves", lang, symbol=entry.symbol, endpoint=entry.endpoint) for lang in LANGS)
        ctx.design_evidence.insert(0, ledger.add(
            "design", f"api:{entry.endpoint}", en, zh=zh,
            endpoint=entry.endpoint, symbol=entry.symbol))
    if frame.aggregate:
        raw = DuckGraph(store, incident.id).blast_radius(f"aggregate:{frame.aggregate}")
        # Node ids read `kind:key`; people want the key.
        blast = raw.model_copy(update={
            field: [v.split(":", 1)[-1] for v in getattr(raw, field)]
            for field in ("apis", "tables", "classes", "methods", "contexts", "teams")})
        if blast.apis or blast.tables:
            ctx.blast = blast
            en, zh = (text("finding.blast.reach", lang, aggregate=frame.aggregate.rsplit(".", 1)[-1],
                           count=len(blast.apis), apis=", ".join(blast.apis[:4]),
                           tables=", ".join(blast.tables[:4]) or text("finding.blast.no_table", lang),
                           contexts=", ".join(blast.contexts[:4]) or "?", teams=", ".join(blast.teams[:4]) or "?")
                      for lang in LANGS)
            ctx.blast_evidence_id = ledger.add(
                "design", f"graph:blast-radius:{frame.aggregate}", en, zh=zh, aggregate=frame.aggregate)


def _entry_point(frames: list[FrameFinding]) -> FrameFinding | None:
    """Where requests enter: the outermost interface-layer frame (a controller), not a servlet filter."""
    for frame in reversed(frames):
        if frame.layer == "interface" and not frame.class_name.endswith(("Filter", "Interceptor")):
            return frame
    outer = [f for f in frames if f.layer != "infrastructure"]
    return outer[-1] if outer else (frames[-1] if frames else None)


def _noise(store: Store, incident: Incident, onset: datetime | None, top_lines: set[int]) -> list[NoiseFinding]:
    """Loud WARN/ERROR templates that were just as loud long before the onset: noise, not signal."""
    if onset is None:
        return []
    df = store.query_df(
        "SELECT l.template_id, any_value(t.template) AS template, l.level, count(*) AS n, min(l.ts) AS first_seen, "
        "max(l.ts) AS last_seen, count(*) FILTER (WHERE l.ts < ?) AS n_before, "
        "list(l.line_no ORDER BY l.line_no)[1] AS line "
        "FROM log_lines l LEFT JOIN log_templates t ON t.incident_id = l.incident_id AND t.asset_id = l.asset_id "
        "AND t.template_id = l.template_id WHERE l.incident_id = ? AND l.level IN ('WARN','ERROR') "
        "AND l.ts IS NOT NULL "
        "AND l.template_id IS NOT NULL GROUP BY l.template_id, l.level ORDER BY n DESC LIMIT 20",
        [onset, incident.id],
    )
    found = []
    for row in df.itertuples():
        if row.n < 50 or row.line in top_lines:
            continue
        first, last = row.first_seen.to_pydatetime(), row.last_seen.to_pydatetime()
        if (onset - first) < timedelta(minutes=30):
            continue
        before_min = max((onset - first).total_seconds() / 60, 1.0)
        after_min = max((last - onset).total_seconds() / 60, 1.0)
        rate_before, rate_after = row.n_before / before_min, (row.n - row.n_before) / after_min
        if rate_after <= 2.0 * max(rate_before, 0.01):
            found.append(NoiseFinding(
                template=str(row.template or "")[:200], level=row.level, count=int(row.n), first_seen=first,
                rate_before=round(rate_before, 2), rate_after=round(rate_after, 2),
            ))
    return found[:3]


def fuse_incident(
    store: Store, incident: Incident, repo: GitRepo | None, rules: Sequence[OwnershipRule], unparsed: Sequence[str] = ()
) -> FusedContext:
    """Run every correlation rule for one incident and build its evidence ledger.

    Returns:
        The fused context; the caller persists it (with its evidence) in one transaction.
    """
    ledger = EvidenceLedger(incident.id)
    ctx = FusedContext(incident=incident, repo_available=repo is not None, unparsed_assets=list(unparsed))
    start = incident.started_at
    ctx.burst = _detect_burst(_error_series(store, incident), incident)
    onset = ctx.burst.onset if ctx.burst else None
    rev = repo.revision_at(start) if repo else None
    ctx.revision = rev
    asset_names = {a.id: a.name for a in store.list_assets(incident.id)}

    # Every exception counts; the frames of a few dozen per group are enough to read their shape.
    grouped = _group(store.list_exceptions(incident.id, frames_per_group=_FRAMES_PER_GROUP), onset)
    for fingerprint, items in grouped[:5]:
        first = items[0]
        times = [e.ts for e in items if e.ts]
        group = ErrorGroup(
            fingerprint=fingerprint, exc_type=first.exc_type, root_type=first.root_type,
            root_message=first.root_message[:300], count=len(items),
            before_onset=sum(1 for t in times if onset and t < onset), first_seen=min(times, default=None),
            last_seen=max(times, default=None), sample_line=first.line_no, asset=asset_names.get(first.asset_id, "?"),
            chain=[c.exc_type for c in first.causes],
        )
        chain = " → ".join(t.rsplit(".", 1)[-1] for t in group.chain)
        en, zh = (text("finding.exception.group", lang, count=group.count, chain=chain,
                       root=group.root_type.rsplit(".", 1)[-1], message=group.root_message[:140],
                       first=_fmt(group.first_seen, incident), last=_fmt(group.last_seen, incident))
                  + (text("finding.exception.before_onset", lang, before=group.before_onset) if onset else "")
                  for lang in LANGS)
        group.evidence_id = ledger.add(
            "exception", f"log:{group.asset}:{group.sample_line}", en, zh=zh,
            asset=group.asset, line=group.sample_line, fingerprint=fingerprint, count=group.count,
        )
        ctx.groups.append(group)

    if ctx.burst:
        b = ctx.burst
        en, zh = (text("finding.burst", lang, baseline=b.baseline_per_min, after=b.after_per_min, peak=b.peak_per_min,
                       at=_fmt(b.onset, incident), when=relative_to(b.minutes_before_start, "reported_start", lang))
                  for lang in LANGS)
        b.evidence_id = ledger.add(
            "log_burst", "log:errors-per-minute", en, zh=zh,
            onset=b.onset.isoformat(),
        )

    if ctx.burst:
        ctx.template_bursts = _template_bursts(store, incident, ctx.burst.onset, ledger)

    top = ctx.top_group
    if top:
        top.frames = rank_frames(grouped, app_code_for(store, incident, repo), store, incident.id, repo, rev)
        for frame in top.frames:
            frame.layer = layer_of(package_of(frame.class_name))
        for frame in top.frames:
            where = f"{frame.path}:{frame.line}" if frame.path else f"{frame.file_name}:{frame.line}"
            frame.evidence_id = ledger.add(
                "stack_frame", f"repo:{where}" if frame.path else f"frame:{where}",
                _frame_said(frame, repo is not None, "en"), zh=_frame_said(frame, repo is not None, "zh"),
                path=frame.path, line=frame.line, symbol=frame.symbol, rev=rev,
            )
            if repo and rev and frame.path:
                blame = repo.blame(rev, frame.path, frame.line)
                if blame:
                    frame.blame_sha = blame.sha
                    store.put_blame(incident.id, frame.path, frame.line, blame.sha, blame.author, blame.authored_at,
                                    blame.content)
                    en, zh = (text("finding.blame", lang, path=frame.path, line=frame.line, author=blame.author,
                                   sha=blame.sha[:8], at=_fmt(blame.authored_at, incident),
                                   when=relative_to(_minutes(start - blame.authored_at), "start", lang))
                              for lang in LANGS)
                    frame.blame_evidence_id = ledger.add(
                        "blame", f"blame:{frame.path}:{frame.line}@{blame.sha[:10]}", en, zh=zh,
                        path=frame.path, line=frame.line, sha=blame.sha, rev=rev,
                    )
        _symbols(store, incident, top.frames)
        ctx.entry_point = _entry_point(top.frames)
        app_frame = top.frames[0] if top.frames else None
        if app_frame:
            ctx.bounded_context = app_frame.bounded_context or bounded_context_of(package_of(app_frame.class_name))
            if ctx.bounded_context:
                package = app_frame.class_name.rsplit(".", 1)[0]
                en, zh = (text("finding.package", lang, cls=app_frame.class_name.rsplit(".", 1)[-1], package=package,
                               context=ctx.bounded_context,
                               layer=app_frame.layer or text("finding.package.unknown_layer", lang))
                          for lang in LANGS)
                ledger.add(
                    "design", f"package:{package}", en, zh=zh,
                    context=ctx.bounded_context, layer=app_frame.layer,
                )

    _design(ctx, store, incident, ledger)
    top_lines = {top.sample_line} if top else set()
    ctx.noise = _noise(store, incident, onset, top_lines)
    for noise in ctx.noise:
        en, zh = (text("finding.noise", lang, count=noise.count, level=noise.level, template=noise.template[:120],
                       since=_fmt(noise.first_seen, incident), before=noise.rate_before, after=noise.rate_after)
                  for lang in LANGS)
        noise.evidence_id = ledger.add(
            "log_noise", f"template:{noise.level}:{noise.template[:60]}", en, zh=zh,
            level=noise.level, count=noise.count,
        )
    ctx.runtime = add_runtime_evidence(store, incident, ledger, onset, set())

    if repo and rev:
        commits = store.list_commits(incident.id)
        ctx.later_commits = sum(1 for c in commits if c.authored_at > start)
        by_id = {e.id: e for e in ledger.items()}
        templates = [str(by_id[i].ref.get("template") or "") for i in ctx.template_bursts if i in by_id]
        ctx.suspects = link_changes(store, incident.id, repo, rev, commits, top.frames if top else [], ctx.groups,
                                    ctx.runtime, templates, start, onset, ledger)
        after_onset = sum(1 for c in commits if onset and onset < c.authored_at <= start)
        if after_onset:
            ledger.add("timeline", "git:after-onset", text("finding.commits.after_onset", "en", count=after_onset),
                       count=after_onset, zh=text("finding.commits.after_onset", "zh", count=after_onset))
        if ctx.later_commits:
            ledger.add(
                "timeline", "git:after-start", text("finding.commits.after_start", "en", count=ctx.later_commits),
                zh=text("finding.commits.after_start", "zh", count=ctx.later_commits),
                count=ctx.later_commits,
            )
        _deploys(ctx, repo, ledger)
    _ownership(ctx, rules, ledger)
    ctx.evidence = ledger.items()
    ctx.key_findings, ctx.key_findings_zh = _key_findings(ctx, "en"), _key_findings(ctx, "zh")
    log.info("incident %s: fused %d evidence, %d groups, %d suspects", incident.id, len(ledger), len(ctx.groups),
             len(ctx.suspects))
    return ctx


def _deploys(ctx: FusedContext, repo: GitRepo, ledger: EvidenceLedger) -> None:
    start = ctx.incident.started_at
    since = start - timedelta(days=LOOKBACK_DAYS)
    for tag in repo.tags():
        if not since <= tag.at <= start:
            continue
        contains = [s.sha for s in ctx.suspects if s.guilty and repo.is_ancestor(s.sha, tag.sha)]
        marker = DeployMarker(tag=tag.name, sha=tag.sha, at=tag.at, minutes_before_start=_minutes(start - tag.at),
                              contains=contains)
        ctx.deploys.append(marker)
    # Only the latest releases matter; each cites which suspects it shipped.
    for marker in ctx.deploys[-3:]:
        en, zh = (text("finding.deploy", lang, tag=marker.tag, sha=marker.sha[:8], at=_fmt(marker.at, ctx.incident),
                       when=relative_to(marker.minutes_before_start, "start", lang),
                       shipped=", ".join(s[:8] for s in marker.contains[:3]) or text("finding.deploy.no_suspect", lang))
                  for lang in LANGS)
        marker.evidence_id = ledger.add(
            "deploy", f"tag:{marker.tag}", en, zh=zh,
            tag=marker.tag, sha=marker.sha,
        )


def _ownership(ctx: FusedContext, rules: Sequence[OwnershipRule], ledger: EvidenceLedger) -> None:
    """Who owns the code the ruling will point at: a guilty change's code, else the top failing frame."""
    top = ctx.top_group
    if not rules:
        return
    for frame in top.frames if top else []:
        if frame.path and (rule := owner_of(rules, frame.path)):
            ctx.frame_owners[frame.path] = rule.team
    guilty = next((s for s in ctx.suspects if s.guilty), None)
    spot = guilty.location_link if guilty else None
    path = spot.path if spot else next((f.path for f in (top.frames if top else []) if f.path and not f.is_test), None)
    if path and (rule := owner_of(rules, path)):
        ctx.owner = OwnerFinding(path=path, team=rule.team, rule=rule.source)
        en, zh = (text("finding.owner", lang, path=path, pattern=rule.pattern, team=rule.team) for lang in LANGS)
        ctx.owner.evidence_id = ledger.add(
            "ownership", rule.source, en, zh=zh,
            path=path, team=rule.team, pattern=rule.pattern,
        )


def _frame_said(frame: FrameFinding, have_repo: bool, lang: str) -> str:
    """A ranked stack frame as evidence: where it is, how often it fails, why it ranks there, the line it reads."""
    why = frame.why_zh if lang == "zh" else frame.why  # culprit writes its reasons in both languages
    return (text("finding.frame.test" if frame.is_test else "finding.frame.app", lang, symbol=frame.symbol,
                 file=frame.file_name, line=frame.line, position=frame.position + 1, hits=frame.hits)
            + (text("finding.frame.why", lang, why=text("finding.sep.semicolon", lang).join(why)) if why else "")
            + (text("finding.frame.code", lang, code=frame.code[:120]) if frame.code else "")
            + ("" if frame.path or not have_repo else text("finding.frame.not_in_repo", lang)))


def _key_findings(ctx: FusedContext, lang: str) -> list[str]:
    """The key findings in `lang`; called once per language, so the two lists stay parallel."""
    out: list[str] = []
    if ctx.burst:
        out.append(text("finding.key.onset", lang, when=relative_to(ctx.burst.minutes_before_start, "reported_start",
                                                                    lang), id=ctx.burst.evidence_id))
    if top := ctx.top_group:
        out.append(text("finding.key.dominant_error", lang, count=top.count, exc=top.exc_type.rsplit(".", 1)[-1],
                        root=top.root_type.rsplit(".", 1)[-1], id=top.evidence_id))
        if top.frames:
            f = top.frames[0]
            out.append(text("finding.key.innermost_frame", lang, symbol=f.symbol,
                            where=f"{f.path or f.file_name}:{f.line}", id=f.evidence_id))
    if ctx.suspects:
        s = ctx.suspects[0]
        out.append(text("finding.key.top_change", lang, sha=s.sha[:8], author=s.author, link=link_kind(s.match, lang),
                        score=s.score, id=s.evidence_id))
    if ctx.owner:
        out.append(text("finding.key.owner", lang, team=ctx.owner.team, id=ctx.owner.evidence_id))
    for n in ctx.noise:
        out.append(text("finding.key.noise", lang, level=n.level, template=n.template[:60], id=n.evidence_id))
    if ctx.runtime:
        out.extend(ctx.runtime.key_findings_zh if lang == "zh" else ctx.runtime.key_findings)
    return out
