"""Compare mode: one judge, a vote of three experts, the full debate — on the demo with the offline brain."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from app import resources
from core.compare import Vote, _tally, load_comparison
from core.fusion.facts import FusedContext, OwnerFinding
from core.schema import CodeLocation
from tests.llm_server import tiny_view
from tests.ui.support import PAGES, new_app, no_exception, texts, wait_until

INCIDENT = "tribunal.incident_id"


def _done(at: AppTest) -> bool:
    return "modes named a root-cause location" in texts(at) or any("The comparison failed" in e.value for e in at.error)


def test_compare_needs_an_incident(ui_home: Path) -> None:
    at = new_app().run().switch_page(PAGES["compare"]).run()
    no_exception(at)
    assert "Open an incident first" in texts(at)


def test_offline_compare_on_the_demo(demo_app: AppTest) -> None:
    incident_id = demo_app.session_state[INCIDENT]
    store = resources.store(resources.settings())
    debates_before = store.latest_debate(incident_id)
    at = demo_app.switch_page(PAGES["compare"]).run()
    no_exception(at)
    assert "No comparison yet" in texts(at)
    at.button(key="w.compare.run").click().run()
    no_exception(at)
    assert wait_until(at, _done, timeout_s=90), texts(at)[-1500:]
    no_exception(at)
    page = texts(at)
    for mode in ("Single agent", "Majority vote", "Full debate"):
        assert mode in page, mode
    assert "3 of 3 modes named a root-cause location, and they agree." in page, page[-800:]
    assert re.search(r"ran at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+08:00", page), "the run time says its zone"
    assert "0.00 s" not in page, "a wall time never reads as zero"
    assert page.count("InventoryService.java:53") >= 3 and "@acme/inventory-team" in page
    assert at.get("plotly_chart"), "a small bar chart compares the modes"
    saved = load_comparison(resources.settings(), incident_id)
    assert saved is not None and [r.mode for r in saved.results] == ["single", "vote", "debate"]
    vote, debate = saved.result("vote"), saved.result("debate")
    assert vote is not None and debate is not None
    assert vote.confidence == round(1.0 * sum(v.confidence for v in vote.votes) / 3, 2), "share × mean confidence"
    assert debate.commit and debate.commit == vote.commit and debate.turns >= 5
    assert all(r.tokens == 0 and r.wall_s >= 0 for r in saved.results), "the offline brain spends no tokens"
    assert store.latest_debate(incident_id) == debates_before, "the compare debate is not stored as the incident's"
    # Coming back later (a new session) shows the saved comparison.
    other = new_app()
    other.session_state[INCIDENT] = incident_id
    other.run().switch_page(PAGES["compare"]).run()
    no_exception(other)
    assert "they agree" in texts(other)


def _vote(agent: str, file: str | None, line: int = 1, confidence: float = 0.5, sha: str | None = None) -> Vote:
    location = CodeLocation(file=file, line=line, symbol=f"{file}#{line}") if file else None
    return Vote(agent=agent, hypothesis_id="H1", location=location, commit_sha=sha, confidence=confidence)  # type: ignore[arg-type]


def test_majority_vote_rules() -> None:
    ctx: FusedContext = tiny_view().context.model_copy(update={
        "frame_owners": {"a/Stock.java": "@stock"}, "owner": OwnerFinding(path="b/Pay.java", team="@pay", rule="x")})
    two_one = _tally([_vote("LogAgent", "a/Stock.java", 13, 0.6), _vote("CodeAgent", "a/Stock.java", 13, 0.8, "abc"),
                      _vote("DomainAgent", "b/Pay.java", 7, 0.9)], ctx, "offline")
    assert two_one.where == "a/Stock.java:13" and two_one.commit == "abc" and two_one.team == "@stock"
    assert two_one.confidence == round(2 / 3 * 0.7, 2)
    tie = _tally([_vote("LogAgent", "a/Stock.java", 13, 0.4), _vote("CodeAgent", "b/Pay.java", 7, 0.9),
                  _vote("DomainAgent", None)], ctx, "offline")
    assert tie.where == "b/Pay.java:7" and tie.team == "@pay", "a tie goes to the more confident location"
    assert tie.confidence == round(1 / 3 * 0.9, 2) and tie.abstained
    nobody = _tally([_vote("LogAgent", None), _vote("CodeAgent", None), _vote("DomainAgent", None)], ctx, "offline")
    assert nobody.location is None and nobody.abstained
