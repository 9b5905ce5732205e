"""Log layouts beyond Logback: syslog, nginx/Apache, Tomcat, logfmt, Python; other timestamp styles; overrides."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from core.errors import IngestError
from core.ingest.logs import LAYOUTS, detect_layout, ingest_log_file, log_formats
from core.schema import Incident, IncidentDraft
from core.store import Store
from tests.conftest import START

CST = timezone(timedelta(hours=8))
JAVA_TRACE = (
    "java.lang.IllegalStateException: lock wait timeout\n"
    "\tat com.acme.shop.inventory.InventoryService.reserve(InventoryService.java:53)\n"
    "\tat org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:186)\n"
)


def _incident(started_at: datetime = START) -> tuple[Store, Incident]:
    store = Store()
    return store, store.create_incident(IncidentDraft(title="t", severity="high", started_at=started_at, service="svc"))


def _ingest(tmp_path: Path, text: str, *, started_at: datetime = START, log_format: str = "auto",
            name: str = "app.log") -> tuple[pd.DataFrame, str, Store, Incident]:
    store, inc = _incident(started_at)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = ingest_log_file(store, inc, path, log_format=log_format)
    rows = store.query_df(
        "SELECT line_no, ts, level, thread, logger, trace_id, message FROM log_lines ORDER BY line_no")
    return rows, result.layout, store, inc


def _utc(rows: pd.DataFrame, i: int) -> datetime:
    return rows["ts"][i].to_pydatetime().astimezone(UTC)


def test_every_layout_detects_its_own_example_and_no_other_claims_it_first() -> None:
    for layout in LAYOUTS:
        assert layout.example, f"{layout.name} has no example line"
        found = detect_layout([layout.example])
        assert found is not None and found.name == layout.name, (layout.name, found)
    assert log_formats()[:2] == ("auto", "json-lines")
    assert set(log_formats()[2:]) == {layout.name for layout in LAYOUTS}


def test_classic_syslog_levels_from_the_message_and_year_from_the_incident(tmp_path: Path) -> None:
    text = (
        "Nov 20 14:05:03 shop-7 order-service[4242]: ERROR lock wait timeout order=7\n"
        "Nov 20 14:05:04 shop-7 order-service[4242]: retrying reservation\n"
        "<12>Nov  5 09:00:01 shop-7 kernel: out of memory warning\n"
        "Nov 20 14:05:05.250 shop-7 CRON[99]: WARN job slow\n"
        "Nov 20 14:05:06 shop-7 a message with no tag\n"
    )
    rows, layout, _, _ = _ingest(tmp_path, text)
    assert layout == "syslog"
    assert list(rows["level"]) == ["ERROR", "INFO", "WARN", "WARN", "INFO"]  # <12>: severity 4 → WARN
    assert list(rows["logger"][:4]) == ["order-service", "order-service", "kernel", "CRON"]
    assert [None if pd.isna(t) else t for t in rows["thread"][:4]] == ["4242", "4242", None, "99"]
    assert rows["message"][0] == "ERROR lock wait timeout order=7"
    # Read in the incident's zone (+08:00) and the incident's year.
    assert _utc(rows, 0) == datetime(2026, 11, 20, 6, 5, 3, tzinfo=UTC)
    assert _utc(rows, 2) == datetime(2026, 11, 5, 1, 0, 1, tzinfo=UTC)
    assert _utc(rows, 3).microsecond == 250_000
    assert rows["message"][4] == "a message with no tag"  # the tag is optional; the line is still an entry


def test_syslog_lines_from_december_belong_to_the_year_before_a_january_incident(tmp_path: Path) -> None:
    text = "Dec 31 23:59:58 h app[1]: WARN slowing down\nJan  1 00:00:02 h app[1]: ERROR down\n"
    rows, _, _, _ = _ingest(tmp_path, text, started_at=datetime(2027, 1, 1, 0, 0, 5, tzinfo=CST))
    assert [_utc(rows, i).year for i in range(2)] == [2026, 2026]  # 2026-12-31 15:59 UTC and 2026-12-31 16:00 UTC
    assert rows["ts"][0].to_pydatetime().astimezone(CST).year == 2026
    assert rows["ts"][1].to_pydatetime().astimezone(CST).year == 2027


def test_rfc5424_syslog_takes_the_level_from_the_priority(tmp_path: Path) -> None:
    text = (
        "<131>1 2026-11-20T14:05:03.117+08:00 shop-7 order-service 4242 ID47 - lock wait timeout\n"
        '<134>1 2026-11-20T06:05:04Z shop-7 order-service 4242 - [meta seq="1"][x y="2"] reserved\n'
        "<130>1 2026-11-20T06:05:05Z shop-7 order-service - - - disk full\n"
    )
    rows, layout, _, _ = _ingest(tmp_path, text)
    assert layout == "syslog-rfc5424"
    assert list(rows["level"]) == ["ERROR", "INFO", "FATAL"]
    assert list(rows["message"]) == ["lock wait timeout", "reserved", "disk full"]
    assert list(rows["thread"]) == ["4242", "4242", "-"]
    assert _utc(rows, 0) == datetime(2026, 11, 20, 6, 5, 3, 117_000, tzinfo=UTC)


def test_access_log_levels_from_the_status_and_the_zone_from_the_line(tmp_path: Path) -> None:
    text = (
        '10.0.0.9 - - [20/Nov/2026:14:05:03 +0800] "POST /api/orders HTTP/1.1" 504 167 "-" "okhttp/4.12.0"\n'
        '10.0.0.9 - alice [20/Nov/2026:14:05:04 +0800] "GET /api/orders/7 HTTP/1.1" 404 12\n'
        '::1 - - [20/Nov/2026:06:05:05 +0000] "GET /health HTTP/1.1" 200 2 "-" "curl/8.5.0" 0.002\n'
        '10.0.0.9 - - [20/Nov/2026:14:05:06 +0800] "-" 400 0 "-" "-"\n'
    )
    rows, layout, _, _ = _ingest(tmp_path, text, name="gateway-access.log")
    assert layout == "http-access"
    assert list(rows["level"]) == ["ERROR", "WARN", "INFO", "WARN"]
    assert [_utc(rows, i) for i in range(3)] == [
        datetime(2026, 11, 20, 6, 5, s, tzinfo=UTC) for s in (3, 4, 5)]
    assert rows["message"][0].startswith('"POST /api/orders HTTP/1.1" 504')


def test_nginx_and_apache_error_logs(tmp_path: Path) -> None:
    rows, layout, _, _ = _ingest(tmp_path, (
        "2026/11/20 14:05:03 [error] 31#31: *9 upstream timed out (110: Connection timed out) while reading "
        'response header from upstream, client: 10.0.0.9, request: "POST /api/orders HTTP/1.1"\n'
        "2026/11/20 14:05:04 [warn] 31#31: *10 an upstream response is buffered to a temporary file\n"
        "2026/11/20 14:05:05 [crit] 31#31: *11 connect() failed\n"
    ))
    assert layout == "nginx-error"
    assert list(rows["level"]) == ["ERROR", "WARN", "FATAL"] and rows["thread"][0] == "31#31"
    assert _utc(rows, 0) == datetime(2026, 11, 20, 6, 5, 3, tzinfo=UTC)

    rows, layout, _, _ = _ingest(tmp_path, (
        "[Thu Nov 20 14:05:03.117000 2026] [proxy:error] [pid 4242:tid 77] [client 10.0.0.9:51234] AH00898: "
        "Error reading from remote server\n"
        "[Thu Nov 20 14:05:04 2026] [notice] [pid 4242] AH00094: Command line: 'httpd -D FOREGROUND'\n"
    ), name="error_log")
    assert layout == "apache-error"
    assert list(rows["level"]) == ["ERROR", "INFO"] and rows["thread"][0] == "4242"
    assert rows["message"][0] == "AH00898: Error reading from remote server"
    assert _utc(rows, 0) == datetime(2026, 11, 20, 6, 5, 3, 117_000, tzinfo=UTC)


def test_tomcat_lines_keep_their_stack_traces(tmp_path: Path) -> None:
    text = (
        "20-Nov-2026 14:05:03.117 SEVERE [http-nio-8080-exec-1] org.apache.catalina.core.StandardWrapperValve.invoke "
        "Servlet.service() threw exception\n" + JAVA_TRACE +
        "20-Nov-2026 14:05:04.002 WARNING [main] org.apache.catalina.startup.HostConfig.deployWAR slow deploy\n"
        "20-Nov-2026 14:05:05.000 FINE [main] org.apache.x.Y tick\n"
    )
    rows, layout, store, inc = _ingest(tmp_path, text, name="catalina.out")
    assert layout == "tomcat"
    assert list(rows["level"]) == ["ERROR", "WARN", "DEBUG"]
    assert rows["logger"][0] == "org.apache.catalina.core.StandardWrapperValve.invoke"
    assert rows["message"][0] == "Servlet.service() threw exception"
    exc = store.list_exceptions(inc.id)[0]
    assert exc.exc_type == "java.lang.IllegalStateException" and exc.frames[0].line == 53


def test_logfmt_and_python_logging(tmp_path: Path) -> None:
    rows, layout, _, _ = _ingest(tmp_path, (
        'time="2026-11-20T14:05:03+08:00" level=error msg="lock wait timeout" order=7\n'
        'time="2026-11-20T14:05:04+08:00" level=warning msg=retrying\n'
    ))
    assert layout == "logfmt"
    assert list(rows["level"]) == ["ERROR", "WARN"]
    assert rows["message"][0] == '"lock wait timeout" order=7'

    rows, layout, store, inc = _ingest(tmp_path, (
        "2026-11-20 14:05:03,117 - shop.orders - ERROR - payment failed\n"
        "Traceback (most recent call last):\n"
        '  File "/srv/shop/orders.py", line 42, in pay\n'
        "    charge(order)\n"
        "ValueError: amount must be positive\n"
        "2026-11-20 14:05:04,000 - shop.orders - INFO - ok\n"
    ), name="py.log")
    assert layout == "python-logging"
    assert list(rows["logger"]) == ["shop.orders", "shop.orders"] and list(rows["level"]) == ["ERROR", "INFO"]
    assert store.list_exceptions(inc.id)[0].exc_type == "ValueError"


def test_slashed_dates_and_bracketed_stamps_parse_in_the_generic_layout(tmp_path: Path) -> None:
    rows, layout, _, _ = _ingest(tmp_path,
                                 "[2026/11/20 14:05:03.250] worker-3 ERROR: boom\n2026/11/20 14:05:04 INFO ok\n")
    assert layout == "generic"
    assert list(rows["level"]) == ["ERROR", "INFO"]
    assert _utc(rows, 0) == datetime(2026, 11, 20, 6, 5, 3, 250_000, tzinfo=UTC)


def test_json_lines_with_epoch_timestamps(tmp_path: Path) -> None:
    instant = datetime(2026, 11, 20, 6, 5, 3, tzinfo=UTC)
    seconds = instant.timestamp()
    lines = [
        {"ts": seconds, "level": "error", "msg": "s"},
        {"ts": seconds + 0.5, "level": "info", "msg": "fraction"},
        {"timestamp": int(seconds * 1000), "level": "info", "msg": "ms"},
        {"time": str(int(seconds * 1_000_000)), "level": "info", "msg": "us"},
        {"@timestamp": "2026-11-20T06:05:03Z", "level": "info", "msg": "iso"},
    ]
    rows, layout, _, _ = _ingest(tmp_path, "".join(json.dumps(x) + "\n" for x in lines), name="app.jsonl")
    assert layout == "json-lines"
    assert [_utc(rows, i) for i in range(5)] == [instant, instant + timedelta(seconds=0.5), instant, instant, instant]


def test_a_chosen_format_overrides_detection(tmp_path: Path) -> None:
    # An rsyslog line whose message has a level word: detection prefers syslog-iso; generic can be forced.
    text = "2026-11-20T14:05:03+08:00 shop-7 app[1]: processing ERROR queue\n"
    _, layout, _, _ = _ingest(tmp_path, text)
    assert layout == "syslog-iso"
    rows, layout, _, _ = _ingest(tmp_path, text, log_format="generic")
    assert layout == "generic" and rows["level"][0] == "ERROR"


@pytest.mark.parametrize(("log_format", "needle"), [
    ("syslog", "matches the log format 'syslog'"),
    ("json-lines", "is a JSON object"),
    ("nonsense", "Unknown log format 'nonsense'"),
])
def test_a_wrong_chosen_format_is_a_clear_error_that_writes_nothing(
        tmp_path: Path, log_format: str, needle: str) -> None:
    store, inc = _incident()
    path = tmp_path / "app.log"
    path.write_text("2026-11-20 14:05:03.117 ERROR [exec-2] [] c.a.s.Api - boom\n", encoding="utf-8")
    with pytest.raises(IngestError, match=needle):
        ingest_log_file(store, inc, path, log_format=log_format)
    assert store.query_df("SELECT count(*) AS n FROM log_lines")["n"][0] == 0
    assert store.list_assets(inc.id) == []


def test_unknown_text_says_which_layouts_are_known(tmp_path: Path) -> None:
    store, inc = _incident()
    path = tmp_path / "notes.log"
    path.write_text("just some prose\nwith no timestamps at all\n", encoding="utf-8")
    with pytest.raises(IngestError, match="syslog, nginx or Apache"):
        ingest_log_file(store, inc, path)


@pytest.mark.parametrize(("line", "layout", "level"), [
    # Python's "%(levelname)s %(name)s:"
    ("2026-11-20 14:05:03,117 ERROR shop.orders: payment failed", "generic", "ERROR"),
    ("2026-11-20T14:05:03.117Z ERROR app: boom", "generic", "ERROR"),  # not a host named ERROR
    ("2026-11-20T14:05:03.117Z shop-7 app[3]: boom", "syslog-iso", "INFO"),
])
def test_a_level_word_where_syslog_has_its_host_is_not_syslog(
        tmp_path: Path, line: str, layout: str, level: str) -> None:
    rows, found, _, _ = _ingest(tmp_path, line + "\n" + line + "\n")
    assert (found, rows["level"][0]) == (layout, level)


def test_spark_and_compact_hadoop_stamps(tmp_path: Path) -> None:
    rows, layout, _, _ = _ingest(tmp_path, (
        "17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers\n"
        "17/06/09 20:10:41 ERROR executor.Executor: Exception in task 0.0 in stage 1.0 (TID 1)\n"
    ), started_at=datetime(2017, 6, 9, 20, 11, tzinfo=CST))
    assert layout == "log4j-spark"
    assert list(rows["level"]) == ["INFO", "ERROR"] and rows["logger"][1] == "executor.Executor"
    assert _utc(rows, 1) == datetime(2017, 6, 9, 12, 10, 41, tzinfo=UTC)

    rows, layout, _, _ = _ingest(tmp_path, (
        "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating\n"
        "081109 203807 222 WARN dfs.FSNamesystem: BLOCK* NameSystem.delete: blk_1 is added to invalidSet\n"
    ), started_at=datetime(2008, 11, 9, 20, 40, tzinfo=CST))
    assert layout == "hadoop-compact"
    assert list(rows["thread"]) == ["148", "222"] and rows["logger"][0] == "dfs.DataNode$PacketResponder"
    assert _utc(rows, 0) == datetime(2008, 11, 9, 12, 36, 15, tzinfo=UTC)


LOGHUB = Path(__file__).resolve().parents[2] / "shared" / "data" / "loghub2k"


@pytest.mark.parametrize(("system", "layout"), [
    ("Apache", "apache-error"), ("HDFS", "hadoop-compact"), ("Hadoop", "generic"), ("OpenSSH", "syslog"),
    ("Spark", "log4j-spark"), ("Zookeeper", "generic"), ("BGL", None), ("HPC", None),
])
def test_loghub_samples_ingest_with_their_layout_or_a_clear_refusal(system: str, layout: str | None) -> None:
    sample = LOGHUB / system / f"{system}_2k.log"
    if not sample.exists():
        pytest.skip(f"Loghub-2k samples not found at {LOGHUB}")
    store, inc = _incident()
    if layout is None:
        with pytest.raises(IngestError, match="does not look like a log"):
            ingest_log_file(store, inc, sample)
        return
    result = ingest_log_file(store, inc, sample)
    stamped = store.query_df("SELECT count(ts) AS n FROM log_lines")["n"][0]
    assert (result.layout, result.entries, stamped) == (layout, 2000, 2000)
