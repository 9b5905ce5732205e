"""The post-mortem's four downloads (Markdown, HTML, PDF, JSON) in the language picked, each built and audited on
click."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from app.i18n import LANGUAGES, t
from app.state import Widgets as W
from app.widgets.review import acting
from core.report import FORMATS, build_report, export_report, render_markdown
from core.report_render import pdf_problem
from core.schema import ReportData
from core.store import Store

__all__ = ["report_downloads"]

_BUTTONS = (("md", "report.dl_md", ":material/download:", W.DL_MD),
            ("html", "report.dl_html", ":material/html:", W.DL_HTML),
            ("pdf", "report.dl_pdf", ":material/picture_as_pdf:", W.DL_PDF),
            ("json", "report.dl_json", ":material/data_object:", W.DL_JSON))


def _builder(store: Store, report: ReportData, fmt: str, lang: str, actor: str) -> Callable[[], bytes]:
    # Runs when the button is clicked (outside the page's run): a PDF is only rendered when someone asks for it,
    # and each download is one audit row.
    def build() -> bytes:
        return export_report(store, report, fmt, lang, actor=actor)
    return build


def report_downloads(store: Store, report: ReportData, page_lang: str) -> str:
    """The language picker and the four download buttons; returns the Markdown in the picked language (the preview)."""
    incident = report.incident
    with st.container(horizontal=True, vertical_alignment="bottom", gap="medium"):
        lang = st.segmented_control(t("report.lang"), list(LANGUAGES), default=page_lang, required=True,
                                    format_func=lambda c: LANGUAGES[c], key=W.REPORT_LANG) or page_lang
        shown = report if lang == page_lang else build_report(store, report.debate.id, lang)
        actor = acting().name
        for fmt, label, icon, key in _BUTTONS:
            mime, ext = FORMATS[fmt]
            name = f"{incident.id}-postmortem.{ext}" if fmt == "json" else f"{incident.id}-postmortem-{lang}.{ext}"
            missing = pdf_problem() if fmt == "pdf" else None  # no Pango here: say so instead of failing on click
            st.download_button(t(label), _builder(store, shown, fmt, lang, actor), file_name=name, mime=mime, key=key,
                               icon=icon, type="primary" if fmt == "pdf" else "secondary", on_click="ignore",
                               disabled=missing is not None,
                               help=t("report.pdf_missing", problem=missing) if missing else t("report.dl_help"))
    return render_markdown(shown, lang)
