"""The audit trail: append-only rows, filters, CSV export, the hash chain and the CLI's actor."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core import audit
from core.audit import Action
from core.store import Store


def test_rows_come_back_newest_first_with_their_facts(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.duckdb")
    audit.record(store, actor="alice", action=Action.INCIDENT_CREATED, incident_id="INC-1", detail={"title": "t"})
    audit.record(store, actor="bob", action=Action.DEBATE_STARTED, incident_id="INC-1", detail={"brain": "offline"})
    audit.record(store, actor="alice", action=Action.USER_ADDED, detail={"name": "carol", "role": "viewer"})
    store.close()
    events = audit.list_events(Store(tmp_path / "a.duckdb"))  # survives a reopen
    assert [e.action for e in events] == ["user.added", "debate.started", "incident.created"]
    assert events[1].actor == "bob" and events[1].incident_id == "INC-1" and events[1].detail == {"brain": "offline"}
    assert events[2].at.tzinfo is not None and abs(datetime.now(UTC) - events[2].at) < timedelta(minutes=1)


def test_filters_by_action_prefix_incident_actor_and_text() -> None:
    store = Store()
    for actor, action, inc in [("a", "debate.started", "I1"), ("b", "debate.stopped", "I2"),
                               ("a", "incident.created", "I2"), ("c", "debate_other", None)]:
        audit.record(store, actor=actor, action=action, incident_id=inc, detail={"note": f"{actor}-{action}"})
    assert {e.action for e in audit.list_events(store, action="debate")} == {"debate.started", "debate.stopped"}
    assert [e.actor for e in audit.list_events(store, incident_id="I2")] == ["a", "b"]
    assert len(audit.list_events(store, actor="a")) == 2
    assert [e.action for e in audit.list_events(store, text="B-DEBATE")] == ["debate.stopped"]
    assert len(audit.list_events(store, limit=1)) == 1
    future = datetime.now(UTC) + timedelta(hours=1)
    assert audit.list_events(store, since=future) == []


def test_the_module_never_updates_or_deletes() -> None:
    source = Path(audit.__file__).read_text(encoding="utf-8")
    assert not re.search(r"\b(UPDATE|DELETE|TRUNCATE|DROP)\b", source)


def test_a_row_changed_or_removed_outside_the_product_breaks_the_chain(tmp_path: Path) -> None:
    store = Store()
    for i in range(4):
        audit.record(store, actor=f"u{i}", action="x.y", detail={"i": i})
    assert audit.verify_chain(store) is None
    store._conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    assert audit.verify_chain(store) == 2
    other = Store()
    for i in range(3):
        audit.record(other, actor="u", action="x.y", detail={"i": i})
    other._conn.execute("DELETE FROM audit_log WHERE seq = 2")
    assert audit.verify_chain(other) == 3


def test_csv_has_a_header_every_row_and_defuses_formulas() -> None:
    store = Store()
    audit.record(store, actor="=HYPERLINK(\"x\")", action=Action.SIGN_IN_FAILED, detail={"name": "值"})
    audit.record(store, actor="alice", action=Action.EXPORT, incident_id="INC-9", detail={"format": "md"})
    rows = list(csv.reader(io.StringIO(audit.to_csv(audit.list_events(store)))))
    assert rows[0] == ["seq", "at_utc", "actor", "action", "incident_id", "detail"]
    assert rows[1][2:5] == ["alice", "report.export", "INC-9"] and '"format": "md"' in rows[1][5]
    assert rows[2][2].startswith("'=") and "值" in rows[2][5]


def test_cli_actor_is_the_os_user() -> None:
    import getpass

    assert audit.cli_actor() == f"os:{getpass.getuser()}"
