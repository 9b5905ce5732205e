"""Intake: open an incident from the demo bundle, an uploaded bundle archive, or the form."""

from __future__ import annotations

import streamlit as st

from app import access, intake_flow, nav, resources, state
from app.i18n import labeler, t
from app.state import Widgets as W
from app.theme import UPLOAD_TYPES
from app.widgets.intake_form import prepare_form, start_fields, zone_option
from app.widgets.log_format import log_format_select
from app.widgets.progress import run_with_status
from core.errors import TribunalError

cfg = resources.settings()
store = resources.store(cfg)
jobs = resources.jobs(cfg)  # ingest runs in a worker process when configured


def finish(incident, to: str = "assets") -> None:  # type: ignore[no-untyped-def]
    if incident is not None:
        state.flash(t("intake.opened", id=incident.id, title=incident.text("title", state.language())))
        nav.switch_to(to)


lang = state.language()
prepare_form(lang)
st.title(t("intake.title"))
st.caption(t("intake.subtitle"))
who = access.require_role("analyst", "auth.read_only")  # a viewer reads History and reports; nothing to open here

form_col, side_col = st.columns([3, 2], gap="large")

with side_col:
    with st.container(border=True):
        st.subheader(t("intake.demo_title"))
        st.markdown(t("intake.demo_body"))
        demo = st.button(t("intake.demo_button"), key=W.DEMO, type="primary", icon=":material/play_circle:",
                         width="stretch")
        present = st.button(t("intake.present_button"), key=W.PRESENT, icon=":material/slideshow:", width="stretch",
                            help=t("intake.present_help"))
        if demo or present:
            # The audience came for the debate: the demo opens there, ready to start (or started, to present).
            loaded = run_with_status(t("intake.demo_status"),
                                     lambda p, o: intake_flow.load_demo(store, cfg, p, o, actor=who, jobs=jobs))
            if loaded is not None and present:
                st.session_state[state.Keys.PRESENT] = loaded.id
            finish(loaded, "debate")
    with st.container(border=True):
        st.subheader(t("intake.bundle_title"))
        st.markdown(t("intake.bundle_body"))
        archive = st.file_uploader(t("intake.bundle_upload"), type=list(UPLOAD_TYPES[W.ARCHIVE]), key=W.ARCHIVE)
        archive_format = log_format_select(W.ARCHIVE_LOG_FORMAT, t("log_format.bundle_help"))
        if st.button(t("intake.bundle_button"), key=W.ARCHIVE_GO, disabled=archive is None, icon=":material/upload:"):
            data = archive.getvalue() if archive is not None else b""
            finish(run_with_status(t("intake.bundle_status", name=archive.name if archive else ""),
                                   lambda p, o: intake_flow.load_archive(store, cfg, data, p, o,
                                                                         log_format=archive_format, actor=who,
                                                                         jobs=jobs)))

# A bordered container, not st.form: a form keeps unsent choices in the browser, where a language
# switch would either show them with stale labels or drop them; here every choice is sent as it is made.
with form_col, st.container(border=True, key=W.FORM):
    st.subheader(t("intake.form_title"))
    title = st.text_input(t("intake.field_title"), key=W.TITLE, placeholder=t("intake.field_title_ph"))
    c1, c2 = st.columns(2)
    severity = c1.selectbox(t("intake.field_severity"), ["critical", "high", "medium", "low"],
                            format_func=labeler("severity."), key=W.SEVERITY)
    service = c2.text_input(t("intake.field_service"), key=W.SERVICE, placeholder="order-service")
    d1, d2 = st.columns(2)
    day = d1.date_input(t("intake.field_date"), key=W.DATE)
    clock = d2.time_input(t("intake.field_time"), step=60, key=W.TIME, help=t("intake.field_time_help"))
    z1, z2 = st.columns([3, 2])
    zone = z1.selectbox(t("intake.field_zone"), range(len(intake_flow.UTC_OFFSETS)), key=W.ZONE,
                        format_func=lambda i, lang=lang: zone_option(i, lang))
    language = z2.radio(t("intake.field_language"), ["zh", "en"], horizontal=True, key=W.INCIDENT_LANG,
                        format_func=labeler("lang."))
    description = st.text_area(t("intake.field_description"), key=W.DESCRIPTION, height=90)
    pasted = st.text_area(t("intake.field_pasted"), key=W.PASTED, height=180, placeholder=t("intake.field_pasted_ph"))
    u1, u2 = st.columns([2, 1])
    uploads = u1.file_uploader(t("intake.field_files"), accept_multiple_files=True, key=W.FILES,
                               help=t("intake.field_files_help"))
    with u2:
        log_format = log_format_select(W.LOG_FORMAT, t("log_format.help"))
    submitted = st.button(t("intake.submit"), type="primary", icon=":material/gavel:", key=W.SUBMIT)

if submitted:
    try:
        day, clock = start_fields(day, clock, zone)  # type: ignore[arg-type]
        draft = intake_flow.build_draft(
            title=title, severity=severity, day=day, clock=clock,
            utc_offset_min=intake_flow.UTC_OFFSETS[zone][0], service=service, description=description,
            language=language,
        )
    except TribunalError as exc:
        fields = ", ".join(t("intake.field_" + f) if f in ("title", "service", "started_at", "severity") else f
                           for f in str(exc).split(","))
        st.error(t("intake.form_invalid", fields=fields))
    else:
        files = [(f.name, f.getvalue()) for f in uploads or []]
        if pasted.strip():
            files.insert(0, ("pasted.log", pasted.encode("utf-8")))
        with form_col:
            finish(run_with_status(t("intake.form_status"),
                                   lambda p, o: intake_flow.open_from_form(store, cfg, draft, files, p, o,
                                                                           log_format=log_format, actor=who,
                                                                           jobs=jobs)))
