"""Design state: domain docs (zh/en), OpenAPI and DDL from the demo bundle; malformed files fail clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import IngestError
from core.ingest.code import index_repo, symbol_at
from core.ingest.design import design_links, ingest_design, ingest_design_file
from core.store import Store
from data.build_demo import build_demo_bundle

ANSWER = json.loads((Path(__file__).resolve().parent.parent / "data/demo/answer_key.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_bundle(tmp_path_factory.mktemp("demo") / "b")


def test_demo_design_is_read_in_both_languages(store: Store, demo: Path) -> None:
    docs, failed = ingest_design(store, "INC-D", sorted((demo / "design").rglob("*")), demo)
    assert failed == {}
    kinds = {d.source: (d.kind, d.language) for d in docs}
    assert kinds["design/domain-model.md"] == ("markdown", "zh")
    assert kinds["design/domain-model.en.md"] == ("markdown", "en")
    assert kinds["design/openapi.yaml"][0] == "openapi" and kinds["design/schema.sql"][0] == "ddl"
    assert not any("cases/" in d.source for d in docs)  # cases go to the case library, not here
    elements = store.query_df(
        "SELECT source, kind, name, context, text FROM design_elements WHERE incident_id = 'INC-D'")
    contexts = elements[(elements.kind == "bounded_context") & (elements.source == "design/domain-model.md")]
    assert set(contexts.name) == {"order", "payment", "inventory", "shared"}
    aggregates = elements[elements.kind == "aggregate"]
    assert ANSWER["aggregate"] in set(aggregates.name)
    assert set(aggregates[aggregates.name == "InventoryItem"].context) == {ANSWER["bounded_context"]}
    zh_invariants = elements[(elements.kind == "invariant") & (elements.source == "design/domain-model.md")]
    assert any("永不为负" in t for t in zh_invariants.text)
    assert (elements.kind == "term").sum() >= 12 and (elements.kind == "rule").sum() == 8
    ops = store.query_df("SELECT op_key, handler FROM api_operations WHERE incident_id = 'INC-D'")
    assert ANSWER["affected_endpoint"] in set(ops.op_key) and len(ops) == 9
    tables = store.query_df("SELECT table_name, primary_key, foreign_keys FROM ddl_tables WHERE incident_id = 'INC-D'")
    assert set(ANSWER["affected_tables"]) <= set(tables.table_name) and len(tables) == 6
    order_line = tables[tables.table_name == "order_line"].iloc[0]
    assert json.loads(order_line.primary_key) == ["id"]
    assert json.loads(order_line.foreign_keys)[0]["ref_table"] == "orders"


def test_links_from_the_failing_line_to_the_design(store: Store, demo: Path) -> None:
    index_repo(store, demo / "repo", ANSWER["head_before_incident_sha"], incident_id="INC-D")
    ingest_design(store, "INC-D", sorted((demo / "design").rglob("*")), demo)
    sym = symbol_at(store, "INC-D", ANSWER["root_cause_file"], ANSWER["root_cause_line"])
    assert sym and sym.fqn == ANSWER["root_cause_symbol"]
    assert sym.aggregate and sym.aggregate.endswith(ANSWER["aggregate"])
    refs = design_links(store, "INC-D", sym)
    kinds = {r.kind for r in refs}
    assert {"aggregate", "invariant", "bounded_context", "mention"} <= kinds
    assert any(r.source.startswith("design/domain-model.md#") and "InventoryItem" in r.source for r in refs)
    controller = symbol_at(store, "INC-D", ANSWER["stack_frames"][2]["file"], ANSWER["stack_frames"][2]["line"])
    api = [r for r in design_links(store, "INC-D", controller) if r.kind == "api"]
    assert api and api[0].source == f"design/openapi.yaml#{ANSWER['affected_endpoint']}"
    tables = [r for r in design_links(store, "INC-D", "InventoryItem") if r.kind == "table"]
    assert tables and tables[0].source == "design/schema.sql#inventory_item"


@pytest.mark.parametrize(("name", "text", "message"), [
    ("model.md", "---\ntitle: [oops\n---\n# Model\n", "front matter"),
    ("model.md", "# Model\n\n```java\nclass A {}\n", "never closed"),
    ("model.md", "   \n\n", "empty"),
    ("openapi.yaml", "openapi: 3.0.0\npaths:\n  /a:\n    get: [1\n", "not valid YAML at line"),
    ("openapi.yaml", "openapi: 3.0.0\npaths: [1, 2]\n", "'paths' must be a mapping"),
    ("openapi.json", '{"openapi": "3.0.0", "paths": {"/a": {"get": }}}', "not valid JSON"),
    ("schema.sql", "CREAT TABLE x (id INT);", "cannot read the DDL"),
    ("schema.sql", "SELECT 1;", "no CREATE TABLE"),
])
def test_malformed_files_fail_clearly_and_keep_what_was_stored(
        store: Store, tmp_path: Path, name: str, text: str, message: str) -> None:
    good = tmp_path / "good" / name
    good.parent.mkdir()
    good.write_text({"model.md": "# Model\n\n## Glossary\n\n| term | meaning |\n|---|---|\n| SKU | item |\n",
                     "openapi.yaml": "openapi: 3.0.0\npaths:\n  /a:\n    get: {operationId: a}\n",
                     "openapi.json": '{"openapi": "3.0.0", "paths": {"/a": {"get": {}}}}',
                     "schema.sql": "CREATE TABLE t (id INT PRIMARY KEY);"}[name], encoding="utf-8")
    stored = ingest_design_file(store, "INC-M", good, f"design/{name}")
    assert stored.items == 1
    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(IngestError, match=message):
        ingest_design_file(store, "INC-M", bad, f"design/{name}")
    docs = store.query_df("SELECT items FROM design_docs WHERE incident_id = 'INC-M' AND source = ?",
                          [f"design/{name}"])
    assert list(docs["items"]) == [1]  # the earlier good version is still there


def test_binary_and_unknown_design_files(store: Store, tmp_path: Path) -> None:
    blob = tmp_path / "diagram.md"
    blob.write_bytes(b"\x00\x01\x02PNG")
    with pytest.raises(IngestError, match="binary"):
        ingest_design_file(store, "INC-M", blob)
    docs, failed = ingest_design(store, "INC-M", [blob, tmp_path / "notes.txt"], tmp_path)
    assert docs == [] and "diagram.md" in failed
