"""Git: commits with stats, blame at the incident revision, frame → file, tags, clone rules; ownership."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import git
import pytest

from core.errors import IngestError
from core.ingest.code import GitRepo, clone_repo, owner_of, parse_codeowners
from tests.conftest import START, MiniBundle


def test_commits_blame_and_locate(mini_bundle: MiniBundle) -> None:
    repo = GitRepo(mini_bundle.root / "repo")
    commits = repo.commits()
    assert len(commits) == 5 and commits[0].sha == mini_bundle.later_sha
    bug = next(c for c in commits if c.sha == mini_bundle.bug_sha)
    assert bug.insertions == 1 and bug.deletions == 1 and bug.author == "Cai Wu"
    rev = repo.revision_at(START)
    assert rev == mini_bundle.distractor_sha  # the hotfix after the start is not part of the failing code
    path = repo.locate(rev, "com.acme.shop.stock.application.StockService", "StockService.java")
    assert path == "src/main/java/com/acme/shop/stock/application/StockService.java"
    blame = repo.blame(rev, path, mini_bundle.bug_line)
    assert blame is not None and blame.sha == mini_bundle.bug_sha and "findBySkuForUpdate" in blame.content
    assert repo.lines_changed_by(mini_bundle.bug_sha, path) == [mini_bundle.bug_line]
    assert [t.name for t in repo.tags()] == ["v1.2.0"] and repo.tags()[0].at < START
    assert repo.is_ancestor(mini_bundle.bug_sha, repo.tags()[0].sha)
    assert repo.blame(rev, path, 9999) is None


def test_inner_classes_and_missing_files(mini_bundle: MiniBundle) -> None:
    repo = GitRepo(mini_bundle.root / "repo")
    rev = repo.revision_at(START) or "HEAD"
    assert repo.locate(rev, "com.acme.shop.stock.application.StockService$Inner", "StockService.java")
    assert repo.locate(rev, "com.other.Missing", "Missing.java") is None
    assert repo.locate(rev, "com.other.Missing", None) is None


def test_not_a_repo_and_empty_repo(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="not a Git repository"):
        GitRepo(tmp_path)
    git.Repo.init(tmp_path / "empty")
    with pytest.raises(IngestError, match="no commits"):
        GitRepo(tmp_path / "empty")


def test_clone_only_from_allowed_schemes(mini_bundle: MiniBundle, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="not allowed"):
        clone_repo("ftp://example.invalid/repo.git", tmp_path / "clones")
    with pytest.raises(IngestError, match="TRIBUNAL_CLONE_HOSTS"):
        clone_repo("https://git.example.invalid/shop.git", tmp_path / "clones")
    with pytest.raises(IngestError, match="TRIBUNAL_CLONE_HOSTS"):
        clone_repo("git@git.example.invalid:acme/shop.git", tmp_path / "clones", allowed_hosts=("other.invalid",))
    cloned = clone_repo(f"file://{mini_bundle.root / 'repo'}", tmp_path / "clones")
    assert GitRepo(cloned).commits()[0].sha == mini_bundle.later_sha
    assert clone_repo(f"file://{mini_bundle.root / 'repo'}", tmp_path / "clones") == cloned  # reused


def test_codeowners_last_match_wins() -> None:
    rules = parse_codeowners(
        "# comment\n* @acme/platform\n/src/stock/ @acme/stock @someone\n*.md @acme/docs\nlonely-pattern\n",
        "CODEOWNERS")
    assert owner_of(rules, "src/stock/a/B.java").team == "@acme/stock"  # type: ignore[union-attr]
    assert owner_of(rules, "src/stock/README.md").team == "@acme/docs"  # type: ignore[union-attr]
    assert owner_of(rules, "build.gradle").source == "CODEOWNERS:2"  # type: ignore[union-attr]
    assert owner_of([], "x") is None


def test_recency_window(mini_bundle: MiniBundle) -> None:
    repo = GitRepo(mini_bundle.root / "repo")
    assert repo.revision_at(START - timedelta(days=30)) is None
