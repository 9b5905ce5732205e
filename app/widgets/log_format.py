"""The "Log format" picker shown wherever logs come in: auto-detect, or a format the user names."""

from __future__ import annotations

import streamlit as st

from app.i18n import t
from core.ingest.logs import AUTO, log_formats

__all__ = ["log_format_select"]


def log_format_select(key: str, help_text: str) -> str:
    """A selectbox of `log_formats()` ("auto" first and preselected); returns the chosen name."""
    auto = t("log_format.auto")  # bound now: the format_func may run outside this script run
    choice = st.selectbox(t("log_format.label"), log_formats(), key=key, help=help_text,
                          format_func=lambda name: auto if name == AUTO else name)
    return str(choice or AUTO)
