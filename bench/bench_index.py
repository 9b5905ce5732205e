"""Indexing and graph-query speed on a generated repository: `python bench/bench_index.py [--contexts N]`.

Prints indexing time (cold, incremental at a later commit, cached), peak memory, graph build time, and
the latency of ego / path / blast-radius queries with the recursive SQL, against a named baseline in
the same run: "naive BFS" loads the whole edge table into Python and walks it for every query.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict, deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen_big_repo import generate
from core.graph import DEPENDENCY_EDGES, DuckGraph, build_graph
from core.ingest.code import GitRepo, index_repo
from core.store import Store

SCOPE = "BENCH"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _time(fn, reps: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    samples, result = [], None
    for _ in range(reps):
        t = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples), result


def _edges(store: Store) -> list[tuple[str, str, str]]:
    df = store.query_df("SELECT src, dst, kind FROM graph_edges WHERE incident_id = ?", [SCOPE])
    return list(zip(df["src"], df["dst"], df["kind"], strict=True))


def naive_ego(store: Store, start: str, depth: int) -> int:
    adj = defaultdict(list)
    for s, d, _ in _edges(store):
        adj[s].append(d)
        adj[d].append(s)
    seen, queue = {start: 0}, deque([start])
    while queue:
        node = queue.popleft()
        if seen[node] < depth:
            for nxt in adj[node]:
                if nxt not in seen:
                    seen[nxt] = seen[node] + 1
                    queue.append(nxt)
    return len(seen)


def naive_path(store: Store, src: str, dst: str) -> int:
    adj = defaultdict(list)
    for s, d, _ in _edges(store):
        adj[s].append(d)
        adj[d].append(s)
    prev, queue = {src: None}, deque([src])
    while queue:
        node = queue.popleft()
        if node == dst:
            break
        for nxt in adj[node]:
            if nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    return len(prev)


def naive_blast(store: Store, origin: str) -> int:
    rev = defaultdict(list)
    for s, d, k in _edges(store):
        if k in DEPENDENCY_EDGES or k in ("member_of", "in_class"):
            rev[d].append(s)
    seen, queue = {origin}, deque([origin])
    while queue:
        for nxt in rev[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return len(seen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contexts", type=int, default=300, help="bounded contexts (16 classes each)")
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        repo = generate(Path(tmp) / "repo", contexts=args.contexts, commits=args.commits)
        print(f"generated repo: {args.contexts * 16} classes, {args.commits + 1} commits in "
              f"{time.perf_counter() - t:.1f} s")
        store = Store(Path(tmp) / "bench.duckdb")
        rss0 = _rss_mb()
        cold = index_repo(store, repo, "HEAD~50", incident_id=SCOPE)
        rss1 = _rss_mb()
        print(f"index (cold)        {cold.seconds:7.2f} s  {cold.files} files, {cold.classes} classes, "
              f"{cold.methods} methods; peak RSS {rss1:.0f} MB (+{rss1 - rss0:.0f} MB)")
        warm = index_repo(store, repo, "HEAD", incident_id=SCOPE)
        print(f"index (50 commits later, incremental) {warm.seconds:7.2f} s  parsed {warm.parsed}, "
              f"reused {warm.reused}")
        again = index_repo(store, repo, "HEAD", incident_id=SCOPE)
        print(f"index (cached)      {again.seconds:7.3f} s")
        t = time.perf_counter()
        store.replace_commits(SCOPE, GitRepo(repo).commits(max_count=args.commits + 1))
        graph = build_graph(store, SCOPE)
        nodes, edges = graph.counts()
        print(f"graph build         {time.perf_counter() - t:7.2f} s  {sum(nodes.values())} nodes, "
              f"{sum(edges.values())} edges; peak RSS {_rss_mb():.0f} MB")
        g = DuckGraph(store, SCOPE)
        mid = args.contexts // 2
        svc = f"class:com.bench.shop.ctx{mid}.application.Ctx{mid}Service"
        api = f"api_operation:POST /api/ctx{mid}/{{}}"
        agg = f"aggregate:com.bench.shop.ctx{mid}.domain.model.Ctx{mid}Item"
        commit = str(store.query_df("SELECT sha FROM commits WHERE incident_id = ? LIMIT 1", [SCOPE]).iloc[0, 0])
        rows = [
            ("ego depth 2", lambda: len(g.ego(svc, 2).nodes), lambda: naive_ego(store, svc, 2)),
            ("path api → aggregate", lambda: len(g.path(api, agg).nodes), lambda: naive_path(store, api, agg)),
            ("path commit → api", lambda: len(g.path(f"commit:{commit}", api).nodes),
             lambda: naive_path(store, f"commit:{commit}", api)),
            ("blast radius", lambda: len(g.blast_radius(agg).apis), lambda: naive_blast(store, agg)),
        ]
        print(f"\n{'query':24} {'recursive SQL ms':>17} {'naive BFS ms':>13} {'speed-up':>9}")
        for name, sql, naive in rows:
            sql_ms, result = _time(sql, args.reps)
            naive_ms, _ = _time(naive, max(3, args.reps // 3))
            print(f"{name:24} {sql_ms:17.1f} {naive_ms:13.1f} {naive_ms / sql_ms:8.1f}×   (result {result})")
        store.close()
    subprocess.run(["true"], check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
