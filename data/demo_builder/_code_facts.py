"""Line numbers of the call sites that stack frames point at, read from the generated sources."""

from __future__ import annotations

from dataclasses import dataclass

import git

__all__ = ["SITES", "CallSite", "call_sites"]

_JAVA = "src/main/java/"


@dataclass(frozen=True)
class CallSite:
    """A line inside a method of the demo code, as a JVM stack frame would name it."""

    path: str
    class_name: str
    method: str
    line: int
    code: str

    @property
    def frame(self) -> str:
        return f"{self.class_name}.{self.method}({self.path.rsplit('/', 1)[1]}:{self.line})"


# key -> (class, method, unique text of the line). The text is looked up, never a hard-coded number.
SITES: dict[str, tuple[str, str, str]] = {
    "reserve_lock": ("com.acme.shop.inventory.application.InventoryService", "reserveStock",
                     "inventoryItemRepository.findBySkuForUpdate("),
    "place_reserve": ("com.acme.shop.order.application.OrderApplicationService", "placeOrder",
                      "inventoryService.reserveStock("),
    "create_place": ("com.acme.shop.order.interfaces.rest.OrderController", "create",
                     "orderApplicationService.placeOrder("),
    "get_order": ("com.acme.shop.order.interfaces.rest.OrderController", "get",
                  "orderApplicationService.getOrder("),
    "inventory_get": ("com.acme.shop.inventory.interfaces.rest.InventoryController", "get",
                      "inventoryItemRepository.findBySku("),
    "access_filter": ("com.acme.shop.shared.infrastructure.web.AccessLogFilter", "doFilterInternal",
                      "filterChain.doFilter("),
    "pay_controller": ("com.acme.shop.payment.interfaces.rest.PaymentController", "pay",
                       "paymentApplicationService.pay("),
    "pay_charge": ("com.acme.shop.payment.application.PaymentApplicationService", "pay",
                   "gateway.charge("),
    "adapter_create_charge": ("com.acme.shop.payment.infrastructure.PayGateClientAdapter", "charge",
                              "client.createCharge("),
    "adapter_throw_timeout": ("com.acme.shop.payment.infrastructure.PayGateClientAdapter", "charge",
                              'throw new PaymentGatewayException("PayGate charge timed out'),
    "job_expire": ("com.acme.shop.inventory.application.ReservationExpiryJob", "run",
                   "inventoryService.expireReservations("),
}


def _path_of(class_name: str) -> str:
    return _JAVA + class_name.replace(".", "/") + ".java"


def call_sites(repo: git.Repo, sha: str) -> dict[str, CallSite]:
    """Resolve the sites of SITES that exist in the sources of commit `sha` (older commits lack some).

    Raises:
        ValueError: when a site's text appears more than once in its file.
    """
    found: dict[str, CallSite] = {}
    for key, (class_name, method, needle) in SITES.items():
        path = _path_of(class_name)
        lines = (repo.commit(sha).tree / path).data_stream.read().decode("utf-8").splitlines()
        hits = [number for number, text in enumerate(lines, start=1) if needle in text]
        if not hits:
            continue
        if len(hits) > 1:
            raise ValueError(f"{path}@{sha[:8]}: expected one line with {needle!r}, found {hits}")
        found[key] = CallSite(path, class_name, method, hits[0], lines[hits[0] - 1].strip())
    return found
