"""Business content of simulated requests: customers, SKUs, order and payment numbers."""

from __future__ import annotations

import random
from datetime import datetime
from typing import TYPE_CHECKING

from . import _timeline as tl

if TYPE_CHECKING:
    from ._traffic import Request

__all__ = ["CATALOG", "describe"]

CATALOG: dict[str, tuple[str, str]] = {  # sku -> (unit price, warehouse)
    "SKU-100231": ("19.90", "WH-SH-02"), "SKU-100877": ("5.00", "WH-SH-02"), "SKU-101204": ("129.00", "WH-BJ-01"),
    "SKU-101566": ("59.90", "WH-SH-02"), "SKU-102013": ("9.90", "WH-GZ-01"), "SKU-102340": ("249.00", "WH-BJ-01"),
    "SKU-102781": ("39.00", "WH-SH-02"), "SKU-103055": ("15.80", "WH-GZ-01"), "SKU-103492": ("89.00", "WH-SH-02"),
    "SKU-104118": ("299.00", "WH-BJ-01"), "SKU-104560": ("12.50", "WH-GZ-01"), "SKU-105007": ("45.00", "WH-SH-02"),
    "SKU-FS-1001": ("199.00", "WH-SH-01"), "SKU-FS-1002": ("99.00", "WH-SH-01"),
}
_NORMAL_SKUS = [s for s in CATALOG if not s.startswith("SKU-FS-")]


def _local_text(moment: float, fmt: str) -> str:
    return datetime.fromtimestamp(moment, tl.ZONE).strftime(fmt)


def describe(rng: random.Random, r: Request, hot_share: float, flash_sale: bool) -> None:
    """Fill in the business content of `r`: who, what, which route.

    `hot_share` is the share of orders with a flash-sale SKU at that moment; `flash_sale` whether a
    sale round is on (storefront stock queries then focus on the sale SKUs).
    """
    r.customer_id = rng.randint(10001, 99999)
    if r.kind == "place_order":
        r.method, r.route, r.path = "POST", "/api/orders", "/api/orders"
        lines: list[str] = []
        if rng.random() < hot_share:
            if rng.random() < 0.72:
                lines.append("SKU-FS-1001")
            if not lines or rng.random() < 0.35:
                lines.append("SKU-FS-1002")
            if rng.random() < 0.25:
                lines.insert(rng.randint(0, len(lines)), rng.choice(_NORMAL_SKUS))
        else:
            lines = rng.sample(_NORMAL_SKUS, rng.choices((1, 2, 3), (0.55, 0.3, 0.15))[0])
        r.lines = [(sku, 1 if sku.startswith("SKU-FS-") else rng.randint(1, 3), CATALOG[sku][0]) for sku in lines]
        r.order_no = "SO" + _local_text(r.arrival, "%Y%m%d%H%M%S") + f"{rng.randint(0, 9999):04d}"
        total = sum(float(price) * quantity for _, quantity, price in r.lines)
        r.amount = f"{total:.2f}"
    elif r.kind == "pay":
        r.method, r.route, r.path = "POST", "/api/payments", "/api/payments"
        r.payment_no = "PAY" + f"{rng.getrandbits(80):020X}"
        r.order_no = "SO" + _local_text(r.arrival - rng.uniform(20, 240),
                                        "%Y%m%d%H%M%S") + f"{rng.randint(0, 9999):04d}"
        r.amount = rng.choice(("19.90", "59.90", "99.00", "129.00", "199.00", "249.00", "298.00", "45.00"))
    elif r.kind == "get_order":
        r.order_no = "SO" + _local_text(r.arrival - rng.uniform(60, 3600),
                                        "%Y%m%d%H%M%S") + f"{rng.randint(0, 9999):04d}"
        r.method, r.route, r.path = "GET", "/api/orders/{orderNo}", f"/api/orders/{r.order_no}"
    elif r.kind == "get_inventory":
        r.sku = rng.choice(list(CATALOG)) if not flash_sale else rng.choice(
            ("SKU-FS-1001", "SKU-FS-1001", "SKU-FS-1002", *_NORMAL_SKUS[:3]))
        r.method, r.route, r.path = "GET", "/api/inventory/{sku}", f"/api/inventory/{r.sku}"
    elif r.kind == "callback":
        r.method, r.route, r.path = "POST", "/api/payments/callback", "/api/payments/callback"
        r.payment_no = "PAY" + f"{rng.getrandbits(80):020X}"
        r.order_no = "SO" + _local_text(r.arrival - rng.uniform(30, 600),
                                        "%Y%m%d%H%M%S") + f"{rng.randint(0, 9999):04d}"
    elif r.kind == "bad_request":
        r.method, r.route, r.path = "POST", "/api/orders", "/api/orders"
