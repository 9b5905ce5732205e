"""Bundles: incident.yaml validation and safe extraction of uploaded archives."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from core.bundle import extract_archive, load_bundle, parse_incident_yaml
from core.errors import BundleError
from tests.conftest import MiniBundle

GOOD = "title: t\nseverity: high\nstarted_at: '2026-11-20T14:05:00+08:00'\nservice: svc\n"


def test_bundle_lists_assets_by_kind(mini_bundle: MiniBundle) -> None:
    bundle = load_bundle(mini_bundle.root)
    assert [p.name for p in bundle.logs] == ["app.log"]
    assert bundle.repo == mini_bundle.root / "repo"
    assert [p.name for p in bundle.design] == ["CODEOWNERS"]
    assert bundle.draft.title == "Checkout fails" and bundle.draft.i18n["zh"]["title"] == "下单失败"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "must be a mapping"),
        ("title: t\nseverity: high\nservice: svc\n", "missing required field"),
        (GOOD.replace("high", "apocalyptic"), "'severity' is invalid"),
        (GOOD.replace("+08:00", ""), "time zone"),
        (GOOD.replace("'2026-11-20T14:05:00+08:00'", "yesterday"), "not ISO 8601"),
        (GOOD.replace("'2026-11-20T14:05:00+08:00'", "2026-11-20"), "needs a time and a zone"),
        ("title: {fr: x}\nseverity: high\nstarted_at: '2026-11-20T14:05:00+08:00'\nservice: s\n", "zh/en"),
    ],
)
def test_malformed_incident_yaml_says_what_to_fix(text: str, message: str) -> None:
    with pytest.raises(BundleError, match=message):
        parse_incident_yaml(text)


def _bundle_with_logs(root: Path, log_format: str) -> Path:
    (root / "runtime").mkdir(parents=True)
    (root / "runtime" / "app.log").write_text("2026-11-20 14:05:10.000 ERROR [main] c.a.Order - failed\n")
    (root / "runtime" / "gateway-access.log").write_text(
        '10.0.0.1 - - [20/Nov/2026:14:05:10 +0800] "GET / HTTP/1.1" 503 0\n')
    (root / "incident.yaml").write_text(GOOD + log_format, encoding="utf-8")
    return root


def test_incident_yaml_log_format_per_file_then_single_then_auto(tmp_path: Path) -> None:
    mapped = load_bundle(_bundle_with_logs(tmp_path / "a", "log_format:\n  ./runtime/app.log: logback\n"))
    app, gateway = sorted(mapped.logs)
    assert mapped.log_format_for(app) == "logback", "the mapping's key is a path relative to the bundle folder"
    assert mapped.log_format_for(gateway) == "auto", "a log the mapping leaves out is detected"
    assert mapped.log_format_for(app, "json-lines") == "json-lines", "a format chosen for the run beats the yaml"
    assert mapped.log_format_for(app, "auto") == "logback", "choosing auto for the run keeps the yaml's choice"
    single = load_bundle(_bundle_with_logs(tmp_path / "b", "log_format: Logback\n"))
    assert {single.log_format_for(p) for p in single.logs} == {"logback"}
    plain = load_bundle(_bundle_with_logs(tmp_path / "c", ""))
    assert {plain.log_format_for(p) for p in plain.logs} == {"auto"}


@pytest.mark.parametrize(
    ("log_format", "message"),
    [
        ("log_format: xml\n", r"log_format 'xml' is not a log format; use one of: auto, json-lines, .*logback"),
        ("log_format:\n  runtime/app.log: log4j-xml\n",
         r"log_format of runtime/app.log 'log4j-xml' is not a log format"),
        ("log_format: [logback]\n", "must be a format name, or a mapping"),
        ("log_format:\n  runtime/ap.log: logback\n",
         r"names runtime/ap.log, which is not a log of this bundle.*runtime/app.log"),
    ],
)
def test_bad_log_format_in_incident_yaml_says_what_is_allowed(tmp_path: Path, log_format: str, message: str) -> None:
    with pytest.raises(BundleError, match=message):
        load_bundle(_bundle_with_logs(tmp_path, log_format))


def test_parse_incident_yaml_checks_log_format_too() -> None:
    with pytest.raises(BundleError, match="'xml' is not a log format"):
        parse_incident_yaml(GOOD + "log_format: xml\n")


def test_folder_without_incident_yaml(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match=r"no incident\.yaml"):
        load_bundle(tmp_path)


def _zip(entries: dict[str, bytes], links: tuple[str, ...] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777 << 16)
            archive.writestr(info, "/etc/passwd")
    return buf.getvalue()


def test_zip_extracts_into_its_folder_and_finds_the_root(tmp_path: Path) -> None:
    data = _zip({"incident-42/incident.yaml": GOOD.encode(), "incident-42/runtime/app.log": b"x"})
    root = extract_archive(data, tmp_path / "out")
    assert root == tmp_path / "out" / "incident-42"
    assert load_bundle(root).draft.service == "svc"


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil.txt", "a/../../evil.txt", "C:/evil.txt"])
def test_zip_with_escaping_paths_is_refused_and_nothing_written(tmp_path: Path, name: str) -> None:
    data = _zip({"incident.yaml": GOOD.encode(), name: b"boom"})
    with pytest.raises(BundleError, match="outside its folder"):
        extract_archive(data, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "evil.txt").exists()


def test_zip_with_a_link_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="link"):
        extract_archive(_zip({"incident.yaml": GOOD.encode()}, links=("passwd",)), tmp_path / "out")


def test_tar_with_escaping_path_is_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as archive:
        info = tarfile.TarInfo("../escape.txt")
        info.size = 4
        archive.addfile(info, io.BytesIO(b"boom"))
    with pytest.raises(BundleError, match="outside its folder"):
        extract_archive(buf.getvalue(), tmp_path / "out")


def test_limits_empty_and_garbage(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="empty"):
        extract_archive(b"", tmp_path / "a")
    with pytest.raises(BundleError, match="neither a zip nor a tar"):
        extract_archive(b"\x00\x01not an archive", tmp_path / "b")
    with pytest.raises(BundleError, match="more than 2 files"):
        extract_archive(_zip({"incident.yaml": b"a", "b": b"b", "c": b"c"}), tmp_path / "c", max_files=2)
    with pytest.raises(BundleError, match=r"no incident\.yaml"):
        extract_archive(_zip({"readme.txt": b"hi"}), tmp_path / "d")


def test_rotated_and_system_log_names_count_as_logs(tmp_path: Path) -> None:
    root = _bundle_with_logs(tmp_path / "b", "")
    for name in ("app.log.1", "app.log.2.gz", "syslog", "messages.1", "access_log", "error_log", "catalina.out"):
        (root / "runtime" / name).write_text("Nov 20 14:05:10 h app[1]: x\n", encoding="utf-8")
    (root / "runtime" / "notes.md").write_text("# not a log\n", encoding="utf-8")
    names = {p.name for p in load_bundle(root).logs}
    assert names == {"app.log", "gateway-access.log", "app.log.1", "app.log.2.gz", "syslog", "messages.1",
                     "access_log", "error_log", "catalina.out"}
