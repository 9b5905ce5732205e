"""One rule set names the DDD layer and bounded context of a package, for the symbol index and for stack frames."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.ingest.code import bounded_context_of, layer_of, package_of

CORE = Path(__file__).resolve().parent.parent / "core"


@pytest.mark.parametrize(("package", "layer", "context"), [
    # <tld>.<org>.<context>.<layer>: the plain shape
    ("com.example.billing.domain", "domain", "billing"),
    ("org.example.shop.inventory.application", "application", "inventory"),
    ("io.example.shipping.infrastructure.persistence", "infrastructure", "shipping"),
    ("com.example.ledger.interfaces.rest", "interface", "ledger"),
    # a weak word ('service', 'app', 'model', 'web') before a strong one is a plain name, not the layer
    ("com.example.service.payment.domain", "domain", "payment"),
    ("com.example.app.billing.domain.model", "domain", "billing"),
    ("com.example.services.pricing.adapters.http", "infrastructure", "pricing"),
    # only weak words: the first one names the layer
    ("com.example.catalog.web", "interface", "catalog"),
    ("com.example.catalog.service.impl", "application", "catalog"),
    # the organisation's reverse-domain prefix names neither a layer nor a context
    ("com.example.web", "interface", None),
    ("com.app.shop", None, None),
    ("cn.example.trade.api", "interface", "trade"),
    # no reverse-domain prefix at all
    ("billing.domain", "domain", "billing"),
    ("com.example.shop", None, None),
    ("", None, None),
])
def test_layer_and_context_of_general_package_shapes(package: str, layer: str | None, context: str | None) -> None:
    assert (layer_of(package), bounded_context_of(package)) == (layer, context)


def test_a_class_name_is_judged_by_its_package() -> None:
    name = "com.example.service.payment.domain.Money$Cents"
    assert package_of(name) == "com.example.service.payment.domain"
    assert (layer_of(package_of(name)), bounded_context_of(package_of(name))) == ("domain", "payment")
    assert package_of("Money") == ""


def test_core_defines_the_rule_once() -> None:
    # The symbol index and fusion once had their own tables and disagreed; there must be one definition.
    defined = sorted(f"{p.relative_to(CORE.parent)}:{node.name}" for p in CORE.rglob("*.py")
                     for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                     if isinstance(node, ast.FunctionDef) and node.name in ("layer_of", "bounded_context_of"))
    assert defined == ["core/ingest/code/layers.py:bounded_context_of", "core/ingest/code/layers.py:layer_of"]
