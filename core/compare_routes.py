"""Compare model routings on one incident, headless: each routing's single agent, expert vote and debate side by side.

`python -m core compare BUNDLE --routes all-glm5.yaml mixed.yaml --json` ingests the bundle once and runs
`compare_modes` once per routing file (the LLM brain), or once with the brain asked for when no routing is given.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from core.compare import MODES, Comparison, Mode, Progress, compare_modes
from core.config import Settings, load_settings
from core.errors import ConfigError
from core.store import Store

__all__ = ["RoutingComparison", "RoutingRun", "compare_routings", "comparison_payload", "comparison_text",
           "routing_settings"]


class RoutingRun(BaseModel):
    """One routing (or the brain asked for) and what its three modes concluded and cost."""

    routes: str | None = Field(default=None, description="The routing file, or None for the configured brain.")
    comparison: Comparison


class RoutingComparison(BaseModel):
    """Every routing compared on one incident."""

    incident_id: str
    runs: list[RoutingRun] = Field(default_factory=list)


def routing_settings(path: Path, env: Mapping[str, str] | None = None) -> Settings:
    """The settings with `path` as the model routing file (TRIBUNAL_MODELS), keys read as usual.

    Raises:
        ConfigError: the file is missing, malformed or names a key variable that is not set.
    """
    if not path.is_file():
        raise ConfigError(f"The routing file {path} does not exist; give the path of a models YAML file.")
    settings = load_settings(env={**(os.environ if env is None else env), "TRIBUNAL_MODELS": str(path)})
    if settings.llm_problem:
        raise ConfigError(f"{path}: {settings.llm_problem}")
    if settings.llm_routing is None:
        raise ConfigError(f"{path} gives no usable model routing.")
    return settings


def compare_routings(
    store: Store, settings: Settings, incident_id: str, *, routes: Sequence[Path] = (), brain: str = "offline",
    modes: tuple[Mode, ...] = MODES, progress: Progress | None = None, env: Mapping[str, str] | None = None,
) -> RoutingComparison:
    """Run the three modes once per routing file (LLM brain), or once with `brain` when `routes` is empty.

    Every routing file is read before anything runs, so a typo fails fast.

    Raises:
        ConfigError: a routing file is unusable, or the brain cannot be used.
        DebateError: the incident has no fused evidence.
    """
    plans: list[tuple[str | None, Settings, str]] = (
        [(str(p), routing_settings(p, env), "llm") for p in routes] if routes else [(None, settings, brain)])
    runs = []
    step = progress or (lambda m, f: None)
    for label, run_settings, run_brain in plans:
        def told(mode: str, fraction: float, name: str = label or run_brain) -> None:
            step(f"{name}: {mode}", fraction)

        comparison = compare_modes(store, run_settings, incident_id, run_brain, modes=modes, progress=told)
        runs.append(RoutingRun(routes=label, comparison=comparison))
    return RoutingComparison(incident_id=incident_id, runs=runs)


def comparison_payload(result: RoutingComparison) -> dict[str, Any]:
    """The CLI's `compare --json` object: per routing, per mode the verdict, confidence, tokens, time and fallbacks."""
    runs = []
    for run in result.runs:
        c = run.comparison
        runs.append({
            "routes": run.routes, "brain": c.brain, "models": c.models, "agree": c.agree,
            "results": [{
                "mode": r.mode, "verdict": r.where, "commit": r.commit, "team": r.team, "confidence": r.confidence,
                "abstained": r.abstained, "tokens": r.tokens, "prompt_tokens": r.prompt_tokens,
                "completion_tokens": r.completion_tokens, "calls": r.calls, "fallbacks": r.fallbacks, "cost": r.cost,
                "currency": r.currency, "wall_s": r.wall_s, "turns": r.turns, "error": r.error,
            } for r in c.results],
        })
    return {"incident_id": result.incident_id, "runs": runs}


def comparison_text(result: RoutingComparison) -> str:
    """A plain table per routing, for a terminal."""
    lines = [f"Incident {result.incident_id}"]
    for run in result.runs:
        c = run.comparison
        models = ", ".join(f"{a.removesuffix('Agent')}={m}" for a, m in c.models.items()) or "offline brain"
        lines += ["", f"{run.routes or c.brain}: {models}" + ("" if c.agree else "  (modes disagree)"),
                  f"  {'mode':<8} {'verdict':<58} {'conf':>5} {'tokens':>8} {'calls':>5} {'fallb':>5} {'time':>7}"]
        for r in c.results:
            verdict = r.error or (r.where or "no location") + (" (abstained)" if r.abstained else "")
            verdict = verdict if len(verdict) <= 58 else "…" + verdict[-57:]  # keep the file name and line
            lines.append(f"  {r.mode:<8} {verdict:<58} {r.confidence:>5.2f} {r.tokens:>8} {r.calls:>5} "
                         f"{r.fallbacks:>5} {r.wall_s:>6.1f}s")
    return "\n".join(lines)
