"""Indexing entry points: a bundle's code and design without a debate, and the lookups fusion needs."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from core.bundle import Bundle, load_bundle
from core.cases import add_case_files
from core.config import Settings
from core.errors import BundleError, IngestError
from core.graph import DuckGraph, build_graph, mirror_to_neo4j
from core.ingest.code import (
    GitRepo,
    OwnershipRule,
    clone_repo,
    find_codeowners,
    owner_of,
    parse_codeowners,
)
from core.ingest.code.symbols import (
    CodeIndex,
    Symbol,
    find_class,
    incident_index,
    index_repo,
    link_incident,
    symbol_at,
)
from core.ingest.design import (
    DesignDoc,
    DesignRef,
    design_kind,
    design_links,
    ingest_design,
)
from core.schema import Incident, IncidentDraft
from core.store import Store

__all__ = [
    "DesignRef",
    "IncidentIndexing",
    "Symbol",
    "design_links",
    "index_bundle",
    "index_incident",
    "operations_of",
    "symbol_at",
    "tables_of",
]

log = logging.getLogger(__name__)


class IncidentIndexing(BaseModel):
    """What indexing an incident's code and design produced (for the pipeline's progress and assets)."""

    index: CodeIndex | None = None
    design: list[DesignDoc] = Field(default_factory=list)
    cases: int = 0
    failed: dict[str, str] = Field(default_factory=dict)


def _bundle(bundle_dir: Path) -> Bundle:
    try:
        return load_bundle(bundle_dir)
    except BundleError:
        if (bundle_dir / "incident.yaml").exists():
            raise
        # A folder with just repo/ and design/ is enough to index; no incident is described.
        linked = (bundle_dir / "repo").is_symlink()  # links in a bundle are never followed
        repo = bundle_dir / "repo" if (bundle_dir / "repo" / ".git").exists() and not linked else None
        design_dir = bundle_dir / "design"
        design = sorted(p for p in design_dir.rglob("*") if p.is_file() and not p.is_symlink()) \
            if design_dir.is_dir() and not design_dir.is_symlink() else []
        if repo is None and not design:
            raise BundleError(f"{bundle_dir} has neither repo/ (a Git repository) nor design/; "
                              f"nothing to index.") from None
        draft = IncidentDraft(title="index", severity="low", started_at=datetime.now(UTC), service="index")
        return Bundle(root=bundle_dir, draft=draft, repo=repo, design=design)


def _repo_path(settings: Settings, bundle: Bundle) -> Path | None:
    if bundle.repo is not None:
        return bundle.repo
    if bundle.repo_url:
        return clone_repo(bundle.repo_url, settings.work_dir / "repos", allowed_hosts=settings.clone_hosts)
    return None


def _rules(store: Store, scope: str, repo: Path | None, bundle: Bundle) -> list[OwnershipRule]:
    rules: list[OwnershipRule] = []
    for path, name in find_codeowners(repo, bundle.design):
        try:
            rules += parse_codeowners(path.read_text(encoding="utf-8", errors="replace"), name)
        except IngestError as exc:
            log.warning("scope %s: %s", scope, exc)
    store.replace_ownership(scope, [(r.pattern, r.team, r.source) for r in rules])
    return rules


def index_bundle(store: Store, settings: Settings, bundle_dir: Path) -> dict[str, Any]:
    """Index a bundle's repository and design documents without opening an incident or a debate.

    The repository is indexed at the revision deployed when the bundle's incident started (HEAD when the
    bundle has no incident.yaml); design docs, CODEOWNERS, commits and the graph are stored under an
    index-only scope id (``IDX-…``); past cases go into the case library.

    Returns:
        ``{"nodes": {kind: count}, "edges": {kind: count}, "symbols": [{"name", "file", "role",
        "bounded_context", "team"}]}`` — classes only, sorted by name.

    Raises:
        BundleError: the folder is not a bundle.
        IngestError: the repository cannot be read.
    """
    bundle_dir = Path(bundle_dir)
    bundle = _bundle(bundle_dir)
    repo_path = _repo_path(settings, bundle)
    index: CodeIndex | None = None
    scope = "IDX-" + hashlib.sha1(str(bundle_dir.resolve()).encode()).hexdigest()[:12]
    if repo_path is not None:
        repo = GitRepo(repo_path)
        rev = (repo.revision_at(bundle.draft.started_at) if (bundle_dir / "incident.yaml").exists() else None) or "HEAD"
        index = index_repo(store, repo.path, rev)
        scope = "IDX-" + hashlib.sha1(f"{bundle_dir.resolve()}:{index.index_id}".encode()).hexdigest()[:12]
        link_incident(store, scope, index)
        store.replace_commits(scope, repo.commits())
    rules = _rules(store, scope, repo_path, bundle)
    _, failed = ingest_design(store, scope, bundle.design, bundle.root)
    cases = [p for p in bundle.design if design_kind(p) == "case"]
    if cases:
        _, bad = add_case_files(settings, cases, bundle.root)
        failed.update(bad)
    for source, message in failed.items():
        log.warning("scope %s: %s skipped: %s", scope, source, message)
    graph = build_graph(store, scope)
    if settings.neo4j_uri:
        log.info("scope %s: %s", scope, mirror_to_neo4j(settings, store, scope).message)
    nodes, edges = graph.counts()
    symbols = []
    if index is not None:
        rows = store.query_df("SELECT fqn, path, role, bounded_context FROM code_symbols WHERE index_id = ? "
                              "ORDER BY fqn",
                              [index.index_id])
        for r in rows.itertuples():
            rule = owner_of(rules, r.path)
            symbols.append({"name": r.fqn, "file": r.path, "role": r.role,
                            "bounded_context": r.bounded_context if isinstance(r.bounded_context, str) else None,
                            "team": rule.team if rule else None})
    return {"nodes": nodes, "edges": edges, "symbols": symbols}


def index_incident(store: Store, settings: Settings, incident: Incident, bundle: Bundle,
                   repo: GitRepo | None) -> IncidentIndexing:
    """Index an incident's code (at the revision deployed when it started) and design, recording assets.

    Call after the repository and CODEOWNERS are ingested; call `core.graph.build_graph` once the
    runtime assets are in too. Design files are recorded as assets (kind design_doc/openapi/ddl/case),
    a malformed one as a failed asset with its message; nothing else is lost.
    """
    out = IncidentIndexing()
    if repo is not None:
        try:
            rev = repo.revision_at(incident.started_at) or "HEAD"
            out.index = index_repo(store, repo.path, rev, incident_id=incident.id)
        except IngestError as exc:
            out.failed["repo"] = str(exc)
            store.record_failed_asset(incident.id, "repo", "symbol index", str(exc))
    docs, failed = ingest_design(store, incident.id, bundle.design, bundle.root)
    out.design, out.failed = docs, {**out.failed, **failed}
    kinds = {"markdown": "design_doc", "teams": "design_doc", "openapi": "openapi", "ddl": "ddl"}
    with store.transaction() as cur:
        for doc in docs:
            store.add_asset(cur, incident.id, kinds.get(doc.kind, "design_doc"), doc.source,
                            location=str(bundle.root / doc.source), items=doc.items,
                            message=f"{doc.kind}: {doc.items} items" + (f" ({doc.language})" if doc.language else ""))
    for source, message in failed.items():
        kind = {"openapi": "openapi", "ddl": "ddl"}.get(design_kind(bundle.root / source), "design_doc")
        store.record_failed_asset(incident.id, kind, source, message)
    cases = [p for p in bundle.design if design_kind(p) == "case"]
    if cases:
        out.cases, bad = add_case_files(settings, cases, bundle.root)
        out.failed.update(bad)
        with store.transaction() as cur:
            store.add_asset(cur, incident.id, "case", "design/cases", items=out.cases,
                            message=f"{out.cases} past cases in the case library")
    log.info("incident %s: indexed (%s), %d design docs, %d cases, %d failed", incident.id,
             out.index.index_id if out.index else "no repo", len(docs), out.cases, len(out.failed))
    return out


def _json_list(raw: Any) -> list[str]:
    return json.loads(raw) if isinstance(raw, str) and raw else []


def tables_of(store: Store, incident_id: str, class_name: str) -> list[str]:
    """Tables a class touches: its own (`@Table`, collection tables), its aggregate's, or — for a service —
    those of the aggregates whose repositories/entities it uses or calls."""
    sym = find_class(store, incident_id, class_name)
    index_id = incident_index(store, incident_id)
    if sym is None or index_id is None:
        return []
    if sym.aggregate:
        where, params = "aggregate = ?", [sym.aggregate]
    else:
        where = ("aggregate IN (SELECT s.aggregate FROM code_refs r JOIN code_symbols s ON s.index_id = r.index_id "
                 "AND s.fqn = r.dst WHERE r.index_id = ? AND r.src = ? AND s.aggregate IS NOT NULL "
                 "AND s.role IN ('repository', 'aggregate_root', 'entity'))")
        params = [index_id, sym.class_fqn]
    rows = store.query_df(f"SELECT tables FROM code_symbols WHERE index_id = ? AND ({where}) OR (index_id = ? "
                          f"AND fqn = ?)",
                          [index_id, *params, index_id, sym.class_fqn])
    return sorted({t for raw in rows["tables"] for t in _json_list(raw)})


def operations_of(store: Store, incident_id: str, class_name: str) -> list[str]:
    """API operations ("POST /api/orders") served by a class or reaching it through calls (needs the graph)."""
    sym = find_class(store, incident_id, class_name)
    if sym is None:
        return []
    graph = DuckGraph(store, incident_id)
    radius = graph.blast_radius(f"class:{sym.class_fqn}")
    labels = graph.nodes(radius.apis)
    return sorted(labels[a].label for a in radius.apis if a in labels)
