"""
Strategies for Medusa payloads (v1 and v2) and for canonical orders Medusa can express.

Payloads are realistic: lower-case currency and country codes, 0-, 2-, 3- and 4-decimal
currencies, tax-exclusive and tax-inclusive lines, discounts, several fulfillments with
tracking links, every status combination (plus values Medusa does not document), optional
totals and ``updated_at`` (trimmed store responses), nulls and missing variants, free
metadata, and the envelopes.

`medusa_v2_real_orders` follows what a Medusa 2.21 server writes (fixtures/medusa-live/v2):
every amount computed with Medusa's own formulas (BigNumber division at 20 significant
digits), order-level totals as the shortest text of a JavaScript double (no ``raw_*`` twin),
promotions with the tax on the discount (``discount_total = discount_subtotal +
discount_tax_total``), refunds as credit lines that lower ``total``, received returns that
shrink a line's amounts to the kept units, several labels per fulfillment, and the trimmed
shapes of the default admin GET (no ``currency_code``, trimmed fulfillments), the cart
completion and the admin actions (only ``status``). `as_json_loads` gives any payload as
``json.loads`` would (non-integer numbers as floats).
"""

from __future__ import annotations

import decimal
import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from cartnorm import (
    BillToAddress,
    CartOrder,
    LineItem,
    ShipFromAddress,
    Shipment,
    ShipmentLineItem,
    ShipmentStatus,
    ShipToAddress,
)
from cartnorm._json import encode_json
from cartnorm.adapters.medusa import STATUS_TABLES
from cartnorm.adapters.medusa._amounts import default_exponent
from cartnorm.adapters.medusa._statuses import V1_VALUES, V2_VALUES, format_raw_status
from cartnorm.geo import country_name
from cartnorm.money import ISO_4217_MINOR_UNITS

from .canonical import aware_datetimes, json_objects

#: Currencies by exponent: zero-decimal, two-decimal, three-decimal (KWD …) and four (CLF).
CURRENCIES = ["jpy", "krw", "clp", "vnd", "pkr", "usd", "eur", "gbp", "chf", "isk", "kwd", "bhd", "jod", "omr", "tnd",
              "clf"]  # fmt: skip
COUNTRIES = ["us", "de", "at", "jp", "kw", "fr", "gb", "br", "ci", "hk"]
UNKNOWN_VALUES = ["on_hold", "", "PENDING", "fraud_review"]

ids = st.text(alphabet="0123456789ABCDEFGHJKMNPQRSTVWXYZ", min_size=1, max_size=10)
names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüÅé'-", min_size=1, max_size=8)
free_text = st.text(max_size=12)


def medusa_datetime(value: datetime) -> str:
    """Medusa's own date-time text (JavaScript ``Date.toJSON``)."""
    utc = value.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


moments = aware_datetimes(min_year=2000, max_year=2099)
timestamps = st.one_of(
    moments.map(medusa_datetime),  # what Medusa writes
    moments.map(lambda value: value.isoformat()),  # other RFC 3339 forms are read, and kept verbatim
)


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def addresses(draw: st.DrawFn) -> dict[str, Any]:
    """A Medusa address: free-text fields, nulls and empty strings, a lower-case country code."""
    return {
        "id": "addr_" + draw(ids),
        "customer_id": None,
        "company": draw(st.sampled_from([None, "", "Acme Inc"])),
        "first_name": draw(_optional(names)),
        "last_name": draw(st.one_of(st.none(), st.just(""), names)),
        "address_1": draw(_optional(free_text)),
        "address_2": draw(st.sampled_from([None, "", "Suite 4200"])),
        "city": draw(_optional(free_text)),
        "country_code": draw(st.one_of(st.sampled_from(COUNTRIES), st.sampled_from([None, "", "zz", "US"]))),
        "province": draw(_optional(free_text)),
        "postal_code": draw(_optional(free_text)),
        "phone": draw(_optional(free_text)),
        "metadata": draw(st.one_of(st.none(), json_objects)),
    }


def _statuses(draw: st.DrawFn, values: Any) -> dict[str, str]:
    """Documented values, and now and then one Medusa does not document."""
    result = {}
    for axis in ("status", "fulfillment_status", "payment_status"):
        documented = st.sampled_from(values[axis])
        result[axis] = draw(st.one_of(documented, st.sampled_from(UNKNOWN_VALUES)) if draw(st.integers(0, 19)) == 0
                            else documented)  # fmt: skip
    return result


@st.composite
def _v1_item(draw: st.DrawFn, index: int) -> dict[str, Any]:
    quantity = draw(st.integers(1, 5))
    unit_price = draw(st.integers(0, 10**6))
    inclusive = draw(st.booleans())
    discount = draw(st.integers(0, unit_price * quantity))
    tax = draw(st.integers(0, max(0, unit_price * quantity // 4)))
    subtotal = unit_price * quantity - (tax if inclusive else 0)
    variant_id = "variant_" + draw(ids)
    item: dict[str, Any] = {
        "id": f"item_{index}_" + draw(ids),
        "title": draw(free_text),
        "description": draw(free_text),
        "unit_price": unit_price,
        "variant_id": variant_id,
        "quantity": quantity,
        "fulfilled_quantity": draw(st.sampled_from([None, 0, quantity])),
        "metadata": draw(json_objects),
        "adjustments": [{"item_id": "x", "amount": discount, "description": "discount"}] if discount else [],
        "tax_lines": [{"rate": draw(st.sampled_from([0, Decimal("8.875"), 19, 20])), "code": "default"}],
        "subtotal": subtotal,
        "discount_total": discount,
        "tax_total": tax,
        "total": subtotal - discount + tax,
    }
    if inclusive:
        item["includes_tax"] = True
    variant = draw(st.sampled_from(["full", "null", "missing", "bare"]))
    if variant == "full":
        item["variant"] = {"id": variant_id, "title": "M", "product_id": "prod_" + draw(ids),
                           "sku": draw(_optional(names)), "inventory_quantity": draw(st.integers(0, 99))}  # fmt: skip
    elif variant == "null":
        item["variant"] = None
    elif variant == "bare":
        item["variant_id"] = None
        item["variant"] = None
    return item


@st.composite
def _v1_fulfillment(draw: st.DrawFn, items: list[dict[str, Any]]) -> dict[str, Any]:
    identifier = "ful_" + draw(ids)
    unique = st.lists(st.sampled_from(items), max_size=len(items), unique_by=lambda item: item["id"]) if items else None
    chosen = draw(unique) if unique is not None else []
    links = [
        {"id": "tlink_" + draw(ids), "tracking_number": draw(names), "url": draw(_optional(free_text)),
         "fulfillment_id": identifier, "metadata": None}
        for _ in range(draw(st.integers(0, 2)))
    ]  # fmt: skip
    return {
        "id": identifier,
        "created_at": draw(timestamps),
        "updated_at": draw(timestamps),
        "provider_id": "manual",
        "location_id": draw(_optional(ids)),
        "tracking_numbers": draw(st.sampled_from([[], ["LEGACY1"]])),
        "data": {},
        "shipped_at": draw(_optional(timestamps)),
        "canceled_at": draw(_optional(timestamps)),
        "metadata": {},
        "items": [{"fulfillment_id": identifier, "item_id": item["id"],
                   "quantity": draw(st.integers(0, item["quantity"]))} for item in chosen],
        "tracking_links": links,
    }  # fmt: skip


@st.composite
def medusa_v1_orders(draw: st.DrawFn) -> dict[str, Any]:
    """A bare Medusa v1 order object (amounts are integer minor units)."""
    currency = draw(st.sampled_from(CURRENCIES))
    items = [draw(_v1_item(index)) for index in range(draw(st.integers(0, 4)))]
    shipping = draw(st.integers(0, 5000))
    shipping_tax = draw(st.integers(0, 500))
    methods = [{"id": "sm_" + draw(ids), "shipping_option_id": "so_" + draw(ids), "price": shipping,
                "shipping_option": {"id": "so_x", "name": draw(free_text), "amount": shipping},
                "subtotal": shipping, "tax_total": shipping_tax, "total": shipping + shipping_tax}
               for _ in range(draw(st.integers(0, 2)))]  # fmt: skip
    order: dict[str, Any] = {
        "object": "order",
        "id": "order_" + draw(ids),
        "created_at": draw(timestamps),
        "updated_at": draw(timestamps),
        **_statuses(draw, V1_VALUES),
        "display_id": draw(st.integers(1, 10**6)),
        "cart_id": "cart_" + draw(ids),
        "email": draw(_optional(free_text)),
        "currency_code": currency,
        "tax_rate": None,
        "metadata": draw(json_objects),
        "shipping_address": draw(st.one_of(st.none(), addresses())),
        "billing_address": draw(st.one_of(st.none(), addresses())),
        "items": items,
        "shipping_methods": methods,
        "fulfillments": [draw(_v1_fulfillment(items)) for _ in range(draw(st.integers(0, 3)))],
        "payments": [{"id": "pay_" + draw(ids), "amount": draw(st.integers(0, 10**6)), "captured_at": None}],
    }
    subtotal = sum(item["subtotal"] for item in items)
    discount = sum(item["discount_total"] for item in items)
    item_tax = sum(item["tax_total"] for item in items)
    ship_total = shipping * len(methods)
    tax = item_tax + shipping_tax * len(methods)
    order.update(subtotal=subtotal, discount_total=discount, shipping_total=ship_total, item_tax_total=item_tax,
                 shipping_tax_total=shipping_tax * len(methods), tax_total=tax, gift_card_total=0,
                 gift_card_tax_total=0, total=subtotal + ship_total + tax - discount)  # fmt: skip
    for key in draw(st.sets(st.sampled_from(["updated_at", "billing_address", "fulfillments", "metadata", "total",
                                              "tax_total", "discount_total", "shipping_total", "subtotal",
                                              "item_tax_total", "object"]))):  # fmt: skip
        order.pop(key)
    return order


def _big(value: Decimal) -> dict[str, Any]:
    text = format(value.normalize(), "f")
    return {"value": "0" if text == "-0" else text, "precision": 20}


def _number(value: Decimal) -> int | Decimal:
    text = _big(value)["value"]
    return Decimal(text) if "." in text else int(text)


v2_amounts = st.builds(lambda minor, exp: Decimal(minor).scaleb(-exp), st.integers(0, 10**7), st.integers(0, 8))


@st.composite
def medusa_v2_loose_orders(draw: st.DrawFn) -> dict[str, Any]:
    """A bare Medusa v2 order (major units, BigNumber ``raw_*`` twins) whose amounts need not agree."""

    def money(target: dict[str, Any], key: str, value: Decimal) -> None:
        target[key] = _number(value)
        target["raw_" + key] = _big(value)

    items = []
    for index in range(draw(st.integers(1, 3))):  # without items or methods a v2 order looks like v1
        quantity = draw(st.integers(1, 4))
        item: dict[str, Any] = {"id": f"ordli_{index}_" + draw(ids), "variant_id": "variant_" + draw(ids),
                                "product_id": "prod_" + draw(ids), "variant_sku": draw(_optional(names)),
                                "product_title": draw(free_text), "is_tax_inclusive": draw(st.booleans()),
                                "quantity": quantity, "raw_quantity": {"value": str(quantity), "precision": 20},
                                "metadata": draw(json_objects)}  # fmt: skip
        for key in ("unit_price", "subtotal", "discount_total", "tax_total", "total"):
            money(item, key, draw(v2_amounts))
        items.append(item)
    methods = []
    for _ in range(draw(st.integers(0, 1))):
        method: dict[str, Any] = {"id": "ordsm_" + draw(ids), "name": draw(free_text),
                                  "shipping_option_id": "so_" + draw(ids)}  # fmt: skip
        for key in ("amount", "subtotal", "tax_total", "discount_total", "total"):
            money(method, key, draw(v2_amounts))
        methods.append(method)
    fulfillments = []
    for _ in range(draw(st.integers(0, 2))):
        chosen = draw(st.lists(st.sampled_from(items), unique_by=lambda entry: entry["id"])) if items else []
        fulfillments.append({
            "id": "ful_" + draw(ids), "created_at": draw(timestamps), "updated_at": draw(timestamps),
            "location_id": draw(_optional(ids)), "shipped_at": draw(_optional(timestamps)),
            "delivered_at": draw(_optional(timestamps)), "canceled_at": draw(_optional(timestamps)),
            "labels": [{"tracking_number": draw(names), "tracking_url": draw(_optional(free_text)), "label_url": ""}
                       for _ in range(draw(st.integers(0, 2)))],
            "items": [{"id": "fulit_" + draw(ids), "line_item_id": entry["id"], "quantity": entry["quantity"]}
                      for entry in chosen],
        })  # fmt: skip
    order: dict[str, Any] = {
        "id": "order_" + draw(ids),
        "display_id": draw(st.integers(1, 10**6)),
        **_statuses(draw, V2_VALUES),
        "created_at": draw(timestamps),
        "updated_at": draw(timestamps),
        "email": draw(_optional(free_text)),
        "currency_code": draw(st.sampled_from(CURRENCIES)),
        "items": items,
        "shipping_methods": methods,
        "fulfillments": fulfillments,
        "shipping_address": draw(st.one_of(st.none(), addresses())),
        "billing_address": draw(st.one_of(st.none(), addresses())),
    }
    for key in ("total", "subtotal", "tax_total", "discount_total", "shipping_total", "shipping_subtotal"):
        if draw(st.booleans()):
            order[key] = _number(draw(v2_amounts))
    if draw(st.booleans()):
        order["summary"] = {"paid_total": _number(draw(v2_amounts))}
    return order


#: Medusa's BigNumber arithmetic: division rounded to 20 significant digits (bignumber.js, precision 20).
_BIG = decimal.Context(prec=20, rounding=decimal.ROUND_HALF_UP)
_MEDUSA_RATES = [Decimal(0), Decimal("5"), Decimal("8.875"), Decimal("10"), Decimal("19"), Decimal("20")]


def _js(value: Decimal) -> int | Decimal:
    """An order-level total as Medusa writes it: the shortest text of the JavaScript double (no BigNumber)."""
    number = float(value)
    return int(number) if number.is_integer() and abs(number) < 2**53 else Decimal(repr(number))


def _price(draw: st.DrawFn, exponent: int) -> Decimal:
    return Decimal(draw(st.integers(0, 10**5))).scaleb(-draw(st.integers(0, max(exponent, 0) + 1)))


def _money_v2(target: dict[str, Any], key: str, value: Decimal) -> None:
    target[key] = _number(value)
    target["raw_" + key] = _big(value)


def _quantity(target: dict[str, Any], key: str, value: int) -> None:
    target[key] = value
    target["raw_" + key] = {"value": str(value), "precision": 20}


@st.composite
def _real_item(
    draw: st.DrawFn, index: int, exponent: int, percent: Decimal
) -> tuple[dict[str, Any], dict[str, Decimal]]:
    """A v2 line and its amounts, as Medusa 2.21 computes them (``getLineItemTotals``)."""
    quantity = draw(st.integers(1, 4))
    returned = draw(st.sampled_from([0, 0, 0, 1, quantity]))
    kept = quantity - returned
    unit = _price(draw, exponent)
    rate = draw(st.sampled_from(_MEDUSA_RATES)) / 100
    inclusive = draw(st.booleans())
    full = _BIG.divide(unit * quantity, 1 + rate) if inclusive else unit * quantity
    adjustment = _BIG.multiply(full, percent / 100)
    per_unit_discount = _BIG.divide(adjustment, quantity)
    subtotal = _BIG.divide(unit * kept, 1 + rate) if inclusive else unit * kept
    discount = per_unit_discount * kept
    tax = rate * (subtotal - discount)
    original_tax = rate * subtotal
    total = subtotal - discount + tax
    shipped = draw(st.integers(0, quantity))
    item: dict[str, Any] = {
        "id": f"ordli_{index}_" + draw(ids), "variant_id": "variant_" + draw(ids), "product_id": "prod_" + draw(ids),
        "variant_sku": draw(_optional(names)), "product_title": draw(free_text), "is_tax_inclusive": inclusive,
        "metadata": draw(json_objects), "created_at": "2026-12-03T05:12:30.098Z",
        "tax_lines": [{"id": "ordlitxl_" + draw(ids), "code": "STD", "rate": _number(rate * 100),
                       "raw_rate": _big(rate * 100)}],
        "adjustments": [{"id": "ordliadj_" + draw(ids), "code": "TENOFF", "is_tax_inclusive": False,
                         "amount": _number(adjustment), "raw_amount": _big(adjustment),
                         "subtotal": _number(adjustment), "raw_subtotal": _big(adjustment)}] if adjustment else [],
    }  # fmt: skip
    _money_v2(item, "unit_price", unit)
    _quantity(item, "quantity", quantity)
    detail: dict[str, Any] = {"id": "orditem_" + draw(ids), "item_id": item["id"]}
    for key, value in (("quantity", quantity), ("fulfilled_quantity", shipped), ("shipped_quantity", shipped),
                       ("delivered_quantity", 0), ("return_requested_quantity", 0),
                       ("return_received_quantity", returned), ("return_dismissed_quantity", 0),
                       ("written_off_quantity", 0)):  # fmt: skip
        _quantity(detail, key, value)
    item["detail"] = detail
    for key, value in (("subtotal", subtotal), ("total", total), ("original_total", unit * kept if inclusive
                        else subtotal + original_tax), ("discount_subtotal", discount),
                       ("discount_tax_total", original_tax - tax), ("discount_total", discount + original_tax - tax),
                       ("tax_total", tax), ("original_tax_total", original_tax)):  # fmt: skip
        _money_v2(item, key, value)
    return item, {"subtotal": subtotal, "discount": discount, "discount_tax": original_tax - tax, "tax": tax,
                  "total": total}  # fmt: skip


@st.composite
def medusa_v2_real_orders(draw: st.DrawFn) -> dict[str, Any]:
    """A bare Medusa v2 order as a 2.21 server writes it (see the module's docstring), in one of its response shapes."""
    currency = draw(st.sampled_from(CURRENCIES))
    exponent = ISO_4217_MINOR_UNITS.get(currency.upper(), 2)
    percent = draw(st.sampled_from([Decimal(0), Decimal(0), Decimal(10), Decimal(25)]))
    drawn = [draw(_real_item(index, exponent, percent)) for index in range(draw(st.integers(1, 3)))]
    items = [item for item, _ in drawn]
    amount = _price(draw, exponent)
    shipping_rate = draw(st.sampled_from(_MEDUSA_RATES)) / 100
    method: dict[str, Any] = {"id": "ordsm_" + draw(ids), "name": draw(free_text), "shipping_option_id": "so_x",
                              "is_tax_inclusive": False, "created_at": "2026-12-03T05:12:30.098Z"}  # fmt: skip
    shipping_tax = amount * shipping_rate
    for key, value in (("amount", amount), ("subtotal", amount), ("discount_subtotal", Decimal(0)),
                       ("tax_total", shipping_tax), ("total", amount + shipping_tax)):  # fmt: skip
        _money_v2(method, key, value)
    sums = {key: sum((figures[key] for _, figures in drawn), Decimal(0)) for key in drawn[0][1]}
    before_credit = sums["total"] + amount + shipping_tax
    credit = draw(st.sampled_from([Decimal(0), Decimal(0), before_credit, (before_credit / 3).quantize(Decimal(1))]))
    fulfillments = []
    for number in range(draw(st.integers(0, 2))):
        chosen = draw(st.lists(st.sampled_from(items), unique_by=lambda entry: entry["id"]))
        fulfillments.append({
            "id": f"ful_{number}_" + draw(ids), "created_at": draw(timestamps), "updated_at": draw(timestamps),
            "location_id": draw(_optional(ids)), "packed_at": draw(timestamps),
            "shipped_at": draw(_optional(timestamps)),
            "delivered_at": None, "canceled_at": draw(st.sampled_from([None, None, "2026-12-03T06:00:00.000Z"])),
            "labels": [{"id": "fulla_" + draw(ids), "tracking_number": draw(names),
                        "tracking_url": draw(_optional(free_text)), "label_url": ""}
                       for _ in range(draw(st.integers(0, 3)))],
            "items": [{"id": "fulit_" + draw(ids), "line_item_id": entry["id"], "quantity": entry["quantity"],
                       "raw_quantity": entry["raw_quantity"]} for entry in chosen],
        })  # fmt: skip
    order: dict[str, Any] = {
        "id": "order_" + draw(ids),
        "status": draw(st.sampled_from(V2_VALUES["status"])),
        "currency_code": currency,
        "display_id": draw(st.integers(1, 10**6)),
        "email": draw(_optional(free_text)),
        "total": _js(before_credit - credit),
        "subtotal": _js(sums["subtotal"] + amount),
        "tax_total": _js(sums["tax"] + shipping_tax),
        "discount_total": _js(sums["discount"] + sums["discount_tax"]),
        "discount_subtotal": _js(sums["discount"]),
        "discount_tax_total": _js(sums["discount_tax"]),
        "item_total": _js(sums["total"]),
        "shipping_total": _js(amount + shipping_tax),
        "shipping_subtotal": _js(amount),
        "credit_line_total": _js(credit),
        "created_at": "2026-12-03T05:12:30.098Z",
        "updated_at": draw(timestamps),
        "credit_lines": [{"id": "ordcl_" + draw(ids), "reference": "payment_collection", "amount": _number(credit),
                          "raw_amount": _big(credit)}] if credit else [],
        "items": items,
        "shipping_address": draw(st.one_of(st.none(), addresses())),
        "billing_address": draw(st.one_of(st.none(), addresses())),
        "shipping_methods": [method],
        "payment_collections": [{"id": "pay_col_" + draw(ids), "currency_code": currency,
                                 "status": draw(st.sampled_from(["authorized", "completed", "not_paid", "canceled"])),
                                 "amount": _js(before_credit), "captured_amount": _js(before_credit),
                                 "refunded_amount": _js(credit)}],
        "fulfillments": fulfillments,
        "fulfillment_status": draw(st.sampled_from(V2_VALUES["fulfillment_status"])),
        "payment_status": draw(st.sampled_from(V2_VALUES["payment_status"])),
    }  # fmt: skip
    shape = draw(st.sampled_from(["store", "admin_default", "admin_action", "cart_completion"]))
    if shape == "admin_default":  # GET /admin/orders/{id}: no currency_code, no email, trimmed fulfillments
        del order["currency_code"], order["email"]
        for fulfillment in fulfillments:
            del fulfillment["items"], fulfillment["labels"]
    elif shape in ("admin_action", "cart_completion"):  # only status
        del order["currency_code"], order["fulfillment_status"], order["payment_status"], order["fulfillments"]
    return order


def as_json_loads(payload: Any) -> Any:
    """``payload`` as ``json.loads`` of its JSON text gives it: non-integer numbers become floats."""
    return json.loads(encode_json(payload))


def enveloped(orders: st.SearchStrategy[dict[str, Any]], *, v2: bool = False) -> st.SearchStrategy[Any]:
    """Orders bare, as ``{"order": …}``, or as a cart-completion response."""
    return orders.flatmap(
        lambda order: st.sampled_from([
            order,
            {"order": order},
            {"type": "order", "order": order} if v2 else {"type": "order", "data": order},
        ])
    )  # fmt: skip


#: Real-shaped v2 payloads in their envelopes (exact numbers).
medusa_v2_real_payloads = enveloped(medusa_v2_real_orders(), v2=True)
#: Every kind of Medusa payload, parsed exactly or (the same text) with ``json.loads``.
medusa_payloads = st.one_of(
    enveloped(medusa_v1_orders()),
    enveloped(medusa_v2_loose_orders(), v2=True),
    medusa_v2_real_payloads,
    medusa_v2_real_payloads.map(as_json_loads),
    enveloped(medusa_v1_orders()).map(as_json_loads),
)

# --------------------------------------------------------------------------- canonical side

_EXPRESSIBLE_CURRENCIES = sorted(ISO_4217_MINOR_UNITS)
_COUNTRY_NAMES = [name for name in (country_name(code) for code in COUNTRIES) if name]
_words = st.lists(names, min_size=1, max_size=3).map(" ".join)


def _money_at(exponent: int) -> st.SearchStrategy[Decimal]:
    return st.integers(0, 10**9).map(lambda minor: Decimal(minor).scaleb(-exponent))


@st.composite
def expressible_cart_orders(draw: st.DrawFn) -> CartOrder:
    """
    Canonical orders that a Medusa v1 order can express exactly (no ``additional_fields``).

    Medusa has no address3, tags, ship dates, carriers, shipping groups or parent SKUs;
    amounts sit at the currency's exponent; the status follows from ``raw_status``; a
    shipment is open, shipped or cancelled and quotes lines of the order.
    """
    currency = draw(st.sampled_from(_EXPRESSIBLE_CURRENCIES))
    exponent = default_exponent(currency, 1)
    assert exponent is not None
    amount = _money_at(exponent)
    optional_amount = _optional(amount)
    table = STATUS_TABLES[0]
    if draw(st.integers(0, 9)) == 0:
        raw_status, status = None, table.lookup(("?",) * 3).status
    else:
        key = draw(st.sampled_from(list(table.rows)))
        raw_status = format_raw_status(dict(zip(("status", "fulfillment_status", "payment_status"), key, strict=True)))
        status = table.rows[key].status
    lines = draw(st.lists(
        st.builds(LineItem, line_item_id=ids, product_id=ids, product_sku=_optional(names),
                  parent_product_id=_optional(ids), parent_product_sku=st.none(), quantity=st.integers(1, 5),
                  unit_price=optional_amount, discount=optional_amount, tax=optional_amount, warehouse_id=st.none()),
        max_size=4, unique_by=lambda line: line.line_item_id,
    ))  # fmt: skip
    shipments = []
    for _ in range(draw(st.integers(0, 2))):
        state = draw(st.sampled_from([ShipmentStatus.OPEN, ShipmentStatus.SHIPPED, ShipmentStatus.CANCELLED]))
        number = draw(_optional(names))
        quoted = draw(st.lists(st.sampled_from(lines), unique_by=lambda line: line.line_item_id)) if lines else []
        shipments.append(Shipment(
            shipment_id=draw(ids), raw_status=None, status=state, warehouse_id=draw(_optional(ids)),
            shipping_method_id=None, shipping_method_name=None, carrier_id=None, carrier_name=None,
            tracking_number=number, tracking_url=draw(_optional(free_text)) if number is not None else None,
            line_items=tuple(ShipmentLineItem(shipment_line_item_id=line.line_item_id, product_id=line.product_id,
                                              product_sku=line.product_sku, parent_product_id=line.parent_product_id,
                                              parent_product_sku=None, quantity=draw(st.integers(0, line.quantity)))
                             for line in quoted),
            shipping_groups=(), ship_from_address=ShipFromAddress(address1=None, address2=None, address3=None,
                                                                  city=None, state=None, postal_code=None,
                                                                  country=None),
            created_date=draw(moments), updated_date=draw(moments),
        ))  # fmt: skip
    method_name = draw(_optional(free_text))
    observed = draw(moments)
    country = st.one_of(st.none(), st.just(""), st.sampled_from(_COUNTRY_NAMES))
    return CartOrder(
        id=draw(ids), order_number=draw(st.one_of(st.integers(0, 10**6).map(str), ids)),
        created_date=draw(moments), updated_date=draw(moments), status=status, raw_status=raw_status,
        requested_shipping_method=method_name, shipping_method_id=draw(_optional(ids)),
        shipping_method_name=method_name, carrier_id=None, carrier_name=None, invoice_currency_code=currency,
        total_price=draw(optional_amount), total_tax=draw(optional_amount), total_discount=draw(optional_amount),
        total_shipping=draw(optional_amount),
        ship_to_address=ShipToAddress(
            full_name=draw(_optional(_words)), company=draw(_optional(free_text)), address1=draw(_optional(free_text)),
            address2=draw(_optional(free_text)), address3=None, city=draw(_optional(free_text)),
            state=draw(_optional(free_text)), postal_code=draw(_optional(free_text)), country=draw(country),
            phone_number=draw(_optional(free_text)), email_address=draw(_optional(free_text))),
        bill_to_address=BillToAddress(
            full_name=draw(_optional(_words)), address1=draw(_optional(free_text)), address2=draw(_optional(free_text)),
            address3=None, city=draw(_optional(free_text)), state=draw(_optional(free_text)),
            postal_code=draw(_optional(free_text)), country=draw(country)),
        earliest_ship_date=None, latest_ship_date=None, line_items=tuple(lines), shipping_groups=(),
        shipments=tuple(shipments), tags=(), external_system_url=None, trackstar_tags=None, additional_fields={},
        trackstar_created_date=observed, trackstar_updated_date=observed,
    )  # fmt: skip
