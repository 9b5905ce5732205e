"""What a change's content says: queries, settings, dependencies, leaks and writers, against the symptoms."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from core.fusion._code_index import CodeIndexView
from core.fusion.facts import ChangeLink, ErrorGroup
from core.fusion.runtime_rules import RuntimeFindings
from core.ingest.code import FilePatch, is_test_path
from core.ingest.runtime import Fingerprint, fingerprint_sql

__all__ = ["BUILD_FILE", "CONFIG_FILE", "LOCAL_TYPE", "MAPPER_FILE", "WAITING", "Symptoms", "content_links"]

CONFIG_FILE = re.compile(r"(^|/)(application|bootstrap)[\w.-]*\.(ya?ml|properties)$|\.(conf|env|ini|toml)$"
                          r"|(^|/)(values|config|settings)[\w.-]*\.(ya?ml|json|properties)$", re.IGNORECASE)
BUILD_FILE = re.compile(r"(^|/)(pom\.xml|build\.gradle(\.kts)?|gradle\.properties|libs\.versions\.toml|"
                         r"package\.json|requirements[\w.-]*\.txt|pyproject\.toml|go\.mod|Cargo\.toml)$")
MAPPER_FILE = re.compile(r"\.xml$", re.IGNORECASE)
_SQL_WORDS = re.compile(r"\b(select|insert|update|delete|from|where|join|order\s+by|group\s+by|limit)\b", re.IGNORECASE)
_QUERY_HINT = re.compile(r"@Query|@Select|@Update|@Insert|@Delete|<select|<update|<insert|<delete|"
                         r"createQuery|createNativeQuery|jdbcTemplate|prepareStatement|\bfind\w*By\w*\(|\bcount\w*By\w*\(",
                         re.IGNORECASE)
_STRING = re.compile(r'"((?:[^"\\]|\\.){6,200})"')
_PLACEHOLDER = re.compile(r"\{\}|%[sdfx]|\{\d*\}|\\[nt]")
_KEY_VALUE = re.compile(r"^\s*([\w.\-\[\]]+)\s*[:=]\s*(.*?)\s*$")
_POOL_KEY = re.compile(r"pool|max[-_.]?(active|total|idle|size|connections?|threads?)|min[-_.]?idle|connections?",
                       re.IGNORECASE)
_TIMEOUT_KEY = re.compile(r"timeout|deadline|ttl|wait|retr(y|ies)|backoff", re.IGNORECASE)
_LIMIT_KEY = re.compile(r"limit|size|capacity|queue|batch|threads?|workers?|heap|xmx|memory", re.IGNORECASE)
_XML_TAG = re.compile(r"<[^>]+>")
_BIND = re.compile(r"[#$]\{[^}]*\}|:\w+|\?\d*")
_STATEMENT = re.compile(r"\b(select|update|delete|insert)\b", re.IGNORECASE)
_CODE_EXT = (".java", ".kt", ".scala", ".groovy")
_SERIAL_KEY = re.compile(r"serializ|typing|objectmapper|mapper|codec|converter|marshal", re.IGNORECASE)
_CODE_CONFIG_FILE = re.compile(r"(Config|Configuration|Configurer|Properties|Settings)\.(java|kt|scala|groovy)$")
_FLAG_KEY = re.compile(r"enabled?|feature|flag|toggle|switch", re.IGNORECASE)
_VERSION = re.compile(r"<[\w.\-]*version>\s*([^<]+?)\s*</[\w.\-]*version>|"
                      r"['\"]?[\w.\-]+['\"]?\s*[:=]\s*['\"]?(\d+\.\d+[\w.\-]*)")
_ARTIFACT = re.compile(r"<(?:artifactId|groupId)>\s*([^<]+?)\s*</|<([\w.\-]+?)\.version>|([\w.\-]+):([\w.\-]+):[\d$]")
_LINKAGE = ("NoSuchMethodError", "NoClassDefFoundError", "ClassNotFoundException", "AbstractMethodError",
            "IncompatibleClassChangeError", "NoSuchFieldError", "LinkageError", "UnsupportedClassVersionError",
            "ModuleNotFoundError", "ImportError")
WAITING = re.compile(r"Connection is not available|timeout waiting|Timeout|timed out|Unable to acquire|"
                      r"CannotGetJdbcConnection|SQLTransientConnection|PoolExhausted", re.IGNORECASE)
_ACQUIRE = re.compile(r"\.getConnection\(|\.openConnection\(|\.getInputStream\(|\.getOutputStream\(|"
                      r"new File(Input|Output)Stream\(|Files\.new(Input|Output)Stream\(|"
                      r"Files\.(lines|newBufferedReader)\(|\.openStream\(|\.openSession\(|"
                      r"\.borrowObject\(|\.getResource\(\)|new Socket\(|\.acquire\(|\.lock\(\)")
_RELEASE = re.compile(r"\.close\(|\.release\(|\.unlock\(|\.returnObject\(|try\s*\(|\buse\s*\{|closeQuietly|"
                      r"\.returnResource\(")
LOCAL_TYPE = re.compile(r"\b([A-Z][\w$]*)(?:<[^>=;]*>)?\s+([a-z_][\w$]*)\s*(?:=|;|:)")
_WRITE = re.compile(r"\b(insert|replace|update|save|persist|merge|upsert|put|write)\w*\s*\(", re.IGNORECASE)
_POOL_SIGNAL = re.compile(r"pool|connection is not available|too many connections|timeout waiting for (idle )?"
                          r"(connection|object)|hikari|pending|active", re.IGNORECASE)
_TIMEOUT_SIGNAL = re.compile(r"timeout|timed out|deadline", re.IGNORECASE)
_LIMIT_SIGNAL = re.compile(r"rejected|queue|capacity|OutOfMemory|heap|limit|too large|exceed", re.IGNORECASE)



class Symptoms:
    """What the runtime says, in the forms the content links compare against."""

    def __init__(self, groups: Sequence[ErrorGroup], runtime: RuntimeFindings | None, templates: Sequence[str],
                 stack_paths: set[str]) -> None:
        self.stack_paths = stack_paths
        self.value_types: set[str] = set()
        self.failing_at = ""
        self.types = [t for g in groups[:5] for t in [*g.chain, g.root_type]]
        self.messages = [g.root_message for g in groups[:5] if g.root_message]
        self.texts = [_PLACEHOLDER.sub(" ", t) for t in (*templates, *self.messages)]
        # Slow statements per table: the fingerprint, when that shape was first seen, and whether it got worse
        # at the onset. A change is tied to a statement when the statement appears (or worsens) after it.
        self.slow_tables: dict[str, tuple[str, datetime | None, bool]] = {}
        if runtime:
            for q in runtime.slow_queries:
                worse = q.n_before == 0 or (q.p95_after_ms or 0) > 2 * (q.p95_before_ms or 0)
                for t in q.tables:
                    key = t.lower().split(".")[-1]
                    known = self.slow_tables.get(key)
                    first = min((x for x in (q.first_seen, known[1] if known else None) if x), default=None)
                    self.slow_tables[key] = (known[0] if known else q.fingerprint, first,
                                             worse or bool(known and known[2]))
        metrics = " ".join(a.metric for a in (runtime.anomalies if runtime else []))
        blob = " ".join(self.types + self.messages) + " " + metrics
        self.pool = bool(_POOL_SIGNAL.search(blob))
        self.timeout = bool(_TIMEOUT_SIGNAL.search(blob)) or any(
            (e.error_rate_after or 0) > (e.error_rate_before or 0) for e in (runtime.endpoints if runtime else []))
        self.limit = bool(_LIMIT_SIGNAL.search(blob))
        self.linkage = [t for t in self.types if t.rsplit(".", 1)[-1] in _LINKAGE]
        self.serialization = bool(re.search(r"ClassCast|Serializ|JsonMapping|MismatchedInput|InvalidDefinition|"
                                            r"HttpMessageNotReadable|Cannot deserialize|cannot be cast", blob))
        self.missing = [m for g in groups[:5] if g.root_type.rsplit(".", 1)[-1] in _LINKAGE for m in [g.root_message]]


def content_links(
    patches: dict[str, FilePatch], symptoms: Symptoms, spans: CodeIndexView, when: datetime,
) -> list[ChangeLink]:
    links: list[ChangeLink] = []
    table_code = spans.table_code(set(symptoms.slow_tables)) if symptoms.slow_tables else {}
    for path, patch in patches.items():
        added = patch.added
        text = "\n".join(t for _, t in added)
        removed = "\n".join(patch.removed)
        if symptoms.slow_tables and (added or removed):
            link = _sql_link(path, added, removed, symptoms, table_code, when)
            if link:
                links.append(link)
        if symptoms.texts and added and not is_test_path(path):
            for ln, row in added:
                literal = next((c for lit in _STRING.findall(row) for c in [_PLACEHOLDER.sub(" ", lit).strip()]
                                if len(c) >= 8 and any(c in t for t in symptoms.texts)), None)
                if literal:
                    # Text can be copied between files: the link is strong where the failing code lives.
                    on_stack = path in symptoms.stack_paths
                    links.append(ChangeLink(kind="log_string", strength=0.7 if on_stack else 0.4, path=path, line=ln,
                                            text=f"added the text \"{literal[:80]}\" at {path}:{ln}, which the "
                                                 f"errors after the onset show" + ("" if on_stack else
                                                 " (that file is not on the failing stack)")))
                    break
        if CONFIG_FILE.search(path) and (added or removed):
            link = _config_link(path, added, patch.removed, symptoms)
            if link:
                links.append(link)
        elif _CODE_CONFIG_FILE.search(path) and not is_test_path(path):
            link = _code_config_link(patch, symptoms)
            if link:
                links.append(link)
        if BUILD_FILE.search(path) and _VERSION.search(text + "\n" + removed):
            links.append(_dependency_link(path, added, symptoms))
        if added and not is_test_path(path) and path.endswith(_CODE_EXT):
            leak = _leak_link(path, added, symptoms)
            if leak:
                links.append(leak)
            flow = _data_flow_link(path, added, symptoms)
            if flow:
                links.append(flow)
    return links


def _sql_link(path: str, added: list[tuple[int, str]], removed: str, symptoms: Symptoms,
              table_code: dict[str, tuple[set[str], set[str]]], when: datetime) -> ChangeLink | None:
    """A change to code that queries a table whose statements are slow: strong when they appeared after it.

    The query may name the table (SQL, MyBatis XML) or its entity (JPQL, derived query methods), or live in
    a repository of that entity.
    """
    text = "\n".join(t for _, t in added)
    for table, (fingerprint, first_seen, worse) in symptoms.slow_tables.items():
        entities, paths = table_code.get(table, (set(), set()))
        names = [table, *entities]
        word = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)
        sql_change = (_QUERY_HINT.search(text) or _SQL_WORDS.search(text) or _QUERY_HINT.search(removed)
                      or _SQL_WORDS.search(removed))
        names_table = word.search(text) or word.search(removed)
        if not sql_change or not (names_table or path in paths):
            continue
        line = next((ln for ln, t in added if _QUERY_HINT.search(t) or _SQL_WORDS.search(t) or word.search(t)),
                    added[0][0] if added else None)
        shared = _shared_columns(fingerprint, text + "\n" + removed)
        after = first_seen is not None and first_seen >= when
        code_fp = _code_statement(text)
        same_shape = code_fp is not None and code_fp.text == fingerprint
        reads_table = code_fp is not None and table in {t.lower().split(".")[-1] for t in code_fp.tables}
        strength = 0.55 + (0.15 if names_table else 0.0) + (0.1 if shared else 0.0) + (0.15 if after else 0.0) \
            + (0.05 if worse else 0.0) + (0.1 if same_shape else 0.05 if reads_table else 0.0)
        timing = ("; that statement shape first appears after this change" if after else
                  "; that statement shape was already slow before this change" if first_seen else "")
        return ChangeLink(
            kind="sql", strength=round(min(strength, 0.95), 3), path=path, line=line,
            text=f"changed a query on `{table}` ({path}:{line}), whose statements are slow: {fingerprint[:110]}"
                 + (f" (shared columns: {', '.join(sorted(shared)[:4])})" if shared else "")
                 + ("; normalised, the changed statement has the same shape" if same_shape else
                    f"; normalised, the changed statement reads `{table}`" if reads_table else "") + timing)
    return None


def _code_statement(text: str) -> Fingerprint | None:
    """The SQL a change wrote (a MyBatis mapper body or string literals), normalised like the slow log's."""
    body = _XML_TAG.sub(" ", text) if "<" in text else " ".join(_STRING.findall(text)) or text
    body = _BIND.sub("?", body)
    start = _STATEMENT.search(body)
    if start is None:
        return None
    statement = " ".join(body[start.start():].split())[:4000]
    try:
        return fingerprint_sql(statement)
    except Exception:  # noqa: BLE001 - a statement the normaliser cannot read is simply not compared
        return None


def _shared_columns(fingerprint: str, code: str) -> set[str]:
    words = {w.lower() for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", fingerprint)}
    words -= {"select", "from", "where", "and", "or", "order", "by", "limit", "join", "on", "in", "like", "not", "null",
              "desc", "asc", "group", "count", "update", "set", "insert", "into", "values", "delete", "for", "as", "is"}
    code_words = {w.lower() for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", code)}
    snake = {re.sub(r"(?<!^)(?=[A-Z])", "_", w).lower() for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", code)}
    return words & (code_words | snake)


def _config_link(path: str, added: list[tuple[int, str]], removed: list[str], symptoms: Symptoms) -> ChangeLink | None:
    """A configuration change, linked to the runtime signal its keys govern."""
    changed = []
    old = {m.group(1): _uncomment(m.group(2)) for r in removed if (m := _KEY_VALUE.match(r))}
    for ln, row in added:
        m = _KEY_VALUE.match(row)
        if m and not row.strip().startswith(("#", "//", ";")):
            value = _uncomment(m.group(2))
            if old.get(m.group(1)) != value:
                changed.append((ln, m.group(1), value))
    if not changed:
        return None
    best: tuple[float, str, int] | None = None
    for ln, key, value in changed:
        was = f" (was {old[key]})" if key in old else ""
        if _POOL_KEY.search(key) and symptoms.pool:
            found = (0.8, f"changed `{key}` to {value}{was} in {path}:{ln}; "
                          "the connection pool ran dry after the onset", ln)
        elif _TIMEOUT_KEY.search(key) and symptoms.timeout:
            found = (0.75, f"changed `{key}` to {value}{was} in {path}:{ln}; calls time out after the onset", ln)
        elif _LIMIT_KEY.search(key) and symptoms.limit:
            found = (0.7, f"changed `{key}` to {value}{was} in {path}:{ln}; a limit is hit after the onset", ln)
        elif _FLAG_KEY.search(key):
            found = (0.35, f"switched `{key}` to {value}{was} in {path}:{ln} before the onset", ln)
        else:
            found = (0.2, f"changed `{key}` to {value}{was} in {path}:{ln} before the onset", ln)
        if best is None or found[0] > best[0]:
            best = found
    assert best is not None
    return ChangeLink(kind="config", strength=best[0], path=path, line=best[2], text=best[1])


def _leak_link(path: str, added: list[tuple[int, str]], symptoms: Symptoms) -> ChangeLink | None:
    """New code that acquires a connection, stream or lock and never releases it, when a pool or limit ran dry."""
    text = "\n".join(t for _, t in added)
    acquired = [(ln, t.strip()) for ln, t in added if _ACQUIRE.search(t)]
    if not acquired or _RELEASE.search(text) or not (symptoms.pool or symptoms.limit):
        return None
    ln, row = acquired[0]
    return ChangeLink(kind="resource_leak", strength=0.75, path=path, line=ln,
                      text=f"added `{row[:90]}` at {path}:{ln} with no close or release in the change: each call "
                           f"keeps what it acquired, and the pool ran dry after the onset")


def _data_flow_link(path: str, added: list[tuple[int, str]], symptoms: Symptoms) -> ChangeLink | None:
    """New code that writes records of a type whose values fail downstream (an upstream producer)."""
    if not symptoms.value_types or path in symptoms.stack_paths:
        return None
    best: ChangeLink | None = None
    for ln, row in added:
        if not _WRITE.search(row):
            continue
        context = "\n".join(t for n, t in added if abs(n - ln) <= 8)
        found = sorted(t for t in symptoms.value_types if re.search(rf"\b{re.escape(t)}\b", context))
        if not found:
            continue
        # Written through a persistence object (DAO, mapper, repository), not just passed along.
        persists = bool(re.search(r"\b\w*(Dao|DAO|Mapper|Repository|Repo|Template|Store)\s*\.\s*\w+\s*\(", row))
        link = ChangeLink(kind="data_flow", strength=0.7 if persists else 0.6, path=path, line=ln,
                          text=f"changed how {found[0]} records are written ({path}:{ln}: `{row.strip()[:80]}`); "
                               f"a {found[0]} value is what fails downstream, at {symptoms.failing_at}")
        if best is None or link.strength > best.strength:
            best = link
    return best


def _uncomment(value: str) -> str:
    return re.split(r"\s+#|\s+//", value, maxsplit=1)[0].strip()


def _code_config_link(patch: FilePatch, symptoms: Symptoms) -> ChangeLink | None:
    """Configuration written as code (a @Configuration class, client or executor set-up): the settings it
    changed, added or removed, linked to the runtime signal they govern."""
    rows = [(ln, t, "+") for ln, t in patch.added] + [
        (at, t, "-") for at, t in zip(patch.removed_at or [0] * len(patch.removed), patch.removed, strict=False)]
    best: tuple[float, str, int] | None = None
    for ln, row, sign in rows:
        text = row.strip()
        if not text or text.startswith(("//", "*", "/*", "import ", "package ")):
            continue
        for category, rx, signal, strength in (("pool", _POOL_KEY, symptoms.pool, 0.8),
                                               ("timeout", _TIMEOUT_KEY, symptoms.timeout, 0.75),
                                               ("serialization", _SERIAL_KEY, symptoms.serialization, 0.75),
                                               ("limit", _LIMIT_KEY, symptoms.limit, 0.7)):
            m = rx.search(text)
            if not m:
                continue
            verb = "added" if sign == "+" else "removed"
            found = ((strength, (f"{verb} `{text[:90]}` in {patch.path}:{ln}, a {category} setting; "
                                f"the symptoms after the onset are of that kind"), ln) if signal else
                     (0.25, f"{verb} `{text[:90]}` in {patch.path}:{ln}, a {category} setting", ln))
            if best is None or found[0] > best[0]:
                best = found
    if best is None:
        return None
    return ChangeLink(kind="config", strength=best[0], path=patch.path, line=max(1, best[2]), text=best[1])


def _dependency_link(path: str, added: list[tuple[int, str]], symptoms: Symptoms) -> ChangeLink:
    """A dependency version change; strong when the runtime cannot link a class or method."""
    artifacts = [a for _, row in added for m in [_ARTIFACT.search(row)] if m
                 for a in [m.group(1) or m.group(2) or m.group(4)] if a]
    line = next((ln for ln, row in added if _VERSION.search(row)), added[0][0] if added else None)
    what = f" ({', '.join(sorted(set(artifacts))[:3])})" if artifacts else ""
    if symptoms.linkage:
        missing = symptoms.missing[0][:120] if symptoms.missing else symptoms.linkage[0]
        return ChangeLink(kind="dependency", strength=0.9, path=path, line=line,
                          text=f"changed dependency versions in {path}{what}; the runtime then failed to link "
                               f"code: {symptoms.linkage[0].rsplit('.', 1)[-1]} {missing}")
    return ChangeLink(kind="dependency", strength=0.15, path=path, line=line,
                      text=f"changed dependency versions in {path}{what} before the onset")
