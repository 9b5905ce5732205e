"""Resume: an incident stopped at any step continues from there, and nothing finished runs or is stored twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from core.bundle import load_bundle
from core.config import Settings
from core.errors import ResumeError
from core.ingest.logs import ingest_log_file
from core.pipeline import analyze_bundle, fuse, ingest_bundle, open_incident
from core.resume import resume_incident, resume_step
from core.store import Store
from tests.conftest import MiniBundle

ROOT = Path(__file__).resolve().parent.parent


def _history(store: Store, debate_id: str) -> tuple[Counter[tuple[str, int]], Counter[tuple[str, int]]]:
    """(agent, round) of every stored turn, and (type, round) of every stored round event."""
    turns = Counter((t.agent, t.round) for t in store.list_turns(debate_id))
    rounds = Counter((e.type, e.round) for e in store.list_events(debate_id)  # type: ignore[union-attr]
                     if e.type in ("consensus", "round_finished"))
    return turns, rounds


def _assert_once(store: Store, debate_id: str) -> None:
    turns, rounds = _history(store, debate_id)
    assert all(n == 1 for n in turns.values()), turns
    assert all(n == 1 for n in rounds.values()), rounds
    assert turns[("JudgeAgent", max(r for _, r in turns))] == 1


def test_a_ruled_incident_is_not_run_again(store: Store, settings: Settings, mini_bundle: MiniBundle) -> None:
    done = analyze_bundle(store, settings, mini_bundle.root)
    assert resume_step(store, done.incident.id) == "done"
    before = store.list_events(done.debate_id)
    again = resume_incident(store, settings, done.incident.id)
    assert again.debate_id == done.debate_id and again.judgment == done.judgment
    assert store.list_events(done.debate_id) == before


def test_killed_right_after_the_judge_turn_the_judge_runs_once(store: Store, settings: Settings,
                                                                mini_bundle: MiniBundle) -> None:
    done = analyze_bundle(store, settings, mini_bundle.root)
    with store.transaction() as cur:  # the state a kill between the judge's turn and its ruling leaves
        cur.execute("DELETE FROM judgments WHERE debate_id = ?", [done.debate_id])
        cur.execute("DELETE FROM events WHERE debate_id = ? AND type = 'judgment'", [done.debate_id])
        cur.execute("UPDATE debates SET status = 'running', finished_at = NULL WHERE id = ?", [done.debate_id])
        cur.execute("UPDATE incidents SET status = 'debating' WHERE id = ?", [done.incident.id])
    assert resume_step(store, done.incident.id) == "debate"
    again = resume_incident(store, settings, done.incident.id)
    assert again.debate_id == done.debate_id and again.judgment is not None and again.error is None
    _assert_once(store, done.debate_id)
    assert store.get_debate(done.debate_id).status == "finished"
    assert store.get_incident(done.incident.id).status == "judged"


def test_killed_between_the_ruling_and_its_bookkeeping(store: Store, settings: Settings,
                                                        mini_bundle: MiniBundle) -> None:
    done = analyze_bundle(store, settings, mini_bundle.root)
    with store.transaction() as cur:
        cur.execute("UPDATE debates SET status = 'running', finished_at = NULL WHERE id = ?", [done.debate_id])
    events = len(store.list_events(done.debate_id))
    again = resume_incident(store, settings, done.incident.id)
    assert again.judgment == done.judgment and len(store.list_events(done.debate_id)) == events
    assert store.get_debate(done.debate_id).status == "finished"


def test_killed_mid_debate_the_finished_turns_are_kept(store: Store, settings: Settings,
                                                        mini_bundle: MiniBundle) -> None:
    done = analyze_bundle(store, settings, mini_bundle.root)
    first_critic = next(e.seq for e in store.list_events(done.debate_id)
                        if e.type == "turn_started" and e.agent == "CriticAgent")  # type: ignore[union-attr]
    with store.transaction() as cur:  # killed as the critic started: the experts' turns are stored
        cur.execute("DELETE FROM events WHERE debate_id = ? AND seq >= ?", [done.debate_id, first_critic])
        cur.execute("DELETE FROM judgments WHERE debate_id = ?", [done.debate_id])
        cur.execute("UPDATE debates SET status = 'running' WHERE id = ?", [done.debate_id])
    experts = [t.finished_at for t in store.list_turns(done.debate_id)]
    again = resume_incident(store, settings, done.incident.id)
    assert again.judgment is not None
    _assert_once(store, done.debate_id)
    assert [t.finished_at for t in store.list_turns(done.debate_id)][: len(experts)] == experts  # not re-run


def test_killed_before_fusion(store: Store, settings: Settings, mini_bundle: MiniBundle) -> None:
    bundle = load_bundle(mini_bundle.root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    assert resume_step(store, incident.id) == "fusion"
    result = resume_incident(store, settings, incident.id)
    assert result.judgment is not None and result.judgment.suspect_commit is not None
    assert result.judgment.suspect_commit.sha == mini_bundle.bug_sha


def test_killed_during_ingest_needs_the_bundle_and_leaves_no_duplicates(
    store: Store, settings: Settings, mini_bundle: MiniBundle, tmp_path: Path,
) -> None:
    bundle = load_bundle(mini_bundle.root)
    incident = open_incident(store, bundle.draft)
    ingest_log_file(store, incident, bundle.logs[0])  # the log landed, then the process was killed
    assert resume_step(store, incident.id) == "ingest"
    with pytest.raises(ResumeError, match=f"python -m core resume {incident.id} --bundle BUNDLE_DIR"):
        resume_incident(store, settings, incident.id)
    other = tmp_path / "other"
    other.mkdir()
    (other / "incident.yaml").write_text(
        'title: other\nseverity: low\nstarted_at: "2026-11-20T14:00:00+08:00"\nservice: s\n', encoding="utf-8")
    with pytest.raises(ResumeError, match="describes another incident"):
        resume_incident(store, settings, incident.id, bundle_dir=other)
    result = resume_incident(store, settings, incident.id, bundle_dir=mini_bundle.root)
    assert result.judgment is not None
    fresh = analyze_bundle(store, settings, mini_bundle.root)
    count = "SELECT count(*) AS n FROM log_lines WHERE incident_id = ?"
    assert store.query_df(count, [incident.id])["n"][0] == store.query_df(count, [fresh.incident.id])["n"][0]
    assert len(store.list_assets(incident.id)) == len(store.list_assets(fresh.incident.id))


def test_an_unfused_incident_is_fused_once(store: Store, settings: Settings, mini_bundle: MiniBundle) -> None:
    bundle = load_bundle(mini_bundle.root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    fuse(store, settings, incident.id)
    assert resume_step(store, incident.id) == "debate"
    assert resume_incident(store, settings, incident.id).judgment is not None


def _cli(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "NEO4J_", "TRIBUNAL_"))}
    env["TRIBUNAL_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "core", *args], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=300, check=False)


def test_the_cli_resumes_and_says_what_to_do(mini_bundle: MiniBundle, tmp_path: Path) -> None:
    home = tmp_path / "home"
    unknown = _cli(["resume", "INC-20261120-000000"], home)
    assert unknown.returncode == 2 and unknown.stderr.startswith("error: No incident 'INC-20261120-000000'")
    first = _cli(["analyze", str(mini_bundle.root), "--json"], home)
    payload = json.loads(first.stdout)
    again = _cli(["resume", payload["incident_id"], "--json"], home)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["judgment"] == payload["judgment"]


def test_the_history_page_continues_an_unfused_incident(mini_bundle: MiniBundle, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from core.config import load_settings
    from tests.ui.support import PAGES, isolate, new_app, no_exception, texts

    isolate(monkeypatch, tmp_path / "home")
    settings = load_settings(secrets_path=tmp_path / "none.toml")
    store = Store(settings.db_path, memory_limit=settings.duckdb_memory)  # the app's own settings, same file
    bundle = load_bundle(mini_bundle.root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)  # killed before fusion
    store.close()
    at = new_app(timeout=60).run()
    at.switch_page(PAGES["history"]).run()
    no_exception(at)
    assert f"{incident.id} stopped before its evidence was fused." in texts(at)
    at.button(key="w.history.open.resume").click().run()
    no_exception(at)
    store = Store(settings.db_path, memory_limit=settings.duckdb_memory)
    assert resume_step(store, incident.id) == "debate"
    store.close()


def test_kill_9_during_ingest_then_resume_from_the_cli(mini_bundle: MiniBundle, tmp_path: Path) -> None:
    import re
    import signal

    log = mini_bundle.root / "runtime" / "app.log"
    lines = log.read_text(encoding="utf-8").splitlines()
    filler = [ln for ln in lines if " INFO " in ln][:50] * 6000  # ~300k lines: a few seconds of parsing
    log.write_text("\n".join(filler + lines) + "\n", encoding="utf-8")
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "NEO4J_", "TRIBUNAL_"))}
    env["TRIBUNAL_HOME"] = str(home)
    proc = subprocess.Popen([sys.executable, "-m", "core", "analyze", str(mini_bundle.root)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    incident_id = None
    assert proc.stderr is not None
    for line in proc.stderr:
        if found := re.search(r"Incident (INC-\S+) opened", line):
            incident_id = found.group(1)
        if "Parsing app.log" in line:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL and incident_id
    refused = _cli(["resume", incident_id], home)
    assert refused.returncode == 2 and "--bundle BUNDLE_DIR" in refused.stderr
    resumed = _cli(["resume", incident_id, "--bundle", str(mini_bundle.root), "--json"], home)
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["judgment"]["suspect_commit"]["sha"] == mini_bundle.bug_sha
    store = Store(home / "tribunal.duckdb")
    try:
        count = store.query_df("SELECT count(*) AS n FROM log_lines WHERE incident_id = ?", [incident_id])["n"][0]
        assert count == len(filler) + len(lines) - sum(1 for ln in lines if ln.startswith(("\t", "org.", "Caused")))
        assert [a.name for a in store.list_assets(incident_id)].count("runtime/app.log") == 1
    finally:
        store.close()
