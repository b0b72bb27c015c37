"""
Order totals, recomputed with Medusa's own formulas when a response does not carry them.

v1 (``OrderService.decorateTotals``)::

    subtotal  = Σ item.subtotal            (item: unit_price × quantity when tax-exclusive)
    shipping  = Σ shipping_method.subtotal (or price, when tax-exclusive)
    tax_total = Σ item.tax_total + Σ shipping_method.tax_total − gift_card_tax_total
    total     = subtotal + shipping + tax_total − discount_total − gift_card_total

v2 (totals are per line already)::

    total     = Σ item.total + Σ shipping_method.total
    tax_total = Σ item.tax_total + Σ shipping_method.tax_total
    discount  = Σ item.discount_total + Σ shipping_method.discount_total
    shipping  = Σ shipping_method.subtotal

Each order-level figure the payload does carry is used as it is. A figure that cannot be
recomputed (a line lacks the amount it needs) is None.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..._paths import child
from ._amounts import Money

__all__ = ["ORDER_TOTALS", "recompute"]

#: Canonical field → the Medusa order field it comes from, per version.
ORDER_TOTALS = {
    1: {"total_price": "total", "total_tax": "tax_total", "total_discount": "discount_total",
        "total_shipping": "shipping_total"},
    2: {"total_price": "total", "total_tax": "tax_total", "total_discount": "discount_total",
        "total_shipping": "shipping_subtotal"},
}  # fmt: skip

_Entries = Sequence[Mapping[str, Any]]
_Read = Callable[[Mapping[str, Any], str], Decimal | None]


def _exact() -> decimal.Context:
    return decimal.Context(prec=1000, traps=[decimal.Inexact, decimal.InvalidOperation, decimal.Overflow])


def _sum(values: Sequence[Decimal | None]) -> Decimal | None:
    if any(value is None for value in values):
        return None
    total = Decimal(0)
    context = _exact()
    for value in values:
        assert value is not None
        total = context.add(total, value)
    return total


def _combine(*terms: tuple[int, Decimal | None]) -> Decimal | None:
    context = _exact()
    result = Decimal(0)
    for sign, value in terms:
        if value is None:
            return None
        result = context.add(result, value) if sign > 0 else context.subtract(result, value)
    return result


def recompute(
    order: Mapping[str, Any],
    items: _Entries,
    methods: _Entries,
    money: Money,
    path: str,
) -> dict[str, Decimal | None]:
    """Return the four order totals (Medusa field names), read or recomputed."""
    items_path, methods_path = child(path, "items"), child(path, "shipping_methods")

    def each(entries: _Entries, where: str, read: _Read) -> list[Decimal | None]:
        return [read(entry, child(where, index)) for index, entry in enumerate(entries)]

    def field(key: str) -> _Read:
        return lambda entry, where: money.read(entry, key, where)

    def given(key: str, fallback: Callable[[], Decimal | None]) -> Decimal | None:
        value = money.read(order, key, path)
        return value if value is not None else fallback()

    zero = Decimal(0)

    def both(key: str) -> Callable[[], Decimal | None]:
        return lambda: _sum(each(items, items_path, field(key)) + each(methods, methods_path, field(key)))

    if money.version == 2:
        return {
            "total": given("total", both("total")),
            "tax_total": given("tax_total", both("tax_total")),
            "discount_total": given("discount_total", both("discount_total")),
            "shipping_subtotal": given(
                "shipping_subtotal", lambda: _sum(each(methods, methods_path, field("subtotal")))
            ),
        }

    def item_subtotal(item: Mapping[str, Any], where: str) -> Decimal | None:
        given_subtotal = money.read(item, "subtotal", where)
        if given_subtotal is not None:
            return given_subtotal
        unit = money.read(item, "unit_price", where)
        count = item.get("quantity")
        if unit is None or type(count) is not int or item.get("includes_tax") is True:
            return None
        return _exact().multiply(unit, Decimal(count))

    def method_subtotal(method: Mapping[str, Any], where: str) -> Decimal | None:
        given_subtotal = money.read(method, "subtotal", where)
        if given_subtotal is not None or method.get("includes_tax") is True:
            return given_subtotal
        return money.read(method, "price", where)

    subtotal = given("subtotal", lambda: _sum(each(items, items_path, item_subtotal)))
    discount = given("discount_total", lambda: _sum(each(items, items_path, field("discount_total"))))
    shipping = given("shipping_total", lambda: _sum(each(methods, methods_path, method_subtotal)))
    gift_card_tax = money.read(order, "gift_card_tax_total", path) or zero
    gift_card = money.read(order, "gift_card_total", path) or zero

    def tax_fallback() -> Decimal | None:
        item_tax = given("item_tax_total", lambda: _sum(each(items, items_path, field("tax_total"))))
        method_tax = given("shipping_tax_total", lambda: _sum(each(methods, methods_path, field("tax_total"))))
        return _combine((1, item_tax), (1, method_tax), (-1, gift_card_tax))

    tax = given("tax_total", tax_fallback)
    total = given("total", lambda: _combine((1, subtotal), (1, shipping), (1, tax), (-1, discount), (-1, gift_card)))
    return {"total": total, "tax_total": tax, "discount_total": discount, "shipping_total": shipping}
