"""Fusion: correlation rules, the evidence ledger, suspect commits and source resolution."""

from __future__ import annotations

from core.fusion.correlate import fuse_incident
from core.fusion.facts import FusedContext
from core.fusion.ledger import EvidenceLedger, check_citations
from core.fusion.sources import SourceView, resolve_source

__all__ = [
    "EvidenceLedger", "FusedContext", "SourceView", "check_citations", "fuse_incident", "resolve_source",
]
