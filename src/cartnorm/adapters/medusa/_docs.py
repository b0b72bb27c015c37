"""The generated regions of ``docs/vendors/medusa.md``, rendered from the adapter's data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from ...docgen import markdown_cell, render_status_table
from ...money import ISO_4217_MINOR_UNITS
from ._amounts import ADMIN_UI_EXPONENTS
from ._statuses import (
    AXES,
    AXES_V2,
    RULES_V1,
    RULES_V2,
    STATUS_TABLE_V1,
    STATUS_TABLE_V2,
    UNITS_SHIPPED,
    V1_VALUES,
    V2_VALUES,
    Rule,
)

__all__ = ["DOC_REGIONS"]


def render_rules(rules: tuple[Rule, ...], axes: tuple[str, ...] = AXES) -> str:
    """The ordered rules (first match wins) as a Markdown table."""
    header = " | ".join(f"`{axis}`" for axis in axes)
    lines = [f"| # | {header} | Trackstar `status` | why |", "| --- | " + "--- | " * len(axes) + "--- | --- |"]
    for number, rule in enumerate(rules, start=1):
        cells = [
            ", ".join(f"`{value}`" for value in sorted(rule.when[axis])) if axis in rule.when else "*any*"
            for axis in axes
        ]
        lines.append(
            f"| {number} | " + " | ".join(cells) + f" | `{rule.status.value}` | {markdown_cell(rule.reason)} |"
        )
    return "\n".join(lines) + "\n"


def render_enums() -> str:
    """The documented values of each axis, per Medusa version (the derived v2 axis last)."""
    lines = ["| axis | Medusa v1 | Medusa v2 |", "| --- | --- | --- |"]
    for axis in AXES_V2:
        v1 = ", ".join(f"`{value}`" for value in V1_VALUES[axis]) if axis in V1_VALUES else "—"
        v2 = ", ".join(f"`{value}`" for value in V2_VALUES[axis])
        name = (
            f"`{axis}` (derived: every item's `detail.shipped_quantity` ≥ its quantity)"
            if axis == UNITS_SHIPPED
            else f"`{axis}`"
        )
        lines.append(f"| {name} | {v1} | {v2} |")
    return "\n".join(lines) + "\n"


def render_exponents() -> str:
    """Where the v1 default differs from ISO 4217."""
    lines = ["| currency | Medusa v1 admin UI (used) | ISO 4217 |", "| --- | --- | --- |"]
    for code, exponent in sorted(ADMIN_UI_EXPONENTS.items()):
        iso = ISO_4217_MINOR_UNITS.get(code)
        lines.append(f"| `{code}` | {exponent} | {'withdrawn' if iso is None else iso} |")
    return "\n".join(lines) + "\n"


#: Region name → renderer, for ``cartnorm docs`` (see `cartnorm.docgen.doc_regions`).
DOC_REGIONS: Final[dict[str, Callable[[], str]]] = {
    "medusa-status-enums": render_enums,
    "medusa-status-rules-v1": lambda: render_rules(RULES_V1),
    "medusa-status-rules-v2": lambda: render_rules(RULES_V2, AXES_V2),
    "medusa-status-table-v1": lambda: render_status_table(STATUS_TABLE_V1),
    "medusa-status-table-v2": lambda: render_status_table(STATUS_TABLE_V2),
    "medusa-exponents": render_exponents,
}
