"""
Strategies for Shopify REST payloads: orders (bare webhook bodies, ``{"order": …}``, ``{"orders": [...]}``),
fulfillment-order lists, and the refunds and fulfillments endpoints' lists.

**These payloads are generated, not captured.** They stand in for what the real captures in
``fixtures/shopify/`` do not show: a zero-decimal currency (JPY and KRW amounts such as ``"1500"``), a shop
currency that differs from the presentment currency (every amount a ``*_set`` bag whose two sides are in two
currencies), orders from before 2019 (no ``*_set`` bags, no ``presentment_currency``, discounts on the line's
``total_discount``), the 2022-10 shape (``total_price_usd``, ``gateway``, ``payment_details``), 2025 webhook
extras, discounts of every kind (``discount_code``, ``manual``, ``script``, ``automatic``; on lines or
shipping; ``across``, ``each`` and ``one`` allocation; ``all``, ``entitled`` and ``explicit`` targets; fixed or
percentage), taxes included or not, refunds (refund lines, shipping-refund adjustments, refund
transactions), several fulfillments with zero to three tracking numbers, fulfillment orders at several
locations, and every documented status (plus, now and then, one Shopify does not document).

The money is consistent the way Shopify computes it, on each side of every bag separately (the shop side
is the presentment side converted amount by amount, so each side adds up on its own):

* ``total_line_items_price = Σ price × quantity``; ``subtotal_price = total_line_items_price − Σ line
  discount allocations``; ``total_discounts = Σ line allocations + Σ shipping-line allocations``;
* ``total_shipping_price_set = Σ shipping_lines.price``; ``discounted_price = price − its allocations``;
* ``total_tax = Σ line tax_lines + Σ shipping tax_lines`` (the order's ``tax_lines`` add up to it);
* ``total_price = subtotal_price + total_shipping − shipping allocations + total_tax`` (``total_tax`` left
  out when ``taxes_included``: the prices already hold it);
* a refund line's ``subtotal`` is its units' price less their share of the line's allocations, ``total_tax``
  their share of its tax; a refund's transaction is ``Σ (subtotal + total_tax) − Σ order_adjustments``
  (``total_tax`` left out when taxes are included); ``current_*`` are the originals less what was refunded,
  and ``current_quantity`` the quantity less the refunded units;
* fulfillments never fulfil more than was ordered, and ``fulfillment_status`` agrees with the ``success``
  fulfillments (``fulfilled``: every shipped line in full; ``partial``: some; ``null``: none).

The bare strings are the shop side; a refund line's ``subtotal`` and ``total_tax`` are JSON numbers (an
``int`` when whole, else the ``float`` ``json.loads`` gives); tax ``rate`` is a float. `money_identities`
checks all of this on any generated order (``tests/test_shopify_strategies.py`` runs it).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from cartnorm.adapters.shopify._statuses import (
    FINANCIAL_STATUSES,
    FULFILLMENT_ORDER_STATUSES,
    SHIPMENT_STATUSES,
    TRACKING_STATUSES,
)

# --- vocabulary ------------------------------------------------------------------------------------------------

#: API shapes: before 2019 (no MoneyBags), 2022-10 (legacy payment fields), 2024-04 and later.
PRE_2019 = "pre-2019"
V2022 = "2022-10"
MODERN = "2024-04"
ERAS = (PRE_2019, V2022, MODERN)

#: Currencies a Shopify store uses, with ISO 4217 exponents and a rough value in US dollars (for conversions).
CURRENCIES = {
    "USD": (2, Decimal("1")), "EUR": (2, Decimal("1.08")), "GBP": (2, Decimal("1.27")),
    "CAD": (2, Decimal("0.73")), "HKD": (2, Decimal("0.128")), "PLN": (2, Decimal("0.25")),
    "JPY": (0, Decimal("0.0067")), "KRW": (0, Decimal("0.00075")),
}  # fmt: skip
ZERO_DECIMAL = ("JPY", "KRW")
#: Values Shopify does not document, drawn now and then so "other" is exercised.
UNKNOWN_FINANCIAL = ("PAID", "unpaid", "")
UNKNOWN_FULFILLMENT = ("unfulfilled", "FULFILLED", "on_hold")
UNKNOWN_FULFILLMENT_ORDER = ("ON_HOLD", "pending")
DISCOUNT_TYPES = ("discount_code", "manual", "script", "automatic")
CANCEL_REASONS = ("customer", "fraud", "inventory", "declined", "other", "staff")
RESTOCK_TYPES = ("no_restock", "cancel", "return", "legacy_restock")
REQUEST_STATUSES = ("unsubmitted", "submitted", "accepted", "rejected", "cancellation_requested",
                    "cancellation_accepted", "cancellation_rejected", "closed")  # fmt: skip
COUNTRIES = (("US", "United States", "KY", "Kentucky"), ("PL", "Poland", None, None), ("HK", "Hong Kong", None, None),
             ("JP", "Japan", "JP-13", "Tokyo"), ("DE", "Germany", None, None), ("CA", "Canada", "ON", "Ontario"),
             ("GB", "United Kingdom", None, None), ("XK", "Kosovo", None, None))  # fmt: skip
OFFSETS = (-300, -240, 0, 60, 120, 330, 480, 540)  # the shop's time zone, in minutes (Shopify writes local time)
#: Tax lines by title, with their rate (a JSON number): one rate per title within an order, as in a real one.
TAXES = (("State Tax", 0.06), ("County Tax", 0.0225), ("VAT", 0.2), ("PL VATt", 0.23), ("GST", 0.1), ("HST", 0.13))
CARRIERS = ("USPS", "UPS", "DHL Express", "4PX", "AGS", "Canada Post", "Yamato (JA)", None)

shopify_ids = st.integers(min_value=10**8, max_value=2**53 - 1)


class Ids:
    """Distinct, increasing ids for the objects of one payload (Shopify's are unique 64-bit integers)."""

    def __init__(self, base: int) -> None:
        self._next = base

    def __call__(self) -> int:
        self._next += 7919
        return self._next


id_sources = st.integers(min_value=10**8, max_value=2**52).map(Ids)


# Drawing helpers: an order takes a few hundred choices, and a strategy built per choice (st.sampled_from([...]),
# st.integers(a, b)) is validated each time; these reuse one strategy per range and keep generation fast.


@functools.cache
def _range(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


_FLAG = st.booleans()


def integer(draw: st.DrawFn, low: int, high: int) -> int:
    return draw(_range(low, high))


def flag(draw: st.DrawFn) -> bool:
    return draw(_FLAG)


def pick(draw: st.DrawFn, options: Sequence[Any]) -> Any:
    return options[draw(_range(0, len(options) - 1))]


def maybe(draw: st.DrawFn, value: Any, *, none_first: bool = False) -> Any:
    """``value`` or None (shrinking towards ``value``, or towards None with ``none_first``)."""
    return (None if flag(draw) else value) if none_first else (value if flag(draw) else None)


#: Free text as stores write it: product names, people, notes (ASCII, accents, CJK, apostrophes).
VOCABULARY = ("a", "IPod Nano - 8gb", "aaa0103測試商品11aa", "Guitar Pro3", "Przeciętny", "Kowalski", "Łódź",
              "Müller", "O'Brien", "Alan", "Green Snowboard", "Chestnut Street 92", "Tran fee", "x y")  # fmt: skip


def word(draw: st.DrawFn) -> str:
    return str(pick(draw, VOCABULARY))


def _name_values(draw: st.DrawFn) -> list[dict[str, str]]:
    """Line ``properties`` and order ``note_attributes``: ``[{"name": …, "value": …}]``."""
    return [{"name": word(draw), "value": word(draw)} for _ in range(integer(draw, 0, 2))]


#: Tracking numbers as carriers write them, and as Shopify's own fixtures do (hostile text included).
TRACKING_NUMBERS = ("1Z2345", "LX123456789CN", "9400 1000 0000 0000")
HOSTILE_TRACKING = ("track-num1", "#☠1☢\n---\n4321\n")


def _gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


# --- money -----------------------------------------------------------------------------------------------------


def text(minor: int, exponent: int) -> str:
    """Shopify's decimal string of ``minor`` units: ``"12.30"``, ``"-5.00"``, JPY ``"1500"``."""
    if exponent == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**exponent)
    return f"{sign}{whole}.{fraction:0{exponent}d}"


def number(minor: int, exponent: int) -> int | float:
    """The JSON number Shopify writes for a refund line amount, as ``json.loads`` reads it: 99, 195.66."""
    whole, fraction = divmod(minor, 10**exponent)
    return whole if fraction == 0 else float(text(minor, exponent))


@attrs.frozen
class Pair:
    """One amount on both sides of a MoneyBag, in minor units: the shop's and the presentment's."""

    shop: int
    presentment: int

    def __add__(self, other: Pair) -> Pair:
        return Pair(self.shop + other.shop, self.presentment + other.presentment)

    def __sub__(self, other: Pair) -> Pair:
        return Pair(self.shop - other.shop, self.presentment - other.presentment)

    def __neg__(self) -> Pair:
        return Pair(-self.shop, -self.presentment)


ZERO = Pair(0, 0)


def total(pairs: Any) -> Pair:
    result = ZERO
    for pair in pairs:
        result = result + pair
    return result


@attrs.frozen
class Currencies:
    """The order's two currencies and the conversion Shopify applied, amount by amount."""

    shop: str
    presentment: str
    rate: Decimal  # shop major units per presentment major unit

    @property
    def shop_exponent(self) -> int:
        return CURRENCIES[self.shop][0]

    @property
    def presentment_exponent(self) -> int:
        return CURRENCIES[self.presentment][0]

    def pair(self, presentment_minor: int) -> Pair:
        """A presentment amount and its conversion to the shop currency, rounded half-even to a minor unit."""
        scale = Decimal(10) ** (self.shop_exponent - self.presentment_exponent)
        shop = (Decimal(presentment_minor) * self.rate * scale).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        return Pair(int(shop), presentment_minor)

    def bare(self, pair: Pair) -> str:
        return text(pair.shop, self.shop_exponent)

    def bag(self, pair: Pair) -> dict[str, Any]:
        return {
            "shop_money": {"amount": text(pair.shop, self.shop_exponent), "currency_code": self.shop},
            "presentment_money": {
                "amount": text(pair.presentment, self.presentment_exponent),
                "currency_code": self.presentment,
            },
        }


@st.composite
def currencies(draw: st.DrawFn, *, era: str = MODERN) -> Currencies:
    """Mostly one currency; from 2019 on, often a presentment currency the shop converts from."""
    shop = pick(draw, sorted(CURRENCIES))
    presentment = shop
    if era != PRE_2019 and flag(draw):
        presentment = pick(draw, sorted(CURRENCIES))
    jitter = Decimal(integer(draw, 980, 1020)) / 1000
    rate = CURRENCIES[presentment][1] / CURRENCIES[shop][1] * jitter
    return Currencies(shop, presentment, rate)


def _share(amount: int, part: int, whole: int) -> int:
    """``amount × part / whole``, rounded half-even to a minor unit (Shopify's prorating of a line amount)."""
    return int((Decimal(amount) * part / whole).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


# --- dates, people, places -------------------------------------------------------------------------------------


@attrs.frozen
class Clock:
    """The shop's local time: every timestamp of an order is written with the shop's UTC offset."""

    start: datetime

    def at(self, seconds: int = 0) -> str:
        return (self.start + timedelta(seconds=seconds)).isoformat(timespec="seconds")


@st.composite
def clocks(draw: st.DrawFn, *, era: str) -> Clock:
    years = (2008, 2018) if era == PRE_2019 else (2019, 2023) if era == V2022 else (2023, 2026)
    offset = timezone(timedelta(minutes=pick(draw, OFFSETS)))
    moment = draw(st.datetimes(datetime(years[0], 1, 1), datetime(years[1], 12, 1)))  # noqa: DTZ001 - bounds
    return Clock(moment.replace(microsecond=0, tzinfo=offset))


@st.composite
def addresses(draw: st.DrawFn) -> dict[str, Any]:
    """A REST order address: free text, nulls and empty strings, a country code with Shopify's own name."""
    code, country, province_code, province = pick(draw, COUNTRIES)
    first, last = word(draw), pick(draw, (*VOCABULARY, ""))
    return {
        "first_name": first,
        "address1": pick(draw, (*VOCABULARY, "")),
        "phone": pick(draw, ("+1(502)-459-2181", None, "+85291451043", "48111111111")),
        "city": pick(draw, (*VOCABULARY, "")),
        "zip": pick(draw, ("40202", None, "01-123", "K1N 9J7", "100-0001", "")),
        "province": province if flag(draw) else None,
        "country": country,
        "last_name": last,
        "address2": pick(draw, (None, "", "Suite 4200")),
        "company": pick(draw, (None, "", "Acme Sp. z o.o.")),
        "latitude": maybe(draw, pick(draw, (45.41634, 52.20149319999999, 22.3193, -33.8688))),
        "longitude": maybe(draw, pick(draw, (-75.6868, 21.0344366, 114.1694, 151.2093))),
        "name": f"{first} {last}".strip(),
        "country_code": code,
        "province_code": province_code,
    }


def _default_address(draw: st.DrawFn, customer_id: int) -> dict[str, Any]:
    address = draw(addresses())
    return {
        "id": draw(shopify_ids), "customer_id": customer_id, "first_name": address["first_name"],
        "last_name": address["last_name"], "company": address["company"], "address1": address["address1"],
        "address2": address["address2"], "city": address["city"], "province": address["province"],
        "country": address["country"], "zip": address["zip"], "phone": address["phone"], "name": address["name"],
        "province_code": address["province_code"], "country_code": address["country_code"],
        "country_name": address["country"], "default": True,
    }  # fmt: skip


def _customer(draw: st.DrawFn, era: str, clock: Clock, email: str, currency: str) -> dict[str, Any] | None:
    if integer(draw, 0, 5) == 0:
        return None
    number_ = draw(shopify_ids)
    customer: dict[str, Any] = {"id": number_, "email": email}
    if era != MODERN:
        customer["accepts_marketing"] = flag(draw)
    customer |= {"created_at": clock.at(-86_400), "updated_at": clock.at(1), "first_name": maybe(draw, word(draw)),
                 "last_name": maybe(draw, word(draw))}  # fmt: skip
    if era != MODERN:
        customer["orders_count"] = integer(draw, 1, 40)
    customer["state"] = pick(draw, ("disabled", "enabled", "invited"))
    if era != MODERN:
        customer |= {"total_spent": text(integer(draw, 0, 10**6), 2), "last_order_id": draw(shopify_ids)}
    customer |= {"note": maybe(draw, word(draw), none_first=True), "verified_email": flag(draw),
                 "multipass_identifier": None, "tax_exempt": flag(draw),
                 "phone": maybe(draw, "+16136120707")}  # fmt: skip
    if era == MODERN:
        customer["email_marketing_consent"] = {
            "state": pick(draw, ("not_subscribed", "subscribed", "unsubscribed")),
            "opt_in_level": maybe(draw, "single_opt_in"),
            "consent_updated_at": maybe(draw, clock.at(-3600)),
        }
        customer["sms_marketing_consent"] = maybe(draw, {
            "state": pick(draw, ("not_subscribed", "subscribed")),
            "opt_in_level": "single_opt_in",
            "consent_updated_at": maybe(draw, clock.at(-60)),
            "consent_collected_from": pick(draw, ("OTHER", "SHOPIFY")),
        })  # fmt: skip
    customer |= {"tags": pick(draw, ("", "Léon, Noël", "vip")), "currency": currency}
    if era != MODERN:
        customer |= {"last_order_name": "#1001", "accepts_marketing_updated_at": clock.at(-7200),
                     "marketing_opt_in_level": None}  # fmt: skip
    customer["tax_exemptions"] = []
    if era != PRE_2019:
        customer["admin_graphql_api_id"] = _gid("Customer", number_)
    customer["default_address"] = _default_address(draw, number_)
    return customer


def _client_details(draw: st.DrawFn) -> dict[str, Any] | None:
    if flag(draw):
        return None
    ip = pick(draw, ("0.0.0.0", "223.197.189.54", "37.157.207.175"))
    agent = maybe(draw, "Mozilla/5.0 (X11; Linux x86_64)")
    return {"accept_language": None, "browser_height": None, "browser_ip": ip, "browser_width": None,
            "session_hash": None, "user_agent": agent}  # fmt: skip


# --- lines, discounts, taxes -----------------------------------------------------------------------------------


@attrs.define
class Line:
    """A line item while it is built: its money in minor units, its discounts and taxes as pairs."""

    index: int
    id: int
    quantity: int
    price: Pair
    requires_shipping: bool
    allocations: list[tuple[int, Pair]] = attrs.Factory(list)  # (discount application index, amount)
    taxes: list[tuple[str, float, Pair]] = attrs.Factory(list)  # (title, rate, amount)
    legacy_discount: Pair = ZERO  # before 2019: the line's total_discount
    location: int = 0

    @property
    def gross(self) -> Pair:
        return Pair(self.price.shop * self.quantity, self.price.presentment * self.quantity)

    @property
    def discount(self) -> Pair:
        return total(amount for _, amount in self.allocations) + self.legacy_discount

    @property
    def tax(self) -> Pair:
        return total(amount for _, _, amount in self.taxes)


@attrs.define
class ShippingLine:
    """A shipping line while it is built."""

    id: int
    price: Pair
    title: str
    allocations: list[tuple[int, Pair]] = attrs.Factory(list)
    taxes: list[tuple[str, float, Pair]] = attrs.Factory(list)

    @property
    def discount(self) -> Pair:
        return total(amount for _, amount in self.allocations)

    @property
    def tax(self) -> Pair:
        return total(amount for _, _, amount in self.taxes)


def _value_text(minor: int, exponent: int) -> str:
    """A discount application's ``value`` as Shopify writes it: ``"10.0"``, ``"4.78"``, ``"1500.0"``."""
    value = Decimal(minor).scaleb(-exponent).normalize()
    written = f"{value:f}"
    return written if "." in written else written + ".0"


def _discount_applications(
    draw: st.DrawFn, money: Currencies, lines: list[Line], shipping: list[ShippingLine]
) -> list[dict[str, Any]]:
    """Discount applications of every kind, each allocated to its targets (lines or shipping lines)."""
    applications: list[dict[str, Any]] = []
    exponent = money.presentment_exponent
    for index in range(integer(draw, 0, 3)):
        on_shipping = bool(shipping) and integer(draw, 0, 3) == 0
        targets: list[Line] | list[ShippingLine] = shipping if on_shipping else lines
        kind = pick(draw, DISCOUNT_TYPES)
        percentage = flag(draw)
        selection = pick(draw, ("all", "entitled", "explicit"))
        chosen = targets if selection == "all" else draw(
            st.lists(st.sampled_from(range(len(targets))), min_size=1, unique=True).map(
                lambda picks, pool=targets: [pool[i] for i in sorted(picks)]
            )
        )  # fmt: skip
        method = "one" if on_shipping and len(chosen) == 1 else pick(draw, ("across", "each"))
        remaining = {id(t): _remaining(t) for t in chosen}
        if percentage:
            rate = pick(draw, (10, 5, 15, 20, 25, 50, 100))
            amounts = [_share(remaining[id(t)], rate, 100) for t in chosen]
            value = f"{rate}.0"
        elif method == "across":
            budget = sum(remaining.values())
            wanted = integer(draw, 0, budget) if budget else 0
            amounts = _split_across(wanted, [remaining[id(t)] for t in chosen])
            value = _value_text(wanted, exponent)
        else:  # each (per unit on lines) or one
            per = integer(draw, 0, 10 ** (exponent + 2))
            amounts = [min(remaining[id(t)], per * getattr(t, "quantity", 1)) for t in chosen]
            value = _value_text(per, exponent)
        for target, amount in zip(chosen, amounts, strict=True):
            if amount:
                target.allocations.append((index, _allocated(money.pair(amount), target)))
        application: dict[str, Any] = {
            "target_type": "shipping_line" if on_shipping else "line_item",
            "type": kind,
            "value": value,
            "value_type": "percentage" if percentage else "fixed_amount",
            "allocation_method": method,
            "target_selection": selection,
        }
        title = word(draw)
        if kind == "discount_code":
            application["code"] = pick(draw, ("TENOFF", "WELCOME", "Alan Test 0123B", "FREESHIP"))
        elif kind == "automatic":
            application["title"] = title
        else:  # manual, script
            application |= {"title": title, "description": pick(draw, (title, "", "Loyalty"))}
        applications.append(application)
    return applications


def _allocated(amount: Pair, target: Line | ShippingLine) -> Pair:
    """
    ``amount`` as allocated to ``target``: its shop side, converted on its own, at most what is left of the
    target's shop side, so that no side of a line, a shipping line or a total goes below zero (Shopify never
    writes one below zero; a 100% discount converted at another rounding than the price would).
    """
    gross = target.gross if isinstance(target, Line) else target.price
    left = gross.shop - target.discount.shop
    return amount if amount.shop <= left else Pair(left, amount.presentment)


def _remaining(target: Line | ShippingLine) -> int:
    gross = target.gross if isinstance(target, Line) else target.price
    return gross.presentment - target.discount.presentment


def _split_across(amount: int, weights: list[int]) -> list[int]:
    """Split ``amount`` in proportion to ``weights``, the rounding left on the last target (as Shopify does)."""
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    parts = [_share(amount, weight, whole) for weight in weights[:-1]]
    last = amount - sum(parts)
    if 0 <= last <= weights[-1]:
        return [*parts, last]
    # rounding pushed the last share out of range: floor every share, then give what is left a minor
    # unit at a time to the targets with room, from the last (never more than a target has left)
    shares = [amount * weight // whole for weight in weights]
    left = amount - sum(shares)
    for index in reversed(range(len(weights))):
        room = min(left, weights[index] - shares[index])
        shares[index] += room
        left -= room
    return shares


def _taxes(draw: st.DrawFn, money: Currencies, base: int, included: bool) -> list[tuple[str, float, Pair]]:
    taxes = []
    first = integer(draw, 0, len(TAXES) - 1)
    for title, rate in TAXES[first : first + integer(draw, 0, 2)]:
        base_amount = Decimal(base)
        exact = base_amount - base_amount / (1 + Decimal(str(rate))) if included else base_amount * Decimal(str(rate))
        taxes.append((title, rate, money.pair(int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)))))
    return taxes


def _tax_lines(money: Currencies, era: str, taxes: list[tuple[str, float, Pair]], *, order: bool = False) -> list[Any]:
    result = []
    for title, rate, amount in taxes:
        line: dict[str, Any] = {} if order or era == PRE_2019 else {"channel_liable": None}
        line |= {"price": money.bare(amount), "rate": rate, "title": title}
        if era != PRE_2019:
            line["price_set"] = money.bag(amount)
            if order:
                line["channel_liable"] = False
        result.append(line)
    return result


def _allocations(money: Currencies, allocations: list[tuple[int, Pair]]) -> list[dict[str, Any]]:
    return [
        {"amount": money.bare(amount), "amount_set": money.bag(amount), "discount_application_index": index}
        for index, amount in allocations
    ]


# --- the order -------------------------------------------------------------------------------------------------


@attrs.frozen
class Draft:
    """A generated order and what was used to build it (for fulfillment orders and for the checks)."""

    order: dict[str, Any]
    era: str
    money: Currencies
    locations: tuple[int, ...]
    line_locations: dict[int, int]  # line item id -> location id


def _line_json(draw: st.DrawFn, line: Line, money: Currencies, era: str, *, extras: bool) -> dict[str, Any]:
    product = None if integer(draw, 0, 4) == 0 else draw(shopify_ids)
    variant = None if product is None else draw(shopify_ids)
    title = word(draw)
    variant_title = pick(draw, ("green", None, "Black", "White"))
    item: dict[str, Any] = {"id": line.id}
    if era != PRE_2019:
        item["admin_graphql_api_id"] = _gid("LineItem", line.id)
    if extras:
        item["attributed_staffs"] = []
    if era == MODERN:
        item["current_quantity"] = line.quantity
    discount = line.discount if era == PRE_2019 or integer(draw, 0, 2) == 0 else ZERO
    item |= {
        "fulfillable_quantity": line.quantity if line.requires_shipping else 0,
        "fulfillment_service": "manual",
        "fulfillment_status": None,
        "gift_card": not line.requires_shipping and flag(draw),
        "grams": pick(draw, (0, 200, 567, 1300, 5000)),
        "name": title if variant_title is None else f"{title} - {variant_title}",
        "price": money.bare(line.price),
    }
    if era != PRE_2019:
        item["price_set"] = money.bag(line.price)
    item |= {
        "product_exists": product is not None,
        "product_id": product,
        "properties": _name_values(draw),
        "quantity": line.quantity,
        "requires_shipping": line.requires_shipping,
        "sku": pick(draw, (None, "", "IPOD2008GREEN", "gtp3-ref-2", "Ä-1")),
        "taxable": bool(line.taxes) or flag(draw),
        "title": title,
        "total_discount": money.bare(discount),
    }
    if era != PRE_2019:
        item["total_discount_set"] = money.bag(discount)
    item |= {
        "variant_id": variant,
        "variant_inventory_management": pick(draw, (None, "shopify")),
        "variant_title": variant_title,
        "vendor": maybe(draw, word(draw)),
        "tax_lines": _tax_lines(money, era, line.taxes),
    }
    if era != PRE_2019:
        item |= {"duties": [], "discount_allocations": _allocations(money, line.allocations)}
    return item


def _shipping_json(draw: st.DrawFn, line: ShippingLine, money: Currencies, era: str, *, extras: bool) -> dict[str, Any]:
    discounted = line.price - line.discount
    code = pick(draw, ("Free Shipping", "custom", "Standard", "DHL_EXPRESS"))
    item: dict[str, Any] = {"id": line.id, "carrier_identifier": maybe(draw, "a3bc5e7f", none_first=True),
                            "code": code}  # fmt: skip
    if extras:
        item["current_discounted_price_set"] = money.bag(discounted)
    if era != MODERN:
        item["delivery_category"] = None
    item["discounted_price"] = money.bare(discounted)
    if era != PRE_2019:
        item["discounted_price_set"] = money.bag(discounted)
    if extras:
        item["is_removed"] = False
    item |= {"phone": None, "price": money.bare(line.price)}
    if era != PRE_2019:
        item["price_set"] = money.bag(line.price)
    item |= {"requested_fulfillment_service_id": None,
             "source": pick(draw, ("shopify", "usps", "canada_post")),
             "title": line.title, "tax_lines": _tax_lines(money, era, line.taxes)}  # fmt: skip
    if era != PRE_2019:
        item["discount_allocations"] = _allocations(money, line.allocations)
    return item


def _order_tax_lines(money: Currencies, era: str, lines: list[Line], shipping: list[ShippingLine]) -> list[Any]:
    grouped: dict[tuple[str, float], Pair] = {}
    for owner in [*lines, *shipping]:
        for title, rate, amount in owner.taxes:
            grouped[(title, rate)] = grouped.get((title, rate), ZERO) + amount
    return _tax_lines(money, era, [(title, rate, amount) for (title, rate), amount in grouped.items()], order=True)


@attrs.frozen
class Statuses:
    financial: Any
    fulfillment: Any
    cancelled: bool


@st.composite
def statuses(draw: st.DrawFn) -> Statuses:
    """Every documented combination (and now and then a value Shopify does not document)."""
    rare = integer(draw, 0, 14) == 0
    financial = pick(draw, UNKNOWN_FINANCIAL if rare else FINANCIAL_STATUSES)
    rare = integer(draw, 0, 14) == 0
    fulfillment = pick(draw, UNKNOWN_FULFILLMENT if rare else (None, "partial", "fulfilled", "restocked"))
    return Statuses(financial, fulfillment, flag(draw))


@st.composite
def drafts(draw: st.DrawFn, *, era: str | None = None) -> Draft:
    """A REST order and the facts it was built from (see the module docstring for the identities)."""
    era = era or pick(draw, ERAS)
    money = draw(currencies(era=era))
    clock = draw(clocks(era=era))
    included = flag(draw)
    status = draw(statuses())
    extras = era == MODERN and flag(draw)  # the 2025 webhook keys
    ids = draw(id_sources)
    order_id = ids()
    number_ = integer(draw, 1, 99_999)
    name = pick(draw, ("#{}", "{}", "#{}X01")).format(1000 + number_)
    locations = tuple(draw(st.lists(shopify_ids, min_size=1, max_size=2, unique=True)))
    exponent = money.presentment_exponent
    top = 10 ** (exponent + 3)

    lines = []
    ships = status.fulfillment in ("partial", "fulfilled")  # then the first line ships, two units when partial
    for index in range(integer(draw, 1, 4)):
        minimum = 2 if index == 0 and status.fulfillment == "partial" else 1
        line = Line(index=index, id=ids(), quantity=integer(draw, minimum, 5),
                    price=money.pair(integer(draw, 0, top)),
                    requires_shipping=(index == 0 and ships) or integer(draw, 0, 5) > 0,
                    location=pick(draw, (locations)))  # fmt: skip
        lines.append(line)
    shipping = [
        ShippingLine(id=ids(), price=money.pair(integer(draw, 0, top // 10)), title=word(draw))
        for _ in range(integer(draw, 0, 2))
    ]
    if era == PRE_2019:
        applications: list[dict[str, Any]] = []
        for line in lines:
            line.legacy_discount = _allocated(money.pair(integer(draw, 0, line.gross.presentment)), line)
    else:
        applications = _discount_applications(draw, money, lines, shipping)
    for line in lines:
        line.taxes = _taxes(draw, money, line.gross.presentment - line.discount.presentment, included)
    for ship in shipping:
        ship.taxes = _taxes(draw, money, ship.price.presentment - ship.discount.presentment, included)

    line_items_price = total(line.gross for line in lines)
    line_discounts = total(line.discount for line in lines)
    shipping_discounts = total(ship.discount for ship in shipping)
    shipping_price = total(ship.price for ship in shipping)
    tax = total(line.tax for line in lines) + total(ship.tax for ship in shipping)
    subtotal = line_items_price - line_discounts
    total_price = subtotal + shipping_price - shipping_discounts + (ZERO if included else tax)
    discounts = line_discounts + shipping_discounts

    email = pick(draw, ("bob.norman@mail.example.com", "it@akastudio.com.hk", ""))
    line_json = [_line_json(draw, line, money, era, extras=extras) for line in lines]
    refunds, refunded = _refunds(draw, ids, money, era, included, clock, order_id, lines, line_json, shipping)
    fulfillments = _fulfillments(draw, ids, era, clock, order_id, name, lines, line_json, status.fulfillment)
    cancelled_at = clock.at(7200) if status.cancelled else None
    current = _Current(subtotal - refunded.subtotal, tax - refunded.tax, discounts - refunded.discounts,
                       shipping_price - refunded.shipping, total_price - refunded.amount(included))  # fmt: skip

    def put(key: str, pair: Pair, *, bare: bool = True) -> None:
        if bare:
            order[key] = money.bare(pair)
        if era != PRE_2019:
            order[key + "_set"] = money.bag(pair)

    order: dict[str, Any] = {"id": order_id}
    if era != PRE_2019:
        order["admin_graphql_api_id"] = _gid("Order", order_id)
    order |= {"app_id": maybe(draw, 1354745, none_first=True), "browser_ip": maybe(draw, "0.0.0.0"),
              "buyer_accepts_marketing": flag(draw),
              "cancel_reason": pick(draw, (*CANCEL_REASONS, None)) if status.cancelled else None,
              "cancelled_at": cancelled_at, "cart_token": maybe(draw, "68778783ad298f1c80c3bafcddeea02f"),
              "checkout_id": maybe(draw, order_id + 1),
              "checkout_token": maybe(draw, "bd5a8aa1ecd019dd3520ff791ee3a24c"),
              "client_details": _client_details(draw),
              "closed_at": cancelled_at or (clock.at(9000) if flag(draw) else None)}  # fmt: skip
    if extras:
        order["company"] = None
    if era == MODERN:
        order["confirmation_number"] = maybe(draw, "0ZW4V9P7W")
    order |= {"confirmed": True, "contact_email": email or None, "created_at": clock.at(), "currency": money.shop}
    if extras:
        order["current_shipping_price_set"] = money.bag(current.shipping)
    if era != PRE_2019:
        put("current_subtotal_price", current.subtotal)
        if era == MODERN:
            order["current_total_additional_fees_set"] = None
        put("current_total_discounts", current.discounts)
        order["current_total_duties_set"] = None
        put("current_total_price", current.price)
        put("current_total_tax", current.tax)
    order |= {"customer_locale": pick(draw, (None, "en", "pl", "ja")), "device_id": None,
              "discount_codes": _discount_codes(money, era, applications, lines, discounts)}  # fmt: skip
    if extras:
        order["duties_included"] = False
    order |= {"email": email, "estimated_taxes": False, "financial_status": status.financial,
              "fulfillment_status": status.fulfillment}  # fmt: skip
    if era != MODERN:
        order["gateway"] = pick(draw, ("bogus", "authorize_net", "manual"))
    order |= {"landing_site": None, "landing_site_ref": None, "location_id": maybe(draw, locations[0])}
    if extras:
        order["merchant_business_entity_id"] = "MTkxNzQwODY0ODEy"
    if era == MODERN:
        order["merchant_of_record_app_id"] = None
    order |= {"name": name, "note": maybe(draw, word(draw), none_first=True),
              "note_attributes": _name_values(draw),
              "number": number_, "order_number": 1000 + number_,
              "order_status_url": f"https://jsmith.myshopify.com/548380009/orders/{order_id:x}"}  # fmt: skip
    if era == MODERN:
        order["original_total_additional_fees_set"] = None
    if era != PRE_2019:
        order["original_total_duties_set"] = None
    order["payment_gateway_names"] = list(pick(draw, ((), ("bogus",), ("manual",), ("",))))
    order["phone"] = maybe(draw, "+557734881234", none_first=True)
    if era == MODERN:
        order["po_number"] = maybe(draw, "ABC123", none_first=True)
    if era != PRE_2019:
        order["presentment_currency"] = money.presentment
    order["processed_at"] = clock.at(-1)
    if era != MODERN:
        order["processing_method"] = pick(draw, ("direct", "manual", "offsite"))
    source = pick(draw, ("web", "shopify_draft_order", "755357713"))
    order |= {"reference": None, "referring_site": None, "source_identifier": None, "source_name": source,
              "source_url": None}  # fmt: skip
    put("subtotal_price", subtotal)
    order["tags"] = pick(draw, ("", "ttag1, ttag2", "wholesale", " vip ,  b2b", "Léon, Noël"))
    if era == MODERN:
        order["tax_exempt"] = False
    order |= {"tax_lines": _order_tax_lines(money, era, lines, shipping), "taxes_included": included,
              "test": flag(draw), "token": f"{order_id:032x}"}  # fmt: skip
    if extras:
        put("total_cash_rounding_payment_adjustment", ZERO, bare=False)
        put("total_cash_rounding_refund_adjustment", ZERO, bare=False)
    put("total_discounts", discounts)
    put("total_line_items_price", line_items_price)
    unpaid = status.financial in ("pending", "authorized", "partially_paid")
    order["total_outstanding"] = money.bare(total_price if unpaid else ZERO)
    put("total_price", total_price)
    if era != MODERN:
        order["total_price_usd"] = money.bare(total_price)
    put("total_shipping_price", shipping_price, bare=False)
    put("total_tax", tax)
    order |= {"total_tip_received": money.bare(ZERO),
              "total_weight": sum(item["grams"] * item["quantity"] for item in line_json),
              "updated_at": clock.at(10_000), "user_id": None}  # fmt: skip
    order["billing_address"] = draw(addresses()) if flag(draw) else None
    order["customer"] = _customer(draw, era, clock, email, money.shop)
    if era != PRE_2019:
        order["discount_applications"] = applications
    order["fulfillments"] = fulfillments
    order["line_items"] = line_json
    if era != PRE_2019:
        order["payment_terms"] = None
    if era != MODERN:
        order["payment_details"] = {"credit_card_bin": None, "avs_result_code": None, "cvv_result_code": None,
                                    "credit_card_number": "•••• •••• •••• 4242", "credit_card_company": "Visa",
                                    "buyer_action_info": None}  # fmt: skip
    order["refunds"] = refunds
    order["shipping_address"] = draw(addresses()) if flag(draw) else None
    order["shipping_lines"] = [_shipping_json(draw, ship, money, era, extras=extras) for ship in shipping]
    if extras:
        order["returns"] = []
    order = copy.deepcopy(order)  # refund and fulfillment lines are copies, as in a parsed payload
    return Draft(order, era, money, locations, {line.id: line.location for line in lines})


def _discount_codes(
    money: Currencies, era: str, applications: list[dict[str, Any]], lines: list[Line], discounts: Pair
) -> list[dict[str, Any]]:
    if era == PRE_2019:
        return [{"code": "LEGACY10", "amount": money.bare(discounts), "type": "fixed_amount"}] if discounts.shop else []
    codes = []
    for index, application in enumerate(applications):
        if application["type"] != "discount_code":
            continue
        amount = total(pair for line in lines for at, pair in line.allocations if at == index)
        kind = "shipping" if application["target_type"] == "shipping_line" else application["value_type"]
        codes.append({"code": application["code"], "amount": money.bare(amount), "type": kind})
    return codes


@attrs.frozen
class _Current:
    subtotal: Pair
    tax: Pair
    discounts: Pair
    shipping: Pair
    price: Pair


@attrs.define
class _Refunded:
    subtotal: Pair = ZERO
    line_tax: Pair = ZERO
    discounts: Pair = ZERO
    shipping: Pair = ZERO
    shipping_tax: Pair = ZERO

    @property
    def tax(self) -> Pair:
        return self.line_tax + self.shipping_tax

    def amount(self, included: bool) -> Pair:
        return self.subtotal + self.shipping + (ZERO if included else self.tax)


def _refunds(
    draw: st.DrawFn, ids: Ids, money: Currencies, era: str, included: bool, clock: Clock, order_id: int,
    lines: list[Line], line_json: list[dict[str, Any]], shipping: list[ShippingLine],
) -> tuple[list[dict[str, Any]], _Refunded]:  # fmt: skip
    """Zero to two refunds, each with refund lines, maybe a shipping refund, and its refund transaction."""
    refunded = _Refunded()
    done = {line.id: 0 for line in lines}
    shipping_left = total(ship.price - ship.discount for ship in shipping)
    refunds = []
    for number_ in range(integer(draw, 0, 2)):
        refund_id = ids()
        refund_lines, amount = [], ZERO
        for line, item in zip(lines, line_json, strict=True):
            left = line.quantity - done[line.id]
            if not left or not flag(draw):
                continue
            units = integer(draw, 1, left)
            last = done[line.id] + units == line.quantity
            share = _prorate(line.discount, units, line.quantity, done[line.id], last)
            tax_share = _prorate(line.tax, units, line.quantity, done[line.id], last)
            done[line.id] += units
            subtotal = Pair(line.price.shop * units, line.price.presentment * units) - share
            refunded.subtotal += subtotal
            refunded.line_tax += tax_share
            refunded.discounts += share
            amount += subtotal + (ZERO if included else tax_share)
            refund_line: dict[str, Any] = {"id": ids(), "line_item_id": line.id,
                                           "location_id": maybe(draw, line.location), "quantity": units,
                                           "restock_type": pick(draw, RESTOCK_TYPES),
                                           "subtotal": number(subtotal.shop, money.shop_exponent)}  # fmt: skip
            if era != PRE_2019:
                refund_line["subtotal_set"] = money.bag(subtotal)
            refund_line["total_tax"] = number(tax_share.shop, money.shop_exponent)
            if era != PRE_2019:
                refund_line["total_tax_set"] = money.bag(tax_share)
            refund_line["line_item"] = item
            refund_lines.append(refund_line)
        adjustments = []
        if shipping_left.presentment > 0 and flag(draw):
            back = money.pair(integer(draw, 1, shipping_left.presentment))
            back = Pair(min(back.shop, shipping_left.shop), back.presentment)
            shipping_left -= back
            refunded.shipping += back
            amount += back
            adjustment: dict[str, Any] = {"id": ids(), "order_id": order_id, "refund_id": refund_id,
                                          "amount": money.bare(-back), "tax_amount": money.bare(ZERO),
                                          "kind": "shipping_refund", "reason": "Shipping refund"}  # fmt: skip
            if era != PRE_2019:
                adjustment |= {"amount_set": money.bag(-back), "tax_amount_set": money.bag(ZERO)}
            adjustments.append(adjustment)
        if not refund_lines and not adjustments:
            continue
        refund: dict[str, Any] = {"id": refund_id}
        if era != PRE_2019:
            refund["admin_graphql_api_id"] = _gid("Refund", refund_id)
        refund |= {"created_at": clock.at(3600 * (number_ + 1)), "note": maybe(draw, word(draw)), "order_id": order_id,
                   "processed_at": clock.at(3600 * (number_ + 1)), "restock": flag(draw)}  # fmt: skip
        if era == MODERN:
            refund["total_additional_fees_set"] = money.bag(ZERO)
        if era != PRE_2019:
            refund["total_duties_set"] = money.bag(ZERO)
        refund |= {"user_id": maybe(draw, 548380009), "order_adjustments": adjustments,
                   "transactions": [_refund_transaction(draw, ids(), money, era, clock, order_id, amount, number_)],
                   "refund_line_items": refund_lines, "duties": []}  # fmt: skip
        if era == MODERN and flag(draw):
            refund["additional_fees"] = []
        refunds.append(refund)
    for item in line_json:
        if "current_quantity" in item:
            item["current_quantity"] = item["quantity"] - done[item["id"]]
    return refunds, refunded


def _prorate(amount: Pair, units: int, quantity: int, before: int, last: bool) -> Pair:
    """The share of a line amount for ``units`` of ``quantity``; the last refund takes what is left."""
    if last:
        return amount - Pair(_share(amount.shop, before, quantity), _share(amount.presentment, before, quantity))
    return Pair(_share(amount.shop, units, quantity), _share(amount.presentment, units, quantity))


def _refund_transaction(
    draw: st.DrawFn, ident: int, money: Currencies, era: str, clock: Clock, order_id: int, amount: Pair, number_: int
) -> dict[str, Any]:
    """The refund's transaction: the refunded amount in the currency the buyer paid in."""
    transaction: dict[str, Any] = {"id": ident}
    if era != PRE_2019:
        transaction["admin_graphql_api_id"] = _gid("OrderTransaction", ident)
    transaction |= {
        "amount": text(amount.presentment, money.presentment_exponent),
        "authorization": maybe(draw, "authorization-key"),
        "created_at": clock.at(3600 * (number_ + 1)),
        "currency": money.presentment,
        "device_id": None,
        "error_code": None,
        "gateway": pick(draw, ("bogus", "manual", "shopify_payments")),
        "kind": "refund",
        "location_id": None,
        "message": maybe(draw, "Refunded from manual gateway"),
        "order_id": order_id,
        "parent_id": draw(shopify_ids),
    }
    if era == MODERN:
        transaction["payment_id"] = f"#{order_id}.{number_ + 2}"
    transaction |= {"processed_at": clock.at(3600 * (number_ + 1)), "receipt": {}, "source_name": "web",
                    "status": "success", "test": False, "user_id": None}  # fmt: skip
    return transaction


def _fulfillments(
    draw: st.DrawFn, ids: Ids, era: str, clock: Clock, order_id: int, name: str, lines: list[Line],
    line_json: list[dict[str, Any]], fulfillment_status: Any,
) -> list[dict[str, Any]]:  # fmt: skip
    """Successful fulfillments agreeing with ``fulfillment_status``, plus now and then a failed or cancelled one."""
    shippable = [(line, item) for line, item in zip(lines, line_json, strict=True) if line.requires_shipping]
    units = {line.id: 0 for line, _ in shippable}
    if fulfillment_status == "fulfilled":
        units = {line.id: line.quantity for line, _ in shippable}
    elif fulfillment_status == "partial":  # drafts() sees to it that two units can ship
        units = {line.id: integer(draw, 0, line.quantity) for line, _ in shippable}
        first = shippable[0][0]
        if not any(units.values()):
            units[first.id] = 1
        if all(units[line.id] == line.quantity for line, _ in shippable):
            units[first.id] = first.quantity - 1
    plan: list[tuple[str, list[tuple[Line, dict[str, Any], int]]]] = []
    by_location: dict[int, list[tuple[Line, dict[str, Any], int]]] = {}
    for line, item in shippable:
        if units[line.id]:
            by_location.setdefault(line.location, []).append((line, item, units[line.id]))
    for group in by_location.values():  # one fulfillment per location, sometimes split in two
        if len(group) > 1 and flag(draw):
            plan += [("success", group[:1]), ("success", group[1:])]
        else:
            plan.append(("success", group))
    if shippable and flag(draw):
        line, item = pick(draw, (shippable))
        failed = pick(draw, [status for status in SHIPMENT_STATUSES if status != "success"])
        plan.insert(0, (failed, [(line, item, 1)]))
    for item in line_json:
        done = units.get(item["id"], 0)
        if done:
            item["fulfillment_status"] = "fulfilled" if done == item["quantity"] else "partial"
        if item["requires_shipping"]:
            item["fulfillable_quantity"] = max(0, item.get("current_quantity", item["quantity"]) - done)
    return [
        _fulfillment(draw, ids(), era, clock, order_id, f"{name}.{position + 1}", status, portions)
        for position, (status, portions) in enumerate(plan)
    ]


def _fulfillment(
    draw: st.DrawFn, ident: int, era: str, clock: Clock, order_id: int, name: str, status: str,
    portions: list[tuple[Line, dict[str, Any], int]],
) -> dict[str, Any]:  # fmt: skip
    numbers = list(TRACKING_NUMBERS[: integer(draw, 0, 3)])
    if numbers and flag(draw):
        numbers[0] = pick(draw, HOSTILE_TRACKING)
    urls = [f"https://tools.usps.com/go/TrackConfirmAction_input?qtc_tLabels1={n}" for n in numbers]
    if numbers and integer(draw, 0, 4) == 0:
        urls = []  # a custom carrier without tracking links
    tracking_status = pick(draw, TRACKING_STATUSES) if flag(draw) else "null"
    fulfillment: dict[str, Any] = {"id": ident}
    if era != PRE_2019:
        fulfillment["admin_graphql_api_id"] = _gid("Fulfillment", ident)
    fulfillment |= {
        "created_at": clock.at(5000),
        "location_id": portions[0][0].location,
        "name": name,
        "order_id": order_id,
        "origin_address": {},
        "receipt": pick(draw, ({}, {"testcase": True, "authorization": "123456"})),
        "service": "manual",
        "shipment_status": None if tracking_status == "null" else tracking_status,
        "status": status,
        "tracking_company": pick(draw, CARRIERS),
        "tracking_number": numbers[0] if numbers else None,
        "tracking_numbers": numbers,
        "tracking_url": urls[0] if urls else None,
        "tracking_urls": urls,
        "updated_at": clock.at(5001),
        "line_items": [copy.deepcopy(item) | {"quantity": units} for _, item, units in portions],
    }
    return fulfillment


# --- fulfillment orders ----------------------------------------------------------------------------------------


def _location(draw: st.DrawFn, location_id: int) -> dict[str, Any]:
    code = pick(draw, ("DE", "CA", "PL", "US"))
    address1, city = maybe(draw, word(draw), none_first=True), maybe(draw, word(draw), none_first=True)
    return {"address1": address1, "address2": None, "city": city,
            "country_code": code, "location_id": location_id, "name": word(draw), "phone": None,
            "province": None, "zip": maybe(draw, "01-571", none_first=True)}  # fmt: skip


@st.composite
def fulfillment_orders_for(draw: st.DrawFn, draft: Draft) -> list[dict[str, Any]]:
    """
    The fulfillment orders of a generated order: one per location with shippable lines, any status; a
    ``closed`` one emptied by a move now and then (its lines gone to another fulfillment order).
    """
    order = draft.order
    shop_id = draw(shopify_ids)
    ids = draw(id_sources)
    by_location: dict[int, list[dict[str, Any]]] = {}
    for item in order["line_items"]:
        if item["requires_shipping"]:
            by_location.setdefault(draft.line_locations[item["id"]], []).append(item)
    result = []
    clock_start = order["created_at"]
    for location_id, items in by_location.items():
        ident = ids()
        rare = integer(draw, 0, 14) == 0
        status = pick(draw, (UNKNOWN_FULFILLMENT_ORDER if rare else FULFILLMENT_ORDER_STATUSES))
        moved = status == "closed" and flag(draw)
        fo_lines = [] if moved else [
            {"id": ids(), "shop_id": shop_id, "fulfillment_order_id": ident,
             "quantity": item.get("current_quantity", item["quantity"]), "line_item_id": item["id"],
             "inventory_item_id": draw(shopify_ids), "fulfillable_quantity": item["fulfillable_quantity"],
             "variant_id": item["variant_id"]}
            for item in items
        ]  # fmt: skip
        destination = order["shipping_address"]
        fo: dict[str, Any] = {"id": ident, "shop_id": shop_id, "order_id": order["id"],
                              "assigned_location_id": location_id,
                              "request_status": pick(draw, REQUEST_STATUSES), "status": status,
                              "supported_actions": pick(draw, ([[], ["create_fulfillment", "move"],
                                                                         ["release_hold"]])),
                              "destination": None if destination is None else {
                                  "id": draw(shopify_ids), "address1": destination["address1"],
                                  "address2": destination["address2"], "city": destination["city"],
                                  "company": destination["company"], "country": destination["country"],
                                  "email": order["email"], "first_name": destination["first_name"],
                                  "last_name": destination["last_name"], "phone": destination["phone"],
                                  "province": destination["province"], "zip": destination["zip"]},
                              "line_items": fo_lines, "international_duties": None}  # fmt: skip
        if flag(draw):
            fo["fulfillment_service_handle"] = "manual"
        if integer(draw, 0, 3) > 0:
            fo |= {"fulfill_at": clock_start if status == "scheduled" or flag(draw) else None,
                   "fulfill_by": None,
                   "fulfillment_holds": [{"reason": "inventory_out_of_stock",
                                          "reason_notes": "Not enough inventory to complete this work."}]
                   if status == "on_hold" else [],
                   "created_at": clock_start, "updated_at": order["updated_at"],
                   "delivery_method": maybe(draw, {
                       "id": ids(), "method_type": pick(draw, ("shipping", "pick_up", "local")),
                       "min_delivery_date_time": None, "max_delivery_date_time": None})}  # fmt: skip
        fo |= {"assigned_location": _location(draw, location_id), "merchant_requests": []}
        result.append(fo)
    return result


# --- the payloads a user hands over ----------------------------------------------------------------------------


def orders(*, era: str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """A REST ``Order`` object (also a webhook body as it arrives)."""
    return drafts(era=era).map(lambda draft: draft.order)


@st.composite
def payloads(draw: st.DrawFn) -> dict[str, Any]:
    """What a user passes: a webhook body, ``{"order": …}`` (GET one), or ``{"orders": [...]}`` (a list page)."""
    shape = pick(draw, ("webhook", "order", "orders"))
    if shape == "webhook":
        return draw(orders(era=MODERN))
    if shape == "order":
        return {"order": draw(orders())}
    return {"orders": draw(st.lists(orders(), min_size=0, max_size=2))}


@st.composite
def orders_with_fulfillment_orders(draw: st.DrawFn) -> tuple[dict[str, Any], Any]:
    """An order and its ``GET …/fulfillment_orders.json`` body: ``{"fulfillment_orders": [...]}`` or a bare list."""
    draft = draw(drafts(era=pick(draw, (V2022, MODERN))))
    found = draw(fulfillment_orders_for(draft))
    return draft.order, found if integer(draw, 0, 4) == 0 else {"fulfillment_orders": found}


@st.composite
def refunds_responses(draw: st.DrawFn) -> dict[str, Any]:
    """``GET …/refunds.json``: the order's refunds with the endpoint's own extra keys."""
    draft = draw(drafts(era=MODERN))
    refunds = []
    for refund in draft.order["refunds"]:
        transactions = [
            transaction | {"total_unsettled_set": {
                "presentment_money": {"amount": "0.0", "currency": draft.money.presentment},
                "shop_money": {"amount": "0.0", "currency": draft.money.shop}},
                "manual_payment_gateway": transaction["gateway"] == "manual"}
            for transaction in refund["transactions"]
        ]  # fmt: skip
        refunds.append(refund | {"return": None, "transactions": transactions})
    return {"refunds": refunds}


@st.composite
def fulfillments_responses(draw: st.DrawFn) -> dict[str, Any]:
    """``GET …/fulfillments.json``: the order's fulfillments as that endpoint writes them."""
    draft = draw(drafts(era=MODERN))
    return {
        "fulfillments": [
            fulfillment | {"origin_address": None,
                           "line_items": [line | {"fulfillment_line_item_id": draw(shopify_ids)}
                                          for line in fulfillment["line_items"]]}
            for fulfillment in draft.order["fulfillments"]
        ]
    }  # fmt: skip


# --- the identities, for the self-test and for the adapter's tests ---------------------------------------------


def _sides(era: str) -> tuple[str, ...]:
    return ("bare",) if era == PRE_2019 else ("shop_money", "presentment_money")


def amount_of(obj: dict[str, Any], key: str, side: str) -> Decimal:
    """An amount as Shopify wrote it, on one side (``bare`` for the bare string)."""
    if side == "bare":
        value = obj[key]
        return Decimal(value) if isinstance(value, str) else Decimal(repr(value)) if isinstance(value, float) \
            else Decimal(value)  # fmt: skip
    return Decimal(obj[key + "_set"][side]["amount"])


def era_of(order: dict[str, Any]) -> str:
    """Which API shape an order has (for generated orders; real ones too)."""
    if "presentment_currency" not in order:
        return PRE_2019
    return V2022 if "total_price_usd" in order else MODERN


def money_identities(order: dict[str, Any]) -> Iterator[tuple[str, Decimal, Decimal]]:
    """
    Every identity of the module docstring as ``(name, left, right)``, on each side of the bags.

    A caller asserts ``left == right`` for each; generated orders satisfy all of them.
    """
    era = era_of(order)
    included = order["taxes_included"]
    for side in _sides(era):

        def get(obj: dict[str, Any], key: str, side: str = side) -> Decimal:
            return amount_of(obj, key, side)

        lines, shipping = order["line_items"], order["shipping_lines"]
        line_items = sum((get(line, "price") * line["quantity"] for line in lines), Decimal(0))
        yield f"{side}: total_line_items_price", get(order, "total_line_items_price"), line_items
        if era == PRE_2019:
            line_discounts = sum((get(line, "total_discount") for line in lines), Decimal(0))
            ship_discounts = Decimal(0)
            shipping_total = sum((get(ship, "price") for ship in shipping), Decimal(0))
        else:
            line_discounts = sum((get(a, "amount") for line in lines for a in line["discount_allocations"]), Decimal(0))
            ship_discounts = sum((get(a, "amount") for s in shipping for a in s["discount_allocations"]), Decimal(0))
            shipping_total = get(order, "total_shipping_price")
            yield (
                f"{side}: total_shipping_price_set",
                shipping_total,
                sum((get(ship, "price") for ship in shipping), Decimal(0)),
            )
        for index, ship in enumerate(shipping):
            discounted = get(ship, "price") - sum((get(a, "amount") for a in ship.get("discount_allocations", [])),
                                                  Decimal(0))  # fmt: skip
            yield f"{side}: shipping_lines[{index}].discounted_price", get(ship, "discounted_price"), discounted
        yield f"{side}: total_discounts", get(order, "total_discounts"), line_discounts + ship_discounts
        subtotal = get(order, "subtotal_price")
        yield f"{side}: subtotal_price", subtotal, line_items - line_discounts
        taxes = sum((get(t, "price") for owner in [*lines, *shipping] for t in owner["tax_lines"]), Decimal(0))
        tax = get(order, "total_tax")
        yield f"{side}: total_tax", tax, taxes
        yield f"{side}: tax_lines", sum((get(t, "price") for t in order["tax_lines"]), Decimal(0)), tax
        expected = subtotal + shipping_total - ship_discounts + (0 if included else tax)
        yield f"{side}: total_price", get(order, "total_price"), expected
        if era == PRE_2019:
            continue
        refunded = Decimal(0)
        for refund in order["refunds"]:
            amount = Decimal(0)
            for line in refund["refund_line_items"]:
                amount += get(line, "subtotal") + (0 if included else get(line, "total_tax"))
            for adjustment in refund["order_adjustments"]:
                amount -= get(adjustment, "amount") + (0 if included else get(adjustment, "tax_amount"))
            refunded += amount
            if side == "presentment_money":
                yield "refund transaction", Decimal(refund["transactions"][0]["amount"]), amount
        yield f"{side}: current_total_price", get(order, "current_total_price"), get(order, "total_price") - refunded


def quantity_facts(order: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    """Quantities: refunds and fulfillments within the ordered quantity, current_quantity, fulfillment_status."""
    refunded: dict[int, int] = {}
    for refund in order["refunds"]:
        for line in refund["refund_line_items"]:
            refunded[line["line_item_id"]] = refunded.get(line["line_item_id"], 0) + line["quantity"]
    fulfilled: dict[int, int] = {}
    for fulfillment in order["fulfillments"]:
        if fulfillment["status"] == "success":
            for line in fulfillment["line_items"]:
                fulfilled[line["id"]] = fulfilled.get(line["id"], 0) + line["quantity"]
    for line in order["line_items"]:
        ident, quantity = line["id"], line["quantity"]
        yield f"line {ident}: refunded at most the quantity", refunded.get(ident, 0) <= quantity
        yield f"line {ident}: fulfilled at most the quantity", fulfilled.get(ident, 0) <= quantity
        if "current_quantity" in line:
            yield f"line {ident}: current_quantity", line["current_quantity"] == quantity - refunded.get(ident, 0)
    shippable = [line for line in order["line_items"] if line["requires_shipping"]]
    complete = [line for line in shippable if fulfilled.get(line["id"], 0) == line["quantity"]]
    status = order["fulfillment_status"]
    if status == "fulfilled":
        yield "fulfilled: every shipped line in full", len(complete) == len(shippable) > 0
    elif status == "partial":
        yield "partial: something but not everything", sum(fulfilled.values()) > 0 and len(complete) < len(shippable)
    elif status in (None, "restocked"):
        yield "nothing fulfilled", not fulfilled


def key_paths(value: Any, prefix: str = "") -> Iterator[str]:
    """Every key path of a JSON value, list positions as ``[]``: ``.line_items[].price_set.shop_money.amount``."""
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}"
            yield path
            yield from key_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            yield from key_paths(item, prefix + "[]")


def order_key_paths(payload: Any) -> Iterator[str]:
    """The key paths of every order object in a payload, relative to the order (``.total_price``)."""
    if isinstance(payload, dict) and "orders" in payload:
        for order in payload["orders"]:
            yield from key_paths(order)
    elif isinstance(payload, dict):
        yield from key_paths(payload.get("order", payload))
