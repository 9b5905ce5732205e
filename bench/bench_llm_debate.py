"""A debate through the LLM brain against the local test server, with per-model latency injected.

Prints the wall time against the sum of the agents' latencies and the critical path (the three experts
run concurrently, so only the slowest counts), the overhead beyond the critical path (next to the same
debate run by the offline brain, i.e. orchestrator and store alone), the slowest time to first streamed
text of a turn, and tokens, calls and cost per debate and per agent.

Then, on the same incident: for each reply style real models use (fences, prose, <think> blocks, numbers as
strings, percentages, severity synonyms and "file:line", extra keys, replies cut off half way), how many turns
the model answered, how many needed the repair round and how many fell back offline; and the time to a
ruling against an endpoint that answers 500 and one that never answers, with the shipped defaults.

usage: python bench/bench_llm_debate.py [--scale 1.0] [--rounds 3] [--concurrency 4] [--repeat 1] [--no-styles]
       [--no-dead]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Imported after the sys.path set-up above: the script runs as `python bench/<name>.py`.
from core.agents import OfflineBrain  # noqa: E402
from core.brain_tally import tally_brains  # noqa: E402
from core.bundle import load_bundle  # noqa: E402
from core.config import load_settings  # noqa: E402
from core.debate import Debate, iterate_sync  # noqa: E402
from core.llm import LLMBrain, load_routing  # noqa: E402
from core.pipeline import fuse, ingest_bundle, open_incident  # noqa: E402
from core.schema import AgentTurn, TurnFinished  # noqa: E402
from core.store import Store  # noqa: E402
from tests.conftest import build_mini_bundle  # noqa: E402
from tests.llm_server import STYLES, LLMServer, dead_endpoint, silent_endpoint, styled_reply  # noqa: E402

# Seconds before each model answers (before scaling): a different model per agent.
LATENCY = {"m-log": 0.6, "m-domain": 0.4, "m-code": 0.8, "m-critic": 0.5, "m-rebuttal": 0.3, "m-judge": 0.7}
AGENT_MODEL = {"LogAgent": "m-log", "DomainAgent": "m-domain", "CodeAgent": "m-code", "CriticAgent": "m-critic",
               "RebuttalAgent": "m-rebuttal", "JudgeAgent": "m-judge"}


def _routing_file(folder: Path, base_url: str, concurrency: int) -> Path:
    path = folder / "models.yaml"
    path.write_text(textwrap.dedent(f"""\
        default: {{base_url: "{base_url}", model: m-log, api_key_env: BENCH_KEY, max_concurrency: {concurrency}}}
        agents:
          log: {{model: m-log}}
          domain: {{model: m-domain}}
          code: {{model: m-code}}
          critic: {{model: m-critic}}
          rebuttal: {{model: m-rebuttal}}
          judge: {{model: m-judge}}
        prices:
          m-code: {{prompt_per_1m: 1.0, completion_per_1m: 4.0}}
    """), encoding="utf-8")
    return path


def run_once(folder: Path, server: LLMServer, rounds: int, concurrency: int) -> dict[str, float | int | str]:
    os.environ["TRIBUNAL_HOME"] = str(folder / "home")
    settings = load_settings(env={"TRIBUNAL_HOME": str(folder / "home")}, secrets_path=folder / "none.toml")
    store = Store(settings.db_path, memory_limit=settings.duckdb_memory)
    try:
        bundle = build_mini_bundle(folder / "bundle")
        loaded = load_bundle(bundle.root)
        incident = open_incident(store, loaded.draft)
        ingest_bundle(store, settings, incident, loaded)
        fuse(store, settings, incident.id)
        env = {"TRIBUNAL_MODELS": str(_routing_file(folder, server.base_url, concurrency)), "BENCH_KEY": "bench-key"}
        brain = LLMBrain(load_routing(env, {}))
        server.requests.clear()
        started = time.monotonic()
        first_delta: dict[tuple[str, int], float] = {}
        turn_start: dict[tuple[str, int], float] = {}
        for event in iterate_sync(Debate(store, incident.id, brain, max_rounds=rounds).events()):
            key = (getattr(event, "agent", ""), getattr(event, "round", 0))
            if event.type == "turn_started":
                turn_start[key] = time.monotonic()
            elif event.type == "token_delta" and key not in first_delta:
                first_delta[key] = time.monotonic() - turn_start.get(key, started)
        wall = time.monotonic() - started
        turns = store.list_turns(store.latest_debate(incident.id).id)  # type: ignore[union-attr]
        # The same debate with the offline brain: what the orchestrator and the store cost on their own.
        started = time.monotonic()
        for _ in iterate_sync(Debate(store, incident.id, OfflineBrain(), max_rounds=rounds).events()):
            pass
        offline = time.monotonic() - started
    finally:
        store.close()
    by_agent = [(r.agent or "?", LATENCY[r.model]) for r in server.requests]
    experts = [lat for agent, lat in by_agent if agent in ("LogAgent", "DomainAgent", "CodeAgent")]
    others = [lat for agent, lat in by_agent if agent not in ("LogAgent", "DomainAgent", "CodeAgent")]
    critical = max(experts, default=0.0) + sum(others)
    totals = brain.totals()
    return {
        "wall_s": wall, "sum_latency_s": sum(lat for _, lat in by_agent), "critical_path_s": critical,
        "overhead_s": wall - critical, "offline_s": offline, "calls": totals.calls, "tokens": totals.tokens,
        "prompt_tokens": totals.prompt_tokens, "completion_tokens": totals.completion_tokens,
        "cost": totals.cost or 0.0, "fallbacks": totals.fallbacks,
        "first_delta_s": max(first_delta.values(), default=0.0),
        "turns": " ".join(f"{a[:-5]}{r}" for a, r in first_delta),
        "per_agent": _tokens_per_agent(turns),
    }


def _tokens_per_agent(turns: list[AgentTurn]) -> str:
    """Tokens per agent over the debate (prompt + completion, summed over its turns)."""
    spent: dict[str, int] = {}
    for turn in turns:
        if turn.usage is not None:
            spent[turn.agent] = spent.get(turn.agent, 0) + turn.usage.tokens
    return ", ".join(f"{agent.removesuffix('Agent')} {n:,}" for agent, n in spent.items())


def _fused_incident(folder: Path) -> tuple[Store, str]:
    settings = load_settings(env={"TRIBUNAL_HOME": str(folder / "home")}, secrets_path=folder / "none.toml")
    store = Store(settings.db_path, memory_limit=settings.duckdb_memory)
    loaded = load_bundle(build_mini_bundle(folder / "bundle").root)
    incident = open_incident(store, loaded.draft)
    ingest_bundle(store, settings, incident, loaded)
    fuse(store, settings, incident.id)
    return store, incident.id


def _debate(store: Store, incident_id: str, brain: LLMBrain, rounds: int) -> tuple[list[AgentTurn], float, float]:
    started = time.monotonic()
    turns, confidence = [], 0.0
    for event in iterate_sync(Debate(store, incident_id, brain, max_rounds=rounds).events()):
        if isinstance(event, TurnFinished):
            turns.append(event.turn)
        elif event.type == "judgment":
            confidence = event.judgment.confidence  # type: ignore[union-attr]
    return turns, time.monotonic() - started, confidence


def styles_and_outages(folder: Path, rounds: int, styles: bool, dead: bool) -> None:
    """Per reply style: turns the model answered, repaired, fell back; then time to a ruling with a dead endpoint."""
    store, incident_id = _fused_incident(folder)
    env = {"LLM_API_KEY": "bench-key"}
    try:
        if styles:
            print("reply style   model turns  repaired  offline  requests  wall")
            for style in STYLES:
                with LLMServer() as server:
                    server.respond_with("*", styled_reply(style))
                    brain = LLMBrain(load_routing({**env, "LLM_BASE_URL": server.base_url}, {}))
                    turns, wall, _ = _debate(store, incident_id, brain, rounds)
                    repaired = sum(1 for r in server.requests if any(m.get("role") == "assistant" for m in r.messages))
                    tally = tally_brains(turns, "llm")
                    print(f"{style:<13} {tally.model_turns:>5}/{len(turns):<5} {repaired:>8}  "
                          f"{tally.offline_turns:>7}  {len(server.requests):>8}  {wall:>4.1f}s")
        if dead:
            for label, responder in (("answers 500", dead_endpoint(500)), ("never answers", silent_endpoint(60))):
                with LLMServer() as server:
                    server.respond_with("*", responder)
                    brain = LLMBrain(load_routing({**env, "LLM_BASE_URL": server.base_url}, {}))
                    turns, wall, confidence = _debate(store, incident_id, brain, rounds)
                    tally = tally_brains(turns, "llm")
                    print(f"dead endpoint ({label}): ruling in {wall:.1f}s (shipped defaults: 3 retries, 1 s backoff, "
                          f"8 s to first byte, breaker after 3 failures), {len(server.requests)} requests reached it, "
                          f"{tally.offline_turns}/{len(turns)} turns offline, ruling confidence {confidence:.2f}")
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every injected latency")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4, help="per-endpoint limit (1 = experts in series)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-styles", action="store_true", help="skip the per-reply-style runs")
    parser.add_argument("--no-dead", action="store_true", help="skip the dead-endpoint runs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("core.llm").setLevel(logging.ERROR)  # the styles and outages below warn by design
    for model in LATENCY:
        LATENCY[model] *= args.scale
    with LLMServer() as server:
        server.latency.update(LATENCY)
        for i in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                r = run_once(Path(tmp), server, args.rounds, args.concurrency)
            print(f"run {i + 1}: wall {r['wall_s']:.2f}s | sum of agent latencies {r['sum_latency_s']:.2f}s | "
                  f"critical path {r['critical_path_s']:.2f}s | overhead {r['overhead_s']:.2f}s "
                  f"(offline debate alone {r['offline_s']:.2f}s) | "
                  f"slowest first delta {r['first_delta_s']:.2f}s")
            print(f"        {r['calls']} calls, {r['tokens']} tokens ({r['prompt_tokens']} prompt + "
                  f"{r['completion_tokens']} completion), cost {r['cost']:.5f}, fallbacks {r['fallbacks']}; "
                  f"turns {r['turns']}")
            print(f"        tokens per agent: {r['per_agent']}")
    if not (args.no_styles and args.no_dead):
        with tempfile.TemporaryDirectory() as tmp:
            styles_and_outages(Path(tmp), args.rounds, not args.no_styles, not args.no_dead)


if __name__ == "__main__":
    main()
