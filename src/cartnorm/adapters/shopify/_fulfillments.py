"""
Shopify fulfillments → Trackstar shipments; fulfillment orders → shipping groups.

A fulfillment is one pick-and-pack from one location, shipped as one parcel per tracking
number. Every tracking number is a shipment's ``tracking_number`` (the rule of Medusa's parcels):
a fulfillment with *n* tracking numbers gives *n* shipments, one with none gives one shipment
whose ``tracking_number`` is null. The first shipment keeps the fulfillment's id and **carries
its line items**; shipment *k* (from 2) is ``<id>#<k>`` and carries none (Shopify does not say
which item went in which parcel), so no quantity is counted twice.

A fulfillment order (given with ``fulfillment_orders=``) is a shipping group. A shipment
references the groups at its fulfillment's location (``location_id`` = ``assigned_location_id``)
that hold one of its line items; a group is *fulfilled* (the derived axis of its status table)
when a ``success`` fulfillment is such a shipment of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from ...errors import MISSING, PayloadError
from ...geo import country_name
from ...lossless import Reading
from ...model import LineItem, ShipFromAddress, Shipment, ShipmentLineItem, ShippingGroup, ShippingGroupLineItem
from ._context import Context, objects
from ._from_canonical import PARCEL_SEPARATOR, fulfillment_fields, fulfillment_order_fields, line_fields, origin_fields
from ._reading import shopify_id, text, when
from ._statuses import parse_raw_status, shipment_status, shipping_group_status

__all__ = ["Groups", "ship_by", "shipments", "shipping_groups"]


def _ids(value: object) -> frozenset[int]:
    """The ``id`` / ``line_item_id`` integers of a list of line objects (a peek: nothing is consumed)."""
    if not isinstance(value, list):
        return frozenset()
    found = set()
    for line in value:
        if isinstance(line, Mapping):
            ident = line.get("line_item_id", line.get("id"))
            if type(ident) is int:
                found.add(ident)
    return frozenset(found)


@attrs.frozen
class Groups:
    """The fulfillment orders as the joins need them: id, assigned location, the order lines each holds."""

    entries: tuple[tuple[int, object, frozenset[int]], ...]

    @classmethod
    def of(cls, fulfillment_orders: Sequence[Mapping[str, Any]]) -> Groups:
        return cls(
            tuple(
                (fo.get("id"), fo.get("assigned_location_id"), _ids(fo.get("line_items")))  # type: ignore[misc]
                for fo in fulfillment_orders
                if type(fo.get("id")) is int
            )
        )

    def of_fulfillment(self, fulfillment: Mapping[str, Any]) -> tuple[str, ...]:
        """The ids of the groups a fulfillment ships from: same location, a line in common."""
        location, lines = fulfillment.get("location_id"), _ids(fulfillment.get("line_items"))
        if location is None:
            return ()
        return tuple(str(ident) for ident, at, held in self.entries if at == location and held & lines)

    def warehouse_of(self, line_id: int) -> str | None:
        """The one location whose groups hold the line (None when none does, or several do)."""
        found = {at for _, at, held in self.entries if line_id in held}
        if len(found) != 1:
            return None
        (location,) = found
        return str(location) if type(location) is int else None


_NO_SHIP_FROM = ShipFromAddress(
    address1=None, address2=None, address3=None, city=None, state=None, postal_code=None, country=None
)


def _ship_from(context: Context, reading: Reading | None) -> ShipFromAddress:
    if reading is None:
        return _NO_SHIP_FROM
    address1, address2, city, state, postal = (
        text(reading, key) for key in ("address1", "address2", "city", "province_code", "zip")
    )
    code = reading.value.get("country_code")
    country = country_name(code) if isinstance(code, str) and code else None
    address = ShipFromAddress(
        address1=address1, address2=address2, address3=None, city=city, state=state, postal_code=postal, country=country
    )
    for key, value in origin_fields(address).items():
        if key not in ("address1", "address2", "city", "province_code", "zip"):
            reading.writes(key, value)
    return address


def _tracking(fulfillment: Mapping[str, Any]) -> list[tuple[str | None, str | None]]:
    """(tracking number, URL) per parcel: ``tracking_numbers`` (else the legacy singular), URLs by position."""
    numbers = fulfillment.get("tracking_numbers")
    if isinstance(numbers, list):
        found = [number for number in numbers if isinstance(number, str)]
    else:
        single = fulfillment.get("tracking_number")
        found = [single] if isinstance(single, str) else []
    urls = fulfillment.get("tracking_urls")
    if isinstance(urls, list) and len(urls) == len(found) and all(isinstance(url, str) for url in urls):
        links: list[str | None] = list(urls)
    else:
        single_url = fulfillment.get("tracking_url")
        links = [single_url if isinstance(single_url, str) and index == 0 else None for index in range(len(found))]
    if found:
        return list(zip(found, links, strict=True))
    single_url = fulfillment.get("tracking_url")
    return [(None, single_url if isinstance(single_url, str) else None)]


def _line(context: Context, reading: Reading, lines: Mapping[str, LineItem]) -> ShipmentLineItem:
    """A fulfillment's line (a copy of the order's line, its quantity the fulfilled one)."""
    identifier = shopify_id(reading, "id", required=True, what="the fulfilled line item's id")
    assert identifier is not None
    quantity = reading.value.get("quantity", MISSING)
    if type(quantity) is not int or quantity < 0:
        raise PayloadError(reading.at("quantity"), quantity, "the quantity fulfilled: a whole number of zero or more")
    line = lines.get(identifier)
    if line is None:
        context.log.add(
            "unresolved_fulfillment_line",
            reading.at("id"),
            f"line item {identifier} is not a line of this order: its ids are the fulfillment's own",
        )
        variant, product = reading.value.get("variant_id"), reading.value.get("product_id")
        product_id = str(variant) if type(variant) is int else identifier
        parent = str(product) if type(product) is int else None
        sku = reading.value.get("sku") if isinstance(reading.value.get("sku"), str) else None
    else:
        product_id, parent, sku = line.product_id, line.parent_product_id, line.product_sku
    shipped = ShipmentLineItem(
        shipment_line_item_id=identifier,
        product_id=product_id,
        product_sku=sku,
        parent_product_id=parent,
        parent_product_sku=None,
        quantity=quantity,
    )
    for key, value in line_fields(shipped, context.currency, context.side, context.bags, context.bare).items():
        if key not in ("id", "quantity"):
            reading.writes(key, value)
    reading.given_back("quantity")
    return shipped


def shipments(
    context: Context, reading: Reading, lines: Mapping[str, LineItem], order_id: str, groups: Groups | None
) -> list[Shipment]:
    """The shipments of one fulfillment (one per tracking number), its line items on the first."""
    fulfillment = reading.value
    identifier = shopify_id(reading, "id", required=True, what="the fulfillment's id")
    assert identifier is not None
    owner = fulfillment.get("order_id")
    if owner is not None and (type(owner) is not int or str(owner) != order_id):
        raise PayloadError(reading.at("order_id"), owner, f"the id of the order it belongs to ({order_id})")
    decision = shipment_status(fulfillment)
    if not decision.known:
        context.log.add(
            "unknown_status",
            reading.path,
            f"fulfillment {decision.raw_status!r}: not values Shopify documents, so the shipment is other",
        )
    warehouse = shopify_id(reading, "location_id", required=False, what="the fulfillment's location")
    carrier = fulfillment.get("tracking_company")
    carrier_name = carrier if isinstance(carrier, str) and carrier else None
    created, updated = when(reading, "created_at"), when(reading, "updated_at")
    items = objects(reading, "line_items", "the fulfillment's line items") or []
    first_lines = tuple(_line(context, item, lines) for item in items)
    origin = reading.part("origin_address", keep=True)
    ship_from = _ship_from(context, origin)
    parcels = _tracking(fulfillment)
    referenced = groups.of_fulfillment(fulfillment) if groups is not None else ()
    made = [
        Shipment(
            shipment_id=identifier if number == 1 else f"{identifier}{PARCEL_SEPARATOR}{number}",
            raw_status=decision.raw_status,
            status=decision.status,
            warehouse_id=warehouse,
            shipping_method_id=None,
            shipping_method_name=None,
            carrier_id=None,
            carrier_name=carrier_name,
            tracking_number=tracking_number,
            tracking_url=tracking_url,
            line_items=first_lines if number == 1 else (),
            shipping_groups=referenced,
            ship_from_address=ship_from,
            created_date=created,
            updated_date=updated,
        )
        for number, (tracking_number, tracking_url) in enumerate(parcels, start=1)
    ]
    for key, value in fulfillment_fields(made, order_id, context.offset).items():
        if key not in ("id", "location_id"):
            reading.writes(key, value)
    return made


def _group_line(context: Context, reading: Reading, lines: Mapping[str, LineItem]) -> ShippingGroupLineItem:
    identifier = shopify_id(reading, "line_item_id", required=True, what="the order line it holds")
    assert identifier is not None
    quantity = reading.value.get("quantity", MISSING)
    if type(quantity) is not int or quantity < 0:
        raise PayloadError(reading.at("quantity"), quantity, "the quantity to fulfil: a whole number of zero or more")
    reading.given_back("quantity")
    line = lines.get(identifier)
    if line is None:
        context.log.add(
            "unresolved_fulfillment_order_line",
            reading.at("line_item_id"),
            f"line item {identifier} is not a line of this order: product_id is the line item id",
        )
    return ShippingGroupLineItem(
        line_item_id=identifier,
        product_id=line.product_id if line else identifier,
        product_sku=line.product_sku if line else None,
        parent_product_id=line.parent_product_id if line else None,
        quantity=quantity,
    )


def shipping_groups(
    context: Context,
    readings: Sequence[Reading],
    lines: Mapping[str, LineItem],
    order_id: str,
    dates: tuple[datetime, datetime],
    made: Sequence[Shipment],
) -> list[ShippingGroup]:
    """The shipping groups of the order's fulfillment orders, in their order."""
    shipped = {
        group
        for shipment in made
        if parse_raw_status(shipment.raw_status).get("status") == "success"
        for group in shipment.shipping_groups
    }
    found = []
    for reading in readings:
        fulfillment_order = reading.value
        identifier = shopify_id(reading, "id", required=True, what="the fulfillment order's id")
        assert identifier is not None
        owner = fulfillment_order.get("order_id")
        if owner is not None and (type(owner) is not int or str(owner) != order_id):
            raise PayloadError(
                reading.at("order_id"),
                owner,
                f"the id of the order the fulfillment orders are passed with ({order_id})",
            )
        warehouse = shopify_id(reading, "assigned_location_id", required=True, what="the location assigned to it")
        assert warehouse is not None
        decision = shipping_group_status(fulfillment_order, fulfilled=identifier in shipped)
        if not decision.known:
            context.log.add(
                "unknown_status",
                reading.path,
                f"fulfillment order {decision.raw_status!r}: not a status Shopify documents, so the "
                "shipping group is other",
            )
        created, updated = when(reading, "created_at"), when(reading, "updated_at")
        if created is None or updated is None:
            context.log.add(
                "shipping_group_dates_filled",
                reading.path,
                "the fulfillment order has no created_at or updated_at (an action's response): the order's are used",
            )
        items = objects(reading, "line_items", "the fulfillment order's line items") or []
        group = ShippingGroup(
            shipping_group_id=identifier,
            created_date=created or dates[0],
            updated_date=updated or dates[1],
            raw_status=decision.raw_status,
            status=decision.status,
            warehouse_id=warehouse,
            line_items=tuple(_group_line(context, item, lines) for item in items),
        )
        for key, value in fulfillment_order_fields(group, order_id, context.offset).items():
            if key not in ("id", "assigned_location_id"):
                reading.writes(key, value)
        found.append(group)
    return found


def ship_by(readings: Sequence[Reading], key: str) -> datetime | None:
    """The earliest ``fulfill_at`` / ``fulfill_by`` of the fulfillment orders (None when none has one)."""
    found = [moment for reading in readings if (moment := when(reading, key)) is not None]
    return min(found) if found else None
