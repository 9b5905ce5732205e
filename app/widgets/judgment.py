"""The judge's ruling as a card: compact under the debate, complete on the report page."""

from __future__ import annotations

import html

import streamlit as st

from app.i18n import t
from app.theme import SEVERITY_COLORS, icon_html
from app.widgets.evidence import citation_chips, evidence_kind
from core.plain_text import md_data, md_literal
from core.schema import Evidence, Judgment

__all__ = ["judgment_card"]


def _kv(label: str, value: str) -> str:
    return f'<div class="tb-kv">{html.escape(label)}<br><b>{value}</b></div>'


def judgment_card(judgment: Judgment, evidence: dict[str, Evidence], incident_id: str, *, compact: bool) -> None:
    """Draw the ruling; `compact` keeps the root cause, key facts and the evidence chain as chips."""
    with st.container(key=f"judgment-card-{'c' if compact else 'f'}"):
        st.markdown(f'<div class="tb-verdict-label">{icon_html("balance")} {html.escape(t("judgment.label"))}</div>'
                    f'<div class="tb-verdict">{html.escape(judgment.root_cause)}</div>', unsafe_allow_html=True)
        if judgment.abstained:
            st.warning(t("judgment.abstained", missing=", ".join(judgment.missing) or "—"))
        elif judgment.missing:
            st.caption(t("judgment.open", items="; ".join(judgment.missing)))
        if judgment.checks:  # what code dropped or corrected because the ledger does not back it
            lines = [f"- **{t('judgment.check_field.' + c.field)}** “{md_literal(c.value[:120])}” — {md_data(c.reason)}"
                     for c in judgment.checks]
            st.warning(t("judgment.checks", n=len(judgment.checks)) + "\n" + "\n".join(lines), icon=":material/rule:")
        cols = st.columns(4)
        cols[0].markdown(_kv(t("judgment.confidence"), f"{judgment.confidence:.0%}"), unsafe_allow_html=True)
        with cols[1]:
            st.markdown(f'<div class="tb-kv">{html.escape(t("judgment.risk"))}</div>', unsafe_allow_html=True)
            st.badge(t("severity." + judgment.risk_level), color=SEVERITY_COLORS.get(judgment.risk_level, "gray"))  # type: ignore[arg-type]
        rollback = t("judgment.rollback_yes") if judgment.rollback_recommended else t("judgment.rollback_no")
        cols[2].markdown(_kv(t("judgment.rollback"), html.escape(rollback)), unsafe_allow_html=True)
        cols[3].markdown(_kv(t("judgment.team"), html.escape(judgment.responsible_team or "—")), unsafe_allow_html=True)
        loc = judgment.root_cause_location
        commit = judgment.suspect_commit
        lines = []
        if loc is not None:
            lines.append(f"**{t('judgment.location')}:** `{loc.file}:{loc.line}` · `{loc.symbol}`")
        if commit is not None:
            subject = commit.message.splitlines()[0] if commit.message else ""
            lines.append(f"**{t('judgment.commit')}:** `{commit.sha[:10]}` · {md_literal(commit.author)}"
                         + (f" · _{md_literal(subject)}_" if subject else ""))
        if lines:
            st.markdown("  \n".join(lines))
        if compact:
            st.caption(t("judgment.chain"))
            citation_chips([e.id for e in judgment.evidence_chain], evidence, "judgment-chain", incident_id)
            return
        st.markdown(f"#### {t('judgment.chain')}")
        for i, link in enumerate(judgment.evidence_chain, start=1):
            left, right = st.columns([0.1, 0.9], vertical_alignment="center")
            with left:
                citation_chips([link.id], evidence, f"chain-{i}", incident_id)
            right.markdown(f"**{i}.** {md_data(link.text)}  \n"
                           f"<span class='tb-mono'>{html.escape(evidence_kind(link.kind))} · "
                           f"{html.escape(link.source)}</span>", unsafe_allow_html=True)
        fix, impact = st.columns(2)
        with fix:
            st.markdown(f"#### {t('judgment.fix')}")
            st.markdown(md_data(judgment.fix_suggestion) or "—")
        with impact:
            st.markdown(f"#### {t('judgment.impact')}")
            st.markdown(md_data(judgment.impact_analysis) or "—")
        if judgment.rejected_hypotheses:
            st.markdown(f"#### {t('judgment.rejected')}")
            for rh in judgment.rejected_hypotheses:
                st.markdown(f"- **{rh.id} · {md_data(rh.title)}** — {md_data(rh.reason)}")
