"""A worker thread that runs tasks in order, with a short queue so memory stays bounded."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any, Self

__all__ = ["Lane"]


class Lane:
    """Runs submitted tasks one after another on its own thread; a task's error surfaces in the caller.

    DuckDB and Arrow release the GIL while they work, so lanes doing Python, DuckDB and Arrow work
    side by side use several cores. `submit` waits while more than `depth` tasks are queued.
    """

    def __init__(self, name: str, depth: int = 2) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix=name)
        self._queued: deque[Future[Any]] = deque()
        self._depth = depth

    def submit(self, task: Callable[..., Any], *args: Any) -> None:
        self._queued.append(self._pool.submit(task, *args))
        self._settle(self._depth)

    def drain(self) -> None:
        """Wait until every task ran (raising the first error)."""
        self._settle(0)

    def _settle(self, depth: int) -> None:
        while self._queued and (len(self._queued) > depth or self._queued[0].done()):
            self._queued.popleft().result()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        # On an error elsewhere, queued tasks are dropped; the running one finishes first.
        for future in self._queued:
            future.cancel()
        self._pool.shutdown(wait=True)
