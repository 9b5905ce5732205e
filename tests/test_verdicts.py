"""Verdicts on incidents shaped like real ones: app code from the repo, location ranking, change links, modes.

Each test builds a small real Git repository and log in a temporary folder, runs ingest → fusion → the
offline debate, and checks what an SRE lead would check: the file and commit the ruling names, and that no
commit is convicted when none is to blame.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import git
import pytest

from core.bundle import load_bundle
from core.config import Settings
from core.pipeline import (
    fuse,
    ingest_bundle,
    open_incident,
    run_debate,
    set_in_app_rules,
)
from core.schema import Judgment
from core.store import Store
from tests.conftest import _commit

ZONE = timezone(timedelta(hours=-5))  # west of UTC on purpose
START = datetime(2026, 3, 10, 9, 30, tzinfo=ZONE)

GUARD = """\
package org.lumen.text;

public final class Checks {
    private Checks() {}

    public static String requireText(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return value;
    }
}
"""
LABEL = """\
package org.lumen.text;

public class Label {
    private final String name;

    public Label(String name) {
        this.name = Checks.requireText(name, "name");
    }

    public String name() {
        return name;
    }
}
"""
READER = """\
package org.lumen.text;

public class LabelReader {
    public Label read(String line) {
        String key = line.substring(0, line.indexOf('='));
        return new Label(key.trim());
    }
}
"""
POOL_YML = """\
spring:
  datasource:
    hikari:
      maximum-pool-size: 20
      connection-timeout: 3000
"""


@dataclass
class Case:
    root: Path
    shas: dict[str, str] = field(default_factory=dict)


def _bundle(tmp: Path, log_lines: list[str], history: list[tuple[dict[str, str], str, timedelta, str]],
            *, extra: dict[str, str] | None = None) -> Case:
    root = tmp / "bundle"
    (root / "runtime").mkdir(parents=True)
    (root / "incident.yaml").write_text(textwrap.dedent(f"""\
        title: Label import fails
        severity: high
        started_at: "{START.isoformat()}"
        service: label-service
        language: en
        """), encoding="utf-8")
    repo = git.Repo.init(root / "repo", initial_branch="main")
    case = Case(root)
    for files, message, before, author in history:
        case.shas[message] = _commit(repo, files, message, START - before, author)
    for rel, text in (extra or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "runtime" / "app.log").write_text("\n".join(log_lines) + "\n", encoding="utf-8")
    return case


def _log(trace: list[str], *, n: int = 30, quiet_minutes: int = 60, message: str = "Import failed") -> list[str]:
    out = []
    t = START - timedelta(minutes=quiet_minutes + 20)
    for i in range(quiet_minutes):
        out.append(f"{t:%Y-%m-%d %H:%M:%S}.000 INFO [main] [] o.l.text.Importer - imported batch {i}")
        t += timedelta(minutes=1)
    for i in range(n):
        out.append(f"{t:%Y-%m-%d %H:%M:%S}.000 ERROR [worker-{i % 4}] [] o.l.text.Importer - {message}")
        out.extend(trace)
        t += timedelta(seconds=20)
    return out


def _rule(store: Store, settings: Settings, case: Case) -> tuple[Judgment, object]:
    bundle = load_bundle(case.root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    ctx = fuse(store, settings, incident.id)
    judgment = None
    for event in run_debate(store, settings, incident.id, "offline"):
        if event.type == "judgment":
            judgment = event.judgment  # type: ignore[union-attr]
    assert judgment is not None
    return judgment, ctx


TRACE_GUARD = [
    "java.lang.IllegalArgumentException: name must not be empty",
    "\tat org.lumen.text.Checks.requireText(Checks.java:8)",
    "\tat org.lumen.text.Label.<init>(Label.java:7)",
    "\tat org.lumen.text.LabelReader.read(LabelReader.java:6)",
    "\tat junit.framework.TestCase.runTest(TestCase.java:176)",
    "\tat org.apache.tools.ant.taskdefs.optional.junit.JUnitTestRunner.run(JUnitTestRunner.java:520)",
]


def test_app_code_comes_from_the_repository_not_a_package_list(
    tmp_path: Path, store: Store, settings: Settings,
) -> None:
    """An `org.*` codebase is app code because its classes are in the repo; JUnit and Ant frames are not."""
    case = _bundle(tmp_path, _log(TRACE_GUARD), [
        ({"src/main/java/org/lumen/text/Checks.java": GUARD, "src/main/java/org/lumen/text/Label.java": LABEL,
          "src/main/java/org/lumen/text/LabelReader.java": READER}, "Label import", timedelta(days=200), "Ana Ruiz")])
    judgment, ctx = _rule(store, settings, case)
    frames = ctx.top_group.frames  # type: ignore[attr-defined]
    assert {f.class_name for f in frames} == {"org.lumen.text.Checks", "org.lumen.text.Label",
                                              "org.lumen.text.LabelReader"}
    # The guard reports a bad value; blame goes to the more specific code that handed it over.
    assert frames[0].class_name != "org.lumen.text.Checks"
    assert any("guard" in w for f in frames for w in f.why)
    assert judgment.root_cause_location is not None
    assert judgment.root_cause_location.file != "src/main/java/org/lumen/text/Checks.java"
    assert judgment.suspect_commit is None  # the code is 200 days old: no change is to blame
    assert judgment.confidence < 0.8


def test_user_in_app_rules_win_over_the_repository(tmp_path: Path, store: Store, settings: Settings) -> None:
    case = _bundle(tmp_path, _log(TRACE_GUARD), [
        ({"src/main/java/org/lumen/text/Checks.java": GUARD, "src/main/java/org/lumen/text/Label.java": LABEL,
          "src/main/java/org/lumen/text/LabelReader.java": READER}, "Label import", timedelta(days=200), "Ana Ruiz")])
    bundle = load_bundle(case.root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    set_in_app_rules(store, incident.id, [], ["org.lumen.text.Label"])
    ctx = fuse(store, settings, incident.id)
    assert "org.lumen.text.Label" not in {f.class_name for f in ctx.top_group.frames}  # type: ignore[union-attr]
    assert store.in_app_rules(incident.id) == ([], ["org.lumen.text.Label"])


def test_a_change_upstream_of_the_failure_is_convicted(tmp_path: Path, store: Store, settings: Settings) -> None:
    """The reader changed how it splits lines yesterday; the value fails later, in a guard: the change is guilty."""
    broken = READER.replace("line.substring(0, line.indexOf('='))",
                            "line.substring(line.indexOf('=') + 1, line.indexOf('='))")
    case = _bundle(tmp_path, _log(TRACE_GUARD), [
        ({"src/main/java/org/lumen/text/Checks.java": GUARD, "src/main/java/org/lumen/text/Label.java": LABEL,
          "src/main/java/org/lumen/text/LabelReader.java": READER, "README.md": "# lumen\n"}, "Label import",
         timedelta(days=200), "Ana Ruiz"),
        ({"README.md": "# lumen\n\nHow to import labels.\n"}, "Document imports", timedelta(days=3), "Bo Lind"),
        ({"src/main/java/org/lumen/text/LabelReader.java": broken}, "Read the value side of label lines",
         timedelta(hours=20), "Chen Hui"),
        ({"README.md": "# lumen\n\nHow to import labels.\nFAQ.\n"}, "FAQ", timedelta(hours=5), "Bo Lind"),
    ])
    judgment, ctx = _rule(store, settings, case)
    guilty = case.shas["Read the value side of label lines"]
    assert judgment.suspect_commit is not None and judgment.suspect_commit.sha == guilty
    assert judgment.root_cause_location is not None
    assert judgment.root_cause_location.file == "src/main/java/org/lumen/text/LabelReader.java"
    kinds = {e.kind for e in judgment.evidence_chain}
    assert {"commit", "change_link"} <= kinds
    docs = next(s for s in ctx.suspects if s.sha == case.shas["FAQ"]) if any(
        s.sha == case.shas["FAQ"] for s in ctx.suspects) else None
    assert docs is None or not docs.guilty


def test_configuration_change_linked_to_pool_exhaustion(tmp_path: Path, store: Store, settings: Settings) -> None:
    """Nothing on the stack changed; the pool size was cut the day before and the pool ran dry."""
    trace = [
        "org.springframework.jdbc.CannotGetJdbcConnectionException: Failed to obtain JDBC Connection",
        "\tat org.springframework.jdbc.datasource.DataSourceUtils.getConnection(DataSourceUtils.java:84)",
        "\tat org.lumen.text.LabelReader.read(LabelReader.java:5)",
        ("Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, "
        "request timed out after 3000ms."),
        "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)",
        "\t... 12 more",
    ]
    case = _bundle(tmp_path, _log(trace, message="Request failed"), [
        ({"src/main/java/org/lumen/text/LabelReader.java": READER, "src/main/java/org/lumen/text/Label.java": LABEL,
          "src/main/java/org/lumen/text/Checks.java": GUARD, "src/main/resources/application.yml": POOL_YML},
         "Service", timedelta(days=90), "Ana Ruiz"),
        ({"src/main/resources/application.yml": POOL_YML.replace("maximum-pool-size: 20", "maximum-pool-size: 2")},
         "Trim datasource settings for the smaller instance type", timedelta(hours=26), "Dev Patel"),
    ])
    judgment, _ = _rule(store, settings, case)
    assert judgment.suspect_commit is not None
    assert judgment.suspect_commit.sha == case.shas["Trim datasource settings for the smaller instance type"]
    assert judgment.root_cause_location is not None
    assert judgment.root_cause_location.file == "src/main/resources/application.yml"
    assert "pool" in judgment.root_cause.lower()


def test_no_commit_is_convicted_for_a_downstream_outage(tmp_path: Path, store: Store, settings: Settings) -> None:
    trace = [
        ("org.springframework.web.client.ResourceAccessException: I/O error on GET request for "
        "\"http://dictionary/api/terms\": Read timed out"),
        "\tat org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:785)",
        "\tat org.lumen.text.LabelReader.read(LabelReader.java:5)",
        "Caused by: java.net.SocketTimeoutException: Read timed out",
        "\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)",
        "\t... 20 more",
    ]
    case = _bundle(tmp_path, _log(trace, message="Lookup failed"), [
        ({"src/main/java/org/lumen/text/LabelReader.java": READER, "README.md": "# lumen\n"}, "Service",
         timedelta(days=40), "Ana Ruiz"),
        ({"README.md": "# lumen\n\nRunbook.\n"}, "Runbook", timedelta(hours=8), "Bo Lind"),
    ])
    judgment, _ = _rule(store, settings, case)
    assert judgment.suspect_commit is None
    assert not judgment.rollback_recommended
    assert "downstream" in judgment.root_cause.lower()


def test_unknown_mechanism_is_said_not_borrowed(tmp_path: Path, store: Store, settings: Settings) -> None:
    trace = ["org.lumen.text.ImportRefusedException: batch 7 refused",
             "\tat org.lumen.text.LabelReader.read(LabelReader.java:5)"]
    case = _bundle(tmp_path, _log(trace), [
        ({"src/main/java/org/lumen/text/LabelReader.java": READER}, "Service", timedelta(days=40), "Ana Ruiz")])
    judgment, _ = _rule(store, settings, case)
    text = judgment.root_cause.lower()
    assert "does not show how it fails" in text
    assert "lock" not in text and "pool" not in text
    assert judgment.confidence < 0.5 and judgment.missing


@pytest.mark.parametrize("name", ["core"])
def test_core_names_no_corpus_or_demo_identifier(name: str) -> None:
    """Rules hold for code nobody here wrote: product code names no package, class or team of a corpus."""
    banned = ("com.acme", "acme/", "inventoryservice", "org.jsoup", "com.google.gson", "org.joda", "commons.codec",
              "jackson.core", "petclinic", "macrozheng", "org.lumen", "jsonpointer", "iso8601utils", "tokenqueue")
    root = Path(__file__).resolve().parents[1] / name
    hits = []
    for path in root.rglob("*.py"):
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith("#"):
                continue
            low = stripped.lower()
            hits += [f"{path.relative_to(root.parent)}:{no}: {word}" for word in banned if word in low]
    assert not hits, hits
