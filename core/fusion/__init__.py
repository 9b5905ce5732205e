"""Fusion: correlation rules, the evidence ledger, suspect commits and source resolution."""

from __future__ import annotations

from core.fusion.correlate import bounded_context_of, fuse_incident, layer_of
from core.fusion.facts import FusedContext
from core.fusion.ledger import EvidenceLedger, check_citations
from core.fusion.sources import SourceView, resolve_source

__all__ = [
    "EvidenceLedger", "FusedContext", "SourceView", "bounded_context_of", "check_citations", "fuse_incident",
    "layer_of", "resolve_source",
]
