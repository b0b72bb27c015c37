"""
Ordered, bounded-memory parallel map over batches of records, for ``cartnorm normalize --jobs``.

Records are cut into batches; at most ``jobs * 2`` batches are in flight at once, and results
come back in input order. Workers are started only when the input is larger than one batch.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, TypeVar

__all__ = ["default_jobs", "ordered_map"]

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def ordered_map(
    function: Callable[[list[T]], list[R]],
    items: Iterable[T],
    *,
    jobs: int,
    batch_size: int = 256,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[R]:
    """
    Yield ``function(batch)`` results for every batch of ``items``, flattened, in input order.

    ``function`` and ``initializer`` must be importable module-level functions (they are sent
    to worker processes). With ``jobs <= 1``, or input that fits in one batch, everything runs
    in this process.
    """
    batches = _batches(items, batch_size)
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    if jobs <= 1 or second is None:
        if initializer is not None:
            initializer(*initargs)
        for batch in _chain(first, second, batches):
            yield from function(batch)
        return
    context = multiprocessing.get_context("spawn" if os.name != "posix" else "fork")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=initializer, initargs=initargs) as pool:
        pending: deque[Future[list[R]]] = deque()
        limit = jobs * 2
        for batch in _chain(first, second, batches):
            pending.append(pool.submit(function, batch))
            if len(pending) >= limit:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _chain(first: T, second: T | None, rest: Iterator[T]) -> Iterator[T]:
    yield first
    if second is not None:
        yield second
    yield from rest
