"""Suspect commits: recent commits that touched the failing frames' lines before the incident began."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from core.fusion.facts import FrameFinding, Suspect
from core.ingest.git_repo import GitRepo
from core.schema import Commit

__all__ = ["rank_suspects", "LOOKBACK_DAYS"]

LOOKBACK_DAYS = 30
_LINE_WINDOW = 2  # a commit that rewrote a line right next to the failing one is still a line suspect
_HALF_LIFE_H = 24.0


def _recency(hours_before: float) -> float:
    """1.0 for a commit that landed just before the start, halving every day before it."""
    return math.pow(0.5, max(hours_before, 0.0) / _HALF_LIFE_H)


def _position_weight(position: int) -> float:
    """The innermost in-app frame is where the failure surfaced; outer frames are callers."""
    return 1.0 / (1.0 + 0.6 * position)


def rank_suspects(
    repo: GitRepo,
    commits: Sequence[Commit],
    frames: Sequence[FrameFinding],
    started_at: datetime,
    *,
    lookback_days: int = LOOKBACK_DAYS,
) -> list[Suspect]:
    """Rank commits by how closely they touched the frames and how close they landed before the start.

    A commit whose change covers a failing frame's line (±2 lines) is a *line* suspect; one that
    only changed a frame's file elsewhere is a *file* suspect and weighs far less. Commits after
    `started_at` are never suspects: the code that failed could not contain them.

    Returns:
        Suspects, best first.
    """
    since = started_at - timedelta(days=lookback_days)
    window = [c for c in commits if since <= c.authored_at <= started_at and c.parents <= 1]
    frame_files = {f.path: f for f in frames if f.path}
    suspects: dict[str, Suspect] = {}
    for commit in window:
        touched = [p for p in commit.files if p in frame_files]
        if not touched:
            continue
        hours = (started_at - commit.authored_at).total_seconds() / 3600
        best_weight, best_pos, match, spots, reasons = 0.0, None, "file", [], []
        for path in touched:
            changed = set(repo.lines_changed_by(commit.sha, path))
            path_hit = False
            for frame in (f for f in frames if f.path == path):
                # Blame at the incident revision says whose the failing line is; the diff's own line
                # numbers are only a fallback (a later commit may have shifted them).
                line_hit = frame.blame_sha == commit.sha if frame.blame_sha else frame.line in changed
                near = not line_hit and any(abs(ln - frame.line) <= _LINE_WINDOW for ln in changed)
                if line_hit or near:
                    path_hit = True
                    weight = _position_weight(frame.position) * (1.0 if line_hit else 0.7)
                    if weight > best_weight:
                        best_weight, best_pos, match = weight, frame.position, "line"
                    spots.append(f"{path}:{frame.line}" if line_hit else f"{path} next to line {frame.line}")
                    reasons.append(
                        f"changed {'the' if line_hit else 'a line next to the'} failing line {path}:{frame.line} "
                        f"({frame.symbol}, frame #{frame.position + 1})"
                    )
            if not path_hit:
                weight = 0.25 * max(_position_weight(f.position) for f in frames if f.path == path)
                if weight > best_weight:
                    best_weight, best_pos = weight, min(f.position for f in frames if f.path == path)
                reasons.append(f"changed {path} but not the failing lines")
        suspects[commit.sha] = Suspect(
            sha=commit.sha, author=commit.author, message=commit.message.splitlines()[0] if commit.message else "",
            authored_at=commit.authored_at, minutes_before_start=round(hours * 60, 1), match=match,
            touched=spots or touched, frame_position=best_pos, score=round(best_weight * _recency(hours), 4),
            reasons=reasons,
        )
    return sorted(suspects.values(), key=lambda s: (s.match != "line", -s.score))
