"""Stack trace parsing: Java chains with Caused by / Suppressed / ... N more, Python tracebacks."""

from __future__ import annotations

from core.ingest.logs import fingerprint, parse_trace

JAVA = """\
org.springframework.dao.CannotAcquireLockException: could not execute statement; SQL [n/a]
\tat org.springframework.orm.jpa.vendor.HibernateJpaDialect.convert(HibernateJpaDialect.java:262)
\tat jdk.proxy2/jdk.proxy2.$Proxy123.findBySkuForUpdate(Unknown Source)
\tat app//com.acme.shop.inventory.application.InventoryService.reserveStock(InventoryService.java:57)
\tat com.acme.shop.inventory.application.InventoryService$$SpringCGLIB$$0.reserveStock(<generated>)
\tat com.acme.shop.order.application.OrderApplicationService.placeOrder(OrderApplicationService.java:48)
\tSuppressed: java.lang.IllegalStateException: rollback failed
\t\tat com.acme.shop.Other.thing(Other.java:1)
Caused by: org.hibernate.exception.LockAcquisitionException: could not execute statement
\tat org.hibernate.exception.internal.SQLStateConversionDelegate.convert(SQLStateConversionDelegate.java:120)
\t... 87 more
Caused by: java.sql.SQLTransactionRollbackException: Lock wait timeout exceeded; try restarting transaction
\tat com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:123)
\t... 95 more
"""


def test_java_chain_frames_and_in_app_detection() -> None:
    trace = parse_trace(JAVA.splitlines())
    assert trace is not None
    assert [c.exc_type.rsplit(".", 1)[-1] for c in trace.causes] == [
        "CannotAcquireLockException", "LockAcquisitionException", "SQLTransactionRollbackException"]
    assert trace.root.message.startswith("Lock wait timeout exceeded")
    in_app = [(f.class_name.rsplit(".", 1)[-1], f.line) for f in trace.frames if f.in_app]
    # Module prefixes are stripped; proxies and CGLIB classes are not our code.
    assert in_app == [("InventoryService", 57), ("OrderApplicationService", 48)]
    assert {f.cause_index for f in trace.frames} == {0, 1, 2}


def test_fingerprint_ignores_line_numbers_but_not_the_code_path() -> None:
    a = parse_trace(JAVA.splitlines())
    b = parse_trace(JAVA.replace("InventoryService.java:57", "InventoryService.java:61").splitlines())
    c = parse_trace(JAVA.replace("reserveStock", "releaseStock").splitlines())
    assert a and b and c
    assert fingerprint(a) == fingerprint(b) != fingerprint(c)


def test_python_traceback_with_a_cause() -> None:
    text = """\
Traceback (most recent call last):
  File "/srv/app/orders.py", line 10, in load
    row = db.fetch(order_id)
KeyError: 'order-1'

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/srv/app/api.py", line 42, in create
    load(order_id)
  File "/usr/lib/python3.11/site-packages/lib/x.py", line 3, in wrap
    raise
ValueError: cannot load order
"""
    trace = parse_trace(text.splitlines())
    assert trace is not None and trace.language == "python"
    assert [c.exc_type for c in trace.causes] == ["ValueError", "KeyError"]
    innermost_outer = [f for f in trace.frames if f.cause_index == 0]
    assert innermost_outer[0].in_app is False and innermost_outer[1].line == 42


def test_plain_text_is_not_a_trace() -> None:
    assert parse_trace(["just a message", "and another"]) is None
