"""Who owns a path: CODEOWNERS files (GitHub/GitLab syntax), later rules winning."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pathspec

from core.errors import IngestError

__all__ = ["CODEOWNERS_LOCATIONS", "OwnershipRule", "owner_of", "parse_codeowners"]

CODEOWNERS_LOCATIONS = ("CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")


@dataclass(frozen=True)
class OwnershipRule:
    pattern: str
    team: str
    source: str

    def matches(self, path: str) -> bool:
        return _spec(self.pattern).match_file(path)


@functools.lru_cache(maxsize=4096)
def _spec(pattern: str) -> pathspec.PathSpec:
    return pathspec.PathSpec.from_lines("gitignore", [pattern])


def parse_codeowners(text: str, source: str) -> list[OwnershipRule]:
    """Parse CODEOWNERS text into rules (first owner of each line is the responsible team).

    Args:
        text: the file's content.
        source: where it came from, e.g. ``design/CODEOWNERS``; each rule records ``source:line``.

    Raises:
        IngestError: a line's pattern is not a valid gitignore-style pattern.
    """
    rules = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "[")):
            continue
        parts = line.split()
        if len(parts) < 2:
            continue  # a pattern with no owner un-assigns it; nothing to record
        try:
            _spec(parts[0])
        except (ValueError, TypeError) as exc:
            raise IngestError(f"{source}:{number}: invalid pattern {parts[0]!r}.") from exc
        rules.append(OwnershipRule(pattern=parts[0], team=parts[1], source=f"{source}:{number}"))
    return rules


def owner_of(rules: Sequence[OwnershipRule], path: str) -> OwnershipRule | None:
    """The rule that owns repo-relative `path` (the last matching one, as GitHub does)."""
    for rule in reversed(rules):
        if rule.matches(path):
            return rule
    return None


def find_codeowners(repo_root: Path | None, design_files: Sequence[Path]) -> list[tuple[Path, str]]:
    """CODEOWNERS files from the design folder and the repo's usual places, with display names."""
    found = [(p, f"design/{p.name}") for p in design_files if p.name == "CODEOWNERS"]
    if repo_root:
        found += [(repo_root / loc, f"repo:{loc}") for loc in CODEOWNERS_LOCATIONS if (repo_root / loc).is_file()]
    return found
