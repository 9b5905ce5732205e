"""Log ingest: layouts, JSON lines, encodings, compression, and bad files that must not leave a trace."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from core.errors import IngestError
from core.ingest.logs import detect_layout, ingest_log_file
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
        '"stack_trace":' + __import__("json").dumps(TRACE) + '}\n'
        '{"timestamp":"2026-11-20T06:05:04Z","severity":"info","message":"fine"}\n'
        '{"truncated": \n', encoding="utf-8")
    result = ingest_log_file(store, inc, log)
    assert (result.entries, result.exceptions, result.layout) == (2, 1, "json-lines")
    assert result.asset.message.endswith("1 line(s) were not valid JSON and were skipped")


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_chinese_logs_in_gbk_and_utf16(tmp_path: Path, incident: tuple[Store, Incident], encoding: str) -> None:
    store, inc = incident
    log = tmp_path / "cn.log"
    text = "".join(f"2026-11-20 14:05:{i:02d}.000 ERROR [exec-1] [] c.a.s.Api - 库存扣减失败，订单号 {i}\n" for i in range(30))
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


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        (b"dear diary,\ntoday nothing happened\n", "does not look like an application log"),
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
