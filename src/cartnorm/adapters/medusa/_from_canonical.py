"""
Trackstar `CartOrder` → Medusa order: the reverse mapping.

`regenerate` builds the Medusa order that the canonical fields alone describe;
`from_canonical` then applies what ``additional_fields["medusa"]`` kept (see `_layout`),
which gives back the original payload exactly.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..._paths import ROOT
from ...geo import country_code
from ...lossless import apply, as_floats, copy_json
from ...model import CartOrder, LineItem, Shipment, ShipmentStatus
from ...money import exponent_of, line_amount
from . import _layout
from ._amounts import BIG_NUMBER_PRECISION, Money, default_exponent
from ._reading import child, format_medusa_datetime, wrap
from ._statuses import parse_raw_status

__all__ = ["from_canonical", "regenerate"]

_ITEMS = child(ROOT, "items")
#: Line totals are sums of amounts the order holds: exact (an inexact result raises, never rounds).
_EXACT = decimal.Context(prec=1000, traps=[decimal.Inexact])
_DISPLAY_ID = re.compile(r"(0|[1-9][0-9]{0,17})\Z")  # a SERIAL display_id; longer digit strings stay text


def from_canonical(order: CartOrder) -> dict[str, Any]:
    """
    Return the Medusa order payload for ``order`` (in its original envelope, if any).

    For an order made by `to_canonical` this is the original payload, exactly. For any
    other order it is the Medusa v1 order its fields describe; amounts with more decimal
    places than the currency's minor unit raise `cartnorm.errors.MoneyError`.
    """
    given: object = order  # callers without a type checker pass anything
    if not isinstance(given, CartOrder):
        msg = f"from_canonical() takes a CartOrder, got {type(given).__name__}"
        raise TypeError(msg)
    hints, patch, absent = _layout.read_hints(order.additional_fields)
    siblings = {key: copy_json(value) for key, value in hints.siblings.items()}
    medusa = wrap(apply(regenerate(order, hints), patch, absent), hints.envelope, siblings)
    return as_floats(medusa) if hints.floats else medusa


def _money(order: CartOrder, hints: _layout.Hints) -> Money:
    currency = order.invoice_currency_code.upper()
    exponent = hints.exponent if hints.exponent is not None else default_exponent(currency, hints.version)
    if exponent is None:
        exponent = exponent_of(currency, path="$.invoice_currency_code")  # raises CurrencyError: unknown code
    return Money(version=hints.version, currency=currency, exponent=exponent)


def regenerate(order: CartOrder, hints: _layout.Hints) -> dict[str, Any]:
    """The Medusa order described by the canonical fields of ``order`` (plus the hints)."""
    money = _money(order, hints)
    medusa: dict[str, Any] = {
        "id": order.id,
        "created_at": format_medusa_datetime(order.created_date),
        "updated_at": format_medusa_datetime(order.updated_date),
        **parse_raw_status(order.raw_status),
        "display_id": int(order.order_number) if _DISPLAY_ID.match(order.order_number) else order.order_number,
        "email": order.ship_to_address.email_address,
        "currency_code": money.currency.lower(),
    }
    medusa["shipping_address"] = _shipping_address(order)
    medusa["billing_address"] = _billing_address(order)
    medusa["shipping_methods"] = _shipping_methods(order, money)
    medusa["items"] = [_item(line, index, money, hints) for index, line in enumerate(order.line_items)]
    medusa["fulfillments"] = _fulfillments(order.shipments, money, hints)
    v2 = money.version == 2
    totals = (
        ("total", order.total_price),
        ("tax_total", order.total_tax),
        ("discount_subtotal" if v2 else "discount_total", order.total_discount),
        ("shipping_subtotal" if v2 else "shipping_total", order.total_shipping),
    )
    for key, amount in totals:
        if amount is None:
            medusa[key] = None
        else:
            _write_total(medusa, key, amount, money)
    return medusa


def _write_total(medusa: dict[str, Any], key: str, amount: Decimal, money: Money) -> None:
    money.write(medusa, key, amount, path=ROOT)
    medusa.pop("raw_" + key, None)  # v2 order-level totals come without BigNumber twins


def _split_name(full_name: str | None) -> tuple[str | None, str | None]:
    if full_name is None:
        return None, None
    first, space, last = full_name.partition(" ")
    return first, (last if space else None)


def _country_code(name: str | None) -> str | None:
    if name is None or name == "":
        return name
    code = country_code(name)
    return code.lower() if code is not None else None


def _shipping_address(order: CartOrder) -> dict[str, Any] | None:
    address = order.ship_to_address
    fields = (address.full_name, address.company, address.address1, address.address2, address.city,
              address.state, address.postal_code, address.country, address.phone_number)  # fmt: skip
    if all(value is None for value in fields):
        return None
    first, last = _split_name(address.full_name)
    return {
        "company": address.company,
        "first_name": first,
        "last_name": last,
        "address_1": address.address1,
        "address_2": address.address2,
        "city": address.city,
        "country_code": _country_code(address.country),
        "province": address.state,
        "postal_code": address.postal_code,
        "phone": address.phone_number,
    }


def _billing_address(order: CartOrder) -> dict[str, Any] | None:
    address = order.bill_to_address
    fields = (address.full_name, address.address1, address.address2, address.city, address.state,
              address.postal_code, address.country)  # fmt: skip
    if all(value is None for value in fields):
        return None
    first, last = _split_name(address.full_name)
    return {
        "first_name": first,
        "last_name": last,
        "address_1": address.address1,
        "address_2": address.address2,
        "city": address.city,
        "country_code": _country_code(address.country),
        "province": address.state,
        "postal_code": address.postal_code,
    }


def _shipping_methods(order: CartOrder, money: Money) -> list[dict[str, Any]]:
    if order.shipping_method_id is None and order.shipping_method_name is None:
        return []
    if money.version == 2:
        return [{"shipping_option_id": order.shipping_method_id, "name": order.shipping_method_name}]
    return [
        {
            "shipping_option_id": order.shipping_method_id,
            "shipping_option": {"id": order.shipping_method_id, "name": order.shipping_method_name},
        }
    ]


def _item(line: LineItem, index: int, money: Money, hints: _layout.Hints) -> dict[str, Any]:
    where = child(_ITEMS, index)
    item: dict[str, Any] = {"id": line.line_item_id, "variant_id": line.product_id}
    if money.version == 2:
        item["variant_sku"] = line.product_sku
        item["product_id"] = line.parent_product_id
        item["quantity"] = line.quantity
        item["raw_quantity"] = {"value": str(line.quantity), "precision": BIG_NUMBER_PRECISION}
    else:
        item["variant"] = {"id": line.product_id, "sku": line.product_sku, "product_id": line.parent_product_id}
        item["quantity"] = line.quantity
    if line.unit_price is not None:
        money.write(item, "unit_price", line.unit_price, path=where)
    units = hints.quantities.get(where, line.quantity) if hints.quantities else line.quantity
    if line.quantity == 0:
        return item
    discount_key = "discount_subtotal" if money.version == 2 else "discount_total"
    written: dict[str, Decimal] = {}
    for key, per_unit in (("subtotal", line.unit_price), (discount_key, line.discount), ("tax_total", line.tax)):
        if per_unit is None:
            continue
        amount = line_amount(per_unit, units, hints.remainder_at(where, key))
        money.write(item, key, amount, path=where)
        written[key] = amount
    if len(written) == 3:
        total = _EXACT.add(_EXACT.subtract(written["subtotal"], written[discount_key]), written["tax_total"])
        money.write(item, "total", total, path=where)
    return item


def _fulfillments(shipments: Sequence[Shipment], money: Money, hints: _layout.Hints) -> list[dict[str, Any]]:
    """One fulfillment per shipment, except where ``hints.parcels`` says how many shipments (parcels) one became."""
    fulfillments: list[dict[str, Any]] = []
    position = 0
    while position < len(shipments):
        count = hints.parcels.get(child(_FULFILLMENTS, len(fulfillments)), 1) if hints.parcels else 1
        group = shipments[position : position + count]
        fulfillment = _fulfillment(group[0], money)
        tracked = [(parcel.tracking_number, parcel.tracking_url) for parcel in group]
        if count > 1 or tracked[0][0] is not None:
            fulfillment[_TRACKING[money.version]] = [_label(number, url, group[0], money) for number, url in tracked]
        fulfillments.append(fulfillment)
        position += len(group)
    return fulfillments


_FULFILLMENTS = child(ROOT, "fulfillments")
_TRACKING = {1: "tracking_links", 2: "labels"}


def _label(number: str | None, url: str | None, shipment: Shipment, money: Money) -> dict[str, Any]:
    if money.version == 2:
        return {"tracking_number": number, "tracking_url": url}
    return {"tracking_number": number, "url": url, "fulfillment_id": shipment.shipment_id}


def _fulfillment(shipment: Shipment, money: Money) -> dict[str, Any]:
    created, updated = format_medusa_datetime(shipment.created_date), format_medusa_datetime(shipment.updated_date)
    moment = created if updated is None else updated  # when the status last changed
    status = shipment.status
    fulfillment: dict[str, Any] = {
        "id": shipment.shipment_id,
        "created_at": created,
        "updated_at": updated,
        "location_id": shipment.warehouse_id,
        "shipped_at": moment if status in (ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED) else None,
        "canceled_at": moment if status is ShipmentStatus.CANCELLED else None,
    }
    if money.version == 2:
        fulfillment["delivered_at"] = moment if status is ShipmentStatus.DELIVERED else None
        fulfillment["labels"] = []
        fulfillment["items"] = [
            {"line_item_id": line.shipment_line_item_id, "quantity": line.quantity} for line in shipment.line_items
        ]
        return fulfillment
    fulfillment["tracking_numbers"] = []
    fulfillment["tracking_links"] = []
    fulfillment["items"] = [
        {"fulfillment_id": shipment.shipment_id, "item_id": line.shipment_line_item_id, "quantity": line.quantity}
        for line in shipment.line_items
    ]
    return fulfillment
