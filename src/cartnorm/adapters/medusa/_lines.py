"""Medusa line items → Trackstar line items: the variant is the sellable unit, amounts per unit."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..._paths import ROOT
from ...model import LineItem
from ._context import Context
from ._reading import child, optional_str, quantity, required_str

__all__ = ["line_item"]


def _per_unit(
    context: Context, item: Mapping[str, Any], key: str, count: int, index: int, where: str
) -> Decimal | None:
    """``item[key]`` (a line amount) per unit; a rounding remainder is kept and reported. ``where``: the item's path."""
    exact = context.money.exact_per_unit(item, key, count)
    if exact is not None:
        return exact
    line = context.money.read(item, key, where)
    if line is None or count == 0:
        return None
    split = context.money.split(line, count, where, key)
    if not split.exact:
        relative = child(child(child(ROOT, "items"), index), key)
        context.remainders[relative] = split.remainder
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
    if context.money.version == 2:
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


def line_item(context: Context, item: Mapping[str, Any], index: int) -> LineItem:
    """
    The line item for ``items[index]``: ids from the variant, per-unit amounts, net unit price.

    For a tax-inclusive line the unit price is ``subtotal ÷ quantity`` (Medusa's subtotal is net
    of tax); without a subtotal the gross price is kept and a warning recorded.
    """
    where = context.at("items", index)
    identifier = required_str(item, "id", where)
    count = quantity(item, "quantity", where)
    product_id, sku, parent = _identity(context, item, identifier)
    unit_price = context.money.read(item, "unit_price", where)
    inclusive = item.get("is_tax_inclusive" if context.money.version == 2 else "includes_tax") is True
    if inclusive and unit_price is not None and count > 0:
        net = _per_unit(context, item, "subtotal", count, index, where)
        if net is None:
            context.log.add(
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
        discount=_per_unit(context, item, "discount_total", count, index, where),
        tax=_per_unit(context, item, "tax_total", count, index, where),
        warehouse_id=None,
    )
