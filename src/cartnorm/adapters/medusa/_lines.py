"""
Medusa line items → Trackstar line items: the variant is the sellable unit, amounts per unit.

Trackstar's ``unit_price``, ``discount`` and ``tax`` are per unit and net of tax, so that
``(unit_price − discount + tax) × quantity`` is the line's total for the ordered quantity:

* v1: ``discount_total`` and ``tax_total`` over ``quantity`` (minor units, rounded half-even,
  the remainder kept).
* v2: ``discount_subtotal`` (the discount before its tax: ``discount_total`` adds the tax on
  the discount, which ``tax_total`` has already taken off) and ``tax_total`` over the units the
  line's amounts cover. Medusa 2.x computes a line's amounts for the units kept after a
  received (or dismissed) return, while ``quantity`` stays the ordered quantity; the per-unit
  amounts come from the kept units, so they hold for every ordered unit.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from ..._paths import ROOT
from ...errors import MoneyError
from ...model import LineItem
from ._context import Context, LineFacts
from ._reading import child, detail_quantity, object_list, optional_str, quantity, required_str

__all__ = ["line_item"]

_ITEMS: Final = child(ROOT, "items")
_HUNDRED: Final = Decimal(100)
#: Rates and per-unit amounts recomputed from them: 20 significant digits, as Medusa's BigNumbers.
_RATES: Final = decimal.Context(prec=20, rounding=decimal.ROUND_HALF_EVEN)
#: The return quantities after which Medusa 2.x computes a line's amounts for the kept units only.
_RETURNED: Final = ("return_received_quantity", "return_dismissed_quantity")


def _per_unit(context: Context, item: Mapping[str, Any], key: str, count: int, index: int,
              where: str, line: Decimal | None = None) -> Decimal | None:  # fmt: skip
    """``item[key]`` (a line amount covering ``count`` units) per unit; a rounding remainder is kept and reported."""
    if count == 0:
        return None
    if line is None:
        exact = context.money.exact_per_unit(item, key, count)
        if exact is not None and exact >= 0:
            return exact
        line = context.money.amount(item, key, where)
    if line is None:
        return None
    if line < 0:
        raise MoneyError(child(where, key), line, "an amount of zero or more (Medusa never writes it below zero)")
    split = context.money.split(line, count, where, key)
    if not split.exact:
        context.remainders[child(child(_ITEMS, index), key)] = split.remainder
        if not context.v2:  # v2 per-unit amounts round only beyond Medusa's own 20 digits: not worth a warning
            context.log.add(
                "rounding_remainder",
                child(where, key),
                f"{key} {line} over quantity {count} is {split.per_unit} per unit; the remainder {split.remainder} "
                "is kept in additional_fields.medusa.remainders",
            )
    return split.per_unit


def _identity(context: Context, item: Mapping[str, Any], identifier: str) -> tuple[str, str | None, str | None]:
    """(product_id, product_sku, parent_product_id): the variant is the sellable unit."""
    variant = item.get("variant")
    variant = variant if isinstance(variant, Mapping) else {}
    product_id = _first(item, "variant_id", variant, "id")
    if context.v2:
        sku = _first(item, "variant_sku", variant, "sku")
        parent = _first(item, "product_id", variant, "product_id")
    else:
        sku = optional_str(variant, "sku")
        parent = optional_str(variant, "product_id")
    return identifier if product_id is None else product_id, sku, parent


def _first(item: Mapping[str, Any], key: str, variant: Mapping[str, Any], variant_key: str) -> str | None:
    """The string at ``item[key]``, else the one at ``variant[variant_key]``, else None."""
    found = optional_str(item, key)
    return optional_str(variant, variant_key) if found is None else found


def _basis(context: Context, item: Mapping[str, Any], count: int, unit: Decimal | None, inclusive: bool,
           where: str) -> int:  # fmt: skip
    """
    The units a v2 line's amounts cover: ``quantity − return_received − return_dismissed`` when
    Medusa computed them so (2.x since returns shrink lines), else the quantity (older 2.x kept
    ordered-quantity amounts: told apart by ``subtotal``, ``original_total`` when tax-inclusive,
    against ``unit_price × quantity``).
    """
    detail = item.get("detail")
    if not isinstance(detail, Mapping):
        return count
    detail_path = child(where, "detail")
    returned = sum(detail_quantity(detail, key, detail_path) for key in _RETURNED)
    if returned <= 0:
        return count
    kept = max(count - returned, 0)
    base = context.money.read(item, "original_total" if inclusive else "subtotal", where)
    if base is not None and unit is not None and unit and base == unit * count:
        return count
    return kept


def _rate(context: Context, item: Mapping[str, Any], where: str) -> Decimal | None:
    """The item's summed tax rate as a fraction (8.875 % → 0.08875); None without tax lines."""
    lines = object_list(item, "tax_lines", where)
    if "tax_lines" not in item:
        return None
    total = Decimal(0)
    for index, line in enumerate(lines):
        rate = context.money.read(line, "rate", child(child(where, "tax_lines"), index))
        if rate is None:
            return None
        total += rate
    return total / _HUNDRED


def _from_rates(context: Context, item: Mapping[str, Any], count: int, unit: Decimal | None, inclusive: bool,
                where: str) -> tuple[Decimal | None, Decimal | None, Decimal | None]:  # fmt: skip
    """
    (net unit price, discount, tax) per unit for a v2 line whose every unit was returned (Medusa
    then reports all its amounts as zero): recomputed from ``unit_price``, ``adjustments`` and
    ``tax_lines`` with Medusa's formula.
    """
    rate = _rate(context, item, where)
    if unit is None or rate is None or "adjustments" not in item:
        context.log.add(
            "line_amounts_unavailable",
            where,
            "every unit was returned, so Medusa reports the line's amounts as zero, and the line lacks "
            "unit_price, tax_lines or adjustments to recompute them",
        )
        return unit, None, None
    net = _RATES.divide(unit, 1 + rate) if inclusive else unit
    discount = Decimal(0)
    for position, adjustment in enumerate(object_list(item, "adjustments", where)):
        at = child(child(where, "adjustments"), position)
        amount = context.money.read(adjustment, "subtotal", at)
        if amount is None:
            amount = context.money.amount(adjustment, "amount", at) or Decimal(0)
            if adjustment.get("is_tax_inclusive") is True:
                amount = _RATES.divide(amount, 1 + rate)
        discount += amount
    discount = context.money.split(discount, count, where, "discount_subtotal").per_unit if count else discount
    tax = _RATES.multiply(rate, net - discount)
    context.log.add("line_recomputed_from_rates", where, f"every unit was returned (Medusa reports the line's amounts "
                    f"as zero): per unit recomputed from unit_price, adjustments and tax_lines as {net} net, "
                    f"{discount} discount, {tax} tax")  # fmt: skip
    return net, discount, tax


def _v2_discount(context: Context, item: Mapping[str, Any], basis: int, index: int, where: str) -> Decimal | None:
    """The v2 discount per unit, before tax: ``discount_subtotal``, else ``discount_total − discount_tax_total``."""
    if "discount_subtotal" in item or "raw_discount_subtotal" in item:
        return _per_unit(context, item, "discount_subtotal", basis, index, where)
    gross = context.money.amount(item, "discount_total", where)
    tax = context.money.amount(item, "discount_tax_total", where)
    if gross is not None and tax is None and not gross:
        tax = gross  # no discount, so no tax on it
    if gross is None or tax is None:
        context.log.add("discount_unavailable", child(where, "discount_subtotal"), "the line has no discount_subtotal "
                        "(nor discount_total and discount_tax_total): its discount before tax is unknown")  # fmt: skip
        return None
    return _per_unit(context, item, "discount_subtotal", basis, index, where, gross - tax)


def line_item(context: Context, item: Mapping[str, Any], index: int) -> LineItem:
    """
    The line item for ``items[index]``: ids from the variant, per-unit amounts, net unit price.

    For a tax-inclusive line the unit price is ``subtotal ÷ units`` (Medusa's subtotal is net
    of tax); without a subtotal the gross price is kept and a warning recorded.
    """
    where = context.at("items", index)
    identifier = required_str(item, "id", where)
    count = quantity(item, "quantity", where)
    product_id, sku, parent = _identity(context, item, identifier)
    unit_price = context.money.amount(item, "unit_price", where)
    inclusive = item.get("is_tax_inclusive" if context.v2 else "includes_tax") is True
    basis = _basis(context, item, count, unit_price, inclusive, where) if context.v2 else count
    if basis != count:
        context.quantities[child(_ITEMS, index)] = basis
    if basis == 0 and count > 0:
        unit_price, discount, tax = _from_rates(context, item, count, unit_price, inclusive, where)
    else:
        if inclusive and unit_price is not None and basis > 0:
            net = _per_unit(context, item, "subtotal", basis, index, where)
            if net is None:
                context.log.add(
                    "tax_inclusive_unit_price",
                    child(where, "unit_price"),
                    "tax-inclusive line without a subtotal: unit_price is left gross (it includes tax)",
                )
            else:
                unit_price = net
        if context.v2:
            discount = _v2_discount(context, item, basis, index, where)
        else:
            discount = _per_unit(context, item, "discount_total", basis, index, where)
        tax = _per_unit(context, item, "tax_total", basis, index, where)
    if context.v2:
        parts = (unit_price, discount, tax)
        per_unit_total = None if None in parts else unit_price - discount + tax  # type: ignore[operator]
        context.lines.append(LineFacts(count, basis, per_unit_total, discount, tax))
    return LineItem(
        line_item_id=identifier,
        product_id=product_id,
        product_sku=sku,
        parent_product_id=parent,
        parent_product_sku=None,
        quantity=count,
        unit_price=unit_price,
        discount=discount,
        tax=tax,
        warehouse_id=None,
    )
