"""Slow SQL: fingerprints (sqlglot, regex fallback), MySQL/PostgreSQL/CSV inputs, before vs after the onset."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from core.errors import IngestError
from core.ingest.runtime.slow_sql import fingerprint_sql, ingest_slow_sql_file, regex_fingerprint
from core.schema import Incident, IncidentDraft
from core.signals import fingerprint_stats
from core.store import Store
from tests.conftest import START, ZONE

DATA = Path(__file__).parent / "data" / "runtime"
ONSET = datetime(2026, 11, 20, 14, 2, tzinfo=ZONE)


@pytest.fixture
def incident() -> tuple[Store, Incident]:
    store = Store()
    return store, store.create_incident(IncidentDraft(title="t", severity="high", started_at=START, service="svc"))


# --- fingerprints ----------------------------------------------------------------------------------


def test_literals_are_masked_and_in_lists_collapse() -> None:
    a = fingerprint_sql("SELECT id, qty FROM inventory WHERE sku = 'SKU-1' AND warehouse_id IN (1, 2, 3) FOR UPDATE")
    b = fingerprint_sql("select id,qty\n  from `Inventory`  where sku='SKU-FS-9' and warehouse_id in (7) for update;")
    assert a.id == b.id and a.parser == b.parser == "sqlglot"
    assert a.text == "SELECT id, qty FROM inventory WHERE sku = ? AND warehouse_id IN (?) FOR UPDATE"
    assert (a.kind, a.for_update, a.tables) == ("select", True, ("inventory",))
    assert "SKU" not in a.text and "1" not in a.text


def test_different_shapes_differ_and_values_rows_collapse() -> None:
    plain = fingerprint_sql("SELECT id FROM inventory WHERE sku = 'a'")
    locked = fingerprint_sql("SELECT id FROM inventory WHERE sku = 'a' FOR UPDATE")
    assert plain.id != locked.id and not plain.for_update
    one = fingerprint_sql("INSERT INTO orders (id, sku) VALUES (1, 'x')")
    many = fingerprint_sql("INSERT INTO orders (id, sku) VALUES (2, 'y'), (3, 'z'), (4, 'w')")
    assert one.id == many.id and one.kind == "insert"
    update = fingerprint_sql("UPDATE inventory SET qty = qty - 2 WHERE sku = 'A' AND qty >= -1")
    assert update.text == "UPDATE inventory SET qty = qty - ? WHERE sku = ? AND qty >= ?" and update.kind == "update"


def test_tables_skip_ctes_and_include_joins_and_subqueries() -> None:
    fp = fingerprint_sql("WITH c AS (SELECT * FROM x WHERE y = 1) SELECT * FROM c JOIN z ON c.a = z.a "
                         "WHERE c.b IN (SELECT b FROM u WHERE v = 'k')")
    assert fp.tables == ("u", "x", "z")


def test_postgres_parameters_and_casts() -> None:
    fp = fingerprint_sql("SELECT * FROM t WHERE id = $1 AND b = 'x'::text AND c IN ($2, $3)", "postgres")
    assert fp.parser == "sqlglot" and fp.text == "SELECT * FROM t WHERE id = ? AND b = CAST(? AS TEXT) AND c IN (?)"


def test_unparseable_sql_falls_back_to_the_regex_normaliser_and_says_so() -> None:
    fp = fingerprint_sql("SELEC id FROM inventory WHERE sku = 'a' AND n IN (1, 2) FOR UPDATE")
    assert fp.parser == "regex" and "sqlglot could not parse" in fp.note
    assert fp.text == "selec id from inventory where sku = ? and n in (?) for update"
    assert fp.tables == ("inventory",) and fp.for_update
    again = fingerprint_sql("SELEC id FROM inventory WHERE sku = 'b' AND n IN (9) FOR UPDATE")
    assert again.id == fp.id


def test_regex_normaliser_alone() -> None:
    fp = regex_fingerprint("/* app */ UPDATE `stock` SET qty=qty-1, note=\"x\" WHERE id=0x1F AND v=-2.5e3 -- trailing")
    assert fp.text == "update `stock` set qty=qty-?, note=? where id=? and v=?"
    assert fp.tables == ("stock",) and fp.kind == "update"


# --- ingest ------------------------------------------------------------------------------------------


def _queries(store: Store) -> pd.DataFrame:
    return store.query_df("SELECT * FROM sql_queries ORDER BY line_no")


def _fingerprints(store: Store) -> pd.DataFrame:
    return store.query_df("SELECT * FROM sql_fingerprints ORDER BY total_ms DESC")


def test_mysql_slow_log(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    asset = ingest_slow_sql_file(store, inc, DATA / "mysql-slow.log")
    assert (asset.kind, asset.status, asset.items) == ("slow_sql", "ok", 23)
    queries = _queries(store)
    assert set(queries["db"]) == {"shop"}  # `use shop;` holds for the entries after it
    assert queries["user_host"][0].startswith("shop[shop] @")
    report = queries.iloc[0]
    assert "\n" not in report["statement"] and report["statement"].endswith("AND o.status = 'PAID';")
    assert report["rows_examined"] == 180000 and 2100 < report["query_ms"] < 3000
    # SET timestamp (the statement's start) wins over # Time (when it was logged).
    assert report["ts"].tz_convert(ZONE).strftime("%H:%M:%S") == "13:29:57"
    top = _fingerprints(store).iloc[0]
    assert (top["statement_kind"], bool(top["for_update"]), top["tables"], top["parser"]) == (
        "select", True, "inventory", "sqlglot")
    assert top["count"] == 17 and top["lock_total_ms"] > 300_000 and top["p95_ms"] > 40_000
    assert "SKU-FS" not in top["fingerprint"] and "SKU-FS" in top["sample"]


def test_gzipped_slow_log_with_a_broken_entry(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    asset = ingest_slow_sql_file(store, inc, DATA / "mysql-slow-partial.log.gz")
    assert asset.status == "warning" and asset.items == 22
    assert "1 entry without a Query_time or a statement skipped" in asset.message


def test_gbk_slow_log(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    asset = ingest_slow_sql_file(store, inc, DATA / "mysql-slow-gbk.log")
    assert "gb18030" in asset.message
    row = _queries(store).iloc[0]
    assert "上海" in row["statement"] and row["user_host"].startswith("报表")
    assert "上海" not in _fingerprints(store)["fingerprint"][0]


def test_postgres_duration_lines(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    asset = ingest_slow_sql_file(store, inc, DATA / "postgres.log")
    assert asset.status == "ok" and "1 by the regex normaliser" in asset.message
    queries = _queries(store)
    assert len(queries) == 4 and set(queries["db"]) == {"shop"}
    first = queries.iloc[0]
    assert first["statement"] == "SELECT id, qty FROM inventory WHERE sku = $1 AND warehouse_id IN ($2, $3)"
    assert first["ts"].tz_convert(ZONE).strftime("%H:%M:%S") == "13:59:01"
    assert queries.iloc[2]["ts"].tz_convert(ZONE).strftime("%H:%M") == "14:04"  # written in UTC
    shapes = _fingerprints(store).set_index("parser")
    assert "sqlglot could not parse" in shapes.loc["regex", "parse_note"]
    locked = _fingerprints(store)
    assert locked["for_update"].sum() == 1


def test_csv_export(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    asset = ingest_slow_sql_file(store, inc, DATA / "slow.csv")
    assert asset.status == "warning" and "1 row(s) without a statement or a numeric duration" in asset.message
    top = _fingerprints(store).iloc[0]
    assert top["for_update"] and top["count"] == 6 and top["lock_total_ms"] > 100_000


@pytest.mark.parametrize(("name", "says"), [
    ("slow-wrong-columns.csv", "wrong columns"),
    ("binary.json", "binary"),
    ("empty.csv", "empty"),
    ("prometheus-scrapes.txt", "unknown slow-query format"),
])
def test_bad_slow_sql_files(incident: tuple[Store, Incident], name: str, says: str) -> None:
    store, inc = incident
    ingest_slow_sql_file(store, inc, DATA / "mysql-slow-gbk.log")
    with pytest.raises(IngestError, match=says):
        ingest_slow_sql_file(store, inc, DATA / name)
    assert len(_queries(store)) == 1 and len(_fingerprints(store)) == 1


def test_before_and_after_the_onset(incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    ingest_slow_sql_file(store, inc, DATA / "mysql-slow.log")
    stats = fingerprint_stats(store, inc.id, ONSET)
    top = stats.iloc[0]
    assert bool(top["for_update"]) and (top["n_before"], top["n_after"]) == (0, 17)
    assert top["lock_p95_after"] > 20_000 and pd.isna(top["p95_before"])
    report = stats.iloc[1]
    assert (report["n_before"], report["n_after"]) == (6, 0)
