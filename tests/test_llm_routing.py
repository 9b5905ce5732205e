"""Model routing: defaults from the environment, per-agent overrides from a YAML file, keys never shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from core.errors import ConfigError
from core.llm import Routing, load_routing

KEY = "sk-" + "r" * 32
LOCAL_KEY = "lk-" + "9" * 20


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "models.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_defaults_come_from_the_environment() -> None:
    routing = load_routing({"LLM_BASE_URL": "https://llm.example/v1", "LLM_API_KEY": KEY}, {})
    route = routing.route("JudgeAgent")
    assert (route.base_url, route.model, route.api_key_env) == ("https://llm.example/v1", "glm-5", "LLM_API_KEY")
    assert route.api_key is not None and route.api_key.get_secret_value() == KEY
    assert routing.single_model() and set(routing.models().values()) == {"glm-5"}
    assert route.model_info() == {"vision": False, "function_calling": False, "json_output": True,
                                  "structured_output": False, "family": "unknown"}


def test_the_key_can_come_from_secrets_and_is_never_shown(tmp_path: Path) -> None:
    routing = load_routing({}, {"LLM_API_KEY": KEY, "LLM_MODEL": "qwen-max"})
    assert routing.route("LogAgent").model == "qwen-max"
    for text in (repr(routing), str(routing), routing.model_dump_json(), repr(routing.route("LogAgent"))):
        assert KEY not in text


def test_the_file_routes_agents_and_merges_over_the_default(tmp_path: Path) -> None:
    path = _write(tmp_path, """
default: {base_url: "https://dashscope.example/v1", model: glm-5, api_key_env: LLM_API_KEY, timeout_s: 30}
agents:
  critic: {model: qwen-max}
  judge: {base_url: "http://127.0.0.1:8000/v1", model: local-model, api_key_env: LOCAL_KEY, structured_output: true}
prices:
  glm-5: {prompt_per_1m: 0.5, completion_per_1m: 2.0, currency: CNY}
budgets:
  agent: {tokens: 1000, calls: 2}
retries: 1
""")
    routing = load_routing({"TRIBUNAL_MODELS": path, "LLM_API_KEY": KEY, "LOCAL_KEY": LOCAL_KEY}, {})
    assert routing.models() == {"LogAgent": "glm-5", "DomainAgent": "glm-5", "CodeAgent": "glm-5",
                                "CriticAgent": "qwen-max", "RebuttalAgent": "glm-5", "JudgeAgent": "local-model"}
    critic = routing.route("CriticAgent")
    assert critic.base_url == "https://dashscope.example/v1" and critic.timeout_s == 30  # inherited
    judge = routing.route("JudgeAgent")
    assert judge.api_key is not None and judge.api_key.get_secret_value() == LOCAL_KEY and judge.structured_output
    assert not routing.single_model()
    assert routing.price("glm-5") is not None and routing.price("glm-5").cost(1_000_000, 0) == 0.5  # type: ignore[union-attr]
    assert routing.agent_budget.tokens == 1000 and routing.debate_budget.tokens == 400_000 and routing.retries == 1


def test_an_unrouted_critic_gets_a_model_the_experts_do_not_use(tmp_path: Path) -> None:
    path = _write(tmp_path, """
agents:
  judge: {base_url: "http://127.0.0.1:8000/v1", model: local-model, api_key_env: null}
""")
    routing = load_routing({"TRIBUNAL_MODELS": path, "LLM_API_KEY": KEY}, {})
    critic = routing.route("CriticAgent")
    assert critic.model == "local-model" and critic.base_url == "http://127.0.0.1:8000/v1" and critic.api_key is None
    assert {routing.route(a).model for a in ("LogAgent", "DomainAgent", "CodeAgent")} == {"glm-5"}


def test_one_model_everywhere_leaves_the_critic_alone(tmp_path: Path) -> None:
    routing = load_routing({"TRIBUNAL_MODELS": _write(tmp_path, "default: {model: glm-5}\n"), "LLM_API_KEY": KEY}, {})
    assert routing.route("CriticAgent").model == "glm-5" and routing.single_model()
    # Nothing else to route it to: the roles differ by temperature (and stance) instead, the sceptic warmest.
    temps = {a: routing.route(a).temperature for a in routing.models()}
    assert temps["CriticAgent"] > temps["LogAgent"] > temps["JudgeAgent"] and len(set(temps.values())) >= 4


@pytest.mark.parametrize(("text", "env", "message"), [
    ("default: [1, 2", {}, "not valid YAML"),
    ("agents:\n  criticc: {model: x}\n", {}, "Unknown agent key"),
    ("agents:\n  judge: {model: x, api_key_env: MISSING_KEY}\n", {}, "MISSING_KEY, which is not set"),
    ("agents:\n  judge: {modle: x}\n", {}, "agents.judge: modle"),
    ("agents:\n  judge: {temperature: 9}\n", {}, "temperature"),
    ("default: {model: glm-5}\nbudget: {}\n", {}, "Unknown section"),
    ("- just\n- a list\n", {}, "must be a mapping"),
])
def test_malformed_routing_says_what_to_fix(tmp_path: Path, text: str, env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_routing({"TRIBUNAL_MODELS": _write(tmp_path, text), "LLM_API_KEY": KEY, **env}, {})


def test_a_missing_default_key_or_routing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="LLM_API_KEY"):
        load_routing({}, {})
    with pytest.raises(ConfigError, match="does not exist"):
        load_routing({"TRIBUNAL_MODELS": str(tmp_path / "nope.yaml"), "LLM_API_KEY": KEY}, {})


def test_routing_is_frozen() -> None:
    routing = load_routing({"LLM_API_KEY": KEY}, {})
    assert isinstance(routing, Routing)
    with pytest.raises(ValidationError, match="frozen"):
        routing.retries = 9  # type: ignore[misc]


def test_tool_calling_can_be_declared_without_a_routing_file() -> None:
    env = {"LLM_API_KEY": "k-" + "f" * 10}
    assert not load_routing(env, {}).route("CodeAgent").function_calling  # unknown endpoints: no tools
    assert load_routing({**env, "LLM_FUNCTION_CALLING": "true"}, {}).route("CodeAgent").function_calling
    assert not load_routing({**env, "LLM_FUNCTION_CALLING": "0"}, {}).route("JudgeAgent").function_calling
    with pytest.raises(ConfigError, match="LLM_FUNCTION_CALLING"):
        load_routing({**env, "LLM_FUNCTION_CALLING": "maybe"}, {})


def test_max_tokens_default_per_role_and_a_route_can_set_its_own(tmp_path: Path) -> None:
    env = {"LLM_API_KEY": "k-" + "f" * 10}
    routing = load_routing(env, {})
    assert routing.route("JudgeAgent").max_tokens == 8192 and routing.route("LogAgent").max_tokens == 4096
    path = tmp_path / "models.yaml"
    path.write_text("default: {model: glm-5}\nagents:\n  judge: {max_tokens: 1000}\n", encoding="utf-8")
    routing = load_routing({**env, "TRIBUNAL_MODELS": str(path)}, {})
    assert routing.route("JudgeAgent").max_tokens == 1000 and routing.route("CodeAgent").max_tokens == 6144
