"""Evidence chips and the source viewer they open (a dialog that survives live refreshes)."""

from __future__ import annotations

import html

import streamlit as st

from app.i18n import has_key, t
from app.state import language
from core.config import Settings
from core.errors import TribunalError
from core.fusion import SourceView, resolve_source
from core.fusion.ledger import evidence_text
from core.plain_text import md_data
from core.schema import Evidence
from core.store import Store

__all__ = ["citation_chips", "evidence_kind", "open_source", "show_open_source"]

_OPEN = "tribunal.source_open"  # (incident_id, evidence_id) shown in the dialog, until dismissed


def evidence_kind(kind: str) -> str:
    """An evidence kind in the UI language (``slow_sql`` → ``慢 SQL``)."""
    return t(f"evkind.{kind}") if has_key(f"evkind.{kind}") else kind.replace("_", " ")


def open_source(incident_id: str, evidence_id: str) -> None:
    """Mark an evidence item to be shown (a widget callback: the dialog opens on this run and stays)."""
    st.session_state[_OPEN] = (incident_id, evidence_id)


def _close_source() -> None:
    st.session_state.pop(_OPEN, None)


def _resolve(store: Store, incident_id: str, evidence_id: str) -> SourceView:
    return resolve_source(store, incident_id, evidence_id)


def citation_chips(citations: list[str], evidence: dict[str, Evidence], key: str, incident_id: str) -> None:
    """One clickable chip per cited evidence id; ids missing from the ledger are struck through in red."""
    if not citations:
        return
    with st.container(horizontal=True, gap="small", key=f"chips-{key}"):
        for i, cid in enumerate(citations):
            item = evidence.get(cid)
            if item is None:
                st.markdown(
                    f'<span class="tb-unknown-cite" title="{html.escape(t("evidence.unknown"))}">'
                    f'{html.escape(cid)}</span>',
                    unsafe_allow_html=True, width="content",
                )
                continue
            st.button(
                cid, key=f"chip-{key}-{i}-{cid}",
                help=f"{evidence_kind(item.kind)} · {md_data(evidence_text(item, language()))}",
                type="secondary",
                on_click=open_source, args=(incident_id, cid),
            )


def show_open_source(store: Store, cfg: Settings, incident_id: str, evidence: dict[str, Evidence]) -> None:
    """Show the source dialog if a chip asked for it (call once per run, after the chips)."""
    wanted = st.session_state.get(_OPEN)
    if not wanted or wanted[0] != incident_id:
        return
    evidence_id = wanted[1]

    @st.dialog(t("source.dialog_title", id=evidence_id), width="large", on_dismiss=_close_source)
    def _dialog() -> None:
        item = evidence.get(evidence_id)
        if item is not None:
            st.markdown(f"**{md_data(evidence_text(item, language()))}**")
            st.caption(f"{t('evidence.kind')}: {evidence_kind(item.kind)} · {t('evidence.source')}: `{item.source}`")
        try:
            view = _resolve(store, incident_id, evidence_id)
        except TribunalError as exc:
            st.warning(t("source.unavailable", message=str(exc)))
        else:
            st.markdown(f"**{md_data(view.title)}**")
            if view.location:
                st.caption(view.location)
            # Core numbers the lines itself (and marks the cited one), so no line_numbers here.
            tall = view.text.count("\n") > 18
            st.code(view.text, language=view.language or "text", height=440 if tall else "content")
        if st.button(t("common.close"), key="source-close", on_click=_close_source):
            st.rerun()

    _dialog()
