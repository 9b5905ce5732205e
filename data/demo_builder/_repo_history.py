"""Build the demo Git repository from history.yaml and repo_template/, with fixed dates and names."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import git
import yaml
from git.index.typ import BaseIndexEntry
from git.objects import Blob, Commit
from gitdb.base import IStream
from gitdb.db import MemoryDB

from ._templates import flags_in, render

__all__ = ["CommitInfo", "RepoFacts", "build_repo"]

_FILE_MODE = 0o100644
# Identity of the local repository config, so that tools run inside it work without a global config.
_LOCAL_USER = ("Acme Demo Builder", "demo-builder@acme.example")


@dataclass(frozen=True)
class CommitInfo:
    """One commit of the demo history, as planned and as written."""

    sha: str
    at: datetime
    author: str
    email: str
    team: str
    subject: str
    message: str
    branch: str
    role: str | None
    tag: str | None
    tag_at: datetime | None
    parents: tuple[str, ...]
    changed: tuple[str, ...]


@dataclass
class RepoFacts:
    """What the rest of the builder needs to know about the written repository."""

    path: Path
    commits: list[CommitInfo]
    repo: git.Repo = field(repr=False)

    def main_line(self) -> list[CommitInfo]:
        """Commits reachable from main, oldest first (branch commits included once merged)."""
        reachable = {c.hexsha for c in self.repo.iter_commits("main")}
        return [c for c in self.commits if c.sha in reachable]

    def last_before(self, moment: datetime) -> CommitInfo:
        """The newest main-line commit strictly before `moment` (what was HEAD when it happened)."""
        earlier = [c for c in self.main_line() if c.at < moment]
        return max(earlier, key=lambda c: c.at)

    def by_role(self, role: str) -> list[CommitInfo]:
        return [c for c in self.commits if c.role == role]

    def by_tag(self, tag: str) -> CommitInfo:
        return next(c for c in self.commits if c.tag == tag)

    def file_at(self, sha: str, path: str) -> str:
        blob = self.repo.commit(sha).tree / path
        return blob.data_stream.read().decode("utf-8")


@dataclass
class _Branch:
    tip: Commit | None
    flags: set[str]
    files: set[str]


def _git_date(moment: datetime) -> str:
    """Git's internal date format ("<epoch> +0800"), which GitPython passes through unchanged."""
    return f"{int(moment.timestamp())} {moment.strftime('%z')}"


def _parse_at(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"history.yaml: date {text!r} needs a zone")
    return moment


def _store_tree(repo: git.Repo, files: dict[str, bytes], blobs: dict[bytes, bytes]) -> str:
    """Write blobs and the tree for exactly `files`; returns the tree sha (working tree untouched).

    `blobs` maps content to its binary sha, so unchanged files are not stored again. Blobs are
    compressed in memory and copied as finished objects, which spares one `git hash-object`
    process per blob.
    """
    index = repo.index
    index.entries.clear()
    entries = []
    staged = MemoryDB()
    for path in sorted(files):
        data = files[path]
        if data not in blobs:
            blobs[data] = staged.store(IStream(Blob.type, len(data), io.BytesIO(data))).binsha
        entries.append(BaseIndexEntry((_FILE_MODE, blobs[data], 0, path)))
    staged.stream_copy(staged.sha_iter(), repo.odb)
    index.add(entries, write=False)
    return index.write_tree()


def build_repo(repo_dir: Path, plan_path: Path, template_dir: Path) -> RepoFacts:
    """Create the repository at `repo_dir` (must not exist) and return what was written.

    Raises:
        ValueError: when the plan and the templates disagree (unknown file, unused flag, empty commit).
    """
    plan = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
    authors = plan["authors"]
    tagger = plan["tagger"]
    templates = {
        p.relative_to(template_dir).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(template_dir.rglob("*"))
        if p.is_file()
    }

    repo = git.Repo.init(repo_dir, initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", _LOCAL_USER[0])
        config.set_value("user", "email", _LOCAL_USER[1])
        config.set_value("commit", "gpgsign", "false")
        config.set_value("tag", "gpgsign", "false")

    branches: dict[str, _Branch] = {"main": _Branch(None, set(), set())}
    written: list[CommitInfo] = []
    previous_tree: dict[str, dict[str, bytes]] = {}
    blobs: dict[bytes, bytes] = {}
    for number, entry in enumerate(plan["commits"], start=1):
        branch_name = entry.get("branch", "main")
        if branch_name not in branches:
            main = branches["main"]
            branches[branch_name] = _Branch(main.tip, set(main.flags), set(main.files))
            previous_tree[branch_name] = dict(previous_tree["main"])
        branch = branches[branch_name]
        parents = [branch.tip] if branch.tip is not None else []
        if "merge" in entry:
            other = branches[entry["merge"]]
            branch.flags |= other.flags
            branch.files |= other.files
            parents.append(other.tip)
        branch.flags |= set(entry.get("flags", []))
        for path in entry.get("add", []):
            if path not in templates:
                raise ValueError(f"history.yaml commit {number}: no template for {path}")
            branch.files.add(path)

        files = {p: render(templates[p], branch.flags, p).encode("utf-8") for p in branch.files}
        before = previous_tree.get(branch_name, {})
        changed = tuple(sorted(p for p in files.keys() | before.keys() if files.get(p) != before.get(p)))
        if not changed and "merge" not in entry:
            raise ValueError(f"history.yaml commit {number} ({entry['message'].splitlines()[0]}) changes nothing")
        previous_tree[branch_name] = files

        at = _parse_at(entry["at"])
        who = authors[entry["author"]]
        committer = authors[entry.get("committer", entry["author"])]
        tree_sha = _store_tree(repo, files, blobs)
        commit = Commit.create_from_tree(
            repo,
            repo.tree(tree_sha),
            entry["message"],
            parent_commits=parents,
            head=False,
            author=git.Actor(who["name"], who["email"]),
            committer=git.Actor(committer["name"], committer["email"]),
            author_date=_git_date(at),
            commit_date=_git_date(at),
        )
        branch.tip = commit
        repo.create_head(branch_name, commit, force=True)

        tag = entry.get("tag")
        tag_at = _parse_at(tag["at"]) if tag else None
        if tag:
            env = {
                "GIT_COMMITTER_NAME": tagger["name"],
                "GIT_COMMITTER_EMAIL": tagger["email"],
                "GIT_COMMITTER_DATE": _git_date(tag_at),
            }
            with repo.git.custom_environment(**env):
                repo.create_tag(tag["name"], ref=commit, message=f"Release {tag['name'][1:]}")
        written.append(
            CommitInfo(
                sha=commit.hexsha,
                at=at,
                author=who["name"],
                email=who["email"],
                team=who["team"],
                subject=entry["message"].splitlines()[0],
                message=entry["message"],
                branch=branch_name,
                role=entry.get("role"),
                tag=tag["name"] if tag else None,
                tag_at=tag_at,
                parents=tuple(p.hexsha for p in parents),
                changed=changed,
            )
        )

    unused = set().union(*(flags_in(t) for t in templates.values())) - set().union(
        *(set(e.get("flags", [])) for e in plan["commits"])
    )
    if unused:
        raise ValueError(f"template flags no commit switches on: {sorted(unused)}")
    never_added = set(templates) - set().union(*(b.files for b in branches.values()))
    if never_added:
        raise ValueError(f"templates no commit adds: {sorted(never_added)}")

    repo.head.reference = repo.heads["main"]
    repo.head.reset(index=True, working_tree=True)
    return RepoFacts(path=repo_dir, commits=written, repo=repo)
