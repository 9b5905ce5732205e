"""Case library: LanceDB in tmp_path, offline embeddings, zh and en queries find the pool-exhaustion case."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from core._cases_embed import DIM, concepts, embed
from core.cases import (
    add_case_files,
    add_finished_analysis,
    library_size,
    parse_case,
    similar_cases,
)
from core.config import Settings
from core.errors import IngestError
from core.schema import EvidenceRef, Incident, Judgment

CASES = Path(__file__).resolve().parent.parent / "data/demo/design/cases"
POOL_CASE = "INC-2025-1111"


@pytest.fixture
def library(settings: Settings) -> Settings:
    added, failed = add_case_files(settings, sorted(CASES.glob("*.md")), CASES.parent.parent)
    assert added == 4 and failed == {}
    return settings


def test_embedding_is_offline_deterministic_and_bilingual() -> None:
    a, b = embed("连接池耗尽"), embed("connection pool exhausted")
    assert a.shape == (DIM,) and a.dtype == np.float32 and abs(float(np.linalg.norm(a)) - 1) < 1e-5
    assert np.array_equal(a, embed("连接池耗尽")) and float(a @ b) > 0.3  # shared concept tokens
    assert float(embed("heap grows, full GC") @ b) < float(a @ b)
    assert concepts("HikariPool-1 - Connection is not available") == ["§pool"]
    assert not embed("").any()


@pytest.mark.parametrize("query", [
    ("Flash sale: POST /api/orders returns 503. Lock wait timeout exceeded; try restarting transaction. "
     "HikariPool-1 - Connection is not available, request timed out after 30000ms"),
    "秒杀开始后下单接口大量 503，日志出现锁等待超时（Lock wait timeout exceeded）和 Hikari 连接池耗尽",
    "下单接口超时，连接池被占满",
])
def test_demo_symptoms_find_the_pool_exhaustion_case(library: Settings, query: str) -> None:
    hits = similar_cases(library, query, k=3)
    assert hits[0].id == POOL_CASE and hits[0].score > hits[1].score
    assert "FOR UPDATE" in hits[0].root_cause and hits[0].source.endswith("INC-2025-1111-monolith-pool-exhaustion.md")


def test_other_symptoms_find_other_cases(library: Settings) -> None:
    assert similar_cases(library, "old gen keeps growing, frequent Full GC, OOMKilled", 1)[0].id == "INC-2026-0522"
    assert similar_cases(library, "PayGate read timed out, payments failed", 1)[0].id == "INC-2026-0314"
    assert similar_cases(library, "配置中心推送后数据源指向只读从库", 1)[0].id == "INC-2026-0809"


def test_finished_analysis_joins_the_library(library: Settings) -> None:
    incident = Incident(id="INC-20261120-abc123", title="Checkout fails in the flash sale", severity="critical",
                        started_at=datetime(2026, 11, 20, 6, 5, tzinfo=UTC), service="order-service",
                        description="POST /api/orders 503 during the flash sale", created_at=datetime.now(UTC))
    judgment = Judgment(
        root_cause="InventoryService.reserveStock locks inventory rows FOR UPDATE and calls the warehouse gateway "
                   "inside the transaction", root_cause_location=None, suspect_commit=None,
        evidence_chain=[EvidenceRef(id="E1", kind="exception", source="log:x:1", text="Lock wait timeout exceeded")],
        fix_suggestion="", impact_analysis="", risk_level="critical", rollback_recommended=True,
        responsible_team="@acme/inventory-team", confidence=0.8)
    case = add_finished_analysis(library, incident, judgment)
    assert case.source == f"analysis:{incident.id}" and library_size(library) == 5
    add_finished_analysis(library, incident, judgment)  # re-running replaces, never duplicates
    assert library_size(library) == 5
    hits = similar_cases(library, "reserveStock FOR UPDATE warehouse gateway lock wait", 2)
    assert hits[0].id == incident.id
    assert incident.id not in {h.id for h in similar_cases(library, "warehouse lock", 5, exclude=incident.id)}


def test_empty_library_and_bad_case_files(settings: Settings, tmp_path: Path) -> None:
    assert similar_cases(settings, "anything", 3) == [] and library_size(settings) == 0
    with pytest.raises(IngestError, match="front matter"):
        parse_case("# no front matter\n", "cases/x.md")
    with pytest.raises(IngestError, match="not valid YAML"):
        parse_case("---\ntitle: [oops\n---\nbody", "cases/x.md")
    with pytest.raises(IngestError, match="root_cause"):
        parse_case("---\ntitle: t\n---\nno cause here", "cases/x.md")
    ok = parse_case("---\nid: C-1\ntitle: Disk full\n---\n## Symptoms\n\ndisk 100%\n\n"
                    "## Root cause\n\nlogs never rotated\n",
                    "cases/c.md")
    assert ok.root_cause == "logs never rotated" and ok.symptoms == "disk 100%"
    bad = tmp_path / "bad.md"
    bad.write_text("nothing", encoding="utf-8")
    added, failed = add_case_files(settings, [bad], tmp_path)
    assert added == 0 and "bad.md" in failed
