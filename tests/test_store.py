"""The DuckDB store: migrations, incidents with their zone, transactions, ordered events."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.errors import StoreError, StoreLockedError
from core.schema import IncidentDraft, Intervention, RoundFinished, TokenDelta
from core.store import SCHEMA_VERSION, Store
from tests.conftest import START


def _draft(**kw: object) -> IncidentDraft:
    return IncidentDraft(**{"title": "t", "severity": "high", "started_at": START, "service": "svc", **kw})  # type: ignore[arg-type]


def test_migrations_apply_once_and_survive_reopen(tmp_path: Path) -> None:
    path = tmp_path / "t.duckdb"
    store = Store(path)
    assert store.schema_version() == SCHEMA_VERSION
    incident = store.create_incident(_draft())
    store.close()
    again = Store(path)
    assert again.schema_version() == SCHEMA_VERSION
    assert again.get_incident(incident.id).title == "t"
    again.close()


def test_incident_keeps_its_zone_and_translations() -> None:
    store = Store()
    incident = store.create_incident(_draft(i18n={"zh": {"title": "标题"}}, language="zh"))
    loaded = store.get_incident(incident.id)
    assert loaded.started_at == START and loaded.started_at.utcoffset() == START.utcoffset()
    assert loaded.text("title", "zh") == "标题" and loaded.text("title", "en") == "t"
    assert [i.id for i in store.list_incidents()] == [incident.id]


def test_unknown_incident_is_a_clear_store_error() -> None:
    with pytest.raises(StoreError, match="No incident"):
        Store().get_incident("INC-nope")


def test_a_failed_transaction_leaves_nothing_behind() -> None:
    store = Store()
    incident = store.create_incident(_draft())
    with pytest.raises(RuntimeError), store.transaction() as cur:
        store.add_asset(cur, incident.id, "log", "a.log")
        raise RuntimeError("parser blew up")
    assert store.list_assets(incident.id) == []


def test_events_are_numbered_in_order_and_deltas_are_not_stored() -> None:
    store = Store()
    incident = store.create_incident(_draft())
    debate = store.create_debate(incident.id, "offline")
    now = datetime.now(UTC)
    common = {"incident_id": incident.id, "debate_id": debate.id, "at": now}
    store.append_event(TokenDelta(**common, agent="LogAgent", round=0, text="hi"))
    first = store.append_event(RoundFinished(**common, round=1, confidence=0.5))
    second = store.append_event(Intervention(**common, kind="note", text="check the DB"))
    assert (first.seq, second.seq) == (1, 2)
    assert [e.type for e in store.list_events(debate.id)] == ["round_finished", "intervention"]
    assert [e.type for e in store.list_events(debate.id, after_seq=1)] == ["intervention"]
    assert store.list_interventions(debate.id)[0].text == "check the DB"


def test_a_second_process_gets_a_clear_locked_message(tmp_path: Path) -> None:
    path = tmp_path / "locked.duckdb"
    holder = Store(path)
    code = textwrap.dedent(f"""
        from core.errors import StoreLockedError
        from core.store import Store
        try:
            Store({str(path)!r})
        except StoreLockedError as exc:
            print("LOCKED:", exc)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parent.parent)
    holder.close()
    assert "LOCKED:" in out.stdout and "another process" in out.stdout
    assert StoreLockedError.__doc__
