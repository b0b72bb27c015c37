"""Medusa order (v1 or v2) → Trackstar `CartOrder`: the forward mapping."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import attrs

from ..._paths import ROOT, child
from ...adapter import Normalized, WarningLog
from ...errors import MISSING, ConfigurationError, CurrencyError, PayloadError
from ...geo import country_name
from ...model import (
    BillToAddress,
    CartOrder,
    LineItem,
    OrderStatus,
    ShipFromAddress,
    Shipment,
    ShipmentLineItem,
    ShipmentStatus,
    ShipToAddress,
)
from ...money import exponent_of, normalize_currency
from . import _layout, _residue
from ._amounts import ADMIN_UI_EXPONENTS, Money, default_exponent
from ._from_canonical import regenerate
from ._reading import (
    is_v2,
    object_list,
    optional_datetime,
    optional_str,
    quantity,
    required_str,
    unwrap,
)
from ._statuses import STATUS_TABLE_V1, STATUS_TABLE_V2, decide, format_raw_status
from ._totals import ORDER_TOTALS, recompute

__all__ = ["convert", "convert_options", "to_canonical"]

#: Timestamps of the records an order owns, used to fill a missing ``updated_at``.
_ACTIVITY_RECORDS = ("items", "fulfillments", "payments", "refunds")
_ACTIVITY_FIELDS = ("created_at", "updated_at", "shipped_at", "captured_at", "canceled_at", "delivered_at")


@attrs.define
class _Reader:
    """The state of one conversion: where the order sits, its money, warnings, remainders."""

    order: Mapping[str, Any]
    path: str
    money: Money
    log: WarningLog
    remainders: dict[str, Decimal] = attrs.field(factory=dict)

    def at(self, *keys: str | int) -> str:
        """The payload path of ``keys`` inside the order."""
        path = self.path
        for key in keys:
            path = child(path, key)
        return path


def _observed(observed_at: object) -> datetime:
    if observed_at is None:
        return datetime.now(timezone.utc)
    if not isinstance(observed_at, datetime):
        msg = f"observed_at must be a datetime, got {type(observed_at).__name__}"
        raise ConfigurationError(msg)
    if observed_at.tzinfo is None or observed_at.utcoffset() is None:
        msg = f"observed_at must be timezone-aware (e.g. datetime.now(timezone.utc)), got naive {observed_at!r}"
        raise ConfigurationError(msg)
    return observed_at


def _currency(order: Mapping[str, Any], path: str, exponents: object, version: int) -> tuple[str, int]:
    if exponents is not None and not isinstance(exponents, Mapping):
        msg = f"exponents must be a mapping such as {{'KWD': 2}}, got {type(exponents).__name__}"
        raise ConfigurationError(msg)
    where = child(path, "currency_code")
    value = order.get("currency_code", MISSING)
    if not isinstance(value, str):
        raise CurrencyError(where, value, "a lower-case ISO 4217 currency code such as 'usd'")
    table: dict[str, int] = dict(ADMIN_UI_EXPONENTS) if version == 1 else {}
    if exponents:
        table.update({key.strip().upper(): number for key, number in exponents.items() if isinstance(key, str)})
    code = normalize_currency(value, path=where, exponents=table)
    return code, exponent_of(code, exponents=table, path=where)


def convert(
    payload: Any,
    *,
    observed_at: datetime | None = None,
    exponents: Mapping[str, int] | None = None,
) -> Normalized:
    """
    Convert a Medusa order payload into a `Normalized` (the order and its warnings).

    ``payload`` is a bare order, ``{"order": …}`` or ``{"type": "order", "data": …}`` (v2:
    ``{"type": "order", "order": …}``); it is never modified. ``observed_at`` (aware; default
    now, UTC) fills ``trackstar_created_date`` and ``trackstar_updated_date``. ``exponents``
    overrides the minor-unit exponent per currency (``{"KWD": 2}``).
    Raises `cartnorm.errors.PayloadError` (with the JSON path) for data it cannot map exactly.
    """
    observed = _observed(observed_at)
    order, path, envelope = unwrap(payload)
    version = 2 if is_v2(order) else 1
    currency, exponent = _currency(order, path, exponents, version)
    reader = _Reader(order=order, path=path, money=Money(version=version, currency=currency, exponent=exponent),
                     log=WarningLog())  # fmt: skip
    canonical = _order(reader, observed)
    hints = _layout.Hints(
        version=version,
        envelope=envelope,
        exponent=exponent if exponent != default_exponent(currency, version) else None,
        remainders=dict(reader.remainders),
    )
    patch, absent = _residue.diff(order, regenerate(canonical, hints))
    final = attrs.evolve(canonical, additional_fields=_layout.build(hints, patch, absent))
    return Normalized(final, reader.log.freeze())


def convert_options(payload: Any, *, observed_at: datetime | None = None, **options: Any) -> Normalized:
    """`convert` with options by name, as `cartnorm.Adapter` calls it; an unknown option is an error."""
    unknown = sorted(set(options) - {"exponents"})
    if unknown:
        msg = f"the medusa adapter takes no option {', '.join(map(repr, unknown))} (it knows: 'exponents')"
        raise ConfigurationError(msg)
    return convert(payload, observed_at=observed_at, exponents=options.get("exponents"))


def to_canonical(
    payload: Any,
    *,
    observed_at: datetime | None = None,
    exponents: Mapping[str, int] | None = None,
) -> CartOrder:
    """Convert a Medusa order payload into a `CartOrder` (see `convert`; warnings are dropped)."""
    return convert(payload, observed_at=observed_at, exponents=exponents).order


def _order(reader: _Reader, observed: datetime) -> CartOrder:
    order = reader.order
    identifier = required_str(order, "id", reader.path)
    created = optional_datetime(order, "created_at", reader.path)
    if created is None:
        raise PayloadError(reader.at("created_at"), order.get("created_at", MISSING), "an RFC 3339 date-time")
    updated = optional_datetime(order, "updated_at", reader.path)
    if updated is None:
        updated = _latest_activity(order, created)
        reader.log.add(
            "updated_at_filled",
            reader.at("updated_at"),
            f"the response carries no updated_at (trimmed store response); filled with {updated.isoformat()}, "
            "the latest timestamp of the records the order owns (items, fulfillments, payments, refunds)",
        )
    items = object_list(order, "items", reader.path)
    methods = object_list(order, "shipping_methods", reader.path)
    fulfillments = object_list(order, "fulfillments", reader.path)
    line_items = tuple(_line_item(reader, item, index) for index, item in enumerate(items))
    by_id = {line.line_item_id: line for line in line_items}
    shipments = tuple(_shipment(reader, entry, index, by_id) for index, entry in enumerate(fulfillments))
    totals = _totals(reader, items, methods)
    method_id, method_name = _shipping_method(reader, methods)
    email = optional_str(order, "email")
    status, raw_status = _status(reader)
    return CartOrder(
        id=identifier,
        order_number=_order_number(order, identifier),
        created_date=created,
        updated_date=updated,
        status=status,
        raw_status=raw_status,
        requested_shipping_method=method_name,
        shipping_method_id=method_id,
        shipping_method_name=method_name,
        carrier_id=None,
        carrier_name=None,
        invoice_currency_code=reader.money.currency,
        total_price=totals["total_price"],
        total_tax=totals["total_tax"],
        total_discount=totals["total_discount"],
        total_shipping=totals["total_shipping"],
        ship_to_address=_ship_to(reader, email),
        bill_to_address=_bill_to(reader),
        earliest_ship_date=None,
        latest_ship_date=None,
        line_items=line_items,
        shipping_groups=(),
        shipments=shipments,
        tags=(),
        external_system_url=None,
        trackstar_tags=None,
        additional_fields={},
        trackstar_created_date=observed,
        trackstar_updated_date=observed,
    )


def _order_number(order: Mapping[str, Any], identifier: str) -> str:
    display_id = order.get("display_id")
    if type(display_id) is int:
        return str(display_id)
    if isinstance(display_id, str):
        return display_id
    return identifier


def _latest_activity(order: Mapping[str, Any], created: datetime) -> datetime:
    latest = created
    for key in _ACTIVITY_RECORDS:
        records = order.get(key)
        if not isinstance(records, list):
            continue
        for record in records:
            if not isinstance(record, Mapping):
                continue
            for field in _ACTIVITY_FIELDS:
                try:
                    moment = optional_datetime(record, field, ROOT)
                except PayloadError:
                    continue
                if moment is not None and moment > latest:
                    latest = moment
    return latest


def _status(reader: _Reader) -> tuple[OrderStatus, str | None]:
    table = STATUS_TABLE_V2 if reader.money.version == 2 else STATUS_TABLE_V1
    decision, known = decide(table, reader.order)
    raw_status = format_raw_status(reader.order)
    if not known:
        reader.log.add(
            "unknown_status",
            reader.path,
            f"status combination {raw_status!r} is not in Medusa v{reader.money.version}'s enums: mapped to 'other'",
        )
    return decision.status, raw_status


def _totals(
    reader: _Reader, items: Sequence[Mapping[str, Any]], methods: Sequence[Mapping[str, Any]]
) -> dict[str, Decimal | None]:
    values = recompute(reader.order, items, methods, reader.money, reader.path)
    result: dict[str, Decimal | None] = {}
    for canonical_name, key in ORDER_TOTALS[reader.money.version].items():
        value = values[key]
        if key in reader.order or "raw_" + key in reader.order:
            value = reader.money.read(reader.order, key, reader.path)  # null stays null: Medusa said "unknown"
        else:
            if value is None:
                reader.log.add("total_unavailable", reader.at(key), f"{key} is absent and cannot be recomputed")
            else:
                reader.log.add("total_recomputed", reader.at(key), f"{key} is absent: recomputed as {value}")
        result[canonical_name] = value
    return result


def _shipping_method(reader: _Reader, methods: Sequence[Mapping[str, Any]]) -> tuple[str | None, str | None]:
    if not methods:
        return None, None
    method = methods[0]
    if reader.money.version == 2:
        return optional_str(method, "shipping_option_id"), optional_str(method, "name")
    option = method.get("shipping_option")
    name = optional_str(option, "name") if isinstance(option, Mapping) else None
    return optional_str(method, "shipping_option_id"), name


def _full_name(address: Mapping[str, Any]) -> str | None:
    parts = [part for part in (address.get("first_name"), address.get("last_name")) if isinstance(part, str)]
    if not parts:
        return None
    return " ".join(part for part in parts if part)


def _country(reader: _Reader, address: Mapping[str, Any], key: str) -> str | None:
    code = address.get("country_code")
    if not isinstance(code, str):
        return None
    if code == "":
        return ""
    name = country_name(code)
    if name is None:
        reader.log.add(
            "unknown_country_code",
            reader.at(key, "country_code"),
            f"{code!r} is not an ISO 3166-1 alpha-2 code babel knows: country left null, code kept",
        )
    return name


def _ship_to(reader: _Reader, email: str | None) -> ShipToAddress:
    address = reader.order.get("shipping_address")
    if not isinstance(address, Mapping):
        return ShipToAddress(email_address=email, full_name=None, company=None, address1=None, address2=None,
                             address3=None, city=None, state=None, postal_code=None, country=None,
                             phone_number=None)  # fmt: skip
    return ShipToAddress(
        full_name=_full_name(address),
        company=optional_str(address, "company"),
        address1=optional_str(address, "address_1"),
        address2=optional_str(address, "address_2"),
        address3=None,
        city=optional_str(address, "city"),
        state=optional_str(address, "province"),
        postal_code=optional_str(address, "postal_code"),
        country=_country(reader, address, "shipping_address"),
        phone_number=optional_str(address, "phone"),
        email_address=email,
    )


def _bill_to(reader: _Reader) -> BillToAddress:
    address = reader.order.get("billing_address")
    if not isinstance(address, Mapping):
        return BillToAddress(full_name=None, address1=None, address2=None, address3=None, city=None, state=None,
                             postal_code=None, country=None)  # fmt: skip
    return BillToAddress(
        full_name=_full_name(address),
        address1=optional_str(address, "address_1"),
        address2=optional_str(address, "address_2"),
        address3=None,
        city=optional_str(address, "city"),
        state=optional_str(address, "province"),
        postal_code=optional_str(address, "postal_code"),
        country=_country(reader, address, "billing_address"),
    )


def _per_unit(reader: _Reader, item: Mapping[str, Any], key: str, count: int, index: int) -> Decimal | None:
    """``item[key]`` (a line amount) per unit; a rounding remainder is kept and reported."""
    where = reader.at("items", index)
    line = reader.money.read(item, key, where)
    if line is None or count == 0:
        return None
    split = reader.money.split(line, count, child(where, key))
    if not split.exact:
        relative = child(child(child(ROOT, "items"), index), key)
        reader.remainders[relative] = split.remainder
        reader.log.add(
            "rounding_remainder",
            child(where, key),
            f"{key} {line} over quantity {count} is {split.per_unit} per unit; the remainder {split.remainder} "
            "is kept in additional_fields.medusa.remainders",
        )
    return split.per_unit


def _identity(reader: _Reader, item: Mapping[str, Any], identifier: str) -> tuple[str, str | None, str | None]:
    """(product_id, product_sku, parent_product_id): the variant is the sellable unit."""
    variant = item.get("variant")
    variant = variant if isinstance(variant, Mapping) else {}
    found = _first(optional_str(item, "variant_id"), optional_str(variant, "id"))
    product_id = identifier if found is None else found
    if reader.money.version == 2:
        sku = _first(optional_str(item, "variant_sku"), optional_str(variant, "sku"))
        parent = _first(optional_str(item, "product_id"), optional_str(variant, "product_id"))
    else:
        sku = optional_str(variant, "sku")
        parent = optional_str(variant, "product_id")
    return product_id, sku, parent


def _first(*values: str | None) -> str | None:
    return next((value for value in values if value is not None), None)


def _line_item(reader: _Reader, item: Mapping[str, Any], index: int) -> LineItem:
    where = reader.at("items", index)
    identifier = required_str(item, "id", where)
    count = quantity(item, "quantity", where)
    product_id, sku, parent = _identity(reader, item, identifier)
    unit_price = reader.money.read(item, "unit_price", where)
    inclusive = item.get("is_tax_inclusive" if reader.money.version == 2 else "includes_tax") is True
    if inclusive and unit_price is not None and count > 0:
        net = _per_unit(reader, item, "subtotal", count, index)
        if net is None:
            reader.log.add(
                "tax_inclusive_unit_price",
                child(where, "unit_price"),
                "tax-inclusive line without a subtotal: unit_price is left gross (it includes tax)",
            )
        else:
            unit_price = net
    return LineItem(
        line_item_id=identifier,
        product_id=product_id,
        product_sku=sku,
        parent_product_id=parent,
        parent_product_sku=None,
        quantity=count,
        unit_price=unit_price,
        discount=_per_unit(reader, item, "discount_total", count, index),
        tax=_per_unit(reader, item, "tax_total", count, index),
        warehouse_id=None,
    )


def _tracking(reader: _Reader, fulfillment: Mapping[str, Any], where: str) -> tuple[str | None, str | None]:
    if reader.money.version == 2:
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


def _shipment(reader: _Reader, fulfillment: Mapping[str, Any], index: int, lines: Mapping[str, LineItem]) -> Shipment:
    where = reader.at("fulfillments", index)
    identifier = required_str(fulfillment, "id", where)
    for key in ("shipped_at", "canceled_at", "delivered_at"):
        optional_datetime(fulfillment, key, where)  # validate: an unparseable date is an error
    tracking_number, tracking_url = _tracking(reader, fulfillment, where)
    item_key = "line_item_id" if reader.money.version == 2 else "item_id"
    shipment_lines = []
    for position, entry in enumerate(object_list(fulfillment, "items", where)):
        entry_path = child(child(where, "items"), position)
        item_id = required_str(entry, item_key, entry_path)
        line = lines.get(item_id)
        if line is None:
            reader.log.add("unresolved_fulfillment_item", child(entry_path, item_key),
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
