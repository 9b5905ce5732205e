"""Symbol index: Java parsing (generics, nested, records, Lombok), DDD roles, endpoints, incremental re-index."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import git
import pytest

from core.errors import IngestError
from core.ingest.code import bounded_context_of, find_class, index_repo, layer_of, symbol_at
from core.ingest.code._java import parse_java
from core.store import Store
from tests.conftest import START, _commit

PKG = "src/main/java/com/acme/shop/catalog"
PRODUCT = """\
package com.acme.shop.catalog.domain.model;

import jakarta.persistence.*;
import lombok.Getter;

/** Aggregate root of the catalog. */
@Entity
@Table(name = "product")
@Getter
public class Product<T extends Comparable<T>> extends BaseEntity implements Comparable<Product<T>> {
    @Id private Long id;
    @ElementCollection
    @CollectionTable(name = "product_tag")
    private java.util.List<Tag> tags;
    private Price price;

    public int compareTo(Product<T> other) { return 0; }

    public static class Builder { public Product<?> build() { return null; } }
}
"""
TAG = """\
package com.acme.shop.catalog.domain.model;

@lombok.Value
public class Tag { String name; }
"""
PRICE = """\
package com.acme.shop.catalog.domain.model;

public record Price(long cents, String currency) {}
"""
REPO = """\
package com.acme.shop.catalog.domain.repository;

import com.acme.shop.catalog.domain.model.Product;
import org.springframework.data.jpa.repository.JpaRepository;

public interface ProductRepository extends JpaRepository<Product, Long> {
    Product findBySku(String sku);
}
"""
SERVICE = """\
package com.acme.shop.catalog.application;

import com.acme.shop.catalog.domain.repository.ProductRepository;
import lombok.RequiredArgsConstructor;
import org.springframework.stereotype.Service;

@Service
@RequiredArgsConstructor
public class CatalogService {
    private final ProductRepository productRepository;

    public Object find(String sku) {
        return productRepository.findBySku(sku);
    }
}
"""
CONTROLLER = """\
package com.acme.shop.catalog.interfaces.web;

import com.acme.shop.catalog.application.CatalogService;
import org.springframework.web.bind.annotation.*;

@RestController
@RequestMapping({"/api/products", "/v2/products"})
public class ProductController {
    private final CatalogService service;

    public ProductController(CatalogService service) { this.service = service; }

    @GetMapping(path = "/{sku}")
    public Object get(@PathVariable("sku") String sku) {
        return service.find(sku);
    }

    @RequestMapping(value = "/{sku}", method = {RequestMethod.PUT, RequestMethod.PATCH})
    public void update(@PathVariable String sku) {
        /* 中文注释 */
    }
}
"""
# GBK-encoded source with a Chinese string literal: must still be indexed.
LEGACY = "package com.acme.shop.legacy.domain;\n\npublic class 旧Helper {\n    String s = \"库存\";\n}\n"


@pytest.fixture
def catalog_repo(tmp_path: Path) -> tuple[Path, list[str]]:
    repo = git.Repo.init(tmp_path / "repo", initial_branch="main")
    files = {f"{PKG}/domain/model/Product.java": PRODUCT, f"{PKG}/domain/model/Tag.java": TAG,
             f"{PKG}/domain/model/Price.java": PRICE, f"{PKG}/domain/repository/ProductRepository.java": REPO,
             f"{PKG}/application/CatalogService.java": SERVICE,
             f"{PKG}/interfaces/web/ProductController.java": CONTROLLER}
    first = _commit(repo, files, "Catalog", START - timedelta(days=3), "Ann Lee")
    root = Path(repo.working_tree_dir or ".")
    legacy = root / "src/main/java/com/acme/shop/legacy/domain/Helper.java"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(LEGACY.encode("gbk"))
    (root / "src/main/java/Broken.java").write_bytes(b"\x00\x01binary\x00")
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    repo.index.add(["src/main/java/com/acme/shop/legacy/domain/Helper.java", "src/main/java/Broken.java", "logo.png"])
    second = repo.index.commit("Legacy and binaries").hexsha
    # A rename (same blob, new path) on a branch, merged back.
    repo.git.checkout("-b", "rename")
    repo.git.mv(f"{PKG}/domain/model/Tag.java", f"{PKG}/domain/model/Label.java")
    (root / f"{PKG}/domain/model/Label.java").write_text(TAG.replace("class Tag", "class Label"), encoding="utf-8")
    repo.index.add([f"{PKG}/domain/model/Label.java"])
    repo.index.commit("Rename Tag to Label")
    repo.git.checkout("main")
    _commit(repo, {"README.md": "# catalog\n"}, "Readme", START - timedelta(days=1), "Bo Chen")
    repo.git.merge("rename", "--no-ff", "-m", "Merge rename")
    return root, [first, second, repo.head.commit.hexsha]


def test_parse_generics_nested_records_annotations() -> None:
    parsed = parse_java(PRODUCT.encode())
    names = {t.path: t for t in parsed.types}
    assert set(names) == {"Product", "Product.Builder"} and parsed.package == "com.acme.shop.catalog.domain.model"
    product = names["Product"]
    assert product.type_params == "<T extends Comparable<T>>" and product.extends == ["BaseEntity"]
    assert product.implements == ["Comparable<Product<T>>"] and "Aggregate root" in product.doc
    table = next(a for a in product.annotations if a.name == "Table")
    assert table.first("name") == "product" and {a.name for a in product.annotations} >= {"Entity", "Getter"}
    assert (product.start_line, product.end_line) == (7, 20)
    assert [m.name for m in product.members if m.kind == "method"] == ["compareTo"]
    price = parse_java(PRICE.encode()).types[0]
    assert price.kind == "record" and [m.name for m in price.members] == ["cents", "currency"]
    assert parse_java(b"class X { void f( { }").errors > 0  # broken code: counted, not fatal


def test_layers_and_contexts() -> None:
    assert bounded_context_of("com.acme.shop.inventory.application") == "inventory"
    assert bounded_context_of("com.acme.shop.order.domain.model") == "order"
    assert bounded_context_of("com.acme.app.billing.domain") == "billing"  # 'app' is weak, 'domain' wins
    assert bounded_context_of("com.acme.shop") is None and layer_of("com.acme.x.interfaces.rest") == "interface"


def test_index_roles_endpoints_encodings(store: Store, catalog_repo: tuple[Path, list[str]]) -> None:
    root, shas = catalog_repo
    index = index_repo(store, root, shas[1], incident_id="INC-1")
    assert index.files == 8 and index.parsed == 8 and index.failed == 1  # the binary .java
    roles = dict(store.query_df("SELECT name, role FROM code_symbols WHERE index_id = ?", [index.index_id]).values)
    assert roles["Product"] == "aggregate_root" and roles["ProductRepository"] == "repository"
    assert roles["CatalogService"] == "application_service" and roles["ProductController"] == "controller"
    assert roles["Tag"] == "value_object" and roles["Price"] == "value_object" and roles["Builder"] == "other"
    assert roles["旧Helper"] == "other"  # read from GBK
    status = dict(store.query_df("SELECT path, status FROM code_files WHERE index_id = ?", [index.index_id]).values)
    assert status["src/main/java/Broken.java"] == "binary"
    product = find_class(store, "INC-1", "com.acme.shop.catalog.domain.model.Product")
    assert product and product.table == "product" and product.bounded_context == "catalog"
    tables = store.query_df("SELECT tables FROM code_symbols WHERE index_id = ? AND name = 'Product'", [index.index_id])
    assert "product_tag" in tables.iloc[0, 0]
    tag = find_class(store, "INC-1", "Tag")
    assert tag and tag.aggregate == "com.acme.shop.catalog.domain.model.Product"
    routes = sorted(map(tuple, store.query_df("SELECT http_method, route FROM code_endpoints WHERE index_id = ?",
                                             [index.index_id]).values))
    assert routes == [("GET", "/api/products/{sku}"), ("GET", "/v2/products/{sku}"), ("PATCH", "/api/products/{sku}"),
                      ("PATCH", "/v2/products/{sku}"), ("PUT", "/api/products/{sku}"), ("PUT", "/v2/products/{sku}")]
    at = symbol_at(store, "INC-1", f"{PKG}/application/CatalogService.java", 13)
    assert at and at.member == "find" and at.role == "application_service"
    assert at.aggregate == "com.acme.shop.catalog.domain.model.Product"  # reached through the repository call
    web = symbol_at(store, "INC-1", f"{PKG}/interfaces/web/ProductController.java", 16)
    assert web and web.endpoint == "GET /api/products/{sku}"
    assert symbol_at(store, "INC-1", "nope.java", 1) is None and symbol_at(store, "INC-2", "x", 1) is None


def test_incremental_reindex_reuses_parses(store: Store, catalog_repo: tuple[Path, list[str]]) -> None:
    root, shas = catalog_repo
    first = index_repo(store, root, shas[0])
    merged = index_repo(store, root, shas[2])
    # Only the new contents are parsed (Label, the GBK helper, the binary); the five unchanged files are reused.
    assert merged.base_index_id == first.index_id and merged.reused == 5 and merged.parsed == 3
    assert merged.changed_files == 4  # Label added, Tag removed, helper and binary added
    names = set(store.query_df("SELECT name FROM code_symbols WHERE index_id = ?", [merged.index_id])["name"])
    assert "Label" in names and "Tag" not in names
    again = index_repo(store, root, shas[2])
    assert again.cached and again.index_id == merged.index_id
    with pytest.raises(IngestError, match="rev-parse"):
        index_repo(store, root, "no-such-rev")
    with pytest.raises(IngestError):
        index_repo(store, root.parent / "missing", "HEAD")
