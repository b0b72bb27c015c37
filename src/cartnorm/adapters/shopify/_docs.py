"""The generated regions of ``docs/vendors/shopify.md``, rendered from the adapter's data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from ...docgen import render_status_rules, render_status_table
from ._statuses import (
    CANCELLED_AT_VALUES,
    FINANCIAL_STATUSES,
    FULFILLMENT_ORDER_STATUSES,
    FULFILLMENT_STATUSES,
    ORDER_STATUS_TABLE,
    SHIPMENT_STATUS_TABLE,
    SHIPMENT_STATUSES,
    SHIPPING_GROUP_STATUS_TABLE,
    TRACKING_STATUSES,
)

__all__ = ["DOC_REGIONS"]


def _values(values: tuple[str, ...]) -> str:
    return ", ".join(f"`{value}`" for value in values)


def render_enums() -> str:
    """The documented values of every axis the tables read."""
    rows = [
        ("order", "`financial_status`", FINANCIAL_STATUSES),
        ("order", "`fulfillment_status`", FULFILLMENT_STATUSES),
        ("order", "`cancelled_at`", CANCELLED_AT_VALUES),
        ("fulfillment", "`status`", SHIPMENT_STATUSES),
        ("fulfillment", "`shipment_status`", TRACKING_STATUSES),
        ("fulfillment order", "`status`", FULFILLMENT_ORDER_STATUSES),
        ("fulfillment order", "`fulfilled` (derived)", ("some", "none")),
    ]
    lines = ["| object | axis | documented values |", "| --- | --- | --- |"]
    lines += [f"| {owner} | {axis} | {_values(values)} |" for owner, axis, values in rows]
    return "\n".join(lines) + "\n"


#: Region name → renderer, for ``cartnorm docs`` (see `cartnorm.docgen.doc_regions`).
DOC_REGIONS: Final[dict[str, Callable[[], str]]] = {
    "shopify-status-enums": render_enums,
    "shopify-order-rules": lambda: render_status_rules(ORDER_STATUS_TABLE),
    "shopify-order-table": lambda: render_status_table(ORDER_STATUS_TABLE),
    "shopify-shipment-rules": lambda: render_status_rules(SHIPMENT_STATUS_TABLE),
    "shopify-shipment-table": lambda: render_status_table(SHIPMENT_STATUS_TABLE),
    "shopify-shipping-group-rules": lambda: render_status_rules(SHIPPING_GROUP_STATUS_TABLE),
    "shopify-shipping-group-table": lambda: render_status_table(SHIPPING_GROUP_STATUS_TABLE),
}
