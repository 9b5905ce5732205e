"""OpenAPI (3.x YAML/JSON, Swagger 2) → operations; SQL DDL (sqlglot) → tables, columns and keys."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import sqlglot
import yaml
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from core.errors import IngestError
from core.ingest.code._roles import normalize_route

__all__ = ["DdlTable", "Operation", "looks_like_openapi", "parse_ddl", "parse_openapi"]

_HTTP = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass
class Operation:
    http_method: str
    route: str
    operation_id: str | None
    summary: str
    tags: list[str]
    handler: str | None

    @property
    def key(self) -> str:
        return f"{self.http_method} {self.route}"

    @property
    def route_key(self) -> str:
        return normalize_route(self.route)


@dataclass
class DdlTable:
    name: str
    columns: list[dict[str, Any]]
    primary_key: list[str]
    unique_keys: list[list[str]]
    foreign_keys: list[dict[str, Any]]
    comment: str
    start_line: int | None
    indexes: list[list[str]] = field(default_factory=list)


def _load(text: str, source: str) -> Any:
    stripped = text.lstrip()
    try:
        if stripped.startswith("{"):
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise IngestError(f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                          "fix the syntax and re-add it.") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise IngestError(f"{source} is not valid YAML{where}: {problem}; fix the syntax and re-add it.") from exc


def looks_like_openapi(text: str) -> bool:
    """A cheap sniff for an API spec among YAML/JSON design files."""
    return bool(re.search(r"""(^|[{,])\s*["']?(openapi|swagger)["']?\s*:""", text[:4000], re.MULTILINE))


def parse_openapi(text: str, source: str) -> tuple[str, list[Operation]]:
    """Parse an OpenAPI/Swagger document into (title, operations).

    Raises:
        IngestError: not YAML/JSON, not an OpenAPI document, or `paths` is malformed.
    """
    doc = _load(text, source)
    if not isinstance(doc, dict) or not ("openapi" in doc or "swagger" in doc):
        raise IngestError(f"{source} is not an OpenAPI document: it needs a top-level 'openapi: 3.x' "
                          "(or 'swagger: \"2.0\"') and 'paths'.")
    paths = doc.get("paths")
    if paths is None:
        paths = {}
    if not isinstance(paths, dict):
        raise IngestError(f"{source}: 'paths' must be a mapping of URL paths to operations.")
    base = str(doc.get("basePath") or "").rstrip("/") if "swagger" in doc else ""
    operations = []
    for route, item in paths.items():
        if not str(route).startswith("/"):
            raise IngestError(f"{source}: path {route!r} must start with '/'.")
        if not isinstance(item, dict):
            raise IngestError(f"{source}: paths.{route} must be a mapping of HTTP methods to operations.")
        for method, op in item.items():
            if method.lower() not in _HTTP:
                continue
            if not isinstance(op, dict):
                raise IngestError(f"{source}: paths.{route}.{method} must be a mapping (operationId, responses …).")
            tags = op.get("tags") or []
            operations.append(Operation(
                http_method=method.upper(), route=base + str(route), operation_id=op.get("operationId"),
                summary=str(op.get("summary") or op.get("description") or "").strip()[:300],
                tags=[str(t) for t in tags] if isinstance(tags, list) else [str(tags)],
                handler=op.get("x-handler") or op.get("x-controller"),
            ))
    info: dict[str, Any] = doc["info"] if isinstance(doc.get("info"), dict) else {}
    return str(info.get("title") or ""), operations


def _names(node: exp.Expression | None) -> list[str]:
    if node is None:
        return []
    return [c.name for c in node.find_all(exp.Identifier)]


def _column(col: exp.ColumnDef) -> dict[str, Any]:
    constraints = col.args.get("constraints") or []
    kinds = [c.args.get("kind") for c in constraints]
    nullable = not any(isinstance(k, exp.NotNullColumnConstraint) and not k.args.get("allow_null") for k in kinds)
    comment = next((k.this.name for k in kinds if isinstance(k, exp.CommentColumnConstraint)), "")
    return {"name": col.name, "type": col.args["kind"].sql() if col.args.get("kind") else "",
            "nullable": nullable, "comment": comment,
            "primary_key": any(isinstance(k, exp.PrimaryKeyColumnConstraint) for k in kinds)}


def _table(create: exp.Create, text: str) -> DdlTable:
    schema = create.this
    table = schema.this if isinstance(schema, exp.Schema) else schema
    name = table.name
    columns, pk, uniques, fks, indexes = [], [], [], [], []
    for item in schema.expressions if isinstance(schema, exp.Schema) else []:
        if isinstance(item, exp.ColumnDef):
            columns.append(_column(item))
        elif isinstance(item, exp.PrimaryKey):
            pk = _names(item)
        elif isinstance(item, exp.UniqueColumnConstraint):
            uniques.append(_names(item.this)[1:] if isinstance(item.this, exp.Schema) else _names(item))
        elif isinstance(item, exp.IndexColumnConstraint):
            indexes.append([c.name for c in item.expressions] or _names(item))
        elif isinstance(item, exp.Constraint | exp.ForeignKey):
            for fk in item.find_all(exp.ForeignKey):
                ref = fk.args.get("reference")
                ref_schema = ref.this if ref is not None else None
                ref_table = ref_schema.this.name if isinstance(ref_schema, exp.Schema) else (
                    ref_schema.name if ref_schema is not None else "")
                ref_cols = [c.name for c in ref_schema.expressions] if isinstance(ref_schema, exp.Schema) else []
                fks.append({"columns": [c.name for c in fk.expressions], "ref_table": ref_table,
                            "ref_columns": ref_cols})
    pk = pk or [c["name"] for c in columns if c["primary_key"]]
    match = re.search(rf"create\s+table\s+(if\s+not\s+exists\s+)?[`\"\[]?{re.escape(name)}\b", text, re.IGNORECASE)
    line = text[: match.start()].count("\n") + 1 if match else None
    comment = " ".join(c.strip() for c in (create.comments or []))
    return DdlTable(name=name, columns=columns, primary_key=pk, unique_keys=uniques, foreign_keys=fks,
                    comment=comment, start_line=line, indexes=indexes)


def parse_ddl(text: str, source: str) -> list[DdlTable]:
    """Parse SQL DDL (MySQL, PostgreSQL or ANSI) into its tables.

    Raises:
        IngestError: the SQL does not parse in any dialect, or it creates no table.
    """
    problems = []
    for dialect in ("mysql", "postgres", None):
        try:
            statements = sqlglot.parse(text, read=dialect)
        except (ParseError, TokenError) as exc:
            problems.append(str(exc).splitlines()[0])
            continue
        tables = [_table(s, text) for s in statements
                  if isinstance(s, exp.Create) and str(s.args.get("kind", "")).upper() == "TABLE"]
        if tables:
            return tables
        problems.append("no CREATE TABLE statement")
    raise IngestError(f"{source}: cannot read the DDL ({problems[0]}); it must hold CREATE TABLE statements "
                      "in MySQL or PostgreSQL syntax.")
