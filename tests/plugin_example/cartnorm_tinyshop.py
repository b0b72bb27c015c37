"""A cartnorm adapter plugin for TinyShop orders: the worked example of docs/plugins.md."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from cartnorm import (
    Adapter,
    BillToAddress,
    CartOrder,
    LineItem,
    Normalized,
    Option,
    OrderStatus,
    PayloadError,
    ShipFromAddress,
    Shipment,
    ShipmentStatus,
    ShipToAddress,
    StatusDecision,
    StatusTable,
)
from cartnorm.adapter import WarningLog, observation_time, read_options
from cartnorm.lossless import Carried, Reading
from cartnorm.money import normalize_currency

NAME = "tinyshop"

#: TinyShop's order states, as data: every documented value has a row and a reason.
STATUS_TABLE = StatusTable(
    vendor=NAME,
    title="TinyShop order state",
    axes=("state",),
    rows={
        ("pending",): StatusDecision(OrderStatus.OPEN, "placed, not paid yet"),
        ("paid",): StatusDecision(OrderStatus.CONFIRMED, "paid, waiting to be packed"),
        ("shipped",): StatusDecision(OrderStatus.FULFILLED, "every parcel has left"),
        ("cancelled",): StatusDecision(OrderStatus.CANCELLED, "cancelled before shipping"),
    },
    values={"state": ("pending", "paid", "shipped", "cancelled")},
)

OPTIONS = (
    Option(
        name="shop_url",
        type="URL",
        help="the shop's admin address; external_system_url links each order there",
        flag="--tinyshop-url",
        metavar="URL",
    ),
)


def detect(payload: Any) -> bool:
    """A TinyShop order: an id starting with ``ts_``, a state and lines (cheap, never raises)."""
    try:
        return isinstance(payload, dict) and str(payload.get("id", "")).startswith("ts_") and "lines" in payload
    except Exception:  # noqa: BLE001 - a hostile payload must not break detection
        return False


def _text(reading: Reading, key: str, *, required: bool = False) -> str | None:
    """A text field, given back as sent; None (carried as it came) for anything else."""
    value = reading.value.get(key)
    if isinstance(value, str) and value:
        reading.take(key)
        return value
    if required:
        raise PayloadError(reading.at(key), value, "a non-empty text")
    return None


def _amount(reading: Reading, key: str) -> Decimal | None:
    """A decimal-string amount, written back as ``str(amount)``: the same text unless sent otherwise."""
    value = reading.value.get(key)
    if value is None:
        return None
    try:
        amount = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        raise PayloadError(reading.at(key), value, "a non-negative decimal string such as '12.50'")
    reading.writes(key, str(amount))
    return amount


def _when(reading: Reading, key: str) -> datetime | None:
    """A date-time (the caller says what is written back: `_write_when` of the canonical one)."""
    value = reading.value.get(key)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None
        if moment is not None and moment.tzinfo is not None:
            moment.astimezone(timezone.utc)  # written back in UTC: 0001-01-01T00:00:00+01:00 has no UTC time
    except (ValueError, OverflowError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise PayloadError(reading.at(key), value, "an RFC 3339 date-time with an offset")
    return moment


def _write_when(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def convert(payload: Any, *, observed_at: datetime | None = None, **options: Any) -> Normalized:
    """A TinyShop order → a `Normalized` canonical order; `PayloadError` with the path of bad data."""
    shop_url = read_options(NAME, OPTIONS, options)["shop_url"]
    observed = observation_time(observed_at)
    if not isinstance(payload, dict):
        raise PayloadError("$", payload, "a TinyShop order object")
    order = Reading(payload)
    log = WarningLog()
    order_id = _text(order, "id", required=True)
    assert order_id is not None
    number = order.value.get("number")
    if isinstance(number, str) and number and number != order_id:
        order.take("number")  # written back only when it is not the id
    else:
        number = None
    state = _text(order, "state", required=True)
    assert state is not None
    currency = normalize_currency(order.value.get("currency"), path=order.at("currency"))
    order.writes("currency", currency)  # "EUR" is given back; "eur" is carried as sent
    created = _when(order, "placed_at")
    if created is None:
        raise PayloadError(order.at("placed_at"), None, "the time the order was placed")
    updated = _when(order, "updated_at")
    if updated is None:
        updated = created
        log.add("updated_at_filled", order.at("updated_at"), "no updated_at: updated_date is placed_at")
    order.writes("placed_at", _write_when(created))  # the reverse writes both, in UTC with Z
    order.writes("updated_at", _write_when(updated))
    customer = order.part("customer", keep=True)  # the reverse writes it when the payload had it
    address = order.part("ship_to", keep=True)
    name = _text(address, "name") if address else None
    ship_to = ShipToAddress(
        full_name=name, company=None, address1=_text(address, "street") if address else None, address2=None,
        address3=None, city=_text(address, "city") if address else None, state=None,
        postal_code=_text(address, "zip") if address else None, country=_text(address, "country") if address else None,
        phone_number=None, email_address=_text(customer, "email") if customer else None,
    )  # fmt: skip
    lines = [_line(line, order_id, index) for index, line in enumerate(order.parts("lines") or [])]
    ship_from = ShipFromAddress(
        address1=None, address2=None, address3=None, city=None, state=None, postal_code=None, country=None
    )
    shipments = [_parcel(parcel, state, ship_from) for parcel in order.parts("parcels") or []]
    canonical = CartOrder(
        id=order_id, order_number=number or order_id, created_date=created, updated_date=updated,
        status=STATUS_TABLE.lookup((state,)).status, raw_status=state, requested_shipping_method=None,
        shipping_method_id=None, shipping_method_name=None, carrier_id=None,
        carrier_name=shipments[0].carrier_name if shipments else None, invoice_currency_code=currency,
        total_price=_amount(order, "total"), total_tax=None, total_discount=None, total_shipping=None,
        ship_to_address=ship_to,
        bill_to_address=BillToAddress(full_name=None, address1=None, address2=None, address3=None, city=None,
                                      state=None, postal_code=None, country=None),
        earliest_ship_date=None, latest_ship_date=None, line_items=tuple(lines), shipping_groups=(),
        shipments=tuple(shipments), tags=(), external_system_url=f"{shop_url}/orders/{order_id}" if shop_url else None,
        trackstar_tags=None, additional_fields={NAME: order.remainder()},
        trackstar_created_date=observed, trackstar_updated_date=observed,
    )  # fmt: skip
    return Normalized(canonical, log.freeze())


def _line(line: Reading, order_id: str, index: int) -> LineItem:
    quantity = line.value.get("qty")
    if type(quantity) is not int or quantity < 1:
        raise PayloadError(line.at("qty"), quantity, "a whole quantity of at least 1")
    line.take("qty")
    sku = _text(line, "sku", required=True)
    assert sku is not None
    return LineItem(
        line_item_id=f"{order_id}-{index + 1}", product_id=sku, product_sku=sku, parent_product_id=None,
        parent_product_sku=None, quantity=quantity, unit_price=_amount(line, "price"), discount=None, tax=None,
        warehouse_id=None,
    )  # fmt: skip


def _parcel(parcel: Reading, state: str, ship_from: ShipFromAddress) -> Shipment:
    number = _text(parcel, "tracking", required=True)
    assert number is not None
    return Shipment(
        shipment_id=number, raw_status=state,
        status=ShipmentStatus.SHIPPED if state == "shipped" else ShipmentStatus.OPEN, warehouse_id=None,
        shipping_method_id=None, shipping_method_name=None, carrier_id=None, carrier_name=_text(parcel, "carrier"),
        tracking_number=number, tracking_url=None, line_items=(), shipping_groups=(), ship_from_address=ship_from,
        created_date=None, updated_date=None,
    )  # fmt: skip


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        out[key] = value


def from_canonical(order: CartOrder) -> dict[str, Any]:
    """A canonical order → the TinyShop order; for one this adapter made, the payload it came from."""
    carried = Carried(order.additional_fields.get(NAME))
    out: dict[str, Any] = {"id": order.id}
    if order.order_number != order.id:
        out["number"] = order.order_number
    out["state"] = order.raw_status or order.status.value
    out["currency"] = order.invoice_currency_code
    out["placed_at"] = _write_when(order.created_date)
    out["updated_at"] = _write_when(order.updated_date)
    _put(out, "total", None if order.total_price is None else str(order.total_price))
    address = order.ship_to_address
    if "customer" in carried or address.email_address is not None:
        customer: dict[str, Any] = {}
        _put(customer, "email", address.email_address)
        out["customer"] = carried.part("customer").restore(customer)
    if "ship_to" in carried or any((address.full_name, address.address1, address.city, address.postal_code)):
        ship_to: dict[str, Any] = {}
        for key, value in (("name", address.full_name), ("street", address.address1), ("city", address.city),
                           ("zip", address.postal_code), ("country", address.country)):  # fmt: skip
            _put(ship_to, key, value)
        out["ship_to"] = carried.part("ship_to").restore(ship_to)
    rests = carried.parts("lines") or []
    lines = []
    for index, line in enumerate(order.line_items):
        written: dict[str, Any] = {"sku": line.product_id, "qty": line.quantity}
        _put(written, "price", None if line.unit_price is None else str(line.unit_price))
        lines.append(rests[index].restore(written) if index < len(rests) else written)
    out["lines"] = lines
    rests = carried.parts("parcels") or []
    parcels = []
    for index, shipment in enumerate(order.shipments):
        written = {"tracking": shipment.tracking_number}
        _put(written, "carrier", shipment.carrier_name)
        parcels.append(rests[index].restore(written) if index < len(rests) else written)
    if parcels or "parcels" in carried:
        out["parcels"] = parcels
    return carried.restore(out)


ADAPTER = Adapter(
    name=NAME,
    description="TinyShop orders (GET /api/orders/{id})",
    detect=detect,
    convert=convert,
    from_canonical=from_canonical,
    status_tables=(STATUS_TABLE,),
    options=OPTIONS,
)
