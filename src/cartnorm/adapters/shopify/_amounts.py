"""
Shopify money, read exactly: decimal strings, ``*_set`` bags, and the few JSON numbers.

Shopify's REST API writes money three ways:

* a **decimal string** almost everywhere: ``"598.94"``, ``"0.00"``, ``"-5.00"``; a zero-decimal currency
  has no decimals at all (JPY ``"1500"``). The bare string is always in the **shop** currency
  (``order.currency``);
* beside it, since 2019, a **MoneyBag** ``X_set = {"shop_money": {"amount", "currency_code"},
  "presentment_money": {...}}``: the same amount in the shop currency and in the currency the buyer saw
  and paid (``order.presentment_currency``). Some amounts exist only as a bag (``total_shipping_price_set``);
  orders from before 2019 have no bags and no ``presentment_currency`` at all;
* a **JSON number** in a few places: a refund line's ``subtotal`` and ``total_tax`` (``195.66``, ``99``).

**Signs.** Prices, totals, taxes, discounts and refunded line amounts are never below zero in what Shopify
writes: they are read with `OrderMoney.amount`, which refuses a negative one on any of its three places (the
side read, the bare string, the bag's other side) with a `MoneyError` at that place. Shopify writes negative
amounts in refunds only, and they are read with `OrderMoney.read`, sign and all: ``order_adjustments[].amount``
(a shipping refund is negative; a ``refund_discrepancy`` either way) and the transactions' ``amount``.

Every amount becomes an exact `Decimal` and keeps the digits it was written with (``"1500"`` is
``Decimal('1500')``, ``"10.00"`` is ``Decimal('10.00')``); nothing is rounded, and a ``float`` is never
computed with: a JSON number that a parser turned into a float is recovered exactly through its shortest
repr (`cartnorm._json.exact_float`), an ``int`` or `Decimal` is taken as it is.

**Which side.** An order is read from one side of its bags, amount and currency together
(`OrderMoney`): by default the **presentment** side, because Trackstar's ``total_price`` is "the total
price a customer paid" and ``invoice_currency_code`` the currency the order was invoiced in, which is the
buyer's; the shop side (the merchant's books, one currency for every order) is the ``shop`` option.
Where an order has no bag for an amount, the bare string stands in only when it is in the side's
currency (the shop side, or an order whose presentment currency is its shop currency, or one from before
2019); otherwise the amount is missing for that side and that is a `MoneyError`, never a converted guess.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from ..._json import exact_float
from ..._paths import ROOT, child
from ...errors import MISSING, ConfigurationError, CurrencyError, MoneyError
from ...money import exponent_of, normalize_currency

__all__ = [
    "DEFAULT_MONEY_SIDE",
    "Amount",
    "MoneySide",
    "OrderMoney",
    "bag_amount",
    "decimal_text",
    "json_number",
    "money_side",
    "never_negative",
]


class MoneySide(str, enum.Enum):
    """Which half of a Shopify MoneyBag an order is read from."""

    SHOP = "shop"
    PRESENTMENT = "presentment"

    @property
    def bag_key(self) -> str:
        """The key of this side inside a MoneyBag: ``shop_money`` or ``presentment_money``."""
        return f"{self.value}_money"

    def __str__(self) -> str:
        return self.value


#: The side read unless the caller chooses: what the customer saw and paid.
DEFAULT_MONEY_SIDE: Final = MoneySide.PRESENTMENT


def money_side(value: object) -> MoneySide:
    """
    The `MoneySide` an option names (``"presentment"`` or ``"shop"``), or `ConfigurationError`.

    >>> money_side("shop"), money_side(MoneySide.PRESENTMENT)
    (<MoneySide.SHOP: 'shop'>, <MoneySide.PRESENTMENT: 'presentment'>)
    """
    if isinstance(value, MoneySide):
        return value
    for side in MoneySide:
        if value == side.value:
            return side
    msg = f"money side must be 'presentment' (the default: what the buyer paid) or 'shop', got {value!r}"
    raise ConfigurationError(msg)


#: As many digits as `cartnorm.money` works with either side of the point (10**±40).
_MAX_DIGITS: Final = 40
_DECIMAL_TEXT: Final = re.compile(rf"-?[0-9]{{1,{_MAX_DIGITS}}}(?:\.[0-9]{{1,{_MAX_DIGITS}}})?\Z")
_TEXT_EXPECTED: Final = (
    f"a decimal string such as '598.94', '0.00' or '1500' (ASCII digits, an optional '-' and '.', "
    f"at most {_MAX_DIGITS} digits either side of the point)"
)


def decimal_text(value: object, path: str = ROOT) -> Decimal:
    """
    A Shopify decimal string as an exact `Decimal`, its digits kept; anything else is a `MoneyError`.

    No exponent, sign ``+``, white space, thousands separator or non-ASCII digit: Shopify writes none,
    and accepting them would guess.

    >>> decimal_text("598.94"), decimal_text("1500"), decimal_text("-5.00")
    (Decimal('598.94'), Decimal('1500'), Decimal('-5.00'))
    """
    if type(value) is not str or _DECIMAL_TEXT.match(value) is None:
        raise MoneyError(path, value, _TEXT_EXPECTED)
    return Decimal(value)


_NUMBER_EXPECTED: Final = f"a JSON number such as 195.66 or 99 (at most {_MAX_DIGITS} digits either side of the point)"


def json_number(value: object, path: str = ROOT) -> Decimal:
    """
    A money JSON number as an exact `Decimal`: an ``int``, a finite `Decimal` (cartnorm's parser), or
    a ``float`` from ``json.loads``, read back through its shortest repr (``195.66`` stays 195.66).

    Booleans and strings are a `MoneyError`: where Shopify writes a number, a string is not guessed at.

    >>> json_number(195.66), json_number(99), json_number(Decimal("3.98"))
    (Decimal('195.66'), Decimal('99'), Decimal('3.98'))
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise MoneyError(path, value, _NUMBER_EXPECTED)
    if isinstance(value, float) and not math.isfinite(value):
        raise MoneyError(path, value, _NUMBER_EXPECTED)
    amount = exact_float(value, path) if isinstance(value, float) else Decimal(value)
    if not _within_bounds(amount):
        raise MoneyError(path, value, _NUMBER_EXPECTED)
    return amount


def _within_bounds(amount: Decimal) -> bool:
    if not amount.is_finite():
        return False
    _, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)  # finite
    return exponent >= -_MAX_DIGITS and len(digits) + exponent <= _MAX_DIGITS


_SIGN_HINT: Final = (
    "Shopify writes negative amounts only in refunds (order_adjustments, transactions): "
    "fix the record upstream, or set it aside as a rejection."
)


def _below_zero(value: object) -> bool:
    """True for a decimal string or JSON number below zero; anything else (``"-0.00"``, a malformed text) is not."""
    if type(value) is str:
        return value[:1] == "-" and _DECIMAL_TEXT.match(value) is not None and Decimal(value) < 0
    if type(value) is Decimal:
        return value.is_finite() and value < 0
    if type(value) is int or type(value) is float:
        return value < 0  # a float NaN is not below zero: the reader refuses it
    return False


def never_negative(obj: Mapping[str, Any], key: str, path: str, side: MoneySide) -> None:
    """
    A `MoneyError` when the amount ``key`` of ``obj`` (at ``path``) is below zero anywhere it is written:
    the ``side`` of its bag ``<key>_set``, the bare ``key``, then the bag's other side. A place that is absent
    or malformed is left to the reader; the error names the first negative place.

    >>> try:
    ...     never_negative({"price": "-1.00"}, "price", "$.line_items[0]", MoneySide.SHOP)
    ... except MoneyError as error:
    ...     print(error.problem)
    expected an amount of zero or more (Shopify never writes price below zero), got "-1.00" @ $.line_items[0].price
    """
    bag_key = key + "_set"
    bag = obj.get(bag_key)
    other = MoneySide.SHOP if side is MoneySide.PRESENTMENT else MoneySide.PRESENTMENT
    for place in (side, None, other):  # None: the bare amount
        value = obj.get(key) if place is None else _side_amount(bag, place)
        if _below_zero(value):
            where = child(path, key) if place is None else child(child(child(path, bag_key), place.bag_key), "amount")
            raise MoneyError(
                where, value, f"an amount of zero or more (Shopify never writes {key} below zero)", hint=_SIGN_HINT
            )


def _side_amount(bag: object, side: MoneySide) -> object:
    """The ``amount`` of ``side`` in ``bag`` as written (None when there is none)."""
    money = bag.get(side.bag_key) if isinstance(bag, Mapping) else None
    return money.get("amount") if isinstance(money, Mapping) else None


@attrs.frozen
class Amount:
    """An exact amount and its upper-case ISO 4217 currency, read from one side of a MoneyBag."""

    amount: Decimal
    currency: str


def bag_amount(bag: object, side: MoneySide, path: str = ROOT) -> Amount:
    """
    The amount and currency of one side of a MoneyBag (``{"shop_money": …, "presentment_money": …}``).

    ``path`` is the bag's own path; errors name the field inside it (``….presentment_money.amount``).

    >>> bag = {"shop_money": {"amount": "10.00", "currency_code": "USD"},
    ...        "presentment_money": {"amount": "1500", "currency_code": "JPY"}}
    >>> bag_amount(bag, MoneySide.PRESENTMENT)
    Amount(amount=Decimal('1500'), currency='JPY')
    """
    if not isinstance(bag, Mapping):
        raise MoneyError(path, bag, "a MoneyBag object with shop_money and presentment_money")
    where = child(path, side.bag_key)
    money = bag.get(side.bag_key, MISSING)
    if not isinstance(money, Mapping):
        raise MoneyError(where, money, "an object with amount and currency_code")
    amount = decimal_text(money.get("amount", MISSING), child(where, "amount"))
    currency = normalize_currency(money.get("currency_code", MISSING), path=child(where, "currency_code"))
    return Amount(amount, currency)


@attrs.frozen(kw_only=True)
class OrderMoney:
    """
    How one order's amounts are read: from which side, in which currency.

    Attributes:
        side: the side of every MoneyBag that is read.
        currency: that side's currency (upper case): ``presentment_currency`` or ``currency``. It is the
            order's ``invoice_currency_code``, and every amount read must be in it.
        shop_currency: the order's ``currency``, in which the bare strings are.
        presentment_currency: the order's ``presentment_currency``; None for an order from before
            2019, which has none (and no MoneyBags).
        exponent: the ISO 4217 minor-unit exponent of ``currency`` (0 for JPY), for per-unit splits.
    """

    side: MoneySide
    currency: str
    shop_currency: str
    presentment_currency: str | None
    exponent: int

    @classmethod
    def of(cls, order: Mapping[str, Any], side: MoneySide = DEFAULT_MONEY_SIDE, path: str = ROOT) -> OrderMoney:
        """
        Read the order's currencies; a missing or unknown ``currency``, or a ``presentment_currency``
        that is present but not a known code, is a `CurrencyError` with its path.

        >>> OrderMoney.of({"currency": "USD", "presentment_currency": "JPY"}).currency
        'JPY'
        """
        shop = normalize_currency(order.get("currency", MISSING), path=child(path, "currency"))
        presentment = None
        if "presentment_currency" in order:
            presentment = normalize_currency(order["presentment_currency"], path=child(path, "presentment_currency"))
        currency = presentment if side is MoneySide.PRESENTMENT and presentment is not None else shop
        return cls(side=side, currency=currency, shop_currency=shop, presentment_currency=presentment,
                   exponent=exponent_of(currency))  # fmt: skip

    @property
    def bare_strings_fit(self) -> bool:
        """True when the bare (shop-currency) strings are amounts in this side's currency."""
        return self.side is MoneySide.SHOP or self.currency == self.shop_currency

    def read(self, obj: Mapping[str, Any], key: str, path: str = ROOT, *, number: bool = False) -> Decimal | None:
        """
        The amount ``key`` of ``obj`` (at ``path``) on this order's side, or None when there is none.

        The bag ``<key>_set`` is read when present and not null (its currency must be the side's: a
        `CurrencyError` otherwise); else the bare ``key``, a decimal string (a JSON number when
        ``number``), when it is in the side's currency (`bare_strings_fit`); else, if the bare amount
        exists in the wrong currency, a `MoneyError` at ``<key>_set``. Absent or null both ways: None.

        >>> money = OrderMoney.of({"currency": "EUR", "presentment_currency": "USD"}, MoneySide.SHOP)
        >>> money.read({"total_price": "12.50"}, "total_price")
        Decimal('12.50')
        """
        bag_key = key + "_set"
        bag = obj.get(bag_key)
        if bag is not None:
            bag_path = child(path, bag_key)
            found = bag_amount(bag, self.side, bag_path)
            if found.currency != self.currency:
                where = child(child(bag_path, self.side.bag_key), "currency_code")
                raise CurrencyError(where, found.currency, f"{self.currency}, the order's {self.side} currency")
            return found.amount
        value = obj.get(key)
        if value is None:
            return None
        if not self.bare_strings_fit:
            expected = (
                f"the {self.side} amount in {self.currency}: {key} alone is in the shop currency "
                f"{self.shop_currency}, and it is not converted"
            )
            raise MoneyError(child(path, bag_key), obj.get(bag_key, MISSING), expected)
        return json_number(value, child(path, key)) if number else decimal_text(value, child(path, key))

    def amount(self, obj: Mapping[str, Any], key: str, path: str = ROOT, *, number: bool = False) -> Decimal | None:
        """
        `read` for an amount Shopify never writes below zero (a price, a total, a tax, a discount): a negative
        one, on the side read, in the bare string or on the bag's other side, is a `MoneyError` at its path.

        >>> money = OrderMoney.of({"currency": "EUR"})
        >>> money.amount({"total_price": "12.50"}, "total_price")
        Decimal('12.50')
        >>> money.amount({"total_price": "-12.50"}, "total_price")
        Traceback (most recent call last):
        ...
        cartnorm.errors.MoneyError: expected an amount of zero or more (Shopify never writes total_price below ...
        """
        found = self.read(obj, key, path, number=number)
        never_negative(obj, key, path, self.side)
        return found
