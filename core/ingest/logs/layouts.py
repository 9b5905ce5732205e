"""Log line layouts: what each known format's first line looks like, and how to pick one for a file.

Light on purpose (no DuckDB, no pandas): the CLI lists the format names at start-up, and the
bundle loader validates `log_format` in incident.yaml, without loading the ingest machinery.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.errors import IngestError

__all__ = [
    "ACCESS_FORMAT", "AUTO", "JSON_LINES", "LAYOUTS", "LEVEL_WORDS", "LogLayout", "check_log_format", "detect_layout",
    "log_formats", "resolve_layout",
]

# nginx/Apache access logs: `core.signals` reads each endpoint's HTTP outcomes back from these lines.
ACCESS_FORMAT = "http-access"

_TS = r"(?P<ts>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)"
_LEVEL = r"(?P<level>TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|SEVERE|FATAL|CRITICAL)"
_LOGGER = r"(?P<logger>[\w.$\[\]-]+)"
_TS_ANY = _TS.replace(r"\d{4}-\d{2}-\d{2}", r"\d{4}[-/]\d{2}[-/]\d{2}")
# RFC 3339 as syslog writes it: a 'T' between date and time, and a zone.
_TS_RFC3339 = r"(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2}))"
_MON = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_JUL_LEVEL = r"(?P<level>SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST)"


@dataclass(frozen=True)
class LogLayout:
    """One line layout: a name and the regex of an entry's first line up to its message (``head``).

    ``pattern`` is the whole first line: ``head`` followed by the message. ``fast`` are narrower
    forms of ``head`` without its ambiguities (so RE2 parses them in one pass, several times
    faster): where one matches, ``head`` gives the same groups; lines none of them matches fall
    back to ``head`` itself.
    """

    name: str
    head: str
    fast: tuple[str, ...] = ()
    ts_formats: tuple[str, ...] = ()  # DuckDB strptime formats of the ts group; none: ISO-8601
    yearless: bool = False  # the ts group has no year (classic syslog)
    http_status: bool = False  # the message opens with an HTTP request line and status (access logs)
    example: str = ""  # one first line in this layout, for help texts and tests
    # Groups that must not hold a level word for a line to count towards detecting this layout
    # (`2026-11-20T14:05:03Z ERROR app: boom` is not syslog from a host named ERROR).
    not_levels: tuple[str, ...] = ()
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", re.compile(self.head + r"(?P<msg>.*)$"))


# A logger in the fast forms cannot start with '[' (which would also open an optional bracket).
_LOGGER_FAST = r"(?P<logger>[\w.$-][\w.$\[\]-]*)"
_BRACKET = r"\[(?P<{}>[^\]]*)\]\s+"

LAYOUTS: tuple[LogLayout, ...] = (
    # Most specific first: a Spring Boot line would also pass for Logback with a numeric logger.
    # Spring Boot default: ts  LEVEL pid --- [thread] logger : msg
    LogLayout(
        "spring-boot", rf"^{_TS}\s+{_LEVEL}\s+\d+\s+---\s+\[\s*(?P<thread>[^\]]*)\]\s+{_LOGGER}\s+:\s?",
        fast=(rf"^{_TS}\s+{_LEVEL}\s+\d+\s+---\s+\[\s*(?:(?P<thread>[^\]\s][^\]]*))?\]\s+{_LOGGER}\s+:\s?",),
        example="2026-11-20 14:05:03.117 ERROR 4242 --- [nio-8080-exec-1] c.a.s.order.OrderController : boom",
    ),
    # Logback/Log4j: ts LEVEL [thread] [traceId] logger - msg   (thread and trace optional)
    LogLayout(
        "logback",
        rf"^{_TS}\s+{_LEVEL}\s+(?:\[(?P<thread>[^\]]*)\]\s+)?(?:\[(?P<trace>[^\]]*)\]\s+)?{_LOGGER}\s+-\s?",
        fast=(
            rf"^{_TS}\s+{_LEVEL}\s+{_BRACKET.format('thread')}{_BRACKET.format('trace')}{_LOGGER_FAST}\s+-\s?",
            rf"^{_TS}\s+{_LEVEL}\s+{_BRACKET.format('thread')}{_LOGGER_FAST}\s+-\s?",
            rf"^{_TS}\s+{_LEVEL}\s+{_LOGGER_FAST}\s+-\s?",
        ),
        example="2026-11-20 14:05:03.117 ERROR [exec-2] [4bf92f3577b34da6] c.a.s.order.OrderService - boom",
    ),
    # Logback default: ts [thread] LEVEL logger - msg
    LogLayout(
        "logback-thread-first",
        rf"^{_TS}\s+\[(?P<thread>[^\]]*)\]\s+{_LEVEL}\s+(?:\[(?P<trace>[^\]]*)\]\s+)?{_LOGGER}\s+-\s?",
        fast=(
            rf"^{_TS}\s+{_BRACKET.format('thread')}{_LEVEL}\s+{_BRACKET.format('trace')}{_LOGGER_FAST}\s+-\s?",
            rf"^{_TS}\s+{_BRACKET.format('thread')}{_LEVEL}\s+{_LOGGER_FAST}\s+-\s?",
        ),
        example="2026-11-20 14:05:03.117 [exec-2] ERROR c.a.s.order.OrderService - boom",
    ),
    # Python logging: ts - logger - LEVEL - msg
    LogLayout(
        "python-logging", rf"^{_TS}\s+-\s+{_LOGGER}\s+-\s+{_LEVEL}\s+-\s?",
        example="2026-11-20 14:05:03,117 - shop.orders - ERROR - payment failed",
    ),
    # Tomcat/JULI one-line: dd-Mon-yyyy time LEVEL [thread] logger msg
    LogLayout(
        "tomcat",
        rf"^(?P<ts>\d{{2}}-{_MON}-\d{{4}} \d{{2}}:\d{{2}}:\d{{2}}(?:\.\d{{1,3}})?)\s+{_JUL_LEVEL}\s+"
        rf"\[(?P<thread>[^\]]*)\]\s+(?P<logger>\S+)\s*",
        ts_formats=("%d-%b-%Y %H:%M:%S.%g", "%d-%b-%Y %H:%M:%S"),
        example="20-Nov-2026 14:05:03.117 SEVERE [http-nio-8080-exec-1] "
                "org.apache.catalina.core.StandardWrapperValve.invoke boom",
    ),
    # Spark and the Hadoop tools' log4j default (%d{yy/MM/dd HH:mm:ss} %p %c{1}: %m): yy/MM/dd time LEVEL logger: msg
    LogLayout(
        "log4j-spark",
        rf"^(?P<ts>\d{{2}}/\d{{2}}/\d{{2}} \d{{2}}:\d{{2}}:\d{{2}}(?:[.,]\d{{1,3}})?)\s+{_LEVEL}\s+{_LOGGER}:\s?",
        ts_formats=("%y/%m/%d %H:%M:%S", "%y/%m/%d %H:%M:%S.%g"),
        example="17/06/09 20:10:40 ERROR executor.Executor: Exception in task 0.0 in stage 1.0 (TID 1)",
    ),
    # Older Hadoop daemons: yyMMdd HHmmss pid LEVEL logger: msg
    LogLayout(
        "hadoop-compact",
        rf"^(?P<ts>\d{{6}} \d{{6}})\s+(?P<thread>\d+)\s+{_LEVEL}\s+{_LOGGER}:\s?",
        ts_formats=("%y%m%d %H%M%S",),
        example="081109 203615 148 WARN dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_3886 terminating",
    ),
    # logfmt as logrus writes it: time="…" level=… msg=…
    LogLayout(
        "logfmt", rf'^(?:time|ts|timestamp|t)="?{_TS}"?\s+(?:level|lvl)=(?P<level>[A-Za-z]+)\s+(?:msg=)?',
        example='time="2026-11-20T14:05:03+08:00" level=error msg="lock wait timeout" order=7',
    ),
    # nginx error log: yyyy/mm/dd time [level] pid#tid: *conn msg
    LogLayout(
        "nginx-error",
        r"^(?P<ts>\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2})\s+\[(?P<level>debug|info|notice|warn|error|crit|alert|emerg)\]"
        r"\s+(?P<thread>\d+#\d+):\s?",
        example="2026/11/20 14:05:03 [error] 31#31: *9 upstream timed out (110: Connection timed out)",
    ),
    # Apache httpd error log: [Www Mon dd time yyyy] [module:level] [pid N] [client ip:port] msg
    LogLayout(
        "apache-error",
        rf"^\[(?P<ts>[A-Z][a-z]{{2}} {_MON} [ \d]?\d \d{{2}}:\d{{2}}:\d{{2}}(?:\.\d{{1,6}})? \d{{4}})\]\s+"
        r"\[(?:[\w-]+:)?(?P<level>[a-z]+\d?)\]\s+(?:\[pid (?P<thread>\d+)[^\]]*\]\s+)?(?:\[client [^\]]*\]\s+)?",
        ts_formats=("%a %b %d %H:%M:%S.%f %Y", "%a %b %d %H:%M:%S %Y"),
        example="[Thu Nov 20 14:05:03.117000 2026] [proxy:error] [pid 4242] [client 10.0.0.9:51234] "
                "AH00898: Error reading",
    ),
    # nginx/Apache access log (common and combined): client ident user [dd/Mon/yyyy:time zone] "request" status …
    LogLayout(
        ACCESS_FORMAT,
        rf"^\S+\s+\S+\s+\S+\s+\[(?P<ts>\d{{2}}/{_MON}/\d{{4}}:\d{{2}}:\d{{2}}:\d{{2}}(?:\.\d+)?\s[+-]\d{{4}})\]\s*",
        ts_formats=("%d/%b/%Y:%H:%M:%S %z", "%d/%b/%Y:%H:%M:%S.%f %z"),
        http_status=True,
        example='10.0.0.9 - - [20/Nov/2026:14:05:03 +0800] "POST /api/orders HTTP/1.1" 504 167 "-" "okhttp/4.12.0"',
    ),
    # RFC 5424 syslog: <pri>version ts host app procid msgid structured-data msg
    LogLayout(
        "syslog-rfc5424",
        rf"^<(?P<pri>\d{{1,3}})>\d{{1,2}}\s+{_TS}\s+\S+\s+(?P<logger>\S+)\s+(?P<thread>\S+)\s+\S+\s+"
        r"(?:-|(?:\[[^\]]*\])+)\s?",
        example="<131>1 2026-11-20T14:05:03.117+08:00 shop-7 order-service 4242 - - lock wait timeout",
    ),
    # Classic (RFC 3164) syslog: [<pri>]Mon dd time host tag[pid]: msg
    LogLayout(
        "syslog",
        rf"^(?:<(?P<pri>\d{{1,3}})>)?(?P<ts>{_MON}\s+\d{{1,2}}\s\d{{2}}:\d{{2}}:\d{{2}}(?:\.\d{{1,6}})?)\s+\S+\s+"
        r"(?:(?P<logger>[^\s\[:]+)(?:\[(?P<thread>\d+)\])?:)?\s?",
        fast=(
            (rf"^(?:<(?P<pri>\d{{1,3}})>)?(?P<ts>{_MON}\s+\d{{1,2}}\s\d{{2}}:\d{{2}}:\d{{2}}(?:\.\d{{1,6}})?)\s+\S+\s+"
             r"(?P<logger>[^\s\[:]+)(?:\[(?P<thread>\d+)\])?:\s?"),
        ),
        ts_formats=("%b %d %H:%M:%S", "%b %d %H:%M:%S.%f"),
        yearless=True,
        example="Nov 20 14:05:03 shop-7 order-service[4242]: ERROR lock wait timeout",
    ),
    # ISO-stamped syslog (rsyslog's high-precision template): ts host tag[pid]: msg
    LogLayout(
        "syslog-iso", rf"^{_TS_RFC3339}\s+(?P<host>\S+)\s+(?P<logger>[^\s\[:]+)(?:\[(?P<thread>\d+)\])?:\s?",
        not_levels=("host",),
        example="2026-11-20T14:05:03.117+08:00 shop-7 order-service[4242]: lock wait timeout",
    ),
    # Anything that starts with a timestamp (ISO, or with '/' between date parts) and has a level soon after.
    LogLayout("generic", rf"^\[?{_TS_ANY}\]?\s+(?:.{{0,40}}?\b)?{_LEVEL}\b[:\]]?\s*",
              example="[2026/11/20 14:05:03] app ERROR: boom"),
)


AUTO = "auto"
JSON_LINES = "json-lines"


def log_formats() -> tuple[str, ...]:
    """Every name `ingest_log_file(log_format=...)` accepts: "auto" first, then JSON lines and the layouts."""
    return (AUTO, JSON_LINES, *(layout.name for layout in LAYOUTS))


def check_log_format(log_format: str) -> str:
    """`log_format` itself, if it is one of `log_formats()`.

    Raises:
        IngestError: it is not, with the names to choose from.
    """
    if log_format not in log_formats():
        raise IngestError(f"Unknown log format {log_format!r}; choose one of: {', '.join(log_formats())}.")
    return log_format


def resolve_layout(log_format: str, sample: list[str], name: str) -> LogLayout | None:
    """The layout to parse with: detected from `sample` for "auto", else the one named (None: JSON lines).

    Raises:
        IngestError: an unknown format name, or a chosen layout that opens none of the sample's lines.
    """
    if log_format in ("", AUTO):
        return detect_layout(sample)
    if log_format == JSON_LINES:
        if not any(ln.lstrip().startswith("{") for ln in sample):
            raise IngestError(f"{name}: no line among the first {len(sample)} is a JSON object; "
                              "choose another format, or 'auto' to detect it.")
        return None
    check_log_format(log_format)
    chosen = next(layout for layout in LAYOUTS if layout.name == log_format)
    if not any(chosen.pattern.match(ln) for ln in sample):
        raise IngestError(
            f"{name}: no line among the first {len(sample)} matches the log format {log_format!r}; "
            f"choose another format, or 'auto' to detect it."
        )
    return chosen


# Level words as logs spell them (upper-cased), in every layout family; the SQL's level word
# search uses the same list.
LEVEL_WORDS: tuple[str, ...] = (
    "TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "WARNING", "ERROR", "ERR", "SEVERE", "FATAL", "CRITICAL", "CRIT",
    "ALERT", "EMERG", "PANIC",
)


def _counts_for(layout: LogLayout, line: str) -> bool:
    match = layout.pattern.match(line)
    if match is None:
        return False
    return not any((match.group(g) or "").upper() in LEVEL_WORDS for g in layout.not_levels)


def detect_layout(sample: Iterable[str]) -> LogLayout | None:
    """The layout whose pattern opens the most lines of the sample (None if it looks like JSON lines)."""
    lines = [ln for ln in sample if ln.strip()]
    if lines and sum(ln.lstrip().startswith("{") for ln in lines) > len(lines) * 0.8:
        return None
    best, best_hits = LAYOUTS[-1], 0
    for layout in LAYOUTS:
        hits = sum(1 for ln in lines if _counts_for(layout, ln))
        if hits > best_hits:
            best, best_hits = layout, hits
    if best_hits == 0:
        raise IngestError(
            "No line of this file starts the way a known log layout does (a timestamp, then a level, as in "
            "Logback, Log4j, Spring Boot, Python, Tomcat, logfmt, syslog, nginx or Apache logs, or JSON lines); "
            "it does not look like a log. Check the file, or choose its format by hand."
        )
    return best
