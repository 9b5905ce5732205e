"""Write runtime/ingress-nginx-access.log: the same requests as seen by the Kubernetes ingress in front of the pod.

ingress-nginx's default `log-format-upstream` is nginx's combined format followed by request
length, request time, upstream name, upstream address, response length, response time, status
and request id. The line is written when the response leaves the ingress, so lines are ordered
by end time. The request id is the trace id, as the ingress propagates it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from . import _timeline as tl
from ._traffic import Simulation

__all__ = ["write_ingress_log"]

_UPSTREAM = "shop-order-service-8080"
_POD_ADDR = "10.42.3.17:8080"
_AGENTS = ("okhttp/4.12.0", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AcmeShop/7.3.1",
           "Mozilla/5.0 (Linux; Android 15) AcmeShop/7.3.0")


def write_ingress_log(path: Path, sim: Simulation) -> int:
    """One combined-format line per HTTP request; returns the number of lines."""
    rows = []
    for r in sim.requests:
        if r.kind == "expiry_job":
            continue
        client = f"10.42.{(int(r.trace_id[:2], 16) % 6) + 1}.{int(r.trace_id[2:4], 16) % 250 + 2}"
        stamp = datetime.fromtimestamp(r.end, tl.ZONE).strftime("%d/%b/%Y:%H:%M:%S %z")
        took = f"{r.duration:.3f}"
        size = 0 if r.failed else 120 + int(r.trace_id[4:7], 16) % 900
        agent = _AGENTS[int(r.trace_id[7], 16) % len(_AGENTS)]
        rows.append((r.end, (
            f'{client} - - [{stamp}] "{r.method} {r.path} HTTP/1.1" {r.status} {size} "-" "{agent}" '
            f"{180 + int(r.trace_id[8:10], 16)} {took} [{_UPSTREAM}] [] {_POD_ADDR} {size} {took} {r.status} "
            f"{r.trace_id}"
        )))
    rows.sort(key=lambda row: row[0])
    path.write_text("\n".join(row for _, row in rows) + "\n", encoding="utf-8")
    return len(rows)
