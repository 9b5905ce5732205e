"""History in core: rows with the latest ruling and review state, search and filters, and deleting an incident."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core import audit
from core.auth import Principal
from core.bundle import load_bundle
from core.config import Settings
from core.errors import Forbidden
from core.history import HistoryQuery, delete_incident, history, matches
from core.pipeline import fuse, ingest_bundle, open_incident, run_debate
from core.review import decide
from core.schema import IncidentDraft
from core.store import Store
from tests.conftest import START, MiniBundle

ADMIN, ANALYST = Principal("ada", "admin"), Principal("ann", "analyst")


@pytest.fixture
def judged(store: Store, settings: Settings, mini_bundle: MiniBundle) -> str:
    bundle = load_bundle(mini_bundle.root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    fuse(store, settings, incident.id)
    list(run_debate(store, settings, incident.id))
    return incident.id


def _bare(store: Store, title: str, service: str, severity: str, days: int = 0) -> str:
    return store.create_incident(IncidentDraft(title=title, severity=severity, started_at=START + timedelta(days=days),  # type: ignore[arg-type]
                                               service=service)).id


def _ids(store: Store, **query: object) -> set[str]:
    q = HistoryQuery(**query)  # type: ignore[arg-type]
    return {r.incident.id for r in history(store) if matches(r, q)}


def test_rows_carry_the_ruling_and_the_review_state(store: Store, judged: str) -> None:
    other = _bare(store, "Login is slow", "auth-service", "low", days=30)
    rows = {r.incident.id: r for r in history(store)}
    assert list(rows) == [other, judged]  # newest first
    ruled = rows[judged]
    assert ruled.root_cause and ruled.team == "@acme/stock-team" and 0 < (ruled.confidence or 0) <= 1
    assert ruled.review_state == "draft" and ruled.needs_approval
    assert rows[other].review_state == "none" and rows[other].root_cause is None
    decide(store, judged, ADMIN, "approve")
    assert {r.incident.id: r for r in history(store)}[judged].review_state == "final"


def test_search_and_filters(store: Store, judged: str) -> None:
    slow = _bare(store, "Login is slow", "auth-service", "low", days=30)
    pay = _bare(store, "Payments time out", "payment-gateway", "critical", days=60)
    everyone = {judged, slow, pay}
    assert _ids(store) == everyone
    assert _ids(store, text="stock-team") == {judged}  # team
    assert _ids(store, text="下单失败") == {judged}  # the title in the other language
    assert _ids(store, text="PAYMENT gateway") == {pay}  # service, any case, every word
    assert _ids(store, text="login nothing-like-this") == set()
    root_word = next(r for r in history(store) if r.incident.id == judged).root_cause.split()[0]  # type: ignore[union-attr]
    assert judged in _ids(store, text=root_word)  # root cause
    assert _ids(store, severities=["low", "critical"]) == {slow, pay}
    assert _ids(store, reviews=["none"]) == {slow, pay} and _ids(store, reviews=["draft"]) == {judged}
    assert _ids(store, teams=["@acme/stock-team"]) == {judged}
    assert _ids(store, statuses=["judged"]) == {judged}
    start = START.date()
    assert _ids(store, since=start + timedelta(days=1)) == {slow, pay}
    assert _ids(store, until=start + timedelta(days=30)) == {judged, slow}
    assert _ids(store, since=date(2099, 1, 1)) == set()


def test_delete_removes_every_row_of_the_incident_and_only_its_rows(store: Store, settings: Settings,
                                                                   judged: str, mini_bundle: MiniBundle) -> None:
    other = open_incident(store, load_bundle(mini_bundle.root).draft).id
    decide(store, judged, ADMIN, "approve")
    (settings.work_dir / judged).mkdir(parents=True, exist_ok=True)
    tables = [r[0] for r in store.query_df(
        "SELECT table_name FROM information_schema.columns WHERE column_name = 'incident_id'").itertuples(index=False)]

    def counts(incident_id: str) -> dict[str, int]:
        out = {t: int(store.query_df(f'SELECT count(*) AS n FROM "{t}" WHERE incident_id = ?', [incident_id])["n"][0])
               for t in tables}
        out["incidents"] = int(
            store.query_df("SELECT count(*) AS n FROM incidents WHERE id = ?", [incident_id])["n"][0])
        return out

    before, others_before = counts(judged), counts(other)
    assert before["log_lines"] and before["evidence"] and before["judgments"] and before["reviews"]
    with pytest.raises(Forbidden):
        delete_incident(store, settings, judged, ANALYST)
    assert counts(judged) == {**before, "audit_log": before["audit_log"] + 1}  # only the refusal was written
    removed = delete_incident(store, settings, judged, ADMIN)
    after = counts(judged)
    assert {t: n for t, n in after.items() if n and t != "audit_log"} == {}
    assert removed["incidents"] == 1 and removed["log_lines"] == before["log_lines"]
    assert counts(other) == others_before  # nothing of another incident goes
    assert not (settings.work_dir / judged).exists()
    assert after["audit_log"] >= before["audit_log"]  # the trail keeps its rows …
    [row] = audit.list_events(store, action=audit.Action.INCIDENT_DELETED, incident_id=judged)
    assert row.actor == "ada"  # … and says who deleted it
    refused = audit.list_events(store, action=audit.Action.FORBIDDEN, incident_id=judged)
    assert [e.actor for e in refused] == ["ann"]
    assert judged not in {r.incident.id for r in history(store)}
