"""
Ctrl-C or SIGTERM that lands while orjson runs one of cartnorm's hooks stops the work.

orjson wraps whatever its ``default`` hook raises in its own ``JSONEncodeError``, which the
writers and the record reader answer with a fallback (the Python writer, the walk). Before the
fix, a signal handled inside the hook was taken for such a refusal and lost: the command line
went on and exited 0 after SIGTERM. Here a real signal is raised from inside the hook (a trace
function sends it when the hook's frame starts), so the handler runs there, as it would mid-run.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from types import FrameType
from typing import Any

import pytest

import cartnorm
from cartnorm import _json, reading
from cartnorm._fastdump import dump_order
from cartnorm.limits import DEFAULT_LIMITS
from conftest import FIXTURES

pytest.importorskip("orjson")


class Stop(BaseException):
    """What the test's SIGTERM handler raises (the command line raises its own, also a BaseException)."""


class HandlerTimeoutError(Exception):
    """An ordinary exception from a signal handler (an ETL job's SIGALRM timeout, say)."""


@contextlib.contextmanager
def signal_inside(hook: str, signum: signal.Signals) -> Iterator[None]:
    """While active: the first time a function named ``hook`` starts, ``signum`` is raised at this process."""
    sent = False

    def trace(frame: FrameType, event: str, _arg: Any) -> Any:
        nonlocal sent
        if event == "call" and frame.f_code.co_name == hook and not sent:
            sent = True
            signal.raise_signal(signum)
        return None

    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(None)
    assert sent, f"{hook} never ran: the test did not reach orjson's hook"


SIGNALS = [(signal.SIGINT, KeyboardInterrupt), (signal.SIGTERM, Stop), (signal.SIGALRM, HandlerTimeoutError)]


@pytest.fixture(params=SIGNALS)
def interruption(request: pytest.FixtureRequest) -> Iterator[tuple[signal.Signals, type[BaseException]]]:
    signum, raised = request.param

    def handler(_signum: int, _frame: object) -> None:
        raise raised

    previous = signal.signal(signum, handler)
    try:
        yield signum, raised
    finally:
        signal.signal(signum, previous)


ORDER = cartnorm.normalize(
    _json.parse_json((FIXTURES / "trackstar" / "full_order.payload.json").read_text()), "trackstar"
)


WRITERS: dict[str, tuple[str, Callable[[], object]]] = {
    "encode_json": ("orjson_default", lambda: _json.encode_json({"amount": Decimal("1.10")})),
    "encode_json_utf8": ("orjson_default", lambda: _json.encode_json_utf8([Decimal("-0.5")])),
    "dump_order": ("orjson_default", lambda: dump_order(ORDER)),
    "the record reader": ("number", lambda: reading.parse_text('{"a": [1.25, "x"]}', DEFAULT_LIMITS)),
}


@pytest.mark.parametrize("name", WRITERS)
def test_a_signal_inside_orjsons_hook_is_raised_not_taken_for_a_refusal(name, interruption):
    hook, work = WRITERS[name]
    signum, raised = interruption
    with pytest.raises(raised), signal_inside(hook, signum):
        work()


class Money(Decimal):
    """Not a Decimal to `orjson_default` (it checks the exact type): refused there, then by the Python writer."""


def test_the_hooks_own_refusals_still_mean_another_way():
    """A refusal (orjson's, its hook's, the reader's) is not an interruption: the fallback answers."""
    assert _json.encode_json([2**70, "\ud800"]) == '[1180591620717411303424,"\\ud800"]'
    assert _json.encode_json_utf8([2**70]) == b"[1180591620717411303424]"
    with pytest.raises(TypeError, match="cannot write Money as JSON"):  # the Python writer's words
        _json.encode_json([Money("1.5")])
    assert reading._written_quotes({"a": [Decimal("1E+50")]}, DEFAULT_LIMITS) is None  # declined: the walk decides
    assert reading._written_quotes({"a": [Decimal("1.5")]}, DEFAULT_LIMITS) == 2
