"""The demo incident bundle: built deterministically, internally consistent, and matching its answer key."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import git
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "data" / "build_demo.py"
ANSWER_KEY = ROOT / "data" / "demo" / "answer_key.json"

HEAD_LINE = re.compile(
    r"^(?P<ts>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}) (?P<level>TRACE|DEBUG|INFO|WARN|ERROR) +"
    r"\[(?P<thread>[^\]]+)\] \[(?P<trace>[0-9a-f]{32}|-)\] (?P<logger>\S+) - (?P<message>.*)$"
)
FRAME = re.compile(r"^\tat (?:[\w.]+/)*(?P<cls>[\w.$]+)\.(?P<method>[\w$<>]+)\((?P<where>[^)]*)\)$")
IN_APP_WHERE = re.compile(r"^(?P<file>\w+\.java):(?P<line>\d+)$")
JAVA = "src/main/java/"


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_demo", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def builder():
    return _load_builder()


@pytest.fixture(scope="module")
def bundle(builder, tmp_path_factory) -> Path:
    return builder.build_demo_bundle(tmp_path_factory.mktemp("demo") / "bundle")


@pytest.fixture(scope="module")
def key(builder, bundle) -> dict:
    return builder.answer_key(bundle, builder.PLAN_PATH)


@pytest.fixture(scope="module")
def repo(bundle):
    handle = git.Repo(bundle / "repo")
    yield handle
    handle.close()


@pytest.fixture(scope="module")
def log_records(bundle) -> list[dict]:
    """Log events with their continuation lines (stack traces) attached."""
    records: list[dict] = []
    log_text = (bundle / "runtime" / "order-service.log").read_text(encoding="utf-8")
    for number, line in enumerate(log_text.splitlines(), 1):
        match = HEAD_LINE.match(line)
        if match:
            records.append({**match.groupdict(), "line_no": number, "trace_lines": []})
        else:
            assert records, f"line {number} continues nothing: {line!r}"
            records[-1]["trace_lines"].append(line)
    return records


def _sections(trace_lines: list[str]) -> list[list[tuple[str, str, str]]]:
    """Frames of each exception in a printed chain (outer first), as (class, method, where)."""
    sections: list[list[tuple[str, str, str]]] = []
    for line in trace_lines:
        frame = FRAME.match(line)
        if frame:
            sections[-1].append((frame["cls"], frame["method"], frame["where"]))
        elif re.match(r"^\t\.\.\. \d+ more$", line):
            continue
        else:
            assert re.match(r"^(Caused by: )?[\w.$]+(: .*)?$", line), f"not a stack trace line: {line!r}"
            sections.append([])
    return sections


def _file_at(repo: git.Repo, sha: str, path: str) -> list[str]:
    return (repo.commit(sha).tree / path).data_stream.read().decode("utf-8").splitlines()


def _started_at(key: dict) -> datetime:
    return datetime.fromisoformat(key["incident_started_at"])


# --- format and determinism -------------------------------------------------------------------------

def test_incident_yaml_has_the_documented_fields(bundle):
    incident = yaml.safe_load((bundle / "incident.yaml").read_text(encoding="utf-8"))
    assert incident["severity"] in {"critical", "high", "medium", "low"}
    assert incident["service"] == "order-service"
    assert incident["language"] in {"zh", "en"}
    started = datetime.fromisoformat(str(incident["started_at"]))
    assert started.utcoffset() == timedelta(hours=8)
    for field in ("title", "description"):
        value = incident[field]
        assert isinstance(value, str) or (set(value) == {"zh", "en"} and all(v.strip() for v in value.values()))
    for folder in ("runtime", "repo/.git", "design"):
        assert (bundle / folder).is_dir()


def test_two_builds_are_identical(builder, bundle, tmp_path):
    """Shas, tags and every generated file are the same on every build (second build via the CLI)."""
    other = tmp_path / "again"
    subprocess.run([sys.executable, str(SCRIPT), str(other)], check=True, capture_output=True, cwd=tmp_path)

    def refs(path: Path) -> str:
        return subprocess.run(["git", "for-each-ref", "--format=%(objectname) %(refname)"], cwd=path,
                              check=True, capture_output=True, text=True).stdout

    assert refs(bundle / "repo") == refs(other / "repo")
    assert "refs/tags/v1.7.0" in refs(other / "repo")
    generated = sorted(p.relative_to(bundle) for p in bundle.rglob("*") if p.is_file() and "repo" not in p.parts)
    assert generated == sorted(p.relative_to(other) for p in other.rglob("*") if p.is_file() and "repo" not in p.parts)
    for relative in generated:
        assert (bundle / relative).read_bytes() == (other / relative).read_bytes(), relative


def test_build_is_idempotent_and_leaves_no_half_built_folder(builder, bundle):
    marker = (bundle / "incident.yaml").stat().st_mtime_ns
    started = time.perf_counter()
    assert builder.build_demo_bundle(bundle) == bundle
    assert time.perf_counter() - started < 0.5
    assert (bundle / "incident.yaml").stat().st_mtime_ns == marker
    assert not [p for p in bundle.parent.iterdir() if p.name.startswith(".")]


def test_force_rebuilds_in_place(builder, tmp_path):
    target = builder.build_demo_bundle(tmp_path / "b")
    (target / "runtime" / "order-service.log").write_text("garbage", encoding="utf-8")
    builder.build_demo_bundle(target, force=True)
    assert (target / "runtime" / "order-service.log").read_text(encoding="utf-8").startswith("2026-11-20 ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]


def test_repo_works_without_a_global_git_identity(repo):
    with repo.config_reader("repository") as config:
        assert config.get_value("user", "name")
        assert config.get_value("user", "email")
    assert not repo.is_dirty(untracked_files=True)
    assert repo.active_branch.name == "main"


def test_committed_answer_key_matches_the_build(key):
    assert json.loads(ANSWER_KEY.read_text(encoding="utf-8")) == key


# --- the root cause and the commits around it ------------------------------------------------------

def test_root_cause_line_is_the_lock_call_introduced_by_the_bug_commit(repo, key):
    bug = repo.commit(key["bug_commit_sha"])
    line = _file_at(repo, bug.hexsha, key["root_cause_file"])[key["root_cause_line"] - 1]
    assert "findBySkuForUpdate(" in line and line.strip() == key["root_cause_code"]
    parent_text = "\n".join(_file_at(repo, bug.parents[0].hexsha, key["root_cause_file"]))
    assert "findBySkuForUpdate" not in parent_text
    assert key["release_tag"] in {t.name for t in repo.tags if t.commit == bug}
    before = _started_at(key) - bug.authored_datetime
    assert timedelta(hours=1) <= before <= timedelta(hours=3)


def test_blame_before_the_incident_points_at_the_bug_commit(repo, key):
    head = key["head_before_incident_sha"]
    assert repo.commit(head).authored_datetime < _started_at(key)
    later = [c for c in repo.iter_commits("main") if c.authored_datetime < _started_at(key)]
    assert max(later, key=lambda c: c.authored_datetime).hexsha == head
    line = key["root_cause_line"]
    porcelain = repo.git.blame("-L", f"{line},{line}", "--porcelain", head, "--", key["root_cause_file"])
    assert porcelain.split()[0] == key["bug_commit_sha"]


def test_distractor_commits(repo, key):
    started = _started_at(key)
    near, *after = key["distractor_commits"]
    near_commit = repo.commit(near["sha"])
    assert repo.commit(key["bug_commit_sha"]).authored_datetime < near_commit.authored_datetime < started
    assert near["files"] == ["src/main/java/com/acme/shop/order/interfaces/rest/OrderController.java"]
    assert near["files"][0] in {frame["file"] for frame in key["stack_frames"]}
    controller = next(f for f in key["stack_frames"] if f["file"] == near["files"][0])
    diff = near_commit.parents[0].diff(near_commit, create_patch=True, unified=0)[0].diff.decode()
    changed_lines = {int(n) for n in re.findall(r"^@@ -\d+(?:,\d+)? \+(\d+)", diff, re.MULTILINE)}
    assert changed_lines and controller["line"] not in changed_lines
    assert after and all(repo.commit(c["sha"]).authored_datetime > started for c in after)
    assert key["bug_commit_sha"] not in key["distractor_commit_shas"]


def test_responsible_team_comes_from_codeowners(bundle, repo, key):
    design = (bundle / "design" / "CODEOWNERS").read_text(encoding="utf-8")
    in_repo = "\n".join(_file_at(repo, key["head_before_incident_sha"], ".github/CODEOWNERS")) + "\n"
    assert design == in_repo
    inventory_rule = [line.split() for line in design.splitlines()
                      if line.startswith("/src/main/java/com/acme/shop/inventory/")]
    assert inventory_rule == [["/src/main/java/com/acme/shop/inventory/", key["responsible_team"]]]
    assert key["responsible_team"] == "@acme/inventory-team" and key["bounded_context"] == "inventory"


# --- runtime assets agree with the code and with each other -----------------------------------------

def test_log_layout_and_volume(log_records, bundle):
    total = len((bundle / "runtime" / "order-service.log").read_text(encoding="utf-8").splitlines())
    assert 5_000 <= total <= 15_000
    stamps = [r["ts"] for r in log_records]
    assert stamps == sorted(stamps)
    assert stamps[0] >= "2026-11-20 11:00" and stamps[-1] >= "2026-11-20 14:35"
    assert any("\u4e00" <= ch <= "\u9fff" for r in log_records for ch in r["message"])


def test_every_in_app_frame_points_at_a_line_that_makes_the_call(log_records, repo, key):
    """An in-app frame's line calls the method of the frame above it (or throws, when it is the top)."""
    head = key["head_before_incident_sha"]
    checked = 0
    for record in (r for r in log_records if r["trace_lines"]):
        for frames in _sections(record["trace_lines"]):
            for index, (cls, _method, where) in enumerate(frames):
                location = IN_APP_WHERE.match(where)
                if not cls.startswith("com.acme.shop.") or not location:
                    continue
                path = JAVA + cls.split("$")[0].replace(".", "/") + ".java"
                assert path.endswith("/" + location["file"])
                source = _file_at(repo, head, path)
                number = int(location["line"])
                assert 1 <= number <= len(source), f"{path}:{number}"
                text = source[number - 1]
                if index == 0:
                    assert "throw " in text, f"{path}:{number} {text!r}"
                else:
                    callee = frames[index - 1][1]
                    assert f"{callee}(" in text, f"{path}:{number} does not call {callee}: {text!r}"
                checked += 1
    assert checked > 100


def test_lock_timeouts_point_at_the_root_cause(log_records, key):
    expected = [f"{f['symbol']}({f['file'].rsplit('/', 1)[1]}:{f['line']})" for f in key["stack_frames"]]
    failures = [r for r in log_records
                if r["trace_lines"] and r["trace_lines"][0].startswith(key["exception_type"] + ":")]
    assert len(failures) >= 20
    for record in failures:
        in_app = [line.strip()[3:] for line in record["trace_lines"]
                  if line.startswith("\tat com.acme.shop.") and ".java:" in line]
        assert in_app[:3] == expected
        causes = [line.split(":")[1].strip() for line in record["trace_lines"] if line.startswith("Caused by:")]
        assert causes == key["exception_chain"][1:]
        assert record["logger"] == "c.a.s.order.interfaces.rest.OrderController"
        assert record["message"].startswith("Failed to place order for customer ")
    first = min(r["ts"] for r in failures)
    deployed = datetime.fromisoformat(key["deployed_at"]).strftime("%Y-%m-%d %H:%M:%S")
    assert deployed < first < _started_at(key).strftime("%Y-%m-%d %H:%M:%S")


def test_error_lines_have_traces(log_records, bundle):
    spans = [
        span
        for resource in json.loads(
            (bundle / "runtime" / "traces" / "traces.json").read_text(encoding="utf-8"))["resourceSpans"]
        for scope in resource["scopeSpans"]
        for span in scope["spans"]
    ]
    trace_ids = {span["traceId"] for span in spans}
    assert 50 <= len(trace_ids) <= 200
    errors = [r for r in log_records if r["level"] == "ERROR"]
    assert errors and all(r["trace"] in trace_ids for r in errors if r["trace"] != "-")
    by_trace = defaultdict(list)
    for span in spans:
        by_trace[span["traceId"]].append(span)
    lock_spans = [s for s in spans if s["name"] == "SELECT shop.inventory_item" and s["status"].get("code") == 2]
    assert lock_spans
    for span in lock_spans:
        attributes = {a["key"]: a["value"].get("stringValue") for a in span["attributes"]}
        assert attributes["db.statement"].endswith("for update")
        assert (int(span["endTimeUnixNano"]) - int(span["startTimeUnixNano"])) / 1e9 > 49
        names = {s["name"] for s in by_trace[span["traceId"]]}
        assert {"POST /api/orders", "OrderController.create", "InventoryService.reserveStock"} <= names
    for span in spans:
        assert re.fullmatch(r"[0-9a-f]{32}", span["traceId"]) and re.fullmatch(r"[0-9a-f]{16}", span["spanId"])


def test_warn_storm_is_steady_noise_from_hours_before(log_records, key):
    storm = [r for r in log_records if r["message"].startswith("Refresh of dataId=order-service.yaml")]
    assert len(storm) > 500
    first = datetime.strptime(storm[0]["ts"], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=_started_at(key).tzinfo)
    assert _started_at(key) - first > timedelta(hours=2)
    per_hour = defaultdict(int)
    for record in storm:
        per_hour[record["ts"][11:13]] += 1
    assert max(per_hour["12"], per_hour["13"]) - min(per_hour["12"], per_hour["13"]) < 30
    assert max(per_hour.values()) < 300


def test_metrics_show_pool_pressure_but_no_memory_growth(bundle, key):
    rows = list(csv.DictReader((bundle / "runtime" / "metrics" / "jvm-metrics.csv").open(encoding="utf-8")))
    deployed = key["deployed_at"][:19]
    before = [r for r in rows if r["timestamp"][:19] < deployed]
    after = [r for r in rows if r["timestamp"][:19] > deployed]

    def peak(rows: list[dict], column: str) -> float:
        return max(float(r[column]) for r in rows)

    def median(rows: list[dict], column: str) -> float:
        return sorted(float(r[column]) for r in rows)[len(rows) // 2]

    assert peak(after, "hikaricp_connections_active") == peak(after, "hikaricp_connections_max")
    assert peak(after, "hikaricp_connections_pending") > 5 > peak(before, "hikaricp_connections_pending")
    assert peak(after, "jvm_threads_blocked") > 3 * max(1.0, peak(before, "jvm_threads_blocked"))
    # Every order now waits on the warehouse; the lone 5 s PayGate timeout before the deploy is noise.
    assert median(after, "http_server_requests_p99_ms") > 10 * median(before, "http_server_requests_p99_ms")
    assert peak(after, "http_server_requests_p99_ms") > 30_000
    assert peak(after, "jvm_memory_heap_used_mb") < 1.2 * peak(before, "jvm_memory_heap_used_mb")
    prometheus = (bundle / "runtime" / "metrics" / "prometheus.txt").read_text(encoding="utf-8")
    assert "hikaricp_connections_pending" in prometheus


def test_slow_log_shows_long_row_locks_only_after_the_deploy(bundle, key):
    text = (bundle / "runtime" / "sql" / "mysql-slow.log").read_text(encoding="utf-8")
    entries = re.findall(r"# Time: (\S+)\n# User@Host: (\S+).*\n"
                         r"# Query_time: (\S+)  Lock_time: (\S+) .*\n(?:use shop;\n)?"
                         r"SET timestamp=\d+;\n(.*)\n", text)
    assert len(entries) == text.count("# Time:")
    deployed = datetime.fromisoformat(key["deployed_at"])
    locks = [(datetime.fromisoformat(t), float(lock)) for t, _, _, lock, sql in entries
             if sql.endswith("for update;") and "inventory_item" in sql]
    assert locks and all(moment > deployed for moment, _ in locks)
    assert max(lock for _, lock in locks) > 45
    reports = [datetime.fromisoformat(t) for t, user, *_ in entries if user.startswith("report_ro")]
    assert reports and min(reports) < deployed


# --- design assets agree with the code ------------------------------------------------------------------

def test_openapi_lists_exactly_the_controller_endpoints(bundle, repo, key):
    spec = yaml.safe_load((bundle / "design" / "openapi.yaml").read_text(encoding="utf-8"))
    documented = {(method.upper(), path) for path, item in spec["paths"].items() for method in item}
    found = set()
    tree = repo.commit(key["head_before_incident_sha"]).tree
    for blob in tree.traverse():
        if not blob.path.endswith("Controller.java"):
            continue
        source = blob.data_stream.read().decode("utf-8")
        base = re.search(r'@RequestMapping\("([^"]+)"\)', source).group(1)
        for verb, sub in re.findall(r'@(Get|Post|Put|Delete)Mapping(?:\("([^"]*)"\))?', source):
            found.add((verb.upper(), base + (sub or "")))
    assert found == documented


def test_schema_has_a_table_for_every_entity(bundle, repo, key):
    ddl = (bundle / "design" / "schema.sql").read_text(encoding="utf-8")
    tables = set(re.findall(r"CREATE TABLE (\w+)", ddl))
    mapped = set()
    for blob in repo.commit(key["head_before_incident_sha"]).tree.traverse():
        if blob.path.endswith(".java"):
            source = blob.data_stream.read().decode("utf-8")
            mapped |= set(re.findall(r'@(?:Table|CollectionTable)\(name = "(\w+)"', source))
    assert mapped == tables


def test_past_cases_have_front_matter(bundle):
    cases = sorted((bundle / "design" / "cases").glob("*.md"))
    assert len(cases) >= 3
    for case in cases:
        _, front, body = case.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        assert {"id", "date", "title", "root_cause", "services", "tags"} <= set(meta) and body.strip()


def test_ingress_access_log_agrees_with_the_app_access_log(bundle):
    """The ingress sees the same requests as the app's JSON access log: same trace ids, statuses and order."""
    ingress = (bundle / "runtime" / "ingress-nginx-access.log").read_text(encoding="utf-8").splitlines()
    app = [json.loads(line) for line in (bundle / "runtime" / "order-service-json.jsonl").read_text(
        encoding="utf-8").splitlines()]
    line = re.compile(r'^\S+ - - \[(\d\d/Nov/2026:\d\d:\d\d:\d\d \+0800)\] "(\S+) (\S+) HTTP/1\.1" (\d{3}) \d+ "-" '
                      r'"[^"]+" \d+ (\d+\.\d{3}) \[shop-order-service-8080\] \[\] '
                      r'\S+ \d+ \d+\.\d{3} \d{3} ([0-9a-f]{32})$')
    parsed = [line.match(text) for text in ingress]
    assert all(parsed), next(text for text, m in zip(ingress, parsed, strict=True) if m is None)
    by_trace = {m.group(6): m for m in parsed if m}
    assert len(by_trace) == len(app)
    for row in app:
        m = by_trace[row["trace_id"]]
        assert (m.group(2), m.group(3), int(m.group(4))) == (row["http_method"], row["url_path"], row["status"])
    failed = [m for m in parsed if m and m.group(4).startswith("5") and m.group(1) >= "20/Nov/2026:14:01"]
    assert failed, "the ingress must see the 5xx of the incident"
