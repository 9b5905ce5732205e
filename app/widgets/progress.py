"""Run an intake step under `st.status` with a progress bar; errors become actionable messages."""

from __future__ import annotations

import threading
from collections.abc import Callable

import streamlit as st

from app import state
from app.i18n import has_key, t
from core.errors import TribunalError
from core.schema import Incident

__all__ = ["run_with_status"]

Action = Callable[[Callable[[str, float], None], Callable[[Incident], None]], Incident]


def _label(message: str) -> str:
    return t(f"progress.{message}") if has_key(f"progress.{message}") else message


def run_with_status(label: str, action: Action) -> Incident | None:
    """Run `action(progress, on_open)`; the incident becomes current as soon as its row exists.

    Returns:
        The incident, or None when a TribunalError was shown to the user.
    """
    owner = threading.get_ident()
    with st.status(label, expanded=True) as status:
        bar = st.progress(0.0, text=t("progress.start"))
        last: list[str] = []

        def progress(message: str, fraction: float) -> None:
            # Core may report from worker threads; only the script thread may draw.
            if threading.get_ident() != owner:
                return
            text = _label(message)
            bar.progress(min(max(float(fraction), 0.0), 1.0), text=text)
            if not last or last[-1] != text:
                last.append(text)
                st.caption(f"✓ {text}")

        def on_open(incident: Incident) -> None:
            state.set_current_incident(incident.id)

        try:
            incident = action(progress, on_open)
        except TribunalError as exc:
            status.update(label=t("intake.failed"), state="error", expanded=True)
            st.error(f"{exc}\n\n{t('intake.failed_hint')}")
            return None
        status.update(label=t("intake.done", id=incident.id), state="complete", expanded=False)
    return incident
