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


def test_folder_without_incident_yaml(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="no incident.yaml"):
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
    with pytest.raises(BundleError, match="no incident.yaml"):
        extract_archive(_zip({"readme.txt": b"hi"}), tmp_path / "d")
