"""Parse Java stack traces (with Caused by / Suppressed / ... N more) and Python tracebacks."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from core.schema import ExceptionCause, StackFrame

__all__ = ["PLATFORM_PREFIXES", "ParsedTrace", "fingerprint", "looks_like_trace_start", "parse_trace"]

# A provisional in-app flag at parse time: not the runtime, a test runner or a common framework. The
# incident's repository (or the user's rules) decides for good once the logs are in: see
# core.ingest.code.app_code.mark_app_frames.
PLATFORM_PREFIXES = (
    "java.", "javax.", "jdk.", "sun.", "com.sun.", "kotlin.", "kotlinx.", "scala.", "groovy.lang.",
    "org.codehaus.groovy.", "junit.", "org.junit.", "org.testng.", "org.apache.tools.ant.",
    "org.apache.maven.surefire.", "org.gradle.", "org.springframework.", "org.hibernate.", "org.apache.catalina.",
    "org.apache.coyote.", "org.apache.tomcat.", "org.eclipse.jetty.", "io.undertow.", "io.netty.", "io.grpc.",
    "reactor.", "com.zaxxer.hikari.", "org.apache.ibatis.", "org.mybatis.", "com.baomidou.", "com.mysql.",
    "org.postgresql.", "org.mariadb.", "oracle.jdbc.", "feign.", "okhttp3.", "org.apache.http.", "org.apache.hc.",
    "org.slf4j.", "ch.qos.logback.", "org.apache.logging.log4j.", "org.aspectj.", "net.bytebuddy.", "org.mockito.",
    "io.micrometer.", "io.opentelemetry.", "com.fasterxml.jackson.databind.", "org.glassfish.", "org.jboss.",
    "io.lettuce.", "redis.clients.", "io.reactivex.", "rx.", "akka.", "play.", "io.vertx.", "com.google.common.",
    "com.google.inject.", "org.apache.kafka.", "org.apache.commons.",
)

# Module prefixes (`java.base/`, `app//`) come before the class; the last `/` ends them.
_JAVA_FRAME = re.compile(r"^\s*at\s+(?:\S*/)?(?P<cls>[\w$.<>]+)\.(?P<method>[\w$<>-]+)\((?P<src>[^)]*)\)")
_JAVA_MORE = re.compile(r"^\s*\.\.\.\s*(\d+)\s+(?:more|common frames omitted)")
_JAVA_CAUSE = re.compile(r"^\s*(?P<kind>Caused by|Suppressed):\s*(?P<rest>.*)$")
_JAVA_HEAD = re.compile(
    r"^(?P<type>(?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable|Fault|Failure)[\w$]*)(?::\s?(?P<msg>.*))?$"
)
_PY_START = "Traceback (most recent call last):"
_PY_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>\S+)')
_PY_EXC = re.compile(
    r"^(?P<type>[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Iteration)\w*)(?::\s?(?P<msg>.*))?$")
_DIGITS = re.compile(r"\d+")


@dataclass
class ParsedTrace:
    """A stack trace: the exception chain (outermost first) and every frame."""

    causes: list[ExceptionCause] = field(default_factory=list)
    frames: list[StackFrame] = field(default_factory=list)
    language: str = "java"

    @property
    def exc_type(self) -> str:
        return self.causes[0].exc_type if self.causes else ""

    @property
    def root(self) -> ExceptionCause:
        return self.causes[-1]


def looks_like_trace_start(line: str) -> bool:
    """True for a line that opens a Java exception or a Python traceback."""
    stripped = line.strip()
    return stripped.startswith(_PY_START) or bool(_JAVA_HEAD.match(stripped))


def _is_library(cls: str) -> bool:
    return cls.startswith(PLATFORM_PREFIXES) or "$$" in cls or cls.startswith(("$Proxy", "jdk.proxy"))


def _java_frame(match: re.Match[str], cause_index: int, depth: int) -> StackFrame:
    cls, method, src = match.group("cls"), match.group("method"), match.group("src")
    file: str | None = None
    line: int | None = None
    if ":" in src:
        name, _, num = src.rpartition(":")
        file, line = name, int(num) if num.isdigit() else None
    elif src.endswith((".java", ".kt", ".scala", ".groovy")):
        file = src
    return StackFrame(
        class_name=cls, method=method, file=file, line=line, in_app=not _is_library(cls) and line is not None,
        cause_index=cause_index, depth=depth,
    )


def _parse_java(lines: list[str]) -> ParsedTrace | None:
    trace = ParsedTrace(language="java")
    depth = 0
    pending_msg: list[str] | None = None
    suppressed_at: int | None = None  # indentation of a `Suppressed:` block being skipped
    for raw in lines:
        line = raw.rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if suppressed_at is not None:
            if indent > suppressed_at:
                continue
            suppressed_at = None
        if frame := _JAVA_FRAME.match(line):
            if not trace.causes:
                continue
            pending_msg = None
            trace.frames.append(_java_frame(frame, len(trace.causes) - 1, depth))
            depth += 1
            continue
        if _JAVA_MORE.match(line):
            continue
        cause = _JAVA_CAUSE.match(line)
        text = cause.group("rest") if cause else line.strip()
        head = _JAVA_HEAD.match(text)
        if head and (cause or not trace.causes):
            if cause and cause.group("kind") == "Suppressed":
                # A suppressed exception is context, not part of the causal chain: skip it and its frames.
                pending_msg, suppressed_at = None, indent
                continue
            trace.causes.append(ExceptionCause(exc_type=head.group("type"), message=(head.group("msg") or "").strip()))
            pending_msg = [] if head.group("msg") is not None else None
            depth = 0
            continue
        if trace.causes and pending_msg is not None:
            # Multi-line exception messages continue until the first frame.
            last = trace.causes[-1]
            trace.causes[-1] = ExceptionCause(exc_type=last.exc_type, message=f"{last.message}\n{line.strip()}".strip())
    return trace if trace.causes else None


def _parse_python(lines: list[str]) -> ParsedTrace | None:
    """Python chains print the root cause first; we store outermost first like Java."""
    blocks: list[tuple[list[StackFrame], ExceptionCause | None]] = []
    frames: list[StackFrame] = []
    in_trace = False
    for raw in lines:
        line = raw.rstrip()
        if line.strip().startswith(_PY_START):
            frames, in_trace = [], True
            continue
        if not in_trace:
            continue
        if frame := _PY_FRAME.match(line):
            path = frame.group("file")
            module = path.rsplit("/", 1)[-1].removesuffix(".py")
            frames.append(StackFrame(
                class_name=module, method=frame.group("func"), file=path, line=int(frame.group("line")),
                in_app="site-packages" not in path and "/lib/python" not in path and not path.startswith("<"),
            ))
            continue
        exc = _PY_EXC.match(line.strip())
        if exc and not line.startswith(" "):
            raised = ExceptionCause(exc_type=exc.group("type"), message=(exc.group("msg") or "").strip())
            blocks.append((frames, raised))
            frames, in_trace = [], False
    if not blocks:
        return None
    trace = ParsedTrace(language="python")
    for cause_index, (block_frames, cause) in enumerate(reversed(blocks)):
        assert cause is not None
        trace.causes.append(cause)
        # Python prints innermost call last; store innermost first to match Java's order.
        for depth, fr in enumerate(reversed(block_frames)):
            trace.frames.append(fr.model_copy(update={"cause_index": cause_index, "depth": depth}))
    return trace


def parse_trace(lines: list[str]) -> ParsedTrace | None:
    """Parse the text of one stack trace; None when the lines hold no exception."""
    if any(line.strip().startswith(_PY_START) for line in lines):
        return _parse_python(lines)
    return _parse_java(lines)


def fingerprint(trace: ParsedTrace) -> str:
    """Group key: the in-app frames (class.method, not line numbers), else types, else message shape."""
    in_app = [f"{f.class_name}.{f.method}" for f in trace.frames if f.in_app][:5]
    if in_app:
        key = trace.root.exc_type + "|" + "|".join(in_app)
    else:
        key = "|".join(c.exc_type for c in trace.causes) + "|" + _DIGITS.sub("#", trace.root.message[:200])
    return hashlib.sha1(key.encode()).hexdigest()[:12]
