"""Just enough of GitHub's CODEOWNERS matching for the demo: last matching rule wins."""

from __future__ import annotations

import fnmatch

__all__ = ["owners_of"]


def owners_of(codeowners: str, path: str) -> list[str]:
    """Owners of repo-relative `path` under the rules in `codeowners` (empty when no rule matches)."""
    owners: list[str] = []
    for raw in codeowners.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        pattern, *rule_owners = line.split()
        if _matches(pattern, path):
            owners = rule_owners
    return owners


def _matches(pattern: str, path: str) -> bool:
    if pattern == "*":
        return True
    anchored = pattern.startswith("/")
    pattern = pattern.lstrip("/")
    if pattern.endswith("/"):
        return path.startswith(pattern) if anchored else f"/{pattern}" in f"/{path}"
    if anchored:
        return fnmatch.fnmatch(path, pattern)
    return fnmatch.fnmatch(path.rsplit("/", 1)[-1], pattern) or fnmatch.fnmatch(path, pattern)
