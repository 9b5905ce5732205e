"""The dashboard's pages: one file each under pages/, titled in the current language."""

from __future__ import annotations

import streamlit as st

from app.i18n import t

__all__ = ["PAGES", "build_pages", "page", "switch_to"]

#: name -> (file relative to app/main.py, material icon)
PAGES: dict[str, tuple[str, str]] = {
    "intake": ("../pages/intake.py", ":material/input:"),
    "assets": ("../pages/assets.py", ":material/inventory_2:"),
    "debate": ("../pages/debate.py", ":material/forum:"),
    "report": ("../pages/report.py", ":material/gavel:"),
    "graph": ("../pages/graph.py", ":material/hub:"),
    "compare": ("../pages/compare.py", ":material/compare_arrows:"),
    "history": ("../pages/history.py", ":material/history:"),
    "settings": ("../pages/settings.py", ":material/tune:"),
    "audit": ("../pages/audit.py", ":material/policy:"),
}
#: Pages listed only for a role at least this high (the page checks the role again itself).
PAGE_ROLES: dict[str, str] = {"audit": "admin"}


def page(name: str) -> st.Page:
    path, icon = PAGES[name]
    return st.Page(path, title=t(f"nav.{name}"), icon=icon, url_path=name, default=name == "intake")


def build_pages() -> list[st.Page]:
    """The pages this session's role may open (app.access reads who is signed in)."""
    from app.access import can

    return [page(name) for name in PAGES if name not in PAGE_ROLES or can(PAGE_ROLES[name])]


def switch_to(name: str) -> None:
    """Go to another page (the current incident stays in session state)."""
    st.switch_page(page(name))
