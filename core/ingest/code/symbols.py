"""The symbol index: Java types, members, calls, DDD roles and endpoints of a repository at one commit.

Parses are cached by Git blob id, so a repository indexed once is reused wherever it is cloned, and a
new commit re-parses only the files whose content changed. Resolved facts (roles, contexts, endpoints,
references) are stored per index (repository root + commit) and tied to incidents in `incident_code`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel

from core.errors import IngestError
from core.ingest.code._java import (
    Annotation,
    JavaCall,
    JavaFile,
    JavaMember,
    JavaType,
    decode_source,
    parse_java,
)
from core.ingest.code._roles import Resolved, normalize_route, resolve_index
from core.store import Store

__all__ = [
    "MAX_SOURCE_BYTES",
    "CodeIndex",
    "Role",
    "Symbol",
    "find_class",
    "incident_index",
    "index_repo",
    "link_incident",
    "symbol_at",
]

log = logging.getLogger(__name__)

Role = Literal["aggregate_root", "entity", "value_object", "repository", "domain_service", "application_service",
               "controller", "other"]
MAX_SOURCE_BYTES = 2 * 1024 * 1024
_BATCH = 1000


class CodeIndex(BaseModel):
    """What one indexing run produced (or found already done)."""

    index_id: str
    repo_key: str
    repo_path: str
    commit_sha: str
    files: int
    parsed: int
    reused: int
    failed: int
    classes: int
    methods: int
    seconds: float
    base_index_id: str | None = None
    changed_files: int = 0
    cached: bool = False


class Symbol(BaseModel):
    """A class (or a member of one) with its place in the design."""

    fqn: str
    name: str
    kind: str
    path: str
    start_line: int
    end_line: int
    role: Role
    layer: str | None = None
    bounded_context: str | None = None
    aggregate: str | None = None
    table: str | None = None
    class_fqn: str
    member: str | None = None
    endpoint: str | None = None


def _git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], input=data, capture_output=True, check=True)
    except FileNotFoundError as exc:
        raise IngestError("git is not installed; install it to index repositories.") from exc
    except subprocess.CalledProcessError as exc:
        reason = exc.stderr.decode(errors="replace").strip()[:300]
        raise IngestError(f"git {args[0]} failed in {repo}: {reason}") from exc
    return done.stdout


def _tree(repo: Path, commit: str) -> dict[str, str]:
    """path → blob id of every Java source at `commit` (paths exactly as Git stores them)."""
    out: dict[str, str] = {}
    for entry in _git(repo, "ls-tree", "-r", "-z", "--full-tree", commit).split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, sha = meta.split()
        path = raw_path.decode("utf-8", errors="replace")
        if kind == b"blob" and mode != b"120000" and path.endswith(".java"):
            out[path] = sha.decode()
    return out


def _blobs(repo: Path, shas: list[str]) -> Iterator[tuple[str, bytes]]:
    """Contents of many blobs through one `git cat-file --batch` per chunk."""
    for i in range(0, len(shas), _BATCH):
        chunk = shas[i: i + _BATCH]
        raw = _git(repo, "cat-file", "--batch", data=("\n".join(chunk) + "\n").encode())
        pos = 0
        for _ in chunk:
            eol = raw.index(b"\n", pos)
            header = raw[pos:eol].split()
            if len(header) < 3 or header[1] == b"missing":
                pos = eol + 1
                continue
            size = int(header[2])
            yield header[0].decode(), raw[eol + 1: eol + 1 + size]
            pos = eol + 1 + size + 1


def _plain(value: Any) -> Any:
    """A parsed file as JSON-ready values; dataclasses.asdict deep-copies and was half the parse time."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in vars(value).items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _parse_blob(sha: str, data: bytes) -> dict[str, Any]:
    row: dict[str, Any] = {"blob_sha": sha, "language": "java", "encoding": None, "errors": 0, "status": "ok",
                           "message": "", "parsed": None}
    if len(data) > MAX_SOURCE_BYTES:
        row.update(status="skipped", message=f"larger than {MAX_SOURCE_BYTES // 1024} KiB")
    elif b"\0" in data[:8192]:
        row.update(status="binary", message="binary content")
    else:
        text, encoding = decode_source(data)
        parsed = parse_java(text.encode("utf-8") if encoding != "utf-8" else data)
        row.update(encoding=encoding, errors=parsed.errors, parsed=json.dumps(_plain(parsed)),
                   status="ok" if not parsed.errors else "partial",
                   message=f"{parsed.errors} syntax error(s)" if parsed.errors else "")
    return row


def _load_file(payload: str) -> JavaFile:
    data = json.loads(payload)

    def ann(items: list[dict[str, Any]]) -> list[Annotation]:
        return [Annotation(**a) for a in items]

    types = []
    for t in data["types"]:
        members = [JavaMember(**{**m, "annotations": ann(m["annotations"]), "params": [tuple(p) for p in m["params"]]})
                   for m in t["members"]]
        calls = [JavaCall(**c) for c in t["calls"]]
        types.append(JavaType(**{**t, "annotations": ann(t["annotations"]), "members": members, "calls": calls}))
    return JavaFile(package=data["package"], imports=data["imports"], types=types, errors=data["errors"])


def _repo_key(repo: Path) -> str:
    roots = sorted(_git(repo, "rev-list", "--max-parents=0", "HEAD").decode().split())
    return roots[0] if roots else hashlib.sha1(str(repo.resolve()).encode()).hexdigest()


def _frames(index_id: str, resolved: Resolved) -> dict[str, pd.DataFrame]:
    symbols, members = [], []
    for c in resolved.classes.values():
        symbols.append({
            "index_id": index_id, "fqn": c.fqn, "name": c.name, "kind": c.kind, "path": c.path, "package": c.package,
            "start_line": c.start_line, "end_line": c.end_line, "role": c.role, "layer": c.layer,
            "bounded_context": c.bounded_context, "aggregate": c.aggregate, "table_name": c.table,
            "tables": json.dumps(c.tables), "annotations": json.dumps([a.name for a in c.jtype.annotations]),
            "doc": c.jtype.doc,
        })
        for m in c.jtype.members:
            members.append({
                "index_id": index_id, "class_fqn": c.fqn, "name": m.name, "kind": m.kind, "type": m.type,
                "params": json.dumps(m.params), "annotations": json.dumps([a.name for a in m.annotations]),
                "path": c.path, "start_line": m.start_line, "end_line": m.end_line,
            })
    endpoints = [{"index_id": index_id, "class_fqn": e.fqn, "method": e.method, "http_method": e.http_method,
                  "route": e.route, "route_key": normalize_route(e.route), "path": resolved.classes[e.fqn].path,
                  "start_line": e.start_line, "end_line": e.end_line} for e in resolved.endpoints]
    refs = [{"index_id": index_id, "src": r.src, "src_member": r.src_member, "dst": r.dst, "dst_member": r.dst_member,
             "kind": r.kind, "line": r.line} for r in resolved.refs]
    return {"code_symbols": pd.DataFrame(symbols), "code_members": pd.DataFrame(members),
            "code_endpoints": pd.DataFrame(endpoints), "code_refs": pd.DataFrame(refs)}


def link_incident(store: Store, incident_id: str, index: CodeIndex) -> None:
    """Tie an incident to the code index its analysis uses (replacing any earlier one)."""
    with store.transaction() as cur:
        cur.execute("DELETE FROM incident_code WHERE incident_id = ?", [incident_id])
        cur.execute("INSERT INTO incident_code VALUES (?,?,?,?,?)",
                    [incident_id, index.index_id, index.repo_path, index.commit_sha, datetime.now(UTC)])
    log.info("incident %s: code index %s (%s@%s)", incident_id, index.index_id, index.repo_path, index.commit_sha[:10])


def index_repo(store: Store, repo: Path, rev: str = "HEAD", *, incident_id: str | None = None) -> CodeIndex:
    """Index the Java sources of `repo` at `rev` (reusing every parse already stored).

    Args:
        store: the DuckDB store.
        repo: a Git working copy (or bare repository).
        rev: the commit to index, e.g. the revision deployed when the incident started.
        incident_id: when given, the incident is tied to this index.

    Returns:
        What was indexed, parsed, reused and how long it took.

    Raises:
        IngestError: not a Git repository, or `rev` does not exist.
    """
    started = time.perf_counter()
    repo = Path(repo)
    commit = _git(repo, "rev-parse", "--verify", f"{rev}^{{commit}}").decode().strip()
    key = _repo_key(repo)
    index_id = hashlib.sha1(f"{key}:{commit}".encode()).hexdigest()[:16]
    existing = store.query_df("SELECT * FROM code_indexes WHERE index_id = ?", [index_id])
    if len(existing):
        row = existing.iloc[0]
        index = CodeIndex(**{k: row[k] for k in CodeIndex.model_fields if k in row and k != "cached"}, cached=True)
        index = index.model_copy(update={"repo_path": str(repo), "seconds": round(time.perf_counter() - started, 3)})
    else:
        index = _build(store, repo, key, commit, index_id, started)
    if incident_id:
        link_incident(store, incident_id, index)
    return index


def _build(store: Store, repo: Path, key: str, commit: str, index_id: str, started: float) -> CodeIndex:
    tree = _tree(repo, commit)
    wanted = sorted(set(tree.values()))
    known = store.query_df("SELECT blob_sha, status, parsed FROM code_blobs WHERE blob_sha IN (SELECT unnest(?))",
                           [wanted]) if wanted else pd.DataFrame(columns=["blob_sha", "status", "parsed"])
    cache = dict(zip(known["blob_sha"], known["parsed"], strict=True))
    new_rows = [_parse_blob(sha, data) for sha, data in _blobs(repo, [s for s in wanted if s not in cache])]
    cache.update({r["blob_sha"]: r["parsed"] for r in new_rows})
    files: list[tuple[str, str, list[str], list[JavaType]]] = []
    failed = 0
    for path, sha in sorted(tree.items()):
        payload = cache.get(sha)
        if payload is None or (isinstance(payload, float) and pd.isna(payload)):
            failed += 1
            continue
        parsed = _load_file(payload)
        files.append((path, parsed.package, parsed.imports, parsed.types))
    resolved = resolve_index(files)
    base = store.query_df(
        "SELECT index_id FROM code_indexes WHERE repo_key = ? ORDER BY created_at DESC LIMIT 1", [key])
    base_id = str(base.iloc[0, 0]) if len(base) else None
    changed = len(tree)
    if base_id:
        before = store.query_df("SELECT path, blob_sha FROM code_files WHERE index_id = ?", [base_id])
        old = dict(zip(before["path"], before["blob_sha"], strict=True))
        changed = sum(1 for p, s in tree.items() if old.get(p) != s) + sum(1 for p in old if p not in tree)
    frames = _frames(index_id, resolved)
    methods = int((frames["code_members"]["kind"] != "field").sum()) if len(frames["code_members"]) else 0
    index = CodeIndex(index_id=index_id, repo_key=key, repo_path=str(repo), commit_sha=commit, files=len(tree),
                      parsed=len(new_rows), reused=len(tree) - len(new_rows), failed=failed,
                      classes=len(resolved.classes), methods=methods, seconds=0.0, base_index_id=base_id,
                      changed_files=changed)
    status = {r["blob_sha"]: r["status"] for r in new_rows}
    status.update(dict(zip(known["blob_sha"], known["status"], strict=True)))
    file_frame = pd.DataFrame({"index_id": index_id, "path": list(tree), "blob_sha": list(tree.values()),
                               "language": "java", "status": [status.get(s, "missing") for s in tree.values()]})
    index.seconds = round(time.perf_counter() - started, 3)
    with store.transaction() as cur:
        for table in ("code_files", "code_symbols", "code_members", "code_endpoints", "code_refs"):
            cur.execute(f"DELETE FROM {table} WHERE index_id = ?", [index_id])
        if new_rows:
            store.insert_frame(cur, "code_blobs", pd.DataFrame(new_rows))
        if len(file_frame):
            store.insert_frame(cur, "code_files", file_frame)
        for table, frame in frames.items():
            if len(frame):
                store.insert_frame(cur, table, frame)
        row = index.model_dump(exclude={"cached"})
        row["created_at"] = datetime.now(UTC)
        store.insert_frame(cur, "code_indexes", pd.DataFrame([row]))
    log.info("code index %s: %s@%s, %d files (%d parsed, %d reused, %d failed), %d classes, %d methods in %.2fs",
             index_id, repo, commit[:10], index.files, index.parsed, index.reused, failed, index.classes, methods,
             index.seconds)
    return index


def incident_index(store: Store, incident_id: str) -> str | None:
    """The code index an incident (or an index-only scope) uses."""
    rows = store.query_df("SELECT index_id FROM incident_code WHERE incident_id = ?", [incident_id])
    return str(rows.iloc[0, 0]) if len(rows) else None


def _symbol(row: pd.Series, member: pd.Series | None = None, endpoint: str | None = None,
            aggregate: str | None = None) -> Symbol:
    def val(v: Any) -> Any:
        return None if v is None or (isinstance(v, float) and pd.isna(v)) else v

    base: dict[str, Any] = {
        "fqn": row["fqn"], "name": row["name"], "kind": row["kind"], "path": row["path"],
        "start_line": int(row["start_line"]), "end_line": int(row["end_line"]), "role": row["role"],
        "layer": val(row["layer"]), "bounded_context": val(row["bounded_context"]),
        "aggregate": val(aggregate or row["aggregate"]), "table": val(row["table_name"]), "class_fqn": row["fqn"]}
    if member is not None:
        base.update(fqn=f"{row['fqn']}.{member['name']}", name=member["name"], kind=member["kind"],
                    start_line=int(member["start_line"]), end_line=int(member["end_line"]), member=member["name"],
                    endpoint=endpoint)
    return Symbol(**base)


def symbol_at(store: Store, incident_id: str, path: str, line: int) -> Symbol | None:
    """The innermost method (or class) at `path:line` in the incident's code index, with its design facts.

    A method's aggregate is the one its code on that line reaches through a repository call (e.g. the
    line `inventoryItemRepository.findBySkuForUpdate(...)` → InventoryItem), else its class's.
    """
    index_id = incident_index(store, incident_id)
    if index_id is None:
        return None
    classes = store.query_df(
        "SELECT * FROM code_symbols WHERE index_id = ? AND path = ? AND start_line <= ? AND end_line >= ? "
        "ORDER BY end_line - start_line LIMIT 1", [index_id, path, line, line])
    if classes.empty:
        return None
    cls = classes.iloc[0]
    members = store.query_df(
        "SELECT * FROM code_members WHERE index_id = ? AND class_fqn = ? AND kind != 'field' AND start_line <= ? "
        "AND end_line >= ? ORDER BY end_line - start_line LIMIT 1", [index_id, cls["fqn"], line, line])
    if members.empty:
        return _symbol(cls)
    member = members.iloc[0]
    ep = store.query_df(
        "SELECT http_method || ' ' || route FROM code_endpoints WHERE index_id = ? AND class_fqn = ? AND method = ? "
        "AND start_line = ? LIMIT 1", [index_id, cls["fqn"], member["name"], int(member["start_line"])])
    reached = store.query_df(
        "SELECT s.aggregate FROM code_refs r JOIN code_symbols s ON s.index_id = r.index_id AND s.fqn = r.dst "
        "WHERE r.index_id = ? AND r.src = ? AND r.kind = 'calls' AND r.line = ? AND s.aggregate IS NOT NULL "
        "AND s.role IN ('repository', 'aggregate_root', 'entity') LIMIT 1", [index_id, cls["fqn"], line])
    return _symbol(cls, member, str(ep.iloc[0, 0]) if len(ep) else None,
                   str(reached.iloc[0, 0]) if len(reached) else None)


def find_class(store: Store, incident_id: str, class_name: str) -> Symbol | None:
    """A class of the incident's index by fully-qualified name (`Outer$Inner` accepted) or unique simple name."""
    index_id = incident_index(store, incident_id)
    if index_id is None:
        return None
    name = class_name.replace("$", ".")
    rows = store.query_df("SELECT * FROM code_symbols WHERE index_id = ? AND (fqn = ? OR name = ?) "
                          "ORDER BY (fqn = ?) DESC", [index_id, name, name, name])
    if rows.empty or (rows.iloc[0]["fqn"] != name and len(rows) > 1):
        return None
    return _symbol(rows.iloc[0])
