"""The intake form's values across language switches, and its "now" in the chosen time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import streamlit as st

from app.i18n import t
from app.intake_flow import UTC_OFFSETS
from app.state import Keys
from app.state import Widgets as W
from app.widgets.relabel import relabel_on_language_change

__all__ = ["prepare_form", "start_fields", "zone_option"]

_CARRIED = (W.SEVERITY, W.INCIDENT_LANG, W.ZONE, W.LOG_FORMAT, W.ARCHIVE_LOG_FORMAT)


def _now_in(zone_index: int) -> datetime:
    offset = timedelta(minutes=UTC_OFFSETS[zone_index][0])
    return datetime.now(UTC).astimezone(timezone(offset)).replace(second=0, microsecond=0)


def prepare_form(lang: str) -> None:
    """Seed the form's defaults in session state once (no widget defaults) and carry its values over a
    language switch (call before the form)."""
    ss = st.session_state
    ss.setdefault(W.SEVERITY, "high")
    ss.setdefault(W.INCIDENT_LANG, lang)
    ss.setdefault(W.ZONE, 0)
    if W.DATE not in ss or W.TIME not in ss:
        now = _now_in(int(ss[W.ZONE]))
        ss[W.DATE], ss[W.TIME] = now.date(), now.time()
        ss[Keys.INTAKE_NOW] = (int(ss[W.ZONE]), now.date(), now.time())
    relabel_on_language_change("intake", lang, _CARRIED)


def zone_option(index: int, lang: str) -> str:
    """``UTC+08:00 · 北京 · 上海 · 新加坡``: the offset first, so a narrow box still shows what matters."""
    minutes = UTC_OFFSETS[index][0]
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d} · {t(f'zone.{minutes}', lang=lang)}"


def start_fields(day: date, clock: time, zone_index: int) -> tuple[date, time]:
    """The start as typed; when the user kept the default "now" but changed the zone, the same instant there."""
    seeded = st.session_state.get(Keys.INTAKE_NOW)
    if seeded is None:
        return day, clock
    seeded_zone, seeded_day, seeded_clock = seeded
    if (day, clock) != (seeded_day, seeded_clock) or zone_index == seeded_zone:
        return day, clock
    instant = datetime.combine(day, clock).replace(tzinfo=timezone(timedelta(minutes=UTC_OFFSETS[seeded_zone][0])))
    moved = instant.astimezone(timezone(timedelta(minutes=UTC_OFFSETS[zone_index][0])))
    return moved.date(), moved.time()
