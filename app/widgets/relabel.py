"""Choice widgets whose labels follow the UI language keep their values when the language changes.

Streamlit keeps a choice widget's *displayed* label in the browser: after the labels change language it
shows the old label (or nothing). Re-assigning each value when the language changes makes Streamlit
send it again, drawn with the new labels. Seed such widgets in session state (not with a widget
default), so a value set here never fights a widget default.
"""

from __future__ import annotations

import streamlit as st

__all__ = ["relabel_on_language_change"]


def relabel_on_language_change(scope: str, lang: str, keys: tuple[str, ...]) -> None:
    """Call before drawing the widgets `keys` of one page (`scope`); `lang` is the UI language of this run."""
    marker = f"tribunal.drawn_lang.{scope}"
    before = st.session_state.get(marker)
    st.session_state[marker] = lang
    if before is not None and before != lang:
        for key in keys:
            if key in st.session_state:
                st.session_state[key] = st.session_state[key]
