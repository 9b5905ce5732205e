"""The demo's own runs never join the case library; other finished analyses still do."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.bundle import load_bundle
from core.cases import library_size
from core.config import Settings
from core.pipeline import fuse, ingest_bundle, open_incident, run_debate
from core.store import Store
from tests.conftest import build_mini_bundle


def _judge(store: Store, settings: Settings, root: Path) -> None:
    bundle = load_bundle(build_mini_bundle(root).root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    fuse(store, settings, incident.id)
    list(run_debate(store, settings, incident.id))


@pytest.mark.parametrize("where,grows", [("demo", False), ("elsewhere", True)])
def test_only_non_demo_rulings_join_the_library(store: Store, settings: Settings, tmp_path: Path, where: str,
                                                grows: bool) -> None:
    root = settings.home / "demo" / "bundle" if where == "demo" else tmp_path / "bundle"
    _judge(store, settings, root)  # ingest may add the bundle's own case files; the ruling comes after
    before = library_size(settings)
    _judge(store, settings, root.with_name(root.name + "-2"))
    added = library_size(settings) - before
    assert (added > 0) is grows, added
