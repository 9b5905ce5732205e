"""The CLI as a user runs it: a real subprocess, JSON on stdout, progress on stderr, exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from core.schema import Asset
from core.store import Store
from tests.conftest import MiniBundle, build_mini_bundle

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "NEO4J_"))}
    env["TRIBUNAL_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "core", *args], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=300)


def test_analyze_prints_one_json_object(mini_bundle: MiniBundle, tmp_path: Path) -> None:
    out = _run(["analyze", str(mini_bundle.root), "--json"], tmp_path / "home")
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    assert payload["brain"] == "offline"
    assert payload["judgment"]["suspect_commit"]["sha"] == mini_bundle.bug_sha
    assert payload["judgment"]["root_cause_location"]["line"] == mini_bundle.bug_line
    assert payload["debate"]["turns"][0]["agent"] in {"LogAgent", "DomainAgent", "CodeAgent"}
    assert "%]" in out.stderr  # progress went to stderr


def test_bad_input_exits_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "incident.yaml").write_text("title: [oops\n", encoding="utf-8")
    for args in (["analyze", str(tmp_path / "b")], ["analyze", str(tmp_path / "missing")]):
        out = _run(args, tmp_path / "home")
        assert out.returncode == 2 and out.stdout == ""
        assert len(out.stderr.strip().splitlines()) == 1 and out.stderr.startswith("error:")


def test_llm_brain_without_a_key_exits_2(mini_bundle: MiniBundle, tmp_path: Path) -> None:
    out = _run(["analyze", str(mini_bundle.root), "--brain", "llm"], tmp_path / "home")
    assert out.returncode == 2 and "LLM_API_KEY" in out.stderr


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "core", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    commands = re.findall(r"^    (\w+)\s{2,}", out.stdout, re.M)
    assert {"analyze", "demo", "resume", "index", "logs", "users"} <= set(commands)
    for command in [f"python -m core {c}" for c in commands] + ["python -m core logs templates",
                                                                 "python -m core users add"]:
        assert command in readme, command


def test_index_prints_the_symbol_index(mini_bundle: MiniBundle, tmp_path: Path) -> None:
    out = _run(["index", str(mini_bundle.root), "--json"], tmp_path / "home")
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    assert set(payload) == {"nodes", "edges", "symbols"}
    service = next(s for s in payload["symbols"] if s["name"].endswith(".StockService"))
    assert service["file"] == "src/main/java/com/acme/shop/stock/application/StockService.java"
    assert service["role"] == "application_service" and service["bounded_context"] == "stock"
    assert service["team"] == "@acme/stock-team"


def _log_assets(home: Path, incident_id: str) -> dict[str, Asset]:
    store = Store(home / "tribunal.duckdb")
    try:
        return {a.name: a for a in store.list_assets(incident_id) if a.kind == "log"}
    finally:
        store.close()


def test_log_format_forces_the_layout_and_a_misfit_is_reported(tmp_path: Path) -> None:
    bundle = build_mini_bundle(tmp_path / "bundle", with_repo=False)
    home = tmp_path / "home"
    out = _run(["analyze", str(bundle.root), "--log-format", "generic", "--json"], home)
    assert out.returncode == 0, out.stderr
    assert "layout generic" in _log_assets(home, json.loads(out.stdout)["incident_id"])["runtime/app.log"].message
    assert "warning:" not in out.stderr
    misfit = _run(["analyze", str(bundle.root), "--log-format", "json-lines", "--json"], home)
    assert misfit.returncode == 0, misfit.stderr
    json.loads(misfit.stdout)  # stdout stays one JSON object
    assert "warning: runtime/app.log was not ingested:" in misfit.stderr and "JSON object" in misfit.stderr


def test_unknown_log_format_exits_2_and_help_lists_the_formats(tmp_path: Path) -> None:
    out = _run(["analyze", str(tmp_path), "--log-format", "log4j-xml"], tmp_path / "home")
    assert out.returncode == 2 and out.stdout == ""
    assert "invalid choice: 'log4j-xml'" in out.stderr and "logback" in out.stderr
    for command in ("analyze", "demo"):
        usage = re.sub(r"-\s+", "-", " ".join(_run([command, "--help"], tmp_path / "home").stdout.split()))  # unwrap
        assert "--log-format FORMAT" in usage and "json-lines" in usage and "first lines" in usage, command
