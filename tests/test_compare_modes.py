"""Compare, fairly and headless: the three modes face one evidence check, and `python -m core compare` compares
model routings on one incident (verdicts, confidence, tokens, time, fallbacks)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from core.agents.base import AgentReply, DebateView, StreamFn
from core.bundle import load_bundle
from core.cli import main
from core.compare import compare_modes
from core.config import Settings
from core.pipeline import fuse, ingest_bundle, open_incident
from core.schema import (
    AgentName,
    Claim,
    CodeLocation,
    EvidenceRef,
    Hypothesis,
    Judgment,
)
from core.store import Store
from tests.conftest import MiniBundle
from tests.llm_server import LLMServer, dead_endpoint, llm_server_fixture  # noqa: F401 - fixture

KEY = "k-" + "c" * 16


def _fused(store: Store, settings: Settings, bundle: MiniBundle) -> str:
    loaded = load_bundle(bundle.root)
    incident = open_incident(store, loaded.draft)
    ingest_bundle(store, settings, incident, loaded)
    fuse(store, settings, incident.id)
    return incident.id


class SameAnswerBrain:
    """Every mode gets the same answer: the failing frame, 99% sure, backed by one exception item only."""

    name = "offline"

    def __init__(self, exception_id: str, location: CodeLocation) -> None:
        self.cite, self.location = [exception_id], location

    def model_for(self, agent: AgentName) -> str | None:
        return None

    async def reply(self, agent: AgentName, view: DebateView, stream: StreamFn) -> AgentReply:
        claim = Claim(text="The lock timeouts start at the changed line.", citations=self.cite)
        if agent in ("LogAgent", "DomainAgent", "CodeAgent"):
            return AgentReply(summary="The changed line.", confidence=0.99, claims=[claim], hypotheses=[
                Hypothesis(id=f"H{agent[0]}1", title="Row lock", statement="It locks rows.", location=self.location,
                           citations=self.cite, confidence=0.99)])
        if agent == "CriticAgent":
            return AgentReply(summary="No objection.", confidence=0.99, claims=[claim], consensus=True)
        if agent == "RebuttalAgent":
            return AgentReply(summary="Nothing to answer.", confidence=0.99, claims=[claim])
        ledger = {e.id: e for e in view.context.evidence}
        chain = [EvidenceRef(id=i, kind=ledger[i].kind, source=ledger[i].source, text=ledger[i].text)
                 for i in self.cite]
        return AgentReply(summary="Ruling.", confidence=0.99, claims=[claim], judgment=Judgment(
            root_cause="A row lock at the changed line.", root_cause_location=self.location, suspect_commit=None,
            evidence_chain=chain, fix_suggestion="Lock less.", impact_analysis="Checkout fails.", risk_level="high",
            rollback_recommended=False, responsible_team=None, confidence=0.99))


def test_the_same_answer_gets_the_same_confidence_in_every_mode(
    store: Store, settings: Settings, mini_bundle: MiniBundle, monkeypatch: pytest.MonkeyPatch,
) -> None:
    incident_id = _fused(store, settings, mini_bundle)
    ledger = store.list_evidence(incident_id)
    exception = next(e for e in ledger if e.kind == "exception")
    frame = next(e for e in ledger if e.kind == "stack_frame" and e.ref.get("line"))
    location = CodeLocation(file=str(frame.ref["path"]), line=int(frame.ref["line"]), symbol="reserve")  # type: ignore[arg-type]
    brain = SameAnswerBrain(exception.id, location)
    monkeypatch.setattr("core.compare.make_brain", lambda *args, **kwargs: brain)
    comparison = compare_modes(store, settings, incident_id, "offline")
    confidence = {r.mode: r.confidence for r in comparison.results}
    where = {r.mode: r.where for r in comparison.results}
    assert set(where.values()) == {f"{location.file}:{location.line}"}, where
    # One source (the logs) behind every ruling: every mode is capped alike, the vote included, far below 0.99.
    assert confidence["single"] == confidence["vote"] == confidence["debate"] <= 0.5, confidence


def _routing(path: Path, server: LLMServer, **agents: str) -> Path:
    lines = [f'default: {{base_url: "{server.base_url}", model: glm-5, api_key_env: CMP_KEY}}', "agents:"]
    lines += [f"  {agent}: {{model: {model}}}" for agent, model in agents.items()] or ["  {}"]
    lines += ["retries: 1", "backoff_s: 0.01"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_compare_cli_puts_model_routings_side_by_side(
    tmp_path: Path, mini_bundle: MiniBundle, llm_server: LLMServer, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TRIBUNAL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CMP_KEY", KEY)
    one = _routing(tmp_path / "all-glm5.yaml", llm_server, critic="glm-5")
    mixed = _routing(tmp_path / "mixed.yaml", llm_server, critic="qwen-max", judge="deepseek-r1")
    llm_server.respond_with("deepseek-r1", dead_endpoint(503))  # the mixed routing's judge is down
    code = main(["compare", str(mini_bundle.root), "--routes", str(one), str(mixed), "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    payload = json.loads(out)
    runs = {Path(r["routes"]).name: r for r in payload["runs"]}
    assert set(runs) == {"all-glm5.yaml", "mixed.yaml"}
    assert set(runs["all-glm5.yaml"]["models"].values()) == {"glm-5"}
    assert runs["mixed.yaml"]["models"]["CriticAgent"] == "qwen-max"
    for run in runs.values():
        assert [r["mode"] for r in run["results"]] == ["single", "vote", "debate"]
        for r in run["results"]:
            assert r["error"] is None and r["verdict"] and r["wall_s"] > 0 and 0 <= r["confidence"] <= 1
            assert r["calls"] >= 1 and (r["tokens"] > 0 or r["fallbacks"] == r["turns"])  # every request counted
    assert all(r["fallbacks"] == 0 for r in runs["all-glm5.yaml"]["results"])
    by_mode = {r["mode"]: r for r in runs["mixed.yaml"]["results"]}
    assert by_mode["single"]["fallbacks"] == 1 and by_mode["debate"]["fallbacks"] >= 1  # the dead judge, counted
    assert by_mode["vote"]["fallbacks"] == 0  # the experts' models answered


def test_compare_cli_says_what_is_wrong_with_a_routing_file(
    tmp_path: Path, mini_bundle: MiniBundle, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TRIBUNAL_HOME", str(tmp_path / "home"))
    bad = tmp_path / "bad.yaml"
    bad.write_text(textwrap.dedent("""\
        default: {model: glm-5, api_key_env: NOT_SET_ANYWHERE}
    """), encoding="utf-8")
    assert main(["compare", str(mini_bundle.root), "--routes", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "NOT_SET_ANYWHERE" in err and "Traceback" not in err
    assert main(["compare", str(mini_bundle.root), "--routes", str(tmp_path / "missing.yaml")]) == 2
    assert "does not exist" in capsys.readouterr().err
