"""Log ingest: layouts, JSON lines, encodings, compression, and bad files that must not leave a trace."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from core.errors import IngestError
from core.ingest.logs import LAYOUTS, detect_layout, ingest_log_file, log_file
from core.ingest.logs.templates import TemplateMiner
from core.pipeline import _ingest_log
from core.schema import Incident, IncidentDraft
from core.store import Store
from tests.conftest import START

TRACE = (
    "java.lang.NullPointerException: Cannot invoke \"Order.total()\" because \"order\" is null\n"
    "\tat com.acme.shop.order.application.OrderService.pay(OrderService.java:88)\n"
    "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)\n"
)


@pytest.fixture
def incident() -> tuple[Store, Incident]:
    store = Store()
    return store, store.create_incident(
        IncidentDraft(title="t", severity="high", started_at=START, service="svc"))


def test_logback_with_trace_id_and_stack(tmp_path: Path, incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    log = tmp_path / "app.log"
    log.write_text(
        "2026-11-20 14:05:03.117 INFO [exec-1] [4bf92f3577b34da6a3ce929d0e0e4736] c.a.s.Api - ok\n"
        "2026-11-20 14:05:04,200 ERROR [exec-2] [] c.a.s.Api - 下单失败 order=7\n" + TRACE, encoding="utf-8")
    result = ingest_log_file(store, inc, log)
    assert (result.entries, result.exceptions, result.layout) == (2, 1, "logback")
    rows = store.query_df("SELECT line_no, level, trace_id, message, ts FROM log_lines ORDER BY line_no")
    assert rows["trace_id"][0] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert rows["message"][1] == "下单失败 order=7"
    # Naive timestamps are read in the incident's zone (+08:00): 14:05 local is 06:05 UTC.
    assert rows["ts"][0].hour == 6
    exc = store.list_exceptions(inc.id)[0]
    assert exc.line_no == 2 and exc.exc_type == "java.lang.NullPointerException"
    assert exc.frames[0].in_app and exc.frames[0].line == 88


def test_spring_boot_and_thread_first_layouts() -> None:
    spring = ["2026-11-20 14:05:03.117  INFO 4242 --- [nio-8080-exec-1] c.a.s.Api   : hello"]
    thread_first = ["2026-11-20 14:05:03.117 [main] WARN  c.a.s.Api - hello"]
    assert detect_layout(spring).name == "spring-boot"  # type: ignore[union-attr]
    assert detect_layout(thread_first).name == "logback-thread-first"  # type: ignore[union-attr]


def test_json_lines_with_varying_field_names(tmp_path: Path, incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    log = tmp_path / "app.jsonl"
    log.write_text(
        '{"@timestamp":"2026-11-20T06:05:03Z","level":"ERROR","msg":"boom","logger":"a.B","trace_id":"abcdefabcdefabcd",'
        '"stack_trace":' + json.dumps(TRACE) + '}\n'
        '{"timestamp":"2026-11-20T06:05:04Z","severity":"info","message":"fine"}\n'
        '{"truncated": \n', encoding="utf-8")
    result = ingest_log_file(store, inc, log)
    assert (result.entries, result.exceptions, result.layout) == (2, 1, "json-lines")
    assert result.asset.message.endswith("1 line(s) were not valid JSON and were skipped")


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_chinese_logs_in_gbk_and_utf16(tmp_path: Path, incident: tuple[Store, Incident], encoding: str) -> None:
    store, inc = incident
    log = tmp_path / "cn.log"
    text = "".join(f"2026-11-20 14:05:{i:02d}.000 ERROR [exec-1] [] c.a.s.Api - 库存扣减失败，订单号 {i}\n"
                   for i in range(30))
    log.write_bytes(text.encode(encoding))
    result = ingest_log_file(store, inc, log)
    assert result.entries == 30
    assert store.query_df("SELECT message FROM log_lines LIMIT 1")["message"][0] == "库存扣减失败，订单号 0"


def test_gzip_logs_are_streamed(tmp_path: Path, incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    log = tmp_path / "app.log.gz"
    with gzip.open(log, "wt", encoding="utf-8") as out:
        for i in range(1000):
            out.write(f"2026-11-20 14:05:03.{i % 1000:03d} INFO [t] [] a.B - line {i}\n")
    assert ingest_log_file(store, inc, log).entries == 1000


def test_a_log_cut_off_mid_stream_is_an_error_and_stores_nothing(
    tmp_path: Path, incident: tuple[Store, Incident], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, inc = incident
    monkeypatch.setattr(log_file, "_CHUNK_BYTES", 64 << 10)  # the damage is found after the first chunk
    log = tmp_path / "app.log.gz"
    lines = "".join(f"2026-11-20 14:05:03.{i % 1000:03d} INFO [t] [] a.B - line {i} {i * 7919 % 104729}\n"
                    for i in range(40_000))
    log.write_bytes(gzip.compress(lines.encode())[:-2000])
    with pytest.raises(IngestError, match="could not be read"):
        ingest_log_file(store, inc, log)
    assert store.list_assets(inc.id) == []
    assert store.query_df("SELECT count(*) AS n FROM log_lines")["n"][0] == 0


def test_a_failure_while_writing_rolls_everything_back(
    tmp_path: Path, incident: tuple[Store, Incident], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, inc = incident
    monkeypatch.setattr(log_file, "_CHUNK_BYTES", 64 << 10)
    monkeypatch.setattr(log_file, "_RESULT_ROWS", 500)
    monkeypatch.setattr(log_file, "_BATCH_BYTES", 64 << 10)
    calls = []

    def failing_mine(self: object, messages: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_mine(self, messages)

    real_mine = TemplateMiner.mine
    monkeypatch.setattr(TemplateMiner, "mine", failing_mine)
    log = tmp_path / "app.log"
    log.write_text("".join(f"2026-11-20 14:05:03.000 INFO [t] [] a.B - line {i}\n" for i in range(20_000)) + TRACE,
                   encoding="utf-8")
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_log_file(store, inc, log)
    assert store.list_assets(inc.id) == []
    left = store.query_df("SELECT (SELECT count(*) FROM log_lines) + (SELECT count(*) FROM exceptions) AS n")
    assert left["n"][0] == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        (b"dear diary,\ntoday nothing happened\n", "does not look like a log"),
    ],
)
def test_bad_files_are_clear_errors_and_store_nothing(
    tmp_path: Path, incident: tuple[Store, Incident], content: bytes, message: str
) -> None:
    store, inc = incident
    good = tmp_path / "good.log"
    good.write_text("2026-11-20 14:05:03.117 INFO [t] [] a.B - kept\n", encoding="utf-8")
    ingest_log_file(store, inc, good)
    bad = tmp_path / "bad.log"
    bad.write_bytes(content)
    with pytest.raises(IngestError, match=message):
        ingest_log_file(store, inc, bad)
    assert [a.name for a in store.list_assets(inc.id)] == ["good.log"]
    assert store.query_df("SELECT count(*) AS n FROM log_lines")["n"][0] == 1


FAST_SAMPLES = [
    "2026-11-20 14:05:03.117 INFO [exec-1] [4bf92f3577b34da6a3ce929d0e0e4736] c.a.s.Api - ok",
    "2026-11-20 14:05:03,117 WARNING [exec-1] c.a.s.Api -  two spaces",
    "2026-11-20T14:05:03.117+08:00 ERROR c.a.s.Api - no brackets",
    "2026-11-20 14:05:03 DEBUG [a] [b] - the logger is [b]",
    "2026-11-20 14:05:03 DEBUG [a] [b] [c] x.Y - three brackets",
    "2026-11-20 14:05:03 INFO [pool 1 thread] [] x.Y -",
    "2026-11-20 14:05:03.117  INFO 4242 --- [           main] c.a.s.Api                : started",
    "2026-11-20 14:05:03.117  WARN 4242 --- [   ] c.a.s.Api : blank thread",
    "2026-11-20 14:05:03.117 [main] WARN  c.a.s.Api - hello",
    "2026-11-20 14:05:03.117 [main] ERROR [abcdefabcdefabcd] c.a.s.Api - with trace",
    "2026-11-20 14:05:03.117 [main] ERROR [abc] - odd",
]


@pytest.mark.parametrize("line", FAST_SAMPLES)
def test_fast_header_forms_read_lines_as_the_exact_header_does(line: str) -> None:
    """The one-pass forms DuckDB tries first must never disagree with the layout's own regex."""
    for layout in LAYOUTS:
        exact = layout.pattern.match(line)
        for fast in layout.fast:
            quick = re.match(fast, line)
            if quick:
                assert exact is not None, (layout.name, fast)
                expected = {k: v or None for k, v in exact.groupdict().items() if k != "msg"}
                got = {k: quick.groupdict().get(k) or None for k in expected}
                assert got == expected, (layout.name, fast)


def _rows(store: Store, columns: str = "line_no, level, thread, trace_id, logger, message") -> list[tuple[object, ...]]:
    frame = store.query_df(f"SELECT {columns} FROM log_lines ORDER BY line_no").astype(object)
    return [tuple(r) for r in frame.where(frame.notna(), None).itertuples(index=False)]


def test_line_endings_bom_bad_bytes_and_lines_before_the_first_header(
    tmp_path: Path, incident: tuple[Store, Incident]
) -> None:
    store, inc = incident
    log = tmp_path / "mixed.log"
    log.write_bytes(
        b"\xef\xbb\xbfstarting up\r\n"
        b"2026-11-20 14:05:03.117 INFO [t] [] a.B - crlf\r\n"
        b"2026-11-20 14:05:04.000 WARN [t] [] a.B - bad \xff byte\r"
        b"\tcontinued after a lone CR\n"
        b"\n"
        b"2026-11-20 14:05:05.000 ERROR [t] [] a.B - last line has no newline"
    )
    result = ingest_log_file(store, inc, log)
    assert (result.lines, result.entries) == (6, 4)
    assert _rows(store) == [
        (1, None, None, None, None, "starting up"),
        (2, "INFO", "t", None, "a.B", "crlf"),
        (3, "WARN", "t", None, "a.B", "bad \ufffd byte"),
        (6, "ERROR", "t", None, "a.B", "last line has no newline"),
    ]
    assert result.first_ts is not None and result.first_ts.utcoffset() == START.utcoffset()


def test_explicit_offsets_win_over_the_incident_zone(tmp_path: Path, incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    log = tmp_path / "zones.log"
    log.write_text(
        "2026-11-20 14:05:03.117 INFO [t] [] a.B - local\n"
        "2026-11-20T14:05:03,5Z INFO [t] [] a.B - utc\n"
        "2026-11-20 14:05:03-0500 INFO [t] [] a.B - new york\n", encoding="utf-8")
    ingest_log_file(store, inc, log)
    hours = [ts.hour for ts in store.query_df("SELECT ts FROM log_lines ORDER BY line_no")["ts"]]
    assert hours == [6, 14, 19]


def test_a_message_that_is_an_exception_and_a_python_traceback(
    tmp_path: Path, incident: tuple[Store, Incident],
) -> None:
    store, inc = incident
    log = tmp_path / "traces.log"
    log.write_text(
        "2026-11-20 14:05:03.117 ERROR [t] [] a.B - java.lang.IllegalStateException: no stock\n"
        "\tat com.acme.shop.stock.StockService.reserve(StockService.java:14)\n"
        "2026-11-20 14:05:04.000 ERROR [t] [] a.B - java.util.concurrent.TimeoutException\n"
        "2026-11-20 14:05:05.000 ERROR [t] [] a.B - Traceback (most recent call last):\n"
        '  File "/app/worker.py", line 3, in run\n'
        "ValueError: bad input\n"
        "2026-11-20 14:05:06.000 INFO [t] [] a.B - java.lang is not an exception\n", encoding="utf-8")
    result = ingest_log_file(store, inc, log)
    assert result.exceptions == 3
    found = [(e.line_no, e.exc_type, len(e.frames)) for e in store.list_exceptions(inc.id)]
    assert found == [(1, "java.lang.IllegalStateException", 1), (3, "java.util.concurrent.TimeoutException", 0),
                     (4, "ValueError", 1)]


def test_json_lines_levels_trace_ids_and_blank_lines(tmp_path: Path, incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    log = tmp_path / "app.jsonl"
    log.write_text(
        '{"time":"2026-11-20T14:05:03.117","severity":"warning","log":"slow","logger_name":"a.B",'
        '"traceId":"TRACE=4BF92F3577B34DA6A3CE929D0E0E4736","thread_name":"main"}\n'
        "\n"
        '["not", "an", "object"]\n'
        '{"ts":"2026-11-20T06:05:04Z","message":{"nested":1}}\n' + '{"msg":"x","lvl":"fatal"}\n' * 3,
        encoding="utf-8")
    result = ingest_log_file(store, inc, log)
    assert (result.lines, result.entries) == (7, 5)
    assert result.asset.message.endswith("1 line(s) were not valid JSON and were skipped")
    rows = _rows(store, "line_no, level, thread, trace_id, logger, message, hour(ts) AS h")
    assert rows[0] == (1, "WARN", "main", "4bf92f3577b34da6a3ce929d0e0e4736", "a.B", "slow", 6)
    assert rows[1][:5] == (4, "INFO", None, None, None) and json.loads(str(rows[1][5])) == {"nested": 1}
    assert rows[2] == (5, "FATAL", None, None, None, "x", None)


def test_every_entry_gets_a_template(tmp_path: Path, incident: tuple[Store, Incident]) -> None:
    store, inc = incident
    log = tmp_path / "app.log"
    log.write_text("".join(
        f"2026-11-20 14:05:{i % 60:02d}.000 INFO [t] [] a.B - order {1000 + i} paid in {i % 7} ms\n"
        f"2026-11-20 14:05:{i % 60:02d}.500 WARN [t] [] a.B - 库存不足 sku=SKU-{i}\n" for i in range(50)),
        encoding="utf-8")
    asset = _ingest_log(store, inc, log, "app.log", lambda message, fraction: None)
    lines = store.log_messages(asset.id)
    assert len(lines) == 100 and lines["template_id"].notna().all()
    templates = store.query_df("SELECT template_id, template, count FROM log_templates ORDER BY template_id")
    assert templates["count"].sum() == 100 and len(templates) == 2
    assert set(templates["template"]) == {"order <*> paid in <*> ms", "库存不足 sku=<*>"}
