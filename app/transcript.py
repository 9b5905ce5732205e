"""Turns the stored event stream plus in-flight text into an ordered list of things to draw.

Pure functions, no Streamlit: the debate page draws `TranscriptItem`s; tests check the order.
A finished turn is drawn where it *started*, so concurrent expert bubbles do not jump around
when they finish; a turn that started but has not finished is drawn live with its streamed text.
Tool calls an agent makes while its turn is open are drawn under that turn (`extra["tools"]`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from core.schema import (
    AgentTurn,
    Consensus,
    DebateFailed,
    Intervention,
    Judgment,
    JudgmentReady,
    RoundFinished,
    ToolCall,
    TurnFinished,
    TurnStarted,
)

__all__ = ["TranscriptItem", "build_transcript", "confidence_by_round", "in_words_of"]

ItemKind = Literal["divider", "turn", "live", "tool", "round_end", "consensus", "intervention", "judgment", "error"]


@dataclass
class TranscriptItem:
    kind: ItemKind
    phase: str = ""
    round: int = 0
    agent: str = ""
    turn: AgentTurn | None = None
    text: str = ""
    event: object | None = None
    extra: dict[str, object] = field(default_factory=dict)


def build_transcript(events: list[object], live: dict[tuple[str, int], str], running: bool) -> list[TranscriptItem]:
    """Order the debate for display.

    Args:
        events: stored events (any order; sorted by seq here).
        live: streamed text of turns in flight, keyed by (agent, round).
        running: whether the debate is still producing events (unfinished turns are drawn live only then).

    Returns:
        Items in display order, with a divider wherever the phase or round changes.
    """
    ordered = sorted(events, key=lambda e: getattr(e, "seq", 0))
    finished: dict[tuple[str, int, str], AgentTurn] = {}
    tools: dict[tuple[str, int, str], list[ToolCall]] = {}
    loose: set[int] = set()  # ids of tool calls made outside any open turn of their agent
    open_turn: dict[str, tuple[str, int, str]] = {}
    for event in ordered:
        if isinstance(event, TurnStarted):
            open_turn[event.agent] = (event.agent, event.round, event.phase)
        elif isinstance(event, TurnFinished):
            t = event.turn
            finished[(t.agent, t.round, t.phase)] = t
            open_turn.pop(t.agent, None)
        elif isinstance(event, ToolCall):
            if event.agent in open_turn:
                tools.setdefault(open_turn[event.agent], []).append(event)
            else:
                loose.add(id(event))
    drawn: set[tuple[str, int, str]] = set()
    items: list[TranscriptItem] = []
    section: tuple[str, int] | None = None

    def divide(phase: str, rnd: int) -> None:
        nonlocal section
        # Experts speak in parallel once, so their section is not split by round.
        key = (phase, 0 if phase == "experts" else rnd)
        if key != section:
            section = key
            items.append(TranscriptItem("divider", phase=phase, round=rnd))

    for event in ordered:
        if isinstance(event, TurnStarted):
            key = (event.agent, event.round, event.phase)
            if key in drawn:
                continue
            divide(event.phase, event.round)
            calls: dict[str, object] = {"tools": tools.get(key, [])}
            if key in finished:
                drawn.add(key)
                items.append(TranscriptItem("turn", phase=event.phase, round=event.round, agent=event.agent,
                                            turn=finished[key], extra=calls))
            elif running:
                items.append(TranscriptItem("live", phase=event.phase, round=event.round, agent=event.agent,
                                            text=live.get((event.agent, event.round), ""), extra=calls))
        elif isinstance(event, TurnFinished):
            t = event.turn
            key = (t.agent, t.round, t.phase)
            if key not in drawn:
                drawn.add(key)
                divide(t.phase, t.round)
                items.append(TranscriptItem("turn", phase=t.phase, round=t.round, agent=t.agent, turn=t,
                                            extra={"tools": tools.get(key, [])}))
        elif isinstance(event, ToolCall):
            if id(event) in loose:
                items.append(TranscriptItem("tool", agent=event.agent, event=event))
        elif isinstance(event, RoundFinished):
            items.append(TranscriptItem("round_end", round=event.round, event=event))
        elif isinstance(event, Consensus):
            items.append(TranscriptItem("consensus", round=event.round, event=event))
        elif isinstance(event, Intervention):
            items.append(TranscriptItem("intervention", event=event))
        elif isinstance(event, JudgmentReady):
            items.append(TranscriptItem("judgment", event=event))
        elif isinstance(event, DebateFailed):
            items.append(TranscriptItem("error", agent=event.agent or "", event=event))
    return items


def in_words_of(items: list[TranscriptItem], turns: list[AgentTurn], judgment: Judgment | None) -> list[TranscriptItem]:
    """The same transcript with each turn, the consensus reason and the ruling in other words (the debate said
    again in another language); items without a counterpart stay as they are."""
    by_key = {(x.agent, x.round, x.phase, x.answer_only): x for x in turns}
    critic = {x.round: x.summary for x in turns if x.agent == "CriticAgent" and not x.answer_only}
    out = []
    for item in items:
        if item.kind == "turn" and item.turn is not None:
            t = item.turn
            item = replace(item, turn=by_key.get((t.agent, t.round, t.phase, t.answer_only), t))
        elif item.kind == "consensus" and isinstance(item.event, Consensus) and item.event.round in critic:
            item = replace(item, event=item.event.model_copy(update={"reason": critic[item.event.round]}))
        elif item.kind == "judgment" and isinstance(item.event, JudgmentReady) and judgment is not None:
            item = replace(item, event=item.event.model_copy(update={"judgment": judgment}))
        out.append(item)
    return out


def confidence_by_round(turns: list[AgentTurn]) -> list[dict[str, object]]:
    """Rows (agent, round, phase, confidence) for a confidence-per-round chart, experts at round 0."""
    rows: list[dict[str, object]] = []
    for t in turns:
        rows.append({"agent": t.agent, "round": 0 if t.phase == "experts" else t.round, "phase": t.phase,
                     "confidence": t.confidence, "summary": t.summary})
    return rows
