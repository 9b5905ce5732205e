"""The development state: a Git repository's commits, tags, blame and file contents (GitPython)."""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlparse

import git

from core.errors import IngestError
from core.schema import Commit

__all__ = ["ALLOWED_CLONE_SCHEMES", "BlameLine", "FilePatch", "GitRepo", "Tag", "clone_repo", "parse_patches"]

log = logging.getLogger(__name__)

ALLOWED_CLONE_SCHEMES = ("https", "ssh", "git", "file")
_RS, _US = "\x1e", "\x1f"


@dataclass(frozen=True)
class BlameLine:
    sha: str
    author: str
    authored_at: datetime
    content: str


@dataclass(frozen=True)
class Tag:
    name: str
    sha: str
    at: datetime


def _blame_time(fields: dict[str, str]) -> datetime:
    tz = fields.get("author-tz", "+0000")
    sign = -1 if tz.startswith("-") else 1
    offset = timezone(sign * timedelta(hours=int(tz[1:3] or 0), minutes=int(tz[3:5] or 0)))
    return datetime.fromtimestamp(int(fields.get("author-time", "0")), tz=offset)


class GitRepo:
    """A read-only view of one repository; every git call goes through here."""

    def __init__(self, path: Path) -> None:
        try:
            self.repo = git.Repo(path)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
            raise IngestError(f"{path} is not a Git repository.") from exc
        if not self.repo.head.is_valid():
            raise IngestError(f"{path} has no commits yet.")
        self.path = Path(self.repo.working_tree_dir or path)

    def _git(self, *args: str) -> str:
        try:
            return self.repo.git.execute(["git", *args], stdout_as_string=True)
        except git.GitCommandError as exc:
            raise IngestError(f"git {args[0]} failed: {str(exc.stderr).strip()[:300]}") from exc

    def commits(self, max_count: int = 5000) -> list[Commit]:
        """Commits reachable from HEAD (newest first) with changed files and line stats, in one git call."""
        out = self._git(
            "log", f"--max-count={max_count}", "--numstat", "--no-renames",
            f"--format={_RS}%H{_US}%an{_US}%ae{_US}%aI{_US}%P{_US}%B{_US}",
        )
        commits = []
        for block in out.split(_RS)[1:]:
            sha, author, email, date, parents, body, stats = block.split(_US, 6)
            files, ins, dels = [], 0, 0
            for row in stats.strip().splitlines():
                parts = row.split("\t")
                if len(parts) == 3:
                    files.append(parts[2])
                    ins += int(parts[0]) if parts[0].isdigit() else 0
                    dels += int(parts[1]) if parts[1].isdigit() else 0
            commits.append(Commit(
                sha=sha, author=author, email=email, authored_at=datetime.fromisoformat(date),
                message=body.strip(), files=files, insertions=ins, deletions=dels, parents=len(parents.split()),
            ))
        return commits

    def revision_at(self, when: datetime) -> str | None:
        """The commit HEAD pointed at, at `when` (the newest one committed before it)."""
        sha = self._git("rev-list", "-1", f"--before={when.isoformat()}", "HEAD").strip()
        return sha or None

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """True when `ancestor` is reachable from `descendant` (e.g. a commit shipped by a release tag)."""
        try:  # what Repo.is_ancestor runs, with revisions given as text (it is typed for Commit objects)
            self.repo.git.merge_base("--is-ancestor", ancestor, descendant)
        except git.GitCommandError:
            return False
        return True

    def tags(self) -> list[Tag]:
        fmt = f"--format=%(refname:short){_US}%(*objectname)%(objectname){_US}%(creatordate:iso-strict)"
        out = self._git("for-each-ref", "refs/tags", fmt)
        tags = []
        for row in out.splitlines():
            name, sha, date = row.split(_US)
            # Annotated tags print the peeled commit then the tag object; the commit comes first.
            tags.append(Tag(name=name, sha=sha[:40], at=datetime.fromisoformat(date)))
        return sorted(tags, key=lambda t: t.at)

    @functools.lru_cache(maxsize=8)  # noqa: B019 - one GitRepo per analysis; the cache dies with it
    def files_at(self, rev: str) -> tuple[str, ...]:
        return tuple(self._git("ls-tree", "-r", "--name-only", rev).splitlines())

    def locate(self, rev: str, class_name: str, file_name: str | None) -> str | None:
        """Map a stack frame (class, file name) to a repo-relative path at `rev`."""
        if not file_name:
            return None
        package = class_name.split("$")[0].rsplit(".", 1)[0].replace(".", "/")
        suffix = f"{package}/{file_name}" if package and "/" not in file_name else file_name
        matches = [p for p in self.files_at(rev) if p == suffix or p.endswith("/" + suffix)]
        if not matches and "/" not in file_name:
            matches = [p for p in self.files_at(rev) if p.rsplit("/", 1)[-1] == file_name]
            if len(matches) != 1:
                return None
        return min(matches, key=len) if matches else None

    def blame(self, rev: str, path: str, line: int) -> BlameLine | None:
        """Who last changed `path:line` as of `rev`; None if the line does not exist there."""
        try:
            out = self._git("blame", "--porcelain", "-L", f"{line},{line}", rev, "--", path)
        except IngestError:
            return None
        lines = out.splitlines()
        if not lines:
            return None
        sha = lines[0].split()[0]
        fields = {}
        content = ""
        for row in lines[1:]:
            if row.startswith("\t"):
                content = row[1:]
            else:
                key, _, value = row.partition(" ")
                fields[key] = value
        return BlameLine(sha=sha, author=fields.get("author", ""), authored_at=_blame_time(fields), content=content)

    @functools.lru_cache(maxsize=256)  # noqa: B019 - one GitRepo per analysis; the cache dies with it
    def file_lines(self, rev: str, path: str) -> list[str]:
        """The lines of `path` at `rev` (empty when it does not exist there); read once per analysis."""
        try:
            return self._git("show", f"{rev}:{path}").splitlines()
        except IngestError:
            return []

    def show_lines(self, rev: str, path: str, start: int, end: int) -> list[tuple[int, str]]:
        """Lines start..end (1-based, inclusive) of `path` at `rev`."""
        lines = self.file_lines(rev, path)
        if not lines:
            return []
        start = max(1, start)
        return [(i, lines[i - 1]) for i in range(start, min(end, len(lines)) + 1)]

    def diff(self, sha: str, path: str | None = None, max_chars: int = 20_000) -> str:
        """The patch a commit made (optionally to one file)."""
        args = ["show", "--format=%H %an%n%s%n", "--no-color", sha]
        if path:
            args += ["--", path]
        return self._git(*args)[:max_chars]

    @functools.lru_cache(maxsize=512)  # noqa: B019 - one GitRepo per analysis; the cache dies with it
    def patches(self, sha: str, max_chars: int = 400_000) -> dict[str, FilePatch]:
        """Every file a commit changed, with its added and removed lines (a huge commit is cut at `max_chars`)."""
        try:
            out = self._git("show", "--format=", "--unified=0", "--no-color", "--no-renames", "--no-ext-diff", sha)
        except IngestError:
            return {}
        return parse_patches(out[:max_chars])

    def blame_range(self, rev: str, path: str, start: int, end: int) -> list[BlameLine]:
        """Who last changed each line of `path` start..end at `rev` (one entry per line)."""
        try:
            out = self._git("blame", "--porcelain", "-L", f"{start},{end}", rev, "--", path)
        except IngestError:
            return []
        found: list[BlameLine] = []
        meta: dict[str, dict[str, str]] = {}
        sha = ""
        for row in out.splitlines():
            if row.startswith("\t"):
                info = meta.get(sha, {})
                found.append(BlameLine(sha=sha, author=info.get("author", ""),
                                       authored_at=_blame_time(info), content=row[1:]))
            elif re.match(r"^[0-9a-f]{40} ", row):
                sha = row.split()[0]
                meta.setdefault(sha, {})
            else:
                key, _, value = row.partition(" ")
                meta.setdefault(sha, {})[key] = value
        return found

    def lines_changed_by(self, sha: str, path: str) -> list[int]:
        """Line numbers (in the new version) that commit `sha` added or changed in `path`."""
        out = self._git("show", "--format=", "--unified=0", "--no-color", sha, "--", path)
        changed: list[int] = []
        for row in out.splitlines():
            if row.startswith("@@"):
                new = row.split("+", 1)[1].split(" ", 1)[0]
                start, _, count = new.partition(",")
                n = int(count) if count else 1
                changed.extend(range(int(start), int(start) + n))
        return changed


@dataclass
class FilePatch:
    """What one commit did to one file: added lines (new line number, text) and removed lines' text."""

    path: str
    added: list[tuple[int, str]]
    removed: list[str]
    removed_at: list[int] = field(default_factory=list)  # where each removed line was, in the new file's numbering


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def parse_patches(text: str) -> dict[str, FilePatch]:
    """Parse `git show --unified=0` output into per-file patches (binary files have none)."""
    patches: dict[str, FilePatch] = {}
    current: FilePatch | None = None
    line_no = 0
    for row in text.splitlines():
        if row.startswith("diff --git "):
            current = None
        elif row.startswith("+++ "):
            path = row[4:].strip()
            if path == "/dev/null":
                current = None
                continue
            path = path[2:] if path.startswith("b/") else path
            current = patches.setdefault(path, FilePatch(path=path, added=[], removed=[]))
        elif row.startswith("--- "):
            continue
        elif (m := _HUNK.match(row)) is not None:
            line_no = int(m.group(1))
        elif current is not None and row.startswith("+"):
            current.added.append((line_no, row[1:]))
            line_no += 1
        elif current is not None and row.startswith("-"):
            current.removed.append(row[1:])
            current.removed_at.append(max(1, line_no))
    return patches


def clone_repo(
    url: str, dest_root: Path, *, allowed_schemes: tuple[str, ...] = ALLOWED_CLONE_SCHEMES,
    allowed_hosts: tuple[str, ...] = (),
) -> Path:
    """Shallow-clone `url` into a folder under `dest_root` (reused when already cloned).

    Args:
        allowed_hosts: hosts remote clones may come from (`file://` needs none); empty refuses every remote.

    Raises:
        IngestError: the scheme or host is not allowed, or the clone failed.
    """
    scheme = "ssh" if url.startswith("git@") else urlparse(url).scheme
    if scheme not in allowed_schemes:
        raise IngestError(
            f"Cloning from {scheme or 'this'} URLs is not allowed; allowed: {', '.join(allowed_schemes)}.")
    host = url.split("@", 1)[1].split(":", 1)[0] if url.startswith("git@") else (urlparse(url).hostname or "")
    if scheme != "file" and host.lower() not in {h.lower() for h in allowed_hosts}:
        raise IngestError(
            f"Cloning from {host or 'this host'} is not allowed; add it to TRIBUNAL_CLONE_HOSTS "
            "(comma-separated) or put the repository in the bundle's repo/ folder."
        )
    dest = dest_root / hashlib.sha1(url.encode()).hexdigest()[:16]
    if (dest / ".git").exists():
        return dest
    dest_root.mkdir(parents=True, exist_ok=True)
    try:
        git.Repo.clone_from(url, dest, depth=200, no_single_branch=False)
    except git.GitCommandError as exc:
        raise IngestError(f"Could not clone {url}: {str(exc.stderr).strip()[:300]}") from exc
    return dest
