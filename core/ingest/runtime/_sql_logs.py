"""Read slow statements from a MySQL slow query log, PostgreSQL duration lines, or a CSV export."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo

import pandas as pd

from core.errors import IngestError
from core.ingest.runtime._common import parse_time, to_float

__all__ = ["ParsedSlowLog", "SlowStatement", "parse_slow_log"]


@dataclass
class SlowStatement:
    line_no: int
    ts: datetime | None
    query_ms: float
    statement: str
    lock_ms: float | None = None
    rows_sent: int | None = None
    rows_examined: int | None = None
    db: str | None = None
    user_host: str | None = None


@dataclass
class ParsedSlowLog:
    format: str
    dialect: str
    statements: list[SlowStatement] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


_MYSQL_MARKERS = ("# Time:", "# User@Host:", "# Query_time:")
_MYSQL_FIELD = re.compile(r"(\w+):\s+([\d.]+)")
_MYSQL_OLD_TIME = re.compile(r"^(\d{2})(\d{2})(\d{2})\s+(\d{1,2}):(\d{2}):(\d{2})$")
_MYSQL_SERVER_HEADER = re.compile(r"^(\S+, Version: .*started with:|Tcp port: .*|Time\s+Id\s+Command\s+Argument)$")
_PG_LINE = re.compile(
    r"^(?P<ts>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?)(?:\s+(?P<tz>[A-Za-z]{1,5}|[+-]\d{2}(?::?\d{2})?))?"
    r"(?P<prefix>.*?)\b(?:LOG|STATEMENT|DETAIL|ERROR|WARNING|HINT|CONTEXT|FATAL|PANIC|NOTICE|INFO|DEBUG\d?):\s+(?P<rest>.*)$"
)
_PG_DURATION = re.compile(
    r"^duration:\s+(?P<ms>[\d.]+)\s+ms\s+(?:statement|execute(?:\s+[^:]*)?|(?:parse|bind)(?:\s+[^:]*)?):\s*(?P<sql>.*)$"
)
_PG_DB = re.compile(r"(?:\bdb=|\w@)(?P<db>[\w$-]+)")
_CSV_TS = ("ts", "timestamp", "time", "start_time", "query_start", "datetime", "event_time")
_CSV_SQL = ("query", "sql", "statement", "sql_text", "query_text", "digest_text", "sqltext")
_CSV_MS = ("duration_ms", "query_time_ms", "elapsed_ms", "time_ms", "latency_ms", "exec_time_ms", "duration")
_CSV_S = ("query_time", "duration_s", "query_time_s", "elapsed", "elapsed_s", "exec_time")
_CSV_LOCK_MS = ("lock_ms", "lock_time_ms", "lock_wait_ms")
_CSV_LOCK_S = ("lock_time", "lock_s", "lock_time_s")


def parse_slow_log(text: str, name: str, zone: tzinfo) -> ParsedSlowLog:
    """Detect the format and read every statement.

    Raises:
        IngestError: unknown format, wrong CSV columns, or no statement at all.
    """
    head = text[:65536]
    if any(marker in head for marker in _MYSQL_MARKERS):
        parsed = _mysql(text, zone)
    elif any((m := _PG_LINE.match(ln)) and m.group("rest").startswith("duration:") for ln in head.splitlines()):
        parsed = _postgres(text, zone)
    elif "," in head.splitlines()[0] or ";" in head.splitlines()[0] or "\t" in head.splitlines()[0]:
        parsed = _csv(text, name, zone)
    else:
        raise IngestError(
            f"{name}: unknown slow-query format; expected a MySQL slow query log (# Query_time: …), PostgreSQL log "
            "lines with 'duration: N ms  statement: …', or a CSV with ts, query and duration_ms columns."
        )
    if not parsed.statements:
        raise IngestError(f"{name}: no slow statement could be read from this {parsed.format} file.")
    return parsed


def _mysql_time(value: str, zone: tzinfo) -> datetime | None:
    value = value.strip()
    old = _MYSQL_OLD_TIME.match(value)
    if old:  # MySQL 5.x: "201120 14:02:11" in the server's zone
        y, mo, d, h, mi, s = (int(g) for g in old.groups())
        return datetime(2000 + y, mo, d, h, mi, s, tzinfo=zone)
    return parse_time(value, zone)


def _mysql(text: str, zone: tzinfo) -> ParsedSlowLog:
    out = ParsedSlowLog("mysql-slow-log", "mysql")
    entry: dict[str, object] = {}
    sql: list[str] = []
    bad = 0

    def flush() -> None:
        nonlocal bad
        statement = " ".join(s.strip() for s in sql).strip()
        if entry or statement:
            query_time = entry.get("Query_time")
            if query_time is None or not statement:
                bad += 1
            elif not statement.startswith("# administrator command"):
                lock = entry.get("Lock_time")
                out.statements.append(SlowStatement(
                    line_no=_int(entry.get("line")) or 0, ts=entry.get("ts") or entry.get("time"),  # type: ignore[arg-type]
                    query_ms=float(query_time) * 1000.0,  # type: ignore[arg-type]
                    lock_ms=float(lock) * 1000.0 if lock is not None else None,  # type: ignore[arg-type]
                    rows_sent=_int(entry.get("Rows_sent")), rows_examined=_int(entry.get("Rows_examined")),
                    db=entry.get("db") or out_db[0], user_host=entry.get("user"),  # type: ignore[arg-type]
                    statement=statement[:20000],
                ))
        entry.clear()
        sql.clear()

    out_db: list[str | None] = [None]  # `use db;` holds until the next one
    for line_no, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not line.strip() or _MYSQL_SERVER_HEADER.match(line.strip()):
            continue
        if line.startswith("# Time:"):
            flush()
            entry["line"], entry["time"] = line_no, _mysql_time(line[7:], zone)
        elif line.startswith("# User@Host:"):
            if sql or "Query_time" in entry:
                flush()
            entry.setdefault("line", line_no)
            entry["user"] = re.sub(r"\s+", " ", line[12:].split(" Id:")[0]).strip()
        elif line.startswith("# Query_time:"):
            if sql or "Query_time" in entry:
                flush()
                entry["line"] = line_no
            entry.setdefault("line", line_no)
            for key, value in _MYSQL_FIELD.findall(line):
                entry[key] = value
        elif line.startswith("#"):
            continue  # Percona's extra header lines (Schema, Bytes_sent, QC_Hit …)
        elif re.match(r"^use\s+[`\"]?([\w$-]+)[`\"]?;\s*$", line, re.IGNORECASE) and not sql:
            out_db[0] = entry["db"] = re.sub(r"^use\s+|[`\";\s]", "", line, flags=re.IGNORECASE)
        elif re.match(r"^SET\s+timestamp\s*=\s*\d+;\s*$", line, re.IGNORECASE) and not sql:
            entry["ts"] = datetime.fromtimestamp(int(re.sub(r"\D", "", line)), UTC)
        else:
            sql.append(line)
    flush()
    if bad:
        out.warnings.append(f"{bad} entr{'y' if bad == 1 else 'ies'} without a Query_time or a statement skipped")
    return out


def _int(value: object) -> int | None:
    number = to_float(value)
    return int(number) if number is not None else None


def _pg_zone(tz: str | None, zone: tzinfo) -> tzinfo:
    if not tz:
        return zone
    if tz.upper() in ("UTC", "GMT", "Z"):
        return UTC
    if tz[0] in "+-":
        digits = tz[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) >= 4 else 0)
        return timezone(timedelta(minutes=minutes if tz[0] == "+" else -minutes))
    return zone  # an abbreviation like CST is ambiguous; the incident's zone is the best reading


def _postgres(text: str, zone: tzinfo) -> ParsedSlowLog:
    out = ParsedSlowLog("postgresql-log", "postgres")
    current: SlowStatement | None = None
    unreadable = 0
    for line_no, raw in enumerate(text.splitlines(), 1):
        if current is not None and raw[:1] in ("\t", " ") and raw.strip():
            current.statement = (current.statement + " " + raw.strip())[:20000]
            continue
        if current is not None:
            out.statements.append(current)
            current = None
        match = _PG_LINE.match(raw)
        if not match:
            unreadable += bool(raw.strip())
            continue
        duration = _PG_DURATION.match(match.group("rest"))
        if not duration:
            continue
        db = _PG_DB.search(match.group("prefix") or "")
        stamp = parse_time(match.group("ts"), _pg_zone(match.group("tz"), zone))
        current = SlowStatement(line_no=line_no, ts=stamp, query_ms=float(duration.group("ms")),
                                statement=duration.group("sql").strip(), db=db.group("db") if db else None)
    if current is not None:
        out.statements.append(current)
    if unreadable:
        out.warnings.append(f"{unreadable} line(s) without a log_line_prefix timestamp skipped")
    return out


def _pick(columns: list[str], names: tuple[str, ...]) -> str | None:
    return next((c for c in names if c in columns), None)


def _csv(text: str, name: str, zone: tzinfo) -> ParsedSlowLog:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    try:
        sep = csv.Sniffer().sniff(first, delimiters=",;\t|").delimiter
    except csv.Error:
        sep = ","
    bad_rows = [0]

    def on_bad(_line: list[str]) -> None:
        bad_rows[0] += 1

    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, engine="python", on_bad_lines=on_bad, dtype=str)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise IngestError(f"{name} is not a readable CSV file ({exc}).") from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    cols = list(frame.columns)
    sql_col, ms_col, s_col = _pick(cols, _CSV_SQL), _pick(cols, _CSV_MS), _pick(cols, _CSV_S)
    if sql_col is None or (ms_col is None and s_col is None):
        raise IngestError(
            f"{name}: wrong columns {cols[:8]}; a slow-SQL CSV needs a statement column (query/sql) and a duration "
            "column (duration_ms, or query_time in seconds), plus ideally ts, lock_ms and rows."
        )
    ts_col = _pick(cols, _CSV_TS)
    lock_ms, lock_s = _pick(cols, _CSV_LOCK_MS), _pick(cols, _CSV_LOCK_S)
    rows_sent, rows_examined = _pick(cols, ("rows_sent", "rows")), _pick(cols, ("rows_examined", "rows_read"))
    db_col, user_col = _pick(cols, ("db", "database", "schema")), _pick(cols, ("user_host", "user", "username"))
    out = ParsedSlowLog("csv", "mysql")
    bad = 0
    for i, row in enumerate(frame.to_dict("records"), 2):
        duration = to_float(row.get(ms_col)) if ms_col else None
        if duration is None and s_col and (seconds := to_float(row.get(s_col))) is not None:
            duration = seconds * 1000.0
        statement = row.get(sql_col)
        if duration is None or not isinstance(statement, str) or not statement.strip():
            bad += 1
            continue
        lock = to_float(row.get(lock_ms)) if lock_ms else None
        if lock is None and lock_s and (seconds := to_float(row.get(lock_s))) is not None:
            lock = seconds * 1000.0
        out.statements.append(SlowStatement(
            line_no=i, ts=parse_time(row.get(ts_col), zone) if ts_col else None, query_ms=duration,
            statement=statement.strip()[:20000], lock_ms=lock,
            rows_sent=_int(row.get(rows_sent)) if rows_sent else None,
            rows_examined=_int(row.get(rows_examined)) if rows_examined else None,
            db=_text(row.get(db_col)) if db_col else None, user_host=_text(row.get(user_col)) if user_col else None,
        ))
    if any("$" in s.statement and re.search(r"\$\d", s.statement) for s in out.statements[:50]):
        out.dialect = "postgres"
    if bad:
        out.warnings.append(f"{bad} row(s) without a statement or a numeric duration skipped")
    if bad_rows[0]:
        out.warnings.append(f"{bad_rows[0]} malformed row(s) (wrong number of fields) skipped")
    return out


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
