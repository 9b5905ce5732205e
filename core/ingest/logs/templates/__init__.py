"""Log template mining: a template id and a ``<*>`` template for every line, with no per-system settings."""

from __future__ import annotations

from core.ingest.logs.templates.miner import (
    RULES,
    WILDCARD,
    MinedTemplates,
    MinerSettings,
    TemplateMiner,
    mine_lines,
    write_loghub_csv,
)

__all__ = ["RULES", "WILDCARD", "MinedTemplates", "MinerSettings", "TemplateMiner", "mine_lines", "write_loghub_csv"]
