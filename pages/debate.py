"""Debate: start the six agents, watch them argue live, see the consensus and the ruling."""

from __future__ import annotations

import streamlit as st

from app import access, llm_settings, nav, resources, state
from app.debate_session import WATCH_KEY, DebateWatch, snapshot, start_debate
from app.i18n import labeler, t
from app.state import Keys
from app.state import Widgets as W
from app.transcript import in_words_of
from app.widgets.chat import agent_roster, brain_label, render_transcript
from app.widgets.evidence import show_open_source
from app.widgets.incident import incident_header, require_incident
from core.debate_language import debate_in
from core.errors import TribunalError

REFRESH_S = 1.0  # each refresh reads only new events (the session's DebateWatch)

cfg = resources.settings()
store = resources.store(cfg)
registry = resources.registry(cfg)
jobs = resources.jobs(cfg)  # worker processes for the debate, when configured
run_cfg = llm_settings.effective_settings(cfg)  # with this session's rounds and per-agent model changes
incident = require_incident(store)
incident_header(incident, t("debate.title"))
watch = st.session_state.get(WATCH_KEY)
if not isinstance(watch, DebateWatch) or watch.incident_id != incident.id:
    watch = st.session_state[WATCH_KEY] = DebateWatch(incident.id)
snap = snapshot(store, registry, incident.id, watch)
if snap.running:  # also true when re-attaching after a reload or a page switch
    st.session_state[Keys.WATCHING] = incident.id

brains = ["offline", "llm"] if cfg.llm_configured else ["offline"]
who = access.principal()  # core refuses what this role may not do; the page does not offer it either
brain, pace, start = cfg.default_brain, llm_settings.pace_default(cfg), False
if not who.may("analyst"):
    st.caption(t("auth.read_only", role=t(f"role.{who.role}")))
else:
    with st.container(horizontal=True, vertical_alignment="bottom", gap="medium"):
        offline = t("brain.offline")
        brain = st.segmented_control(
            t("debate.brain"), brains, default=cfg.default_brain, required=True, key=W.BRAIN, disabled=snap.running,
            format_func=lambda b: offline if b == "offline" else cfg.llm.model,
        )
        pace = st.number_input(t("debate.pace"), min_value=0.0, max_value=1.0, step=0.01, key=W.PACE,
                               value=llm_settings.pace_default(cfg), help=t("debate.pace_help"),
                               disabled=snap.running, width=180)
        label = t("debate.start") if snap.info is None and not snap.running else t("debate.rerun")
        start = st.button(label, key=W.START, type="primary", icon=":material/play_arrow:", disabled=snap.running)
        if snap.running and snap.run is not None:
            st.button(t("debate.cancel"), key=W.CANCEL, icon=":material/stop:", on_click=snap.run.cancel,
                      kwargs={"actor": who}, disabled=snap.run.cancel_requested)
            if snap.run.can_intervene:
                with (st.popover(t("debate.intervene"), icon=":material/front_hand:"),
                      st.form(W.INTERVENE, border=False)):
                    kind = st.selectbox(t("debate.intervene_kind"),
                                        ["note", "question", "evidence", "reject_hypothesis"],
                                        format_func=labeler("intervention."), key=W.INTERVENE_KIND)
                    note = st.text_area(t("debate.intervene_text"), key=W.INTERVENE_TEXT, height=90)
                    target = st.text_input(t("debate.intervene_target"), key=W.INTERVENE_TARGET, placeholder="H1")
                    sent = st.form_submit_button(t("debate.intervene_send"), type="primary", key=W.INTERVENE_SEND)
                    if sent and note.strip():
                        try:
                            snap.run.intervene(kind, note.strip(), target.strip() or None, actor=who)
                        except TribunalError as exc:
                            st.error(str(exc))
                        else:
                            st.toast(t("debate.intervene_sent"), icon=":material/check:")

PRESENTED = f"report:{incident.id}"  # the "present" path: this debate's ruling opens the report by itself
GOTO_REPORT = "tribunal.debate_to_report"
presenting = st.session_state.get(Keys.PRESENT) == incident.id and not snap.running
if presenting:
    st.session_state.pop(Keys.PRESENT)
    start = True
if start:
    try:
        start_debate(store, run_cfg, registry, incident.id, brain or "offline", float(pace), language=state.language(),
                     jobs=jobs, actor=who)
    except TribunalError as exc:
        st.error(str(exc))
    else:
        st.session_state[Keys.WATCHING] = incident.id
        if presenting:
            st.session_state[Keys.PRESENT] = PRESENTED
        st.rerun()

if snap.interrupted and snap.info is not None:
    st.warning(t("debate.interrupted"))
    if who.may("analyst") and st.button(t("debate.resume"), key=W.RESUME, icon=":material/resume:"):
        try:
            start_debate(store, run_cfg, registry, incident.id, snap.info.brain, float(pace), language=state.language(),
                         resume_id=snap.info.id, jobs=jobs, actor=who)
        except TribunalError as exc:
            st.error(str(exc))
        else:
            st.session_state[Keys.WATCHING] = incident.id
            st.rerun()
if snap.error:
    st.error(t("debate.failed_hint", message=snap.error))


first = [snap]  # the full run's own read: its fragment call does not read again


@st.fragment(run_every=REFRESH_S if snap.running else None)
def transcript() -> None:
    now = first.pop() if first else snapshot(store, registry, incident.id, watch)
    if snap.running and not now.running:
        # The debate ended while this page run still polls: redraw the whole page (controls, banners, the ruling and
        # its report button), which also stops the polling. Drawing the end here first put the report button on the
        # screen just before that redraw replaced it, and a click landing in between was lost. Keyed on this page
        # run, not on session state, so every refresh retries until the redraw happens.
        st.session_state[Keys.WATCHING] = None
        st.rerun()
    model = cfg.llm.model if now.brain == "llm" else None
    if now.brain:
        st.caption(t("debate.brain_spoke", brain=brain_label(now.brain, model), rounds=run_cfg.max_rounds))
    if now.info is None and not now.running:
        agent_roster(run_cfg.llm_routing)
    else:
        if now.starting:
            st.caption(t("debate.starting"))
        box = st.container(height=720, autoscroll=True, border=False) if now.running else st.container()
        with box:
            items = now.items
            if not now.running and now.info is not None:  # a finished offline debate reads in the UI's language
                said = debate_in(store, now.info.id, state.language())
                items = in_words_of(items, said.turns, said.judgment)
            render_transcript(items, now.evidence, incident.id, now.brain, model)
        if now.running:
            st.caption(t("debate.live", n=sum(1 for i in now.items if i.kind == "turn")))
        elif now.info is not None and now.info.finished_at is not None:
            took = (now.info.finished_at - now.info.started_at).total_seconds()
            st.caption(t("debate.took", secs=f"{took:.1f}", rounds=now.info.rounds) if took < 120 else
                       t("debate.took_min", mins=f"{took / 60:.1f}", rounds=now.info.rounds))
        show_open_source(store, cfg, incident.id, now.evidence)
    # Leaving for the report happens at the end of a full run, once this fragment is declared without its refresh
    # timer: a page switched to from inside the fragment (or before it) kept the timer, whose next tick blanked it.
    if (now.judgment is not None and not now.running and st.session_state.get(Keys.PRESENT) == PRESENTED
            and not st.session_state.get(GOTO_REPORT)):
        st.session_state[GOTO_REPORT] = True
        st.rerun(scope="app")
    if now.judgment is not None and not now.running and st.button(
            t("debate.to_report"), type="primary", icon=":material/description:", key="w.debate.to_report"):
        st.session_state[GOTO_REPORT] = True
        st.rerun(scope="app")

transcript()
if st.session_state.pop(GOTO_REPORT, False):
    st.session_state.pop(Keys.PRESENT, None)
    nav.switch_to("report")
