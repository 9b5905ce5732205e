"""Markdown domain docs (zh or en) → sections, bounded contexts, aggregates, invariants, rules, glossary, mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from core.errors import IngestError

__all__ = ["Element", "MarkdownDoc", "Mention", "Section", "parse_markdown"]

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_NUMBERING = re.compile(r"^\s*(\d+(\.\d+)*\.?|[IVX]+\.)\s+")
_BACKTICK = re.compile(r"`([^`\n]{1,200})`")
# Plain-text class names: CamelCase with at least two humps (InventoryService), not ALLCAPS words.
_CAMEL = re.compile(r"(?<![\w.`])([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+)(?:\.([a-z]\w*))?(?![\w`])")
_CODE_TOKEN = re.compile(r"^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)*(\(\))?$")
_CONTEXT_WORDS = ("bounded context", "限界上下文", "上下文")
_AGGREGATE_WORDS = ("aggregate", "聚合")
_ROOT_WORDS = ("aggregate root", "聚合根")
_INVARIANT_WORDS = ("invariant", "不变量", "不变式")
_RULE_WORDS = ("design rule", "rules", "constraint", "约束", "规则", "规范")
_GLOSSARY_WORDS = ("glossary", "术语", "terms")
_ENTITY_WORDS = ("entity", "entities", "实体")
_VO_WORDS = ("value object", "值对象")


@dataclass
class Section:
    anchor: str
    heading: str
    level: int
    start_line: int
    end_line: int
    lines: list[str]
    parents: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


@dataclass
class Element:
    anchor: str
    kind: str  # bounded_context | aggregate | entity | value_object | invariant | rule | term
    name: str
    text: str
    context: str | None = None
    aggregate: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Mention:
    anchor: str
    symbol: str
    text: str


@dataclass
class MarkdownDoc:
    title: str
    language: str
    front_matter: dict[str, object]
    sections: list[Section]
    elements: list[Element]
    mentions: list[Mention]


def _has(text: str, words: tuple[str, ...]) -> bool:
    low = text.lower()
    return any(w in low for w in words)


def _anchor(heading: str) -> str:
    return _NUMBERING.sub("", re.sub(r"[*_`]", "", heading)).strip()


def _front_matter(lines: list[str], source: str) -> tuple[dict[str, object], int]:
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            try:
                data = yaml.safe_load("\n".join(lines[1:i])) or {}
            except yaml.YAMLError as exc:
                raise IngestError(f"{source}: the front matter (lines 1-{i + 1}) is not valid YAML: "
                                  f"{str(exc).splitlines()[0]}; fix it or remove it.") from exc
            if not isinstance(data, dict):
                raise IngestError(f"{source}: the front matter must be a YAML mapping (key: value lines).")
            return data, i + 1
    raise IngestError(f"{source}: the front matter opened on line 1 is never closed with '---'.")


def _sections(lines: list[str], start: int, source: str) -> list[Section]:
    sections = [Section("", "", 0, start + 1, start + 1, [], [])]
    stack: list[Section] = []
    fence_open: int | None = None
    for no, line in enumerate(lines[start:], start + 1):
        if _FENCE.match(line):
            fence_open = None if fence_open else no
        match = _HEADING.match(line) if fence_open is None else None
        if match:
            level = len(match.group(1))
            while stack and stack[-1].level >= level:
                stack.pop()
            heading = match.group(2).strip()
            section = Section(_anchor(heading), heading, level, no, no, [], [s.anchor for s in stack])
            sections.append(section)
            stack.append(section)
        else:
            sections[-1].lines.append(line)
        sections[-1].end_line = no
    if fence_open is not None:
        raise IngestError(f"{source}: the code block opened on line {fence_open} is never closed; add the closing ```.")
    return [s for s in sections if s.heading or s.text]


def _table_rows(section: Section) -> list[dict[str, str]]:
    """Rows of the section's first pipe table, keyed by lower-cased header cells."""
    rows: list[list[str]] = []
    for line in section.lines:
        if line.strip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                rows.append(cells)
        elif rows:
            break
    if len(rows) < 2:
        return []
    header = [h.lower() for h in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:]]


def _cell(row: dict[str, str], *names: str) -> str:
    for key, value in row.items():
        if any(n in key for n in names):
            return value
    return ""


def _ticks(text: str) -> list[str]:
    return [t.strip() for t in _BACKTICK.findall(text)]


def _contexts(section: Section) -> list[Element]:
    found = []
    for row in _table_rows(section):
        package = next(iter(_ticks(_cell(row, "package", "包"))), "")
        label = _cell(row, "context", "上下文") or next(iter(row.values()), "")
        words = re.findall(r"[A-Za-z][\w-]*", label)
        tail = package.rsplit(".", 1)[-1] if package else ""
        name = tail if tail and tail.lower() in (w.lower() for w in words) else (words[-1] if words else label)
        name = name or tail
        if not name:
            continue
        owner = next(iter(_ticks(_cell(row, "owner", "team", "团队"))), _cell(row, "owner", "team", "团队"))
        found.append(Element(section.anchor, "bounded_context", name.lower(), " | ".join(row.values()),
                             context=name.lower(),
                             attrs={"package": package, "owner": owner, "label": label}))
    return found


def _aggregate(section: Section, contexts: dict[str, str]) -> list[Element]:
    ticks = _ticks(section.text)
    fqn = next((t for t in ticks if re.fullmatch(r"[a-z]\w*(\.[a-z]\w*)+\.[A-Z]\w*", t)), "")
    camel = re.findall(r"\b([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*)\b", section.heading)
    name = fqn.rsplit(".", 1)[-1] if fqn else (camel[0] if camel else section.anchor)
    context = next((c for pkg, c in contexts.items() if fqn.startswith(pkg + ".")), None)
    tables = re.findall(r"(?:table|表)s?\s+((?:`\w+`[,、\s]*)+)", section.text)
    found = [Element(section.anchor, "aggregate", name, section.heading, context=context, aggregate=name,
                     attrs={"class": fqn, "tables": ",".join(t for group in tables for t in _ticks(group))})]
    bullets: list[tuple[bool, str]] = []  # (nested, text)
    for line in section.lines:
        stripped = line.strip()
        if stripped.startswith(("- ", "* ", "+ ")):
            bullets.append((line[:1] in (" ", "\t"), stripped[2:].strip()))
        elif bullets and line.startswith(("  ", "\t")) and stripped:
            bullets[-1] = (bullets[-1][0], bullets[-1][1] + " " + stripped)
    listing = False
    for nested, item in bullets:
        head = item.split("：", 1)[0].split(":", 1)[0]
        if nested and listing:
            found.append(Element(section.anchor, "invariant", name, item.strip(), context, name))
            continue
        listing = False
        if _has(head, _INVARIANT_WORDS):
            body = item.split("：", 1)[-1] if "：" in item else item.split(":", 1)[-1]
            listing = not body.strip()
            for part in re.split(r"(?<=[;；。])\s*", body):
                if len(part.strip(" ;；。")) > 3:
                    found.append(Element(section.anchor, "invariant", name, part.strip(), context, name))
        elif _has(head, _ENTITY_WORDS) or _has(head, _VO_WORDS):
            for clause in re.split(r"[;；]", item):
                kind = "value_object" if _has(clause, _VO_WORDS) else "entity" if _has(clause, _ENTITY_WORDS) else ""
                for token in _ticks(clause) if kind else []:
                    if token[:1].isupper():
                        found.append(Element(section.anchor, kind, token, clause.strip(), context, name))
    return found


def _listed(section: Section, kind: str) -> list[Element]:
    items = []
    for line in section.lines:
        match = re.match(r"^\s*(?:\d+[.)]|[-*+])\s+(.*)", line)
        if match:
            items.append(match.group(1).strip())
        elif items and line.strip() and line.startswith((" ", "\t")):
            items[-1] += " " + line.strip()
    out = []
    for item in items:
        bold = re.match(r"\*\*(.+?)\*\*", item)
        name = (bold.group(1) if bold else item[:60]).strip(" .。")
        out.append(Element(section.anchor, kind, name, item))
    return out


def _terms(section: Section) -> list[Element]:
    out = []
    for row in _table_rows(section):
        cells = list(row.values())
        if not cells or not cells[0]:
            continue
        english = _cell(row, "英文", "english")
        term = re.sub(r"\s*\(([^)]*)\)", "", cells[0]).strip()
        alias = re.findall(r"\(([^)]*)\)|（([^）]*)）", cells[0])
        meaning = _cell(row, "meaning", "含义", "definition", "说明") or cells[-1]
        attrs = {"english": english or next((a or b for a, b in alias), "")}
        out.append(Element(section.anchor, "term", term, meaning, attrs=attrs))
    return out


def _mentions(section: Section) -> list[Mention]:
    seen: dict[str, str] = {}
    for line in [*section.lines, section.heading]:
        for token in _ticks(line):
            token = token.removesuffix("()")
            if _CODE_TOKEN.match(token) and (any(ch.isupper() for ch in token) or "_" in token):
                seen.setdefault(token, line.strip())
        for cls, method in _CAMEL.findall(re.sub(r"`[^`]*`", " ", line)):
            seen.setdefault(f"{cls}.{method}" if method else cls, line.strip())
    return [Mention(section.anchor, symbol, text[:300]) for symbol, text in seen.items()]


def parse_markdown(text: str, source: str) -> MarkdownDoc:
    """Parse a domain document.

    Raises:
        IngestError: broken front matter, an unclosed code block, or no content at all.
    """
    lines = text.splitlines()
    front, start = _front_matter(lines, source)
    sections = _sections(lines, start, source)
    if not any(s.text or s.heading for s in sections):
        raise IngestError(f"{source} is empty; write the domain model in it or remove it.")
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    language = "zh" if cjk > 0.02 * max(len(text), 1) else "en"
    title = next((s.heading for s in sections if s.level == 1), str(front.get("title", "")))
    elements: list[Element] = []
    contexts: dict[str, str] = {}
    for section in sections:
        if _has(section.heading, _CONTEXT_WORDS) and _table_rows(section):
            found = _contexts(section)
            elements += found
            contexts.update({e.attrs["package"]: e.name for e in found if e.attrs.get("package")})
        elif _has(section.heading, _ROOT_WORDS) or (
                section.level >= 3 and any(_has(p, _AGGREGATE_WORDS) for p in section.parents)):
            elements += _aggregate(section, contexts)
        elif _has(section.heading, _GLOSSARY_WORDS):
            elements += _terms(section)
        elif _has(section.heading, _RULE_WORDS):
            elements += _listed(section, "rule")
        elif _has(section.heading, _INVARIANT_WORDS):
            elements += _listed(section, "invariant")
    mentions = [m for s in sections for m in _mentions(s)]
    return MarkdownDoc(title=title, language=language, front_matter=front, sections=sections, elements=elements,
                       mentions=mentions)
