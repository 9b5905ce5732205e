"""A person confirms a ruling into the case library: the library learns from confirmed rulings only.

A debate that merely finishes adds nothing (an unreviewed ruling may be wrong, and re-running the
built-in demo would fill "similar past incidents" with itself). The report page's "add to library"
button and a review's approval call `confirm_ruling`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from core import audit
from core.auth import Principal, require_principal
from core.cases import add_confirmed_ruling, in_library
from core.config import Settings
from core.errors import TribunalError
from core.store import Store

__all__ = ["CASE_CONFIRMED", "LibraryState", "confirm_ruling", "is_demo_incident", "library_state"]

CASE_CONFIRMED = "case.confirmed"  # the audit action: a ruling joined the case library

log = logging.getLogger(__name__)

_REFUSED = {
    "no_ruling": "There is no ruling to confirm yet: run the debate first.",
    "demo": "The built-in demo's rulings stay out of the case library.",
    "abstained": "An abstained ruling names no root cause; it cannot join the case library.",
}


class LibraryState(BaseModel):
    """Whether the incident's latest ruling may join the case library, and whether it already has."""

    in_library: bool = False
    allowed: bool = False
    reason: Literal["", "no_ruling", "demo", "abstained"] = ""


def is_demo_incident(store: Store, settings: Settings, incident_id: str) -> bool:
    """True when the incident was ingested from the built-in demo bundle (built under the data directory)."""
    where = store.asset_location(incident_id)
    demo = (settings.home / "demo").resolve()
    return bool(where) and Path(str(where)).resolve().is_relative_to(demo)


def library_state(store: Store, settings: Settings, incident_id: str) -> LibraryState:
    """Can a person add this incident's latest ruling to the case library, and is it there already?"""
    info = store.latest_debate(incident_id)
    judgment = store.get_judgment(info.id) if info else None
    if judgment is None:
        return LibraryState(reason="no_ruling")
    if is_demo_incident(store, settings, incident_id):
        return LibraryState(reason="demo")
    if judgment.abstained:
        return LibraryState(reason="abstained")
    try:
        present = in_library(settings, incident_id)
    except TribunalError as exc:  # unreadable library: offer the button; writing will say what is wrong
        log.warning("incident %s: case library not readable: %s", incident_id, exc)
        present = False
    return LibraryState(in_library=present, allowed=True)


def confirm_ruling(store: Store, settings: Settings, incident_id: str, actor: Principal) -> None:
    """A person confirms the incident's latest ruling: it joins the case library (replacing an earlier one).

    Args:
        actor: who confirms it (an analyst or above; the name is kept, redacted, as the case's source, and audited).

    Raises:
        Forbidden: `actor` is below analyst.
        TribunalError: there is no ruling, it abstained, the incident is the built-in demo, or the library could
            not be written (StoreError).
    """
    require_principal(actor, "analyst", "add a ruling to the case library")
    state = library_state(store, settings, incident_id)
    if not state.allowed:
        raise TribunalError(_REFUSED[state.reason])
    info = store.latest_debate(incident_id)
    judgment = store.get_judgment(info.id) if info else None
    if judgment is None:  # the debate was replaced between the two reads
        raise TribunalError(_REFUSED["no_ruling"])
    add_confirmed_ruling(settings, store.get_incident(incident_id), judgment, actor.name)
    audit.record(store, actor=actor.name, action=CASE_CONFIRMED, incident_id=incident_id,
                 detail={"debate_id": info.id if info else None})
    log.info("incident %s: ruling of debate %s confirmed into the case library", incident_id, info.id if info else "?")
