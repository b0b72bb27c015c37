"""
Shopify's statuses onto Trackstar's, as data with a reason per row.

Three tables, each an ordered list of rules (the first rule that matches decides) expanded into one
row per combination of the values Shopify documents, so every combination has a defined, tested
outcome and anything else maps to ``other`` (never to a guessed state):

* the order: ``financial_status`` × ``fulfillment_status`` × ``cancelled_at``, 8 × 4 × 2 = 64 rows
  (`ORDER_STATUS_TABLE`, a `cartnorm.StatusTable`);
* a shipment, from a fulfillment: its ``status`` × its ``shipment_status``, 6 × 13 = 78 rows
  (`SHIPMENT_STATUS_TABLE`);
* a shipping group, from a fulfillment order: its ``status`` × whether a successful fulfillment
  covers it, 7 × 2 = 14 rows (`SHIPPING_GROUP_STATUS_TABLE`).

How values are spelled in the tables and in ``raw_status``: a string is itself, JSON ``null`` is
``null`` (``fulfillment_status: null`` is Shopify's "nothing fulfilled yet", a value, not a gap),
and ``cancelled_at`` is ``set`` when it holds a timestamp. ``raw_status`` keeps the Shopify fields
as an ``application/x-www-form-urlencoded`` string in axis order, the same convention as Medusa's:
``financial_status=paid&fulfillment_status=null&cancelled_at=null``. A field that is missing, or
whose value is neither a string nor null, is left out of ``raw_status`` and the status is ``other``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Final, Generic, TypeVar, cast
from urllib.parse import parse_qsl, urlencode

import attrs

from ...adapter import StatusDecision, StatusRule, StatusTable
from ...model import OrderStatus, ShipmentStatus

__all__ = [
    "CANCELLED_AT_VALUES",
    "FINANCIAL_STATUSES",
    "FULFILLMENT_ORDER_STATUSES",
    "FULFILLMENT_STATUSES",
    "NULL",
    "ORDER_AXES",
    "ORDER_RULES",
    "ORDER_STATUS_TABLE",
    "SHIPMENT_AXES",
    "SHIPMENT_RULES",
    "SHIPMENT_STATUSES",
    "SHIPMENT_STATUS_TABLE",
    "SHIPPING_GROUP_AXES",
    "SHIPPING_GROUP_RULES",
    "SHIPPING_GROUP_STATUS_TABLE",
    "STATUS_TABLES",
    "TRACKING_STATUSES",
    "StatusReading",
    "format_raw_status",
    "order_status",
    "parse_raw_status",
    "shipment_status",
    "shipping_group_status",
]

#: How JSON ``null`` is spelled in the tables and in ``raw_status``.
NULL: Final = "null"
_SET: Final = "set"

#: The order's three axes, in ``raw_status`` order.
ORDER_AXES: Final = ("financial_status", "fulfillment_status", "cancelled_at")
#: A fulfillment's two axes (the shipment), in ``raw_status`` order.
SHIPMENT_AXES: Final = ("status", "shipment_status")
#: A fulfillment order's two axes (the shipping group): its ``status``, and ``fulfilled``: whether a
#: ``success`` fulfillment of the order covers one of its line items from its assigned location.
SHIPPING_GROUP_AXES: Final = ("status", "fulfilled")

#: REST ``Order.financial_status`` (lower case; GraphQL's ``displayFinancialStatus`` is upper case), in
#: Shopify's order, ``expired`` from GraphQL ``OrderDisplayFinancialStatus``.
FINANCIAL_STATUSES: Final = (
    "pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded", "voided", "expired",
)  # fmt: skip
#: REST ``Order.fulfillment_status``: ``null`` (nothing fulfilled yet), ``partial``, ``fulfilled``, and the
#: legacy ``restocked``. REST never writes GraphQL's ``UNFULFILLED``, ``ON_HOLD`` … here.
FULFILLMENT_STATUSES: Final = (NULL, "partial", "fulfilled", "restocked")
#: ``cancelled_at``: null, or set (a timestamp). ``closed_at`` (archived) is not a cancellation.
CANCELLED_AT_VALUES: Final = (NULL, _SET)
#: ``Fulfillment.status`` (``pending`` and ``open`` are deprecated, still found in older data).
SHIPMENT_STATUSES: Final = ("pending", "open", "success", "cancelled", "error", "failure")
#: ``Fulfillment.shipment_status``: the carrier's latest tracking event, usually null. REST documents the
#: first nine; GraphQL ``FulfillmentEventStatus`` adds ``delayed``, ``carrier_picked_up`` and ``picked_up``.
TRACKING_STATUSES: Final = (
    NULL, "label_printed", "label_purchased", "attempted_delivery", "ready_for_pickup", "confirmed", "in_transit",
    "out_for_delivery", "delivered", "failure", "delayed", "carrier_picked_up", "picked_up",
)  # fmt: skip
#: ``FulfillmentOrder.status``.
FULFILLMENT_ORDER_STATUSES: Final = (
    "open", "in_progress", "scheduled", "on_hold", "incomplete", "closed", "cancelled",
)  # fmt: skip
_FULFILLED_VALUES: Final = ("some", "none")

_Status = TypeVar("_Status", OrderStatus, ShipmentStatus)


def _any_of(*values: str) -> frozenset[str]:
    return frozenset(values)


_O = OrderStatus
_PAID = _any_of("paid", "partially_paid", "partially_refunded")

#: The order rules, first match wins.
ORDER_RULES: Final[tuple[StatusRule[OrderStatus], ...]] = (
    StatusRule(when={"cancelled_at": _any_of(_SET)}, status=_O.CANCELLED,
         reason="cancelled (cancelled_at is set), whatever was paid, refunded or fulfilled before"),
    StatusRule(when={"fulfillment_status": _any_of("restocked")}, status=_O.CANCELLED,
         reason="legacy value that Shopify defines as 'every line item restocked and the order cancelled'"),
    StatusRule(when={"financial_status": _any_of("voided")}, status=_O.EXCEPTION,
         reason="the payment authorization was voided but the order is not cancelled: nothing can be charged"),
    StatusRule(when={"financial_status": _any_of("expired")}, status=_O.EXCEPTION,
         reason="the authorization expired before it was captured: nothing can be charged until the buyer pays"),
    StatusRule(when={"fulfillment_status": _any_of("fulfilled")}, status=_O.FULFILLED,
         reason="every line item fulfilled; refunds after fulfilment do not undo it"),
    StatusRule(when={"fulfillment_status": _any_of("partial")}, status=_O.PARTIALLY_FULFILLED,
         reason="some line items fulfilled, others not yet"),
    StatusRule(when={"financial_status": _PAID}, status=_O.CONFIRMED,
         reason="payment (partly) captured, nothing fulfilled yet"),
    StatusRule(when={"financial_status": _any_of("pending", "authorized")}, status=_O.OPEN,
         reason="placed: payment pending (or a manual method) or only authorized, nothing fulfilled yet"),
    StatusRule(when={"financial_status": _any_of("refunded")}, status=_O.EXCEPTION,
         reason="refunded in full, yet neither cancelled nor fulfilled: it needs a person"),
)  # fmt: skip

_S = ShipmentStatus

#: The shipment rules (a fulfillment's ``status`` × ``shipment_status``), first match wins.
SHIPMENT_RULES: Final[tuple[StatusRule[ShipmentStatus], ...]] = (
    StatusRule(when={"status": _any_of("cancelled")}, status=_S.CANCELLED,
         reason="the fulfillment was cancelled (its items can be fulfilled again), whatever the carrier said"),
    StatusRule(when={"status": _any_of("error", "failure")}, status=_S.EXCEPTION,
         reason="the fulfillment failed (a service error or a failure): kept as a shipment so the failure shows"),
    StatusRule(when={"shipment_status": _any_of("delivered", "picked_up")}, status=_S.DELIVERED,
         reason="the carrier delivered it (or the customer picked it up)"),
    StatusRule(when={"shipment_status": _any_of("attempted_delivery", "delayed", "failure")}, status=_S.EXCEPTION,
         reason="the carrier reports a problem: a failed delivery attempt, a delay, or a failure"),
    StatusRule(when={"shipment_status": _any_of("in_transit", "out_for_delivery", "carrier_picked_up",
                                                "ready_for_pickup")},
         status=_S.SHIPPED, reason="with the carrier, on its way (or waiting at the pickup point)"),
    StatusRule(when={"status": _any_of("success")}, status=_S.SHIPPED,
         reason="fulfilled in Shopify; no carrier scan yet (no event, a label, or the carrier's confirmation)"),
    StatusRule(when={"status": _any_of("pending", "open")}, status=_S.OPEN,
         reason="requested from a fulfillment service and not done yet (deprecated values, found in older data)"),
)  # fmt: skip

#: The shipping-group rules (a fulfillment order's ``status`` × ``fulfilled``), first match wins.
SHIPPING_GROUP_RULES: Final[tuple[StatusRule[ShipmentStatus], ...]] = (
    StatusRule(when={"status": _any_of("cancelled")}, status=_S.CANCELLED, reason="cancelled by the merchant"),
    StatusRule(when={"status": _any_of("closed"), "fulfilled": _any_of("some")}, status=_S.SHIPPED,
         reason="closed when its work was done: a successful fulfillment covers it"),
    StatusRule(when={"status": _any_of("closed"), "fulfilled": _any_of("none")}, status=_S.CANCELLED,
         reason="closed with nothing fulfilled from it: its lines were moved, merged or re-created in another "
                "fulfillment order, or the order was cancelled; nothing ships from this one"),
    StatusRule(when={"status": _any_of("on_hold")}, status=_S.ON_HOLD,
         reason="held (fulfillment_holds says why): not to be shipped until released"),
    StatusRule(when={"status": _any_of("scheduled")}, status=_S.ON_HOLD,
         reason="deferred until fulfill_at (prepaid subscriptions …): not to be shipped yet; Trackstar has no "
                "'scheduled'"),
    StatusRule(when={"status": _any_of("incomplete")}, status=_S.EXCEPTION,
         reason="the fulfillment service could not complete it as requested: it needs a person"),
    StatusRule(when={"status": _any_of("open", "in_progress")}, status=_S.OPEN,
         reason="to be fulfilled (in_progress: work has started, not every line is fulfilled yet)"),
)  # fmt: skip


_UNKNOWN = (
    "a value Shopify does not document, a missing field, or one that is neither a string nor null: "
    "kept in raw_status (when it is a string), never guessed"
)

#: Every documented order combination (8 × 4 × 2 rows).
ORDER_STATUS_TABLE: Final = StatusTable.from_rules(
    vendor="shopify",
    title="Shopify order (financial_status × fulfillment_status × cancelled_at)",
    axes=ORDER_AXES,
    rules=ORDER_RULES,
    values=dict(zip(ORDER_AXES, (FINANCIAL_STATUSES, FULFILLMENT_STATUSES, CANCELLED_AT_VALUES), strict=True)),
    unknown_reason=_UNKNOWN,
)
#: Every documented fulfillment combination (6 × 13 rows).
SHIPMENT_STATUS_TABLE: Final = StatusTable.from_rules(
    vendor="shopify",
    title="Shopify fulfillment → shipment (status × shipment_status)",
    axes=SHIPMENT_AXES,
    rules=SHIPMENT_RULES,
    values=dict(zip(SHIPMENT_AXES, (SHIPMENT_STATUSES, TRACKING_STATUSES), strict=True)),
    decides="shipment",
    unknown_reason=_UNKNOWN,
)
#: Every documented fulfillment-order combination (7 × 2 rows).
SHIPPING_GROUP_STATUS_TABLE: Final = StatusTable.from_rules(
    vendor="shopify",
    title="Shopify fulfillment order → shipping group (status × fulfilled)",
    axes=SHIPPING_GROUP_AXES,
    rules=SHIPPING_GROUP_RULES,
    values=dict(zip(SHIPPING_GROUP_AXES, (FULFILLMENT_ORDER_STATUSES, _FULFILLED_VALUES), strict=True)),
    decides="shipping_group",
    unknown_reason=_UNKNOWN,
)

#: The adapter's status tables (`cartnorm.Adapter.status_tables`): the order's, a shipment's, a shipping group's.
STATUS_TABLES: Final[tuple[StatusTable[OrderStatus] | StatusTable[ShipmentStatus], ...]] = (
    ORDER_STATUS_TABLE,
    SHIPMENT_STATUS_TABLE,
    SHIPPING_GROUP_STATUS_TABLE,
)


@attrs.frozen
class StatusReading(Generic[_Status]):
    """
    What a status look-up gives: the status, why, the ``raw_status`` to keep, and whether it was known.

    ``known`` is False when the combination is not in the table (the status is then ``other``).
    """

    status: _Status
    reason: str
    raw_status: str | None
    known: bool


_ABSENT: Final = object()


def _spell(value: object) -> str | None:
    """How a status field is written in ``raw_status``: the string, ``null`` for JSON null, else None (left out)."""
    if value is None:
        return NULL
    return value if isinstance(value, str) else None


def _spell_cancelled_at(value: object) -> str | None:
    """``cancelled_at`` in ``raw_status``: ``null``, ``set`` for a non-empty string (a timestamp), else None."""
    if value is None:
        return NULL
    return _SET if isinstance(value, str) and value else None


def _fields(
    obj: Mapping[str, object], keys: tuple[str, ...], cancelled_at: bool = False
) -> tuple[tuple[str | None, ...], tuple[str, ...] | None]:
    """
    The ``raw_status`` spellings of ``keys`` in ``obj``, and the table key they make (None when a field is
    missing or unreadable, or when a string spells a token: the text ``"null"`` is not JSON null).
    """
    raw: list[str | None] = []
    exact = True
    for key in keys:
        value = obj.get(key, _ABSENT)
        if value is _ABSENT:
            raw.append(None)
            exact = False
            continue
        spelled = _spell_cancelled_at(value) if cancelled_at and key == "cancelled_at" else _spell(value)
        raw.append(spelled)
        exact = exact and spelled is not None and not (isinstance(value, str) and value == spelled == NULL)
    spellings = tuple(raw)
    return spellings, cast("tuple[str, ...]", spellings) if exact else None


def order_status(order: Mapping[str, object]) -> StatusReading[OrderStatus]:
    """
    The Trackstar status of a Shopify order (REST ``Order``), from its three status fields.

    >>> reading = order_status({"financial_status": "paid", "fulfillment_status": None, "cancelled_at": None})
    >>> reading.status.value, reading.raw_status
    ('confirmed', 'financial_status=paid&fulfillment_status=null&cancelled_at=null')
    """
    spellings, key = _fields(order, ORDER_AXES, cancelled_at=True)
    table = ORDER_STATUS_TABLE
    decision = table.lookup(key) if key is not None else StatusDecision(OrderStatus.OTHER, table.unknown_reason)
    known = key is not None and key in table.rows
    return StatusReading(decision.status, decision.reason, format_raw_status(ORDER_AXES, spellings), known)


def _shipment_reading(
    table: StatusTable[ShipmentStatus], key: tuple[str, ...] | None, raw: str | None
) -> StatusReading[ShipmentStatus]:
    decision = table.lookup(key if key is not None else ())
    return StatusReading(decision.status, decision.reason, raw, key is not None and key in table.rows)


def shipment_status(fulfillment: Mapping[str, object]) -> StatusReading[ShipmentStatus]:
    """
    The Trackstar status of the shipments made from one Shopify fulfillment.

    >>> reading = shipment_status({"status": "success", "shipment_status": "in_transit"})
    >>> reading.status.value, reading.raw_status
    ('shipped', 'status=success&shipment_status=in_transit')
    """
    spellings, key = _fields(fulfillment, SHIPMENT_AXES)
    if key is None and "shipment_status" not in fulfillment:
        # Fulfillments older than the field (and some bodies) have no shipment_status at all: no carrier
        # event, as null says. raw_status still leaves it out, so the reverse writes no key.
        _, status_key = _fields(fulfillment, ("status",))
        key = None if status_key is None else (*status_key, NULL)
    return _shipment_reading(SHIPMENT_STATUS_TABLE, key, format_raw_status(SHIPMENT_AXES, spellings))


def shipping_group_status(fulfillment_order: Mapping[str, object], *, fulfilled: bool) -> StatusReading[ShipmentStatus]:
    """
    The Trackstar status of the shipping group made from one fulfillment order.

    ``fulfilled`` says whether a ``success`` fulfillment of the order covers one of its line items
    from its assigned location (the caller joins them). ``raw_status`` keeps the fulfillment order's
    own ``status`` only: ``fulfilled`` is derived, not a Shopify field.

    >>> reading = shipping_group_status({"status": "closed"}, fulfilled=False)
    >>> reading.status.value, reading.raw_status
    ('cancelled', 'status=closed')
    """
    spellings, key = _fields(fulfillment_order, ("status",))
    full_key = None if key is None else (*key, "some" if fulfilled else "none")
    return _shipment_reading(SHIPPING_GROUP_STATUS_TABLE, full_key, format_raw_status(("status",), spellings))


def format_raw_status(axes: tuple[str, ...], tokens: tuple[str | None, ...]) -> str | None:
    """
    Encode ``axis=token`` pairs in axis order, leaving out axes whose token is None; None when none is left.

    >>> format_raw_status(("status", "shipment_status"), ("success", None))
    'status=success'
    """
    pairs = tuple((axis, token) for axis, token in zip(axes, tokens, strict=True) if token is not None)
    return _encode(pairs) if pairs else None


@functools.lru_cache(maxsize=256)  # orders repeat a handful of status combinations
def _encode(pairs: tuple[tuple[str, str], ...]) -> str:
    return urlencode(pairs, errors="surrogatepass")


def parse_raw_status(raw_status: str | None) -> dict[str, str]:
    """
    Read back what `format_raw_status` wrote, as ``field -> spelling`` (``null`` stays the text ``null``).

    >>> parse_raw_status("financial_status=paid&fulfillment_status=null&cancelled_at=null")["fulfillment_status"]
    'null'
    """
    if raw_status is None:
        return {}
    return dict(parse_qsl(raw_status, keep_blank_values=True, errors="surrogatepass"))
