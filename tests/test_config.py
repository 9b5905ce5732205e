"""Settings come from the environment first, then .streamlit/secrets.toml; nothing at import time."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import load_settings
from core.errors import ConfigError


def test_defaults_are_offline_with_a_local_data_dir(tmp_path: Path) -> None:
    settings = load_settings(env={}, secrets_path=tmp_path / "none.toml")
    assert settings.default_brain == "offline"
    assert settings.home.name == ".tribunal"
    assert settings.db_path.parent == settings.home


def test_tribunal_home_moves_every_store(tmp_path: Path) -> None:
    settings = load_settings(env={"TRIBUNAL_HOME": str(tmp_path / "h")}, secrets_path=tmp_path / "none.toml")
    assert settings.db_path == tmp_path / "h" / "tribunal.duckdb"
    assert settings.lance_dir.parent == tmp_path / "h"


def test_secrets_file_supplies_the_key_but_env_wins(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('LLM_API_KEY = "from-file"\n[llm]\nmodel = "qwen-max"\n', encoding="utf-8")
    settings = load_settings(env={}, secrets_path=secrets)
    assert settings.llm_configured and settings.default_brain == "llm"
    assert settings.llm.model == "qwen-max"
    assert settings.llm.api_key is not None and settings.llm.api_key.get_secret_value() == "from-file"
    assert "from-file" not in repr(settings)  # a key never shows up in logs or the UI
    assert load_settings(env={"LLM_MODEL": "glm-5"}, secrets_path=secrets).llm.model == "glm-5"


def test_malformed_secrets_and_values_are_config_errors(tmp_path: Path) -> None:
    bad = tmp_path / "secrets.toml"
    bad.write_text("LLM_API_KEY = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(env={}, secrets_path=bad)
    with pytest.raises(ConfigError):
        load_settings(env={"TRIBUNAL_MAX_ROUNDS": "many"}, secrets_path=tmp_path / "none.toml")


def test_duckdb_memory_limit_reaches_the_store(tmp_path: Path) -> None:
    from core.store import Store

    none = tmp_path / "none.toml"
    assert load_settings(env={}, secrets_path=none).duckdb_memory == "1GB"
    settings = load_settings(env={"TRIBUNAL_DUCKDB_MEMORY": "300MB"}, secrets_path=none)
    store = Store(tmp_path / "s.duckdb", memory_limit=settings.duckdb_memory)
    limit = store.query_df("SELECT current_setting('memory_limit') AS v")["v"][0]
    assert limit.replace(" ", "") in {"300.0MB", "286.1MiB"}, limit
    with pytest.raises(ConfigError, match="duckdb_memory"):
        load_settings(env={"TRIBUNAL_DUCKDB_MEMORY": "lots"}, secrets_path=none)
