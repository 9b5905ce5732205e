"""What is the incident's own code: stack frames resolved against the repository, not a package list.

A frame is app code when its class resolves to a source file of the incident's repository at the
incident revision; test sources are app code too, but are recognised as tests (they show how the
failure was reached, not where it lives). The user's `in_app` rules (package prefixes, like Sentry's
in-app rules) win over both. Without a repository the packages that dominate the incident's own traces
and logger names stand in, minus the Java runtime, test runners and widely used frameworks.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.ingest.logs.stacktrace import PLATFORM_PREFIXES

if TYPE_CHECKING:  # kept light: incident.yaml checks import this module without DuckDB or pandas
    from core.ingest.code.git_repo import GitRepo
    from core.schema import Incident
    from core.store import Store

__all__ = [
    "RUNTIME_PREFIXES", "AppCode", "FrameOrigin", "InAppRules", "app_code_for", "is_test_path", "mark_app_frames",
]

log = logging.getLogger(__name__)

_SOURCE_EXT = (".java", ".kt", ".kts", ".scala", ".groovy", ".clj", ".py")
# Code that is never the application's: the language runtimes. Only these are ruled out everywhere.
RUNTIME_PREFIXES = ("java.", "javax.", "jdk.", "sun.", "com.sun.", "kotlin.", "kotlinx.", "scala.", "groovy.lang.",
                    "org.codehaus.groovy.")
# Only for the no-repository fallback: test runners, build tools and frameworks that sit on almost every
# JVM stack. Naming them is knowledge of the platform, not of any one codebase.
_PLATFORM_PREFIXES = PLATFORM_PREFIXES
_TEST_DIRS = {"test", "tests", "testing", "it", "integrationtest", "integration-test", "testfixtures", "androidtest",
              "__tests__", "spec", "specs"}
_TEST_NAME = re.compile(r"(?:^Test[A-Z_]|(?:Test|Tests|TestCase|IT|ITCase|Spec|Specs)$)")
_GENERATED = ("$$", "$Proxy", "jdk.proxy", "GeneratedMethodAccessor", "GeneratedConstructorAccessor")


def is_test_path(path: str) -> bool:
    """A test source by where it lives (src/test, tests/, …) or how it is named (FooTest, TestFoo, FooIT)."""
    parts = path.replace("\\", "/").split("/")
    if any(p.lower() in _TEST_DIRS for p in parts[:-1]):
        return True
    stem = parts[-1].rsplit(".", 1)[0]
    return bool(_TEST_NAME.search(stem)) or stem.startswith("test_") or stem.endswith("_test")


def _is_test_class(class_name: str) -> bool:
    simple = class_name.split("$")[0].rsplit(".", 1)[-1]
    return bool(_TEST_NAME.search(simple))


@dataclass(frozen=True)
class InAppRules:
    """Package prefixes the user says are (include) or are not (exclude) the application's code."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, raw: object) -> InAppRules:
        """From incident.yaml's `in_app: {include: [...], exclude: [...]}` (a bare list means include).

        Raises:
            ValueError: the value is not a mapping of lists of package prefixes.
        """
        if raw is None:
            return cls()
        if isinstance(raw, list | tuple):
            raw = {"include": list(raw)}
        if not isinstance(raw, dict) or set(raw) - {"include", "exclude"}:
            raise ValueError("in_app must be a mapping with 'include' and/or 'exclude' lists of package prefixes")
        out: dict[str, tuple[str, ...]] = {}
        for key in ("include", "exclude"):
            items = raw.get(key) or []
            if isinstance(items, str):
                items = [items]
            if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
                raise ValueError(f"in_app.{key} must be a list of package prefixes such as 'com.example.'")
            out[key] = tuple(sorted({i.strip() for i in items})[:200])
        return cls(**out)

    def decide(self, class_name: str) -> bool | None:
        """True/False when a rule covers the class (the longest matching prefix wins), else None."""
        best: tuple[int, bool] | None = None
        for prefix, verdict in [(p, True) for p in self.include] + [(p, False) for p in self.exclude]:
            if _covers(prefix, class_name) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), verdict)
        return None if best is None else best[1]

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude)


def _covers(prefix: str, class_name: str) -> bool:
    p = prefix.rstrip(".*")
    return class_name == p or class_name.startswith((p + ".", p + "$"))


@dataclass(frozen=True)
class FrameOrigin:
    """Where a frame's code lives and whose it is."""

    in_app: bool
    path: str | None = None
    is_test: bool = False
    reason: str = ""  # repo | rule | heuristic | runtime | not-in-repo


@dataclass
class AppCode:
    """Decides, frame by frame, whether code is the application's; built once per incident."""

    rules: InAppRules = field(default_factory=InAppRules)
    files: Sequence[str] | None = None  # repository files at the incident revision; None = no repository
    app_packages: tuple[str, ...] = ()  # the no-repository fallback's guess
    _by_name: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False)
    _cache: dict[tuple[str, str | None], FrameOrigin] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for path in self.files or ():
            if path.endswith(_SOURCE_EXT):
                self._by_name.setdefault(path.rsplit("/", 1)[-1], []).append(path)

    @classmethod
    def for_incident(cls, files: Sequence[str] | None, rules: InAppRules, classes: Iterable[str] = (),
                     loggers: Iterable[str] = ()) -> AppCode:
        """A resolver over the repository's files, or, without one, over the incident's dominant packages."""
        if files is not None:
            return cls(rules=rules, files=files)
        return cls(rules=rules, files=None, app_packages=dominant_packages(classes, loggers))

    @property
    def has_repo(self) -> bool:
        return self.files is not None

    def origin(self, class_name: str, file_name: str | None) -> FrameOrigin:
        key = (class_name, file_name)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._origin(class_name, file_name)
        return found

    def _origin(self, class_name: str, file_name: str | None) -> FrameOrigin:
        path = self.locate(class_name, file_name) if self.has_repo else None
        is_test = is_test_path(path) if path else _is_test_class(class_name)
        ruled = self.rules.decide(class_name)
        if ruled is not None:
            return FrameOrigin(in_app=ruled, path=path, is_test=is_test, reason="rule")
        if class_name.startswith(RUNTIME_PREFIXES) or any(g in class_name for g in _GENERATED):
            return FrameOrigin(in_app=False, reason="runtime")
        if self.has_repo:
            return FrameOrigin(in_app=path is not None, path=path, is_test=is_test,
                               reason="repo" if path else "not-in-repo")
        in_app = any(_covers(p, class_name) for p in self.app_packages)
        return FrameOrigin(in_app=in_app, is_test=is_test, reason="heuristic")

    def locate(self, class_name: str, file_name: str | None) -> str | None:
        """The repository path of a frame's source: its package folders and file name, the longest-suffix match.

        Nested and anonymous classes (`Outer$1`) live in the outer class's file; without a file name
        (`Unknown Source`) the outer class name is tried with each source extension.
        """
        outer = class_name.split("$")[0]
        package, _, simple = outer.rpartition(".")
        names = [file_name] if file_name and file_name.endswith(_SOURCE_EXT) else [simple + ext for ext in _SOURCE_EXT]
        pkg_path = package.replace(".", "/")
        for name in names:
            candidates = self._by_name.get(name, [])
            if not candidates:
                continue
            want = f"{pkg_path}/{name}" if pkg_path else name
            exact = [p for p in candidates if p == want or p.endswith("/" + want)]
            if exact:
                # Production source before a same-named copy under a test folder.
                return min(exact, key=lambda p: (is_test_path(p), len(p)))
            if len(candidates) == 1 and not pkg_path:
                return candidates[0]
        return None


def _package_prefix(name: str, depth: int = 3) -> str | None:
    parts = [p for p in name.split("$")[0].split(".")[:-1] if p]
    if len(parts) < 2:
        return None
    return ".".join(parts[: min(depth, len(parts))])


def dominant_packages(classes: Iterable[str], loggers: Iterable[str] = ()) -> tuple[str, ...]:
    """The incident's own packages when there is no repository to ask.

    Logger names are the strongest hint (an application logs under its own packages); frame packages
    count too. The platform (runtime, test runners, common frameworks) is never a candidate.
    """
    votes: Counter[str] = Counter()
    for name in loggers:
        if name and not name.startswith(_PLATFORM_PREFIXES) and (prefix := _package_prefix(name)):
            votes[prefix] += 3
    for name in classes:
        if name.startswith(_PLATFORM_PREFIXES) or any(g in name for g in _GENERATED):
            continue
        if prefix := _package_prefix(name):
            votes[prefix] += 1
    if not votes:
        return ()
    top = votes.most_common(1)[0][1]
    # Every package with a fair share of the votes: an app often spans a few top-level packages.
    return tuple(sorted(p for p, n in votes.items() if n >= max(2, top * 0.2)))


def app_code_for(store: Store, incident: Incident, repo: GitRepo | None) -> AppCode:
    """The incident's resolver: its repository at the revision live at the start, and the user's rules."""
    include, exclude = store.in_app_rules(incident.id)
    rules = InAppRules(tuple(include), tuple(exclude))
    if repo is not None:
        rev = repo.revision_at(incident.started_at) or "HEAD"
        return AppCode.for_incident(repo.files_at(rev), rules)
    classes = [c for c, _ in store.frame_classes(incident.id)]
    return AppCode.for_incident(None, rules, classes, store.logger_names(incident.id))


def mark_app_frames(store: Store, incident: Incident, repo: GitRepo | None) -> AppCode:
    """Decide in-app for every stored frame of the incident and regroup its exceptions accordingly.

    Runs after the logs are in (and again when the user changes the in-app rules).
    """
    import pandas as pd

    code = app_code_for(store, incident, repo)
    pairs = store.frame_classes(incident.id)
    if pairs:
        rows = [(cls, file, code.origin(cls, file).in_app) for cls, file in pairs]
        store.set_frame_origins(incident.id, pd.DataFrame(rows, columns=["class_name", "file", "in_app"]))
        log.info("incident %s: %d of %d frame classes are app code (%s)", incident.id, sum(r[2] for r in rows),
                 len(rows), "repository" if code.has_repo else f"packages {', '.join(code.app_packages) or 'none'}")
    return code
