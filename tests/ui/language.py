"""Finding text in the other language on a rendered page: Chinese in the English UI, English words in the
Chinese UI — outside user data (log lines, code, names, commit messages), which stays as written."""

from __future__ import annotations

import re
from collections.abc import Iterable

from streamlit.testing.v1 import AppTest

__all__ = ["ALLOWED_WORDS", "foreign_text", "page_text"]

#: Names, formats and units that read the same in both languages.
ALLOWED_WORDS = {
    "sre", "tribunal", "openai", "git", "jvm", "sql", "api", "markdown", "openapi", "ddl", "json", "utc", "zip", "tar",
    "incident", "yaml", "runtime", "repo", "design", "blame", "logback", "nginx", "jsonl", "http", "https", "uri",
    "apache", "syslog", "mysql", "docker", "kubernetes", "spring", "boot", "python", "klog", "glog", "iso", "gelf",
    "ecs", "otel", "nacos", "hikari", "trace", "logfmt", "tomcat", "java", "duckdb", "lancedb", "neo4j", "plotly",
    "span", "spans", "tgz", "pdf", "html", "csv", "codeowners", "tag", "release", "gc", "cpu", "p95", "p99", "p50",
    "id", "ids", "diff", "commit", "ms", "min", "req", "top", "ruff", "gz", "log4j", "jul", "application", "domain",
    "infrastructure", "interfaces", "controller", "repository", "service", "aggregate", "entity", "offline", "llm",
    "brain", "get", "post", "put", "delete", "patch", "sha", "for", "update", "select", "insert", "where", "from",
}
_CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]+")
_WORD = re.compile(r"(?<![\w.$/\\:#@<>=-])[A-Za-z][a-z']{2,}(?![\w.$/\\:#@(<>=-])")
_MARKUP = [  # removed before data is matched: the page's own HTML and icons, never words to read
    re.compile(r'<span class="tb-(?:icon|avatar)[^"]*"[^>]*>[^<]*</span>'),  # Material Symbols ligatures: icon names
    re.compile(r"<[^>]+>"),  # HTML the pages draw (class names, spans)
    re.compile(r":material/[a-z_]+:"),
    re.compile(r":[a-z]+-badge\["),  # Streamlit's coloured badges
]
_STRIP = [
    re.compile(r"'[^'\n]{2,}'|“[^”\n]*”|\"[^\"\n]{2,}\""),  # quotations: a log template, a commit subject
    re.compile(r"(`+)[^`]*?\1", re.DOTALL),  # code spans: identifiers, log lines
    re.compile(r"https?://\S+"),
    re.compile(r"\S+[/\\]\S+"),  # paths, routes, MIME types
    re.compile(r"\b\w+(?:\.\w+){1,}\b"),  # dotted names: packages, classes, metrics, versions
]


def page_text(at: AppTest) -> str:
    """Everything a person reads on the page: text elements, alerts, widget labels, help, options and tabs."""
    parts = [str(el.value) for group in (at.title, at.header, at.subheader, at.markdown, at.caption, at.info,
                                         at.success, at.warning, at.error) for el in group]
    for group in (at.selectbox, at.radio, at.text_input, at.text_area, at.date_input, at.time_input, at.button,
                  at.multiselect, at.slider, at.number_input, at.toggle, at.checkbox):
        for w in group:
            parts += [str(w.label), str(getattr(w, "help", "") or ""), str(getattr(w, "placeholder", "") or "")]
    parts += [str(tab.label) for tab in at.tabs]
    parts += [str(e.label) for e in at.expander]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def _clean(text: str, data: Iterable[str]) -> str:
    for pattern in _MARKUP:
        text = pattern.sub(" ", text)
    text = re.sub(r"\\([\\`*_{}\[\]<>()#+\-!|~:$.])", r"\1", text)  # Markdown escapes, so data matches as written
    for item in sorted({d.strip() for d in data if d and len(d.strip()) >= 2}, key=len, reverse=True):
        if item in text:  # whole words only: a short value must not cut a word in two
            text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(item)}(?![A-Za-z0-9])", " ", text)
    for pattern in _STRIP:
        text = pattern.sub(" ", text)
    # What is left of a quotation cut short ("Prevent overselling in flash sales: lock …").
    return re.sub(r"[A-Za-z][^\u3000-\u9fff\uff00-\uffef\n]*…", " ", text)


def foreign_text(text: str, lang: str, data: Iterable[str] = ()) -> list[str]:
    """What in `text` is in the other language: CJK runs on an English page, English words on a Chinese page.

    Args:
        data: user data shown on the page (titles, names, commit messages, log text), removed first.

    Returns:
        The offending fragments, each with a little context, for the assertion message.
    """
    text = _clean(text, data)
    found = []
    if lang == "en":
        for m in _CJK.finditer(text):
            found.append(text[max(0, m.start() - 20):m.end() + 20].replace("\n", " "))
        return found
    for m in _WORD.finditer(text):
        word = m.group(0)
        if word.lower() in ALLOWED_WORDS:
            continue
        found.append(f"{word!r} in …{text[max(0, m.start() - 25):m.end() + 25]}…".replace("\n", " "))
    return found
