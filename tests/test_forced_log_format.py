"""A log format chosen by the user (argument, incident.yaml, upload) is the one used; a misfit fails only that log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.bundle import load_bundle
from core.config import Settings
from core.errors import IngestError
from core.pipeline import analyze_bundle, ingest_bundle, ingest_uploads, open_incident
from core.schema import Asset, IncidentDraft
from core.store import Store
from tests.conftest import START, build_mini_bundle

LOG = """\
2026-11-20 14:01:02.000 INFO [main] c.a.s.order.OrderController - Order 1 placed
2026-11-20 14:05:10.000 ERROR [exec-1] c.a.s.order.OrderController - Order failed
"""

EVENTS = "".join(json.dumps({"@timestamp": f"2026-11-20T14:0{i}:00+08:00", "level": "ERROR", "logger": "c.a.Gateway",
                             "message": f"upstream timeout {i}"}) + "\n" for i in range(5))


def _bundle(root: Path, yaml_extra: str = "") -> Path:
    """The mini bundle (its app.log is Logback) plus a JSON-lines log, and optional incident.yaml lines."""
    build_mini_bundle(root, with_repo=False)
    (root / "runtime" / "events.jsonl").write_text(EVENTS, encoding="utf-8")
    if yaml_extra:
        with (root / "incident.yaml").open("a", encoding="utf-8") as meta:
            meta.write(yaml_extra)
    return root


def _ingest(store: Store, settings: Settings, root: Path, log_format: str = "auto") -> dict[str, Asset]:
    bundle = load_bundle(root)
    incident = open_incident(store, bundle.draft)
    return {a.name: a for a in ingest_bundle(store, settings, incident, bundle, log_format=log_format)}


def test_detection_by_default_and_a_forced_format_wins(store: Store, settings: Settings, tmp_path: Path) -> None:
    root = _bundle(tmp_path / "b")
    detected = _ingest(store, settings, root)
    assert "layout logback" in detected["runtime/app.log"].message
    forced = _ingest(store, settings, root, "generic")
    assert forced["runtime/app.log"].status == "ok" and forced["runtime/app.log"].items > 0
    assert "layout generic" in forced["runtime/app.log"].message, forced["runtime/app.log"].message


def test_a_format_that_fits_no_line_fails_that_log_and_the_rest_still_lands(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    assets = _ingest(store, settings, _bundle(tmp_path / "b"), "json-lines")
    app = assets["runtime/app.log"]
    assert app.status == "error"
    assert "is a JSON object" in app.message and "'auto'" in app.message, app.message
    events = assets["runtime/events.jsonl"]
    assert events.status == "ok" and "layout json-lines" in events.message and events.items == 5
    assert assets["design/CODEOWNERS"].status == "ok"


def test_incident_yaml_maps_each_log_to_its_format(store: Store, settings: Settings, tmp_path: Path) -> None:
    root = _bundle(tmp_path / "b", "log_format:\n  runtime/app.log: generic\n")
    assets = _ingest(store, settings, root)
    assert "layout generic" in assets["runtime/app.log"].message
    assert "layout json-lines" in assets["runtime/events.jsonl"].message, "a log the mapping leaves out is detected"
    overridden = _ingest(store, settings, root, "logback")
    assert "layout logback" in overridden["runtime/app.log"].message, "an explicit choice beats incident.yaml"
    assert overridden["runtime/events.jsonl"].status == "error"


def test_incident_yaml_single_format_applies_to_every_log(store: Store, settings: Settings, tmp_path: Path) -> None:
    assets = _ingest(store, settings, _bundle(tmp_path / "b", "log_format: generic\n"))
    assert "layout generic" in assets["runtime/app.log"].message
    assert assets["runtime/events.jsonl"].status == "error"


def test_uploads_use_the_chosen_format(store: Store, settings: Settings) -> None:
    incident = open_incident(store, IncidentDraft(title="t", severity="high", started_at=START, service="svc"))
    [forced] = ingest_uploads(store, settings, incident, [("pasted.log", LOG.encode())], log_format="generic")
    assert forced.status == "ok" and "layout generic" in forced.message
    [unknown] = ingest_uploads(store, settings, incident, [("more.log", LOG.encode())], log_format="log4j-xml")
    assert unknown.status == "error" and "Unknown log format 'log4j-xml'" in unknown.message
    assert "logback" in unknown.message, "the message lists the formats to choose from"


def test_analyze_refuses_an_unknown_format_before_writing(store: Store, settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"Unknown log format 'xml'.*logback"):
        analyze_bundle(store, settings, _bundle(tmp_path / "b"), log_format="xml")
    assert store.list_incidents() == []
