"""The settings page: routing per agent without ever showing a key, a real connection test, and session overrides."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.llm_settings import AgentOverride, SessionOverrides, apply_overrides
from core.config import load_settings
from core.llm._probe import probe
from core.llm.routing import Route
from tests.llm_server import LLMServer, Reply, llm_server_fixture  # noqa: F401 - fixture
from tests.ui.support import PAGES, new_app, no_exception, texts

KEY = "k-ui-test-" + "s3cr3t" * 4
KEY_ENV = "TRIBUNAL_UI_TEST_KEY"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the block ends: nothing listens there


def _configure(mp: pytest.MonkeyPatch, base_url: str, routing: Path | None = None) -> None:
    mp.setenv("LLM_API_KEY_ENV", KEY_ENV)
    mp.setenv(KEY_ENV, KEY)
    mp.setenv("LLM_BASE_URL", base_url)
    mp.setenv("LLM_MODEL", "glm-5")
    if routing is not None:
        mp.setenv("TRIBUNAL_MODELS", str(routing))


def _everything(at: AppTest) -> str:
    """Every text and table cell on the page, to look for leaked secrets."""
    cells = [df.value.to_csv() for df in at.dataframe]
    return texts(at) + "\n".join(cells) + "\n".join(str(c.value) for c in at.code)


# --- the probe, against a real HTTP server on 127.0.0.1 ------------------------------------------


def test_probe_reports_latency_and_reply(llm_server: LLMServer) -> None:
    llm_server.script("glm-5", "pong")
    result = probe(Route(base_url=llm_server.base_url, model="glm-5"), KEY)
    assert result.ok and result.model_reply == "pong" and result.latency_ms is not None and result.latency_ms > 0
    sent = llm_server.for_model("glm-5")[-1]
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.body["max_tokens"] <= 16 and not sent.body.get("stream"), "one tiny, non-streamed completion"


def test_probe_turns_failures_into_results(llm_server: LLMServer) -> None:
    route = Route(base_url=llm_server.base_url, model="glm-5")
    llm_server.script("glm-5", Reply(status=401))
    refused = probe(route, "wrong")
    assert not refused.ok and "401" in (refused.error or "") and "refused" in (refused.error or "")
    llm_server.script("glm-5", Reply(delay_s=3.0))
    slow = probe(route, KEY, timeout_s=0.5)
    assert not slow.ok and "0.5 s" in (slow.error or "")
    nobody = probe(Route(base_url=f"http://127.0.0.1:{_closed_port()}/v1", model="glm-5"), None)
    assert not nobody.ok and "connect" in (nobody.error or "")


# --- the page ------------------------------------------------------------------------------------


def test_settings_without_a_model_explain_how_to_add_one(ui_home: Path) -> None:
    at = new_app().run().switch_page(PAGES["settings"]).run()
    no_exception(at)
    assert "No model configured" in texts(at)
    assert not any(b.key and b.key.startswith("w.settings.probe") for b in at.button)


def test_routing_table_shows_every_agent_but_never_the_key(ui_home: Path, llm_server: LLMServer,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _configure(monkeypatch, llm_server.base_url)
    llm_server.script("glm-5", "pong")
    at = new_app().run().switch_page(PAGES["settings"]).run()
    no_exception(at)
    table = at.dataframe[0].value
    assert list(table["agent"]) == ["LogAgent", "DomainAgent", "CodeAgent", "CriticAgent", "RebuttalAgent",
                                    "JudgeAgent"]
    assert set(table["model"]) == {"glm-5"} and set(table["key_env"]) == {KEY_ENV}
    assert set(table["key"]) == {"set ••••••"}
    assert "debate among copies of one model adds little over a vote" in texts(at)
    probes = [b for b in at.button if b.key and b.key.startswith("w.settings.probe")]
    assert len(probes) == 1, "one distinct endpoint and model"
    probes[0].click().run()
    no_exception(at)
    assert any("Connected" in s.value and "pong" in s.value for s in at.success), [s.value for s in at.success]
    assert llm_server.for_model("glm-5"), "the button really called the endpoint"
    assert KEY not in _everything(at) and KEY[-8:] not in _everything(at)


def test_a_broken_endpoint_is_reported_on_the_page(ui_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _configure(monkeypatch, f"http://127.0.0.1:{_closed_port()}/v1")
    at = new_app().run().switch_page(PAGES["settings"]).run()
    next(b for b in at.button if b.key == "w.settings.probe.0").click().run()
    no_exception(at)
    assert any("Connection failed" in e.value and "connect" in e.value for e in at.error), [e.value for e in at.error]


def test_two_models_are_tested_separately(ui_home: Path, llm_server: LLMServer, monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    routing = tmp_path / "models.yaml"
    routing.write_text("agents:\n  critic: {model: qwen-max, temperature: 0.7}\n", encoding="utf-8")
    _configure(monkeypatch, llm_server.base_url, routing)
    at = new_app().run().switch_page(PAGES["settings"]).run()
    no_exception(at)
    assert "copies of one model" not in texts(at)
    table = at.dataframe[0].value.set_index("agent")
    assert table.loc["CriticAgent", "model"] == "qwen-max" and table.loc["CriticAgent", "temperature"] == 0.7
    assert len([b for b in at.button if b.key and b.key.startswith("w.settings.probe")]) == 2


def test_session_overrides_reach_the_debate(
    ui_home: Path, llm_server: LLMServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    _configure(monkeypatch, llm_server.base_url)
    at = new_app().run().switch_page(PAGES["settings"]).run()
    at.slider(key="w.settings.max_rounds").set_value(1)
    at.session_state["w.settings.agents"] = {"edited_rows": {3: {"model": "qwen-max", "temperature": 0.9}},
                                             "added_rows": [], "deleted_rows": []}
    at.button(key="w.settings.apply").click().run()
    no_exception(at)
    changes = at.session_state["tribunal.session_overrides"]
    assert changes.max_rounds == 1 and changes.agents["CriticAgent"].model == "qwen-max"
    assert changes.agents["CriticAgent"].temperature == 0.9 and set(changes.agents) == {"CriticAgent"}
    assert "Session changes are active" in texts(at)
    assert "copies of one model" not in texts(at), "the critic now runs on another model"
    at.button(key="w.settings.reset").click().run()
    assert "Session changes are active" not in texts(at)


def test_overrides_change_only_what_was_asked(tmp_path: Path) -> None:
    cfg = load_settings(env={"TRIBUNAL_HOME": str(tmp_path), "LLM_API_KEY": KEY, "LLM_MODEL": "glm-5"},
                        secrets_path=tmp_path / "none.toml")
    assert cfg.llm_routing is not None
    changed = apply_overrides(cfg, SessionOverrides(max_rounds=2,
                                                    agents={"JudgeAgent": AgentOverride(model="qwen-max")}))
    assert changed.max_rounds == 2 and cfg.max_rounds == 3, "the process-wide settings are untouched"
    assert changed.llm_routing is not None
    judge = changed.llm_routing.route("JudgeAgent")
    assert judge.model == "qwen-max" and judge.temperature == cfg.llm_routing.route("JudgeAgent").temperature
    assert judge.api_key is not None and judge.api_key.get_secret_value() == KEY, "same endpoint, same key"
    assert changed.llm_routing.route("LogAgent").model == "glm-5"
    assert apply_overrides(cfg, SessionOverrides()) is cfg
