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
from core.fusion.link_words import LINK_KIND_ZH
from core.fusion.runtime_rules import add_runtime_evidence
from core.graph import DuckGraph
from core.indexing import design_links, symbol_at
from core.ingest.code import GitRepo, OwnershipRule, app_code_for, bounded_context_of, layer_of, owner_of, package_of
from core.ingest.logs import ACCESS_FORMAT
from core.plain_text import relative_minutes, relative_minutes_zh
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
        change = ("new after the onset" if row.n_before == 0
                  else f"{row.rate_before:.2f}/min before → {row.rate_after:.2f}/min after (×{row.jump:.0f})")
        change_zh = ("突增后新出现" if row.n_before == 0
                     else f"每分钟 {row.rate_before:.2f} 条 → {row.rate_after:.2f} 条（×{row.jump:.0f}）")
        ids.append(ledger.add(
            "log_burst", f"template:{row.asset_id}/{row.template_id}",
            f"{row.level} template '{str(row.template)[:140]}': {row.n_after} lines, {change}",
            zh=f"{row.level} 模板 '{str(row.template)[:140]}'：{row.n_after} 行，{change_zh}",
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
        ctx.design_evidence.insert(0, ledger.add(
            "design", f"api:{entry.endpoint}", f"{entry.symbol} serves {entry.endpoint}",
            zh=f"{entry.symbol} 提供 {entry.endpoint}",
            endpoint=entry.endpoint, symbol=entry.symbol))
    if frame.aggregate:
        raw = DuckGraph(store, incident.id).blast_radius(f"aggregate:{frame.aggregate}")
        # Node ids read `kind:key`; people want the key.
        blast = raw.model_copy(update={
            field: [v.split(":", 1)[-1] for v in getattr(raw, field)]
            for field in ("apis", "tables", "classes", "methods", "contexts", "teams")})
        if blast.apis or blast.tables:
            ctx.blast = blast
            ctx.blast_evidence_id = ledger.add(
                "design", f"graph:blast-radius:{frame.aggregate}",
                f"The {frame.aggregate.rsplit('.', 1)[-1]} aggregate is reached by {len(blast.apis)} API operation(s) "
                f"({', '.join(blast.apis[:4])}) and persists to {', '.join(blast.tables[:4]) or 'no table'}; "
                f"contexts: {', '.join(blast.contexts[:4]) or '?'}; teams: {', '.join(blast.teams[:4]) or '?'}",
                zh=f"{frame.aggregate.rsplit('.', 1)[-1]} 聚合被 {len(blast.apis)} 个 API 操作访问"
                   f"（{', '.join(blast.apis[:4])}），持久化到 {', '.join(blast.tables[:4]) or '无数据表'}；"
                   f"上下文：{', '.join(blast.contexts[:4]) or '?'}；团队：{', '.join(blast.teams[:4]) or '?'}",
                aggregate=frame.aggregate)


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
        group.evidence_id = ledger.add(
            "exception", f"log:{group.asset}:{group.sample_line}",
            f"{group.count}× {chain} ({group.root_type.rsplit('.', 1)[-1]}: {group.root_message[:140]}) "
            f"from {_fmt(group.first_seen, incident)} to {_fmt(group.last_seen, incident)}"
            + (f"; {group.before_onset} before the error onset" if onset else ""),
            zh=f"{group.count} 次 {chain}（{group.root_type.rsplit('.', 1)[-1]}: {group.root_message[:140]}），"
               f"{_fmt(group.first_seen, incident)} 至 {_fmt(group.last_seen, incident)}"
               + (f"；其中 {group.before_onset} 次早于错误突增" if onset else ""),
            asset=group.asset, line=group.sample_line, fingerprint=fingerprint, count=group.count,
        )
        ctx.groups.append(group)

    if ctx.burst:
        b = ctx.burst
        b.evidence_id = ledger.add(
            "log_burst", "log:errors-per-minute",
            f"ERROR/FATAL lines rose from {b.baseline_per_min}/min to {b.after_per_min}/min "
            f"(peak {b.peak_per_min:.0f}) "
            f"at {_fmt(b.onset, incident)}, {relative_minutes(b.minutes_before_start)} the reported start",
            zh=f"ERROR/FATAL 日志从每分钟 {b.baseline_per_min} 条升至 {b.after_per_min} 条"
               f"（峰值 {b.peak_per_min:.0f}），"
               f"始于 {_fmt(b.onset, incident)}，{relative_minutes_zh(b.minutes_before_start, '报告的开始时间')}",
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
                f"{'Test' if frame.is_test else 'App'} frame {frame.symbol} ({frame.file_name}:{frame.line}), "
                f"location candidate #{frame.position + 1}, is in {frame.hits} failing trace(s)"
                + (f"; {'; '.join(frame.why)}" if frame.why else "")
                + (f"; the line reads `{frame.code[:120]}`" if frame.code else "")
                + ("" if frame.path or not repo else "; the file is not in the repository"),
                zh=f"{'测试' if frame.is_test else '应用'}栈帧 {frame.symbol}（{frame.file_name}:{frame.line}），"
                   f"定位候选第 {frame.position + 1} 位，出现在 {frame.hits} 条失败堆栈中"
                   + (f"；{'；'.join(frame.why_zh)}" if frame.why_zh else "")
                   + (f"；该行代码为 `{frame.code[:120]}`" if frame.code else "")
                   + ("" if frame.path or not repo else "；该文件不在仓库中"),
                path=frame.path, line=frame.line, symbol=frame.symbol, rev=rev,
            )
            if repo and rev and frame.path:
                blame = repo.blame(rev, frame.path, frame.line)
                if blame:
                    frame.blame_sha = blame.sha
                    store.put_blame(incident.id, frame.path, frame.line, blame.sha, blame.author, blame.authored_at,
                                    blame.content)
                    frame.blame_evidence_id = ledger.add(
                        "blame", f"blame:{frame.path}:{frame.line}@{blame.sha[:10]}",
                        f"{frame.path}:{frame.line} was last changed by {blame.author} in {blame.sha[:8]} on "
                        f"{_fmt(blame.authored_at, incident)}, "
                        f"{relative_minutes(_minutes(start - blame.authored_at))} the start",
                        zh=f"{frame.path}:{frame.line} 最后由 {blame.author} 在 {blame.sha[:8]} 中修改，时间 "
                           f"{_fmt(blame.authored_at, incident)}，"
                           f"{relative_minutes_zh(_minutes(start - blame.authored_at), '开始')}",
                        path=frame.path, line=frame.line, sha=blame.sha, rev=rev,
                    )
        _symbols(store, incident, top.frames)
        ctx.entry_point = _entry_point(top.frames)
        app_frame = top.frames[0] if top.frames else None
        if app_frame:
            ctx.bounded_context = app_frame.bounded_context or bounded_context_of(package_of(app_frame.class_name))
            if ctx.bounded_context:
                package = app_frame.class_name.rsplit(".", 1)[0]
                ledger.add(
                    "design", f"package:{package}",
                    f"{app_frame.class_name.rsplit('.', 1)[-1]} lives in package {package}: bounded context "
                    f"'{ctx.bounded_context}', {app_frame.layer or 'unknown'} layer",
                    zh=f"{app_frame.class_name.rsplit('.', 1)[-1]} 位于包 {package}："
                       f"限界上下文“{ctx.bounded_context}”，"
                       f"{app_frame.layer or '未知'} 层",
                    context=ctx.bounded_context, layer=app_frame.layer,
                )

    _design(ctx, store, incident, ledger)
    top_lines = {top.sample_line} if top else set()
    ctx.noise = _noise(store, incident, onset, top_lines)
    for noise in ctx.noise:
        noise.evidence_id = ledger.add(
            "log_noise", f"template:{noise.level}:{noise.template[:60]}",
            f"{noise.count}× {noise.level} '{noise.template[:120]}' since {_fmt(noise.first_seen, incident)}: "
            f"{noise.rate_before}/min before the onset, {noise.rate_after}/min after — "
            "a steady background, not a change",
            zh=f"{noise.count} 次 {noise.level} '{noise.template[:120]}'（自 {_fmt(noise.first_seen, incident)} 起）："
               f"突增前每分钟 {noise.rate_before} 条，之后 {noise.rate_after} 条——持续的背景噪声，不是变化",
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
            ledger.add("timeline", "git:after-onset",
                       f"{after_onset} commit(s) landed after the errors began and before the reported start; "
                       "they cannot have caused the errors", count=after_onset,
                       zh=f"{after_onset} 个提交在错误开始之后、报告的开始时间之前落地，不可能导致这些错误")
        if ctx.later_commits:
            ledger.add(
                "timeline", "git:after-start",
                f"{ctx.later_commits} commit(s) landed after the incident start; "
                "the failing code could not contain them",
                zh=f"{ctx.later_commits} 个提交在事件开始之后落地，出错的代码不可能包含它们",
                count=ctx.later_commits,
            )
        _deploys(ctx, repo, ledger)
    _ownership(ctx, rules, ledger)
    ctx.evidence = ledger.items()
    ctx.key_findings, ctx.key_findings_zh = _key_findings(ctx)
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
        shipped = ", ".join(s[:8] for s in marker.contains[:3]) or "no suspect commit"
        marker.evidence_id = ledger.add(
            "deploy", f"tag:{marker.tag}",
            f"Release tag {marker.tag} ({marker.sha[:8]}) at {_fmt(marker.at, ctx.incident)}, "
            f"{relative_minutes(marker.minutes_before_start)} the start; it ships {shipped}",
            zh=f"发布标记 {marker.tag}（{marker.sha[:8]}）于 {_fmt(marker.at, ctx.incident)}，"
               f"{relative_minutes_zh(marker.minutes_before_start, '开始')}；包含 "
               + (", ".join(s[:8] for s in marker.contains[:3]) or "无嫌疑提交"),
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
        ctx.owner.evidence_id = ledger.add(
            "ownership", rule.source, f"{path} matches `{rule.pattern}` → owned by {rule.team}",
            zh=f"{path} 匹配 `{rule.pattern}` → 归属 {rule.team}",
            path=path, team=rule.team, pattern=rule.pattern,
        )


def _key_findings(ctx: FusedContext) -> tuple[list[str], list[str]]:
    """The key findings in English and in Chinese, one pair per finding (the two lists stay parallel)."""
    en: list[str] = []
    zh: list[str] = []

    def add(english: str, chinese: str) -> None:
        en.append(english)
        zh.append(chinese)

    if ctx.burst:
        add(f"Error onset {relative_minutes(ctx.burst.minutes_before_start)} the reported start "
            f"[{ctx.burst.evidence_id}]",
            f"错误突增：{relative_minutes_zh(ctx.burst.minutes_before_start, '报告的开始时间')} "
            f"[{ctx.burst.evidence_id}]")
    if top := ctx.top_group:
        exc, root = top.exc_type.rsplit('.', 1)[-1], top.root_type.rsplit('.', 1)[-1]
        add(f"Dominant error: {top.count}× {exc} / {root} [{top.evidence_id}]",
            f"主要错误：{top.count} 次 {exc} / {root} [{top.evidence_id}]")
        if top.frames:
            f = top.frames[0]
            where = f"{f.path or f.file_name}:{f.line}"
            add(f"Innermost in-app frame: {f.symbol} at {where} [{f.evidence_id}]",
                f"最内层业务代码帧：{f.symbol}，位于 {where} [{f.evidence_id}]")
    if ctx.suspects:
        s = ctx.suspects[0]
        add(f"Top candidate change {s.sha[:8]} by {s.author} (strongest link: {s.match.replace('_', ' ')}, "
            f"score {s.score:.2f}) [{s.evidence_id}]",
            f"头号候选变更 {s.sha[:8]}（{s.author}；最强关联：{LINK_KIND_ZH.get(s.match, s.match)}，"
            f"得分 {s.score:.2f}）[{s.evidence_id}]")
    if ctx.owner:
        add(f"Owner: {ctx.owner.team} [{ctx.owner.evidence_id}]", f"归属：{ctx.owner.team} [{ctx.owner.evidence_id}]")
    for n in ctx.noise:
        add(f"Background noise: {n.level} '{n.template[:60]}' [{n.evidence_id}]",
            f"背景噪声：{n.level} '{n.template[:60]}' [{n.evidence_id}]")
    if ctx.runtime:
        en.extend(ctx.runtime.key_findings)
        zh.extend(ctx.runtime.key_findings_zh)
    return en, zh
