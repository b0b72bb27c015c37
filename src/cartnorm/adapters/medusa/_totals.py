"""
Order totals: Medusa's own, the price of the order as placed, recomputed when a response lacks them.

What the four Trackstar totals are, per version (docs/vendors/medusa.md says why)::

    total_price     v1 total                 v2 total + credit_line_total + what returns took off the lines
    total_tax       v1 tax_total             v2 tax_total (after discounts) + the returned units' tax
    total_discount  v1 discount_total        v2 discount_subtotal (before its tax) + the returned units'
    total_shipping  v1 shipping_total        v2 shipping_subtotal (before discounts and tax)

so that ``Σ unit_price × quantity − total_discount + total_tax + total_shipping = total_price``
holds for the order as placed. v2 books a refund as a credit line and lowers ``total`` by it,
and (2.x) computes each line's amounts for the units kept after a received return: both are
added back, and stay readable in ``additional_fields.medusa.post_purchase``.

When a response does not carry a total, it is recomputed with Medusa's formulas:

v1 (``OrderService.decorateTotals``)::

    subtotal  = Σ item.subtotal            (item: unit_price × quantity when tax-exclusive)
    shipping  = Σ shipping_method.subtotal (or price, when tax-exclusive)
    tax_total = Σ item.tax_total + Σ shipping_method.tax_total − gift_card_tax_total
    total     = subtotal + shipping + tax_total − discount_total − gift_card_total

v2 (totals are per line already)::

    total     = Σ item.total + Σ shipping_method.total            (before credit lines)
    tax_total = Σ item.tax_total + Σ shipping_method.tax_total
    discount  = Σ item.discount_subtotal + Σ shipping_method.discount_subtotal
                (or the order's discount_total − discount_tax_total)
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
from ...errors import MoneyError
from ._amounts import Money
from ._context import Context

__all__ = ["ORDER_TOTALS", "order_totals", "recompute"]

#: Canonical field → the Medusa order field it comes from, per version.
ORDER_TOTALS = {
    1: {"total_price": "total", "total_tax": "tax_total", "total_discount": "discount_total",
        "total_shipping": "shipping_total"},
    2: {"total_price": "total", "total_tax": "tax_total", "total_discount": "discount_subtotal",
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

        def net_discount() -> Decimal | None:
            gross, tax = money.read(order, "discount_total", path), money.read(order, "discount_tax_total", path)
            if gross is not None and tax is not None:  # Medusa: discount_total = discount_subtotal + discount_tax_total
                return _combine((1, gross), (-1, tax))
            return both("discount_subtotal")()

        return {
            "total": given("total", both("total")),
            "tax_total": given("tax_total", both("tax_total")),
            "discount_subtotal": given("discount_subtotal", net_discount),
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


def _carried(order: Mapping[str, Any], key: str) -> bool:
    return key in order or "raw_" + key in order


def order_totals(
    context: Context, items: Sequence[Mapping[str, Any]], methods: Sequence[Mapping[str, Any]]
) -> dict[str, Decimal | None]:
    """The four canonical totals (see the module's docstring); warnings say what was recomputed."""
    mapping = ORDER_TOTALS[context.money.version]
    order, money = context.order, context.money
    carried = {key for key in mapping.values() if key in order or "raw_" + key in order}
    values = {} if len(carried) == len(mapping) else recompute(order, items, methods, money, context.path)
    result: dict[str, Decimal | None] = {}
    for canonical_name, key in mapping.items():
        if key in carried:
            value = money.read(order, key, context.path)  # null stays null: Medusa said "unknown"
        else:
            value = values[key]
            if value is None:
                context.log.add("total_unavailable", context.at(key), f"{key} is absent and cannot be recomputed")
            elif key == "discount_subtotal" and _carried(order, "discount_total"):
                pass  # discount_total − discount_tax_total: Medusa's own identity, nothing to report
            else:
                context.log.add("total_recomputed", context.at(key), f"{key} is absent: recomputed as {value}")
        result[canonical_name] = value
    if context.v2:
        _as_placed(context, result, "total" in carried)
    for canonical_name, key in mapping.items():
        value = result[canonical_name]
        if value is not None and value.is_signed() and value:
            raise MoneyError(context.at(key), order.get(key, value), "an order total of zero or more")
    return result


def _as_placed(context: Context, totals: dict[str, Decimal | None], total_given: bool) -> None:
    """Add back to the v2 totals what credit lines and received returns took off (see the module's docstring)."""
    order, money, exact = context.order, context.money, _exact()
    if total_given and totals["total_price"] is not None:
        credit = money.read(order, "credit_line_total", context.path)
        if credit is None:
            lines = order.get("credit_lines")
            if isinstance(lines, list):
                where = context.at("credit_lines")
                credit = _sum([money.read(line, "amount", child(where, index)) if isinstance(line, Mapping) else None
                               for index, line in enumerate(lines)])  # fmt: skip
            elif "credit_line_total" not in order:
                context.log.add("credit_lines_unknown", context.at("credit_line_total"), "the response carries "
                                "neither credit_line_total nor credit_lines: total is read as the price of the order "
                                "as placed, which it is unless a refund was booked as a credit line")  # fmt: skip
                credit = Decimal(0)
        totals["total_price"] = None if credit is None else exact.add(totals["total_price"], credit)
    for facts in context.lines:
        units = facts.quantity - facts.basis
        if units <= 0:
            continue
        for name, per_unit in (("total_price", facts.per_unit_total), ("total_tax", facts.tax),
                               ("total_discount", facts.discount)):  # fmt: skip
            current = totals[name]
            if current is not None and per_unit is not None:
                totals[name] = exact.add(current, exact.multiply(per_unit, units))
            else:
                totals[name] = None
