"""Process-wide resources: settings, the one Store per data directory, the debate registry, the job runner."""

from __future__ import annotations

import streamlit as st

from app.compare_runner import CompareJobs
from app.debate_runner import DebateRegistry
from core.config import Settings, load_settings
from core.jobs import JobRunner
from core.store import Store

__all__ = ["compare_jobs", "jobs", "registry", "settings", "store"]


def settings() -> Settings:
    """Settings, read fresh each run (cheap) so a changed TRIBUNAL_HOME picks a different store.

    Raises:
        ConfigError: a setting is malformed.
    """
    return load_settings()


@st.cache_resource(show_spinner=False)
def _store(db_path: str, memory_limit: str) -> Store:
    # One Store per DuckDB file and process: DuckDB refuses a second writer on the same file.
    return Store(db_path, memory_limit=memory_limit)


@st.cache_resource(show_spinner=False)
def _registry(home: str) -> DebateRegistry:
    return DebateRegistry()


@st.cache_resource(show_spinner=False)
def _compare_jobs(home: str) -> CompareJobs:
    return CompareJobs()


def _close_runner(runner: JobRunner | None) -> None:
    if runner is not None:
        runner.close()


@st.cache_resource(show_spinner=False, max_entries=4, on_release=_close_runner)
def _jobs(db_path: str, memory_limit: str, workers: int) -> JobRunner | None:
    # The worker processes reach the DuckDB file only through this process's Store (DuckDB: one owner per file).
    return JobRunner(_store(db_path, memory_limit), workers) if workers > 0 else None


def jobs(cfg: Settings) -> JobRunner | None:
    """The worker processes that run debates for this data directory (None with TRIBUNAL_WORKERS=0: threads here).

    Started with the app, so the first debate does not wait for a process to start.
    """
    return _jobs(str(cfg.db_path), cfg.duckdb_memory, cfg.workers)


def store(cfg: Settings) -> Store:
    """The shared Store for this data directory.

    Raises:
        StoreError: the file cannot be opened (e.g. StoreLockedError when another process holds it).
    """
    return _store(str(cfg.db_path), cfg.duckdb_memory)


def registry(cfg: Settings) -> DebateRegistry:
    """The debate runs of this process, keyed by incident id (one registry per data directory)."""
    return _registry(str(cfg.home))


def compare_jobs(cfg: Settings) -> CompareJobs:
    """The comparisons of this process, keyed by incident id (one registry per data directory)."""
    return _compare_jobs(str(cfg.home))


@st.cache_data(ttl=60, max_entries=4, show_spinner=False)
def graph_backend(neo4j_uri: str | None, home: str) -> tuple[str, str | None]:
    """Which graph backend is live ("Neo4j" or "DuckDB") and why not Neo4j; checked at most once a minute."""
    if not neo4j_uri:
        return "DuckDB", None
    from core.graph import Neo4jGraph, open_graph

    cfg = settings()
    backend, message = open_graph(cfg, store(cfg), "-")
    return ("Neo4j" if isinstance(backend, Neo4jGraph) else "DuckDB"), message
