"""Reports: Markdown in both languages and lossless JSON, built from what the store holds."""

from __future__ import annotations

import json

import pytest

from core.bundle import load_bundle
from core.config import Settings
from core.errors import ReportError
from core.pipeline import fuse, ingest_bundle, open_incident, run_debate
from core.report import build_report, cli_payload, render_json, render_markdown
from core.schema import ReportData
from core.store import Store
from tests.conftest import MiniBundle


@pytest.fixture
def debate_id(store: Store, settings: Settings, mini_bundle: MiniBundle) -> str:
    bundle = load_bundle(mini_bundle.root)
    incident = open_incident(store, bundle.draft)
    ingest_bundle(store, settings, incident, bundle)
    fuse(store, settings, incident.id)
    return list(run_debate(store, settings, incident.id))[-1].debate_id


def test_markdown_has_every_section_and_resolvable_chain(store: Store, debate_id: str, mini_bundle: MiniBundle) -> None:
    report = build_report(store, debate_id)
    md = render_markdown(report, "en")
    for heading in ("## Root cause", "## Fix", "## Impact", "## Evidence chain", "## Timeline", "## Debate",
                    "## Hypotheses rejected"):
        assert heading in md
    assert mini_bundle.bug_sha in md and "@acme/stock-team" in md
    ledger = {e.id for e in report.evidence}
    assert report.judgment.evidence_chain and all(e.id in ledger for e in report.judgment.evidence_chain)
    zh = render_markdown(report, "zh")
    assert "## 根因" in zh and "## 证据链" in zh and "下单失败" in zh


def test_json_round_trips(store: Store, debate_id: str) -> None:
    report = build_report(store, debate_id)
    again = ReportData.model_validate_json(render_json(report))
    assert again.judgment == report.judgment and len(again.turns) == len(report.turns)


def test_cli_payload_shape(store: Store, debate_id: str) -> None:
    info = store.get_debate(debate_id)
    payload = cli_payload(info.incident_id, info, store.get_judgment(debate_id), store.list_turns(debate_id))  # type: ignore[arg-type]
    assert set(payload) == {"incident_id", "brain", "brain_turns", "judgment", "debate", "redactions"}
    assert set(payload["judgment"]) == {
        "root_cause", "root_cause_location", "suspect_commit", "evidence_chain", "fix_suggestion", "impact_analysis",
        "risk_level", "rollback_recommended", "responsible_team", "confidence", "abstained", "hypothesis_id", "checks"}
    assert json.dumps(payload)


def test_no_ruling_no_report(store: Store, settings: Settings, mini_bundle: MiniBundle) -> None:
    bundle = load_bundle(mini_bundle.root)
    incident = open_incident(store, bundle.draft)
    debate = store.create_debate(incident.id, "offline")
    with pytest.raises(ReportError, match="no ruling"):
        build_report(store, debate.id)


def test_fixed_labels_and_times_follow_the_report_language_with_the_zone(store: Store, debate_id: str) -> None:
    incident = store.get_incident(store.get_debate(debate_id).incident_id)
    zone = f"UTC{incident.started_at:%z}"
    zone = "UTC" if zone == "UTC+0000" else f"{zone[:6]}:{zone[6:]}"
    zh = render_markdown(build_report(store, debate_id, "zh"), "zh")
    en = render_markdown(build_report(store, debate_id, "en"), "en")
    assert f"## 时间线 ({zone})" in zh and f"## Timeline ({zone})" in en
    assert f"| 开始时间 | {incident.started_at:%Y-%m-%d %H:%M:%S} {zone} |" in zh
    assert incident.started_at.isoformat() not in zh
    assert "事件报告的开始时间" in zh and "Incident reported start" not in zh and "— Ruling" not in zh
    assert "Incident reported start" in en and "事件报告的开始时间" not in en
    severity = {"critical": "P0 致命", "high": "P1 严重", "medium": "P2 一般", "low": "P3 轻微"}[incident.severity]
    assert f"| 严重级别 | {severity} |" in zh and f"| Severity | {incident.severity.capitalize()} |" in en
    generated = zh.rsplit("生成于 ", 1)[1]
    assert zone in generated.split("·")[0]


def test_templates_in_the_markdown_keep_their_wildcards(store: Store, debate_id: str) -> None:
    md = render_markdown(build_report(store, debate_id, "en"), "en")
    assert "<*>" not in md.replace("<\\*>", "")  # every template wildcard is escaped, so no renderer italicises it
