"""A stored debate read in the language a person asks for: offline turns and the ruling are said again
in that language from the same facts (see `core.agents.restate`); a model's words stay as it wrote them."""

from __future__ import annotations

from core.agents.restate import Restated, restate_debate
from core.fusion.facts import FusedContext
from core.fusion.ledger import evidence_text
from core.store import Store

__all__ = ["debate_in"]


def debate_in(store: Store, debate_id: str, lang: str) -> Restated:
    """The debate's turns and ruling in `lang` (``zh`` or ``en``)."""
    debate = store.get_debate(debate_id)
    turns, judgment = store.list_turns(debate_id), store.get_judgment(debate_id)
    payload = store.load_fusion(debate.incident_id)
    if payload is None:
        return Restated(turns, judgment, len(turns))
    context = FusedContext.model_validate_json(payload)
    context.evidence = store.list_evidence(debate.incident_id)  # with the humans' evidence, as the debate saw it
    said = restate_debate(context, turns, store.list_interventions(debate_id), judgment, lang)
    if said.judgment is not None:  # the chain quotes the ledger: in the ledger's words for this language
        ledger = {e.id: e for e in context.evidence}
        said.judgment = said.judgment.model_copy(update={"evidence_chain": [
            link.model_copy(update={"text": evidence_text(ledger[link.id], lang)}) if link.id in ledger else link
            for link in said.judgment.evidence_chain]})
    return said
