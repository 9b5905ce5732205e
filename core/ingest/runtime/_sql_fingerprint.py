"""SQL fingerprints: literals masked and IN-lists collapsed with sqlglot, a regex normaliser when it cannot parse."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

__all__ = ["Fingerprint", "Fingerprinter", "fingerprint_sql", "regex_fingerprint"]

_KINDS: dict[type[exp.Expression], str] = {
    exp.Select: "select", exp.Union: "select", exp.Intersect: "select", exp.Except: "select", exp.Update: "update",
    exp.Insert: "insert", exp.Delete: "delete", exp.Merge: "merge", exp.Create: "ddl", exp.Alter: "ddl",
    exp.Drop: "ddl", exp.Commit: "commit", exp.Rollback: "rollback", exp.Set: "set", exp.Use: "use",
    exp.Show: "show",
}
_MASKED = (exp.Literal, exp.HexString, exp.BitString, exp.ByteString, exp.Boolean, exp.Placeholder, exp.Parameter)
_COMMENTS = re.compile(r"/\*.*?\*/|--[^\n]*|^\s*#[^\n]*", re.DOTALL | re.MULTILINE)
_TABLES = re.compile(
    r"\b(?:from|join|update|into|table)\s+((?:[`\"]?[\w$]+[`\"]?\.)?[`\"]?[\w$]+[`\"]?)", re.IGNORECASE)


@dataclass(frozen=True)
class Fingerprint:
    """The shape of a statement: its normalised text, a short id, the tables and kind, and how it was read."""

    id: str
    text: str
    kind: str
    for_update: bool
    tables: tuple[str, ...]
    parser: str
    note: str = ""


def _fid(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def _strip(sql: str) -> str:
    return re.sub(r"\s+", " ", _COMMENTS.sub(" ", sql)).strip().rstrip(";").strip()


def regex_fingerprint(sql: str, note: str = "", *, mysql_quotes: bool = True) -> Fingerprint:
    """The fallback normaliser: strings, numbers and parameters become `?`, IN-lists and VALUES rows collapse."""
    text = _strip(sql)
    text = re.sub(r"'(?:[^'\\]|\\.|'')*'", "?", text)
    if mysql_quotes:
        text = re.sub(r'"(?:[^"\\]|\\.)*"', "?", text)
    text = re.sub(r"\b0x[0-9a-f]+\b", "?", text, flags=re.IGNORECASE)
    text = re.sub(r"(?<![\w.$])[+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b", "?", text, flags=re.IGNORECASE)
    text = re.sub(r"\$\d+|(?<![:\w]):[a-z_]\w*", "?", text, flags=re.IGNORECASE)
    text = re.sub(r"\bin\s*\(\s*\?(?:\s*,\s*\?)*\s*\)", "in (?)", text, flags=re.IGNORECASE)
    text = re.sub(r"\bvalues\s*(\(\s*\?(?:\s*,\s*\?)*\s*\))(?:\s*,\s*\(\s*\?(?:\s*,\s*\?)*\s*\))+", r"values \1", text,
                  flags=re.IGNORECASE)
    text = re.sub(r"\blimit\s+\?(?:\s*,\s*\?)?", "limit ?", text, flags=re.IGNORECASE).lower()
    tables = tuple(sorted({m.split(".")[-1].strip('`"').lower() for m in _TABLES.findall(text)} - {"select", "?"}))
    kind = text.split(" ", 1)[0] if text else "?"
    return Fingerprint(
        id=_fid(text), text=text, kind=kind, for_update=bool(re.search(r"\bfor\s+update\b", text)), tables=tables,
        parser="regex", note=note,
    )


def _normalise(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.In) and node.expressions:
        node.set("expressions", [exp.var("?")])
    elif isinstance(node, exp.Values) and len(node.expressions) > 1:
        node.set("expressions", node.expressions[:1])
    elif isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal):
        return exp.var("?")
    elif isinstance(node, _MASKED):
        # A bare `?` whatever the dialect (postgres would print a placeholder as %s).
        return exp.var("?")
    elif isinstance(node, exp.Identifier):
        return exp.Identifier(this=node.name.lower(), quoted=False)
    return node


def fingerprint_sql(sql: str, dialect: str = "mysql") -> Fingerprint:
    """Fingerprint one statement with sqlglot; fall back to the regex normaliser (saying why) when it cannot parse."""
    text = _strip(sql)
    if not text:
        return regex_fingerprint(sql, "empty statement")
    if dialect == "postgres":
        # sqlglot's tokenizer mistakes "$2,$3" for a dollar-quoted string; named placeholders parse the same.
        text = re.sub(r"\$(\d+)\b", r":p\1", text)
    try:
        trees = [t for t in sqlglot.parse(text, read=dialect) if t is not None]
    except (SqlglotError, RecursionError, ValueError) as exc:
        first = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        return regex_fingerprint(sql, f"sqlglot could not parse it ({first}); regex normaliser used",
                                 mysql_quotes=dialect == "mysql")
    if not trees or isinstance(trees[0], exp.Command):
        return regex_fingerprint(sql, "sqlglot read it only as an opaque command; regex normaliser used",
                                 mysql_quotes=dialect == "mysql")
    tree = trees[0]
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    tables = tuple(sorted({t.name.lower() for t in tree.find_all(exp.Table) if t.name} - ctes))
    for_update = any(lock.args.get("update") for lock in tree.find_all(exp.Lock))
    kind = next((k for cls, k in _KINDS.items() if isinstance(tree, cls)), type(tree).__name__.lower())
    masked = tree.copy().transform(_normalise)
    normal = masked.sql(dialect=dialect, comments=False)
    return Fingerprint(id=_fid(normal), text=normal, kind=kind, for_update=for_update, tables=tables, parser="sqlglot")


class Fingerprinter:
    """Fingerprints with a cache keyed by the regex shape: a slow log repeats a few shapes thousands of times."""

    def __init__(self, dialect: str = "mysql") -> None:
        self.dialect = dialect
        self._cache: dict[str, Fingerprint] = {}

    def __call__(self, sql: str) -> Fingerprint:
        key = regex_fingerprint(sql, mysql_quotes=self.dialect == "mysql").text
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = fingerprint_sql(sql, self.dialect)
        return found
