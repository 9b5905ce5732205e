"""Roles are enforced in core: a forged call below the needed role is refused and changes nothing; every action the
UI and the CLI take leaves its audit row, in the actor's name."""

from __future__ import annotations

import ast
import getpass
from pathlib import Path

import pytest

from app.debate_runner import DebateRegistry
from app.debate_session import start_debate as ui_start_debate
from core import audit, pipeline
from core.auth import Principal
from core.bundle import load_bundle
from core.cli import main
from core.compare import compare_modes
from core.config import Settings
from core.errors import Forbidden
from core.pipeline import iterate_sync
from core.resume import resume_incident
from core.store import Store
from tests.conftest import MiniBundle

ROOT = Path(__file__).resolve().parent.parent
VIEWER = Principal("vera", "viewer", "local")
ANALYST = Principal("ann", "analyst", "local")


def _actions(store: Store, incident_id: str | None = None) -> list[tuple[str, str]]:
    return [(e.actor, e.action) for e in reversed(audit.list_events(store, incident_id=incident_id))]


@pytest.fixture
def analysed(store: Store, settings: Settings, mini_bundle: MiniBundle) -> str:
    """An incident opened, ingested and fused by an analyst (no debate yet)."""
    bundle = load_bundle(mini_bundle.root)
    incident = pipeline.open_incident(store, bundle.draft, actor=ANALYST)
    pipeline.ingest_bundle(store, settings, incident, bundle, actor=ANALYST)
    pipeline.fuse(store, settings, incident.id, actor=ANALYST)
    return incident.id


def test_a_viewer_opens_nothing_and_uploads_nothing(store: Store, settings: Settings, mini_bundle: MiniBundle,
                                                    analysed: str) -> None:
    bundle = load_bundle(mini_bundle.root)
    before = len(store.list_incidents())
    with pytest.raises(Forbidden, match="vera \\(viewer\\) may not open an incident"):
        pipeline.open_incident(store, bundle.draft, actor=VIEWER)
    assert len(store.list_incidents()) == before
    incident = store.get_incident(analysed)
    assets = len(store.list_assets(analysed))
    with pytest.raises(Forbidden):
        pipeline.ingest_uploads(store, settings, incident, [("app.log", b"2026-11-20 ERROR boom\n")], actor=VIEWER)
    with pytest.raises(Forbidden):
        pipeline.ingest_bundle(store, settings, incident, bundle, actor=VIEWER)
    with pytest.raises(Forbidden):
        pipeline.set_in_app_rules(store, analysed, ["com.evil"], [], actor=VIEWER)
    with pytest.raises(Forbidden):
        pipeline.fuse(store, settings, analysed, actor=VIEWER)
    assert len(store.list_assets(analysed)) == assets
    assert not (settings.work_dir / analysed / "uploads" / "app.log").exists(), "nothing kept on disk"
    assert store.in_app_rules(analysed) == ([], [])
    refused = list(reversed(audit.list_events(store, action="auth.forbidden")))
    assert [(e.actor, e.incident_id, e.detail["what"]) for e in refused] == [
        ("vera", None, "open an incident"), ("vera", analysed, "upload assets"), ("vera", analysed, "upload assets"),
        ("vera", analysed, "change an incident's in-app packages"), ("vera", analysed, "fuse an incident's evidence")]
    assert refused[0].detail["role"] == "viewer" and refused[0].detail["needed"] == "analyst"


def test_a_viewer_starts_resumes_compares_nothing(store: Store, settings: Settings, analysed: str) -> None:
    with pytest.raises(Forbidden, match="may not start a debate"):
        pipeline.start_debate(store, settings, analysed, actor=VIEWER)
    with pytest.raises(Forbidden, match="may not start a debate"):
        ui_start_debate(store, settings, DebateRegistry(), analysed, "offline", 0.0, actor=VIEWER)
    with pytest.raises(Forbidden):
        resume_incident(store, settings, analysed, actor=VIEWER)
    with pytest.raises(Forbidden):
        compare_modes(store, settings, analysed, actor=VIEWER)
    assert store.latest_debate(analysed) is None, "no debate row was written"


def test_a_viewer_cannot_intervene_in_or_stop_a_running_debate(store: Store, settings: Settings, analysed: str) -> None:
    debate = pipeline.start_debate(store, settings, analysed, actor=ANALYST)
    with pytest.raises(Forbidden, match="may not intervene"):
        debate.intervene("note", "forged", actor=VIEWER)
    with pytest.raises(Forbidden, match="may not stop a debate"):
        debate.cancel(actor=VIEWER)
    events = list(iterate_sync(debate.events()))
    assert not [e for e in events if e.type == "intervention"]
    assert store.get_debate(debate.debate_id).status == "finished"


def test_the_runner_refuses_a_viewer_before_anything_reaches_the_orchestrator(store: Store, settings: Settings,
                                                                              analysed: str) -> None:
    calls: list[object] = []
    run = DebateRegistry().start("INC-X", "offline", 0.0, lambda: iter(()),
                                 on_cancel=lambda **kw: calls.append(kw), on_intervene=lambda *a, **kw: calls.append(a))
    with pytest.raises(Forbidden):
        run.cancel(actor=VIEWER)
    assert not run.cancel_requested and calls == []


def test_each_action_writes_its_audit_row_in_the_actors_name(store: Store, settings: Settings, analysed: str) -> None:
    debate = pipeline.start_debate(store, settings, analysed, actor=ANALYST)
    debate.intervene("note", "the DBA saw no load", actor=Principal("bob", "approver"))
    list(iterate_sync(debate.events()))
    stopped = pipeline.start_debate(store, settings, analysed, actor=ANALYST)
    stopped.cancel(actor=Principal("carl", "analyst"))
    list(iterate_sync(stopped.events()))
    pipeline.set_in_app_rules(store, analysed, ["com.acme"], [], actor=ANALYST)
    assert _actions(store, analysed) == [
        ("ann", "incident.created"), ("ann", "asset.uploaded"),
        ("ann", "debate.started"), ("bob", "debate.intervention"), ("ann", "debate.ruling"),
        ("ann", "debate.started"), ("carl", "debate.stopped"),
        ("ann", "setting.changed"),
    ]
    ruling = audit.list_events(store, action="debate.ruling")[0]
    assert ruling.detail["debate_id"] == debate.debate_id and ruling.detail["brain"] == "offline"
    assert {"risk_level", "rollback_recommended", "confidence"} <= set(ruling.detail)
    note = audit.list_events(store, action="debate.intervention")[0]
    assert note.detail["kind"] == "note" and "DBA" not in str(note.detail), "the note's text stays out of the audit"
    uploaded = audit.list_events(store, action="asset.uploaded")[0]
    assert any(a.startswith("log:") for a in uploaded.detail["assets"])
    assert audit.verify_chain(store) is None


def test_resuming_is_audited_as_a_resume(store: Store, settings: Settings, analysed: str) -> None:
    first = pipeline.start_debate(store, settings, analysed, actor=ANALYST)
    again = pipeline.start_debate(store, settings, analysed, debate_id=first.debate_id, actor=ANALYST)
    assert again.debate_id == first.debate_id
    assert [a for _, a in _actions(store, analysed)][-2:] == ["debate.started", "debate.resumed"]


def test_the_cli_acts_and_is_audited_as_the_os_user(mini_bundle: MiniBundle, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LLM_API_KEY", "LLM_BASE_URL", "LLM_MODEL", "NEO4J_URI", "TRIBUNAL_AUTH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRIBUNAL_HOME", str(tmp_path / "home"))
    assert main(["analyze", str(mini_bundle.root), "--json"]) == 0
    store = Store(tmp_path / "home" / "tribunal.duckdb")
    rows = _actions(store)
    assert {actor for actor, _ in rows} == {f"os:{getpass.getuser()}"}
    assert [a for _, a in rows] == ["incident.created", "asset.uploaded", "debate.started", "debate.ruling"]


# Core entry points that change something: every call from the UI must say who acts (else core assumes the
# single local user of TRIBUNAL_AUTH=off, and a signed-in viewer's call would pass).
_GUARDED = {"open_incident", "ingest_bundle", "ingest_uploads", "set_in_app_rules", "fuse", "start_debate",
            "resume_incident", "compare_modes", "load_demo", "load_archive", "open_from_form", "add_files",
            "apply_in_app_rules", "redo_ingest"}


def test_every_ui_call_of_a_guarded_entry_point_names_the_actor() -> None:
    missing = []
    for path in [*(ROOT / "pages").glob("*.py"), *(ROOT / "app").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in _GUARDED and not any(k.arg == "actor" for k in node.keywords):
                # a function's own body may pass `actor` on; a call inside the module that defines it must too
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}" + (" (defined here)" if name in defined
                                                                                     else ""))
    assert not missing, missing
