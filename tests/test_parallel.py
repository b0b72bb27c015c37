"""The worker pool behind ``--jobs``: its shutdown, which the signal tests reach only by chance."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest

from cartnorm import _parallel


def _echo(batch: list[int]) -> list[int]:
    return batch


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="forks a worker")
def test_a_worker_is_closed_only_once_its_feeding_thread_is_done(monkeypatch):
    """
    A run stopped mid-send (SIGTERM, Ctrl-C) kills the worker, then closes its pipe: the thread
    that was sending must be over first, or its send meets a closed handle and prints a
    traceback under the one line the command line promises.
    """
    failures: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: failures.append(args.exc_value))
    worker = _parallel._Worker(multiprocessing.get_context("fork"), _echo, (0, -1, -1, None, ()))
    sending = threading.Event()
    write = worker._tasks._send_bytes  # Connection.send's write, after its own "is it closed?" check

    def slow_write(data: object) -> None:
        sending.set()
        time.sleep(0.3)  # still in the send when the run stops
        write(data)  # its pipe closed under it: its handle is gone (TypeError), not an OSError

    monkeypatch.setattr(worker._tasks, "_send_bytes", slow_write)
    worker.start_sending()
    worker.send([1, 2, 3])
    assert sending.wait(5)
    worker.kill()
    worker.close()
    assert not worker._sender.is_alive()
    assert failures == []
