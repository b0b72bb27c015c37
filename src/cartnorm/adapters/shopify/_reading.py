"""
Reading a Shopify REST payload: its shapes, ids, texts and dates, each with its JSON path.

The shapes a user hands over (`unwrap`): the bare ``Order`` (webhook bodies, each item of an
``{"orders": [...]}`` page), and ``{"order": {…}}`` (a GET, POST or PUT response; an order action
adds keys beside it, such as ``notice``). Shopify bodies that hold no order (a page of orders,
fulfillment orders, refunds, fulfillments) are recognised by `holds_no_order` and refused by
`unwrap` with a `PayloadError` that says what they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone, tzinfo
from typing import Any, Final

from ..._datetime import parse_rfc3339
from ..._paths import ROOT, child
from ...errors import MISSING, PayloadError
from ...lossless import Reading

__all__ = ["NOT_ORDERS", "holds_no_order", "looks_like_order", "shopify_id", "text", "unwrap", "when", "write_when"]

#: Shopify bodies that hold no order: the top-level key → what the body is, and what to do with it.
NOT_ORDERS: Final[Mapping[str, tuple[str, str]]] = {
    "orders": (
        "a page of orders (GET /admin/api/<version>/orders.json)",
        "Convert each element of $.orders on its own: each is a bare order.",
    ),
    "fulfillment_orders": (
        "fulfillment orders (GET …/orders/{id}/fulfillment_orders.json)",
        "Pass them with their order: to_canonical(order, fulfillment_orders=body).",
    ),
    "fulfillment_order": (
        "a fulfillment order (a fulfillment-order action's response)",
        "Pass it with its order: to_canonical(order, fulfillment_orders=body).",
    ),
    "original_fulfillment_order": (
        "the fulfillment orders of a move (POST …/fulfillment_orders/{id}/move.json)",
        "Read the order's fulfillment orders again (GET …/orders/{id}/fulfillment_orders.json), pass them too.",
    ),
    "refunds": (
        "an order's refunds (GET …/orders/{id}/refunds.json)",
        "The order itself carries its refunds: read it with GET …/orders/{id}.json.",
    ),
    "fulfillments": (
        "an order's fulfillments (GET …/orders/{id}/fulfillments.json)",
        "The order itself carries its fulfillments: read it with GET …/orders/{id}.json.",
    ),
}
#: Keys each object of those bodies has one of, and no Medusa or Gearment object does (with an integer id).
_MARKS: Final[Mapping[str, tuple[str, ...]]] = {
    "orders": ("line_items", "financial_status"),  # a page read with ?fields= may lack the lines
    "fulfillment_orders": ("assigned_location_id",),
    "fulfillment_order": ("assigned_location_id",),
    "original_fulfillment_order": ("assigned_location_id",),
    "refunds": ("refund_line_items",),
    "fulfillments": ("tracking_numbers",),
}


def _int_id(value: object) -> bool:
    return type(value) is int and value > 0


def looks_like_order(value: object) -> bool:
    """
    A Shopify REST order: an object with a positive integer ``id``, a ``line_items`` list, a
    ``currency`` text and a ``financial_status`` key (Medusa's ids are texts, Gearment's
    ``order_id``; neither has this combination). Cheap; raises only what a hostile mapping raises.
    """
    return (
        isinstance(value, Mapping)
        and _int_id(value.get("id"))
        and isinstance(value.get("line_items"), list)
        and isinstance(value.get("currency"), str)
        and "financial_status" in value
    )


def holds_no_order(payload: Mapping[str, Any]) -> str | None:
    """The `NOT_ORDERS` key of a Shopify body that holds no order, else None."""
    for key, marks in _MARKS.items():
        found = payload.get(key)
        first = (found[0] if found else None) if isinstance(found, list) else found
        if isinstance(first, Mapping) and _int_id(first.get("id")) and any(mark in first for mark in marks):
            return key
    return None


def unwrap(payload: Any) -> tuple[Reading, Reading]:
    """
    ``(root, order)``: the payload read as the adapter's own copy, and its order (the root itself
    for a bare order, ``root.part("order")`` for ``{"order": …}``). A body that holds no order is
    a `PayloadError` that says what it is.
    """
    if not isinstance(payload, dict):
        raise PayloadError(ROOT, payload, 'a JSON object: a Shopify order, or {"order": {...}}')
    root = Reading(payload, owned=True)
    if "order" in payload and "line_items" not in payload:
        order = root.part("order")
        if order is None:
            raise PayloadError(child(ROOT, "order"), payload["order"], "a Shopify order object")
        return root, order
    found = holds_no_order(payload) if "line_items" not in payload else None
    if found is not None:
        what, hint = NOT_ORDERS[found]
        raise PayloadError(child(ROOT, found), f"{what}", "a Shopify order", hint=hint)
    return root, root


#: Shopify's ids are 64-bit integers (GraphQL's ``ID``, the REST ``id``); a larger one is not an id the reverse
#: could write back as the integer it was.
MAX_ID: Final = 2**63 - 1


def shopify_id(reading: Reading, key: str, *, required: bool, what: str) -> str | None:
    """
    A Shopify id (a positive integer, taken: the reverse writes it back as that integer) as text;
    None when absent or null and not ``required``; a `PayloadError` for anything else.
    """
    value = reading.value.get(key, MISSING)
    if type(value) is int and 0 < value <= MAX_ID:
        reading.given_back(key)
        return str(value)
    if not required and value in (None, MISSING):
        return None
    raise PayloadError(reading.at(key), value, f"{what}: a positive integer id of at most 64 bits")


def text(reading: Reading, key: str) -> str | None:
    """A non-empty text, taken (written back as sent); anything else None, carried as it came."""
    value = reading.value.get(key)
    if type(value) is str and value:
        reading.given_back(key)
        return value
    return None


def when(reading: Reading, key: str) -> datetime | None:
    """
    A date-time at ``key`` in UTC (the reverse writes it with the shop's offset: `write_when`);
    None when absent or null; a `PayloadError` for anything but an RFC 3339 date-time with an offset.
    """
    value = reading.value.get(key)
    if value is None:
        return None
    moment = parse_rfc3339(value, reading.at(key), sub_microsecond="truncate")
    return moment.astimezone(timezone.utc)


def offset_of(reading: Reading, key: str) -> tzinfo:
    """The UTC offset ``key``'s date-time is written with (Shopify writes the shop's local time); UTC else."""
    value = reading.value.get(key)
    if isinstance(value, str):
        try:
            zone = parse_rfc3339(value, reading.at(key), sub_microsecond="truncate").tzinfo
        except PayloadError:
            return timezone.utc
        if zone is not None:
            return zone
    return timezone.utc


def write_when(moment: datetime, offset: tzinfo) -> str:
    """A date-time as Shopify writes it: the shop's local time, its offset, whole seconds (``…T11:00:00-05:00``)."""
    local = moment.astimezone(offset)
    return local.isoformat(timespec="seconds" if not local.microsecond else "microseconds")
