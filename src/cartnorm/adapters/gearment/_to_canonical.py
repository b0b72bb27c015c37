"""
Gearment v3 order (or its ``GET /api/v3/orders/{id}`` envelope) → canonical `CartOrder`.

The payload is first read into Gearment's own encoding (`._protojson`), then mapped; what
the canonical model has no field for is kept in ``additional_fields["gearment"]`` as
residuals (`._residual`), so `from_canonical` can give the payload back exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from ..._json import freeze_json
from ..._paths import ROOT
from ...adapter import Normalized, WarningLog, observation_time
from ...errors import MISSING, CartnormError, ConfigurationError, LimitExceededError, PayloadError, VendorErrorResponse
from ...geo import country_name
from ...limits import Limits, check_payload, count_nested, is_valid_text
from ...model import (
    BillToAddress,
    CartOrder,
    LineItem,
    OrderStatus,
    ShipFromAddress,
    Shipment,
    ShipToAddress,
)
from ...money import exact_per_unit, exponent_of, split_per_unit
from ._fast_read import Amounts, ReadBudget, read_budget, read_order_and_timestamps
from ._from_canonical import (
    NAMESPACE,
    address_roles,
    country_field,
    encode_order_fields,
    state_key,
    tracking_type_for,
)
from ._protojson import child, money_amount, parse_timestamp  # child: JSON paths, cached
from ._residual import OMITTED, SentMoney, SentTimestamp, money_reproduced, same, strip_reproduced, timestamp_reproduced
from ._statuses import decide_status, shipment_status

__all__ = ["DEFAULT_CURRENCY", "convert", "to_canonical", "unwrap"]

#: The currency assumed when no amount on the order names one (Gearment bills in USD).
DEFAULT_CURRENCY = "USD"
_LIST_KEYS = ("line_items", "addresses", "order_trackings")
#: Line item fields mapped to canonical text (see `_Lines._line` and `encode_line`).
_LINE_TEXTS = ("variant_id", "product_id", "line_item_id", "variant_sku")
_LINE_MONEYS = ("item_price", "line_tax", "line_discount")
#: Tracking fields mapped to canonical shipment text (see `_shipment` and `encode_tracking`).
_TRACKING_TEXTS = ("tracking_no", "carrier", "service", "tracking_url")
_PARCEL_TYPES = ("TRACKING_TYPE_PRIMARY", "TRACKING_TYPE_SECONDARY", "TRACKING_TYPE_UNSPECIFIED")
#: Address fields each role's encoder writes back as sent when they are non-empty text
#: (see `encode_ship_to` & co.); the name, state and country are decided in `_address_residual`.
_ADDRESS_TEXTS: Final[Mapping[str, tuple[str, ...]]] = {
    "ship_to": ("company", "street_1", "street_2", "city", "zip_code", "phone_no", "email"),
    "bill_to": ("street_1", "street_2", "city", "zip_code"),
    "ship_from": ("street_1", "street_2", "city", "zip_code"),
}
#: Country codes whose name `country_field` writes back as that very code, with the name: the
#: usual country, known both ways without a lookup. Filled on first sight; one entry per country at most.
_NAMED_CODES: dict[str, str] = {}
_Address = ShipToAddress | BillToAddress | ShipFromAddress


def unwrap(payload: object) -> tuple[dict[str, Any] | None, object, str]:
    """
    Split a payload into (envelope without ``data``, the order, the order's JSON path).

    A bare order has no envelope. An envelope whose ``status`` is ``"error"`` raises
    `VendorErrorResponse` carrying Gearment's message.
    """
    if not isinstance(payload, Mapping):
        raise PayloadError(ROOT, payload, "a JSON object: a Gearment v3 order or its {status, message, data} envelope")
    if "status" not in payload:
        return None, payload, ROOT
    status = payload.get("status")
    if not isinstance(status, str):
        raise PayloadError(child(ROOT, "status"), status, "the envelope status 'success' or 'error'")
    if status.strip().lower() == "error":
        message = payload.get("message")
        raise VendorErrorResponse(
            child(ROOT, "status"),
            status,
            "a 'success' envelope with the order in data",
            hint=f"Gearment answered: {message!r}. The vendor did not return an order; retry or fix it upstream.",
        )
    if "data" not in payload:
        raise PayloadError(child(ROOT, "data"), MISSING, "the order object (data) of a Gearment envelope")
    envelope = {
        key: value if type(value) is str else freeze_json(value, path=child(ROOT, key))  # strings need no copy
        for key, value in payload.items()
        if key != "data"
    }
    return envelope, payload["data"], child(ROOT, "data")


def _text(obj: Mapping[str, Any], key: str) -> str | None:
    """A proto3 string field: absent, null and "" are all "not set" (None)."""
    value = obj.get(key)
    return value if type(value) is str and value else None  # the reader made every string field a str


def _amount(obj: Mapping[str, Any], key: str, path: str, amounts: Amounts) -> Decimal | None:
    """A Money field's exact amount: the reader's, when it read that Money, else computed here."""
    money = obj.get(key)
    if money is None:
        return None
    known = amounts.get(id(money))  # the reader's note (see `Amounts`), looked up inline
    return known[2] if known is not None and known[0] is money else money_amount(money, child(path, key))


def _when(obj: Mapping[str, Any], key: str, path: str, parsed: Mapping[str, datetime]) -> datetime | None:
    """A timestamp field: the reader's parse of its text when it made one, else parsed here."""
    value = obj.get(key)
    if value is None:
        return None
    known = parsed.get(value) if type(value) is str else None
    return known if known is not None else parse_timestamp(value, child(path, key))


def _enum_text(value: Any, default: str) -> str:
    """An enum value as table text: its name, or the number as sent (``"42"``)."""
    return default if value is None else str(value)


def _full_name(address: Mapping[str, Any]) -> str | None:
    """The first and last names, space-separated, or either alone (written out, not joined: it runs per address)."""
    first, last = _text(address, "first_name"), _text(address, "last_name")
    return f"{first} {last}" if first and last else first or last


def _state(address: Mapping[str, Any]) -> str | None:
    return _text(address, "state_code") or _text(address, "state_name")


def _country(address: Mapping[str, Any]) -> str | None:
    name = _text(address, "country_name")
    if name is not None:
        return name
    code = _text(address, "country_code")
    if code is None:
        return None
    known = _NAMED_CODES.get(code)
    if known is not None:
        return known
    name = country_name(code)
    if name is not None and country_field(name) == ("country_code", code):
        _NAMED_CODES[code] = name
    return name or code


def _ship_to(address: Mapping[str, Any] | None) -> ShipToAddress:
    if address is None:
        return ShipToAddress(
            full_name=None, company=None, address1=None, address2=None, address3=None, city=None, state=None,
            postal_code=None, country=None, phone_number=None, email_address=None,
        )  # fmt: skip
    return ShipToAddress(
        full_name=_full_name(address), company=_text(address, "company"), address1=_text(address, "street_1"),
        address2=_text(address, "street_2"), address3=None, city=_text(address, "city"), state=_state(address),
        postal_code=_text(address, "zip_code"), country=_country(address), phone_number=_text(address, "phone_no"),
        email_address=_text(address, "email"),
    )  # fmt: skip


def _bill_to(address: Mapping[str, Any] | None) -> BillToAddress:
    found = address or {}
    return BillToAddress(
        full_name=_full_name(found), address1=_text(found, "street_1"), address2=_text(found, "street_2"),
        address3=None, city=_text(found, "city"), state=_state(found), postal_code=_text(found, "zip_code"),
        country=_country(found),
    )  # fmt: skip


def _ship_from(address: Mapping[str, Any] | None) -> ShipFromAddress:
    found = address or {}
    return ShipFromAddress(
        address1=_text(found, "street_1"), address2=_text(found, "street_2"), address3=None,
        city=_text(found, "city"), state=_state(found), postal_code=_text(found, "zip_code"), country=_country(found),
    )  # fmt: skip


def _list(order: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = order.get(key)
    return value if isinstance(value, list) else []


class _Lines:
    """Canonical line items, with the per-unit remainders that dividing left over."""

    def __init__(self, lines: list[dict[str, Any]], path: str, currency: str, log: WarningLog,
                 amounts: Amounts) -> None:  # fmt: skip
        self.items: list[LineItem] = []
        self.remainders: list[dict[str, Any]] = []
        self.amounts = amounts
        self.sent = lines
        self.exponent = exponent_of(currency)  # one lookup per order, not one per split
        for index, line in enumerate(lines):
            self.items.append(self._line(line, index, child(path, index), currency, log))

    def residuals(self, currency: str) -> list[dict[str, Any]]:
        """
        Each line's residual, made in place from the reader's copy: what `encode_line` would not
        give back. Decided from the mapping's own rules rather than by encoding each line and
        comparing; a property test holds the two to the same result.
        """
        for line in self.sent:
            omitted = "line_item_id" not in line  # encode_line always writes the canonical line id
            for key in _LINE_TEXTS:  # product_id and the like: given back when sent as a non-empty string
                value = line.get(key)
                if type(value) is str and value:
                    del line[key]
            del line["quantity"]  # at least 1, an int: always given back
            for key in _LINE_MONEYS:  # per line amounts are given back exactly (remainders are kept)
                money = line.get(key)
                if money is not None and money_reproduced(money, currency, self.amounts):
                    del line[key]
            if omitted:
                line[OMITTED] = ["line_item_id"]
        return self.sent

    def _line(self, line: dict[str, Any], index: int, path: str, currency: str, log: WarningLog) -> LineItem:
        quantity = line.get("quantity")
        if quantity is None or quantity < 1:
            found = MISSING if "quantity" not in line else line.get("quantity")
            raise PayloadError(child(path, "quantity"), found, "a quantity of at least 1 (Gearment's minimum)")
        text = line.get  # string fields hold a str or None (the readers make sure): `_text` is `text(key) or None`
        line_id = text("line_item_id") or line.get("id") or str(index + 1)
        tax = _amount(line, "line_tax", path, self.amounts)  # tax first: remainders and warnings keep this order
        if tax is not None:
            tax = self._split(tax, quantity, index, "line_tax", line_id, path, currency, log)
        discount = _amount(line, "line_discount", path, self.amounts)
        if discount is not None:
            discount = self._split(discount, quantity, index, "line_discount", line_id, path, currency, log)
        return LineItem(
            line_item_id=line_id, product_id=text("variant_id") or "", product_sku=text("variant_sku") or None,
            parent_product_id=text("product_id") or None, parent_product_sku=None, quantity=quantity,
            unit_price=_amount(line, "item_price", path, self.amounts), discount=discount, tax=tax, warehouse_id=None,
        )  # fmt: skip

    def _split(self, amount: Decimal, quantity: int, index: int, field: str, line_id: str, line_path: str,
               currency: str, log: WarningLog) -> Decimal:  # fmt: skip
        # the usual case, no remainder to keep (a Money's amount and a quantity of at least 1 are in bounds)
        per_unit = exact_per_unit(amount, quantity, self.exponent, bounded=True)
        if per_unit is not None:
            return per_unit
        path = child(line_path, field)
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


def _dates(order: dict[str, Any], path: str, observed: datetime, log: WarningLog,
           parsed: Mapping[str, datetime]) -> tuple[datetime, datetime]:  # fmt: skip
    created = _when(order, "created_at", path, parsed)
    if created is None:
        created = _when(order, "order_date", path, parsed)
        source = "order_date" if created is not None else "observed_at"
        created = created or observed
        log.add("created_date_filled", child(path, "created_at"), f"created_at is missing: created_date is {source}")
    updated = _when(order, "updated_at", path, parsed)
    if updated is None:
        updated = created
        log.add("updated_at_filled", child(path, "updated_at"), "updated_at is missing: updated_date is created_date")
    return created, updated


def convert(
    payload: object, *, observed_at: datetime | None = None, limits: Limits | None = None, **options: Any
) -> Normalized:
    """
    Convert a Gearment v3 order payload to a `Normalized` canonical order.

    ``observed_at`` (aware; default: now, UTC) becomes the Trackstar created/updated dates.
    Raises `PayloadError` (`MoneyError`, `CurrencyError`, `VendorErrorResponse`) with the
    JSON path of the problem; the payload is never modified. ``limits`` (`cartnorm.Limits`)
    are enforced while reading, with the errors `cartnorm.limits.check_payload` raises, and
    before any other error. The adapter takes no other options: any is a `ConfigurationError`.
    """
    if options:
        msg = f"the gearment adapter takes no options, got {sorted(options)}"
        raise ConfigurationError(msg)
    observed = observation_time(observed_at)
    if limits is not None and not ReadBudget.applies_to(limits):
        check_payload(payload, limits)  # limits tighter than known fields: the separate walk
        limits = None
    try:
        return _convert(payload, observed, limits)
    except CartnormError:
        if limits is not None:
            check_payload(payload, limits)  # a payload over the limits says so first, as with the pre-check
        raise


def _checked_envelope_size(envelope: dict[str, Any], limits: Limits) -> int:
    """The number of values in the envelope (data aside), once within ``limits`` (`LimitExceededError` if not)."""
    if all(
        type(value) is str and len(value) <= limits.max_string_chars and is_valid_text(value)
        for value in envelope.values()
    ):
        return len(envelope)  # the usual envelope: a status and a message
    check_payload(envelope, limits)
    return count_nested(envelope)


def _convert(payload: object, observed: datetime, limits: Limits | None) -> Normalized:
    envelope, raw, path = unwrap(payload)
    if limits is None:
        order, currency, parsed, amounts = read_order_and_timestamps(raw, path)
    else:
        spent = 1  # the root
        if envelope is not None:  # the envelope's values, checked here: the reader sees only data's
            try:
                spent += 1 + _checked_envelope_size(envelope, limits)  # data itself, the envelope's other values
            except LimitExceededError:
                check_payload(payload, limits)  # the error the whole payload's walk meets first
                raise
        budget = read_budget(limits, spent)
        order, currency, parsed, amounts = read_order_and_timestamps(
            raw, path, budget, lambda: check_payload(payload, limits)
        )
    log = WarningLog()
    if currency is None:
        currency = DEFAULT_CURRENCY
        log.add("currency_assumed", path, f"no amount names its currency: {DEFAULT_CURRENCY} (Gearment bills in USD)")
    order_id = _text(order, "order_id")
    if order_id is None:
        found = order.get("order_id", MISSING)
        raise PayloadError(child(path, "order_id"), found, "the Gearment order id (a non-empty string)")

    order_status = _enum_text(order.get("order_status"), "VENDOR_ORDER_STATUS_UNKNOWN")
    decision = decide_status(
        order_status,
        _enum_text(order.get("cancel_status"), "VENDOR_ORDER_CANCEL_STATUS_ALL"),
        _enum_text(order.get("refund_status"), "VENDOR_ORDER_REFUND_STATUS_ALL"),
    )
    lines = _Lines(_list(order, "line_items"), child(path, "line_items"), currency, log, amounts)
    addresses = _list(order, "addresses")
    roles = address_roles([address.get("type") for address in addresses])
    by_role = {role: address for role, address in zip(roles, addresses, strict=True) if role is not None}
    ship_from = _ship_from(by_role.get("ship_from"))
    trackings = _list(order, "order_trackings")
    shipments = [
        _shipment(
            tracking, index, order_id, order_status, decision.status, ship_from, child(path, "order_trackings"), parsed
        )
        for index, tracking in enumerate(trackings)
    ]
    main = next((s for kind in _PARCEL_TYPES for s in shipments if s.raw_status == kind), None)
    created, updated = _dates(order, path, observed, log, parsed)
    shipping_option = order.get("shipping_option")
    method = shipping_option.get("method") if isinstance(shipping_option, dict) else None  # a message: a dict
    # The residuals are computed from the canonical order that holds them: the order is built once
    # around an empty dict, filled before the order leaves here (cheaper than attrs.evolve's second build).
    gearment: dict[str, Any] = {}
    canonical = CartOrder(
        id=order_id, order_number=_text(order, "reference_id") or order_id, created_date=created,
        updated_date=updated, status=decision.status, raw_status=order_status,
        requested_shipping_method=None if method in (None, "METHOD_UNKNOWN") else str(method),
        shipping_method_id=None, shipping_method_name=main.shipping_method_name if main else None, carrier_id=None,
        carrier_name=main.carrier_name if main else None, invoice_currency_code=currency,
        total_price=_amount(order, "order_total", path, amounts), total_tax=_amount(order, "order_tax", path, amounts),
        total_discount=_amount(order, "order_discount", path, amounts),
        total_shipping=_amount(order, "order_shipping_fee", path, amounts),
        ship_to_address=_ship_to(by_role.get("ship_to")), bill_to_address=_bill_to(by_role.get("bill_to")),
        earliest_ship_date=None, latest_ship_date=None, line_items=tuple(lines.items), shipping_groups=(),
        shipments=tuple(shipments), tags=(), external_system_url=None, trackstar_tags=None,
        additional_fields={NAMESPACE: gearment},
        trackstar_created_date=observed, trackstar_updated_date=observed,
    )  # fmt: skip
    gearment.update(_residuals(canonical, order, lines, roles, envelope, parsed))
    return Normalized(canonical, log.freeze())


def _shipment(tracking: dict[str, Any], index: int, order_id: str, order_status: str, decision: OrderStatus,
              ship_from: ShipFromAddress, path: str, parsed: Mapping[str, datetime]) -> Shipment:  # fmt: skip
    kind = _enum_text(tracking.get("tracking_type"), "TRACKING_TYPE_UNSPECIFIED")
    text = tracking.get  # string fields hold a str or None (the readers make sure): `_text` is `text(key) or None`
    number = text("tracking_no") or None
    return Shipment(
        shipment_id=number or f"{order_id}-tracking-{index + 1}", raw_status=kind,
        status=shipment_status(kind, order_status, decision), warehouse_id=None, shipping_method_id=None,
        shipping_method_name=text("service") or None, carrier_id=None, carrier_name=text("carrier") or None,
        tracking_number=number, tracking_url=text("tracking_url") or None, line_items=(), shipping_groups=(),
        ship_from_address=ship_from, created_date=None,
        updated_date=_when(tracking, "tracking_updated_at", child(path, index), parsed),
    )  # fmt: skip


def _residuals(canonical: CartOrder, order: dict[str, Any], lines: _Lines, roles: list[str | None],
               envelope: dict[str, Any] | None, parsed: Mapping[str, datetime]) -> dict[str, Any]:  # fmt: skip
    """
    ``additional_fields["gearment"]``: what the canonical order cannot give back by itself.

    ``order`` is the reader's own copy of the payload, made for this conversion: each of its
    objects becomes its residual in place (`strip_reproduced`), so nothing is copied twice.
    """
    gearment: dict[str, Any] = {}
    if envelope is not None:
        gearment["envelope"] = envelope
    lists = {key: order.pop(key) for key in _LIST_KEYS if isinstance(order.get(key), list)}
    sent_money = SentMoney(canonical.invoice_currency_code, lines.amounts)  # every total is read from its field
    rest = strip_reproduced(order, encode_order_fields(canonical, sent_money.writer, SentTimestamp.writer(parsed)))
    if rest:
        gearment["order"] = rest
    currency = canonical.invoice_currency_code
    if "line_items" in lists:
        _keep(gearment, "line_items", lines.residuals(currency))
    if "addresses" in lists:
        mapped: dict[str | None, _Address | None] = {
            "ship_to": canonical.ship_to_address,
            "bill_to": canonical.bill_to_address,
            "ship_from": canonical.shipments[0].ship_from_address if canonical.shipments else None,
            None: None,
        }
        gearment["addresses"] = [
            _address_residual(address, role, mapped[role])
            for role, address in zip(roles, lists["addresses"], strict=True)
        ]
    if "order_trackings" in lists:
        trackings = _tracking_residuals(lists["order_trackings"], canonical.shipments, parsed)
        _keep(gearment, "order_trackings", trackings)
    if lines.remainders:
        gearment["per_unit_remainders"] = lines.remainders
    return gearment


def _address_residual(address: dict[str, Any], role: str | None, mapped: _Address | None) -> dict[str, Any]:
    """
    An address's residual, in place: what the encoder of its role (`encode_ship_to` & co.)
    would not give back from ``mapped``, the canonical address made of it (None: no encoder,
    as for a second address of a type, or a ship-from without shipments to carry it).

    Decided from the mapping's rules rather than by encoding and comparing: plain texts come
    back as sent; the name, state and country come back under the key the encoder picks, and
    that key is listed as omitted when it was not sent. A property test holds this to
    ``residual(address, encode_...(mapped))``, key order included.
    """
    if role is None or mapped is None:
        return address
    for key in _ADDRESS_TEXTS[role]:
        value = address.get(key)
        if type(value) is str and value:
            del address[key]
    omitted: list[str] = []  # in the encoder's key order: first_name, state, country
    if not isinstance(mapped, ShipFromAddress):  # the full name, written as the first name
        _given_back(address, "first_name", mapped.full_name, omitted)
    state = mapped.state
    if state is not None:
        _given_back(address, state_key(state), state, omitted)
    country = mapped.country
    if country is not None:
        code = address.get("country_code")
        if type(code) is str and _NAMED_CODES.get(code) == country:
            del address["country_code"]  # the usual: a known code, named and written back as it came
        else:
            _given_back(address, *country_field(country), omitted)
    if omitted:
        address[OMITTED] = omitted
    return address


def _given_back(address: dict[str, Any], key: str, value: str | None, omitted: list[str]) -> None:
    """
    One field the encoder writes as ``value`` (None, "": not written): dropped from the residual
    when sent as that very text, kept when sent otherwise, listed as omitted when not sent.
    """
    if not value:
        return
    if key not in address:
        omitted.append(key)
    elif address[key] == value and type(address[key]) is str:
        del address[key]


def _tracking_residuals(trackings: list[dict[str, Any]], shipments: tuple[Shipment, ...],
                        parsed: Mapping[str, datetime]) -> list[dict[str, Any]]:  # fmt: skip
    """
    Each tracking's residual, in place: what `encode_tracking` would not give back, decided
    from `_shipment`'s rules (a property test holds this to residual(tracking, encode_tracking(...))).
    """
    for index, (tracking, shipment) in enumerate(zip(trackings, shipments, strict=True)):
        for key in _TRACKING_TEXTS:  # given back when sent as a non-empty string
            value = tracking.get(key)
            if type(value) is str and value:
                del tracking[key]
        when = shipment.updated_date
        if when is not None and timestamp_reproduced(when, tracking.get("tracking_updated_at"), parsed):
            del tracking["tracking_updated_at"]
        kind = tracking_type_for(shipment, index)
        if kind is not None:
            if "tracking_type" not in tracking:
                tracking[OMITTED] = ["tracking_type"]
            elif same(kind, tracking["tracking_type"]):
                del tracking["tracking_type"]
    return trackings


def _keep(gearment: dict[str, Any], key: str, rests: list[dict[str, Any]]) -> None:
    if not rests or any(rests):  # all-empty residuals: the canonical list alone gives the list back
        gearment[key] = rests


def to_canonical(payload: object, *, observed_at: datetime | None = None) -> CartOrder:
    """Convert a Gearment v3 order payload to a `CartOrder` (warnings dropped; see `convert`)."""
    return convert(payload, observed_at=observed_at).order
