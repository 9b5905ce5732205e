"""index_bundle on the demo bundle: the exact output shape, roles/contexts/teams, and fusion lookups."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.config import Settings
from core.errors import BundleError
from core.indexing import (
    design_links,
    index_bundle,
    operations_of,
    symbol_at,
    tables_of,
)
from core.store import Store
from data.build_demo import build_demo_bundle

ANSWER = json.loads((Path(__file__).resolve().parent.parent / "data/demo/answer_key.json").read_text(encoding="utf-8"))
ROLES = {"aggregate_root", "entity", "value_object", "repository", "domain_service", "application_service",
         "controller", "other"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_bundle(tmp_path_factory.mktemp("demo") / "b")


def _scope(store: Store) -> str:
    return str(store.query_df("SELECT incident_id FROM incident_code").iloc[0, 0])


def test_index_bundle_output(store: Store, settings: Settings, demo: Path) -> None:
    out = index_bundle(store, settings, demo)
    assert set(out) == {"nodes", "edges", "symbols"}
    assert out["nodes"]["class"] == len(out["symbols"]) and out["nodes"]["method"] > 100
    assert out["edges"]["exposes"] >= 9 and out["edges"]["member_of"] > 0 and out["edges"]["owned_by"] > 0
    by_name = {s["name"]: s for s in out["symbols"]}
    for symbol in out["symbols"]:
        assert set(symbol) == {"name", "file", "role", "bounded_context", "team"} and symbol["role"] in ROLES
        assert not symbol["file"].startswith("/") and symbol["file"].endswith(".java")
    service = by_name["com.acme.shop.inventory.application.InventoryService"]
    assert service == {"name": "com.acme.shop.inventory.application.InventoryService",
                       "file": ANSWER["root_cause_file"], "role": "application_service",
                       "bounded_context": ANSWER["bounded_context"], "team": ANSWER["responsible_team"]}
    expected = {
        "com.acme.shop.inventory.domain.model.InventoryItem": "aggregate_root",
        "com.acme.shop.inventory.domain.model.StockReservation": "aggregate_root",
        "com.acme.shop.order.domain.model.Order": "aggregate_root",
        "com.acme.shop.order.domain.model.OrderLine": "entity",
        "com.acme.shop.shared.domain.Money": "value_object",
        "com.acme.shop.inventory.domain.model.ReservationLine": "value_object",
        "com.acme.shop.inventory.domain.repository.InventoryItemRepository": "repository",
        "com.acme.shop.order.application.OrderApplicationService": "application_service",
        "com.acme.shop.order.interfaces.rest.OrderController": "controller",
        "com.acme.shop.payment.interfaces.rest.PaymentController": "controller",
    }
    assert {name: by_name[name]["role"] for name in expected} == expected
    assert by_name["com.acme.shop.payment.domain.model.Payment"]["team"] == "@acme/payment-team"
    assert by_name["com.acme.shop.ShopApplication"]["bounded_context"] is None
    again = index_bundle(store, settings, demo)  # re-indexing reuses everything and gives the same answer
    assert again == out


def test_fusion_lookups(store: Store, settings: Settings, demo: Path) -> None:
    index_bundle(store, settings, demo)
    scope = _scope(store)
    frame = ANSWER["stack_frames"][0]
    sym = symbol_at(store, scope, frame["file"], frame["line"])
    assert sym and sym.fqn == frame["symbol"] and sym.role == "application_service"
    assert sym.bounded_context == ANSWER["bounded_context"]
    assert sym.aggregate and sym.aggregate.endswith(".InventoryItem")
    entry = ANSWER["stack_frames"][2]
    controller = symbol_at(store, scope, entry["file"], entry["line"])
    assert controller and controller.endpoint == ANSWER["affected_endpoint"]
    assert set(ANSWER["affected_tables"]) <= set(tables_of(store, scope, "InventoryService"))
    assert tables_of(store, scope, "InventoryItemRepository") == ANSWER["affected_tables"]
    assert ANSWER["affected_endpoint"] in operations_of(store, scope, "InventoryService")
    assert operations_of(store, scope, "OrderController") == sorted(
        ["GET /api/orders", "GET /api/orders/{orderNo}", "POST /api/orders", "POST /api/orders/{orderNo}/cancel"])
    refs = design_links(store, scope, sym)
    assert any(r.kind == "aggregate" and r.source.startswith("design/domain-model") for r in refs)
    assert tables_of(store, scope, "NoSuchClass") == [] and operations_of(store, scope, "NoSuchClass") == []


def test_index_a_folder_without_incident_yaml(store: Store, settings: Settings, demo: Path, tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="nothing to index"):
        index_bundle(store, settings, tmp_path)
    design_only = tmp_path / "design-only"
    (design_only / "design").mkdir(parents=True)
    (design_only / "design" / "schema.sql").write_text("CREATE TABLE t (id INT PRIMARY KEY);", encoding="utf-8")
    out = index_bundle(store, settings, design_only)
    assert out["symbols"] == [] and out["nodes"] == {"table": 1}
