"""`python -m core report` in all four formats and `python -m core review`, on a real store file, as a user would."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypdf
import pytest

from core import audit
from core.bundle import load_bundle
from core.cli import main
from core.config import Settings
from core.pipeline import fuse, ingest_bundle, open_incident, run_debate
from core.schema import ReportData
from core.store import Store
from tests.conftest import build_mini_bundle

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture
def judged(settings: Settings, tmp_path: Path) -> tuple[str, str]:
    """A zh incident with a ruling in the settings' store file (closed again, as the CLI opens it)."""
    root = build_mini_bundle(tmp_path / "bundle").root
    yaml = root / "incident.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("language: en", "language: zh"), encoding="utf-8")
    store = Store(settings.db_path)
    try:
        bundle = load_bundle(root)
        incident = open_incident(store, bundle.draft)
        ingest_bundle(store, settings, incident, bundle)
        fuse(store, settings, incident.id)
        list(run_debate(store, settings, incident.id))
        info = store.latest_debate(incident.id)
        root_cause = store.get_judgment(info.id).root_cause  # type: ignore[union-attr]
    finally:
        store.close()
    return incident.id, root_cause


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_report_in_four_formats(judged: tuple[str, str], settings: Settings, tmp_path: Path) -> None:
    incident_id, root_cause = judged
    out = {fmt: tmp_path / "out" / f"report.{fmt}" for fmt in ("md", "html", "json", "pdf")}
    for fmt, path in out.items():
        assert main(["report", incident_id, "--format", fmt, "--out", str(path)]) == 0, fmt

    md = out["md"].read_text(encoding="utf-8")
    assert md.startswith("# 事后复盘: 下单失败") and "## 根因" in md and "## 后续行动" in md and "## 审核" in md
    assert "草稿" in md  # every ruling starts as a draft
    # the chart, in words
    assert re.search(r"^- 每分钟错误日志数: 0 至 \d+，最高于 2026-11-20 \d\d:\d\d:\d\d", md, re.M)

    html = out["html"].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "<style>" in html
    for outside in ("<link", "<script", "src=", "@import", "url("):  # self-contained: nothing to fetch
        assert outside not in html, outside
    assert _squash(root_cause)[:40] in _squash(re.sub(r"<[^>]+>", "", html).replace("&#34;", '"'))

    data = ReportData.model_validate_json(out["json"].read_text(encoding="utf-8"))
    assert data.incident.id == incident_id and data.review is not None and data.review.state == "draft"
    assert data.follow_ups and data.judgment.root_cause == root_cause

    pdf = out["pdf"].read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(out["pdf"]).pages)
    assert _squash(root_cause)[:40] in _squash(text)  # the root cause, as written, survives into the PDF's text
    for zh in ("事后复盘", "下单失败", "根因", "证据链", "时间线", "后续行动"):
        assert zh in text, zh  # Chinese glyphs, not boxes: the text layer holds the characters

    store = Store(settings.db_path)
    try:
        exports = audit.list_events(store, action=audit.Action.EXPORT, incident_id=incident_id)
    finally:
        store.close()
    assert sorted(e.detail["format"] for e in exports) == ["html", "json", "md", "pdf"]
    assert all(e.actor == audit.cli_actor() for e in exports)


def test_report_in_the_language_picked(judged: tuple[str, str], tmp_path: Path) -> None:
    incident_id, _ = judged
    path = tmp_path / "en.md"
    assert main(["report", incident_id, "--format", "md", "--lang", "en", "--out", str(path)]) == 0
    md = path.read_text(encoding="utf-8")
    assert md.startswith("# Post-mortem: Checkout fails") and "## Root cause" in md and "## 根因" not in md


def test_report_bad_input_is_one_line_and_exit_2(judged: tuple[str, str], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    incident_id, _ = judged
    assert main(["report", "INC-nope", "--format", "md"]) == 2
    assert "No incident 'INC-nope'" in capsys.readouterr().err
    assert main(["report", incident_id, "--format", "pdf"]) == 2
    assert "--out" in capsys.readouterr().err
    assert main(["report", incident_id, "--format", "md", "--out", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_review_cli_prints_the_state_and_decides(judged: tuple[str, str], settings: Settings,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    incident_id, _ = judged
    assert main(["review", incident_id, "--json"]) == 0
    state = json.loads(capsys.readouterr().out)
    assert state["state"] == "draft" and state["needs_approval"]  # the mini incident's ruling is high risk
    assert main(["review", incident_id, "--finalize"]) == 2
    assert "approver must" in capsys.readouterr().err
    assert main(["review", incident_id, "--reject"]) == 2
    assert "--reason" in capsys.readouterr().err
    assert main(["review", incident_id, "--approve", "--json"]) == 0
    decided = json.loads(capsys.readouterr().out)
    assert decided["state"] == "final" and decided["decided_by"] == audit.cli_actor()
    assert main(["review", incident_id]) == 0
    assert "final" in capsys.readouterr().out

    store = Store(settings.db_path)
    try:
        [row] = audit.list_events(store, action=audit.Action.REVIEW, incident_id=incident_id)
    finally:
        store.close()
    assert row.detail["decision"] == "approve" and row.actor == audit.cli_actor()


def test_pdf_without_weasyprint_says_what_to_install(judged: tuple[str, str], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    incident_id, _ = judged
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` raises ImportError, as when absent
    assert main(["report", incident_id, "--format", "pdf", "--out", str(tmp_path / "r.pdf")]) == 2
    err = capsys.readouterr().err
    assert "Pango" in err and "HTML" in err and not (tmp_path / "r.pdf").exists()
    assert main(["report", incident_id, "--format", "html", "--out", str(tmp_path / "r.html")]) == 0  # HTML still works
