"""What a reader sees in a debate bubble, a ruling and the asset view: text as text, in both languages."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.support import no_exception


def _bubble_app(lang: str) -> AppTest:
    def script() -> None:
        from datetime import UTC, datetime

        import streamlit as st

        from app.state import Keys
        from app.widgets.chat import _turn_bubble
        from core.schema import AgentTurn, Challenge, Claim

        st.session_state[Keys.LANG] = st.session_state.get("want_lang", "en")
        now = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
        base = {"incident_id": "INC-1", "debate_id": "D-1", "brain": "offline", "confidence": 0.5,
                "started_at": now, "finished_at": now}
        _turn_bubble(AgentTurn(seq=1, agent="CriticAgent", round=2, phase="critique",  # type: ignore[arg-type]
                               summary="No material objection left to HC1.", body="No material objection left to HC1.",
                               **base), {}, "INC-1")
        _turn_bubble(AgentTurn(seq=2, agent="CriticAgent", round=3, phase="critique",  # type: ignore[arg-type]
                               summary="1 challenge", challenges=[Challenge(id="C3-citation2.0", target="*",
                                                                            text="Cite it.", material=False)],
                               **base), {}, "INC-1")
        _turn_bubble(AgentTurn(seq=3, agent="LogAgent", round=0, phase="experts",  # type: ignore[arg-type]
                               summary="Template burst",
                               claims=[Claim(text="WARN template 'SQL Error: <*>, SQLState: <*>' rose", citations=[])],
                               **base), {}, "INC-1")

    at = AppTest.from_function(script, default_timeout=30)
    at.session_state["want_lang"] = lang
    return at.run()


@pytest.mark.parametrize("lang,label", [("en", "C3 · citation check"), ("zh", "C3 · 引用核查")])
def test_a_bubble_says_things_once_without_internal_ids_and_keeps_wildcards(lang: str, label: str) -> None:
    at = _bubble_app(lang)
    no_exception(at)
    shown = [str(m.value) for m in at.markdown]
    assert sum("No material objection left to HC1." in s for s in shown) == 1, shown
    challenge = next(s for s in shown if s.startswith("**C3"))
    assert challenge.startswith(f"**{label}**") and "→ *" not in challenge and "citation2.0" not in challenge
    template = next(s for s in shown if "SQL Error" in s)
    assert "SQL Error: <\\*>, SQLState: <\\*>" in template  # escaped: shown as written, not as italics


def test_plural_forms_in_english_and_one_form_in_chinese() -> None:
    from app.i18n import t

    assert "1 turn finished" in t("debate.live", lang="en", n=1)
    assert "2 turns finished" in t("debate.live", lang="en", n=2)
    assert "已完成 1 轮发言" in t("debate.live", lang="zh", n=1)
    assert t("unit.threads.one", lang="en", v="1") == "1 thread" and t("unit.threads", lang="zh", v="1") == "1 个线程"


def test_sizes_and_wall_times_never_read_as_zero() -> None:
    from app.widgets import assets_tabs
    from core.plain_text import duration, human_size

    assert human_size(5 * 1024) == "5.0 KiB" and human_size(300) == "300 B"
    assert duration(0.0) == "< 1 ms" and duration(0.004) == "4 ms" and duration(3.2) == "3.20 s"
    assert assets_tabs._value(1, "threads") == "1 thread"


def test_a_template_in_the_burst_chart_keeps_its_wildcards_and_whole_words() -> None:
    from datetime import UTC, datetime

    import pandas as pd

    from app.widgets.runtime_charts import template_bursts_figure

    template = "SQL Error: <*>, SQLState: <*> while reserving inventory rows for the flash sale order"
    table = pd.DataFrame([{"asset_id": "A1", "template_id": "T1", "template": template}])
    series = pd.DataFrame([{"minute": datetime(2026, 11, 20, 6, m, tzinfo=UTC), "key": "A1/T1", "count": m}
                           for m in range(3)])
    fig = template_bursts_figure(series, table, datetime(2026, 11, 20, 6, 0, tzinfo=UTC), None)
    name = fig.data[0].name
    assert name.startswith("SQL Error: &lt;*&gt;, SQLState: &lt;*&gt;")  # plotly shows entities as < and >
    assert name.endswith("…") and name[:-1].split()[-1] in template.split()


def test_an_evidence_chip_tooltip_keeps_template_wildcards() -> None:
    def script() -> None:
        from app.widgets.evidence import citation_chips
        from core.schema import Evidence

        item = Evidence(id="E7", incident_id="INC-1", kind="log_burst", source="template:A/T1",
                        text="WARN template 'SQL Error: <*>, SQLState: <*>': 51 lines")
        citation_chips(["E7"], {"E7": item}, "k", "INC-1")

    at = AppTest.from_function(script, default_timeout=30).run()
    no_exception(at)
    # The kind in the UI language, the template's wildcards literal.
    assert at.button[0].help == "log burst · WARN template 'SQL Error: <\\*>, SQLState: <\\*>': 51 lines"
