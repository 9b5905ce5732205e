"""DDD roles, layers, bounded contexts, aggregates, tables and endpoints of an indexed code base."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from core.ingest.code._java import (
    Annotation,
    JavaType,
    base_type,
    type_names,
)
from core.ingest.code.layers import bounded_context_of, layer_of

__all__ = ["ROLES", "ClassInfo", "Resolved", "normalize_route", "resolve_index"]

ROLES = ("aggregate_root", "entity", "value_object", "repository", "domain_service", "application_service",
         "controller", "other")
_REPO_BASES = {"Repository", "CrudRepository", "JpaRepository", "PagingAndSortingRepository", "ListCrudRepository",
               "MongoRepository", "ReactiveCrudRepository", "R2dbcRepository", "ElasticsearchRepository",
               "JpaSpecificationExecutor", "QuerydslPredicateExecutor", "ListPagingAndSortingRepository"}
_MAPPINGS = {"RequestMapping": None, "GetMapping": "GET", "PostMapping": "POST", "PutMapping": "PUT",
             "DeleteMapping": "DELETE", "PatchMapping": "PATCH"}
_JAXRS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}


@dataclass
class ClassInfo:
    """One type of the index with everything resolved across files."""

    fqn: str
    name: str
    kind: str
    path: str
    package: str
    start_line: int
    end_line: int
    jtype: JavaType
    imports: list[str]
    layer: str | None = None
    bounded_context: str | None = None
    role: str = "other"
    aggregate: str | None = None
    table: str | None = None
    tables: list[str] = field(default_factory=list)
    managed: str | None = None  # the entity a repository manages


@dataclass
class Endpoint:
    fqn: str
    method: str
    http_method: str
    route: str
    start_line: int
    end_line: int


@dataclass
class Ref:
    src: str
    src_member: str | None
    dst: str
    dst_member: str | None
    kind: str  # calls | uses | extends | implements
    line: int | None


@dataclass
class Resolved:
    classes: dict[str, ClassInfo]
    endpoints: list[Endpoint]
    refs: list[Ref]


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def normalize_route(route: str) -> str:
    """`/api//orders/{orderNo:\\d+}/` → `/api/orders/{}` (for matching code routes to OpenAPI paths)."""
    route = re.sub(r"\{[^}]*\}", "{}", route)
    route = "/" + "/".join(p for p in route.split("/") if p)
    return route


def _names(annotations: list[Annotation]) -> set[str]:
    return {a.name for a in annotations}


def _ann(annotations: list[Annotation], name: str) -> Annotation | None:
    return next((a for a in annotations if a.name == name), None)


class _Resolver:
    def __init__(self, classes: dict[str, ClassInfo]) -> None:
        self.classes = classes
        self.by_name: dict[str, list[str]] = defaultdict(list)
        for fqn, info in classes.items():
            self.by_name[info.name].append(fqn)

    def resolve(self, name: str, ctx: ClassInfo) -> str | None:
        """The fqn a simple (or qualified) type name means in `ctx`'s file, if it is in the index."""
        simple = base_type(name)
        if "." in name.split("<", 1)[0] and name.split("<", 1)[0] in self.classes:
            return name.split("<", 1)[0]
        candidates = self.by_name.get(simple)
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        own = f"{ctx.fqn}.{simple}"
        if own in self.classes:
            return own
        for imp in ctx.imports:
            if imp.rsplit(".", 1)[-1] == simple and imp in self.classes:
                return imp
            if imp.endswith(".*") and f"{imp[:-2]}.{simple}" in self.classes:
                return f"{imp[:-2]}.{simple}"
        same = f"{ctx.package}.{simple}"
        return same if same in self.classes else None


def _managed_type(info: ClassInfo, resolver: _Resolver) -> str | None:
    for sup in info.jtype.extends + info.jtype.implements:
        if base_type(sup) in _REPO_BASES and "<" in sup:
            args = type_names(sup.split("<", 1)[1])
            if args:
                return resolver.resolve(args[0], info)
    for suffix in ("Repository", "Repo", "Dao", "DAO"):
        if info.name.endswith(suffix) and len(info.name) > len(suffix):
            return resolver.resolve(info.name[: -len(suffix)], info)
    return None


def _base_role(info: ClassInfo) -> str:
    jt, anns = info.jtype, _names(info.jtype.annotations)
    supers = {base_type(s) for s in jt.extends + jt.implements}
    if jt.kind == "annotation" or any(s.endswith(("Exception", "Error", "Throwable")) for s in supers):
        return "other"
    if anns & {"RestController", "Controller"} or (anns & set(_MAPPINGS) and info.name.endswith("Controller")):
        return "controller"
    if info.layer == "interface" and ("Path" in anns or info.name.endswith("Controller")):
        return "controller"
    if "AggregateRoot" in anns or "AggregateRoot" in supers:
        return "aggregate_root"
    if "Repository" in anns or supers & _REPO_BASES or (
            jt.kind in ("class", "interface") and info.name.endswith(("Repository", "Repo", "Dao", "DAO"))):
        return "repository"
    if anns & {"Entity", "Document", "Table"} or "Entity" in supers:
        return "entity"
    if anns & {"Embeddable", "ValueObject", "Value", "Immutable"} or "ValueObject" in supers:
        return "value_object"
    if "DomainEvent" in anns or {"event", "events"} & set(info.package.split(".")):
        return "other"
    if jt.kind in ("record", "enum") and info.layer == "domain":
        return "value_object"
    if "DomainService" in anns or (info.layer == "domain" and jt.kind == "class" and (
            anns & {"Service", "Component"} or info.name.endswith("Service"))):
        return "domain_service"
    if anns & {"ApplicationService", "UseCase"} or info.name.endswith(
            ("ApplicationService", "AppService", "UseCase", "Facade", "CommandHandler")):
        return "application_service"
    if jt.kind == "class" and ("Service" in anns or (info.layer == "application" and info.name.endswith("Service"))):
        return "application_service"
    return "other"


def _endpoints(info: ClassInfo) -> list[Endpoint]:
    jt = info.jtype
    cls_map = _ann(jt.annotations, "RequestMapping")
    prefixes = (cls_map.args.get("value") or cls_map.args.get("path") or [""]) if cls_map else [""]
    jaxrs = _ann(jt.annotations, "Path")
    if jaxrs:
        prefixes = jaxrs.args.get("value") or [""]
    found = []
    for member in jt.members:
        if member.kind != "method":
            continue
        for ann in member.annotations:
            http: list[str] = []
            paths: list[str] = []
            if ann.name in _MAPPINGS:
                paths = ann.args.get("value") or ann.args.get("path") or [""]
                fixed = _MAPPINGS[ann.name]
                http = [fixed] if fixed else [m.rsplit(".", 1)[-1] for m in ann.args.get("method", [])] or ["ANY"]
            elif ann.name in _JAXRS:
                sub = _ann(member.annotations, "Path")
                paths, http = (sub.args.get("value") or [""]) if sub else [""], [ann.name]
            for prefix in prefixes:
                for path in paths:
                    route = "/" + "/".join(p.strip("/") for p in (prefix, path) if p.strip("/"))
                    for verb in http:
                        found.append(Endpoint(info.fqn, member.name, verb.upper(), route, member.start_line,
                                              member.end_line))
    return found


def _tables(info: ClassInfo) -> list[str]:
    jt, anns = info.jtype, _names(info.jtype.annotations)
    tables: list[str] = []
    table = _ann(jt.annotations, "Table")
    doc = _ann(jt.annotations, "Document")
    if table and table.first("name", "value"):
        tables.append(str(table.first("name", "value")))
    elif doc and doc.first("collection", "value"):
        tables.append(str(doc.first("collection", "value")))
    elif "Entity" in anns:
        tables.append(_snake(info.name))
    for member in jt.members:
        for name in ("CollectionTable", "JoinTable"):
            extra = _ann(member.annotations, name)
            if extra and extra.first("name") and str(extra.first("name")) not in tables:
                tables.append(str(extra.first("name")))
    return tables


def _field_refs(info: ClassInfo, resolver: _Resolver) -> set[str]:
    out = set()
    for member in info.jtype.members:
        if member.kind == "field":
            for name in type_names(member.type):
                if (fqn := resolver.resolve(name, info)) and fqn != info.fqn:
                    out.add(fqn)
    return out


def _aggregates(classes: dict[str, ClassInfo], resolver: _Resolver) -> None:
    holders: dict[str, set[str]] = defaultdict(set)  # class → roots whose object graph holds it
    for root in (c for c in classes.values() if c.role == "aggregate_root"):
        root.aggregate = root.fqn
        seen, frontier = {root.fqn}, [root.fqn]
        while frontier:
            current = classes[frontier.pop()]
            for dst in _field_refs(current, resolver):
                if dst not in seen and classes[dst].role in ("entity", "value_object"):
                    seen.add(dst)
                    holders[dst].add(root.fqn)
                    frontier.append(dst)
    for fqn, roots in holders.items():
        info = classes[fqn]
        local = {r for r in roots if classes[r].bounded_context == info.bounded_context} or roots
        if len(local) == 1:
            info.aggregate = next(iter(local))
    for info in classes.values():
        if info.role == "repository" and info.managed:
            info.aggregate = classes[info.managed].aggregate or info.managed


def _refs(classes: dict[str, ClassInfo], resolver: _Resolver, calls: dict[str, list]) -> list[Ref]:
    refs: list[Ref] = []
    for info in classes.values():
        jt = info.jtype
        for kind, supers in (("extends", jt.extends), ("implements", jt.implements)):
            for sup in supers:
                if dst := resolver.resolve(sup, info):
                    refs.append(Ref(info.fqn, None, dst, None, kind, jt.start_line))
        for dst in _field_refs(info, resolver):
            refs.append(Ref(info.fqn, None, dst, None, "uses", None))
        for call in calls.get(info.fqn, []):
            if call.receiver_type and (dst := resolver.resolve(call.receiver_type, info)):
                refs.append(Ref(info.fqn, call.member, dst, call.callee, "calls", call.line))
    return refs


def resolve_index(files: list[tuple[str, str, list[str], list[JavaType]]]) -> Resolved:
    """Resolve every type of an index. `files` holds (path, package, imports, types) per source file."""
    classes: dict[str, ClassInfo] = {}
    calls: dict[str, list] = {}
    for path, package, imports, types in files:
        for jt in types:
            fqn = f"{package}.{jt.path}" if package else jt.path
            if fqn in classes:  # the same class in two files (e.g. a copy under another source root): keep one
                continue
            classes[fqn] = ClassInfo(fqn=fqn, name=jt.name, kind=jt.kind, path=path, package=package,
                                     start_line=jt.start_line, end_line=jt.end_line, jtype=jt, imports=imports,
                                     layer=layer_of(package), bounded_context=bounded_context_of(package))
            calls[fqn] = jt.calls
    resolver = _Resolver(classes)
    for info in classes.values():
        info.role = _base_role(info)
        info.tables = _tables(info)
        info.table = info.tables[0] if info.tables else None
    for info in classes.values():
        if info.role == "repository":
            info.managed = _managed_type(info, resolver)
            managed = classes.get(info.managed or "")
            if managed and managed.role in ("entity", "other", "value_object") and managed.jtype.kind == "class" and (
                    managed.role == "entity" or managed.layer == "domain"):
                managed.role = "aggregate_root"
    for info in classes.values():
        doc = info.jtype.doc.lower()
        if info.role == "entity" and ("aggregate root" in doc or "聚合根" in doc):
            info.role = "aggregate_root"
    _aggregates(classes, resolver)
    endpoints = [e for info in classes.values() for e in _endpoints(info)]
    return Resolved(classes=classes, endpoints=endpoints, refs=_refs(classes, resolver, calls))
