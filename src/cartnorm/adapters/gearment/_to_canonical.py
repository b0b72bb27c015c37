"""
Gearment v3 order (or its ``GET /api/v3/orders/{id}`` envelope) → canonical `CartOrder`.

The payload is read into Gearment's own encoding (`._reading`), then mapped object by object
through `cartnorm.lossless.Reading`: each field the mapping uses is *taken* when the reverse
mapping writes it back as sent, or compared with what the reverse writes (by the reverse's
own field writers, `._from_canonical`). What is left is the remainder, laid out in
``additional_fields["gearment"]`` (`._layout`), so `from_canonical` gives the payload back
exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from ...adapter import LIMITS_OPTION, Normalized, WarningLog, observation_time, read_options
from ...errors import MISSING, CartnormError, PayloadError
from ...geo import country_name
from ...limits import Limits, check_payload
from ...lossless import Reading
from ...model import (
    BillToAddress,
    CartOrder,
    LineItem,
    OrderStatus,
    ShipFromAddress,
    Shipment,
    ShipToAddress,
    unchecked,
)
from ...money import exact_per_unit, exponent_of, split_per_unit
from . import _layout
from ._amounts import Amounts
from ._from_canonical import (
    address_roles,
    country_field,
    order_status_value,
    shipping_option_value,
    state_key,
    tracking_type_for,
)
from ._protojson import timestamp_reproduced
from ._reading import Read, enum_text, money_field, read_payload, reader_enforces, text, when
from ._statuses import decide_status, shipment_status

__all__ = ["DEFAULT_CURRENCY", "NAME", "OPTIONS", "convert", "to_canonical"]

#: The adapter's ``source=`` / ``target=`` name.
NAME: Final = "gearment"
#: The currency assumed when no amount on the order names one (Gearment bills in USD).
DEFAULT_CURRENCY: Final = "USD"
_PARCEL_TYPES: Final = ("TRACKING_TYPE_PRIMARY", "TRACKING_TYPE_SECONDARY", "TRACKING_TYPE_UNSPECIFIED")
#: The Money fields read as total_price, total_tax, total_discount, total_shipping.
_TOTALS: Final = ("order_total", "order_tax", "order_discount", "order_shipping_fee")
#: The model's builders without checks: every value the mapping gives them is one the reader
#: checked (texts, counts, exact amounts, aware date-times) or one the mapping made itself.
_ORDER: Final = unchecked(CartOrder)
_LINE: Final = unchecked(LineItem)
_SHIPMENT: Final = unchecked(Shipment)
_SHIP_TO: Final = unchecked(ShipToAddress)
_BILL_TO: Final = unchecked(BillToAddress)
_SHIP_FROM: Final = unchecked(ShipFromAddress)
#: Country codes whose name `country_field` writes back as that very code, with the name: the
#: usual country, known both ways without a lookup. Filled on first sight; one entry per country at most.
_NAMED_CODES: dict[str, str] = {}


#: The options `convert` takes (`cartnorm.Adapter.options`).
OPTIONS: Final = (LIMITS_OPTION,)


def convert(payload: Any, *, observed_at: datetime | None = None, **options: Any) -> Normalized:
    """
    Convert a Gearment v3 order payload to a `Normalized` canonical order.

    ``observed_at`` (aware; default: now, UTC) becomes the Trackstar created/updated dates.
    Raises `PayloadError` (`MoneyError`, `CurrencyError`, `VendorErrorResponse`) with the
    JSON path of the problem; the payload is never modified. The one option, ``limits``
    (`cartnorm.Limits`, which cartnorm passes because the adapter `checks_limits`), is enforced
    while reading, with the errors `cartnorm.limits.check_payload` raises, and before any
    other error. The adapter declares no other option (`OPTIONS`): any is a `ConfigurationError`.
    """
    limits: Limits | None = read_options(NAME, OPTIONS, options)["limits"]
    observed = observation_time(observed_at)
    if limits is not None and not reader_enforces(limits):
        check_payload(payload, limits)  # limits tighter than known fields: the separate walk
        limits = None
    try:
        return _convert(read_payload(payload, limits), observed)
    except CartnormError:
        if limits is not None:
            check_payload(payload, limits)  # a payload over the limits says so first, as with the pre-check
        raise


def to_canonical(payload: Any, *, observed_at: datetime | None = None, **options: Any) -> CartOrder:
    """Convert a Gearment v3 order payload to a `CartOrder` (warnings dropped; see `convert`)."""
    return convert(payload, observed_at=observed_at, **options).order


def _convert(read: Read, observed: datetime) -> Normalized:
    order, path, amounts = read.order, read.path, read.amounts
    top = Reading(order, owned=True, path=path)
    log = WarningLog()
    currency = read.currency
    if currency is None:
        currency = DEFAULT_CURRENCY
        log.add("currency_assumed", path, f"no amount names its currency: {DEFAULT_CURRENCY} (Gearment bills in USD)")
    order_id = text(top, "order_id")
    if order_id is None:
        found = order.get("order_id", MISSING)
        raise PayloadError(top.at("order_id"), found, "the Gearment order id (a non-empty string)")
    reference = order.get("reference_id")
    if type(reference) is str and reference and reference != order_id:
        top.take("reference_id")  # written back only when it differs from the id
    else:
        reference = None
    raw_status = enum_text(order.get("order_status"), "VENDOR_ORDER_STATUS_UNKNOWN")
    decision = decide_status(
        raw_status,
        enum_text(order.get("cancel_status"), "VENDOR_ORDER_CANCEL_STATUS_ALL"),
        enum_text(order.get("refund_status"), "VENDOR_ORDER_REFUND_STATUS_ALL"),
    )
    written_status = order_status_value(raw_status, decision.status)
    if written_status is not None:
        top.writes("order_status", written_status)
    lines = _Lines(top.parts("line_items") or [], currency, log, amounts)
    trackings = top.parts("order_trackings") or []
    addresses = top.parts("addresses", keep=True) or []  # the reverse reads each address's type
    roles = address_roles([address.value.get("type") for address in addresses])
    by_role = {role: address for role, address in zip(roles, addresses, strict=True) if role is not None}
    ship_to = _ship_to(by_role.get("ship_to"))
    bill_to = _bill_to(by_role.get("bill_to"))
    ship_from = _ship_from(by_role.get("ship_from"), given_back=bool(trackings))  # written from shipments[0]
    shipments = [
        _shipment(tracking, index, order_id, raw_status, decision.status, ship_from, read.parsed)
        for index, tracking in enumerate(trackings)
    ]
    main = next((s for kind in _PARCEL_TYPES for s in shipments if s.raw_status == kind), None)
    created, updated = _dates(top, observed, log, read.parsed)
    shipping_option = order.get("shipping_option")
    method = shipping_option.get("method") if type(shipping_option) is dict else None
    requested = None if method in (None, "METHOD_UNKNOWN") else str(method)
    written_option = shipping_option_value(requested)
    if written_option is not None:
        top.writes("shipping_option", written_option)
    totals = [money_field(top, key, currency, amounts) for key in _TOTALS]
    canonical = _ORDER(
        order_id, reference or order_id, created, updated,  # id, order_number, created_date, updated_date
        decision.status, raw_status, requested, None,  # status, raw_status, requested_shipping_method, ..._id
        main.shipping_method_name if main else None, None,  # shipping_method_name, carrier_id
        main.carrier_name if main else None, currency, *totals,  # carrier_name, invoice_currency_code, 4 totals
        ship_to, bill_to, None, None,  # ship_to_address, bill_to_address, earliest_ship_date, latest_ship_date
        tuple(lines.items), (), tuple(shipments), (), None, None,  # line_items .. external_system_url, trackstar_tags
        {_layout.NAMESPACE: _layout.build(read.envelope, top.remainder(), lines.remainders)},  # additional_fields
        observed, observed,  # trackstar_created_date, trackstar_updated_date
    )  # fmt: skip
    return Normalized(canonical, log.freeze())


def _dates(top: Reading, observed: datetime, log: WarningLog,
           parsed: Mapping[str, datetime]) -> tuple[datetime, datetime]:  # fmt: skip
    order = top.value
    created = when(top, "created_at", parsed)
    if created is None:
        created = when(top, "order_date", parsed)
        source = "order_date" if created is not None else "observed_at"
        created = created or observed
        log.add("created_date_filled", top.at("created_at"), f"created_at is missing: created_date is {source}")
    updated = when(top, "updated_at", parsed)
    if updated is None:
        updated = created
        log.add("updated_at_filled", top.at("updated_at"), "updated_at is missing: updated_date is created_date")
    top.rewrites("created_at", timestamp_reproduced(created, order.get("created_at"), parsed))
    top.rewrites("updated_at", timestamp_reproduced(updated, order.get("updated_at"), parsed))
    return created, updated


class _Lines:
    """Canonical line items, with the per-unit remainders that dividing left over."""

    def __init__(self, lines: list[Reading], currency: str, log: WarningLog, amounts: Amounts) -> None:
        self.remainders: list[dict[str, Any]] = []
        self.amounts = amounts
        self.currency = currency
        self.exponent = exponent_of(currency)  # one lookup per order, not one per split
        self.items = [self._line(line, index, log) for index, line in enumerate(lines)]

    def _line(self, reading: Reading, index: int, log: WarningLog) -> LineItem:
        line = reading.value
        quantity = line.get("quantity")
        if quantity is None or quantity < 1:
            found = MISSING if "quantity" not in line else quantity
            raise PayloadError(reading.at("quantity"), found, "a quantity of at least 1 (Gearment's minimum)")
        reading.take("quantity")  # an int of at least 1: always given back
        line_id = line.get("line_item_id") or line.get("id") or str(index + 1)
        reading.writes("line_item_id", line_id)  # the reverse always writes the canonical line id
        tax = money_field(reading, "line_tax", self.currency, self.amounts)  # tax first: remainders, warnings
        if tax is not None:
            tax = self._split(tax, quantity, index, "line_tax", line_id, reading, log)
        discount = money_field(reading, "line_discount", self.currency, self.amounts)
        if discount is not None:
            discount = self._split(discount, quantity, index, "line_discount", line_id, reading, log)
        variant, sku, product = reading.texts("variant_id", "variant_sku", "product_id")
        return _LINE(
            line_id, variant or "", sku, product, None, quantity,  # line_item_id .. parent_product_sku, quantity
            money_field(reading, "item_price", self.currency, self.amounts), discount, tax, None,  # unit_price ..
        )  # fmt: skip

    def _split(self, amount: Decimal, quantity: int, index: int, field: str, line_id: str, reading: Reading,
               log: WarningLog) -> Decimal:  # fmt: skip
        # the usual case, no remainder to keep (a Money's amount and a quantity of at least 1 are in bounds)
        per_unit = exact_per_unit(amount, quantity, self.exponent, bounded=True)
        if per_unit is not None:
            return per_unit
        path = reading.at(field)
        currency = self.currency
        split = split_per_unit(amount, quantity, currency, path=path)  # rounds, or says why it cannot
        if not split.exact:
            self.remainders.append(
                {"line_index": index, "line_item_id": line_id, "field": field, "remainder": str(split.remainder)}
            )
            log.add(
                "rounding_remainder",
                path,
                f"{field} {amount} {currency} does not divide by quantity {quantity}: {split.per_unit} per unit, "
                f"remainder {split.remainder} kept in additional_fields.gearment.per_unit_remainders",
            )
        return split.per_unit


def _full_name(reading: Reading) -> str | None:
    """The first and last names, space-separated, or either alone; written back as the first name."""
    address = reading.value
    first, last = address.get("first_name") or None, address.get("last_name") or None
    full = f"{first} {last}" if first and last else first or last
    if full:
        reading.writes("first_name", full)
    return full


def _state(reading: Reading) -> str | None:
    address = reading.value
    state = address.get("state_code") or address.get("state_name") or None
    if state:
        reading.writes(state_key(state), state)
    return state


def _country(reading: Reading) -> str | None:
    """`country_name` if given, else the English name of `country_code` (the code itself if unknown)."""
    address = reading.value
    name = address.get("country_name") or None
    code = address.get("country_code") or None
    if name is None and code is not None:
        known = _NAMED_CODES.get(code)
        if known is not None:
            reading.take("country_code")  # the usual: a known code, named and written back as it came
            return known
        name = country_name(code)
        if name is not None and country_field(name) == ("country_code", code):
            _NAMED_CODES[code] = name
        name = name or code
    if name is not None:
        reading.writes(*country_field(name))
    return name


#: The address texts every role writes back; ship-to also writes _SHIP_TO_TEXTS.
_STREET: Final = ("street_1", "street_2", "city", "zip_code")
_SHIP_TO_TEXTS: Final = ("company", *_STREET, "phone_no", "email")


def _ship_to(reading: Reading | None) -> ShipToAddress:
    if reading is None:
        return _SHIP_TO(None, None, None, None, None, None, None, None, None, None, None)
    company, street_1, street_2, city, zip_code, phone, email = reading.texts(*_SHIP_TO_TEXTS)
    return _SHIP_TO(
        _full_name(reading), company, street_1, street_2, None, city,  # full_name .. address3, city
        _state(reading), zip_code, _country(reading), phone, email,  # state .. email_address
    )  # fmt: skip


def _bill_to(reading: Reading | None) -> BillToAddress:
    if reading is None:
        return _BILL_TO(None, None, None, None, None, None, None, None)
    street_1, street_2, city, zip_code = reading.texts(*_STREET)
    return _BILL_TO(
        _full_name(reading), street_1, street_2, None, city, _state(reading), zip_code, _country(reading)
    )  # full_name, address1, address2, address3, city, state, postal_code, country


def _ship_from(reading: Reading | None, *, given_back: bool) -> ShipFromAddress:
    """The ship-from address; the reverse writes it from the first shipment, so only when there is one."""
    if reading is None:
        return _SHIP_FROM(None, None, None, None, None, None, None)
    seen = reading if given_back else Reading(reading.value)  # a reading nobody asks for a remainder
    street_1, street_2, city, zip_code = seen.texts(*_STREET)
    return _SHIP_FROM(
        street_1, street_2, None, city, _state(seen), zip_code, _country(seen)
    )  # address1, address2, address3, city, state, postal_code, country


def _shipment(reading: Reading, index: int, order_id: str, order_status: str, decision: OrderStatus,
              ship_from: ShipFromAddress, parsed: Mapping[str, datetime]) -> Shipment:  # fmt: skip
    tracking = reading.value
    kind = enum_text(tracking.get("tracking_type"), "TRACKING_TYPE_UNSPECIFIED")
    number, service, carrier, url = reading.texts("tracking_no", "service", "carrier", "tracking_url")
    updated = when(reading, "tracking_updated_at", parsed)
    if updated is not None:
        reading.rewrites("tracking_updated_at", timestamp_reproduced(updated, tracking["tracking_updated_at"], parsed))
    shipment = _SHIPMENT(
        number or f"{order_id}-tracking-{index + 1}", kind, shipment_status(kind, order_status, decision),
        None, None, service, None, carrier,  # warehouse_id, shipping_method_id/name, carrier_id/name
        number, url, (), (), ship_from, None, updated,  # tracking_number, tracking_url .. updated_date
    )  # fmt: skip
    written = tracking_type_for(shipment, index)
    if written is not None:
        reading.writes("tracking_type", written)
    return shipment
