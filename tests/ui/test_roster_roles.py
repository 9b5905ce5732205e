"""The debate page's roster says when one model answers for all six agents, and how the roles still differ."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from app.state import Keys
from core.llm import load_routing
from tests.conftest import build_mini_bundle
from tests.ui.support import PAGES, new_app, no_exception, texts

KEY_ENV = "TRIBUNAL_UI_TEST_KEY"


def _routing(tmp_path: Path, mp: pytest.MonkeyPatch, extra: str = "") -> None:
    path = tmp_path / "models.yaml"
    path.write_text(textwrap.dedent(f"""\
        default: {{base_url: "http://127.0.0.1:9/v1", model: glm-5, api_key_env: {KEY_ENV}}}
    """) + extra, encoding="utf-8")
    mp.setenv(KEY_ENV, "k-" + "u" * 20)
    mp.setenv("LLM_API_KEY_ENV", KEY_ENV)
    mp.setenv("TRIBUNAL_MODELS", str(path))


def _roster_text(tmp_path: Path, lang: str) -> str:
    from app import resources

    bundle = build_mini_bundle(tmp_path / "bundle")
    store = resources.store(resources.settings())
    from core.bundle import load_bundle
    from core.pipeline import fuse, ingest_bundle, open_incident

    loaded = load_bundle(bundle.root)
    incident = open_incident(store, loaded.draft)
    ingest_bundle(store, resources.settings(), incident, loaded)
    fuse(store, resources.settings(), incident.id)
    at = new_app(timeout=60)
    at.session_state[Keys.LANG] = lang
    at.session_state[Keys.INCIDENT] = incident.id
    at.run()
    at = at.switch_page(PAGES["debate"]).run()
    no_exception(at)
    return texts(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_model_for_all_is_said_with_each_roles_temperature(ui_home: Path, tmp_path: Path, lang: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _routing(tmp_path, monkeypatch)
    shown = _roster_text(tmp_path, lang)
    routing = load_routing({"TRIBUNAL_MODELS": str(tmp_path / "models.yaml"), KEY_ENV: "k", "LLM_API_KEY_ENV": KEY_ENV},
                           {})
    said = "One model (glm-5) answers for all six agents" if lang == "en" else "六个角色都由同一个模型（glm-5）回答"
    assert said in shown
    critic, judge = ("Critic", "Judge") if lang == "en" else ("质询官", "首席法官")
    assert f"{critic} {routing.route('CriticAgent').temperature:g}" in shown  # the sceptic runs warmest
    assert f"{judge} {routing.route('JudgeAgent').temperature:g}" in shown


def test_two_models_say_nothing_of_the_kind(ui_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _routing(tmp_path, monkeypatch, "agents:\n  critic: {model: qwen-max}\n")
    assert "One model" not in _roster_text(tmp_path, "en")
