"""End to end: `python -m core demo --json` on the shipped demo incident gets the known answer.

The answer key is written by the demo builder for tests only; the analysis never reads it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KEY = json.loads((ROOT / "data" / "demo" / "answer_key.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_payload(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "NEO4J_"))}
    env["TRIBUNAL_HOME"] = str(tmp_path_factory.mktemp("demo-home"))
    out = subprocess.run([sys.executable, "-m", "core", "demo", "--json"], capture_output=True, text=True, cwd=ROOT,
                         env=env, timeout=600)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_offline_brain_finds_the_root_cause_line(demo_payload: dict) -> None:  # type: ignore[type-arg]
    judgment = demo_payload["judgment"]
    assert demo_payload["brain"] == "offline" and not judgment["abstained"]
    assert judgment["root_cause_location"]["file"] == KEY["root_cause_file"]
    assert judgment["root_cause_location"]["line"] == KEY["root_cause_line"]
    assert judgment["root_cause_location"]["symbol"] == KEY["root_cause_symbol"]


def test_the_bug_commit_not_the_distractors(demo_payload: dict) -> None:  # type: ignore[type-arg]
    commit = demo_payload["judgment"]["suspect_commit"]
    assert commit["sha"] == KEY["bug_commit_sha"] and commit["author"] == KEY["bug_commit_author"]
    assert commit["sha"] not in KEY["distractor_commit_shas"]


def test_team_rollback_and_a_resolvable_chain(demo_payload: dict) -> None:  # type: ignore[type-arg]
    judgment = demo_payload["judgment"]
    assert judgment["responsible_team"] == KEY["responsible_team"]
    assert judgment["rollback_recommended"] is True
    assert judgment["confidence"] >= 0.6
    kinds = {e["kind"] for e in judgment["evidence_chain"]}
    assert {"exception", "stack_frame", "blame", "commit", "ownership"} <= kinds
    assert all(e["id"].startswith("E") and e["source"] for e in judgment["evidence_chain"])


def test_the_debate_reached_consensus_with_every_agent(demo_payload: dict) -> None:  # type: ignore[type-arg]
    debate = demo_payload["debate"]
    agents = {t["agent"] for t in debate["turns"]}
    assert agents == {"LogAgent", "DomainAgent", "CodeAgent", "CriticAgent", "RebuttalAgent", "JudgeAgent"}
    assert debate["consensus"] and 1 <= debate["rounds"] <= 3


def test_the_ingress_access_log_speaks_for_the_users(demo_payload: dict) -> None:  # type: ignore[type-arg]
    judgment = demo_payload["judgment"]
    edge = [e for e in judgment["evidence_chain"] if e["source"].startswith("access:/api/orders@")]
    assert edge and "POST /api/orders" in edge[0]["text"] and "5xx" in edge[0]["text"]
    assert "ingress-nginx-access.log" in judgment["impact_analysis"]
    # The ingress's 5xx lines are HTTP outcomes, not extra application errors: the onset stays where the app's errors
    # put it.
    burst = next(e for e in judgment["evidence_chain"] if e["source"] == "log:errors-per-minute")
    assert "14:01:00" in burst["text"]
