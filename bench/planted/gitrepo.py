"""Clone a pinned commit of a mirror and commit planted history on top, deterministically."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

DEPTH = 400  # real history kept below the planted commits


class BuildError(RuntimeError):
    pass


def git(repo: Path, *args: str, env: dict[str, str] | None = None, input_text: str | None = None) -> str:
    full_env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
                "GIT_TERMINAL_PROMPT": "0", **(env or {})}
    done = subprocess.run(["git", "-C", str(repo), *args], check=False, capture_output=True, text=True, env=full_env,
                          input=input_text)
    if done.returncode != 0:
        raise BuildError(f"git {' '.join(args)} failed in {repo}: {done.stderr.strip()}")
    return done.stdout


@dataclass
class Edit:
    """Replace `old` (must occur exactly once) by `new` in `path`; old=None creates/overwrites the file."""
    path: str
    old: str | None
    new: str


@dataclass
class Commit:
    author: tuple[str, str]
    when: datetime
    message: str
    edits: list[Edit]
    committer: tuple[str, str] | None = None
    key: str = ""          # a name the case uses to find the sha (e.g. "guilty")
    tag: str | None = None  # annotated tag made on this commit (release marker)


@dataclass
class History:
    commits: list[Commit] = field(default_factory=list)
    shas: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


def clone(mirror: Path, base: str, dest: Path) -> None:
    if not (mirror / "objects").is_dir() and not (mirror / ".git").is_dir():
        raise BuildError(f"no git mirror at {mirror}: run the fetch for it first")
    dest.mkdir(parents=True)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "fetch", "-q", "--no-tags", f"--depth={DEPTH}", f"file://{mirror.resolve()}", base)
    git(dest, "checkout", "-q", "-B", "main", base)
    git(dest, "config", "core.autocrlf", "false")


def _apply(repo: Path, edit: Edit) -> None:
    path = repo / edit.path
    if edit.old is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(edit.new.encode("utf-8"))
        return
    text = path.read_bytes().decode("utf-8")
    crlf = "\r\n" in text
    old, new = edit.old, edit.new
    if crlf:
        old, new = old.replace("\n", "\r\n"), new.replace("\n", "\r\n")
    count = text.count(old)
    if count != 1:
        raise BuildError(f"planted edit on {edit.path}: expected 1 match, found {count} for {edit.old[:80]!r}")
    path.write_bytes(text.replace(old, new).encode("utf-8"))


def commit_all(repo: Path, history: History) -> None:
    for c in history.commits:
        for edit in c.edits:
            _apply(repo, edit)
        git(repo, "add", "-A")
        stamp = c.when.isoformat()
        committer = c.committer or c.author
        env = {"GIT_AUTHOR_NAME": c.author[0], "GIT_AUTHOR_EMAIL": c.author[1], "GIT_AUTHOR_DATE": stamp,
               "GIT_COMMITTER_NAME": committer[0], "GIT_COMMITTER_EMAIL": committer[1],
               "GIT_COMMITTER_DATE": stamp}
        git(repo, "commit", "-q", "--no-verify", "--allow-empty", "-m", c.message, env=env)
        sha = git(repo, "rev-parse", "HEAD").strip()
        if c.key:
            history.shas[c.key] = sha
        if c.tag:
            git(repo, "tag", "-a", c.tag, "-m", f"Release {c.tag}", env=env)
            history.tags[c.tag] = sha


@lru_cache(maxsize=512)
def _show(repo: Path, rev: str, path: str) -> str:
    return git(repo, "show", f"{rev}:{path}")


def line_of(repo: Path, rev: str, path: str, anchor: str, nth: int = 1) -> int:
    """1-based line number of the nth line containing `anchor` in path at rev."""
    text = _show(repo, rev, path)
    seen = 0
    for number, line in enumerate(text.splitlines(), 1):
        if anchor in line:
            seen += 1
            if seen == nth:
                return number
    raise BuildError(f"anchor {anchor!r} not found in {path}@{rev[:10]}")
