"""The demo's answer key, derived from a built bundle and the commit plan (for tests only)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import git
import yaml

from . import _timeline as tl
from ._app_log import TEMPLATES
from ._code_facts import call_sites
from ._codeowners import owners_of

__all__ = ["answer_key"]


def _iso(moment: datetime) -> str:
    local = moment.astimezone(tl.ZONE)
    return local.isoformat(timespec="milliseconds" if local.microsecond else "seconds")


def answer_key(bundle_dir: Path, plan_path: Path) -> dict[str, Any]:
    """What a correct analysis of the bundle at `bundle_dir` concludes, with the facts behind it."""
    repo = git.Repo(bundle_dir / "repo")
    try:
        plan = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
        commits = list(repo.iter_commits("main"))
        by_subject = {c.summary: c for c in commits}

        def planned(role: str) -> list[git.Commit]:
            return [by_subject[e["message"].splitlines()[0]] for e in plan["commits"] if e.get("role") == role]

        (bug,) = planned("root_cause")
        distractors = [*planned("distractor_near"), *planned("after_start")]
        head_before = max((c for c in commits if c.authored_datetime < tl.STARTED_AT),
                          key=lambda c: c.authored_datetime)
        sites = call_sites(repo, head_before.hexsha)
        lock = sites["reserve_lock"]
        codeowners = (head_before.tree / ".github/CODEOWNERS").data_stream.read().decode("utf-8")
        tags = {t.name: t for t in repo.tags}
        release, previous = tags[tl.VERSION_AFTER], tags[tl.VERSION_BEFORE]

        def describe(commit: git.Commit, role: str) -> dict[str, Any]:
            return {"sha": commit.hexsha, "role": role, "author": commit.author.name,
                    "at": _iso(commit.authored_datetime), "subject": commit.summary,
                    "files": sorted(commit.stats.files)}

        return {
            "incident_started_at": _iso(tl.STARTED_AT),
            "service": "order-service",
            "root_cause_file": lock.path,
            "root_cause_line": lock.line,
            "root_cause_code": lock.code,
            "root_cause_symbol": f"{lock.class_name}.{lock.method}",
            "root_cause_summary": (
                "v1.7.0 changed InventoryService.reserveStock to lock every inventory_item row with "
                "SELECT ... FOR UPDATE (InventoryItemRepository.findBySkuForUpdate) inside the place-order "
                "transaction and to call the slow warehouse gateway while holding the lock. Under flash-sale "
                "load orders queue on the hot SKU rows: lock wait timeouts (MySQL 1205) after 50 s, and the "
                "waiting transactions hold Hikari connections until the pool is exhausted."
            ),
            "bug_commit_sha": bug.hexsha,
            "bug_commit_author": bug.author.name,
            "bug_commit_email": bug.author.email,
            "bug_commit_at": _iso(bug.authored_datetime),
            "bug_commit_message": bug.summary,
            "release_tag": release.name,
            "released_at": _iso(datetime.fromtimestamp(release.tag.tagged_date, tl.ZONE)),
            "deployed_at": _iso(tl.STARTED_APP_AT),
            "rollback_to": previous.name,
            "head_before_incident_sha": head_before.hexsha,
            "distractor_commit_shas": [c.hexsha for c in distractors],
            "distractor_commits": [describe(c, r) for c, r in zip(
                distractors, ["distractor_near"] + ["after_start"] * (len(distractors) - 1), strict=False)],
            "responsible_team": owners_of(codeowners, lock.path)[0],
            "bounded_context": lock.path.split("com/acme/shop/")[1].split("/")[0],
            "aggregate": "InventoryItem",
            "affected_endpoint": "POST /api/orders",
            "affected_tables": ["inventory_item"],
            "stack_frames": [
                {"symbol": f"{s.class_name}.{s.method}", "file": s.path, "line": s.line, "code": s.code}
                for s in (sites["reserve_lock"], sites["place_reserve"], sites["create_place"])
            ],
            "exception_type": "org.springframework.dao.PessimisticLockingFailureException",
            "exception_chain": [
                "org.springframework.dao.PessimisticLockingFailureException",
                "org.hibernate.PessimisticLockException",
                "com.mysql.cj.jdbc.exceptions.MySQLTransactionRollbackException",
            ],
            "root_exception_message": "Lock wait timeout exceeded; try restarting transaction",
            "secondary_exception_chain": [
                "org.springframework.transaction.CannotCreateTransactionException",
                "org.hibernate.exception.JDBCConnectionException",
                "java.sql.SQLTransientConnectionException",
            ],
            "error_logger": "com.acme.shop.order.interfaces.rest.OrderController",
            "error_template": TEMPLATES["order_failed"],
            "noise": {
                "warn_storm_logger": "com.acme.config.client.ConfigRefresher",
                "warn_storm_template": TEMPLATES["config_refresh_failed"],
                "warn_storm_started_at": _iso(tl.STORM_START),
                "sdk_deprecation_logger": "com.paygate.sdk.PayGateClient",
                "sdk_deprecation_template": TEMPLATES["paygate_deprecated"],
                "sporadic_error_type": "com.acme.shop.payment.application.PaymentGatewayException",
                "unrelated_slow_sql_user": "report_ro",
            },
            "rejected_hypotheses": [
                (
                    "flash-sale traffic alone: lock timeouts already appear in the small 13:20 members preview, "
                    "40 minutes after the v1.7.0 deploy; the load only exposes the row lock held across a remote call"
                ),
                "memory leak or GC: heap and GC pauses stay flat through the incident",
                "config-center outage: its warnings start at 11:22, hours earlier, at a steady rate",
                "PayGate SDK deprecation warnings and the two PayGate timeouts: unrelated payment noise",
                "the 13:35 OrderController commit: changes a log line, not the failing code, and was never deployed",
                "commits after 14:05 (hotfix, SDK upgrade): they postdate the start",
                "hourly report_ro slow queries: run every hour, also before the incident",
            ],
            "fix": (
                "Roll back to v1.6.2 now. Then remove the pessimistic lock and the warehouse call from the "
                "transaction: reserve with the optimistic @Version check or a conditional UPDATE "
                "(available >= ?), and confirm with the warehouse before the transaction or asynchronously."
            ),
        }
    finally:
        repo.close()
