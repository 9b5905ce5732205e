"""The design state: domain docs (Markdown, zh/en), OpenAPI specs and SQL DDL, stored per incident.

Each file is parsed completely before anything is written, and then replaces only its own rows in one
transaction: a malformed file raises IngestError and leaves everything already stored untouched.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel

from core.errors import IngestError
from core.ingest.design._markdown import parse_markdown
from core.ingest.design._openapi_ddl import looks_like_openapi, parse_ddl, parse_openapi
from core.store import Store

__all__ = [
    "DESIGN_TABLES",
    "DesignDoc",
    "DesignRef",
    "design_kind",
    "design_links",
    "ingest_design",
    "ingest_design_file",
]

log = logging.getLogger(__name__)

DesignKind = Literal["markdown", "openapi", "ddl", "teams", "case", "codeowners", "other"]
DESIGN_TABLES = ("design_sections", "design_elements", "design_mentions", "api_operations", "ddl_tables")


class DesignDoc(BaseModel):
    """One design file as stored: its kind, language, title and how many items it gave."""

    source: str
    kind: DesignKind
    language: str | None = None
    title: str = ""
    items: int = 0


class DesignRef(BaseModel):
    """A design element that speaks about a symbol; `source` is citable (design/domain-model.md#库存…)."""

    kind: str
    source: str
    text: str


# A design document is read whole; past this it is not one written by people.
MAX_DESIGN_BYTES = 16 * 1024 * 1024


def _read(path: Path, source: str) -> str:
    if path.stat().st_size > MAX_DESIGN_BYTES:
        raise IngestError(f"{source} is larger than {MAX_DESIGN_BYTES // 1024**2} MB; a design document this big is "
                          "most likely not one — leave it out of design/.")
    data = path.read_bytes()
    if b"\0" in data[:4096]:
        raise IngestError(f"{source} is a binary file, not a text design document.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise IngestError(f"{source} is not UTF-8 text; save it as UTF-8 and re-add it.") from exc


def design_kind(path: Path, text: str | None = None) -> DesignKind:
    """What a design file is, from its name (and, for YAML/JSON, its first lines)."""
    name = path.name.lower()
    if name == "codeowners":
        return "codeowners"
    if name.endswith((".md", ".markdown")):
        return "case" if "cases" in path.parts[:-1] else "markdown"
    if name.endswith((".sql", ".ddl")):
        return "ddl"
    if name.endswith((".yaml", ".yml", ".json")):
        if text is None:
            with path.open("rb") as stream:
                text = stream.read(4000 * 4).decode("utf-8", errors="replace")
        head = text[:4000]
        if looks_like_openapi(head):
            return "openapi"
        if name.startswith(("teams", "owners")):
            return "teams"
    return "other"


def _frames(incident_id: str, source: str, kind: DesignKind, text: str) -> tuple[DesignDoc, dict[str, pd.DataFrame]]:
    base = {"incident_id": incident_id, "source": source}
    frames: dict[str, pd.DataFrame] = {}
    if kind == "markdown":
        doc = parse_markdown(text, source)
        frames["design_sections"] = pd.DataFrame([{**base, "anchor": s.anchor, "heading": s.heading, "level": s.level,
                                                   "start_line": s.start_line, "end_line": s.end_line, "text": s.text}
                                                  for s in doc.sections])
        frames["design_elements"] = pd.DataFrame([{**base, "anchor": e.anchor, "kind": e.kind, "name": e.name,
                                                   "context": e.context, "aggregate": e.aggregate, "text": e.text,
                                                   "attrs": json.dumps(e.attrs, ensure_ascii=False)}
                                                  for e in doc.elements])
        frames["design_mentions"] = pd.DataFrame([{**base, "anchor": m.anchor, "symbol": m.symbol, "text": m.text}
                                                  for m in doc.mentions])
        info = DesignDoc(source=source, kind=kind, language=doc.language, title=doc.title,
                         items=len(doc.elements))
    elif kind == "openapi":
        title, ops = parse_openapi(text, source)
        frames["api_operations"] = pd.DataFrame([{**base, "op_key": o.key, "http_method": o.http_method,
                                                  "route": o.route, "route_key": o.route_key,
                                                  "operation_id": o.operation_id, "summary": o.summary,
                                                  "tags": json.dumps(o.tags), "handler": o.handler} for o in ops])
        info = DesignDoc(source=source, kind=kind, title=title, items=len(ops))
    elif kind == "ddl":
        tables = parse_ddl(text, source)
        frames["ddl_tables"] = pd.DataFrame([{**base, "table_name": t.name, "columns": json.dumps(t.columns),
                                              "primary_key": json.dumps(t.primary_key),
                                              "unique_keys": json.dumps(t.unique_keys),
                                              "foreign_keys": json.dumps(t.foreign_keys), "comment": t.comment,
                                              "start_line": t.start_line} for t in tables])
        info = DesignDoc(source=source, kind=kind, items=len(tables))
    elif kind == "teams":
        frames["design_elements"] = pd.DataFrame(_teams(text, source, base))
        info = DesignDoc(source=source, kind=kind, items=len(frames["design_elements"]))
    else:
        raise IngestError(
            f"{source}: not a design document this version reads (Markdown, OpenAPI, SQL DDL, teams.yaml).")
    return info, frames


def _teams(text: str, source: str, base: dict[str, str]) -> list[dict[str, object]]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise IngestError(f"{source} is not valid YAML: {str(exc).splitlines()[0]}.") from exc
    teams = data.get("teams") if isinstance(data, dict) else None
    if not isinstance(teams, dict):
        raise IngestError(f"{source}: expected a 'teams:' mapping of team handles to name/oncall/paths.")
    rows: list[dict[str, object]] = []
    for handle, info in teams.items():
        info = info if isinstance(info, dict) else {}
        attrs = {k: v for k, v in info.items() if isinstance(v, str | int | list)}
        rows.append({**base, "anchor": str(handle), "kind": "team", "name": str(handle), "context": None,
                     "aggregate": None, "text": str(info.get("name") or handle),
                     "attrs": json.dumps(attrs, ensure_ascii=False)})
    return rows


def ingest_design_file(store: Store, incident_id: str, path: Path, source: str | None = None) -> DesignDoc:
    """Parse one design file and replace its rows for `incident_id`.

    Args:
        store: the DuckDB store.
        incident_id: the incident (or index-only scope) the design belongs to.
        path: the file on disk.
        source: how it is cited, e.g. ``design/domain-model.md`` (defaults to the file name).

    Returns:
        What was stored.

    Raises:
        IngestError: the file is unreadable or malformed (nothing is written then).
    """
    source = source or path.name
    text = _read(path, source)
    kind = design_kind(path, text)
    info, frames = _frames(incident_id, source, kind, text)
    with store.transaction() as cur:
        for table in DESIGN_TABLES:
            cur.execute(f"DELETE FROM {table} WHERE incident_id = ? AND source = ?", [incident_id, source])
        cur.execute("DELETE FROM design_docs WHERE incident_id = ? AND source = ?", [incident_id, source])
        for table, frame in frames.items():
            if len(frame):
                store.insert_frame(cur, table, frame)
        cur.execute("INSERT INTO design_docs VALUES (?,?,?,?,?,?,?)",
                    [incident_id, source, kind, info.language, info.title, info.items, datetime.now(UTC)])
    log.info("incident %s: design %s (%s) → %d items", incident_id, source, kind, info.items)
    return info


def ingest_design(
    store: Store, incident_id: str, paths: Sequence[Path], root: Path,
) -> tuple[list[DesignDoc], dict[str, str]]:
    """Ingest every readable design file of a bundle; a bad file is reported, the others still land.

    Cases (``design/cases/*.md``), CODEOWNERS and unknown files are skipped here (other modules read them).

    Returns:
        The stored documents, and an error message per source that failed.
    """
    done: list[DesignDoc] = []
    failed: dict[str, str] = {}
    for path in paths:
        source = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        if design_kind(path) in ("case", "codeowners", "other"):
            continue
        try:
            done.append(ingest_design_file(store, incident_id, path, source))
        except IngestError as exc:
            log.warning("incident %s: design %s rejected: %s", incident_id, source, exc)
            failed[source] = str(exc)
    return done, failed


def design_links(store: Store, incident_id: str, symbol: object) -> list[DesignRef]:
    """Design elements about a class or method: its aggregate and invariants, its bounded context, the
    rules and sections that name it, its tables and API operations.

    Args:
        symbol: a `Symbol` (from `symbol_at`/`find_class`), or a class name (simple or fully qualified).
    """
    from core.ingest.code import Symbol, find_class

    sym = symbol if isinstance(symbol, Symbol) else find_class(store, incident_id, str(symbol))
    name = str(symbol).replace("$", ".") if sym is None else sym.class_fqn
    simple = name.rsplit(".", 1)[-1]
    member = sym.member if sym else None
    aggregate = (sym.aggregate or "").rsplit(".", 1)[-1] if sym else ""
    context = sym.bounded_context if sym else None
    table = sym.table if sym else None
    keys = [simple, name] + ([f"{simple}.{member}", member] if member else [])
    refs: list[DesignRef] = []
    elements = store.query_df(
        "SELECT source, anchor, kind, name, text FROM design_elements WHERE incident_id = ? AND ("
        "(kind IN ('aggregate', 'invariant') AND name IN (?, ?)) OR (kind = 'bounded_context' AND name = ?) OR "
        "(kind IN ('entity', 'value_object') AND name = ?) OR (kind = 'rule' AND ("
        "list_has_any(regexp_extract_all(text, '`([^`]+)`', 1), ?) OR contains(text, ?))))",
        [incident_id, simple, aggregate or simple, context or "", simple, [k for k in keys if k], aggregate or simple])
    order = {"aggregate": 0, "invariant": 1, "entity": 2, "value_object": 2, "rule": 3, "bounded_context": 4}
    for row in sorted(elements.itertuples(), key=lambda r: order.get(r.kind, 9)):
        refs.append(DesignRef(kind=row.kind, source=f"{row.source}#{row.anchor}", text=str(row.text)[:300]))
    mentions = store.query_df(
        "SELECT source, anchor, any_value(text) AS text FROM design_mentions WHERE incident_id = ? "
        "AND symbol IN (SELECT unnest(?)) GROUP BY source, anchor ORDER BY source, anchor",
        [incident_id, [k for k in keys if k]])
    seen = {r.source for r in refs}
    for row in mentions.itertuples():
        if f"{row.source}#{row.anchor}" not in seen:
            refs.append(DesignRef(kind="mention", source=f"{row.source}#{row.anchor}", text=str(row.text)[:300]))
    if table:
        ddl = store.query_df(
            "SELECT source, table_name, comment FROM ddl_tables WHERE incident_id = ? AND table_name = ?",
            [incident_id, table])
        refs += [DesignRef(kind="table", source=f"{r.source}#{r.table_name}",
                           text=f"table {r.table_name}: {r.comment}"[:300])
                 for r in ddl.itertuples()]
    if sym and sym.endpoint:
        http, route = sym.endpoint.split(" ", 1)
        from core.ingest.code._roles import normalize_route

        ops = store.query_df("SELECT source, op_key, summary FROM api_operations WHERE incident_id = ? AND "
                             "http_method = ? AND route_key = ?", [incident_id, http, normalize_route(route)])
        refs += [DesignRef(kind="api", source=f"{r.source}#{r.op_key}", text=f"{r.op_key}: {r.summary}"[:300])
                 for r in ops.itertuples()]
    return refs
