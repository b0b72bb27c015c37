"""
Medusa fulfillments → Trackstar shipments: one shipment per parcel.

A fulfillment is one pick-and-pack; it ships as one parcel per v2 ``labels[]`` entry (v1:
per ``tracking_links[]`` entry, else per deprecated ``tracking_numbers[]`` string). Every
parcel is a shipment, so every tracking number is a shipment's ``tracking_number``. The
**first parcel carries the fulfillment's lines**; the others carry none (Medusa does not say
which item went in which parcel), so no line quantity is counted twice. The first parcel's
shipment keeps the fulfillment's id; parcel *n* (from 2) is ``<fulfillment id>#<n>``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from ..._paths import ROOT
from ...model import LineItem, ShipFromAddress, Shipment, ShipmentLineItem, ShipmentStatus
from ._context import Context
from ._reading import child, object_list, optional_datetime, optional_str, quantity, required_str

__all__ = ["PARCEL_SEPARATOR", "shipments"]

#: Between a fulfillment's id and its parcel number in the ids of parcels after the first.
PARCEL_SEPARATOR: Final = "#"
_FULFILLMENTS: Final = child(ROOT, "fulfillments")
_NO_SHIP_FROM = ShipFromAddress(
    address1=None, address2=None, address3=None, city=None, state=None, postal_code=None, country=None
)
#: What the trimmed store and default admin responses leave out of a fulfillment, and who gives it.
_TRIMMED_HINT: Final = (
    "the response leaves out the fulfillment's items and labels (GET /store/orders/{id} and the default "
    "GET /admin/orders/{id} trim them): the shipment has no lines and no tracking number; "
    "GET /admin/orders/{id}?fields=+*fulfillments.items,+*fulfillments.labels gives them"
)


def _parcels(context: Context, fulfillment: Mapping[str, Any], where: str) -> list[tuple[str | None, str | None]]:
    """(tracking number, tracking URL) per parcel; one parcel without tracking when there is none."""
    if context.v2:
        labels = object_list(fulfillment, "labels", where)
        found = [(optional_str(label, "tracking_number"), optional_str(label, "tracking_url")) for label in labels]
    else:
        links = object_list(fulfillment, "tracking_links", where)
        found = [(optional_str(link, "tracking_number"), optional_str(link, "url")) for link in links]
        if not found:
            numbers = fulfillment.get("tracking_numbers")
            if isinstance(numbers, list):
                found = [(number, None) for number in numbers if isinstance(number, str)]
    return found or [(None, None)]


def _shipment_status(fulfillment: Mapping[str, Any]) -> ShipmentStatus:
    if fulfillment.get("canceled_at") is not None:
        return ShipmentStatus.CANCELLED
    if fulfillment.get("delivered_at") is not None:
        return ShipmentStatus.DELIVERED
    if fulfillment.get("shipped_at") is not None:
        return ShipmentStatus.SHIPPED
    return ShipmentStatus.OPEN


def _lines(context: Context, fulfillment: Mapping[str, Any], where: str,
           lines: Mapping[str, LineItem]) -> tuple[ShipmentLineItem, ...]:  # fmt: skip
    item_key = "line_item_id" if context.v2 else "item_id"
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
    return tuple(shipment_lines)


def shipments(context: Context, fulfillment: Mapping[str, Any], index: int,
              lines: Mapping[str, LineItem]) -> Sequence[Shipment]:  # fmt: skip
    """
    The shipments for ``fulfillments[index]`` (one per parcel); lines resolve through ``lines``.

    Status: cancelled if ``canceled_at``, delivered if ``delivered_at`` (v2), shipped if
    ``shipped_at``, else open (packed, not shipped); the same for every parcel.
    """
    where = context.at("fulfillments", index)
    identifier = required_str(fulfillment, "id", where)
    for key in ("shipped_at", "canceled_at", "delivered_at"):
        optional_datetime(fulfillment, key, where)  # validate: an unparseable date is an error
    if "items" not in fulfillment and ("labels" if context.v2 else "tracking_links") not in fulfillment:
        context.log.add("trimmed_fulfillment", where, _TRIMMED_HINT)
    parcels = _parcels(context, fulfillment, where)
    if len(parcels) > 1:
        context.parcels[child(_FULFILLMENTS, index)] = len(parcels)
    status = _shipment_status(fulfillment)
    warehouse = optional_str(fulfillment, "location_id")
    created = optional_datetime(fulfillment, "created_at", where)
    updated = optional_datetime(fulfillment, "updated_at", where)
    first_lines = _lines(context, fulfillment, where, lines)
    return [
        Shipment(
            shipment_id=identifier if number == 1 else f"{identifier}{PARCEL_SEPARATOR}{number}",
            raw_status=None,
            status=status,
            warehouse_id=warehouse,
            shipping_method_id=None,
            shipping_method_name=None,
            carrier_id=None,
            carrier_name=None,
            tracking_number=tracking_number,
            tracking_url=tracking_url,
            line_items=first_lines if number == 1 else (),
            shipping_groups=(),
            ship_from_address=_NO_SHIP_FROM,
            created_date=created,
            updated_date=updated,
        )
        for number, (tracking_number, tracking_url) in enumerate(parcels, start=1)
    ]
