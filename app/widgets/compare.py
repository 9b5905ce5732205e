"""One card per compare mode (verdict, confidence, cost) and the experts' votes."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from app.i18n import t
from app.theme import icon_html
from core.compare import ModeResult
from core.plain_text import duration, md_data

__all__ = ["mode_card", "votes_table"]

_ICONS = {"single": "person", "vote": "how_to_vote", "debate": "forum"}


def _short_path(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def mode_card(result: ModeResult) -> None:
    """The mode's verdict (location, commit, team), its confidence, tokens and wall time."""
    with st.container(border=True, key=f"compare-{result.mode}"):
        st.markdown(f'<div class="tb-verdict-label">{icon_html(_ICONS[result.mode])} '
                    f'{html.escape(t("compare.mode_" + result.mode))}</div>'
                    f'<div style="font-size:.8rem;color:#64748b">{html.escape(t("compare.how_" + result.mode))}</div>',
                    unsafe_allow_html=True)
        if result.error:
            st.error(result.error)
            return
        cells = ((t("judgment.confidence"), f"{result.confidence:.0%}", "1.7rem"),
                 (t("compare.tokens"), f"{result.tokens:,}", "1.15rem"),
                 (t("compare.time"), duration(result.wall_s), "1.15rem"))
        st.markdown('<div style="display:flex;gap:1.4rem;align-items:baseline;margin:.3rem 0">' + "".join(
            f'<div class="tb-kv">{html.escape(label)}<br><b style="font-size:{size}">{value}</b></div>'
            for label, value, size in cells) + "</div>", unsafe_allow_html=True)
        if result.abstained:
            st.badge(t("compare.abstained"), icon=":material/block:", color="gray")
        loc = result.location
        where = (f"`{_short_path(loc.file)}:{loc.line}`  \n<span class='tb-mono'>{html.escape(loc.symbol)}</span>"
                 if loc else "—")
        commit = f"`{result.commit[:10]}`" if result.commit else "—"
        st.markdown(f"**{t('judgment.location')}:** {where}  \n**{t('judgment.commit')}:** {commit}  \n"
                    f"**{t('judgment.team')}:** {html.escape(result.team or '—')}", unsafe_allow_html=True)
        extra = []
        if result.calls:
            extra.append(t("usage.calls", n=result.calls))
        if result.cost is not None:
            extra.append(f"{result.cost:.4f} {result.currency or ''}".strip())
        if result.fallbacks:
            extra.append(t("compare.fallbacks", n=result.fallbacks))
        extra.append(t("compare.turns", n=result.turns))
        st.caption(" · ".join(extra))
        if result.summary:
            with st.expander(t("compare.summary")):
                st.markdown(md_data(result.summary))


def votes_table(result: ModeResult) -> None:
    """Each expert's vote: the hypothesis it backed, where, which commit, how sure."""
    st.dataframe(pd.DataFrame([{
        "agent": v.agent, "hypothesis": v.hypothesis_id or "—",
        "location": f"{_short_path(v.location.file)}:{v.location.line}" if v.location else "—",
        "commit": (v.commit_sha or "")[:10] or "—", "confidence": v.confidence,
    } for v in result.votes]), hide_index=True, column_config={
        "agent": t("report.col_agent"), "hypothesis": t("compare.col_hypothesis"), "location": t("judgment.location"),
        "commit": t("judgment.commit"),
        "confidence": st.column_config.ProgressColumn(t("judgment.confidence"), min_value=0.0, max_value=1.0,
                                                      format="percent"),
    })
