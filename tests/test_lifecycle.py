"""The Trackstar status lifecycle table and the transition rules."""

from __future__ import annotations

import re

import pytest

from cartnorm import OrderStatus
from cartnorm.lifecycle import STATUS_INFO, STEP_BACKS, can_transition, check_transition
from conftest import REPO

S = OrderStatus


def test_every_status_is_described_with_trackstars_words():
    """The table covers every status; definitions are the seed's, verbatim."""
    assert set(STATUS_INFO) == set(OrderStatus)
    seed = (REPO / "tests" / "data" / "trackstar-cart-orders-statuses.md").read_text()
    for status, info in STATUS_INFO.items():
        row = re.search(rf"\| `{status.value}`\s*\| (.+?)\s*\|", seed)
        assert row is not None and row.group(1) == info.definition


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        (S.OPEN, S.FULFILLED, True),
        (S.OPEN, S.CONFIRMED, True),
        (S.PROCESSING, S.PARTIALLY_FULFILLED, True),
        (S.FULFILLED, S.OPEN, False),
        (S.PARTIALLY_FULFILLED, S.PROCESSING, False),
        (S.PROCESSING, S.CONFIRMED, True),  # a fulfillment cancelled before it shipped (STEP_BACKS)
        (S.PROCESSING, S.OPEN, True),
        (S.CONFIRMED, S.OPEN, False),
        (S.PARTIALLY_FULFILLED, S.CONFIRMED, False),
        (S.CANCELLED, S.OPEN, False),
        (S.FULFILLED, S.CANCELLED, False),
        (S.PROCESSING, S.CANCELLED, True),
        (S.PROCESSING, S.BACKORDERED, True),
        (S.BACKORDERED, S.FULFILLED, True),
        (S.BACKORDERED, S.CONFIRMED, True),
        (S.FULFILLED, S.EXCEPTION, True),
        (S.CANCELLED, S.OTHER, True),
        (S.EXCEPTION, S.OPEN, True),
        (S.OTHER, S.FULFILLED, True),
    ],
)
def test_transitions(old, new, allowed):
    """Forward is fine, backward and leaving a terminal state are suspicious, other/exception are free."""
    assert can_transition(old, new) is allowed
    assert can_transition(old.value, new.value) is allowed
    assert check_transition(old, new).reason


def test_no_change_is_always_allowed():
    """Comparing a snapshot with itself is never suspicious."""
    assert all(can_transition(status, status) for status in OrderStatus)


def test_unknown_status_names_are_errors():
    """A string that is not a Trackstar status is a ValueError, not a silent False."""
    with pytest.raises(ValueError):
        can_transition("shipped", "open")


def test_allowed_step_backs_say_why_and_are_the_only_backward_moves():
    """Each allowed backward move gives its own reason; every other backward move on the main line is suspicious."""
    for (old, new), reason in STEP_BACKS.items():
        assert STATUS_INFO[new].rank is not None and STATUS_INFO[old].rank is not None
        assert STATUS_INFO[new].rank < STATUS_INFO[old].rank
        assert check_transition(old, new).reason == reason
    main = [status for status, info in STATUS_INFO.items() if info.rank is not None]
    backward = {(old, new) for old in main for new in main if STATUS_INFO[new].rank < STATUS_INFO[old].rank}
    allowed = {pair for pair in backward if can_transition(*pair)}
    assert allowed == set(STEP_BACKS)
