"""UI test fixtures: an isolated data directory per test, or one demo session per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.support import isolate, new_app, no_exception


@pytest.fixture
def ui_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty data directory for one test (the cached Store is keyed by its path)."""
    home = tmp_path / "home"
    isolate(monkeypatch, home)
    return home


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppTest]:
    """An app session that loaded the demo incident through the intake page (shared by a module's tests)."""
    home = tmp_path_factory.mktemp("demo") / "home"
    with pytest.MonkeyPatch.context() as mp:
        isolate(mp, home)
        at = new_app(timeout=240).run()
        at.button(key="w.intake.demo").click().run()
        no_exception(at)
        assert not at.error, [e.value for e in at.error]
        yield at
