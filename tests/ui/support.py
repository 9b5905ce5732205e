"""Helpers shared by the UI tests: paths, isolation, bounded waits, page text."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
MAIN = str(ROOT / "app" / "main.py")
PAGES = {
    "intake": "../pages/intake.py",
    "assets": "../pages/assets.py",
    "debate": "../pages/debate.py",
    "report": "../pages/report.py",
    "compare": "../pages/compare.py",
    "graph": "../pages/graph.py",
    "history": "../pages/history.py",
    "settings": "../pages/settings.py",
}


def isolate(mp: pytest.MonkeyPatch, home: Path) -> None:
    """Point the app at `home` and make sure no model key (env or secrets.toml) switches the brain."""
    for name in ("LLM_API_KEY", "LLM_BASE_URL", "LLM_MODEL", "NEO4J_URI", "TRIBUNAL_OFFLINE_PACE", "TRIBUNAL_AUTH"):
        mp.delenv(name, raising=False)
    mp.setenv("LLM_API_KEY_ENV", "TRIBUNAL_UI_TEST_NO_KEY")
    mp.setenv("TRIBUNAL_HOME", str(home))
    mp.setenv("TRIBUNAL_WORKERS", "0")  # debates in threads here; tests/ui/test_debate_workers.py covers the workers


def new_app(timeout: float = 30) -> AppTest:
    return AppTest.from_file(MAIN, default_timeout=timeout)


def wait_until(at: AppTest, ready: Callable[[AppTest], bool], timeout_s: float, poll_s: float = 0.25) -> bool:
    """Rerun the app until `ready(at)` holds or `timeout_s` passes; True when it held."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        at.run()
        if ready(at):
            return True
        time.sleep(poll_s)
    return False


def texts(at: AppTest) -> str:
    """All markdown, captions, titles, headers and alerts on the page, as one string."""
    parts: list[str] = []
    for group in (at.title, at.header, at.subheader, at.markdown, at.caption, at.info, at.success, at.warning,
                  at.error):
        parts += [str(el.value) for el in group]
    return "\n".join(parts)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
