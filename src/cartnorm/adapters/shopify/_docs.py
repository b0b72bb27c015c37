"""The generated regions of ``docs/vendors/shopify.md``, rendered from the adapter's data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from ...docgen import markdown_cell, render_status_table
from ._statuses import (
    CANCELLED_AT_VALUES,
    FINANCIAL_STATUSES,
    FULFILLMENT_ORDER_STATUSES,
    FULFILLMENT_STATUSES,
    ORDER_AXES,
    ORDER_RULES,
    ORDER_STATUS_TABLE,
    SHIPMENT_AXES,
    SHIPMENT_RULES,
    SHIPMENT_STATUS_TABLE,
    SHIPMENT_STATUSES,
    SHIPPING_GROUP_AXES,
    SHIPPING_GROUP_RULES,
    SHIPPING_GROUP_STATUS_TABLE,
    TRACKING_STATUSES,
    Rule,
    ShipmentStatusTable,
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


def render_rules(rules: tuple[Rule[Any], ...], axes: tuple[str, ...]) -> str:
    """The ordered rules (first match wins) as a Markdown table."""
    header = ["#", *(f"`{axis}`" for axis in axes), "Trackstar `status`", "why"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    for number, rule in enumerate(rules, start=1):
        cells = [_values(tuple(sorted(rule.when[axis]))) if axis in rule.when else "*any*" for axis in axes]
        lines.append(
            f"| {number} | " + " | ".join(cells) + f" | `{rule.status.value}` | {markdown_cell(rule.reason)} |"
        )
    return "\n".join(lines) + "\n"


def render_shipment_table(table: ShipmentStatusTable) -> str:
    """Every row of a shipment or shipping-group table, in the layout of `cartnorm.docgen.render_status_table`."""
    header = [*(f"`{axis}`" for axis in table.axes), "Trackstar `status`", "why"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    for key, decision in table.rows.items():
        cells = [*(f"`{value}`" for value in key), f"`{decision.status.value}`", markdown_cell(decision.reason)]
        lines.append("| " + " | ".join(cells) + " |")
    anything = ["*any other value*"] * len(table.axes)
    lines.append("| " + " | ".join([*anything, "`other`", markdown_cell(table.unknown_reason)]) + " |")
    return "\n".join(lines) + "\n"


#: Region name → renderer, for ``cartnorm docs`` (see `cartnorm.docgen.doc_regions`).
DOC_REGIONS: Final[dict[str, Callable[[], str]]] = {
    "shopify-status-enums": render_enums,
    "shopify-order-rules": lambda: render_rules(ORDER_RULES, ORDER_AXES),
    "shopify-order-table": lambda: render_status_table(ORDER_STATUS_TABLE),
    "shopify-shipment-rules": lambda: render_rules(SHIPMENT_RULES, SHIPMENT_AXES),
    "shopify-shipment-table": lambda: render_shipment_table(SHIPMENT_STATUS_TABLE),
    "shopify-shipping-group-rules": lambda: render_rules(SHIPPING_GROUP_RULES, SHIPPING_GROUP_AXES),
    "shopify-shipping-group-table": lambda: render_shipment_table(SHIPPING_GROUP_STATUS_TABLE),
}
