"""Render repo_template/ files for a set of switched-on flags (the @@since/@@until markers)."""

from __future__ import annotations

import re

__all__ = ["flags_in", "render"]

# A directive is a whole line: a comment opener, @@since FLAG / @@until FLAG / @@end, optional closer.
_DIRECTIVE = re.compile(r"^\s*(?://|#|<!--)\s*@@(since|until|end)\b[ \t]*([\w.-]*)[ \t]*(?:-->)?[ \t]*$")


def render(text: str, flags: set[str], name: str = "<template>") -> str:
    """Keep the lines whose enclosing blocks are all active for `flags`; drop the marker lines.

    Raises:
        ValueError: on an unbalanced or flag-less marker, naming the file and line.
    """
    kept: list[str] = []
    active: list[bool] = []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        match = _DIRECTIVE.match(line)
        if match is None:
            if all(active):
                kept.append(line)
            continue
        kind, flag = match.groups()
        if kind == "end":
            if not active:
                raise ValueError(f"{name}:{number}: @@end without an open block")
            active.pop()
        elif not flag:
            raise ValueError(f"{name}:{number}: @@{kind} needs a flag name")
        else:
            active.append((flag in flags) if kind == "since" else (flag not in flags))
    if active:
        raise ValueError(f"{name}: {len(active)} block(s) not closed with @@end")
    return "".join(kept)


def flags_in(text: str) -> set[str]:
    """Every flag a template mentions (used to check the commit plan switches each one on)."""
    found: set[str] = set()
    for line in text.splitlines():
        match = _DIRECTIVE.match(line)
        if match and match.group(2):
            found.add(match.group(2))
    return found
