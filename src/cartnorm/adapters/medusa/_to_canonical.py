"""Medusa order (v1 or v2) → Trackstar `CartOrder`: the forward mapping."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import attrs

from ..._paths import ROOT
from ...adapter import LIMITS_OPTION, OWNED_OPTION, Normalized, Option, WarningLog, observation_time, read_options
from ...errors import MISSING, ConfigurationError, CurrencyError, PayloadError
from ...model import CartOrder, OrderStatus
from ...money import exponent_of, normalize_currency
from . import _layout
from ._addresses import bill_to, ship_to
from ._aggregate import derive_fulfillment_status, derive_payment_status, units_shipped
from ._amounts import ADMIN_UI_EXPONENTS, Money, default_exponent
from ._context import Context
from ._from_canonical import regenerate
from ._lines import line_item
from ._post_purchase import post_purchase
from ._reading import child, is_v2, object_list, optional_datetime, optional_str, read_payload, required_str
from ._shipments import shipments
from ._statuses import AXES, STATUS_TABLE_V1, STATUS_TABLE_V2, UNITS_SHIPPED, decide, format_raw_status
from ._totals import order_totals

__all__ = ["CURRENCY_SOURCES", "OPTIONS", "convert", "to_canonical"]

#: Records an order owns, whose timestamps fill a missing ``updated_at`` (the latest of `_ACTIVITY_FIELDS`).
_RECORDS: Final = ("items", "shipping_methods", "fulfillments", "payments", "payment_collections", "refunds",
                   "credit_lines", "transactions")  # fmt: skip
#: The records an order is placed with, whose earliest ``created_at`` fills a missing ``created_at``:
#: v2 creates the lines and shipping methods with the order, in one transaction (the same moment;
#: a return's shipping method or an edit's line comes later); v1 copies the cart's lines, made
#: before (a lower bound).
_PLACEMENT_RECORDS: Final = ("items", "shipping_methods")
_ACTIVITY_FIELDS: Final = ("created_at", "updated_at", "shipped_at", "captured_at", "canceled_at", "delivered_at")
#: Where the currency is read, in this order, when the order has no ``currency_code`` (v2's default
#: GET /admin/orders/{id} and admin action responses leave it out; order previews too). ``*`` is
#: every element of a list; every currency one source gives must agree.
CURRENCY_SOURCES: Final = (
    ("currency_code",),
    ("payment_collections", "*", "currency_code"),
    ("payment_collections", "*", "payments", "*", "currency_code"),
    ("region", "currency_code"),
    ("cart", "currency_code"),
    ("transactions", "*", "currency_code"),
)
_CURRENCY_HINT: Final = (
    "GET /admin/orders/{id} and the admin order actions leave currency_code out by default: ask for it with "
    "?fields=+currency_code (or +*payment_collections), or read the order with GET /store/orders/{id}."
)


def _found(value: Any, path: str, pattern: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    """(path, value) of every place ``pattern`` reaches from ``value`` at ``path``."""
    if not pattern:
        yield path, value
        return
    key, rest = pattern[0], pattern[1:]
    if key == "*":
        if isinstance(value, list):
            for index, entry in enumerate(value):
                yield from _found(entry, child(path, index), rest)
    elif isinstance(value, Mapping) and key in value:
        yield from _found(value[key], child(path, key), rest)


def _currency_code(context_log: WarningLog, order: Mapping[str, Any], path: str) -> tuple[Any, str]:
    """The currency code as found (not yet checked) and its path, from the first of `CURRENCY_SOURCES` that has one."""
    where = child(path, "currency_code")
    if "currency_code" in order:
        return order["currency_code"], where
    for pattern in CURRENCY_SOURCES[1:]:
        found = [(at, value) for at, value in _found(order, path, pattern) if isinstance(value, str)]
        if not found:
            continue
        first_path, first = found[0]
        for at, value in found[1:]:
            if value.strip().upper() != first.strip().upper():
                raise CurrencyError(at, value, f"the currency of {first_path} ({first!r}): the order has one currency",
                                    hint=_CURRENCY_HINT)  # fmt: skip
        context_log.add("currency_from_elsewhere", where, f"the response carries no currency_code: read {first!r} "
                        f"from {first_path} ({_CURRENCY_HINT.split(':')[0]})")  # fmt: skip
        return first, first_path
    raise CurrencyError(where, MISSING, "the order's currency: currency_code, or one in payment_collections, "
                        "region, cart or transactions (this response has none)", hint=_CURRENCY_HINT)  # fmt: skip


def _currency(log: WarningLog, order: Mapping[str, Any], path: str, exponents: object, version: int) -> tuple[str, int]:
    if exponents is not None and not isinstance(exponents, Mapping):
        msg = f"exponents must be a mapping such as {{'KWD': 2}}, got {type(exponents).__name__}"
        raise ConfigurationError(msg)
    value, where = _currency_code(log, order, path)
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


#: A currency code `exponents` may name: ISO 4217's three letters, or a store's own code
#: (``USDC``), which `cartnorm.money` accepts once an exponent is given for it.
_CODE: Final = re.compile(r"[A-Z0-9]{3,10}\Z")


def _check_exponents(value: object) -> dict[str, int] | None:
    """
    The ``exponents`` option as given from Python: None, or ``{currency code: digits}`` with
    currency codes (any case: ISO 4217's, or a store's own such as ``USDC``, 3 to 10 letters
    or digits) and whole exponents from 0 to 9 (`cartnorm.money`'s bounds);
    returned with upper-case codes. Anything else is a `ConfigurationError`, before any record.
    """
    if value is None:
        return None
    if not isinstance(value, Mapping):
        msg = f"exponents must be a mapping such as {{'KWD': 2}}, got {type(value).__name__}"
        raise ConfigurationError(msg)
    return _checked_exponents(value.items(), "exponents")


def _parse_exponents(texts: Sequence[str]) -> dict[str, int]:
    """``--exponent KWD=2`` (repeatable) → ``{"KWD": 2}``, checked as `_check_exponents` checks."""
    pairs = []
    for item in texts:
        code, _, digits = item.partition("=")
        if not (digits.isascii() and digits.isdigit()):
            msg = f"--exponent takes CODE=DIGITS (e.g. KWD=2), got {item!r}"
            raise ConfigurationError(msg)
        pairs.append((code, int(digits)))
    return _checked_exponents(pairs, "--exponent")


def _checked_exponents(pairs: Iterable[tuple[object, object]], name: str) -> dict[str, int]:
    checked: dict[str, int] = {}
    for code, digits in pairs:
        upper = code.strip().upper() if isinstance(code, str) else None
        if upper is None or not _CODE.match(upper):
            msg = f"{name}: {code!r} is not a currency code (3 to 10 letters or digits, such as 'KWD' or 'USDC')"
            raise ConfigurationError(msg)
        if type(digits) is not int or not 0 <= digits <= 9:
            msg = f"{name}: the exponent of {upper} must be a whole number from 0 to 9, got {digits!r}"
            raise ConfigurationError(msg)
        if checked.get(upper, digits) != digits:
            msg = f"{name} gives {upper} twice, as {checked[upper]} and {digits}"
            raise ConfigurationError(msg)
        checked[upper] = digits
    return checked


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
        check=_check_exponents,
    ),
    LIMITS_OPTION,
    OWNED_OPTION,
)


def convert(payload: Any, *, observed_at: datetime | None = None, **options: Any) -> Normalized:
    """
    Convert a Medusa order payload into a `Normalized` (the order and its warnings).

    ``payload`` is a bare order or a response holding one (`._reading.ENVELOPES`: ``{"order": …}``,
    cart completions, ``{"order" | "order_preview": …, "return": …}`` …), parsed exactly or with
    ``json.loads``; it is never modified. ``observed_at`` (aware; default now, UTC) fills
    ``trackstar_created_date`` and ``trackstar_updated_date``. The options (`OPTIONS`):
    ``exponents`` overrides the minor-unit exponent per currency (``{"KWD": 2}``); ``limits``
    (`cartnorm.Limits`, which cartnorm passes because the adapter `checks_limits`) is enforced
    while the payload is copied, before any other error, with the errors
    `cartnorm.limits.check_payload` raises; ``owned`` (which cartnorm's command line passes for
    the records it parsed) lets the payload itself become what is kept, in place, when no limits
    are given (it was bounded when read).
    Raises `cartnorm.errors.PayloadError` (with the JSON path) for data it cannot map exactly,
    and for a Medusa response that holds no order (a payment, a return, a page of orders).
    """
    chosen = read_options("medusa", OPTIONS, options)
    observed = observation_time(observed_at)
    read = read_payload(payload, chosen["limits"], owned=chosen["owned"])
    reading = read.order
    order, path = reading.value, reading.path
    version = 2 if is_v2(order) else 1
    log = WarningLog()
    currency, exponent = _currency(log, order, path, chosen["exponents"], version)
    context = Context(order=order, path=path, money=Money(version=version, currency=currency, exponent=exponent),
                      log=log)  # fmt: skip
    # What is kept is found from the canonical order that will hold it: the order is built once
    # around an empty dict, filled before the order leaves here (cheaper than a second build by attrs.evolve).
    additional_fields: dict[str, Any] = {}
    canonical, derived = _order(context, observed, additional_fields)
    hints = _layout.Hints(
        version=version,
        envelope=read.envelope,
        siblings=read.siblings,
        exponent=exponent if exponent != default_exponent(currency, version) else None,
        floats=read.floats,  # for the payload itself, completed once the patch is made (below)
        remainders=dict(context.remainders),
        quantities=dict(context.quantities),
        parcels=dict(context.parcels),
    )
    readable = {"derived_status": derived, "post_purchase": post_purchase(context, canonical.total_price)}
    # The engine compares what the reverse writes with the payload, key by key where it writes
    # them; then the patch is made: a copy of the payload in place (nothing else reads it after
    # this), or, reading the payload itself, by copying what is kept.
    reading.wrote(regenerate(canonical, hints))
    absent: list[str] = []
    patch = reading.patch(absent)
    if reading.floats and not hints.floats:
        hints = attrs.evolve(hints, floats=True)
    additional_fields.update(_layout.build(hints, patch, absent, readable))
    return Normalized(canonical, context.log.freeze())


def to_canonical(payload: Any, *, observed_at: datetime | None = None, **options: Any) -> CartOrder:
    """Convert a Medusa order payload into a `CartOrder` (see `convert`; warnings are dropped)."""
    return convert(payload, observed_at=observed_at, **options).order


def _order(context: Context, observed: datetime, additional_fields: dict[str, Any]) -> tuple[CartOrder, dict[str, str]]:
    """The canonical order (``additional_fields`` is held as given: the caller fills it) and the derived status axes."""
    order = context.order
    identifier = required_str(order, "id", context.path)
    created, updated = _dates(context)
    items = object_list(order, "items", context.path)
    methods = object_list(order, "shipping_methods", context.path)
    fulfillments = object_list(order, "fulfillments", context.path)
    line_items = tuple(line_item(context, item, index) for index, item in enumerate(items))
    by_id = {line.line_item_id: line for line in line_items}
    parcels = tuple(
        parcel for index, entry in enumerate(fulfillments) for parcel in shipments(context, entry, index, by_id)
    )
    totals = order_totals(context, items, methods)
    method_id, method_name = _shipping_method(context, methods)
    email = optional_str(order, "email")
    status, raw_status, derived = _status(context)
    canonical = CartOrder(
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
        shipments=parcels,
        tags=(),
        external_system_url=None,
        trackstar_tags=None,
        additional_fields=additional_fields,
        trackstar_created_date=observed,
        trackstar_updated_date=observed,
    )
    return canonical, derived


def _dates(context: Context) -> tuple[datetime, datetime]:
    """``created_at`` and ``updated_at``; each filled from the records the order owns when absent, with a warning."""
    order = context.order
    created = optional_datetime(order, "created_at", context.path)
    updated = optional_datetime(order, "updated_at", context.path)
    if created is None:
        created = _placement_time(order, updated)
        if created is None:
            raise PayloadError(context.at("created_at"), order.get("created_at", MISSING), "an RFC 3339 date-time",
                               hint="This response carries no created_at and no dated record to fill it from "
                                    "(order previews and notification payloads leave it out): GET /admin/orders/{id} "
                                    "gives it.")  # fmt: skip
        context.log.add(
            "created_at_filled",
            context.at("created_at"),
            f"the response carries no created_at (order previews and notification payloads leave it out); filled "
            f"with {created.isoformat()}, the earliest created_at of the records the order is placed with "
            f"({', '.join(_PLACEMENT_RECORDS)})",
        )
    if updated is None:
        updated = _latest_activity(order, created)
        context.log.add(
            "updated_at_filled",
            context.at("updated_at"),
            f"the response carries no updated_at (trimmed store responses and order previews leave it out); "
            f"filled with {updated.isoformat()}, "
            "the latest timestamp of the records the order owns (items, fulfillments, payments, refunds …)",
        )
    return created, updated


def _order_number(order: Mapping[str, Any], identifier: str) -> str:
    display_id = order.get("display_id")
    if type(display_id) is int:
        return str(display_id)
    if isinstance(display_id, str):
        return display_id
    return identifier


def _record_times(
    order: Mapping[str, Any], fields: Sequence[str], keys: Sequence[str] = _RECORDS
) -> Iterator[datetime]:
    """The dates at ``fields`` of every record in the order's lists at ``keys`` (unparseable ones skipped)."""
    for key in keys:
        records = order.get(key)
        if not isinstance(records, list):
            continue
        for record in records:
            if not isinstance(record, Mapping):
                continue
            for field in fields:
                try:
                    moment = optional_datetime(record, field, ROOT)
                except PayloadError:
                    continue
                if moment is not None:
                    yield moment


def _placement_time(order: Mapping[str, Any], updated: datetime | None) -> datetime | None:
    """The earliest ``created_at`` of `_PLACEMENT_RECORDS`, never after ``updated``; None when none is dated."""
    placed = min(_record_times(order, ("created_at",), _PLACEMENT_RECORDS), default=None)
    if updated is not None and (placed is None or updated < placed):
        return updated
    return placed


def _latest_activity(order: Mapping[str, Any], created: datetime) -> datetime:
    latest = created
    for moment in _record_times(order, _ACTIVITY_FIELDS):
        if moment > latest:
            latest = moment
    return latest


def _status(context: Context) -> tuple[OrderStatus, str | None, dict[str, str]]:
    """The Trackstar status, ``raw_status`` (Medusa's own axes) and the axes derived for a v2 response without them."""
    order = context.order
    raw_status = format_raw_status(order)
    derived: dict[str, str] = {}
    if context.v2:
        axes: dict[str, object] = {axis: order.get(axis) for axis in AXES}
        if isinstance(axes["status"], str):
            for axis, derive in (
                ("payment_status", derive_payment_status),
                ("fulfillment_status", derive_fulfillment_status),
            ):
                if axis not in order:
                    value = derive(context)
                    if value is not None:
                        axes[axis] = derived[axis] = value
                        context.log.add("status_derived", context.at(axis), f"the response carries no {axis} "
                                        f"(cart completion and admin order actions carry only status): derived as "
                                        f"{value!r} the way Medusa computes it")  # fmt: skip
        axes[UNITS_SHIPPED] = units_shipped(context)
        decision, known = decide(STATUS_TABLE_V2, axes)
    else:
        decision, known = decide(STATUS_TABLE_V1, order)
    if not known:
        missing = [axis for axis in AXES if not isinstance(order.get(axis), str) and axis not in derived]
        if missing:
            why = (f"the response does not say {' nor '.join(missing)} (GET /admin/orders/{{id}} and "
                   "GET /store/orders/{id} give every axis)")  # fmt: skip
        else:
            why = f"status combination {raw_status!r} is not one Medusa v{context.money.version} documents"
        context.log.add("unknown_status", context.path, f"{why}: mapped to 'other', raw_status keeps what it has")
    return decision.status, raw_status, derived


def _shipping_method(context: Context, methods: Sequence[Mapping[str, Any]]) -> tuple[str | None, str | None]:
    if not methods:
        return None, None
    method = methods[0]
    if context.v2:
        return optional_str(method, "shipping_option_id"), optional_str(method, "name")
    option = method.get("shipping_option")
    name = optional_str(option, "name") if isinstance(option, Mapping) else None
    return optional_str(method, "shipping_option_id"), name
