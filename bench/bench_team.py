"""What team use costs: a sign-in (argon2id verify + session row), resuming a session on a page load, one audit
row, and reading, filtering, chain-checking and exporting an audit trail of N rows.

usage: python bench/bench_team.py [--rows 20000]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import accounts, audit
from core.auth import AuthSettings, Principal
from core.store import Store


def _ms(fn, repeat: int = 5) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "t.duckdb")
        admin = Principal("bench", "admin", "cli")
        accounts.add_user(store, "alice", "analyst", "a long enough password", actor=admin)
        policy = AuthSettings(mode="local")
        signed = accounts.sign_in(store, "alice", "a long enough password", policy)
        rows = [
            ("sign-in (argon2id verify, session row, audit row)",
             _ms(lambda: accounts.sign_in(store, "alice", "a long enough password", policy))),
            ("wrong password (verify, counter, audit row)",
             _ms(lambda: _refused(store, policy), repeat=3)),
            ("resume a session on a page load", _ms(lambda: accounts.resume_session(store, signed.token), 20)),
            ("one audit row", _ms(lambda: audit.record(store, actor="alice", action="debate.started",
                                                       incident_id="INC-1", detail={"brain": "offline"}), 20)),
        ]
        start = time.perf_counter()
        for i in range(args.rows):
            action = ("debate.started", "asset.uploaded", "auth.sign_in")[i % 3]
            audit.record(store, actor=f"user{i % 7}", action=action, incident_id=f"INC-{i % 50}", detail={"i": i})
        fill_s = time.perf_counter() - start
        rows += [
            (f"list the newest 1000 of {args.rows:,}", _ms(lambda: audit.list_events(store, limit=1000))),
            ("filter: action group + incident", _ms(lambda: audit.list_events(store, action="debate",
                                                                               incident_id="INC-7"))),
            ("filter: text search", _ms(lambda: audit.list_events(store, text="user3", limit=1000))),
            (f"verify the hash chain of {args.rows:,} rows", _ms(lambda: audit.verify_chain(store), 3)),
            ("CSV of 1000 rows", _ms(lambda: audit.to_csv(audit.list_events(store, limit=1000)))),
        ]
        store.close()
    print(f"audit rows appended: {args.rows:,} in {fill_s:.1f} s ({args.rows / fill_s:,.0f} rows/s, one transaction "
          "each)")
    for name, (median, worst) in rows:
        print(f"{name:<52} median {median:8.1f} ms   max {worst:8.1f} ms")


def _refused(store: Store, policy: AuthSettings) -> None:
    with contextlib.suppress(accounts.SignInRefused):
        accounts.sign_in(store, "alice", "wrong password!", policy)
    with store.transaction() as cur:  # keep the account unlocked between repeats
        cur.execute("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE name = 'alice'")


if __name__ == "__main__":
    main()
