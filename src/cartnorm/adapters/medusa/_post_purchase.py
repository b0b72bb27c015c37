"""
``additional_fields.medusa.post_purchase``: what happened to an order's money and goods after it
was placed, in one readable place (the lossless copy keeps it too, but scattered and raw).

v2::

    {"current_total": 0,                  # Medusa's total now: after credit lines and received returns
     "credit_line_total": 58.770725,
     "credit_lines": [{"id": "ordcl_…", "amount": 58.770725, "reference": "payment_collection",
                       "reference_id": "pay_col_…", "created_at": "…"}],
     "refunded_total": 58.770725,          # summary.refunded_total, else Σ payment_collections[].refunded_amount
     "refunds": [{"id": "ref_…", "amount": 58.770725, "note": "…", "payment_id": "pay_…", "created_at": …}],
     "returned_quantities": {"ordli_…": {"return_requested": 0, "return_received": 1,
                                         "return_dismissed": 0, "written_off": 0}}}

v1: ``refunded_total``, ``refunds`` (``refunds[]``: id, amount, note, reason, created_at) and
``returned_quantities`` (``{"item_…": {"returned": 1}}`` from ``items[].returned_quantity``).

Amounts are major units, exact. Written only when something happened (a refund, a credit line,
a return); each key only when the response carries what it needs. Without it, the order is
as it was placed: ``current_total`` equals ``total_price``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from ...lossless import copy_json
from ._context import Context
from ._reading import child, detail_quantity, optional_str

__all__ = ["post_purchase"]

_V2_RETURNS: Final = ("return_requested", "return_received", "return_dismissed", "written_off")


def _objects(value: object) -> list[Mapping[str, Any]]:
    return [entry for entry in value if isinstance(entry, Mapping)] if isinstance(value, list) else []


def _record(context: Context, entry: Mapping[str, Any], where: str, keys: tuple[str, ...]) -> dict[str, Any]:
    record: dict[str, Any] = {"id": optional_str(entry, "id"), "amount": context.money.read(entry, "amount", where)}
    for key in keys:
        if key in entry:
            record[key] = copy_json(entry[key])
    return record


def _v2(context: Context, total_price: Decimal | None) -> dict[str, Any]:
    order, money = context.order, context.money
    found: dict[str, Any] = {}
    credit_lines = [
        _record(context, line, context.at("credit_lines", index), ("reference", "reference_id", "created_at"))
        for index, line in enumerate(_objects(order.get("credit_lines")))
    ]
    credit_total = money.read(order, "credit_line_total", context.path)
    if credit_total or any(line["amount"] for line in credit_lines):
        found["credit_line_total"] = credit_total
        found["credit_lines"] = credit_lines
    refunds: list[dict[str, Any]] | None = None
    refunded_amounts: list[Decimal | None] = []
    for index, collection in enumerate(_objects(order.get("payment_collections"))):
        where = context.at("payment_collections", index)
        refunded_amounts.append(money.read(collection, "refunded_amount", where))
        if refunds is None and isinstance(collection.get("payments"), list):
            refunds = []
        for position, payment in enumerate(_objects(collection.get("payments"))):
            at = child(child(where, "payments"), position)
            for number, refund in enumerate(_objects(payment.get("refunds"))):
                record = _record(context, refund, child(child(at, "refunds"), number), ("note", "created_at"))
                record["payment_id"] = optional_str(payment, "id")
                assert refunds is not None
                refunds.append(record)
    summary = order.get("summary")
    refunded = money.read(summary, "refunded_total", context.at("summary")) if isinstance(summary, Mapping) else None
    if refunded is None and refunded_amounts and all(amount is not None for amount in refunded_amounts):
        refunded = sum((amount for amount in refunded_amounts if amount is not None), Decimal(0))
    if refunded or refunds:
        found["refunded_total"] = refunded
        if refunds is not None:  # only when the response lists the payments
            found["refunds"] = refunds
    returned = {}
    for index, item in enumerate(_objects(order.get("items"))):
        detail = item.get("detail")
        if not isinstance(detail, Mapping) or not isinstance(item.get("id"), str):
            continue
        where = child(context.at("items", index), "detail")
        counts = {name: detail_quantity(detail, name + "_quantity", where) for name in _V2_RETURNS}
        if any(counts.values()):
            returned[item["id"]] = counts
    if returned:
        found["returned_quantities"] = returned
    current = money.read(order, "total", context.path)
    if found or (current is not None and total_price is not None and current != total_price):
        found = {"current_total": current, **found}
    return found


def _v1(context: Context) -> dict[str, Any]:
    order = context.order
    found: dict[str, Any] = {}
    if order.get("refunds") or order.get("refunded_total"):  # most orders: neither
        refunds = [
            _record(context, refund, context.at("refunds", index), ("note", "reason", "created_at"))
            for index, refund in enumerate(_objects(order.get("refunds")))
        ]
        found["refunded_total"] = context.money.read(order, "refunded_total", context.path)
        found["refunds"] = refunds
    items = order.get("items")
    returned = {
        item["id"]: {"returned": item["returned_quantity"]}
        for item in (items if isinstance(items, list) else ())
        if type(item) is dict and item.get("returned_quantity") and isinstance(item.get("id"), str)
        and type(item["returned_quantity"]) is int
    }  # fmt: skip
    if returned:
        found["returned_quantities"] = returned
    return found


def post_purchase(context: Context, total_price: Decimal | None) -> dict[str, Any]:
    """The ``post_purchase`` entry for the order (empty when nothing happened after it was placed)."""
    return _v2(context, total_price) if context.v2 else _v1(context)
