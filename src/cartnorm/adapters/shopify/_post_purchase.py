"""
``additional_fields.shopify.post_purchase``: what happened to an order after it was placed, readable
in one place (the lossless part keeps the same facts, raw and scattered), with the keys Medusa's
``post_purchase`` has so one query reads both vendors::

    {"current_total": Decimal("199.65"),       # current_total_price: the order now (after refunds and edits)
     "current_total_tax": …, "current_total_discount": …, "current_subtotal": …,
     "current_total_shipping": …,              # current_shipping_price_set, when the payload has it
     "refunded_total": Decimal("209.00"),      # Σ the refunds' amounts (null when one is in another currency)
     "refunds": [{"id": "509562969", "amount": Decimal("209.00"), "currency": "USD",
                  "note": "it broke during shipping", "created_at": "…", "processed_at": "…",
                  "lines": [{"line_item_id": "466157049", "quantity": 1, "restock_type": "legacy_restock",
                             "subtotal": Decimal("195.66"), "total_tax": Decimal("3.98")}],
                  "shipping": Decimal("0")}],
     "refunded_quantities": {"466157049": 1}}

Amounts are on the order's side (``money_side``), exact; a refund's ``amount`` is what its successful
``refund`` transactions paid back, in their currency (the buyer's). Written only when something
happened: a refund, or a current total that differs from the total as placed.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..._paths import child
from ...errors import PayloadError
from ...lossless import Reading
from ...money import normalize_currency
from ._amounts import decimal_text
from ._context import ZERO, Context

__all__ = ["post_purchase"]


def _objects(reading: Reading, value: object, key: str, what: str) -> list[Mapping[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise PayloadError(reading.at(key), value, f"{what}: a list of objects")
    return value


def _text_of(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _refund(context: Context, reading: Reading, refund: Mapping[str, Any], currencies: set[str]) -> dict[str, Any]:
    """One refund as ``post_purchase`` shows it (``reading`` is the refund's, for paths; nothing is consumed)."""
    record: dict[str, Any] = {"id": str(refund["id"]) if type(refund.get("id")) is int else None}
    amount: Decimal | None = ZERO
    currency: str | None = None
    for index, transaction in enumerate(_objects(reading, refund.get("transactions"), "transactions", "transactions")):
        if transaction.get("kind") != "refund" or transaction.get("status") != "success":
            continue
        where = child(reading.at("transactions"), index)
        paid = decimal_text(transaction.get("amount"), child(where, "amount"))
        found = normalize_currency(transaction.get("currency", context.currency), path=child(where, "currency"))
        if currency not in (None, found):
            amount = None  # several currencies in one refund: no one amount
        currency = found
        amount = None if amount is None else amount + paid
    record |= {
        "amount": amount,
        "currency": currency or context.currency,
        "note": _text_of(refund.get("note")),
        "created_at": _text_of(refund.get("created_at")),
        "processed_at": _text_of(refund.get("processed_at")),
    }
    currencies.add(record["currency"])
    lines = []
    for index, line in enumerate(
        _objects(reading, refund.get("refund_line_items"), "refund_line_items", "refund line items")
    ):
        at = Reading(dict(line), path=child(reading.at("refund_line_items"), index))
        ident, quantity = line.get("line_item_id"), line.get("quantity")
        if type(quantity) is int and quantity < 0:
            raise PayloadError(at.at("quantity"), quantity, "the quantity refunded: a whole number of zero or more")
        lines.append(
            {
                "line_item_id": str(ident) if type(ident) is int else None,
                "quantity": quantity if type(quantity) is int else None,
                "restock_type": _text_of(line.get("restock_type")),
                "subtotal": context.amount(at, "subtotal", number=True),
                "total_tax": context.amount(at, "total_tax", number=True),
            }
        )
    record["lines"] = lines
    shipping = ZERO
    for index, adjustment in enumerate(
        _objects(reading, refund.get("order_adjustments"), "order_adjustments", "order adjustments")
    ):
        if adjustment.get("kind") == "shipping_refund":
            at = Reading(dict(adjustment), path=child(reading.at("order_adjustments"), index))
            # Shopify writes what is refunded as a negative amount: read with its sign
            shipping -= context.amount(at, "amount", signed=True) or ZERO
    record["shipping"] = shipping
    return record


def post_purchase(context: Context, order: Reading, total_price: Decimal | None) -> dict[str, Any]:
    """The ``post_purchase`` entry of the order (empty when nothing happened after it was placed)."""
    found: dict[str, Any] = {}
    for key, name in (
        ("current_total_price", "current_total"),
        ("current_total_tax", "current_total_tax"),
        ("current_total_discounts", "current_total_discount"),
        ("current_subtotal_price", "current_subtotal"),
        ("current_shipping_price", "current_total_shipping"),
    ):
        amount = context.amount(order, key)
        if amount is not None:
            found[name] = amount
    refunds = _objects(order, order.value.get("refunds"), "refunds", "the order's refunds")
    if not refunds and found.get("current_total", total_price) == total_price:
        return {}
    currencies: set[str] = set()
    records = []
    quantities: dict[str, int] = {}
    for index, refund in enumerate(refunds):
        reading = Reading(dict(refund), path=child(order.at("refunds"), index))
        record = _refund(context, reading, refund, currencies)
        records.append(record)
        for line in record["lines"]:
            if line["line_item_id"] is not None and line["quantity"] is not None:
                quantities[line["line_item_id"]] = quantities.get(line["line_item_id"], 0) + line["quantity"]
    amounts = [record["amount"] for record in records]
    if currencies <= {context.currency} and None not in amounts:
        found["refunded_total"] = sum(amounts, ZERO)
    else:
        found["refunded_total"] = None
        context.log.add(
            "refunds_in_another_currency",
            order.at("refunds"),
            f"a refund was paid back in {sorted(currencies - {context.currency}) or 'several currencies'}, "
            f"not the order's {context.currency}: refunded_total is null, each refund keeps its currency",
        )
    found["refunds"] = records
    found["refunded_quantities"] = quantities
    return found
