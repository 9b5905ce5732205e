"""Dashboard entry point: `streamlit run app/main.py` — page config, sidebar, navigation over pages/."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run app/main.py` puts app/ on the path, not the working copy
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app import access, nav, resources, state  # noqa: E402
from app.i18n import t  # noqa: E402
from app.theme import inject_css  # noqa: E402
from app.widgets.sidebar import render_sidebar, resolve_language  # noqa: E402
from app.widgets.sign_in import render_sign_in  # noqa: E402
from core.errors import TribunalError  # noqa: E402

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

st.set_page_config(page_title="SRE Tribunal", page_icon=":material/balance:", layout="wide",
                   initial_sidebar_state="expanded")
resolve_language()
inject_css()  # after the language: the uploader's Chinese text is CSS
st.logo(str(ROOT / "app" / "logo.svg"), size="large")

page = st.navigation(nav.build_pages(), position="sidebar")

cfg = store = registry = None
problem: str | None = None
try:
    cfg = resources.settings()
    store = resources.store(cfg)
    registry = resources.registry(cfg)
    resources.jobs(cfg)  # start the debate workers with the app
except TribunalError as exc:
    problem = str(exc)
who = None
if cfg is not None and store is not None:
    try:
        who = access.current(cfg, store)  # every run: a role change or a disabled account applies at once
    except TribunalError as exc:
        problem = str(exc)
st.session_state[access.AuthKeys.PRINCIPAL] = who

render_sidebar(cfg, store, registry)
if problem is not None:
    st.error(t("app.unavailable", message=problem))
    st.stop()
if who is None and cfg is not None and store is not None:
    render_sign_in(cfg, store)  # nobody signed in (TRIBUNAL_AUTH=local|oidc): no page runs
    st.stop()
state.sync_url()
page.run()
