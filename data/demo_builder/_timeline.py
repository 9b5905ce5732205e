"""Fixed moments and traffic shape of the demo incident (local time of the cluster, UTC+08:00)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

__all__ = [
    "FLASH_ROUNDS",
    "FLASH_SALE_AT",
    "HOT_SKUS",
    "LOCK_WAIT_TIMEOUT_S",
    "POD",
    "POOL_SIZE",
    "POOL_TIMEOUT_S",
    "PREVIEW_END",
    "PREVIEW_START",
    "SEED",
    "SERVING_AGAIN_AT",
    "SHUTDOWN_AT",
    "SLOW_QUERY_S",
    "STARTED_APP_AT",
    "STARTED_AT",
    "STORM_START",
    "TRAFFIC",
    "VERSION_AFTER",
    "VERSION_BEFORE",
    "WINDOW_END",
    "WINDOW_START",
    "ZONE",
    "local",
]

ZONE = timezone(timedelta(hours=8), "Asia/Shanghai")
SEED = 20261120


def local(hms: str) -> datetime:
    """A wall-clock time on the incident day, e.g. local("14:05:00")."""
    return datetime.fromisoformat(f"2026-11-20T{hms}").replace(tzinfo=ZONE)


STARTED_AT = local("14:05:00")          # the 5xx alert fired; the incident's start
WINDOW_START = local("11:00:00")        # first line of every runtime asset
WINDOW_END = local("14:50:00")          # last line (the incident is still going on)
SHUTDOWN_AT = local("12:40:02.114")     # v1.6.2 pod stops for the v1.7.0 rollout
STARTED_APP_AT = local("12:40:27.612")  # "Started ShopApplication" of v1.7.0
SERVING_AGAIN_AT = local("12:40:28.100")
STORM_START = local("11:22:40")         # config center unreachable from here on (unrelated)
PREVIEW_START = local("13:20:00")       # members-only preview of the flash sale
PREVIEW_END = local("13:25:00")
FLASH_SALE_AT = local("14:00:00")       # flash sale opens

VERSION_BEFORE = "v1.6.2"
VERSION_AFTER = "v1.7.0"
POD = "order-service-0"
POOL_SIZE = 30
POOL_TIMEOUT_S = 30.0
LOCK_WAIT_TIMEOUT_S = 50.0              # innodb_lock_wait_timeout (MySQL default)
SLOW_QUERY_S = 2.0                      # long_query_time of the shop database

HOT_SKUS = ("SKU-FS-1001", "SKU-FS-1002")

# The flash sale runs in rounds: each opens with a rush for the two flash-sale SKUs, then calms down.
FLASH_ROUNDS = (local("14:00:00"), local("14:15:00"), local("14:30:00"), local("14:45:00"))

# (from, to, placed orders per second, share of orders with a flash-sale SKU, warehouse median seconds)
TRAFFIC: tuple[tuple[datetime, datetime, float, float, float], ...] = (
    (local("11:00:00"), local("12:00:00"), 0.08, 0.08, 0.30),
    (local("12:00:00"), local("13:00:00"), 0.11, 0.08, 0.30),
    (local("13:00:00"), PREVIEW_START, 0.09, 0.12, 0.35),
    (PREVIEW_START, PREVIEW_END, 0.50, 0.95, 1.80),
    (PREVIEW_END, FLASH_SALE_AT, 0.10, 0.20, 0.40),
    (local("14:00:00"), local("14:03:30"), 0.85, 0.95, 2.30),
    (local("14:03:30"), local("14:15:00"), 0.18, 0.60, 1.40),
    (local("14:15:00"), local("14:17:30"), 0.55, 0.95, 2.10),
    (local("14:17:30"), local("14:30:00"), 0.18, 0.60, 1.40),
    (local("14:30:00"), local("14:32:30"), 0.55, 0.95, 2.10),
    (local("14:32:30"), local("14:45:00"), 0.18, 0.60, 1.40),
    (local("14:45:00"), local("14:47:30"), 0.55, 0.95, 2.10),
    (local("14:47:30"), WINDOW_END, 0.18, 0.60, 1.40),
)
