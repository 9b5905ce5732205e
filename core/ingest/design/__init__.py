"""The design state: domain docs in Markdown (zh/en), OpenAPI specs and SQL DDL."""

from __future__ import annotations

from core.ingest.design.documents import (
    DESIGN_TABLES,
    DesignDoc,
    DesignRef,
    design_kind,
    design_links,
    ingest_design,
    ingest_design_file,
)

__all__ = ["DESIGN_TABLES", "DesignDoc", "DesignRef", "design_kind", "design_links", "ingest_design",
           "ingest_design_file"]
