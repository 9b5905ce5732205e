"""What an LLM debate cost: tokens, money, model time, calls, fallbacks and what was redacted before sending."""

from __future__ import annotations

import streamlit as st

from app.i18n import t
from core.views import UsageSummary

__all__ = ["usage_panel"]


def usage_panel(spent: UsageSummary) -> None:
    """Totals over the debate's LLM turns (nothing is drawn for an all-offline debate)."""
    if not spent.llm_turns:
        return
    st.markdown(f"**{t('report.llm_usage')}**")
    m = st.columns(5)
    m[0].metric(t("report.m_tokens"), f"{spent.tokens:,}",
                help=t("usage.tokens", prompt=f"{spent.prompt_tokens:,}", completion=f"{spent.completion_tokens:,}"))
    m[1].metric(t("report.m_cost"),
                f"{spent.cost:.4f} {spent.currency or ''}".strip() if spent.cost is not None else "—")
    m[2].metric(t("report.m_model_time"), f"{spent.model_seconds:.1f} s")
    m[3].metric(t("report.m_calls"), spent.calls, help=t("usage.retries", n=spent.retries))
    m[4].metric(t("report.m_fallbacks"), spent.fallbacks)
    if spent.redactions:
        items = ", ".join(f"{n} × {kind}" for kind, n in spent.redactions.items())
        st.caption(f":material/shield_lock: {t('report.redacted', items=items)}")
    else:
        st.caption(f":material/shield_lock: {t('report.redacted_none')}")
