"""
Ordered, bounded-memory parallel map over batches of records, for ``cartnorm normalize --jobs``.

Records are cut into batches; at most ``jobs * 2`` batches are in flight at once, and results
come back in input order, each beside its item. Workers are started only when the input is
larger than one batch.

Workers never outlive the command: each asks the kernel to kill it when its parent dies
(``PR_SET_PDEATHSIG`` on Linux, even after ``kill -9``), and watches a pipe from the parent whose
end of file means the same (everywhere else). They ignore Ctrl-C (the parent stops them), and a
parent that stops early — an error, Ctrl-C, SIGTERM, a closed output — kills them before it
returns. (The pool is this module's own: a `concurrent.futures` pool whose workers are killed
can hang its process at exit, waiting on a half-sent message.)
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import queue
import signal
import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

__all__ = ["default_jobs", "ordered_map"]

T = TypeVar("T")
R = TypeVar("R")
_PR_SET_PDEATHSIG = 1
#: Seconds a worker's feeding thread gets to end before its pipe is closed (it needs none: see `_Worker.close`).
_SENDER_GRACE = 5.0


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
) -> Iterator[tuple[T, R]]:
    """
    Yield ``(item, result)`` for every item, in input order, where ``function(batch)`` gives the
    results of a batch of items.

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
            yield from zip(batch, function(batch), strict=True)
        return
    yield from _in_workers(function, _chain(first, second, batches), jobs, initializer, initargs)


def _in_workers(
    function: Callable[[list[T]], list[R]],
    batches: Iterator[list[T]],
    jobs: int,
    initializer: Callable[..., object] | None,
    initargs: tuple[Any, ...],
) -> Iterator[tuple[T, R]]:
    """
    Batch ``i`` goes to worker ``i % jobs``; each worker answers its batches in turn, so reading
    the answers worker by worker, in the same rotation, gives them in input order. A thread per
    worker sends the batches, so that a worker busy answering never blocks this process.
    """
    forked = os.name == "posix"
    context = multiprocessing.get_context("fork" if forked else "spawn")
    watch, hold = os.pipe() if forked else (-1, -1)  # workers read `watch`: its end of file means we are gone
    workers: list[_Worker] = []
    try:
        for _ in range(jobs):
            workers.append(_Worker(context, function, (os.getpid(), watch, hold, initializer, initargs)))
        for worker in workers:  # threads only once every process is forked
            worker.start_sending()
        pending: deque[tuple[list[T], _Worker]] = deque()
        for index, batch in enumerate(batches):
            worker = workers[index % jobs]
            worker.send(batch)
            pending.append((batch, worker))
            if len(pending) >= 2 * jobs:
                done, worker = pending.popleft()
                yield from zip(done, worker.receive(), strict=True)
        while pending:
            done, worker = pending.popleft()
            yield from zip(done, worker.receive(), strict=True)
        for worker in workers:
            worker.finish()
    except BaseException:
        for worker in workers:
            worker.kill()
        raise
    finally:
        for worker in workers:
            worker.close()
        if forked:
            os.close(watch)
            os.close(hold)


class _Worker:
    """One worker process, the pipes to and from it, and the thread that feeds it."""

    def __init__(self, context: Any, function: Callable[[list[Any]], list[Any]], start: tuple[Any, ...]) -> None:
        tasks, self._tasks = context.Pipe(duplex=False)
        self._results, results = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(function, tasks, results, start), daemon=True)
        self.process.start()
        tasks.close()  # the worker's ends, in this process
        results.close()
        self._outbox: queue.SimpleQueue[list[Any] | None] = queue.SimpleQueue()
        self._sender = threading.Thread(target=self._send_all, name="cartnorm-send", daemon=True)

    def start_sending(self) -> None:
        """Start the thread that sends this worker its batches."""
        self._sender.start()

    def _send_all(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                batch = self._outbox.get()
                self._tasks.send(batch)
                if batch is None:
                    return

    def send(self, batch: list[Any]) -> None:
        """Queue ``batch`` for this worker (never blocks)."""
        self._outbox.put(batch)

    def receive(self) -> list[Any]:
        """The results of the oldest batch this worker has not answered yet."""
        try:
            ok, answer = self._results.recv()
        except EOFError:
            code = self.process.exitcode
            msg = f"a worker process (pid {self.process.pid}) ended before answering (exit code {code})"
            raise RuntimeError(msg) from None
        if not ok:
            msg = f"a worker process failed:\n{answer}"
            raise RuntimeError(msg)
        return answer  # type: ignore[no-any-return]

    def finish(self) -> None:
        """No more batches: let the worker end, and wait for it."""
        self._outbox.put(None)
        self.process.join()

    def kill(self) -> None:
        """End the worker now (what it was doing is dropped)."""
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.join(5)

    def close(self) -> None:
        """
        Close this process's ends of the worker's pipes, once the thread that feeds it is done.

        The worker has finished or been killed by now: a send it was in the middle of fails
        at once (the pipe is broken), and a thread waiting for a batch gets the end. Closing
        the pipe under a thread still in its send would let that send fail in ways no
        suppression names (its handle gone), printed as a traceback on the way out.
        """
        self._outbox.put(None)
        if self._sender.is_alive():
            self._sender.join(_SENDER_GRACE)
        for connection in (self._tasks, self._results):
            with contextlib.suppress(OSError):
                connection.close()


def _serve(function: Callable[[list[Any]], list[Any]], tasks: Any, results: Any, start: tuple[Any, ...]) -> None:
    """A worker's life: set up, then answer each batch in turn until told to stop."""
    _start_worker(*start)
    while (batch := tasks.recv()) is not None:
        answer: tuple[bool, Any]
        try:
            answer = (True, function(batch))
        except Exception:  # noqa: BLE001 - sent to the parent, which raises it
            answer = (False, traceback.format_exc())
        results.send(answer)


def _start_worker(
    parent: int, watch: int, hold: int, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]
) -> None:
    """Run first in every worker: die with the parent, leave Ctrl-C to it, then the caller's initializer."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the kernel was asked
        os._exit(1)
    if watch >= 0:
        os.close(hold)  # only the parent keeps the pipe open
        threading.Thread(target=_watch_parent, args=(watch,), name="cartnorm-parent-watch", daemon=True).start()
    if initializer is not None:
        initializer(*initargs)


def _watch_parent(watch: int) -> None:
    """Block on the parent's pipe; its end of file means the parent is gone: exit at once."""
    with contextlib.suppress(OSError):
        while os.read(watch, 1):
            pass
    os._exit(1)


def _chain(first: T, second: T | None, rest: Iterator[T]) -> Iterator[T]:
    yield first
    if second is not None:
        yield second
    yield from rest
