"""An offline debate said again in the other language: the same reasoning in other words, the ledger in the
language asked for, and a model's words (or a replay that reasons differently) kept as stored."""

from __future__ import annotations

import re

import pytest

from core.bundle import load_bundle
from core.config import Settings
from core.debate_language import debate_in
from core.fusion.ledger import evidence_text
from core.pipeline import fuse, ingest_bundle, open_incident, run_debate
from core.store import Store
from tests.conftest import MiniBundle
from tests.ui.language import foreign_text

_CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def debated(store: Store, settings: Settings, mini_bundle: MiniBundle) -> str:
    bundle = load_bundle(mini_bundle.root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    fuse(store, settings, incident.id)
    list(run_debate(store, settings, incident.id, language="en"))
    info = store.latest_debate(incident.id)
    assert info is not None
    return info.id


def test_the_same_language_gives_back_the_stored_debate(store: Store, debated: str) -> None:
    said = debate_in(store, debated, "en")
    stored = store.list_turns(debated)
    assert said.kept == 0
    assert [t.body for t in said.turns] == [t.body for t in stored], "the debate's language: word for word"
    assert said.judgment is not None and said.judgment.root_cause == store.get_judgment(debated).root_cause  # type: ignore[union-attr]


def test_an_english_debate_reads_in_chinese(store: Store, debated: str) -> None:
    stored = store.get_judgment(debated)
    said = debate_in(store, debated, "zh")
    j = said.judgment
    assert j is not None and stored is not None and said.kept == 0
    # The same ruling: location, commit, confidence and chain; only the words change.
    assert (j.root_cause_location, j.suspect_commit, j.confidence, [e.id for e in j.evidence_chain]) == (
        stored.root_cause_location, stored.suspect_commit, stored.confidence, [e.id for e in stored.evidence_chain])
    for text in (j.root_cause, j.fix_suggestion, j.impact_analysis, *j.missing, *(e.text for e in j.evidence_chain)):
        assert _CJK.search(text), text
        data = [stored.suspect_commit.message, stored.suspect_commit.author] if stored.suspect_commit else []
        incident_id = store.get_debate(debated).incident_id
        data += [e.root_message for e in store.list_exceptions(incident_id)]  # quoted as logged
        data += [c.author for c in store.list_commits(incident_id)]
        assert not foreign_text(text, "zh", data), text
    for turn in said.turns:
        assert _CJK.search(turn.summary) and _CJK.search(turn.body), (turn.agent, turn.summary)


def test_the_ledger_speaks_both_languages(store: Store, debated: str) -> None:
    incident_id = store.get_debate(debated).incident_id
    for item in store.list_evidence(incident_id):
        assert evidence_text(item, "en") == item.text
        assert _CJK.search(evidence_text(item, "zh")), (item.kind, item.text)


def test_a_model_turn_keeps_its_words(store: Store, debated: str) -> None:
    turns = store.list_turns(debated)
    critic = next(t for t in turns if t.agent == "CriticAgent")
    seq = store.query_df("SELECT seq FROM events WHERE debate_id = ? AND type = 'turn_finished' AND "
                         "json_extract_string(payload, '$.turn.agent') = 'CriticAgent' ORDER BY seq LIMIT 1",
                         [debated])["seq"].iloc[0]
    with store.transaction() as cur:  # as if a model had written the critic's first turn
        cur.execute("UPDATE events SET payload = json_merge_patch(payload, '{\"turn\": {\"brain\": \"llm\"}}') "
                    "WHERE debate_id = ? AND seq = ?", [debated, int(seq)])
    said = debate_in(store, debated, "zh")
    kept = next(t for t in said.turns if t.seq == critic.seq)
    assert said.kept >= 1 and kept.body == critic.body
