"""Settings: built once from the environment and `.streamlit/secrets.toml`, then passed in."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from core.auth import AuthSettings, load_auth_settings
from core.errors import ConfigError
from core.llm.routing import Routing, load_routing

__all__ = ["LLMEndpoint", "Settings", "load_settings", "project_root"]

Brain = Literal["offline", "llm"]


def project_root() -> Path:
    """The working copy this package lives in (holds data/, .streamlit/, README.md)."""
    return Path(__file__).resolve().parent.parent


class LLMEndpoint(BaseModel):
    """One OpenAI-compatible endpoint; the key itself is never written anywhere."""

    model_config = ConfigDict(frozen=True)

    base_url: str | None = None
    model: str = "glm-5"
    api_key_env: str = "LLM_API_KEY"
    api_key: SecretStr | None = None
    temperature: float = 0.2
    timeout_s: float = 60.0


class Settings(BaseModel):
    """Everything configurable, resolved once per process."""

    model_config = ConfigDict(frozen=True)

    home: Path = Field(description="Data directory: DuckDB file, LanceDB folder, cloned repos.")
    max_rounds: int = Field(default=3, ge=1, le=10)
    offline_pace_s: float = Field(
        default=0.0, ge=0.0, le=1.0, description="Pause between streamed chunks of offline turns (UI pacing)."
    )
    llm: LLMEndpoint = LLMEndpoint()
    llm_routing: Routing | None = Field(default=None, description="Per-agent model routing; None = no LLM configured.")
    llm_problem: str | None = Field(default=None, description="Why the routing could not be built (shown on use).")
    clone_hosts: tuple[str, ...] = Field(default=(), description="Hosts repositories may be cloned from.")
    duckdb_memory: str = Field(
        default="1GB", pattern=r"(?i)^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
        description="DuckDB's memory_limit for the store; beyond it DuckDB spills to disk.",
    )
    workers: int = Field(
        default=2, ge=0, le=16, description="Worker processes that run debates outside the page-serving process "
        "(TRIBUNAL_WORKERS); 0 runs them in threads of the dashboard's own process.")
    keep_secret_map: bool = Field(
        default=False, description="Keep the originals of redacted values per incident, to show them on request "
        "(TRIBUNAL_KEEP_SECRETS=1); off: the store holds placeholders only.")
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = None
    auth: AuthSettings = Field(default_factory=AuthSettings, description="Sign-in mode, sessions, lockout, OIDC roles.")

    @property
    def db_path(self) -> Path:
        return self.home / "tribunal.duckdb"

    @property
    def lance_dir(self) -> Path:
        return self.home / "cases.lance"

    @property
    def work_dir(self) -> Path:
        """Where bundles are extracted and repos cloned."""
        return self.home / "work"

    @property
    def llm_configured(self) -> bool:
        return self.llm_routing is not None

    @property
    def default_brain(self) -> Brain:
        return "llm" if self.llm_configured else "offline"


def _read_secrets(path: Path) -> dict[str, str]:
    """Flatten secrets.toml: top-level keys and one level of tables (`[llm] api_key` -> `LLM_API_KEY`)."""
    if not path.is_file():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix or remove it.") from exc
    flat: dict[str, str] = {}
    for key, value in raw.items():
        if isinstance(value, dict):
            for sub, subval in value.items():
                flat[f"{key}_{sub}".upper()] = str(subval)
        else:
            flat[key.upper()] = str(value)
    return flat


def load_settings(env: Mapping[str, str] | None = None, secrets_path: Path | None = None) -> Settings:
    """Build the settings from the environment, falling back to `.streamlit/secrets.toml`.

    Args:
        env: the environment to read (defaults to ``os.environ``).
        secrets_path: the secrets file (defaults to ``.streamlit/secrets.toml`` in the working copy).

    Returns:
        The frozen settings.

    Raises:
        ConfigError: a value is malformed.
    """
    env = dict(os.environ if env is None else env)
    secrets = _read_secrets(secrets_path or project_root() / ".streamlit" / "secrets.toml")

    def get(name: str) -> str | None:
        value = env.get(name) or secrets.get(name)
        return value or None

    key_env = get("LLM_API_KEY_ENV") or "LLM_API_KEY"
    api_key = get(key_env)
    home = Path(get("TRIBUNAL_HOME") or project_root() / ".tribunal").expanduser()
    routing: Routing | None = None
    problem: str | None = None
    if api_key or get("TRIBUNAL_MODELS"):
        try:
            routing = load_routing(env, secrets)
        except ConfigError as exc:  # the offline brain still works; the LLM brain reports this when picked
            problem = str(exc)
    try:
        return Settings(
            home=home,
            max_rounds=int(get("TRIBUNAL_MAX_ROUNDS") or 3),
            offline_pace_s=float(get("TRIBUNAL_OFFLINE_PACE") or 0.0),
            llm=LLMEndpoint(
                base_url=get("LLM_BASE_URL"),
                model=get("LLM_MODEL") or "glm-5",
                api_key_env=key_env,
                api_key=SecretStr(api_key) if api_key else None,
            ),
            llm_routing=routing,
            llm_problem=problem,
            clone_hosts=tuple(h.strip() for h in (get("TRIBUNAL_CLONE_HOSTS") or "").split(",") if h.strip()),
            duckdb_memory=(get("TRIBUNAL_DUCKDB_MEMORY") or "1GB").strip(),
            workers=int(get("TRIBUNAL_WORKERS") or 2),
            keep_secret_map=(get("TRIBUNAL_KEEP_SECRETS") or "").strip().lower() in ("1", "true", "yes", "on"),
            neo4j_uri=get("NEO4J_URI"),
            neo4j_user=get("NEO4J_USER") or "neo4j",
            neo4j_password=SecretStr(pw) if (pw := get("NEO4J_PASSWORD")) else None,
            auth=load_auth_settings(get),
        )
    except (ValidationError, ValueError) as exc:
        raise ConfigError(f"Invalid setting: {exc}") from exc
