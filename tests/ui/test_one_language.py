"""The intake page speaks one language: no English words in the Chinese UI, no Chinese in the English UI."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from app.state import Keys
from tests.ui.support import new_app, no_exception

# Names and formats that are the same in both languages.
_ALLOWED = {"sre", "tribunal", "openai", "git", "jvm", "sql", "api", "markdown", "openapi", "ddl", "json", "utc", "zip",
            "tar", "gz", "incident", "yaml", "runtime", "repo", "design", "order", "service", "log_format", "auto",
            "blame", "logback", "log4j", "nginx", "access", "jsonl", "http", "uri", "p99", "apache", "combined",
            "syslog", "mysql", "slow", "docker", "kubernetes", "spring", "boot", "python", "klog", "glog", "iso",
            "gelf", "ecs", "otel", "nacos", "hikari", "trace", "logfmt", "tomcat", "plain", "text", "jul", "java",
            "default"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _shown(at: AppTest) -> str:
    """The main area's text and widget labels; log-format names are identifiers, the same in both languages."""
    main = at.main
    parts = [str(el.value) for group in (main.title, main.header, main.subheader, main.markdown, main.caption,
                                         main.info, main.warning, main.error) for el in group]
    for group in (main.selectbox, main.radio, main.text_input, main.text_area, main.date_input, main.time_input,
                  main.button, main.multiselect, main.slider):
        for w in group:
            parts.append(str(w.label))
            parts.append(str(getattr(w, "help", "") or ""))
            parts.append(str(getattr(w, "placeholder", "") or ""))
            options = getattr(w, "options", None)
            if options and "log_format" not in str(getattr(w, "key", "")):
                parts += [str(o) for o in options]
    return "\n".join(parts)


def test_intake_in_chinese_has_no_english_words(ui_home: Path) -> None:
    at = new_app()
    at.session_state[Keys.LANG] = "zh"
    at.run()
    no_exception(at)
    shown = re.sub(r":material/[a-z_]+:", "", _shown(at))
    words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z_]{2,}", shown)}
    left = sorted(words - _ALLOWED)
    assert not left, " ".join(left)


def test_intake_in_english_has_no_chinese(ui_home: Path) -> None:
    at = new_app().run()
    no_exception(at)
    assert not _CJK.search(_shown(at)), _CJK.findall(_shown(at))[:20]
