"""The dashboard's wording in the session's language: `t(key, **fmt)` over the one catalog, core.i18n."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from app.state import Keys
from core.i18n import LANGUAGE_NAMES, has, text

__all__ = ["LANGUAGES", "agent_duty", "agent_role", "has_key", "labeler", "phase_label", "t"]

LANGUAGES: dict[str, str] = LANGUAGE_NAMES


def _lang() -> str:
    try:
        return "zh" if st.session_state.get(Keys.LANG) == "zh" else "en"
    except Exception:  # noqa: BLE001 - outside a Streamlit run (unit tests, bare imports) anything may raise
        return "en"


def has_key(key: str) -> bool:
    return has(key)


def t(key: str, lang: str | None = None, **fmt: object) -> str:
    """The string for `key` in the current (or given) language, formatted with `fmt`.

    An unknown key returns the key itself, so a missing translation is visible but never crashes;
    a test checks that every key used in app/ and pages/ exists. With ``n=1`` a ``key.one`` entry, if
    present, gives the singular.
    """
    return text(key, lang or _lang(), **fmt)


def labeler(prefix: str) -> Callable[[object], str]:
    """A widget `format_func` for options translated as `prefix + option`.

    The language is bound now: Streamlit (and AppTest) may call a format_func outside the run
    that created the widget, where the session's language cannot be read.
    """
    lang = _lang()
    return lambda option: t(f"{prefix}{option}", lang=lang)


def _label_key(agent: str, which: int) -> str | None:
    """The i18n key of `agent`'s role (0) or duty (1), as its AgentSpec names it; None for an unknown agent."""
    from core.agents.spec import AGENT_SPECS  # deferred: keeps this module importable on its own

    s = AGENT_SPECS.get(agent)  # type: ignore[call-overload]
    return s.label_keys[which] if s is not None else None


def agent_role(agent: str) -> str:
    key = _label_key(agent, 0)
    return t(key) if key is not None and has_key(key) else agent


def agent_duty(agent: str) -> str:
    key = _label_key(agent, 1)
    return t(key) if key is not None and has_key(key) else ""


def phase_label(phase: str) -> str:
    return t(f"phase.{phase}") if has_key(f"phase.{phase}") else phase
