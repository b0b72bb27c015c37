"""
Canonical order → Gearment v3 order, in Gearment's own encoding.

Each ``encode_*`` function rebuilds the Gearment fields a canonical part maps to, with
protojson's habits (snake_case keys, enum names, int64 as strings, defaults omitted).
`from_canonical` then lays the residuals kept in ``additional_fields["gearment"]`` over
them (see `._residual`), so an order that came from Gearment goes back exactly as it came;
an order from elsewhere gets the closest Gearment order the canonical fields allow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from ...geo import country_code
from ...model import BillToAddress, CartOrder, LineItem, ShipFromAddress, Shipment, ShipmentStatus, ShipToAddress
from ...money import line_amount
from ._enums import VendorOrderStatus, VendorShippingMethod, VendorTrackingType
from ._protojson import format_timestamp, money_json
from ._residual import merge, ordered
from ._schema import MESSAGES
from ._statuses import status_for_gearment

__all__ = [
    "ADDRESS_ROLES",
    "NAMESPACE",
    "address_roles",
    "country_field",
    "encode_bill_to",
    "encode_line",
    "encode_order_fields",
    "encode_ship_from",
    "encode_ship_to",
    "encode_tracking",
    "from_canonical",
    "remainder_key",
    "state_key",
    "tracking_type_for",
]

#: The key of ``additional_fields`` that holds everything Gearment-only.
NAMESPACE: Final = "gearment"
#: Address ``type`` → the canonical address it maps to (the first address of each type).
ADDRESS_ROLES: Final = {"TYPE_SHIP_TO": "ship_to", "TYPE_BILL_TO": "bill_to", "TYPE_SHIP_FROM": "ship_from"}
_INTEGER = re.compile(r"-?[0-9]{1,10}\Z")
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_ALPHA2 = re.compile(r"[A-Za-z]{2}\Z")
_ORDER = MESSAGES["VendorOrder"]
_LINE = MESSAGES["VendorOrderLineItem"]
_ADDRESS = MESSAGES["VendorAddress"]
_TRACKING = MESSAGES["VendorOrderTracking"]

#: How an encoder writes a Money: `money_json` for a payload; the residual passes
#: `ExpectedMoney`, which compares with what was sent without building the dict.
MoneyWriter = Callable[[Decimal, str], Any]
#: How an encoder writes a Timestamp (`format_timestamp`; the residual passes a comparator).
TimestampWriter = Callable[[datetime], Any]


def _enum_back(raw: str | None, prefix: str, names: Collection[str]) -> str | int | None:
    """A raw enum value kept as text back to its JSON form: a name, or a number if it was one."""
    if raw is None:
        return None
    if raw in names or raw.startswith(prefix):
        return raw
    if _INTEGER.match(raw) and _INT32_MIN <= (number := int(raw)) <= _INT32_MAX:
        return number  # an enum number as sent (protobuf enums are int32)
    return None


def _put(out: dict[str, Any], key: str, value: str | None) -> None:
    if value:  # proto3 strings: "" is the default and is omitted
        out[key] = value


def _put_money(out: dict[str, Any], key: str, amount: Decimal | None, currency: str, money: MoneyWriter) -> None:
    if amount is not None:
        out[key] = money(amount, currency)


def encode_order_fields(
    order: CartOrder, money: MoneyWriter = money_json, timestamp: TimestampWriter = format_timestamp
) -> dict[str, Any]:
    """The top-level Gearment fields the canonical order determines (lists aside)."""
    out: dict[str, Any] = {}
    _put(out, "order_id", order.id)
    if order.order_number != order.id:
        _put(out, "reference_id", order.order_number)
    status = _enum_back(order.raw_status, "VENDOR_ORDER_STATUS_", VendorOrderStatus.__members__)
    if status is None:
        status = status_for_gearment(order.status).name
    if status != VendorOrderStatus.VENDOR_ORDER_STATUS_UNKNOWN.name:
        out["order_status"] = status
    method = _enum_back(order.requested_shipping_method, "METHOD_", VendorShippingMethod.__members__)
    if method is not None and method != VendorShippingMethod.METHOD_UNKNOWN.name:
        out["shipping_option"] = {"method": method}
    out["created_at"] = timestamp(order.created_date)
    out["updated_at"] = timestamp(order.updated_date)
    currency = order.invoice_currency_code
    _put_money(out, "order_tax", order.total_tax, currency, money)
    _put_money(out, "order_discount", order.total_discount, currency, money)
    _put_money(out, "order_total", order.total_price, currency, money)
    _put_money(out, "order_shipping_fee", order.total_shipping, currency, money)
    return out


def remainder_key(index: int, field: str) -> str:
    """The key of a per-unit remainder: ``"0/line_tax"``."""
    return f"{index}/{field}"


def encode_line(line: LineItem, currency: str, index: int, remainders: Mapping[str, Decimal],
                money: MoneyWriter = money_json) -> dict[str, Any]:  # fmt: skip
    """The Gearment line item fields a canonical line determines (tax and discount back per line)."""
    out: dict[str, Any] = {}
    _put(out, "variant_id", line.product_id)
    if line.quantity:
        out["quantity"] = line.quantity
    _put(out, "product_id", line.parent_product_id)
    _put_money(out, "item_price", line.unit_price, currency, money)
    for field, per_unit in (("line_tax", line.tax), ("line_discount", line.discount)):
        if per_unit is not None:
            remainder = remainders.get(remainder_key(index, field)) if remainders else None
            out[field] = money(line_amount(per_unit, line.quantity, remainder), currency)
    _put(out, "line_item_id", line.line_item_id)
    _put(out, "variant_sku", line.product_sku)
    return out


def state_key(state: str) -> str:
    """The address field a canonical state is written to: a code (3 letters at most) or a name."""
    return "state_code" if len(state) <= 3 else "state_name"


def country_field(country: str) -> tuple[str, str]:
    """
    The address field a canonical country is written to, and its value: a known name as its
    code, an alpha-2 text as a code as it is, anything else as a name.
    """
    code = country_code(country)
    if code is not None:
        return "country_code", code
    if _ALPHA2.match(country):
        return "country_code", country
    return "country_name", country


def _state(out: dict[str, Any], state: str | None) -> None:
    if state:
        out[state_key(state)] = state


def _country(out: dict[str, Any], country: str | None) -> None:
    if country:
        key, value = country_field(country)
        out[key] = value


def _street(out: dict[str, Any], address: ShipToAddress | BillToAddress | ShipFromAddress) -> None:
    _put(out, "street_1", address.address1)
    _put(out, "street_2", address.address2)


def encode_ship_to(address: ShipToAddress) -> dict[str, Any]:
    """The Gearment address fields (``type`` aside) a ship-to address determines."""
    out: dict[str, Any] = {}
    _put(out, "first_name", address.full_name)
    _put(out, "company", address.company)
    _street(out, address)
    _state(out, address.state)
    _put(out, "city", address.city)
    _put(out, "zip_code", address.postal_code)
    _country(out, address.country)
    _put(out, "phone_no", address.phone_number)
    _put(out, "email", address.email_address)
    return out


def encode_bill_to(address: BillToAddress) -> dict[str, Any]:
    """The Gearment address fields (``type`` aside) a bill-to address determines."""
    out: dict[str, Any] = {}
    _put(out, "first_name", address.full_name)
    _street(out, address)
    _state(out, address.state)
    _put(out, "city", address.city)
    _put(out, "zip_code", address.postal_code)
    _country(out, address.country)
    return out


def encode_ship_from(address: ShipFromAddress) -> dict[str, Any]:
    """The Gearment address fields (``type`` aside) a ship-from address determines."""
    out: dict[str, Any] = {}
    _street(out, address)
    _state(out, address.state)
    _put(out, "city", address.city)
    _put(out, "zip_code", address.postal_code)
    _country(out, address.country)
    return out


def encode_tracking(shipment: Shipment, index: int) -> dict[str, Any]:
    """The Gearment tracking fields a shipment determines."""
    out: dict[str, Any] = {}
    _put(out, "tracking_no", shipment.tracking_number)
    if shipment.updated_date is not None:
        out["tracking_updated_at"] = format_timestamp(shipment.updated_date)
    _put(out, "carrier", shipment.carrier_name)
    _put(out, "service", shipment.shipping_method_name)
    kind = tracking_type_for(shipment, index)
    if kind is not None:
        out["tracking_type"] = kind
    _put(out, "tracking_url", shipment.tracking_url)
    return out


def tracking_type_for(shipment: Shipment, index: int) -> str | int | None:
    """The ``tracking_type`` a shipment is written with (None: UNSPECIFIED, the default, left out)."""
    kind = _enum_back(shipment.raw_status, "TRACKING_TYPE_", VendorTrackingType.__members__)
    if kind is None:  # a shipment from elsewhere
        if shipment.status is ShipmentStatus.CANCELLED:
            kind = VendorTrackingType.TRACKING_TYPE_OUTDATED.name
        elif index == 0:
            kind = VendorTrackingType.TRACKING_TYPE_PRIMARY.name
        else:
            kind = VendorTrackingType.TRACKING_TYPE_SECONDARY.name
    return None if kind == VendorTrackingType.TRACKING_TYPE_UNSPECIFIED.name else kind


def _remainders(gearment: Mapping[str, Any]) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    entries = gearment.get("per_unit_remainders")
    if not isinstance(entries, list):
        return found
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        index, field, amount = entry.get("line_index"), entry.get("field"), entry.get("remainder")
        if type(index) is int and isinstance(field, str) and isinstance(amount, str):
            try:
                found[remainder_key(index, field)] = Decimal(amount)
            except InvalidOperation:
                continue
    return found


def _merged_list(encoded: list[dict[str, Any]], rests: Any) -> list[dict[str, Any]]:
    rests = rests if isinstance(rests, list) else []
    return [merge(item, rests[index] if index < len(rests) and isinstance(rests[index], Mapping) else None)
            for index, item in enumerate(encoded)]  # fmt: skip


def _address_base(role: str | None, order: CartOrder) -> dict[str, Any]:
    if role == "ship_to":
        return encode_ship_to(order.ship_to_address)
    if role == "bill_to":
        return encode_bill_to(order.bill_to_address)
    if role == "ship_from" and order.shipments:
        return encode_ship_from(order.shipments[0].ship_from_address)
    return {}


def address_roles(types: Sequence[Any]) -> list[str | None]:
    """The canonical role of each address: the first of each type maps, the rest do not."""
    seen: set[str] = set()
    roles: list[str | None] = []
    for kind in types:
        role = ADDRESS_ROLES.get(kind) if isinstance(kind, str) else None
        if role is not None and role in seen:
            role = None
        if role is not None:
            seen.add(role)
        roles.append(role)
    return roles


def _addresses(order: CartOrder, rests: Any) -> list[dict[str, Any]] | None:
    if isinstance(rests, list):
        types = [rest.get("type") if isinstance(rest, Mapping) else None for rest in rests]
        return [
            ordered(merge(_address_base(role, order), rest if isinstance(rest, Mapping) else None), _ADDRESS)
            for role, rest in zip(address_roles(types), rests, strict=True)
        ]
    built = []
    for kind, role in (("TYPE_SHIP_TO", "ship_to"), ("TYPE_BILL_TO", "bill_to"), ("TYPE_SHIP_FROM", "ship_from")):
        base = _address_base(role, order)
        if base:
            built.append(ordered({**base, "type": kind}, _ADDRESS))
    return built or None


def from_canonical(order: CartOrder) -> dict[str, Any]:
    """
    Return the Gearment v3 order (or ``GET /api/v3/orders/{id}`` envelope) for ``order``.

    For an order made by this adapter the result equals the payload it came from, in
    Gearment's own encoding. Raises `TypeError` for anything but a `CartOrder`.
    """
    given: object = order  # a runtime guard for untyped callers
    if not isinstance(given, CartOrder):
        msg = f"from_canonical() takes a CartOrder, got {type(given).__name__}"
        raise TypeError(msg)
    found = order.additional_fields.get(NAMESPACE)
    gearment: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    currency = order.invoice_currency_code
    data = encode_order_fields(order)
    remainders = _remainders(gearment)
    lines = [encode_line(line, currency, index, remainders) for index, line in enumerate(order.line_items)]
    if "line_items" in gearment or lines:
        data["line_items"] = [ordered(line, _LINE) for line in _merged_list(lines, gearment.get("line_items"))]
    addresses = _addresses(order, gearment.get("addresses"))
    if addresses is not None:
        data["addresses"] = addresses
    trackings = [encode_tracking(shipment, index) for index, shipment in enumerate(order.shipments)]
    if "order_trackings" in gearment or trackings:
        merged = _merged_list(trackings, gearment.get("order_trackings"))
        data["order_trackings"] = [ordered(tracking, _TRACKING) for tracking in merged]
    rest = gearment.get("order")
    data = ordered(merge(data, rest if isinstance(rest, Mapping) else None), _ORDER)
    envelope = gearment.get("envelope")
    if isinstance(envelope, Mapping):
        return {**merge({}, envelope), "data": data}
    return data
