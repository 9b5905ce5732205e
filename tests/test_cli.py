"""The CLI as a user runs it: a real subprocess, JSON on stdout, progress on stderr, exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import MiniBundle

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
    assert commands == ["analyze", "demo", "index", "logs"]
    for command in ("python -m core analyze", "python -m core demo", "python -m core index",
                    "python -m core logs templates"):
        assert command in readme


def test_index_prints_the_symbol_index(mini_bundle: MiniBundle, tmp_path: Path) -> None:
    out = _run(["index", str(mini_bundle.root), "--json"], tmp_path / "home")
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    assert set(payload) == {"nodes", "edges", "symbols"}
    service = next(s for s in payload["symbols"] if s["name"].endswith(".StockService"))
    assert service["file"] == "src/main/java/com/acme/shop/stock/application/StockService.java"
    assert service["role"] == "application_service" and service["bounded_context"] == "stock"
    assert service["team"] == "@acme/stock-team"
