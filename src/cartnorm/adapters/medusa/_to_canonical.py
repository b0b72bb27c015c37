"""Medusa order (v1 or v2) → Trackstar `CartOrder`: the forward mapping."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from ..._paths import ROOT
from ...adapter import Normalized, Option, WarningLog, observation_time, read_options
from ...errors import MISSING, ConfigurationError, CurrencyError, PayloadError
from ...model import CartOrder, OrderStatus
from ...money import exponent_of, normalize_currency
from . import _layout, _residue
from ._addresses import bill_to, ship_to
from ._amounts import ADMIN_UI_EXPONENTS, Money, default_exponent
from ._context import Context
from ._from_canonical import regenerate
from ._lines import line_item
from ._reading import child, is_v2, object_list, optional_datetime, optional_str, required_str, unwrap
from ._shipments import shipment
from ._statuses import STATUS_TABLE_V1, STATUS_TABLE_V2, decide, format_raw_status
from ._totals import ORDER_TOTALS, recompute

__all__ = ["OPTIONS", "convert", "to_canonical"]

#: Timestamps of the records an order owns, used to fill a missing ``updated_at``.
_ACTIVITY_RECORDS = ("items", "fulfillments", "payments", "refunds")
_ACTIVITY_FIELDS = ("created_at", "updated_at", "shipped_at", "captured_at", "canceled_at", "delivered_at")


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
    # cartnorm.money reads only the entry of this code (it walks the whole table, key by key)
    upper = value.strip().upper()
    relevant = {upper: table[upper]} if upper in table else None
    code = normalize_currency(value, path=where, exponents=relevant)
    return code, exponent_of(code, exponents=relevant, path=where)


def _parse_exponents(texts: Sequence[str]) -> dict[str, int]:
    """``--exponent KWD=2`` (repeatable) → ``{"KWD": 2}``."""
    exponents = {}
    for item in texts:
        code, _, digits = item.partition("=")
        if not digits.isdigit():
            msg = f"--exponent takes CODE=DIGITS (e.g. KWD=2), got {item!r}"
            raise ConfigurationError(msg)
        exponents[code.upper()] = int(digits)
    return exponents


#: The options `convert` takes (`cartnorm.Adapter.options`).
OPTIONS: Final = (
    Option(
        name="exponents",
        type="{currency code: digits}",
        help="minor-unit exponent per currency, for stores whose amounts use another than ISO 4217's (KWD=2)",
        flag="--exponent",
        metavar="CODE=DIGITS",
        repeat=True,
        parse=_parse_exponents,
    ),
)


def convert(payload: Any, *, observed_at: datetime | None = None, **options: Any) -> Normalized:
    """
    Convert a Medusa order payload into a `Normalized` (the order and its warnings).

    ``payload`` is a bare order, ``{"order": …}`` or ``{"type": "order", "data": …}`` (v2:
    ``{"type": "order", "order": …}``); it is never modified. ``observed_at`` (aware; default
    now, UTC) fills ``trackstar_created_date`` and ``trackstar_updated_date``. The one option
    (`OPTIONS`), ``exponents``, overrides the minor-unit exponent per currency (``{"KWD": 2}``).
    Raises `cartnorm.errors.PayloadError` (with the JSON path) for data it cannot map exactly.
    """
    exponents = read_options("medusa", OPTIONS, options)["exponents"]
    observed = observation_time(observed_at)
    order, path, envelope = unwrap(payload)
    version = 2 if is_v2(order) else 1
    currency, exponent = _currency(order, path, exponents, version)
    context = Context(order=order, path=path, money=Money(version=version, currency=currency, exponent=exponent),
                     log=WarningLog())  # fmt: skip
    # The residue is computed from the canonical order that will hold it: the order is built once
    # around an empty dict, filled before the order leaves here (cheaper than a second build by attrs.evolve).
    additional_fields: dict[str, Any] = {}
    canonical = _order(context, observed, additional_fields)
    hints = _layout.Hints(
        version=version,
        envelope=envelope,
        exponent=exponent if exponent != default_exponent(currency, version) else None,
        remainders=dict(context.remainders),
    )
    patch, absent = _residue.diff(order, regenerate(canonical, hints))
    additional_fields.update(_layout.build(hints, patch, absent))
    return Normalized(canonical, context.log.freeze())


def to_canonical(payload: Any, *, observed_at: datetime | None = None, **options: Any) -> CartOrder:
    """Convert a Medusa order payload into a `CartOrder` (see `convert`; warnings are dropped)."""
    return convert(payload, observed_at=observed_at, **options).order


def _order(context: Context, observed: datetime, additional_fields: dict[str, Any]) -> CartOrder:
    """The canonical order; ``additional_fields`` is held as given (the caller fills it afterwards)."""
    order = context.order
    identifier = required_str(order, "id", context.path)
    created = optional_datetime(order, "created_at", context.path)
    if created is None:
        raise PayloadError(context.at("created_at"), order.get("created_at", MISSING), "an RFC 3339 date-time")
    updated = optional_datetime(order, "updated_at", context.path)
    if updated is None:
        updated = _latest_activity(order, created)
        context.log.add(
            "updated_at_filled",
            context.at("updated_at"),
            f"the response carries no updated_at (trimmed store response); filled with {updated.isoformat()}, "
            "the latest timestamp of the records the order owns (items, fulfillments, payments, refunds)",
        )
    items = object_list(order, "items", context.path)
    methods = object_list(order, "shipping_methods", context.path)
    fulfillments = object_list(order, "fulfillments", context.path)
    line_items = tuple(line_item(context, item, index) for index, item in enumerate(items))
    by_id = {line.line_item_id: line for line in line_items}
    shipments = tuple(shipment(context, entry, index, by_id) for index, entry in enumerate(fulfillments))
    totals = _totals(context, items, methods)
    method_id, method_name = _shipping_method(context, methods)
    email = optional_str(order, "email")
    status, raw_status = _status(context)
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
        invoice_currency_code=context.money.currency,
        total_price=totals["total_price"],
        total_tax=totals["total_tax"],
        total_discount=totals["total_discount"],
        total_shipping=totals["total_shipping"],
        ship_to_address=ship_to(context, email),
        bill_to_address=bill_to(context),
        earliest_ship_date=None,
        latest_ship_date=None,
        line_items=line_items,
        shipping_groups=(),
        shipments=shipments,
        tags=(),
        external_system_url=None,
        trackstar_tags=None,
        additional_fields=additional_fields,
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


def _status(context: Context) -> tuple[OrderStatus, str | None]:
    table = STATUS_TABLE_V2 if context.money.version == 2 else STATUS_TABLE_V1
    decision, known = decide(table, context.order)
    raw_status = format_raw_status(context.order)
    if not known:
        context.log.add(
            "unknown_status",
            context.path,
            f"status combination {raw_status!r} is not in Medusa v{context.money.version}'s enums: mapped to 'other'",
        )
    return decision.status, raw_status


def _totals(
    context: Context, items: Sequence[Mapping[str, Any]], methods: Sequence[Mapping[str, Any]]
) -> dict[str, Decimal | None]:
    mapping = ORDER_TOTALS[context.money.version]
    order = context.order
    carried = {key for key in mapping.values() if key in order or "raw_" + key in order}
    values = {} if len(carried) == len(mapping) else recompute(order, items, methods, context.money, context.path)
    result: dict[str, Decimal | None] = {}
    for canonical_name, key in mapping.items():
        if key in carried:
            value = context.money.read(order, key, context.path)  # null stays null: Medusa said "unknown"
        else:
            value = values[key]
            if value is None:
                context.log.add("total_unavailable", context.at(key), f"{key} is absent and cannot be recomputed")
            else:
                context.log.add("total_recomputed", context.at(key), f"{key} is absent: recomputed as {value}")
        result[canonical_name] = value
    return result


def _shipping_method(context: Context, methods: Sequence[Mapping[str, Any]]) -> tuple[str | None, str | None]:
    if not methods:
        return None, None
    method = methods[0]
    if context.money.version == 2:
        return optional_str(method, "shipping_option_id"), optional_str(method, "name")
    option = method.get("shipping_option")
    name = optional_str(option, "name") if isinstance(option, Mapping) else None
    return optional_str(method, "shipping_option_id"), name
