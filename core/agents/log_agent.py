"""LogAgent: the runtime symptoms — which error, since when, how loud, and what is only noise."""

from __future__ import annotations

from core.agents.base import AgentReply, DebateView, say
from core.fusion.ledger import evidence_text
from core.fusion.runtime_rules import unit_label
from core.schema import Claim, Hypothesis

__all__ = ["offline_reply"]


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def offline_reply(view: DebateView) -> AgentReply:
    """Read error groups, the onset and the noise; propose where the failure surfaces."""
    ctx, lang = view.context, view.language
    top = ctx.top_group
    if top is None:
        return AgentReply(
            summary=say(lang, "No exception or stack trace in the logs; I cannot locate the failure from runtime data.",
                        "日志中没有异常或堆栈，无法仅凭运行时数据定位故障。"),
            claims=[Claim(text=say(lang, "No stack traces were found in the ingested logs.",
                                   "导入的日志中没有找到堆栈。"),
                          citations=[e.id for e in ctx.evidence if e.kind == "log_burst"][:1])],
            confidence=0.1,
        )
    claims = [Claim(
        text=say(lang, "The dominant error is {n}× {exc} caused by {root}: “{msg}”.",
                 "主要错误是 {n} 次 {exc}，根因异常为 {root}：“{msg}”。",
                 n=top.count, exc=_short(top.exc_type), root=_short(top.root_type), msg=top.root_message[:120]),
        citations=[top.evidence_id or ""],
    )]
    confidence = 0.45
    if (b := ctx.burst) and b.evidence_id:
        claims.append(Claim(
            text=say(lang, "Errors jumped from {a}/min to {b}/min at the onset, {m:.0f} min before the reported start; "
                           "{k} of these errors happened before the onset.",
                     "错误率在突增点从 {a}/分钟 升至 {b}/分钟，比上报的开始时间早 {m:.0f} "
                     "分钟；突增前仅有 {k} 次该错误。",
                     a=b.baseline_per_min, b=b.after_per_min, m=b.minutes_before_start, k=top.before_onset),
            citations=[b.evidence_id, top.evidence_id or ""],
        ))
        confidence += 0.15
    by_id = {e.id: e for e in ctx.evidence}
    for evidence_id in ctx.template_bursts[:2]:
        if ref := by_id.get(evidence_id):
            claims.append(Claim(
                text=say(lang, "A log template changed with the onset — {t}", "有日志模板随突增一起变化——{t}",
                         t=evidence_text(ref, lang)[:200]),
                citations=[evidence_id],
            ))
    for noise in ctx.noise:
        claims.append(Claim(
            text=say(lang, "The loud {lvl} “{tpl}” ({n} lines) runs at the same rate before and after the onset "
                           "({a}/min → {b}/min): background noise, not the trigger.",
                     "高频 {lvl} 日志“{tpl}”（{n} 行）在突增前后速率相同（{a}/分钟 → "
                     "{b}/分钟）：是背景噪声，不是诱因。",
                     lvl=noise.level, tpl=noise.template[:80], n=noise.count, a=noise.rate_before, b=noise.rate_after),
            citations=[noise.evidence_id or ""],
        ))
    claims += _runtime_claims(view)
    hypotheses = []
    frame = top.frames[0] if top.frames else None
    if frame:
        claims.append(Claim(
            text=say(lang,
                     "{share:.0%} of these traces pass through {sym} at {file}:{line}, the innermost frame of "
                     "our own code.",
                     "{share:.0%} 的堆栈经过 {sym}（{file}:{line}），这是最内层的业务代码帧。",
                     share=frame.share, sym=frame.symbol, file=frame.file_name, line=frame.line),
            citations=[frame.evidence_id or ""],
        ))
        confidence += 0.1 if frame.share >= 0.8 else 0.0
        hypotheses.append(Hypothesis(
            id="HL1",
            title=say(lang, "{root} surfacing in {sym}", "{root} 出现在 {sym}", root=_short(top.root_type),
                      sym=frame.symbol),
            statement=say(lang, "The incident is the burst of {exc} thrown under {sym} ({file}:{line}).",
                          "本次故障是 {sym}（{file}:{line}）下抛出的 {exc} 突增。",
                          exc=_short(top.exc_type), sym=frame.symbol, file=frame.file_name, line=frame.line),
            location={"file": frame.path or frame.file_name, "line": frame.line, "symbol": frame.symbol},  # type: ignore[arg-type]
            citations=[c for c in (top.evidence_id, frame.evidence_id,
                                   ctx.burst.evidence_id if ctx.burst else None) if c],
            confidence=round(min(confidence, 0.8), 2),
        ))
    return AgentReply(
        summary=say(lang, "{n}× {root} burst from the onset on; it surfaces in {sym}. The WARN storm is noise.",
                    "自突增点起出现 {n} 次 {root}，出错位置在 {sym}；告警风暴只是噪声。",
                    n=top.count, root=_short(top.root_type), sym=frame.symbol if frame else "?")
        if ctx.noise else
        say(lang, "{n}× {root} burst from the onset on; it surfaces in {sym}.",
            "自突增点起出现 {n} 次 {root}，出错位置在 {sym}。",
            n=top.count, root=_short(top.root_type), sym=frame.symbol if frame else "?"),
        claims=claims, hypotheses=hypotheses, confidence=round(min(confidence, 0.8), 2),
    )


def _ms(value: float | None) -> str:
    return "?" if value is None else f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"


def _runtime_claims(view: DebateView) -> list[Claim]:
    """What metrics, slow SQL and traces say, including what did not move (negative evidence)."""
    runtime, lang = view.context.runtime, view.language
    if runtime is None:
        return []
    claims = []
    for a in runtime.anomalies[:3]:
        claims.append(Claim(
            text=say(lang, "{m} moved with the errors: {d} from {b:g} to {p:g}{u}.",
                     "{m} 随错误同步变化：从 {b:g} {d}到 {p:g}{u}。",
                     m=a.metric,
                     d=say(lang, "up" if a.direction == "up" else "down", "上升" if a.direction == "up" else "下降"),
                     b=round(a.baseline, 2), p=round(a.peak, 2), u=f" {unit_label(a.unit, lang)}" if a.unit else ""),
            citations=[a.evidence_id or ""],
        ))
    for u in runtime.unchanged[:2]:
        claims.append(Claim(
            text=say(lang, "{m} did not change around the onset, which argues against a resource problem of that kind.",
                     "{m} 在突增前后没有变化，不支持该类资源问题的假设。", m=u.metric),
            citations=[u.evidence_id or ""],
        ))
    if runtime.slow_queries:
        q = runtime.slow_queries[0]
        claims.append(Claim(
            text=say(lang,
                     "The costliest slow statement after the onset is a {k}{fu} on {t}: {n} runs, lock wait p95 {l}.",
                     "突增后代价最高的慢 SQL 是作用于 {t} 的 {k}{fu}：{n} 次，锁等待 p95 {l}。",
                     k=q.statement_kind.upper(), fu=" … FOR UPDATE" if q.for_update else "",
                     t=", ".join(q.tables) or "?",
                     n=q.n_after, l=_ms(q.lock_p95_after_ms)),
            citations=[q.evidence_id or ""],
        ))
    if runtime.traces:
        tr = runtime.traces[0]
        claims.append(Claim(
            text=say(lang, "The slowest failing request ({e}) spends {s} in {h}.",
                     "最慢的失败请求（{e}）在 {h} 中耗时 {s}。",
                     e=tr.endpoint, s=_ms(tr.hot_self_ms), h=tr.hot_span),
            citations=[tr.evidence_id or ""],
        ))
    return [c for c in claims if c.citations != [""]]
