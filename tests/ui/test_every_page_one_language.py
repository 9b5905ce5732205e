"""Every page, after a debate on the demo, in one language: no Chinese on the English pages and no English
words on the Chinese ones, outside user data (log text, code, names, commit messages, design documents)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.state import Keys
from core.config import load_settings
from core.store import Store
from tests.ui.language import foreign_text, page_text
from tests.ui.support import PAGES, isolate, new_app, no_exception, wait_until

INCIDENT = "tribunal.incident_id"
REPORT = "w.debate.to_report"
_DATA_TABLES = ("incidents", "commits", "exceptions", "log_templates", "graph_nodes", "design_sections",
                "design_elements", "design_docs", "ownership", "assets", "spans", "api_operations", "code_symbols",
                "ddl_tables")


def _user_data(incident_id: str) -> list[str]:
    """Every text value the incident's own data holds (what it quotes is shown as written, in any language)."""
    cfg = load_settings()
    store = Store(cfg.db_path, memory_limit=cfg.duckdb_memory)  # the app's configuration: DuckDB shares the file
    try:
        out: list[str] = []
        for table in _DATA_TABLES:
            cols = store.query_df("SELECT column_name FROM information_schema.columns WHERE table_name = ? AND "
                                  "data_type = 'VARCHAR'", [table])["column_name"].tolist()
            key = "id" if table == "incidents" else "incident_id" if "incident_id" in cols else None
            for col in cols:
                where, params = (f"WHERE {key} = ?", [incident_id]) if key else ("", [])  # a code index is shared
                values = store.query_df(f'SELECT DISTINCT "{col}" AS v FROM {table} {where} LIMIT 5000',
                                        params)["v"].dropna().astype(str).tolist()
                out += [v for v in values if len(v) >= 2]
        evidence = store.query_df("SELECT source, text, kind FROM evidence WHERE incident_id = ?", [incident_id])
        out += evidence["source"].astype(str).tolist()
        # A design document's sentence and a person's note are data; the ledger's own statements are not.
        out += evidence[evidence["kind"].isin(["human"])]["text"].astype(str).tolist()
        # Past cases (the case library's hand-written files) are quoted as written.
        for case in (cfg.home / "demo").rglob("cases/*.md"):
            out += case.read_text(encoding="utf-8").splitlines()
        out += [s for t in out for s in t.splitlines()]
        return out
    finally:
        store.close()


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """The demo incident after an offline debate, and its user data."""
    home = tmp_path_factory.mktemp("lang") / "home"
    with pytest.MonkeyPatch.context() as mp:
        isolate(mp, home)
        at = new_app(timeout=240).run()
        at.button(key="w.intake.demo").click().run()
        no_exception(at)
        at.switch_page(PAGES["debate"]).run()
        at.number_input(key="w.debate.pace").set_value(0.0)
        at.button(key="w.debate.start").click().run()
        assert wait_until(at, lambda a: any(b.key == REPORT for b in a.button), timeout_s=180, poll_s=0.5)
        incident_id = at.session_state[INCIDENT]
        yield incident_id, _user_data(incident_id)


def _pages(incident_id: str, lang: str) -> Iterator[tuple[str, AppTest]]:
    at = new_app(timeout=120)
    at.session_state[INCIDENT] = incident_id
    at.session_state[Keys.LANG] = lang
    at.run()
    for name, path in PAGES.items():
        if name == "assets":
            for tab in ("overview", "logs", "metrics", "traces", "sql", "evidence"):
                at.session_state[Keys.ASSETS_TAB] = tab
                at.switch_page(path).run()
                yield f"assets/{tab}", at
            continue
        at.switch_page(path).run()
        yield name, at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_speaks_one_language(judged: tuple[str, list[str]], lang: str) -> None:
    incident_id, data = judged
    problems: dict[str, list[str]] = {}
    charts = 0
    for name, at in _pages(incident_id, lang):
        no_exception(at)
        for chart in at.get("plotly_chart"):  # Plotly's floating toolbar covered legends and titles
            assert json.loads(chart.proto.config).get("displayModeBar") is False, name
            charts += 1
        found = foreign_text(page_text(at), lang, data)
        if found and os.environ.get("TRIBUNAL_DUMP_PAGES"):
            (Path(os.environ["TRIBUNAL_DUMP_PAGES"]) / f"{lang}-{name.replace('/', '-')}.txt").write_text(page_text(at))
        if found:
            problems[name] = found[:12]
    assert charts >= 5, "the assets tabs and the report draw charts"
    assert not problems, "\n".join(f"{page}: {found}" for page, found in problems.items())
