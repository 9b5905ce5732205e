"""Builds the SRE Tribunal demo incident bundle (see data/README.md)."""

from __future__ import annotations

from ._answer_key import answer_key
from ._bundle import DEMO_DIR, PLAN_PATH, build_demo_bundle, is_complete

__all__ = ["DEMO_DIR", "PLAN_PATH", "answer_key", "build_demo_bundle", "is_complete"]
