"""
The Trackstar order status lifecycle as data, and the rule for comparing two snapshots.

``open → confirmed → processing → partially_fulfilled → fulfilled`` is the main line;
``backordered`` is a waiting state beside it, ``cancelled`` and ``fulfilled`` end it,
``exception`` and ``other`` can happen at any time.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from .model import OrderStatus

__all__ = [
    "STATUS_INFO",
    "STEP_BACKS",
    "StatusInfo",
    "Transition",
    "can_transition",
    "check_transition",
]


@attrs.frozen(kw_only=True)
class StatusInfo:
    """What Trackstar says a status means, and where it sits in the lifecycle."""

    status: OrderStatus
    rank: int | None  # position on the main line; None for states beside it
    definition: str  # Trackstar's own words ("Cart Orders" page)
    terminal: bool  # no further progress is expected


_S = OrderStatus
#: Every Trackstar order status, in Trackstar's table order.
STATUS_INFO: Final[Mapping[OrderStatus, StatusInfo]] = MappingProxyType(
    {
        info.status: info
        for info in (
            StatusInfo(status=_S.OPEN, rank=0, terminal=False, definition="Order has been placed."),
            StatusInfo(
                status=_S.CONFIRMED, rank=1, terminal=False, definition="Order has been confirmed by the cart system."
            ),
            StatusInfo(
                status=_S.PROCESSING, rank=2, terminal=False, definition="Order is being processed by the warehouse."
            ),
            StatusInfo(
                status=_S.PARTIALLY_FULFILLED, rank=3, terminal=False, definition="Order has been partially fulfilled."
            ),
            StatusInfo(status=_S.FULFILLED, rank=4, terminal=True, definition="Order has been fulfilled and shipped."),
            StatusInfo(
                status=_S.BACKORDERED,
                rank=None,
                terminal=False,
                definition="Order cannot be fulfilled because of a lack of available inventory.",
            ),
            StatusInfo(status=_S.EXCEPTION, rank=None, terminal=False, definition="There is an issue with the order."),
            StatusInfo(
                status=_S.CANCELLED,
                rank=None,
                terminal=True,
                definition="Order has been cancelled by either the platform, warehouse, or customer.",
            ),
            StatusInfo(
                status=_S.OTHER,
                rank=None,
                terminal=False,
                definition=(
                    "Status of the order can't be determined. Often due to a custom status being used. "
                    "See the `raw_status` field for more information"
                ),
            ),
        )
    }
)

_UNKNOWABLE: Final = frozenset({_S.OTHER, _S.EXCEPTION})

#: The backward moves real orders make, and why: allowed (rule 6), each with its reason.
STEP_BACKS: Final[Mapping[tuple[OrderStatus, OrderStatus], str]] = MappingProxyType(
    {
        (_S.PROCESSING, _S.CONFIRMED): (
            "a fulfillment was cancelled before it shipped: the goods go back on the "
            "shelf and the order, paid, waits to be fulfilled again"
        ),
        (_S.PROCESSING, _S.OPEN): (
            "a fulfillment was cancelled before it shipped: the goods go back on the "
            "shelf and the order, not paid yet, waits to be fulfilled again"
        ),
    }
)


@attrs.frozen
class Transition:
    """The verdict on one change of status between two snapshots of an order."""

    old: OrderStatus
    new: OrderStatus
    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


def check_transition(old: OrderStatus | str, new: OrderStatus | str) -> Transition:
    """
    Judge a change of status seen between two snapshots of the same order.

    Rules, first match wins:

    1. no change is always fine;
    2. ``other`` and ``exception`` may be entered from, and left to, any status
       (we cannot know what they hide);
    3. nothing leaves a terminal status (``fulfilled``, ``cancelled``): a fulfilled order
       that goes back to ``open``, or a cancelled one that is revived, is suspicious;
    4. ``cancelled`` may be entered from any non-terminal status;
    5. ``backordered`` may be entered from, and left to, any main-line status before
       ``fulfilled`` (and may be left to ``fulfilled``);
    6. the backward moves in `STEP_BACKS` are fine, each for the reason it gives (a fulfillment
       cancelled before it shipped takes ``processing`` back to ``confirmed`` or ``open``);
    7. on the main line, moving forward is fine, skipping steps included
       (snapshots are taken at intervals); any other backward move is suspicious.

    >>> check_transition("fulfilled", "open").allowed
    False
    """
    old, new = OrderStatus(old), OrderStatus(new)

    def verdict(allowed: bool, reason: str) -> Transition:
        return Transition(old, new, allowed, reason)

    if old is new:
        return verdict(True, "no change")
    if old in _UNKNOWABLE or new in _UNKNOWABLE:
        return verdict(True, f"'{_S.OTHER}' and '{_S.EXCEPTION}' may be entered or left at any time")
    if STATUS_INFO[old].terminal:
        return verdict(False, f"'{old}' is terminal: nothing should follow it")
    if new is _S.CANCELLED:
        return verdict(True, "an order may be cancelled until it is fulfilled")
    if old is _S.BACKORDERED or new is _S.BACKORDERED:
        return verdict(True, "stock shortages may hold up, and then release, an order still in progress")
    step_back = STEP_BACKS.get((old, new))
    if step_back is not None:
        return verdict(True, step_back)
    old_rank, new_rank = STATUS_INFO[old].rank, STATUS_INFO[new].rank
    assert old_rank is not None and new_rank is not None  # every other status is on the main line
    if new_rank > old_rank:
        return verdict(True, "forward along the lifecycle")
    return verdict(False, f"backward along the lifecycle ('{old}' comes after '{new}')")


def can_transition(old: OrderStatus | str, new: OrderStatus | str) -> bool:
    """
    Return True when an order may plausibly go from ``old`` to ``new`` (see `check_transition`).

    >>> can_transition("open", "fulfilled"), can_transition("fulfilled", "open")
    (True, False)
    """
    return check_transition(old, new).allowed
