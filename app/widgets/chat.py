"""The debate transcript: one coloured bubble per agent turn, dividers, tool calls and banners."""

from __future__ import annotations

import html
import re

import streamlit as st

from app.i18n import agent_duty, agent_role, has_key, phase_label, t
from app.theme import agent_style, avatar_html, icon_html
from app.transcript import TranscriptItem
from app.widgets.evidence import citation_chips
from app.widgets.judgment import judgment_card
from core.brain_tally import tally_brains
from core.llm.routing import Routing
from core.plain_text import clip, md_data
from core.schema import AGENTS, AgentTurn, Evidence, ToolCall, TurnCost

_CITE = re.compile(r"\[(E\d+)\]")
_CHALLENGE_ID = re.compile(r"^(C\d+)-([a-z]+(?:-[a-z]+)*)")
_QUESTION_ID = re.compile(r"^Q\d+$")
_NO_TARGET = {"", "*", "?"}


def challenge_label(challenge_id: str) -> str:
    """``C3-citation2.0`` → ``C3 · citation check``: the round's number and what kind of objection, not the id."""
    if _QUESTION_ID.match(challenge_id):  # an answer to a human's question
        return t("debate.question_answer", id=challenge_id)
    m = _CHALLENGE_ID.match(challenge_id)
    if m is None:
        return challenge_id
    kind = f"challenge.{m.group(2)}"
    return f"{m.group(1)} · {t(kind)}" if has_key(kind) else f"{m.group(1)} · {m.group(2).replace('-', ' ')}"

__all__ = [
    "agent_roster",
    "brain_label",
    "brain_tally_line",
    "bubble_header",
    "challenge_label",
    "render_transcript",
    "usage_line",
]


def brain_label(brain: str, model: str | None) -> str:
    """Which brain spoke: the offline brain, or the model's name."""
    return t("brain.offline_short") if brain == "offline" else (model or t("brain.llm_short"))


def _confidence(value: float, color: str) -> str:
    pct = round(max(0.0, min(1.0, value)) * 100)
    return (
        f'<span class="tb-conf" title="{html.escape(t("debate.confidence"))}">'
        f'<span class="tb-conf-bar"><span class="tb-conf-fill" style="width:{pct}%;background:{color}"></span></span>'
        f"{pct}%</span>"
    )


def bubble_header(agent: str, phase: str, rnd: int, brain: str | None = None, model: str | None = None,
                  confidence: float | None = None, extra: str = "") -> str:
    """HTML for a bubble's first line: avatar, name, role, phase/round, brain, confidence."""
    style = agent_style(agent)
    where = (phase_label(phase) if phase in ("experts", "judgment")
             else f"{phase_label(phase)} · {t('debate.round_n', n=rnd)}")
    parts = [
        avatar_html(agent),
        f'<span class="tb-name" style="color:{style.color}">{html.escape(agent)}</span>',
        f'<span class="tb-role">{html.escape(agent_role(agent))}</span>',
        f'<span class="tb-chip">{html.escape(where)}</span>',
    ]
    if brain:
        parts.append(f'<span class="tb-chip brain-{brain}">{html.escape(brain_label(brain, model))}</span>')
    parts.append(extra)
    parts.append('<span class="tb-spacer"></span>')
    if confidence is not None:
        parts.append(_confidence(confidence, style.color))
    return f'<div class="tb-head">{"".join(parts)}</div>'


def _cited_line(markdown: str, citations: list[str], evidence: dict[str, Evidence], key: str, incident_id: str,
                *, escaped_html: bool = False) -> None:
    """One statement with its evidence chips to the right.

    Agent text is Markdown only; raw HTML is allowed just for lines built here from escaped text.
    """
    text_col, chips_col = st.columns([0.78, 0.22], vertical_alignment="center", gap="small")
    text_col.markdown(markdown, unsafe_allow_html=escaped_html)
    with chips_col:
        citation_chips(citations, evidence, key, incident_id)


def usage_line(usage: TurnCost) -> str:
    """Tokens, cost, latency, calls and redactions of one LLM turn, as one short line."""
    parts = [t("usage.tokens", prompt=f"{usage.prompt_tokens:,}", completion=f"{usage.completion_tokens:,}")]
    if usage.cost is not None:
        parts.append(f"{usage.cost:.4f} {usage.currency or ''}".strip())
    parts.append(f"{usage.seconds:.1f} s")
    if usage.calls > 1:
        parts.append(t("usage.calls", n=usage.calls))
    if usage.retries:
        parts.append(t("usage.retries", n=usage.retries))
    if usage.redactions:
        parts.append(t("usage.redacted", items=", ".join(f"{n} {kind}" for kind, n in usage.redactions.items())))
    return " · ".join(parts)


def _tool_lines(calls: list[ToolCall]) -> str:
    """Tool calls as compact monospace lines (escaped: arguments and results come from the model and the data)."""
    lines = []
    for call in calls:
        args = ", ".join(f"{k}={v}" for k, v in call.arguments.items())
        mark = "✓" if call.status == "ok" else "✗"
        result = clip(call.result, 140)
        lines.append(f'<div class="tb-tool">{icon_html("build")} <b>{html.escape(call.tool)}</b>({html.escape(args)}) '
                     f'<span class="{"good" if call.status == "ok" else "bad"}">{mark}</span> '
                     f'{html.escape(result)}</div>')
    return "".join(lines)


def _fell_back(turn: AgentTurn, debate_brain: str | None) -> str | None:
    """Why an LLM debate's turn was answered by the offline brain, or None when it was not."""
    if turn.usage is not None and turn.usage.fallback:
        return turn.usage.fallback
    if debate_brain == "llm" and turn.brain == "offline":
        return t("usage.fallback_unknown")
    return None


def _turn_bubble(turn: AgentTurn, evidence: dict[str, Evidence], incident_id: str, debate_brain: str | None = None,
                 tools: list[ToolCall] | None = None) -> None:
    invalid = sum(1 for c in turn.claims if not c.valid)
    flag = (f'<span class="tb-chip bad">{icon_html("report")} '
            f'{html.escape(t("debate.invalid_claims", n=invalid))}</span>'
            if invalid else "")
    fallback = _fell_back(turn, debate_brain)
    if fallback:
        short = fallback.split(":", 1)[0].strip()  # "endpoint unavailable: HTTP 500 after 3 retries" → its reason
        chip = (t("usage.fallback_chip_reason", reason=short) if short and short != fallback
                else t("usage.fallback_chip"))
        flag += (f'<span class="tb-chip warn" title="{html.escape(fallback)}">{icon_html("sync_problem")} '
                 f'{html.escape(chip)}</span>')
    with st.container(key=f"bubble-{turn.agent}-{turn.seq}", gap="small"):
        st.markdown(bubble_header(turn.agent, turn.phase, turn.round, turn.brain, turn.model, turn.confidence, flag),
                    unsafe_allow_html=True)
        st.markdown(f'<div class="tb-summary"><strong>{html.escape(turn.summary)}</strong></div>',
                    unsafe_allow_html=True)
        structured = turn.claims or turn.hypotheses or turn.challenges or turn.answers
        # The judge's body restates the ruling, which the judgment card right after shows in full.
        if turn.body and not structured and turn.agent != "JudgeAgent":
            # The body is the streamed text (summary first); with structured parts they say it better, with chips.
            head, _, tail = turn.body.partition("\n\n")
            shown = tail if head.strip() == turn.summary.strip() else turn.body  # the summary is shown above
            if shown.strip():
                st.markdown(md_data(shown))
        for i, claim in enumerate(turn.claims):
            if claim.valid:
                _cited_line(f"- {md_data(claim.text)}", claim.citations, evidence, f"{turn.seq}-c{i}", incident_id)
            else:
                problems = "; ".join(claim.problems) or t("debate.claim_unverified")
                line = (f'<div class="tb-claim-bad">{icon_html("report")} {html.escape(claim.text)}<br>'
                        f'<span class="tb-claim-problem">{html.escape(problems)}</span></div>')
                _cited_line(line, claim.citations, evidence, f"{turn.seq}-c{i}", incident_id, escaped_html=True)
        if turn.hypotheses:
            st.markdown(f'<div class="tb-section">{html.escape(t("debate.hypotheses", n=len(turn.hypotheses)))}</div>',
                        unsafe_allow_html=True)
            for h in turn.hypotheses:
                where = f" — `{h.location.file}:{h.location.line}`" if h.location else ""
                _cited_line(f"**{h.id} · {md_data(h.title)}** "
                            f"({t('status.' + h.status)}, {h.confidence:.0%}){where}  \n"
                            f"{md_data(h.statement)}" + (f"  \n_{md_data(h.reason)}_" if h.reason else ""),
                            h.citations, evidence, f"{turn.seq}-h-{h.id}", incident_id)
        for ch in turn.challenges:
            tag = t("debate.material") if ch.material else t("debate.minor")
            target = "" if ch.target in _NO_TARGET else f" → {ch.target}"
            _cited_line(f"**{challenge_label(ch.id)}**{target} · _{tag}_  \n{md_data(ch.text)}", ch.citations, evidence,
                        f"{turn.seq}-x-{ch.id}", incident_id)
        for ans in turn.answers:
            _cited_line(f"**{challenge_label(ans.challenge_id)}** · {t('verdict.' + ans.verdict)}  \n"
                        f"{md_data(ans.text)}",
                        ans.citations, evidence,
                        f"{turn.seq}-a-{ans.challenge_id}", incident_id)
        if turn.note:
            st.caption(turn.note)
        if tools:
            st.markdown(_tool_lines(tools), unsafe_allow_html=True)
        if fallback:
            st.caption(f":material/sync_problem: {t('usage.fallback_note', reason=fallback)}")
        if turn.usage is not None and (turn.usage.calls or turn.usage.prompt_tokens or not fallback):
            st.caption(f":material/toll: {usage_line(turn.usage)}")


def _live_bubble(item: TranscriptItem, brain: str | None, model: str | None) -> None:
    with st.container(key=f"bubble-{item.agent}-live-{item.round}", gap="small"):
        typing = f'<span class="tb-chip">{html.escape(t("debate.typing"))}</span>'
        st.markdown(bubble_header(item.agent, item.phase, item.round, brain, model, None, typing),
                    unsafe_allow_html=True)
        # Streamed text is Markdown that cites evidence as [E12]: badge those already, before the turn is final.
        body = _CITE.sub(r":gray-badge[\1]", item.text) if item.text else ""
        st.markdown(f"{body} :gray[▍]")
        calls = item.extra.get("tools") or []
        if calls:
            st.markdown(_tool_lines(calls), unsafe_allow_html=True)  # type: ignore[arg-type]


def brain_tally_line(turns: list[AgentTurn], brain: str | None) -> tuple[str, str] | None:
    """("info" | "warning", text): which brain answered the debate's turns, or None for an offline debate."""
    if brain != "llm" or not turns:
        return None
    tally = tally_brains(turns, brain)
    why = ", ".join(f"{reason} ×{n}" for reason, n in sorted(tally.fallbacks.items()))
    if tally.brain == "llm":
        return "info", t("brain.tally_llm", n=tally.model_turns)
    if tally.brain == "offline":
        return "warning", t("brain.tally_offline", n=tally.offline_turns, why=why)
    return "warning", t("brain.tally_mixed", m=tally.model_turns, o=tally.offline_turns, why=why)


def render_transcript(items: list[TranscriptItem], evidence: dict[str, Evidence], incident_id: str,
                      brain: str | None, model: str | None) -> None:
    """Draw the transcript items in order, then which brain answered its turns (model, offline or mixed)."""
    turns = [item.turn for item in items if item.kind == "turn" and item.turn is not None]
    if (line := brain_tally_line(turns, brain)) is not None:
        kind, text = line
        if kind == "warning":
            st.warning(text, icon=":material/sync_problem:")
        else:
            st.caption(f":material/smart_toy: {text}")
    for item in items:
        ev = item.event
        if item.kind == "divider":
            label = phase_label(item.phase) if item.phase in ("experts", "judgment") else (
                f"{t('debate.round_n', n=item.round)} · {phase_label(item.phase)}")
            st.markdown(f'<div class="tb-divider">{html.escape(label)}</div>', unsafe_allow_html=True)
        elif item.kind == "turn" and item.turn is not None:
            _turn_bubble(item.turn, evidence, incident_id, brain, item.extra.get("tools") or [])  # type: ignore[arg-type]
        elif item.kind == "live":
            _live_bubble(item, brain, model)
        elif item.kind == "tool":
            mark = "✓" if getattr(ev, "status", "ok") == "ok" else "✗"
            args = ", ".join(f"{k}={v}" for k, v in (getattr(ev, "arguments", {}) or {}).items())
            result = getattr(ev, "result", "")
            st.caption(f":material/build: {item.agent} → `{getattr(ev, 'tool', '')}({args})` {mark} "
                       f"{md_data(clip(str(result), 160))}")
        elif item.kind == "round_end":
            st.caption(t("debate.round_closed", n=item.round, conf=f"{getattr(ev, 'confidence', 0.0):.0%}"))
        elif item.kind == "consensus":
            st.success(t("debate.consensus", n=item.round, reason=getattr(ev, "reason", "")),
                       icon=":material/handshake:")
        elif item.kind == "intervention":
            kind = getattr(ev, "kind", "note")
            # The transcript's events are typed `object`: an "intervention" item carries an Intervention.
            target = f" → {ev.target}" if getattr(ev, "target", None) else ""  # type: ignore[attr-defined]
            st.info(f"**{t('debate.intervention')} · {t('intervention.' + kind)}{target}**  \n"
                    f"{getattr(ev, 'text', '')}",
                    icon=":material/front_hand:")
            if getattr(ev, "target", None) in evidence:  # a human's evidence got an id the agents can cite
                citation_chips([ev.target], evidence, f"intervention-{getattr(ev, 'seq', 0)}", incident_id)  # type: ignore[attr-defined]
        elif item.kind == "judgment":  # a "judgment" item carries a JudgmentReady
            judgment_card(ev.judgment, evidence, incident_id, compact=True)  # type: ignore[attr-defined]
        elif item.kind == "error":
            who = f"{item.agent}: " if item.agent else ""
            st.error(f"{t('debate.failed')} — {who}{getattr(ev, 'message', '')}")


def agent_roster(routing: Routing | None = None) -> None:
    """Who sits on the tribunal, shown before the first debate; with one model for all, how the roles still differ."""
    st.markdown(f"##### {t('debate.roster')}")
    cols = st.columns(3)
    for i, agent in enumerate(AGENTS):
        style = agent_style(agent)
        with cols[i % 3], st.container(key=f"roster-{agent}"):
            st.markdown(
                f'<div class="tb-head">{avatar_html(agent)}'
                f'<span class="tb-name" style="color:{style.color}">{agent}</span>'
                f'<span class="tb-role">{html.escape(agent_role(agent))}</span></div>'
                f"<div style='font-size:.88rem;color:#334155'>{html.escape(agent_duty(agent))}</div>",
                unsafe_allow_html=True,
            )
    st.caption(t("debate.roster_hint"))
    if routing is not None and routing.single_model():
        temps = ", ".join(f"{agent_role(a)} {routing.route(a).temperature:g}" for a in AGENTS)
        st.info(t("debate.one_model_roles", model=routing.default.model, temps=temps), icon=":material/tune:")
