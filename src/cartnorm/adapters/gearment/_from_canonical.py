"""
Canonical order → Gearment v3 order, in Gearment's own encoding.

Each ``encode_*`` function writes the Gearment fields a canonical part maps to, with
protojson's habits (snake_case keys, enum names, int64 as strings, defaults omitted); the
forward mapping calls the same field writers (`order_status_value`, `state_key` …) to tell
the lossless engine what is written back. `from_canonical` then lays the remainder kept in
``additional_fields["gearment"]`` (`._layout`) over them, object by object, so an order that
came from Gearment goes back exactly as it came; an order from elsewhere gets the closest
Gearment order the canonical fields allow.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from ...geo import country_code
from ...lossless import Carried, copy_json
from ...model import (
    BillToAddress,
    CartOrder,
    LineItem,
    OrderStatus,
    ShipFromAddress,
    Shipment,
    ShipmentStatus,
    ShipToAddress,
)
from ...money import line_amount
from . import _layout
from ._amounts import money_json
from ._enums import VendorOrderStatus, VendorShippingMethod, VendorTrackingType
from ._protojson import format_timestamp
from ._schema import MESSAGES, MessageSpec
from ._statuses import status_for_gearment

__all__ = [
    "ADDRESS_ROLES",
    "address_roles",
    "country_field",
    "encode_bill_to",
    "encode_line",
    "encode_order_fields",
    "encode_ship_from",
    "encode_ship_to",
    "encode_tracking",
    "from_canonical",
    "order_status_value",
    "ordered",
    "shipping_option_value",
    "state_key",
    "tracking_type_for",
]

#: Address ``type`` → the canonical address it maps to (the first address of each type).
ADDRESS_ROLES: Final = {"TYPE_SHIP_TO": "ship_to", "TYPE_BILL_TO": "bill_to", "TYPE_SHIP_FROM": "ship_from"}
_INTEGER = re.compile(r"-?[0-9]{1,10}\Z")
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_ALPHA2 = re.compile(r"[A-Za-z]{2}\Z")
_ORDER = MESSAGES["VendorOrder"]
_LINE = MESSAGES["VendorOrderLineItem"]
_ADDRESS = MESSAGES["VendorAddress"]
_TRACKING = MESSAGES["VendorOrderTracking"]
#: Enum names, as sets and texts once (``Enum.__members__`` and ``.name`` are slow properties).
_ORDER_STATUSES: Final = frozenset(VendorOrderStatus.__members__)
_METHODS: Final = frozenset(VendorShippingMethod.__members__)
_TRACKING_TYPES: Final = frozenset(VendorTrackingType.__members__)
_UNKNOWN_STATUS: Final = VendorOrderStatus.VENDOR_ORDER_STATUS_UNKNOWN.name
_UNKNOWN_METHOD: Final = VendorShippingMethod.METHOD_UNKNOWN.name
_OUTDATED, _PRIMARY = VendorTrackingType.TRACKING_TYPE_OUTDATED.name, VendorTrackingType.TRACKING_TYPE_PRIMARY.name
_SECONDARY = VendorTrackingType.TRACKING_TYPE_SECONDARY.name
_UNSPECIFIED = VendorTrackingType.TRACKING_TYPE_UNSPECIFIED.name


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


def _put_money(out: dict[str, Any], key: str, amount: Decimal | None, currency: str) -> None:
    if amount is not None:
        out[key] = money_json(amount, currency)


def order_status_value(raw_status: str | None, status: OrderStatus) -> str | int | None:
    """The ``order_status`` written for a canonical order (None: UNKNOWN, the default, left out)."""
    value = _enum_back(raw_status, "VENDOR_ORDER_STATUS_", _ORDER_STATUSES)
    if value is None:
        value = status_for_gearment(status).name
    return None if value == _UNKNOWN_STATUS else value


def shipping_option_value(requested_shipping_method: str | None) -> dict[str, Any] | None:
    """The ``shipping_option`` written for a canonical requested method (None: none written)."""
    method = _enum_back(requested_shipping_method, "METHOD_", _METHODS)
    if method is None or method == _UNKNOWN_METHOD:
        return None
    return {"method": method}


def encode_order_fields(order: CartOrder) -> dict[str, Any]:
    """The top-level Gearment fields the canonical order determines (lists aside)."""
    out: dict[str, Any] = {}
    _put(out, "order_id", order.id)
    if order.order_number != order.id:
        _put(out, "reference_id", order.order_number)
    status = order_status_value(order.raw_status, order.status)
    if status is not None:
        out["order_status"] = status
    option = shipping_option_value(order.requested_shipping_method)
    if option is not None:
        out["shipping_option"] = option
    out["created_at"] = format_timestamp(order.created_date)
    out["updated_at"] = format_timestamp(order.updated_date)
    currency = order.invoice_currency_code
    _put_money(out, "order_tax", order.total_tax, currency)
    _put_money(out, "order_discount", order.total_discount, currency)
    _put_money(out, "order_total", order.total_price, currency)
    _put_money(out, "order_shipping_fee", order.total_shipping, currency)
    return out


def encode_line(line: LineItem, currency: str, index: int, remainders: Mapping[str, Decimal]) -> dict[str, Any]:
    """The Gearment line item fields a canonical line determines (tax and discount back per line)."""
    out: dict[str, Any] = {}
    _put(out, "variant_id", line.product_id)
    if line.quantity:
        out["quantity"] = line.quantity
    _put(out, "product_id", line.parent_product_id)
    _put_money(out, "item_price", line.unit_price, currency)
    for field, per_unit in (("line_tax", line.tax), ("line_discount", line.discount)):
        if per_unit is not None:
            remainder = remainders.get(_layout.remainder_key(index, field)) if remainders else None
            out[field] = money_json(line_amount(per_unit, line.quantity, remainder), currency)
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
    kind = _enum_back(shipment.raw_status, "TRACKING_TYPE_", _TRACKING_TYPES)
    if kind is None:  # a shipment from elsewhere
        if shipment.status is ShipmentStatus.CANCELLED:
            kind = _OUTDATED
        elif index == 0:
            kind = _PRIMARY
        else:
            kind = _SECONDARY
    return None if kind == _UNSPECIFIED else kind


def ordered(obj: dict[str, Any], spec: MessageSpec) -> dict[str, Any]:
    """``obj`` with known fields in proto order (Gearment's own key order), unknown ones after."""
    out = {name: obj[name] for name in spec.fields if name in obj}
    if len(out) < len(obj):
        out.update((key, value) for key, value in obj.items() if key not in out)
    return out


def _restored(written: list[dict[str, Any]], rests: list[Carried] | None, spec: MessageSpec) -> list[dict[str, Any]]:
    """Each written item with its remainder (if one was kept for it) laid over it, in proto order."""
    if rests is None:
        return [ordered(item, spec) for item in written]
    return [
        ordered(rests[index].restore(item) if index < len(rests) else item, spec) for index, item in enumerate(written)
    ]


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


def _addresses(order: CartOrder, rests: list[Carried] | None) -> list[dict[str, Any]] | None:
    if rests is not None:  # one address per remainder: the types say which canonical address each is
        roles = address_roles([rest.get("type") for rest in rests])
        return [
            ordered(rest.restore(_address_base(role, order)), _ADDRESS) for role, rest in zip(roles, rests, strict=True)
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
    envelope, carried, remainders = _layout.read(order.additional_fields)
    currency = order.invoice_currency_code
    data = encode_order_fields(order)
    lines = [encode_line(line, currency, index, remainders) for index, line in enumerate(order.line_items)]
    rests = carried.parts("line_items")
    if rests is not None or lines:
        data["line_items"] = _restored(lines, rests, _LINE)
    addresses = _addresses(order, carried.parts("addresses"))
    if addresses is not None:
        data["addresses"] = addresses
    trackings = [encode_tracking(shipment, index) for index, shipment in enumerate(order.shipments)]
    rests = carried.parts("order_trackings")
    if rests is not None or trackings:
        data["order_trackings"] = _restored(trackings, rests, _TRACKING)
    data = ordered(carried.restore(data), _ORDER)
    if envelope is not None:
        return {**copy_json(envelope), "data": data}
    return data
