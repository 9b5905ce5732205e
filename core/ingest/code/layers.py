"""The DDD layer and bounded context a package names: one rule set for the symbol index and for stack frames.

A package names its layer with a segment such as ``domain``, ``application``, ``infrastructure`` or
``interfaces``. Those words are *strong*: they say nothing else. Words like ``service``, ``web``, ``model``
or ``app`` are *weak*: they also appear as plain names (``com.example.service.payment.domain``), so they
count only when no strong word is present. The bounded context is the segment before the layer segment,
never part of the organisation's reverse-domain prefix (``com.example.web`` has a layer, not a context).
"""

from __future__ import annotations

__all__ = ["LAYERS", "bounded_context_of", "layer_of", "package_of"]

LAYERS = ("interface", "application", "domain", "infrastructure")

_STRONG = {"domain": "domain", "application": "application", "infrastructure": "infrastructure",
           "interfaces": "interface", "interface": "interface", "adapter": "infrastructure",
           "adapters": "infrastructure", "usecase": "application", "usecases": "application", "port": "application",
           "ports": "application"}
_WEAK = {"web": "interface", "rest": "interface", "api": "interface", "controller": "interface",
         "controllers": "interface", "service": "application", "services": "application", "app": "application",
         "model": "domain", "infra": "infrastructure", "persistence": "infrastructure",
         "repository": "infrastructure", "repositories": "infrastructure"}
# First segments of reverse-domain package names (plus any two-letter country code): with them, the first two
# segments name the organisation, not a bounded context.
_TOP_LEVEL = {"com", "org", "net", "io", "edu", "gov", "mil", "int", "biz", "info"}


def package_of(class_name: str) -> str:
    """The package of a fully qualified class name: ``com.example.billing.Invoice$Line`` → ``com.example.billing``."""
    return class_name.rpartition(".")[0]


def _organisation_length(parts: list[str]) -> int:
    first = parts[0].lower() if parts else ""
    return 2 if len(parts) > 2 and (first in _TOP_LEVEL or (len(first) == 2 and first.isalpha())) else 0


def _layer_segment(package: str) -> tuple[int, str] | None:
    """(index, layer) of the segment that names the layer: the first strong word, else the first weak one."""
    parts = package.split(".")
    start = max(1, _organisation_length(parts))  # the organisation's own segments name no layer
    for table in (_STRONG, _WEAK):
        for i in range(start, len(parts)):
            if parts[i].lower() in table:
                return i, table[parts[i].lower()]
    return None


def layer_of(package: str) -> str | None:
    """The DDD layer a package names: interface, application, domain or infrastructure (None if none).

    Args:
        package: a dotted package name (use `package_of` for a class name).
    """
    found = _layer_segment(package)
    return found[1] if found else None


def bounded_context_of(package: str) -> str | None:
    """The segment before the layer segment: ``com.example.shop.billing.application`` → ``billing``.

    Args:
        package: a dotted package name (use `package_of` for a class name).

    Returns:
        The context's name, or None when the package names no layer or the segment before it belongs to
        the organisation's reverse-domain prefix.
    """
    found = _layer_segment(package)
    if found is None:
        return None
    parts = package.split(".")
    before = found[0] - 1
    return parts[before] if before >= _organisation_length(parts) else None
