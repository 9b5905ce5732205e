"""What the change linking asks of the incident's code index: method spans, neighbours, tables, types."""

from __future__ import annotations

from collections.abc import Sequence

from core.ingest.code import incident_index
from core.store import Store

__all__ = ["CodeIndexView", "index_name"]

_MAX_NEIGHBOURS = 40


class CodeIndexView:
    """Method spans of the incident's code index at the incident revision."""

    def __init__(self, store: Store, incident_id: str) -> None:
        self.store, self.index_id = store, incident_index(store, incident_id)

    def of_class(self, class_fqn: str) -> list[tuple[str, int, int, str]]:
        if self.index_id is None:
            return []
        df = self.store.query_df(
            "SELECT name, start_line, end_line, path FROM code_members WHERE index_id = ? AND class_fqn = ? "
            "AND kind <> 'field'", [self.index_id, class_fqn])
        return [(str(r.name), int(r.start_line), int(r.end_line), str(r.path)) for r in df.itertuples()]

    def neighbours(self, methods: Sequence[tuple[str, str]]) -> list[tuple[str, str, str, int, int, str]]:
        """Methods one or two calls from the failing ones, either direction: (class, method, path, start, end, why)."""
        if self.index_id is None or not methods:
            return []
        pairs = [f"{c}#{m}" for c, m in methods]
        df = self.store.query_df(
            "WITH seed AS (SELECT unnest(?::VARCHAR[]) AS k), "
            "hop1 AS (SELECT r.dst AS cls, r.dst_member AS m, 'called by ' || r.src || '.' || r.src_member AS why "
            "  FROM code_refs r WHERE r.index_id = ? AND r.kind = 'calls' AND r.dst_member IS NOT NULL "
            "  AND r.src || '#' || r.src_member IN (SELECT k FROM seed) "
            "  UNION SELECT r.src, r.src_member, 'calls ' || r.dst || '.' || r.dst_member FROM code_refs r "
            "  WHERE r.index_id = ? AND r.kind = 'calls' AND r.src_member IS NOT NULL "
            "  AND r.dst || '#' || r.dst_member IN (SELECT k FROM seed)) "
            "SELECT h.cls, h.m, min(h.why) AS why, m.path, m.start_line, m.end_line FROM hop1 h "
            "JOIN code_members m ON m.index_id = ? AND m.class_fqn = h.cls AND m.name = h.m AND m.kind <> 'field' "
            "WHERE h.cls || '#' || h.m NOT IN (SELECT k FROM seed) GROUP BY ALL LIMIT ?",
            [pairs, self.index_id, self.index_id, self.index_id, _MAX_NEIGHBOURS])
        return [(str(r.cls), str(r.m), str(r.path), int(r.start_line), int(r.end_line), str(r.why))
                for r in df.itertuples()]

    def known_types(self, names: set[str]) -> set[str]:
        """Which of these simple type names are the application's own classes."""
        if self.index_id is None or not names:
            return set()
        df = self.store.query_df("SELECT DISTINCT name FROM code_symbols WHERE index_id = ? AND name IN "
                                 "(SELECT unnest(?::VARCHAR[]))", [self.index_id, sorted(names)])
        return {str(n) for n in df["name"]}

    def symbol_at(self, path: str, line: int | None) -> str | None:
        """`Class.method` enclosing `path:line` at the incident revision, when the index has it."""
        if self.index_id is None or not line:
            return None
        df = self.store.query_df(
            "SELECT class_fqn || '.' || name FROM code_members WHERE index_id = ? AND path = ? AND kind <> 'field' "
            "AND start_line <= ? AND end_line >= ? ORDER BY end_line - start_line LIMIT 1",
            [self.index_id, path, line, line])
        return str(df.iloc[0, 0]) if len(df) else None

    def table_code(self, tables: set[str]) -> dict[str, tuple[set[str], set[str]]]:
        """Per table: the simple names of the entities mapped to it, and the paths of the code that persists
        them (the entity itself, and repositories, mappers and DAOs that refer to it)."""
        out: dict[str, tuple[set[str], set[str]]] = {t: (set(), set()) for t in tables}
        if self.index_id is None or not tables:
            return out
        df = self.store.query_df(
            "SELECT fqn, name, path, lower(coalesce(table_name, '')) AS t, "
            "lower(coalesce(CAST(tables AS VARCHAR), '')) AS ts FROM code_symbols WHERE index_id = ?", [self.index_id])
        entity_of: dict[str, str] = {}
        for r in df.itertuples():
            for t in tables:
                if r.t == t or f'"{t}"' in r.ts:
                    out[t][0].add(str(r.name))
                    out[t][1].add(str(r.path))
                    entity_of[str(r.fqn)] = t
        if entity_of:
            refs = self.store.query_df(
                "SELECT DISTINCT r.dst, s.path FROM code_refs r JOIN code_symbols s ON s.index_id = r.index_id "
                "AND s.fqn = r.src WHERE r.index_id = ? AND r.dst IN (SELECT unnest(?::VARCHAR[])) "
                "AND (s.role = 'repository' OR regexp_matches(s.name, '(Repository|Repo|Mapper|Dao|DAO|Store)$'))",
                [self.index_id, sorted(entity_of)])
            for r in refs.itertuples():
                out[entity_of[str(r.dst)]][1].add(str(r.path))
        return out


def index_name(class_name: str) -> str:
    parts = class_name.split("$")
    return ".".join([parts[0]] + [p for p in parts[1:] if p and not p[0].isdigit()])
