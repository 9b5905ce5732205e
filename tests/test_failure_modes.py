"""The failure-mode model: the mechanism comes from the whole picture, and "unknown" when nothing fits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.agents.failure_modes import _UNKNOWN, MODES, UNKNOWN_BELOW, classify
from core.fusion.facts import ChangeCandidate, ChangeLink, ErrorGroup, FusedContext
from core.fusion.runtime_rules import MetricFinding, RuntimeFindings
from core.i18n import has, text
from core.schema import Incident

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def _ctx(root: str, message: str = "", chain: tuple[str, ...] = (), anomalies: tuple[str, ...] = (),
         link: str | None = None) -> FusedContext:
    incident = Incident(id="INC-1", title="t", severity="high", started_at=NOW, service="s", created_at=NOW)
    group = ErrorGroup(fingerprint="f", exc_type=(chain or (root,))[0], root_type=root, root_message=message,
                       count=10, before_onset=0, first_seen=NOW, last_seen=NOW, sample_line=1, asset="app.log",
                       chain=list(chain or (root,)), evidence_id="E1")
    runtime = RuntimeFindings(reference=NOW, reference_kind="error onset", anomalies=[
        MetricFinding(metric=m, direction="up", baseline=1.0, peak=10.0, evidence_id=f"E{9 + i}")
        for i, m in enumerate(anomalies)])
    suspects = []
    if link:
        suspects = [ChangeCandidate(sha="a" * 40, author="x", message="m", authored_at=NOW, minutes_before_start=60,
                                    links=[ChangeLink(kind=link, strength=0.9, text="t", path="p")], score=0.9)]  # type: ignore[arg-type]
    return FusedContext(incident=incident, groups=[group], runtime=runtime, suspects=suspects)


@pytest.mark.parametrize(("root", "message", "expected"), [
    ("java.lang.NullPointerException", "Cannot invoke \"Pet.getName()\" because \"pet\" is null", "null-dereference"),
    ("java.lang.NumberFormatException", "For input string: \"12a\"", "bad-input"),
    ("java.lang.ArrayIndexOutOfBoundsException", "Index 5 out of bounds for length 5", "index-bounds"),
    ("java.lang.ClassCastException", "class java.util.LinkedHashMap cannot be cast to class Member", "class-cast"),
    ("java.net.SocketTimeoutException", "Read timed out", "downstream"),
    ("java.lang.NoSuchMethodError", "'void a.b.C.d()'", "missing-class-or-method"),
    ("java.util.concurrent.RejectedExecutionException", "Task rejected from pool", "thread-pool-rejection"),
    ("java.lang.OutOfMemoryError", "Java heap space", "memory"),
    ("java.lang.StackOverflowError", "", "recursion"),
])
def test_the_root_cause_decides_the_mode(root: str, message: str, expected: str) -> None:
    assert classify(_ctx(root, message)).mode.key == expected


def test_root_cause_outweighs_the_wrapper() -> None:
    """A wrapper exception (a servlet or framework one) is not the mechanism; its root cause is."""
    ctx = _ctx("java.lang.NullPointerException",
               chain=("org.x.web.NestedServletException", "java.lang.NullPointerException"))
    assert classify(ctx).mode.key == "null-dereference"


def test_runtime_signals_support_pool_exhaustion() -> None:
    plain = classify(_ctx("java.sql.SQLTransientConnectionException", "HikariPool-1 - Connection is not available"))
    backed = classify(_ctx("java.sql.SQLTransientConnectionException", "HikariPool-1 - Connection is not available",
                           anomalies=("hikari.pending",)))
    assert plain.mode.key == backed.mode.key == "pool-exhaustion"
    assert backed.score > plain.score and "E9" in backed.evidence


def test_an_exception_nobody_knows_is_an_unknown_mechanism() -> None:
    verdict = classify(_ctx("com.example.billing.LedgerRefusedException", "entry 7 refused"))
    assert not verdict.known and verdict.score < UNKNOWN_BELOW
    assert "does not show" in verdict.mechanism("en") and "未能说明" in verdict.mechanism("zh")


def test_swapping_the_exception_changes_the_story() -> None:
    """The mechanism follows the evidence: the same incident with another exception is explained differently."""
    lock = classify(_ctx("com.mysql.cj.jdbc.exceptions.MySQLTransactionRollbackException",
                         "Lock wait timeout exceeded"))
    npe = classify(_ctx("java.lang.NullPointerException"))
    timeout = classify(_ctx("java.net.SocketTimeoutException", "Read timed out"))
    assert (lock.mode.key, npe.mode.key, timeout.mode.key) == ("lock-wait", "null-dereference", "downstream")
    assert "lock" not in npe.mechanism("en") and "lock" not in timeout.mechanism("en")


def test_traffic_surge_only_without_a_guilty_change() -> None:
    surge = classify(_ctx("com.example.Unclear", anomalies=("http.rate",)))
    assert surge.mode.key == "traffic-surge"
    blamed = classify(_ctx("com.example.Unclear", anomalies=("http.rate",), link="config"))
    assert blamed.mode.key != "traffic-surge"


def test_every_mode_is_worded_in_both_languages() -> None:
    for mode in (*MODES, _UNKNOWN):
        for field in ("mechanism", "fix"):
            key = f"mode.{mode.key}.{field}"
            assert has(key), key
            assert text(key, "en") != text(key, "zh"), key
