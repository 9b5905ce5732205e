"""DuckDB SQL that parses a table of numbered log lines: header fields, timestamps, levels, JSON fields.

Every expression runs vectorised over a whole chunk of lines. Patterns run in RE2: Python's named
groups are kept; ``\\w`` also takes every non-ASCII character (Python's Unicode ``\\w`` takes the
non-ASCII letters and digits; RE2's Unicode classes would cost ~5 ms to compile per pattern and
query), while ``\\d``, ``\\s`` and ``\\b`` stay ASCII (a timestamp in full-width digits would not
parse as a time anyway).
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from core.ingest.logs.layouts import LEVEL_WORDS

__all__ = ["TRACE_START_HINT", "ZoneSQL", "json_query", "re2", "sql_literal", "text_query"]

# A superset of `stacktrace.looks_like_trace_start` (Python confirms each hit): a dotted first
# token naming an exception type, or a Python traceback.
TRACE_START_HINT = r"^\s*[^\s:]*\.[^\s:]*(?:Exception|Error|Throwable|Fault|Failure)"
_PY_TRACEBACK = "Traceback (most recent call last):"
_WORD = r"\w\x{80}-\x{10FFFF}"
_HEX_ID = rf"(?:^|[^{_WORD}])([0-9a-f]{{16,32}})(?:$|[^{_WORD}])"
_HAS_ZONE = r"(?:Z|[+-]\d\d(?::?\d\d)?)$"
_LEVEL_ALIASES = {
    "WARNING": "WARN", "SEVERE": "ERROR", "ERR": "ERROR", "CRITICAL": "FATAL", "CRIT": "FATAL", "ALERT": "FATAL",
    "EMERG": "FATAL", "EMERGENCY": "FATAL", "PANIC": "FATAL", "NOTICE": "INFO", "INFORMATION": "INFO",
    "CONFIG": "INFO", "FINE": "DEBUG", "FINER": "TRACE", "FINEST": "TRACE",
}
# A level word early in the message, for layouts whose header has none (syslog, for one).
_LEVEL_WORD = rf"\b({'|'.join(LEVEL_WORDS)})\b"
_LEVEL_WORD_SPAN = 80
# An access-log message starts with the quoted request line, then the status.
_HTTP_STATUS = r'^"[^"]*"\s+([1-5]\d\d)\b'
# Timestamps without a year get the incident's year, moved by one where that lands them nearer.
_HALF_YEAR_DAYS = 183
_EPOCH = r"^(\d{9,19})(?:\.\d+)?$"
MAX_MESSAGE = 4000


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def re2(pattern: str) -> str:
    """Python regex syntax → RE2 with the meaning described above for the patterns used here."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            pair = pattern[i : i + 2]
            out.append((_WORD if in_class else f"[{_WORD}]") if pair == r"\w" else pair)
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
            out.append(ch)
            # A ']' or '^]' right after '[' is a literal, not the end of the class.
            if pattern[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                out.append("]")
                i += 1
        elif ch == "]" and in_class:
            in_class = False
            out.append(ch)
        else:
            out.append(ch)
        i += 1
    return "".join(out)


class ZoneSQL:
    """Turns a naive TIMESTAMP expression into TIMESTAMPTZ read in the incident's zone."""

    def __init__(self, zone: tzinfo, at: datetime) -> None:
        self._local_at = (at.astimezone(zone) if at.tzinfo else at).replace(tzinfo=None)
        key = getattr(zone, "key", None)
        if isinstance(key, str):
            self._template = f"timezone({sql_literal(key)}, {{}})"
        else:
            offset = zone.utcoffset(at)
            seconds = int(offset.total_seconds()) if offset is not None else 0
            # A literal ``INTERVAL -28800 SECOND`` is a syntax error in DuckDB; to_seconds() takes
            # a signed number, so zones west of UTC work too.
            self._template = f"(timezone('UTC', {{}}) - to_seconds({seconds}))"

    def naive(self, expr: str) -> str:
        return self._template.format(expr)

    def parse(self, text: str) -> str:
        """SQL for Python's ``datetime.fromisoformat`` of `text` (',' as decimal mark, '/' between date
        parts, 'Z' as UTC), NULL if invalid."""
        norm = f"translate({text}, ',/', '.-')"
        return (
            f"CASE WHEN {text} IS NULL THEN NULL "
            f"WHEN strlen({text}) > 10 AND regexp_matches({text}, {sql_literal(_HAS_ZONE)}) "
            f"THEN try_cast({norm} AS TIMESTAMPTZ) "
            f"ELSE {self.naive(f'try_cast({norm} AS TIMESTAMP)')} END"
        )


    def parse_formats(self, text: str, formats: tuple[str, ...], *, yearless: bool = False) -> str:
        """SQL parsing `text` with the first of DuckDB's strptime `formats` that fits, NULL if none does.

        The result still needs `finish_formats`. Where `yearless`, the text lacks a year (classic
        syslog) and is read in the incident's year for now.
        """
        if len({"%z" in f for f in formats}) != 1:
            raise ValueError(f"timestamp formats must all have %z or all lack it: {formats}")
        if yearless:
            text = f"concat({self._local_at.year}, ' ', {text})"
            formats = tuple(f"%Y {f}" for f in formats)
        return f"try_strptime({text}, [{', '.join(sql_literal(f) for f in formats)}])"

    def finish_formats(self, parsed: str, formats: tuple[str, ...], *, yearless: bool = False) -> str:
        """The instant of a `parse_formats` result (a column, used more than once).

        Formats with ``%z`` give the instant; the others are read in the incident's zone. A
        yearless time moves a year back or forth where that puts it within half a year of the
        incident (December lines of an incident in January).
        """
        if yearless:
            at = f"TIMESTAMP {sql_literal(self._local_at.isoformat(sep=' '))}"
            parsed = (f"CASE WHEN {parsed} > {at} + INTERVAL {_HALF_YEAR_DAYS} DAY THEN {parsed} - INTERVAL 1 YEAR "
                      f"WHEN {parsed} < {at} - INTERVAL {_HALF_YEAR_DAYS} DAY THEN {parsed} + INTERVAL 1 YEAR "
                      f"ELSE {parsed} END")
        return parsed if "%z" in formats[0] else self.naive(parsed)

    def parse_json(self, text: str) -> str:
        """`parse`, plus epoch seconds, milliseconds, microseconds or nanoseconds given as digits."""
        digits = f"regexp_extract({text}, {sql_literal(_EPOCH)}, 1)"
        return (f"CASE WHEN {digits} = '' THEN {self.parse(text)} "
                f"ELSE to_timestamp(CAST({text} AS DOUBLE) / CASE WHEN strlen({digits}) <= 11 THEN 1 "
                f"WHEN strlen({digits}) <= 14 THEN 1e3 WHEN strlen({digits}) <= 17 THEN 1e6 ELSE 1e9 END) END")


def _level(column: str) -> str:
    """The canonical level of an upper-cased level `column` (a column: CASE reads it once per branch)."""
    cases = " ".join(f"WHEN {sql_literal(k)} THEN {sql_literal(v)}" for k, v in _LEVEL_ALIASES.items())
    return f"CASE {column} {cases} ELSE {column} END"


def _trace_id(expr: str) -> str:
    # Most trace fields are exactly the id: a cheap full match spares the search with a capture.
    low = f"lower({expr})"
    return (f"CASE WHEN regexp_full_match({low}, '[0-9a-f]{{16,32}}') THEN {low} "
            f"ELSE nullif(regexp_extract({low}, {sql_literal(_HEX_ID)}, 1), '') END")


def _truncated(expr: str) -> str:
    return f"CASE WHEN strlen({expr}) > {MAX_MESSAGE} THEN left({expr}, {MAX_MESSAGE}) ELSE {expr} END"


def _trace_hint(expr: str) -> str:
    return (f"(regexp_matches({expr}, {sql_literal(TRACE_START_HINT)}) "
            f"OR contains({expr}, {sql_literal(_PY_TRACEBACK)}))")


_GROUP = re.compile(r"\(\?P<(\w+)>")
_CAPTURES_PER_CALL = 4  # RE2 parses a one-pass regex fast only up to 4 capture groups
# The message, captured instead of cut off with substr (which costs more than the regex): where
# a header ends in \s? or \s*, these tails mean the same and keep the regex one-pass; any
# other header is simply followed by the rest of the line.
_TAILS = {
    r"\s?": r"(?:\s(?P<m1>.*)|(?P<m2>[^\s].*)|)$",
    r"\s*": r"\s*(?:(?P<m2>[^\s].*)|)$",
}


def _capturing(pattern: str, keep: list[str]) -> str:
    """`pattern` with only the named groups in `keep` capturing."""
    return _GROUP.sub(lambda m: m.group(0) if m.group(1) in keep else "(?:", pattern)


def _with_message(head: str) -> str:
    for end, tail in _TAILS.items():
        if head.endswith(end):
            return head.removesuffix(end) + tail
    return head + "(?P<m2>.*)$"


def text_query(
    heads: list[str], zone: ZoneSQL, source: str, *, ts_formats: tuple[str, ...] = (), yearless: bool = False,
    http_status: bool = False,
) -> str:
    """Parse every line of `source` (line_no, line) with a layout's header regexes.

    `heads` are tried in order and the first that matches gives the fields; the last is the
    layout's exact header, the others its fast forms. Each needs a ``ts`` group among its first
    four. An entry starts at each line a header matches, and at line 1 whatever it holds (lines
    before the first header form an entry of their own, as they always did).

    Timestamps are ISO-8601 unless `ts_formats` (DuckDB strptime formats, see
    `ZoneSQL.parse_formats`) are given. The level is the ``level`` group; failing that the
    syslog priority (a ``pri`` group), the HTTP status of an access log (`http_status`: 5xx is
    an error, 4xx a warning), or a level word early in the message of a header with no level
    group; else INFO.

    Returns:
        SQL selecting, per line: line_no, is_start, and for entry starts ts, level, thread,
        trace_id, logger, message (truncated to 4000 characters), hint (may open a stack trace),
        head (the untruncated message where hint is set); for other lines cont (the line).
    """
    ctes: list[str] = []
    columns: dict[str, list[tuple[int, str]]] = {}  # field → (head, struct column holding it)
    previous = source
    for k, head in enumerate(heads):
        groups = groups_of(_with_message(head))
        body = re2(_with_message(head))
        calls = [groups[i : i + _CAPTURES_PER_CALL] for i in range(0, len(groups), _CAPTURES_PER_CALL)]
        if "ts" not in calls[0]:
            raise ValueError(f"a layout's header needs a ts group among its first four: {head}")
        # Only lines no earlier head matched are tried (CASE runs its branch on those rows only).
        unmatched = " AND ".join(f"coalesce(h{j}_0.ts, '') = ''" for j in range(k)) or "true"
        first = f"regexp_extract(line, {sql_literal(_capturing(body, calls[0]))}, {_names(calls[0])})"
        ctes.append(f"a{k} AS (SELECT *, CASE WHEN {unmatched} THEN {first} END AS h{k}_0 FROM {previous})")
        previous = f"a{k}"
        more = [
            f"CASE WHEN h{k}_0.ts <> '' THEN regexp_extract(line, {sql_literal(_capturing(body, call))}, "
            f"{_names(call)}) END AS h{k}_{i}"
            for i, call in enumerate(calls[1:], 1)
        ]
        if more:
            ctes.append(f"b{k} AS (SELECT *, {', '.join(more)} FROM {previous})")
            previous = f"b{k}"
        for i, call in enumerate(calls):
            for name in call:
                columns.setdefault(name, []).append((k, f"h{k}_{i}"))

    def field(name: str, found: str = "nullif({}, '')") -> str:
        branches = [f"WHEN h{k}_0.ts <> '' THEN {found.format(f'{col}.{name}')}" for k, col in columns.get(name, [])]
        return f"CASE {' '.join(branches)} END" if branches else "NULL"

    message = f"coalesce({field('m1')}, {field('m2', '{}')}, '')"
    level_columns, level = _derived_level("level" in columns, "pri" in columns, http_status)
    if ts_formats:
        ts_raw = zone.parse_formats("ts_text", ts_formats, yearless=yearless)
        ts = zone.finish_formats("ts_raw", ts_formats, yearless=yearless)
    else:
        ts_raw, ts = "NULL", zone.parse("ts_text")
    return f"""
        WITH {', '.join(ctes)}, e AS (
            SELECT line_no, line, {field("ts")} AS ts_text, {field("level")} AS level_text, {field("pri")} AS pri,
                   {field("thread")} AS thread, {field("trace")} AS trace, {field("logger")} AS logger,
                   {message} AS header_msg
            FROM {previous}
        ), s AS (
            SELECT *, ts_text IS NOT NULL AS is_header, (ts_text IS NOT NULL OR line_no = 1) AS is_start,
                   CASE WHEN ts_text IS NOT NULL THEN header_msg WHEN line_no = 1 THEN line END AS msg
            FROM e
        ), t AS (
            SELECT *, {_trace_hint("msg")} AS hinted, CASE WHEN is_header THEN {ts_raw} END AS ts_raw,
                   {level_columns} FROM s
        )
        SELECT line_no, is_start,
               CASE WHEN is_header THEN {ts} END AS ts,
               CASE WHEN is_header THEN {level} END AS level,
               thread, {_trace_id("trace")} AS trace_id, logger,
               {_truncated("msg")} AS message,
               coalesce(hinted, false) AS hint,
               CASE WHEN hinted THEN msg END AS head,
               CASE WHEN NOT is_start THEN line END AS cont
        FROM t
    """


def _derived_level(has_level: bool, has_pri: bool, http_status: bool) -> tuple[str, str]:
    """SQL for an entry's level from what its layout's header holds (see `text_query`).

    Returns:
        The columns to compute first (each expensive expression once per row), and the level
        expression over them.
    """
    columns = ["upper(level_text) AS level_up"] if has_level else []
    options = [_level("level_up")] if has_level else []
    if has_pri:  # RFC 5424 severity: the priority's low three bits
        columns.append("TRY_CAST(pri AS INTEGER) % 8 AS severity")
        options.append("CASE WHEN severity <= 2 THEN 'FATAL' WHEN severity = 3 THEN 'ERROR' WHEN severity = 4 "
                       "THEN 'WARN' WHEN severity = 7 THEN 'DEBUG' WHEN severity IS NOT NULL THEN 'INFO' END")
    if http_status:
        columns.append(f"CASE WHEN is_header THEN left(regexp_extract(msg, {sql_literal(_HTTP_STATUS)}, 1), 1) END "
                       "AS status_class")
        options.append("CASE status_class WHEN '5' THEN 'ERROR' WHEN '4' THEN 'WARN' WHEN '' THEN NULL ELSE 'INFO' END")
    if not has_level:
        columns.append(f"CASE WHEN is_header THEN nullif(regexp_extract(left(msg, {_LEVEL_WORD_SPAN}), "
                       f"{sql_literal(_LEVEL_WORD)}, 1), '') END AS level_word")
        options.append(_level("level_word"))
    return ", ".join(columns), f"coalesce({', '.join(options)}, 'INFO')"  # never empty: a level, or the word


def _names(names: list[str]) -> str:
    return "[" + ", ".join(sql_literal(n) for n in names) + "]"


def _json_path(name: str) -> str:
    return '$."' + name + '"'


def json_query(fields: dict[str, tuple[str, ...]], zone: ZoneSQL, source: str) -> str:
    """Parse every line of `source` (line_no, line) as one JSON object, picking fields by their aliases.

    The first alias holding a non-empty value wins, as Python's pick did.

    Returns:
        SQL selecting, per non-blank line: line_no, is_start (a JSON object), then ts, level,
        thread, trace_id, logger, message, hint, head as for text, and stack (the stack-trace field).
    """
    paths: list[str] = []
    slot: dict[str, list[int]] = {}
    for key, aliases in fields.items():
        slot[key] = []
        for alias in aliases:
            slot[key].append(len(paths) + 1)
            paths.append(_json_path(alias))
    path_list = "[" + ", ".join(sql_literal(p) for p in paths) + "]"

    def pick(key: str) -> str:
        return "coalesce(" + ", ".join(f"nullif(v[{i}], '')" for i in slot[key]) + ")"

    return f"""
        WITH j AS (
            SELECT line_no, line, CASE WHEN json_valid(line) THEN json_type(line) = 'OBJECT' ELSE false END AS is_start
            FROM {source} WHERE NOT regexp_full_match(line, '\\s*')
        ), v AS (
            SELECT line_no, is_start, CASE WHEN is_start THEN json_extract_string(line, {path_list}) END AS v FROM j
        ), f AS (
            SELECT line_no, is_start, {pick("ts")} AS ts, upper(coalesce({pick("level")}, 'INFO')) AS level,
                   {pick("thread")} AS thread, {pick("trace")} AS trace, {pick("logger")} AS logger,
                   coalesce({pick("message")}, '') AS msg, {pick("stack")} AS stack
            FROM v
        )
        SELECT line_no, is_start,
               {zone.parse_json("ts")} AS ts, CASE WHEN is_start THEN {_level("level")} END AS level, thread,
               {_trace_id("trace")} AS trace_id, logger,
               CASE WHEN is_start THEN {_truncated("msg")} END AS message,
               coalesce(is_start AND {_trace_hint("msg")}, false) AS hint,
               CASE WHEN is_start AND {_trace_hint("msg")} THEN msg END AS head,
               stack
        FROM f
    """


def groups_of(head: str) -> list[str]:
    """Named groups of a header regex in group order (every group must be named)."""
    compiled = re.compile(head)
    if compiled.groups != len(compiled.groupindex):
        raise ValueError(f"every group of a layout's header must be named: {head}")
    return sorted(compiled.groupindex, key=compiled.groupindex.__getitem__)
