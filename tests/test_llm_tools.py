"""Read-only agent tools: one SELECT over the incident's own rows, git lookups, and a tool-call round trip."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from core.agents.base import DebateView
from core.bundle import load_bundle
from core.config import Settings
from core.fusion.facts import FusedContext
from core.llm import IncidentTools, LLMBrain, load_routing
from core.llm._tools import FENCE_END, FENCE_START, check_select, cited_as, unfence
from core.pipeline import fuse, ingest_bundle, open_incident
from core.store import Store
from tests.conftest import MiniBundle, build_mini_bundle
from tests.llm_server import LLMServer, Reply, llm_server_fixture, with_route  # noqa: F401 - fixture

EMAIL = "oncall" + "@" + "shop.example.com"


def _fuse(store: Store, settings: Settings, bundle: MiniBundle) -> str:
    loaded = load_bundle(bundle.root)
    incident = open_incident(store, loaded.draft)
    ingest_bundle(store, settings, incident, loaded)
    fuse(store, settings, incident.id)
    return incident.id


@pytest.fixture
def fused(store: Store, settings: Settings, mini_bundle: MiniBundle) -> str:
    log = mini_bundle.root / "runtime" / "app.log"
    log.write_text(log.read_text(encoding="utf-8").replace("try restarting transaction", f"ask {EMAIL}"),
                   encoding="utf-8")
    return _fuse(store, settings, mini_bundle)


@pytest.mark.parametrize(("sql", "message"), [
    ("DELETE FROM commits", "single SELECT"),
    ("SELECT 1; SELECT 2", "single SELECT"),
    ("SELECT * FROM read_csv('/etc/passwd')", "Table functions"),
    ("SELECT * FROM '/etc/passwd'", "forbidden tables"),
    ("SELECT * FROM debates", "forbidden tables"),
    ("SELECT * FROM main.commits", "forbidden tables"),
    ("SELECT getenv('HOME')", "not allowed"),
    ("WITH events AS (SELECT * FROM events) SELECT * FROM events", "may not be named like another table"),
    ("SELECT * FROM EVENTS", "forbidden tables"),
    ("SELEC nonsense", "does not parse"),
])
def test_only_one_select_over_incident_tables_is_accepted(store: Store, sql: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_select(store, sql)


def test_queries_see_only_the_incident_being_debated(store: Store, settings: Settings, fused: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = _fuse(store, settings, build_mini_bundle(tmp_path / "other", errors=5))
    tools = IncidentTools(store, max_rows=3)
    result = tools.query_incident_table(fused, "WITH e AS (SELECT * FROM exceptions) SELECT count(*) AS n FROM e;")
    assert result.status == "ok" and result.data["rows"] == [{"n": 40}]
    assert tools.query_incident_table(other, "SELECT count(*) AS n FROM exceptions").data["rows"] == [{"n": 5}]
    many = tools.query_incident_table(fused, "SELECT line_no FROM log_lines ORDER BY line_no")
    assert len(many.data["rows"]) == 3 and many.data["truncated"]


def test_git_and_ledger_tools_return_results_or_readable_errors(
    store: Store, fused: str, mini_bundle: MiniBundle,
) -> None:
    tools = IncidentTools(store)
    path = "src/main/java/com/acme/shop/stock/application/StockService.java"
    blame = tools.blame(fused, None, path, mini_bundle.bug_line)
    assert blame.status == "ok" and blame.data["sha"] == mini_bundle.bug_sha
    assert tools.blame(fused, None, path, 9999).status == "error"
    assert "findBySkuForUpdate" in tools.show_commit(fused, mini_bundle.bug_sha[:10]).data
    assert tools.show_commit(fused, "HEAD; rm -rf /").status == "error"
    assert tools.evidence(fused, "E1").data["kind"] == "exception" and tools.evidence(fused, "E999").status == "error"
    fingerprint = store.exception_groups(fused)["fingerprint"][0]
    group = tools.show_exception_group(fused, str(fingerprint)[:8])
    assert group.status == "ok" and group.data["count"] == 40 and group.data["sample_frames"]


def test_a_failing_tool_hands_the_model_an_error_instead_of_raising(store: Store, fused: str) -> None:
    tools = IncidentTools(store)
    view = DebateView(context=FusedContext.model_validate_json(store.load_fusion(fused) or "{}"))
    from core.redact import Redactor

    query = next(t for t in tools.for_agent("LogAgent", view, Redactor()) if t.name == "query_incident_table")
    text = asyncio.run(query.run_json({"sql": "DROP TABLE commits"}, cancellation_token=_token()))
    assert text.startswith(FENCE_START) and text.endswith(FENCE_END)
    assert json.loads(unfence(text)) == {"status": "error", "data": None,
                                         "error": "Only a single SELECT statement is allowed."}
    assert tools.calls[-1][1] == "query_incident_table" and tools.calls[-1][3].status == "error"


def _token():  # type: ignore[no-untyped-def]
    from autogen_core import CancellationToken

    return CancellationToken()


def test_an_agent_calls_tools_mid_turn_and_their_output_is_redacted(
    store: Store, fused: str, llm_server: LLMServer,
) -> None:
    calls = [{"name": "evidence", "arguments": json.dumps({"evidence_id": "E1"})},
             {"name": "query_incident_table",
              "arguments": json.dumps({"sql": "SELECT root_message FROM exceptions LIMIT 1"})}]
    final = json.dumps({"summary": "E1 confirms the lock timeouts.", "confidence": 0.7,
                        "claims": [{"text": "40 lock timeouts", "citations": ["E1"]}]})
    llm_server.script("glm-5", Reply(tool_calls=calls), final)
    routing = load_routing({"LLM_API_KEY": "k-" + "t" * 10, "LLM_BASE_URL": llm_server.base_url}, {})
    routing = with_route(routing, function_calling=True)
    tools = IncidentTools(store)
    brain = LLMBrain(routing, tools=tools)
    view = DebateView(context=FusedContext.model_validate_json(store.load_fusion(fused) or "{}"))

    async def stream(text: str) -> None:
        return None

    heard: list[tuple[str, str]] = []

    async def on_tool(tool: str, arguments: dict[str, Any], status: str, result: str) -> None:
        heard.append((tool, status))

    reply = asyncio.run(brain.reply("LogAgent", view, stream, on_tool=on_tool))
    assert reply.summary == "E1 confirms the lock timeouts."
    first, second = llm_server.requests
    assert {t["function"]["name"] for t in first.body["tools"]} == {
        "query_incident_table", "show_exception_group", "blame", "show_commit", "evidence"}
    results = [m for m in second.messages if m["role"] == "tool"]
    assert len(results) == 2 and all(json.loads(unfence(m["content"]))["status"] == "ok" for m in results)
    # the log line was stored redacted (<EMAIL#1>); the tool hands back what is stored, redacted again if needed
    assert EMAIL not in second.raw() and "<EMAIL#1>" in results[1]["content"]
    assert [c[1] for c in tools.calls] == ["evidence", "query_incident_table"]
    assert heard == [("evidence", "ok"), ("query_incident_table", "ok")]
    assert brain.usage_for_last_turn("LogAgent").calls == 2  # type: ignore[union-attr]


def test_tool_results_join_the_ledger_under_an_id_the_agent_can_cite(
    store: Store, fused: str, mini_bundle: MiniBundle, llm_server: LLMServer, tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    from core.debate import Debate, iterate_sync
    from core.schema import TurnFinished

    before = store.list_evidence(fused)
    new_ids = {f"E{len(before) + 1}", f"E{len(before) + 2}"}  # the two distinct calls, in whichever order they finish
    path = "src/main/java/com/acme/shop/stock/application/StockService.java"
    sql = "SELECT count(*) AS n FROM exceptions"
    calls = [{"name": "blame", "arguments": json.dumps({"file": path, "line": mini_bundle.bug_line})},
             {"name": "query_incident_table", "arguments": json.dumps({"sql": sql})},
             {"name": "query_incident_table", "arguments": json.dumps({"sql": sql})}]  # the same call twice: one id
    final = json.dumps({"summary": "The failing line came with the bug commit.", "confidence": 0.7, "claims": [
        {"text": "what the tools found", "citations": sorted(new_ids)}]})
    llm_server.script("m-log", Reply(tool_calls=calls), final)
    routing_file = tmp_path / "models.yaml"
    routing_file.write_text(
        f'default: {{base_url: "{llm_server.base_url}", model: glm-5, api_key_env: T_KEY}}\n'
        "agents:\n  log: {model: m-log, function_calling: true}\nretries: 0\n", encoding="utf-8")
    brain = LLMBrain(load_routing({"TRIBUNAL_MODELS": str(routing_file), "T_KEY": "k-" + "t" * 10}, {}),
                     tools=IncidentTools(store))
    events = list(iterate_sync(Debate(store, fused, brain, max_rounds=1).events()))

    offered = llm_server.for_model("m-log")[0].body["tools"]
    query_tool = next(t["function"] for t in offered if t["function"]["name"] == "query_incident_table")
    assert "exceptions(" in query_tool["description"] and "in_app" in query_tool["description"], "columns are told"
    assert "recorded in the ledger" in query_tool["description"]
    results = [m["content"] for m in llm_server.for_model("m-log")[1].messages if m["role"] == "tool"]
    blame_id, query_id, again = (cited_as(r) for r in results)
    assert {blame_id, query_id} == new_ids and again == query_id  # the same query twice: the same id
    assert results[0].startswith(f"Recorded in the ledger as {blame_id} [blame]")
    assert results[1].startswith(f"Recorded in the ledger as {query_id} [tool_result]")
    assert FENCE_START in results[1] and results[1].rstrip().endswith(FENCE_END), "the result itself is fenced as data"

    added = {e.id: e for e in store.list_evidence(fused)}
    assert len(added) == len(before) + 2
    assert added[blame_id].kind == "blame" and added[blame_id].ref["sha"] == mini_bundle.bug_sha
    assert added[query_id].kind == "tool_result" and "→ 1 row(s)" in added[query_id].text
    log_turn = next(e.turn for e in events if isinstance(e, TurnFinished) and e.turn.agent == "LogAgent")
    assert log_turn.brain == "llm" and [c.valid for c in log_turn.claims] == [True], log_turn.claims
    assert log_turn.usage is not None and log_turn.usage.calls == 2  # the tool round and the answer: two requests
