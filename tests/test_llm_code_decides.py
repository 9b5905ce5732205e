"""The LLM brain against the scripted OpenAI-compatible server: independent experts, code-decided consensus,
answered questions, the ruling checked against the ledger, and one model spread over the roles."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from core.bundle import load_bundle
from core.config import Settings
from core.debate import Debate, iterate_sync
from core.llm import LLMBrain, load_routing
from core.pipeline import fuse, ingest_bundle, open_incident
from core.store import Store
from tests.conftest import MiniBundle
from tests.llm_server import (  # noqa: F401 - fixture
    LLMServer,
    RecordedRequest,
    llm_server_fixture,
    plausible_reply,
)

KEY = "k-main-" + "m" * 12
EXPERTS = ("LogAgent", "DomainAgent", "CodeAgent")


def _fused(store: Store, settings: Settings, bundle: MiniBundle) -> str:
    loaded = load_bundle(bundle.root)
    incident = open_incident(store, loaded.draft)
    ingest_bundle(store, settings, incident, loaded)
    fuse(store, settings, incident.id)
    return incident.id


def _brain(tmp_path: Path, server: LLMServer, *, critic_model: str | None = "qwen-max") -> LLMBrain:
    critic = f"agents:\n  critic: {{model: {critic_model}}}\n" if critic_model else ""
    path = tmp_path / "models.yaml"
    path.write_text(textwrap.dedent(f"""\
        default: {{base_url: "{server.base_url}", model: glm-5, api_key_env: LLM_API_KEY}}
        retries: 0
        backoff_s: 0.01
    """) + critic, encoding="utf-8")
    return LLMBrain(load_routing({"TRIBUNAL_MODELS": str(path), "LLM_API_KEY": KEY}, {}), use_fallback=False)


def _marked(request: RecordedRequest) -> str:
    """A plausible reply whose hypothesis title carries a marker only its author could have written."""
    reply = json.loads(plausible_reply(request))
    for hyp in reply.get("hypotheses", []):
        hyp["title"] = f"CONCLUSION-OF-{request.agent}"
    return json.dumps(reply)


def test_an_experts_prompt_holds_no_other_experts_conclusion(
    store: Store, settings: Settings, mini_bundle: MiniBundle, llm_server: LLMServer, tmp_path: Path,
) -> None:
    incident_id = _fused(store, settings, mini_bundle)
    llm_server.respond_with("*", _marked)
    debate = Debate(store, incident_id, _brain(tmp_path, llm_server))
    events = list(iterate_sync(debate.events()))
    assert events[-1].type == "judgment"
    by_agent = {r.agent: r for r in llm_server.requests}
    for agent in EXPERTS:
        prompt = by_agent[agent].user
        others = [a for a in EXPERTS if a != agent]
        assert not any(f"CONCLUSION-OF-{o}" in prompt for o in others), agent
        assert "Key findings" not in prompt and "Your part of the evidence ledger" in prompt
    assert all(f"CONCLUSION-OF-{a}" in by_agent["CriticAgent"].user for a in EXPERTS)  # the critic hears them all
    assert "[commit]" not in by_agent["LogAgent"].user and "[exception]" in by_agent["LogAgent"].user
    assert "[log_burst]" not in by_agent["CodeAgent"].user and "[commit]" in by_agent["CodeAgent"].user
    assert "[stack_frame]" not in by_agent["DomainAgent"].user
    assert len({by_agent[a].system for a in EXPERTS}) == 3  # each its own stance


def test_consensus_true_with_a_material_challenge_still_goes_to_rebuttal(
    store: Store, settings: Settings, mini_bundle: MiniBundle, llm_server: LLMServer, tmp_path: Path,
) -> None:
    incident_id = _fused(store, settings, mini_bundle)

    def hasty(request: RecordedRequest) -> str:
        reply = json.loads(plausible_reply(request))
        if "Round: 1" in request.user:
            reply["consensus"] = True  # ... while its timing challenge is material
            reply["challenges"][0].pop("id")
            reply["challenges"][0].update(id="C1", kind="timing")
        return json.dumps(reply)

    llm_server.respond_with("qwen-max", hasty)
    debate = Debate(store, incident_id, _brain(tmp_path, llm_server))
    list(iterate_sync(debate.events()))
    turns = store.list_turns(debate.debate_id)
    assert [(t.agent, t.round) for t in turns[3:5]] == [("CriticAgent", 1), ("RebuttalAgent", 1)]
    critic = turns[3]
    assert critic.challenges[0].kind == "timing" and critic.challenges[0].material and critic.note
    assert any(r.agent == "RebuttalAgent" for r in llm_server.requests)


def test_a_question_to_an_agent_is_answered_in_its_next_turn(
    store: Store, settings: Settings, mini_bundle: MiniBundle, llm_server: LLMServer, tmp_path: Path,
) -> None:
    incident_id = _fused(store, settings, mini_bundle)

    def answering(request: RecordedRequest) -> str:
        reply = json.loads(plausible_reply(request))
        if request.agent == "CodeAgent" and "Questions the humans put to you" in request.user:
            qid = request.user.split("Questions the humans put to you", 1)[1].split("- ", 1)[1].split(":", 1)[0]
            reply["answers"] = [{"challenge_id": qid, "verdict": "resolved", "text": "Yes: the query changed.",
                                 "citations": []}]
        return json.dumps(reply)

    llm_server.respond_with("*", answering)
    debate = Debate(store, incident_id, _brain(tmp_path, llm_server))
    debate.intervene("question", "Did the query change in the last release?", target="CodeAgent")
    list(iterate_sync(debate.events()))
    code = next(t for t in store.list_turns(debate.debate_id) if t.agent == "CodeAgent")
    assert [(a.challenge_id[0], a.verdict, a.text) for a in code.answers] == [
        ("Q", "answered", "Yes: the query changed.")]
    asked = [r for r in llm_server.requests if "Did the query change" in r.user]
    assert {r.agent for r in asked if "Questions the humans put to you" in r.user} == {"CodeAgent"}


def test_a_model_judges_invented_fields_are_dropped_and_flagged(
    store: Store, settings: Settings, mini_bundle: MiniBundle, llm_server: LLMServer, tmp_path: Path,
) -> None:
    incident_id = _fused(store, settings, mini_bundle)

    def inventive(request: RecordedRequest) -> str:
        reply = json.loads(plausible_reply(request))
        if request.agent == "JudgeAgent":
            reply["judgment"].update(root_cause_location={"file": "src/Invented.java", "line": 3,
                                                          "symbol": "Invented.x"},
                                     suspect_commit={"sha": "0123456789abcdef", "author": "someone", "message": "it"},
                                     responsible_team="@acme/nobody", confidence=0.9)
        return json.dumps(reply)

    llm_server.respond_with("*", inventive)
    debate = Debate(store, incident_id, _brain(tmp_path, llm_server))
    list(iterate_sync(debate.events()))
    judgment = store.get_judgment(debate.debate_id)
    assert judgment is not None
    assert judgment.root_cause_location is None and judgment.suspect_commit is None
    assert judgment.responsible_team is None
    assert {"location", "commit", "team"} <= {c.field for c in judgment.checks}
    assert judgment.confidence <= 0.45 and not judgment.rollback_recommended


def test_a_model_judge_ruling_a_rejected_hypothesis_abstains(
    store: Store, settings: Settings, mini_bundle: MiniBundle, llm_server: LLMServer, tmp_path: Path,
) -> None:
    incident_id = _fused(store, settings, mini_bundle)

    def stubborn(request: RecordedRequest) -> str:
        reply = json.loads(plausible_reply(request))
        if request.agent == "JudgeAgent":
            assert "cannot be ruled" in request.user  # the judge was told
            reply["judgment"]["hypothesis_id"] = "HC1"
        return json.dumps(reply)

    llm_server.respond_with("*", stubborn)
    debate = Debate(store, incident_id, _brain(tmp_path, llm_server))
    debate.intervene("reject_hypothesis", "that commit was never deployed", target="HC1")
    list(iterate_sync(debate.events()))
    judgment = store.get_judgment(debate.debate_id)
    assert judgment is not None and judgment.abstained and judgment.hypothesis_id == "HC1"
    assert judgment.root_cause_location is None and judgment.suspect_commit is None
    assert judgment.checks[0].field == "hypothesis"


def test_one_model_for_all_spreads_temperature_and_stance(
    store: Store, settings: Settings, mini_bundle: MiniBundle, llm_server: LLMServer, tmp_path: Path,
) -> None:
    incident_id = _fused(store, settings, mini_bundle)
    brain = _brain(tmp_path, llm_server, critic_model=None)
    assert brain.routing.single_model()
    list(iterate_sync(Debate(store, incident_id, brain).events()))
    temps = {r.agent: r.body.get("temperature") for r in llm_server.requests}
    assert len(temps) == 6 and temps["CriticAgent"] > temps["LogAgent"] > temps["JudgeAgent"]
    assert len({r.system.split("Your stance: ", 1)[1].split("\n", 1)[0] for r in llm_server.requests}) == 6
