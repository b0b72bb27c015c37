"""
Canonical order → Shopify REST order (and its fulfillment orders), in Shopify's own spelling.

Each ``*_fields`` function writes the Shopify fields one canonical part determines: ids as
integers, amounts as decimal strings on one side of their MoneyBags, date-times in the shop's
local time, statuses from ``raw_status``. The forward mapping calls the same writers to tell the
lossless engine what is written back (`cartnorm.lossless.Reading.writes`), so a value the
canonical order holds in another form (a net unit price, a UTC time in another offset) is
simply carried as it was sent. `from_canonical` lays the remainder kept in
``additional_fields["shopify"]`` (`._layout`) over what the writers give, object by object: an
order that came from Shopify goes back exactly as it came; one from elsewhere becomes the
closest Shopify order its canonical fields allow.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import tzinfo
from decimal import Decimal
from typing import Any, Final

from ...geo import country_code
from ...lossless import Carried, as_floats
from ...model import (
    BillToAddress,
    CartOrder,
    LineItem,
    OrderStatus,
    ShipFromAddress,
    Shipment,
    ShipmentLineItem,
    ShippingGroup,
    ShipToAddress,
)
from . import _layout
from ._amounts import MoneySide
from ._reading import MAX_ID, write_when
from ._statuses import NULL, ORDER_AXES, SHIPMENT_AXES, parse_raw_status

__all__ = [
    "PARCEL_SEPARATOR",
    "address_fields",
    "bag",
    "from_canonical",
    "fulfillment_fields",
    "fulfillment_groups",
    "fulfillment_order_fields",
    "fulfillment_orders_from_canonical",
    "id_value",
    "line_fields",
    "order_fields",
    "origin_fields",
    "shipping_line_fields",
    "status_fields",
    "tags_text",
]

#: Between a fulfillment's id and its parcel number in the shipment ids of its tracking numbers after the
#: first (Medusa's parcels use the same): ``255858046``, ``255858046#2``, ``255858046#3``.
PARCEL_SEPARATOR: Final = "#"
_DIGITS: Final = re.compile(r"[1-9][0-9]{0,18}\Z")


def id_value(text: str | None) -> int | str | None:
    """A canonical id as Shopify writes it: the integer for decimal text, else the text as it is."""
    if text is None:
        return None
    return int(text) if _DIGITS.match(text) and int(text) <= MAX_ID else text


def bag(amount: Decimal, currency: str, side: MoneySide) -> dict[str, Any]:
    """The one side of a MoneyBag the canonical amount gives: ``{"presentment_money": {"amount", "currency_code"}}``."""
    return {side.bag_key: {"amount": str(amount), "currency_code": currency}}


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        out[key] = value


def status_fields(raw_status: str | None, axes: Sequence[str], status: OrderStatus | None = None) -> dict[str, Any]:
    """
    The status fields ``raw_status`` keeps (``null`` is JSON null; a ``cancelled_at`` that is ``set`` is a
    date-time the order keeps elsewhere, so it is not written from here). An order from elsewhere has none: its
    ``fulfillment_status`` is written from its Trackstar status.
    """
    found = parse_raw_status(raw_status)
    out: dict[str, Any] = {}
    for axis in axes:
        if axis not in found or (axis == "cancelled_at" and found[axis] != NULL):
            continue  # a cancellation's time is the order's to keep (carried), not raw_status's
        out[axis] = None if found[axis] == NULL else found[axis]
    if status is not None and not found:
        written = {OrderStatus.FULFILLED: "fulfilled", OrderStatus.PARTIALLY_FULFILLED: "partial"}
        out["fulfillment_status"] = written.get(status)
    return out


def tags_text(tags: Sequence[str]) -> str:
    """REST's one ``tags`` string: the tags joined by ``", "`` (``"ttag1, ttag2"``)."""
    return ", ".join(tags)


def order_fields(order: CartOrder, side: MoneySide, bags: bool, bare: bool, offset: tzinfo) -> dict[str, Any]:
    """
    The top-level scalars of the order (its objects and lists aside). ``bare``: the bare amount
    strings are in the side's currency (they are the shop's), so they are written too.
    """
    currency = order.invoice_currency_code
    out: dict[str, Any] = {"id": id_value(order.id), "name": order.order_number}
    _put(out, "email", order.ship_to_address.email_address)
    out["created_at"] = write_when(order.created_date, offset)
    out["updated_at"] = write_when(order.updated_date, offset)
    out["currency"] = currency
    if bags:
        out["presentment_currency"] = currency
    out.update(status_fields(order.raw_status, ORDER_AXES, order.status))
    out["tags"] = tags_text(order.tags)
    for key, amount in (
        ("total_price", order.total_price),
        ("total_tax", order.total_tax),
        ("total_discounts", order.total_discount),
    ):
        if amount is not None:
            if bare:
                out[key] = str(amount)
            if bags:
                out[key + "_set"] = bag(amount, currency, side)
    if bags and order.total_shipping is not None:
        out["total_shipping_price_set"] = bag(order.total_shipping, currency, side)
    return out


def address_fields(address: ShipToAddress | BillToAddress) -> dict[str, Any]:
    """A ``shipping_address`` / ``billing_address`` from a canonical address."""
    out: dict[str, Any] = {}
    _put(out, "name", address.full_name)
    if isinstance(address, ShipToAddress):
        _put(out, "company", address.company)
        _put(out, "phone", address.phone_number)
    _put(out, "address1", address.address1)
    _put(out, "address2", address.address2)
    _put(out, "city", address.city)
    _put(out, "province", address.state)
    _put(out, "zip", address.postal_code)
    if address.country is not None:
        out["country"] = address.country
        _put(out, "country_code", country_code(address.country))
    return out


def origin_fields(address: ShipFromAddress) -> dict[str, Any]:
    """A fulfillment's ``origin_address`` from a shipment's ship-from address."""
    out: dict[str, Any] = {}
    _put(out, "address1", address.address1)
    _put(out, "address2", address.address2)
    _put(out, "city", address.city)
    _put(out, "province_code", address.state)
    _put(out, "zip", address.postal_code)
    if address.country is not None:
        _put(out, "country_code", country_code(address.country))
    return out


def line_fields(
    line: LineItem | ShipmentLineItem, currency: str, side: MoneySide, bags: bool, bare: bool
) -> dict[str, Any]:
    """A ``line_items[]`` entry (of the order, or of a fulfillment) from a canonical line (``bare``: `order_fields`)."""
    identifier = line.line_item_id if isinstance(line, LineItem) else line.shipment_line_item_id
    out: dict[str, Any] = {
        "id": id_value(identifier),
        "variant_id": id_value(line.product_id),
        "product_id": id_value(line.parent_product_id),
        "sku": line.product_sku,
        "quantity": line.quantity,
    }
    if isinstance(line, LineItem) and line.unit_price is not None:
        if bare:
            out["price"] = str(line.unit_price)
        if bags:
            out["price_set"] = bag(line.unit_price, currency, side)
    return out


def shipping_line_fields(order: CartOrder) -> dict[str, Any]:
    """The first ``shipping_lines[]`` entry: the method the buyer chose."""
    out: dict[str, Any] = {}
    _put(out, "title", order.requested_shipping_method or order.shipping_method_name)
    _put(out, "code", order.shipping_method_id)
    return out


def fulfillment_groups(shipments: Sequence[Shipment]) -> Iterator[list[Shipment]]:
    """
    The shipments of each fulfillment, in order: a shipment whose id is the previous fulfillment's
    id, `PARCEL_SEPARATOR` and its position (``255858046#2``) belongs to it; any other starts one.
    """
    group: list[Shipment] = []
    for shipment in shipments:
        if group and shipment.shipment_id == f"{group[0].shipment_id}{PARCEL_SEPARATOR}{len(group) + 1}":
            group.append(shipment)
            continue
        if group:
            yield group
        group = [shipment]
    if group:
        yield group


def fulfillment_fields(group: Sequence[Shipment], order_id: str, offset: tzinfo) -> dict[str, Any]:
    """A ``fulfillments[]`` entry from its shipments (one per tracking number), line items aside."""
    first = group[0]
    numbers = [shipment.tracking_number for shipment in group if shipment.tracking_number is not None]
    urls = [shipment.tracking_url for shipment in group if shipment.tracking_url is not None]
    out: dict[str, Any] = {"id": id_value(first.shipment_id), "order_id": id_value(order_id)}
    out.update(status_fields(first.raw_status, SHIPMENT_AXES))
    if "status" not in out:
        out["status"] = "cancelled" if first.status.value == "cancelled" else "success"
    _put(out, "location_id", id_value(first.warehouse_id))
    out |= {
        "tracking_company": first.carrier_name,
        "tracking_number": numbers[0] if numbers else None,
        "tracking_numbers": numbers,
        "tracking_url": urls[0] if urls else None,
        "tracking_urls": urls,
    }
    if first.created_date is not None:
        out["created_at"] = write_when(first.created_date, offset)
    if first.updated_date is not None:
        out["updated_at"] = write_when(first.updated_date, offset)
    return out


def fulfillment_order_fields(group: ShippingGroup, order_id: str, offset: tzinfo) -> dict[str, Any]:
    """A fulfillment order from its shipping group, line items aside."""
    out: dict[str, Any] = {"id": id_value(group.shipping_group_id), "order_id": id_value(order_id)}
    found = parse_raw_status(group.raw_status).get("status")
    out["status"] = found if found is not None else _GROUP_STATUSES.get(group.status.value, "open")
    out["assigned_location_id"] = id_value(group.warehouse_id)
    out["created_at"] = write_when(group.created_date, offset)
    out["updated_at"] = write_when(group.updated_date, offset)
    return out


#: A shipping group's Trackstar status → the fulfillment-order status written for an order from elsewhere.
_GROUP_STATUSES: Final = {
    "open": "open",
    "on_hold": "on_hold",
    "cancelled": "cancelled",
    "shipped": "closed",
    "delivered": "closed",
    "exception": "incomplete",
}


def restore(carried: Carried, written: dict[str, Any]) -> dict[str, Any]:
    """
    ``carried.restore(written)``, the MoneyBags written in it (``*_set``) restored as the parts they were read
    as: the side written from the canonical amount, the other side (and a differing twin) as carried.
    """
    for key, value in written.items():
        if key.endswith("_set") and type(value) is dict:
            rest = carried.part(key)
            for side, money in value.items():
                value[side] = rest.part(side).restore(money)
            written[key] = rest.restore(value)
    return carried.restore(written)


def _lines(rests: list[Carried] | None, written: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rests = rests or []
    return [restore(rests[index], item) if index < len(rests) else item for index, item in enumerate(written)]


def _address(carried: Carried, key: str, address: ShipToAddress | BillToAddress, out: dict[str, Any]) -> None:
    written = address_fields(address)
    if key in carried or any(value for name, value in written.items() if name != "country_code"):
        out[key] = carried.part(key).restore(written)


def from_canonical(order: CartOrder) -> dict[str, Any]:
    """
    A canonical order → the Shopify REST order; for one this adapter made, exactly the payload it came from
    (``{"order": …}`` when it came so, the same floats when ``json.loads`` read it).
    """
    layout = _layout.read(order.additional_fields)
    carried, side, bags = layout.order, layout.side, layout.bags
    offset = layout.offset
    currency = order.invoice_currency_code
    shop_currency = carried.get("currency") if isinstance(carried.get("currency"), str) else currency
    # as `OrderMoney.bare_strings_fit` decided it, on the upper-case codes ("usd" is USD); else the bare
    # strings are carried as they came
    bare = side is MoneySide.SHOP or shop_currency.upper() == currency
    out = order_fields(order, side, bags, bare, offset)
    _address(carried, "shipping_address", order.ship_to_address, out)
    _address(carried, "billing_address", order.bill_to_address, out)
    lines = [line_fields(line, currency, side, bags, bare) for line in order.line_items]
    if lines or "line_items" in carried:
        out["line_items"] = _lines(carried.parts("line_items"), lines)
    method = shipping_line_fields(order)
    rests = carried.parts("shipping_lines")
    if rests is not None or method:
        shipping_lines = [method] if method or rests else []
        if rests and len(rests) > 1:
            shipping_lines += [{} for _ in rests[1:]]
        out["shipping_lines"] = _lines(rests, shipping_lines)
    fulfillments = []
    rests = carried.parts("fulfillments") or []
    for index, group in enumerate(fulfillment_groups(order.shipments)):
        written = fulfillment_fields(group, order.id, offset)
        rest = rests[index] if index < len(rests) else Carried(None)
        if group[0].line_items or "line_items" in rest:
            written["line_items"] = _lines(
                rest.parts("line_items"),
                [line_fields(line, currency, side, bags, bare) for line in group[0].line_items],
            )
        origin = origin_fields(group[0].ship_from_address)
        if "origin_address" in rest or origin:
            written["origin_address"] = rest.part("origin_address").restore(origin)
        fulfillments.append(rest.restore(written))
    if fulfillments or "fulfillments" in carried:
        out["fulfillments"] = fulfillments
    payload = restore(carried, out)
    if layout.envelope is not None:
        payload = layout.envelope.restore({"order": payload})
    return as_floats(payload) if layout.floats else payload


def fulfillment_orders_from_canonical(order: CartOrder) -> Any:
    """
    The fulfillment orders an order was converted with (``fulfillment_orders=``), exactly as they were
    passed; for an order from elsewhere with shipping groups, ``{"fulfillment_orders": [...]}`` built from
    them; None when the order has neither.
    """
    layout = _layout.read(order.additional_fields)
    given = layout.fulfillment_orders
    if given is None and not order.shipping_groups:
        return None
    given = given or {"wrapper": "fulfillment_orders"}
    offset = layout.offset
    items = given.get("items")
    rests = [Carried(item) for item in items] if isinstance(items, list) else []
    written = []
    for index, group in enumerate(order.shipping_groups):
        rest = rests[index] if index < len(rests) else Carried(None)
        fields = fulfillment_order_fields(group, order.id, offset)
        if group.line_items or "line_items" in rest:
            fields["line_items"] = _lines(
                rest.parts("line_items"),
                [{"line_item_id": id_value(line.line_item_id), "quantity": line.quantity} for line in group.line_items],
            )
        written.append(rest.restore(fields))
    wrapper = given.get("wrapper")
    body: Any = written
    if wrapper == "fulfillment_order" and len(written) == 1:
        body = {"fulfillment_order": written[0]}
    elif isinstance(wrapper, str):
        body = {wrapper: written}
    envelope = given.get("envelope")
    if isinstance(body, dict) and envelope is not None:
        body = Carried(envelope).restore(body)
    return as_floats(body) if given.get("floats") is True else body
