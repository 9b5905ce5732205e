"""The evidence ledger: every citable fact gets a short stable id (E1, E2 …) and a source."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from core.schema import Evidence, EvidenceKind

__all__ = ["EVIDENCE_ID", "TEXT_ZH", "EvidenceLedger", "check_citations", "evidence_text"]

EVIDENCE_ID = re.compile(r"\bE\d+\b")
TEXT_ZH = "text_zh"  # the structured field holding a statement's Chinese


class EvidenceLedger:
    """Evidence for one incident. Adding the same (kind, source) twice returns the first id."""

    def __init__(self, incident_id: str, existing: Iterable[Evidence] = ()) -> None:
        self.incident_id = incident_id
        self._items: dict[str, Evidence] = {}
        self._by_key: dict[tuple[str, str], str] = {}
        for item in existing:
            self._items[item.id] = item
            self._by_key[(item.kind, item.source)] = item.id

    def add(
        self, kind: EvidenceKind, source: str, text: str, *, zh: str | None = None, **ref: str | float | None,
    ) -> str:
        """Record a fact and return its id (stable: ids are never reused or renumbered).

        Args:
            text: the statement in English.
            zh: the same statement in Chinese (kept in the structured fields as ``text_zh``; see `evidence_text`).
        """
        key = (kind, source)
        if key in self._by_key:
            return self._by_key[key]
        if zh:
            ref[TEXT_ZH] = zh
        evidence_id = f"E{len(self._items) + 1}"
        self._items[evidence_id] = Evidence(
            id=evidence_id, incident_id=self.incident_id, kind=kind, source=source, text=text, ref=ref,
            created_at=datetime.now(UTC),
        )
        self._by_key[key] = evidence_id
        return evidence_id

    def get(self, evidence_id: str) -> Evidence | None:
        return self._items.get(evidence_id)

    def __contains__(self, evidence_id: object) -> bool:
        return evidence_id in self._items

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> list[Evidence]:
        return list(self._items.values())


def evidence_text(item: Evidence, lang: str) -> str:
    """An evidence statement in `lang`: the ledger writes its own facts in both languages; a human's piece of
    evidence, a design document's sentence or an older ledger has one text, shown as written."""
    zh = item.ref.get(TEXT_ZH)
    return str(zh) if lang == "zh" and zh else item.text


def check_citations(citations: Iterable[str], known: set[str]) -> list[str]:
    """Problems with a claim's citations: none given, or ids this incident's ledger does not hold."""
    cited = list(citations)
    if not cited:
        return ["cites no evidence"]
    unknown = [c for c in cited if c not in known]
    return [f"cites unknown evidence {', '.join(unknown)}"] if unknown else []
