"""The debate transcript keeps bubbles where turns started, streams unfinished ones, and marks sections."""

from __future__ import annotations

from datetime import UTC, datetime

from app.transcript import build_transcript
from core.schema import (
    AgentTurn,
    Claim,
    Consensus,
    RoundFinished,
    TurnFinished,
    TurnStarted,
)

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
IDS = {"incident_id": "INC-1", "debate_id": "D-1", "at": NOW}
PHASE = {"LogAgent": "experts", "CodeAgent": "experts", "CriticAgent": "critique", "RebuttalAgent": "rebuttal"}


def started(seq: int, agent: str, rnd: int) -> TurnStarted:
    return TurnStarted(seq=seq, agent=agent, round=rnd, phase=PHASE[agent], **IDS)  # type: ignore[arg-type]


def finished(seq: int, agent: str, rnd: int) -> TurnFinished:
    turn = AgentTurn(incident_id="INC-1", debate_id="D-1", seq=seq, agent=agent, round=rnd, phase=PHASE[agent],  # type: ignore[arg-type]
                     brain="offline", summary=f"{agent} says", claims=[Claim(text="x", citations=["E1"])],
                     confidence=0.5, started_at=NOW, finished_at=NOW)
    return TurnFinished(seq=seq, turn=turn, **IDS)


def test_concurrent_experts_keep_their_places_and_unfinished_turns_stream() -> None:
    events = [started(1, "LogAgent", 0), started(2, "CodeAgent", 0), finished(3, "CodeAgent", 0)]
    items = build_transcript(events, {("LogAgent", 0): "Errors start at"}, running=True)
    assert [(i.kind, i.agent) for i in items] == [("divider", ""), ("live", "LogAgent"), ("turn", "CodeAgent")]
    assert items[1].text == "Errors start at"


def test_finished_debate_has_no_live_bubbles_and_a_divider_per_round() -> None:
    events = [
        started(1, "LogAgent", 0), finished(2, "LogAgent", 0),
        started(3, "CriticAgent", 1), finished(4, "CriticAgent", 1),
        started(5, "RebuttalAgent", 1), finished(6, "RebuttalAgent", 1),
        RoundFinished(seq=7, round=1, confidence=0.7, **IDS),
        started(8, "CriticAgent", 2), Consensus(seq=9, round=2, reason="agreed", **IDS),
    ]
    items = build_transcript(list(reversed(events)), {}, running=False)
    kinds = [(i.kind, i.phase, i.round) for i in items if i.kind != "turn"]
    assert kinds == [
        ("divider", "experts", 0), ("divider", "critique", 1), ("divider", "rebuttal", 1), ("round_end", "", 1),
        ("divider", "critique", 2), ("consensus", "", 2),
    ]
    assert [i.agent for i in items if i.kind == "turn"] == ["LogAgent", "CriticAgent", "RebuttalAgent"]
