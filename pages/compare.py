"""Compare: the same incident judged by one agent, by a vote of the three experts, and by the full debate."""

from __future__ import annotations

import streamlit as st

from app import access, llm_settings, resources, state
from app.i18n import t
from app.state import Keys
from app.state import Widgets as W
from app.widgets.charts import compare_figure, show_chart
from app.widgets.compare import mode_card, votes_table
from app.widgets.incident import incident_header, require_incident
from core.compare import MODES, compare_modes, load_comparison, save_comparison
from core.errors import TribunalError
from core.jobs import CompareModesJob
from core.plain_text import zone_name

REFRESH_S = 0.5

cfg = resources.settings()
store = resources.store(cfg)
jobs = resources.compare_jobs(cfg)
runner = resources.jobs(cfg)  # the worker processes, when configured: the three judgings run there
incident = require_incident(store)
incident_header(incident, t("compare.title"))
st.caption(t("compare.subtitle"))
run_cfg = llm_settings.effective_settings(cfg)
job = jobs.get(incident.id)
running = job is not None and job.alive

brains = ["offline", "llm"] if run_cfg.llm_configured else ["offline"]
brain_names = {"offline": t("brain.offline"), "llm": t("brain.llm_short")}
with st.container(horizontal=True, vertical_alignment="bottom", gap="medium"):
    brain = st.segmented_control(t("debate.brain"), brains, default=st.session_state.get(Keys.COMPARE_BRAIN, brains[0]),
                                 required=True, key=W.CMP_BRAIN, disabled=running,
                                 format_func=brain_names.__getitem__)
    who = access.principal()
    go = who.may("analyst") and st.button(t("compare.run"), key=W.CMP_RUN, type="primary",
                                          icon=":material/compare_arrows:", disabled=running)
if go:
    chosen, lang = brain or "offline", state.language()
    st.session_state[Keys.COMPARE_BRAIN] = chosen

    def work(progress):  # type: ignore[no-untyped-def]
        if runner is not None:
            result = runner.compare(CompareModesJob(settings=run_cfg,
                                               incident_id=incident.id, brain=chosen, language=lang, actor=who),
                                    progress)
        else:
            result = compare_modes(store, run_cfg, incident.id, chosen, language=lang, progress=progress, actor=who)
        save_comparison(run_cfg, result)
        return result

    try:
        jobs.start(incident.id, chosen, work)
    except TribunalError as exc:
        st.error(str(exc))
    else:
        st.rerun()


@st.fragment(run_every=REFRESH_S if running else None)
def results() -> None:
    now = jobs.get(incident.id)
    if running and (now is None or not now.alive):
        st.rerun()  # finished: redraw the page once (the button comes back), stop polling
    if now is not None and now.alive:
        st.progress(now.fraction,
                    text=t("compare.running", mode=t(f"compare.mode_{now.stage}") if now.stage in MODES else "…"))
        return
    if now is not None and now.state == "failed":
        st.error(t("compare.failed", message=now.error or "?"))
    comparison = load_comparison(cfg, incident.id)
    if comparison is None:
        st.info(t("compare.none"), icon=":material/compare_arrows:")
        return
    models = sorted(set(comparison.models.values()))
    st.caption(t("compare.ran", brain=t("brain.offline") if comparison.brain == "offline" else ", ".join(models),
                 at=comparison.started_at.astimezone(incident.started_at.tzinfo).strftime("%Y-%m-%d %H:%M:%S ")
                 + zone_name(incident.started_at)))
    if comparison.brain == "offline":
        st.caption(t("compare.offline_note"))
    elif len(models) == 1:
        st.warning(t("settings.single_model", model=models[0]), icon=":material/content_copy:")
    cols = st.columns(len(comparison.results), gap="medium")
    for col, result in zip(cols, comparison.results, strict=True):
        with col:
            mode_card(result)
    if comparison.agree:
        named = sum(1 for r in comparison.results if r.where)
        st.success(t("compare.agree", n=named, total=len(comparison.results)), icon=":material/handshake:")
    elif sum(1 for r in comparison.results if r.where) > 1:
        st.warning(t("compare.disagree"), icon=":material/call_split:")
    done = [r for r in comparison.results if not r.error]
    labels = {r.mode: t(f"compare.mode_{r.mode}") for r in done}
    show_chart(compare_figure(labels, {r.mode: r.confidence for r in done}, {r.mode: r.wall_s for r in done},
                                   {r.mode: r.tokens for r in done}), key="chart-compare")
    vote = comparison.result("vote")
    if vote is not None and vote.votes:
        with st.expander(t("compare.votes")):
            votes_table(vote)


results()
