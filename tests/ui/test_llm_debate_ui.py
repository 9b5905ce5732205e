"""An LLM debate in the dashboard, against the OpenAI-compatible test server: what each bubble cost, which turn fell
back to the offline brain, the tool calls under a turn, and the totals in the report."""

from __future__ import annotations

import io
import json
import textwrap
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import resources
from app.transcript import build_transcript
from core.compare import load_comparison
from core.schema import AgentTurn, ToolCall, TurnFinished, TurnStarted
from tests.conftest import build_mini_bundle
from tests.llm_server import LLMServer, Reply, llm_server_fixture  # noqa: F401 - fixture
from tests.ui.support import PAGES, new_app, no_exception, texts, wait_until

KEY_ENV = "TRIBUNAL_UI_TEST_KEY"


def _llm_incident(tmp_path: Path, server: LLMServer, mp: pytest.MonkeyPatch) -> AppTest:
    routing = tmp_path / "models.yaml"
    routing.write_text(textwrap.dedent(f"""\
        default: {{base_url: "{server.base_url}", model: glm-5, function_calling: true, api_key_env: {KEY_ENV}}}
        agents:
          critic: {{model: qwen-max}}
        prices:
          glm-5: {{prompt_per_1m: 4.0, completion_per_1m: 16.0, currency: CNY}}
        retries: 0
    """), encoding="utf-8")
    mp.setenv(KEY_ENV, "k-" + "u" * 20)
    mp.setenv("LLM_API_KEY_ENV", KEY_ENV)
    mp.setenv("TRIBUNAL_MODELS", str(routing))
    bundle = build_mini_bundle(tmp_path / "bundle")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for path in bundle.root.rglob("*"):
            if path.is_file():
                archive.write(path, path.relative_to(bundle.root.parent))
    at = new_app(timeout=120).run()
    at.file_uploader(key="w.intake.archive").upload("bundle.zip", buf.getvalue(), "application/zip").run()
    at.button(key="w.intake.archive_go").click().run()
    no_exception(at)
    return at.switch_page(PAGES["debate"]).run()


def test_llm_bubbles_show_cost_fallback_and_tools(ui_home: Path, tmp_path: Path, llm_server: LLMServer,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    at = _llm_incident(tmp_path, llm_server, monkeypatch)
    # One expert looks something up first; the critic's model is down for its first turn.
    llm_server.script("glm-5", Reply(tool_calls=[{"name": "evidence", "arguments": json.dumps({"evidence_id": "E1"})}]))
    llm_server.script("qwen-max", Reply(status=503))
    assert at.segmented_control(key="w.debate.brain").value == "llm"
    at.number_input(key="w.debate.pace").set_value(0.0)
    at.button(key="w.debate.start").click().run()
    no_exception(at)
    assert wait_until(at, lambda a: any(b.key == "w.debate.to_report" for b in a.button), timeout_s=120), \
        texts(at)[-2000:]
    no_exception(at)
    page = texts(at)
    assert page.count("out tokens") >= 5, "every LLM turn says what it cost"
    assert "CNY" in page, "priced models show the cost"
    assert "answered offline" in page, "the critic's bubble says the offline brain answered"
    assert "the offline brain answered instead: endpoint unavailable: HTTP 503" in page
    assert "answered offline · endpoint unavailable" in page, "the chip says why"
    assert "Mixed: the model answered" in page, "the transcript counts the turns each brain answered"
    tool_lines = [m.value for m in at.markdown if 'class="tb-tool"' in str(m.value)]
    assert tool_lines and "evidence" in tool_lines[0] and "evidence_id=E1" in tool_lines[0]

    at.switch_page(PAGES["report"]).run()
    no_exception(at)
    report = texts(at)
    assert "Mixed: the model answered" in report, "the report page says a turn fell back, and why"
    assert "Model usage" in report and "Offline fallbacks" in [m.label for m in at.metric]
    tokens = next(m.value for m in at.metric if m.label == "Tokens")
    assert int(str(tokens).replace(",", "")) > 0
    assert ("Redacted before anything left the machine" in report
            or "Nothing sent to the models needed redaction" in report)


def test_compare_with_the_llm_brain_counts_tokens_per_mode(ui_home: Path, tmp_path: Path, llm_server: LLMServer,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    at = _llm_incident(tmp_path, llm_server, monkeypatch).switch_page(PAGES["compare"]).run()
    at.segmented_control(key="w.compare.brain").set_value("llm").run()
    at.button(key="w.compare.run").click().run()
    no_exception(at)
    assert wait_until(at, lambda a: "modes named a root-cause location" in texts(a) or bool(a.error), timeout_s=120)
    assert not at.error, [e.value for e in at.error]
    saved = load_comparison(resources.settings(), at.session_state["tribunal.incident_id"])
    assert saved is not None and saved.brain == "llm" and saved.models["CriticAgent"] == "qwen-max"
    assert all(r.tokens > 0 and r.calls >= 1 and not r.error for r in saved.results), saved.results
    single, vote, debate = (saved.result(m) for m in ("single", "vote", "debate"))
    assert single and vote and debate and single.calls < vote.calls < debate.calls, "a debate costs more calls"
    assert store_debates(at) == 0, "the compare debate is not the incident's debate"


def store_debates(at: AppTest) -> int:
    store = resources.store(resources.settings())
    return 0 if store.latest_debate(at.session_state["tribunal.incident_id"]) is None else 1


NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
IDS = {"incident_id": "INC-1", "debate_id": "D-1", "at": NOW}


def test_tool_calls_are_drawn_under_the_turn_that_made_them() -> None:
    def turn(seq: int, agent: str) -> TurnFinished:
        t = AgentTurn(incident_id="INC-1", debate_id="D-1", seq=seq, agent=agent, round=0, phase="experts",  # type: ignore[arg-type]
                      brain="llm", summary="s", confidence=0.5, started_at=NOW, finished_at=NOW)
        return TurnFinished(seq=seq, turn=t, **IDS)

    events = [
        TurnStarted(seq=1, agent="LogAgent", round=0, phase="experts", **IDS),
        TurnStarted(seq=2, agent="CodeAgent", round=0, phase="experts", **IDS),
        ToolCall(seq=3, agent="CodeAgent", tool="blame", arguments={"file": "A.java"}, **IDS),
        ToolCall(seq=4, agent="LogAgent", tool="evidence", arguments={"evidence_id": "E1"}, **IDS),
        turn(5, "CodeAgent"), turn(6, "LogAgent"),
        ToolCall(seq=7, agent="JudgeAgent", tool="evidence", **IDS),  # outside any open turn: drawn on its own
    ]
    items = build_transcript(events, {}, running=False)
    by_agent = {i.agent: i for i in items if i.kind == "turn"}
    assert [c.tool for c in by_agent["CodeAgent"].extra["tools"]] == ["blame"]  # type: ignore[union-attr]
    assert [c.tool for c in by_agent["LogAgent"].extra["tools"]] == ["evidence"]  # type: ignore[union-attr]
    assert [(i.kind, i.agent) for i in items if i.kind == "tool"] == [("tool", "JudgeAgent")]
    live = build_transcript(events[:4], {}, running=True)
    assert [c.tool for c in next(i for i in live if i.agent == "CodeAgent").extra["tools"]] == ["blame"]  # type: ignore[union-attr]

