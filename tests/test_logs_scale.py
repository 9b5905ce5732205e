"""Log ingest at scale: a generated ~20 MB application log lands whole, and the result does not depend on chunking."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from core.ingest.logs import ingest_log_file, log_file
from core.schema import Incident, IncidentDraft
from core.store import Store
from tests.conftest import START

_GENERATOR = Path(__file__).resolve().parents[1] / "bench" / "gen_app_log.py"
_HEADER = re.compile(rb"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [A-Z]+ \[")


def _generate(path: Path, size: int) -> None:
    spec = importlib.util.spec_from_file_location("gen_app_log", _GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(path, size, seed=11)


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "app.log"
    _generate(path, 20 << 20)
    return path


def _incident() -> tuple[Store, Incident]:
    store = Store()
    return store, store.create_incident(IncidentDraft(title="t", severity="high", started_at=START, service="svc"))


def _expected(path: Path) -> tuple[int, int, int]:
    """Lines, entries and entries followed by a stack trace, counted the slow obvious way."""
    lines = path.read_bytes().splitlines()
    starts = [bool(_HEADER.match(ln)) for ln in lines]
    traced = sum(1 for i, s in enumerate(starts) if s and i + 1 < len(starts) and not starts[i + 1])
    return len(lines), sum(starts), traced


def test_a_20mb_log_lands_with_exceptions_frames_and_templates(big_log: Path) -> None:
    store, inc = _incident()
    lines, entries, traced = _expected(big_log)
    fractions: list[float] = []
    result = ingest_log_file(store, inc, big_log, progress=lambda message, fraction: fractions.append(fraction))
    asset = result.asset
    assert (result.lines, result.entries, result.exceptions) == (lines, entries, traced)
    assert asset.status == "ok" and asset.items == entries
    assert len(fractions) > 1 and fractions == sorted(fractions)

    counts = store.query_df(
        "SELECT count(*) AS n, count(template_id) AS templated, count(ts) AS stamped FROM log_lines WHERE asset_id = ?",
        [asset.id])
    assert counts.iloc[0].tolist() == [entries, entries, entries]
    templates = store.query_df("SELECT count(*) AS n, sum(count) AS total FROM log_templates WHERE asset_id = ?",
                               [asset.id])
    assert 100 < templates["n"][0] < 1000 and templates["total"][0] == entries

    exceptions = store.list_exceptions(inc.id)
    assert len(exceptions) == traced > 100
    assert all(e.frames and e.causes for e in exceptions)
    assert any(len(e.causes) > 1 for e in exceptions)  # Caused by chains
    levels = store.query_df(
        "SELECT l.level FROM exceptions e JOIN log_lines l ON l.asset_id = e.asset_id AND l.line_no = e.line_no")
    assert set(levels["level"]) == {"ERROR"}


def test_chunk_boundaries_do_not_change_what_lands(big_log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny chunks cut through stack traces and template batches; the stored result must not move."""
    small = big_log.with_name("small.log")
    small.write_bytes(big_log.read_bytes()[: 2 << 20].rsplit(b"\n20", 1)[0] + b"\n")
    results = []
    for chunk_bytes, rows in ((log_file._CHUNK_BYTES, log_file._RESULT_ROWS), (64 << 10, 700)):
        monkeypatch.setattr(log_file, "_CHUNK_BYTES", chunk_bytes)
        monkeypatch.setattr(log_file, "_RESULT_ROWS", rows)
        monkeypatch.setattr(log_file, "_BATCH_BYTES", chunk_bytes * 3)
        store, inc = _incident()
        result = ingest_log_file(store, inc, small)
        lines = store.query_df("SELECT line_no, ts, level, thread, trace_id, logger, message FROM log_lines "
                               "ORDER BY line_no")
        exceptions = [e.model_dump(exclude={"asset_id", "incident_id"}) for e in store.list_exceptions(inc.id)]
        untemplated = store.query_df("SELECT count(*) AS n FROM log_lines WHERE template_id IS NULL")["n"][0]
        results.append((result.lines, result.entries, lines, exceptions, untemplated))
    (lines_a, entries_a, table_a, exc_a, untemplated_a), (lines_b, entries_b, table_b, exc_b, untemplated_b) = results
    assert (lines_a, entries_a) == (lines_b, entries_b)
    assert table_a.equals(table_b)
    assert exc_a == exc_b and len(exc_a) > 10
    assert untemplated_a == untemplated_b == 0
