"""
Medusa v2's own status aggregation, for the responses that leave the computed axes out.

v2 does not store ``payment_status`` and ``fulfillment_status``: it computes them whenever it
reads an order (``core-flows/src/order/utils/aggregate-status.ts``), and the cart-completion
and admin order-action responses carry only ``status``. The same rules, applied to what such a
body holds, give the same answer:

* payment, from ``payment_collections[]``: a collection counts as captured (refunded) in full
  when its ``captured_amount`` (``refunded_amount``) equals its ``amount``, in half otherwise;
  then ``requires_action`` > refunded > captured > ``authorized`` > all ``canceled`` >
  ``awaiting`` > ``not_paid``, each "partially_" when it does not cover every collection that is
  not canceled;
* fulfillment, from ``fulfillments[]`` (each counted by the first of ``canceled_at``,
  ``delivered_at``, ``shipped_at``, ``packed_at``) and the items' ``detail.fulfilled_quantity``:
  delivered > shipped > fulfilled, each "partially_" when it does not cover every fulfillment
  that is not canceled or some item is not fully fulfilled; all canceled → ``canceled``; else
  ``not_fulfilled``. Without ``fulfillments`` (admin action responses), the items' ``detail``
  quantities stand in for them: delivered > shipped > fulfilled, each "partially_" unless it
  covers every unit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from ._context import Context
from ._reading import child, detail_quantity

__all__ = ["derive_fulfillment_status", "derive_payment_status", "units_shipped"]

_ZERO: Final = Decimal(0)
#: Fulfillment timestamps in Medusa's order of precedence, and the state each one counts for.
_FULFILLMENT_STAMPS: Final = (("canceled_at", "canceled"), ("delivered_at", "delivered"),
                              ("shipped_at", "shipped"), ("packed_at", "fulfilled"))  # fmt: skip


def _objects(value: object) -> Sequence[Mapping[str, Any]] | None:
    if not isinstance(value, list) or not all(isinstance(entry, Mapping) for entry in value):
        return None
    return value


def derive_payment_status(context: Context) -> str | None:
    """``payment_status`` as Medusa v2 computes it from ``payment_collections``; None without them."""
    collections = _objects(context.order.get("payment_collections"))
    if collections is None:
        return None
    halves: Counter[str] = Counter()  # in half-collections: Medusa counts a partial capture or refund as 0.5
    for index, collection in enumerate(collections):
        where = context.at("payment_collections", index)
        amount = context.money.read(collection, "amount", where)
        for key, state in (("captured_amount", "captured"), ("refunded_amount", "refunded")):
            value = context.money.read(collection, key, where) or _ZERO
            if value > 0:
                halves[state] += 2 if value == amount else 1
        status = collection.get("status")
        if isinstance(status, str):
            halves[status] += 2
    total = 2 * len(collections)
    not_canceled = total - halves["canceled"]
    if halves["requires_action"]:
        return "requires_action"
    for state, partial in (("refunded", "partially_refunded"), ("captured", "partially_captured"),
                           ("authorized", "partially_authorized")):  # fmt: skip
        if halves[state]:
            return state if halves[state] == not_canceled else partial
    if halves["canceled"] and halves["canceled"] == total:
        return "canceled"
    return "awaiting" if halves["awaiting"] else "not_paid"


def _item_quantities(context: Context, key: str) -> list[tuple[int, int]] | None:
    """(ordered, ``detail[key]``) per item; None when some item has no detail."""
    items = _objects(context.order.get("items"))
    if items is None:
        return None
    found = []
    for index, item in enumerate(items):
        detail = item.get("detail")
        count = item.get("quantity")
        if not isinstance(detail, Mapping) or type(count) is not int:
            return None
        found.append((count, detail_quantity(detail, key, child(context.at("items", index), "detail"))))
    return found


def _fully(context: Context, key: str) -> bool | None:
    """True when every item's ``detail[key]`` reaches its quantity; None when that is unknown."""
    quantities = _item_quantities(context, key)
    return None if quantities is None else all(done >= count for count, done in quantities)


def units_shipped(context: Context) -> str:
    """The derived ``units_shipped`` axis: ``all`` when every unit of every item shipped, else ``not_all``."""
    quantities = _item_quantities(context, "shipped_quantity")
    return "all" if quantities and all(done >= count for count, done in quantities) else "not_all"


def derive_fulfillment_status(context: Context) -> str | None:
    """``fulfillment_status`` as Medusa v2 computes it; None without fulfillments and item details."""
    fulfillments = _objects(context.order.get("fulfillments"))
    if fulfillments is None:
        return _from_details(context)
    counts: Counter[str] = Counter()
    for fulfillment in fulfillments:
        state = next((state for key, state in _FULFILLMENT_STAMPS if fulfillment.get(key)), None)
        if state is not None:
            counts[state] += 1
    unfulfilled = _fully(context, "fulfilled_quantity") is False
    not_canceled = len(fulfillments) - counts["canceled"]
    for state in ("delivered", "shipped", "fulfilled"):
        if counts[state]:
            return state if counts[state] == not_canceled and not unfulfilled else f"partially_{state}"
    if counts["canceled"] and counts["canceled"] == len(fulfillments):
        return "canceled"
    return "not_fulfilled"


def _from_details(context: Context) -> str | None:
    for key, state in (("delivered_quantity", "delivered"), ("shipped_quantity", "shipped"),
                       ("fulfilled_quantity", "fulfilled")):  # fmt: skip
        quantities = _item_quantities(context, key)
        if quantities is None:
            return None
        if any(done > 0 for _, done in quantities):
            return state if all(done >= count for count, done in quantities) else f"partially_{state}"
    return "not_fulfilled"
