"""Medusa fulfillments → Trackstar shipments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...model import LineItem, ShipFromAddress, Shipment, ShipmentLineItem, ShipmentStatus
from ._context import Context
from ._reading import child, object_list, optional_datetime, optional_str, quantity, required_str

__all__ = ["shipment"]


def _tracking(context: Context, fulfillment: Mapping[str, Any], where: str) -> tuple[str | None, str | None]:
    if context.money.version == 2:
        labels = object_list(fulfillment, "labels", where)
        if labels:
            return optional_str(labels[0], "tracking_number"), optional_str(labels[0], "tracking_url")
        return None, None
    links = object_list(fulfillment, "tracking_links", where)
    if links:
        return optional_str(links[0], "tracking_number"), optional_str(links[0], "url")
    numbers = fulfillment.get("tracking_numbers")
    if isinstance(numbers, list) and numbers and isinstance(numbers[0], str):
        return numbers[0], None
    return None, None


_NO_SHIP_FROM = ShipFromAddress(
    address1=None, address2=None, address3=None, city=None, state=None, postal_code=None, country=None
)


def _shipment_status(fulfillment: Mapping[str, Any]) -> ShipmentStatus:
    if fulfillment.get("canceled_at") is not None:
        return ShipmentStatus.CANCELLED
    if fulfillment.get("delivered_at") is not None:
        return ShipmentStatus.DELIVERED
    if fulfillment.get("shipped_at") is not None:
        return ShipmentStatus.SHIPPED
    return ShipmentStatus.OPEN


def shipment(context: Context, fulfillment: Mapping[str, Any], index: int, lines: Mapping[str, LineItem]) -> Shipment:
    """
    The shipment for ``fulfillments[index]``; its lines resolve through ``lines`` (the order's items by id).

    Status: cancelled if ``canceled_at``, delivered if ``delivered_at`` (v2), shipped if
    ``shipped_at``, else open (packed, not shipped). Tracking comes from the first tracking link
    (v1) or label (v2).
    """
    where = context.at("fulfillments", index)
    identifier = required_str(fulfillment, "id", where)
    for key in ("shipped_at", "canceled_at", "delivered_at"):
        optional_datetime(fulfillment, key, where)  # validate: an unparseable date is an error
    tracking_number, tracking_url = _tracking(context, fulfillment, where)
    item_key = "line_item_id" if context.money.version == 2 else "item_id"
    shipment_lines = []
    items_path = child(where, "items")
    for position, entry in enumerate(object_list(fulfillment, "items", where)):
        entry_path = child(items_path, position)
        item_id = required_str(entry, item_key, entry_path)
        line = lines.get(item_id)
        if line is None:
            context.log.add("unresolved_fulfillment_item", child(entry_path, item_key),
                           f"{item_id!r} is not an item of this order: product_id set to the item id")  # fmt: skip
        shipment_lines.append(
            ShipmentLineItem(
                shipment_line_item_id=item_id,
                product_id=line.product_id if line else item_id,
                product_sku=line.product_sku if line else None,
                parent_product_id=line.parent_product_id if line else None,
                parent_product_sku=None,
                quantity=quantity(entry, "quantity", entry_path),
            )
        )
    return Shipment(
        shipment_id=identifier,
        raw_status=None,
        status=_shipment_status(fulfillment),
        warehouse_id=optional_str(fulfillment, "location_id"),
        shipping_method_id=None,
        shipping_method_name=None,
        carrier_id=None,
        carrier_name=None,
        tracking_number=tracking_number,
        tracking_url=tracking_url,
        line_items=tuple(shipment_lines),
        shipping_groups=(),
        ship_from_address=_NO_SHIP_FROM,
        created_date=optional_datetime(fulfillment, "created_at", where),
        updated_date=optional_datetime(fulfillment, "updated_at", where),
    )
