"""Per-agent model routing: which endpoint, model, key and limits answer for each agent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from core.errors import ConfigError
from core.schema import AGENTS, AgentName

__all__ = ["AGENT_KEYS", "ROLE_MAX_TOKENS", "Budget", "Price", "Route", "Routing", "load_routing"]

# The short names used in the routing file.
AGENT_KEYS: dict[str, AgentName] = {
    "log": "LogAgent", "domain": "DomainAgent", "code": "CodeAgent",
    "critic": "CriticAgent", "rebuttal": "RebuttalAgent", "judge": "JudgeAgent",
}
_EXPERTS: tuple[AgentName, ...] = ("LogAgent", "DomainAgent", "CodeAgent")
_TUNING = ("retries", "backoff_s", "breaker_failures", "breaker_cooldown_s")
# Completion tokens per role when a route sets none: sized for reasoning models, whose thinking counts against
# max_tokens before the JSON starts (the judge writes the longest reply, the code expert reads the most).
ROLE_MAX_TOKENS: dict[AgentName, int] = {"LogAgent": 4096, "DomainAgent": 4096, "CodeAgent": 6144,
                                         "CriticAgent": 4096, "RebuttalAgent": 4096, "JudgeAgent": 8192}


class Route(BaseModel):
    """One agent's endpoint and model. The key is read from `api_key_env` and never written anywhere."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str | None = Field(default=None, description="OpenAI-compatible base URL, e.g. https://host/v1.")
    model: str = "glm-5"
    api_key_env: str | None = Field(default="LLM_API_KEY", description="Variable holding the key; null = no key.")
    api_key: SecretStr | None = Field(default=None, repr=False, exclude=True)
    temperature: float = Field(default=0.2, ge=0.0, le=2.0)
    max_tokens: int | None = Field(default=None, ge=64, le=200_000,
                                   description="Completion tokens; None = the role's default (ROLE_MAX_TOKENS).")
    timeout_s: float = Field(default=60.0, gt=0.0, le=3600.0)
    max_concurrency: int = Field(default=4, ge=1, le=64, description="Concurrent requests to this base_url.")
    requests_per_minute: int | None = Field(default=None, ge=1, le=100_000,
                                            description="Requests per minute to this base_url; None = no limit.")
    first_byte_s: float = Field(default=8.0, gt=0.0, le=600.0, description=(
        "Seconds to wait for a response to start (headers); an endpoint that never answers is given up on this "
        "soon, while a started stream may run for timeout_s between chunks."))
    vision: bool = False
    function_calling: bool = False
    json_output: bool = True
    structured_output: bool = False
    family: str = "unknown"

    def model_info(self) -> dict[str, Any]:
        """The capabilities autogen needs for models it does not know (glm-5, qwen-max, local models)."""
        return {"vision": self.vision, "function_calling": self.function_calling, "json_output": self.json_output,
                "structured_output": self.structured_output, "family": self.family}

    @property
    def endpoint(self) -> str:
        """The base URL requests go to (the concurrency limit is per endpoint)."""
        return self.base_url or "https://api.openai.com/v1"


class Price(BaseModel):
    """What one million tokens cost on a model (any currency; the report shows the one given)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt_per_1m: float = Field(default=0.0, ge=0.0)
    completion_per_1m: float = Field(default=0.0, ge=0.0)
    currency: str = "USD"

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.prompt_per_1m + completion_tokens * self.completion_per_1m) / 1_000_000


class Budget(BaseModel):
    """Ceilings for one agent (summed over its turns) and for the whole debate; None = unlimited."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tokens: int | None = Field(default=None, ge=1)
    calls: int | None = Field(default=None, ge=1)
    wall_s: float | None = Field(default=None, gt=0.0)


class Routing(BaseModel):
    """The routes of all six agents, the price table and the budgets."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    default: Route
    agents: dict[AgentName, Route] = Field(default_factory=dict)
    explicit: frozenset[AgentName] = Field(default_factory=frozenset, description="Agents routed by the file.")
    prices: dict[str, Price] = Field(default_factory=dict)
    # Every request counts, tool rounds and the repair included: an agent with tools may make up to 5 in a turn
    # (3 tool rounds, the answer, one repair), and the critic speaks up to 3 times.
    agent_budget: Budget = Budget(tokens=80_000, calls=16, wall_s=300.0)
    debate_budget: Budget = Budget(tokens=400_000, calls=100, wall_s=1800.0)
    retries: int = Field(default=3, ge=0, le=10, description="Retries after a 429/5xx/timeout, per call.")
    backoff_s: float = Field(default=1.0, ge=0.0, le=60.0, description="First backoff; doubles each retry.")
    breaker_failures: int = Field(default=3, ge=1, le=100,
                                  description="Consecutive failures after which an endpoint is not called for a while.")
    breaker_cooldown_s: float = Field(default=30.0, ge=0.0, le=3600.0,
                                      description="How long an endpoint's circuit stays open before one request tries.")

    def route(self, agent: AgentName) -> Route:
        """`agent`'s route, its max_tokens filled from the role's default when the routing sets none."""
        route = self.agents.get(agent, self.default)
        if route.max_tokens is not None:
            return route
        return route.model_copy(update={"max_tokens": ROLE_MAX_TOKENS[agent]})

    def models(self) -> dict[AgentName, str]:
        return {agent: self.route(agent).model for agent in AGENTS}

    def single_model(self) -> bool:
        """True when every agent talks to the same model (the UI says so: the critic is not independent)."""
        return len({(r.endpoint, r.model) for r in (self.route(a) for a in AGENTS)}) == 1

    def price(self, model: str) -> Price | None:
        return self.prices.get(model)


def _read_file(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"TRIBUNAL_MODELS points to {path}, which does not exist; fix the path or unset it.") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The model routing file {path} is not valid YAML ({exc}); fix it or unset "
                          f"TRIBUNAL_MODELS.") from exc
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"The model routing file {path} must be a mapping with 'default' and 'agents'.")
    return raw


def _mapping(value: object, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where} in the model routing file must be a mapping, not {type(value).__name__}.")
    return value


def _critic_route(routes: dict[AgentName, Route], default: Route) -> Route | None:
    """A route for an unrouted critic on a model other than the experts', when one is configured."""
    models = {(r.endpoint, r.model): r for r in (default, *routes.values())}
    if len(models) < 2:
        return None
    used = Counter((routes.get(a, default).endpoint, routes.get(a, default).model) for a in _EXPERTS)
    # Prefer a model no expert uses; else the one fewest experts use (ties: the order the file gives).
    return min(models.items(), key=lambda item: used[item[0]])[1]


def load_routing(env: Mapping[str, str], secrets: Mapping[str, str]) -> Routing:
    """Build the routing from the environment, `.streamlit/secrets.toml` and the optional TRIBUNAL_MODELS file.

    Args:
        env: environment variables (LLM_BASE_URL, LLM_API_KEY, LLM_MODEL, LLM_API_KEY_ENV, LLM_FUNCTION_CALLING,
            TRIBUNAL_MODELS).
        secrets: flattened secrets.toml (the same upper-case names); consulted after `env`.

    Returns:
        The routing, keys attached (masked in repr and never serialised).

    Raises:
        ConfigError: the routing file is missing or malformed, names an unknown agent or field, or a key
            variable it names is not set.
    """
    def get(name: str) -> str | None:
        return env.get(name) or secrets.get(name) or None

    base: dict[str, Any] = {"base_url": get("LLM_BASE_URL"), "model": get("LLM_MODEL") or "glm-5",
                            "api_key_env": get("LLM_API_KEY_ENV") or "LLM_API_KEY"}
    if (calling := get("LLM_FUNCTION_CALLING")) is not None:
        # The endpoint declares tool calling without a routing file: the agents' incident tools are then on.
        if calling.strip().lower() not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            raise ConfigError(f"LLM_FUNCTION_CALLING={calling!r}: use true or false.")
        base["function_calling"] = calling.strip().lower() in ("1", "true", "yes", "on")
    raw: dict[str, Any] = {}
    if path := get("TRIBUNAL_MODELS"):
        raw = _read_file(Path(path).expanduser())
    unknown = set(raw) - {"default", "agents", "prices", "budgets", *_TUNING}
    if unknown:
        raise ConfigError(f"Unknown section(s) {sorted(unknown)} in the model routing file; "
                          f"use default, agents, prices, budgets, {', '.join(_TUNING)}.")
    default_raw = {**base, **_mapping(raw.get("default"), "'default'")}
    agents_raw = _mapping(raw.get("agents"), "'agents'")
    if bad := sorted(set(agents_raw) - set(AGENT_KEYS)):
        raise ConfigError(f"Unknown agent key(s) {bad} in the model routing file; use {', '.join(AGENT_KEYS)}.")

    def build(fields: dict[str, Any], where: str) -> Route:
        try:
            route = Route.model_validate(fields)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise ConfigError(f"Invalid model route for {where}: {problems}.") from exc
        if route.api_key_env:
            key = get(route.api_key_env)
            if not key:
                raise ConfigError(f"The model route for {where} reads its key from {route.api_key_env}, which is not "
                                  "set; set it in the environment or .streamlit/secrets.toml (never in a "
                                  "tracked file).")
            route = route.model_copy(update={"api_key": SecretStr(key)})
        return route

    default = build(default_raw, "default")
    routes: dict[AgentName, Route] = {}
    for key, fields in agents_raw.items():
        routes[AGENT_KEYS[key]] = build({**default_raw, **_mapping(fields, f"agents.{key}")}, f"agents.{key}")
    if "CriticAgent" not in routes and (critic := _critic_route(routes, default)) is not None:
        routes["CriticAgent"] = critic
    if len({(r.endpoint, r.model) for r in (default, *routes.values())}) == 1:
        # One model answers for all six: each unrouted role gets its own temperature (and its stance in the
        # prompt), so they do not speak with one voice; the debate page says so.
        # Imported here: core.agents imports the configuration this module builds.
        from core.agents.spec import role_temperature

        for agent in AGENTS:
            routes.setdefault(agent,
                              default.model_copy(update={"temperature": role_temperature(agent, default.temperature)}))
    budgets = _mapping(raw.get("budgets"), "'budgets'")
    if bad := sorted(set(budgets) - {"agent", "debate"}):
        raise ConfigError(f"Unknown budget(s) {bad} in the model routing file; use agent and debate.")
    try:
        extra: dict[str, Any] = {
            "prices": {m: Price.model_validate(p) for m, p in _mapping(raw.get("prices"), "'prices'").items()},
            **({"agent_budget": Budget.model_validate(budgets["agent"])} if "agent" in budgets else {}),
            **({"debate_budget": Budget.model_validate(budgets["debate"])} if "debate" in budgets else {}),
            **{k: raw[k] for k in _TUNING if k in raw},
        }
        return Routing(default=default, agents=routes, explicit=frozenset(AGENT_KEYS[k] for k in agents_raw), **extra)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"Invalid prices, budgets or retries in the model routing file: {problems}.") from exc
