"""
Documentation generated from data: status mapping tables rendered to Markdown.

Generated text sits in Markdown files between ``<!-- BEGIN GENERATED: name -->`` and
``<!-- END GENERATED: name -->`` markers, so the prose around it stays hand-written.
`update_region` replaces one region; tests regenerate every region in memory and fail
when a committed file has drifted from the code.
"""

from __future__ import annotations

import html
import importlib
import importlib.util
import itertools
import re
import typing
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, Final
from urllib.parse import urljoin

from . import model, table_schema
from .adapter import StatusTable
from .lifecycle import STATUS_INFO, STEP_BACKS, can_transition
from .model import OrderStatus
from .registry import builtin_modules, get_adapter
from .schema import trackstar_schema

__all__ = [
    "doc_regions",
    "markdown_cell",
    "regenerate",
    "render_lifecycle_diagram",
    "render_lifecycle_step_backs",
    "render_lifecycle_table",
    "render_model_reference",
    "render_status_mappings",
    "render_status_rules",
    "render_status_table",
    "render_tables_reference",
    "update_region",
]


def markdown_cell(text: str) -> str:
    """``text`` made safe for one Markdown table cell (pipes escaped, one line)."""
    return text.replace("|", "\\|").replace("\n", " ")


def render_status_table(table: StatusTable[Any]) -> str:
    """
    Render every row of ``table`` as a Markdown table, in the table's own order.

    The last row states what happens to values the vendor does not document. The table sits in
    a ``<div class="status-table">`` (Markdown inside HTML, as GitHub and the site both read it):
    on the documentation site a script adds filters, one per column, to every such table; without
    JavaScript the whole table still reads.
    """
    header = [*(f"`{axis}`" for axis in table.axes), "Trackstar `status`", "why"]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(" --- " for _ in header) + "|",
    ]
    for key, decision in table.rows.items():
        cells = [*(f"`{value}`" for value in key), f"`{decision.status.value}`", markdown_cell(decision.reason)]
        lines.append("| " + " | ".join(cells) + " |")
    anything = ["*any other value*"] * len(table.axes)
    lines.append("| " + " | ".join([*anything, "`other`", markdown_cell(table.unknown_reason)]) + " |")
    vendor, title = html.escape(table.vendor), html.escape(table.title)
    opening = f'<div class="status-table" data-vendor="{vendor}" data-title="{title}" markdown="1">'
    return "\n".join([opening, "", *lines, "", "</div>"]) + "\n"


def _values_cell(values: Collection[str]) -> str:
    return ", ".join(f"`{markdown_cell(value)}`" for value in sorted(values))


def render_status_rules(table: StatusTable[Any]) -> str:
    """
    Render the ordered rules ``table`` was expanded from (`StatusTable.rules`), first match
    wins, as a Markdown table: one column per axis (*any* where a rule does not name it).
    """
    header = ["#", *(f"`{axis}`" for axis in table.axes), "Trackstar `status`", "why"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    for number, rule in enumerate(table.rules, start=1):
        cells = [_values_cell(rule.when[axis]) if axis in rule.when else "*any*" for axis in table.axes]
        cells += [f"`{rule.status.value}`", markdown_cell(rule.reason)]
        lines.append(f"| {number} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


#: How the documentation names what a table decides (`cartnorm.adapter.DECIDES`).
_DECIDES_NAMES: Final = {"order": "order", "shipment": "shipment", "shipping_group": "shipping-group"}


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- BEGIN GENERATED: {name} -->", f"<!-- END GENERATED: {name} -->"


def update_region(text: str, name: str, content: str) -> str:
    """
    Return ``text`` with the generated region ``name`` replaced by ``content``.

    Raises `ValueError` when the markers are missing or appear more than once.
    """
    begin, end = _markers(name)
    pattern = re.compile(re.escape(begin) + r"\n.*?" + re.escape(end), re.DOTALL)
    if len(pattern.findall(text)) != 1:
        msg = f"expected exactly one generated region {name!r} ({begin} … {end})"
        raise ValueError(msg)
    body = content if content.endswith("\n") else content + "\n"
    return pattern.sub(lambda _: f"{begin}\n{body}{end}", text)


_MODEL_SECTIONS = (
    ("CartOrderApiItemSchema", "CartOrder"),
    ("ShipToAddress", "ShipToAddress"),
    ("BillToAddress", "BillToAddress"),
    ("CartOrderLineItem", "LineItem"),
    ("CartOrderShippingGroup", "ShippingGroup"),
    ("CartOrderShippingGroupLineItem", "ShippingGroupLineItem"),
    ("CartOrderShipment", "Shipment"),
    ("CartOrderShipmentLineItem", "ShipmentLineItem"),
    ("ShipFromAddress", "ShipFromAddress"),
)


#: The Trackstar page the schema's descriptions were written for: their links are relative to it.
_TRACKSTAR_SCHEMA_PAGE = "https://docs.trackstarhq.com/api-reference/cart-api/orders/get-item"
_MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _trackstar_description(text: str) -> str:
    """A schema description as one Markdown cell, its relative links made absolute (to Trackstar's docs)."""
    return markdown_cell(_MARKDOWN_LINK.sub(lambda m: f"]({urljoin(_TRACKSTAR_SCHEMA_PAGE, m[1])})", text))


def _python_type(annotation: object) -> str:
    text = annotation.__name__ if isinstance(annotation, type) else str(annotation)
    for noise in ("datetime.", "decimal.", "cartnorm.model.", "collections.abc.", "typing."):
        text = text.replace(noise, "")
    return text.replace("JSONValue", "Any")


def render_model_reference() -> str:
    """
    Render one Markdown table per model class: field, JSON type, nullable, Python type, meaning.

    Meanings are Trackstar's own descriptions from the packaged schema.
    """
    definitions = trackstar_schema()["$defs"]
    aliases = {"CartOrderShippingGroupLineItem": "CartOrderShipmentGroupLineItem"}
    out: list[str] = []
    for schema_name, class_name in _MODEL_SECTIONS:
        definition = definitions[aliases.get(schema_name, schema_name)]
        cls = getattr(model, class_name)
        hints = typing.get_type_hints(cls)
        out += [f"### `{class_name}`", "", f"Schema: `{aliases.get(schema_name, schema_name)}`.", ""]
        out += ["| field | JSON type | nullable | Python type | meaning |", "| --- | --- | --- | --- | --- |"]
        for name, prop in definition["properties"].items():
            json_type = prop.get("type", "object" if "$ref" in prop else "any")
            types = json_type if isinstance(json_type, list) else [json_type]
            shown = " / ".join(t for t in types if t != "null")
            if "$ref" in prop:
                shown = f"object (`{prop['$ref'].rsplit('/', 1)[-1]}`)"
            if prop.get("format"):
                shown += f" ({prop['format']})"
            nullable = "yes" if "null" in types else "no"
            if "null" in types and "enum" in prop and None not in prop["enum"]:
                nullable = "no: the type allows null, the enum does not"
            meaning = _trackstar_description(prop.get("description") or "")
            out.append(
                f"| `{name}` | {shown} | {nullable} | `{markdown_cell(_python_type(hints[name]))}` | {meaning} |"
            )
        out.append("")
    return "\n".join(out)


#: Where Trackstar describes the fields a table's rows are made of (addresses by their prefix).
_TABLE_DEFINITIONS = {
    "orders": "CartOrderApiItemSchema",
    "line_items": "CartOrderLineItem",
    "shipping_groups": "CartOrderShippingGroup",
    "shipping_group_line_items": "CartOrderShipmentGroupLineItem",
    "shipments": "CartOrderShipment",
    "shipment_line_items": "CartOrderShipmentLineItem",
}
_ADDRESS_DEFINITIONS = {
    "ship_to_address": "ShipToAddress",
    "bill_to_address": "BillToAddress",
    "ship_from_address": "ShipFromAddress",
}


def _column_meaning(definitions: dict[str, typing.Any], table: table_schema.Table, column: table_schema.Column) -> str:
    if not column.field:
        return column.description
    head, _, tail = column.field.partition(".")
    if tail:
        prop = definitions[_ADDRESS_DEFINITIONS[head]]["properties"][tail]
    else:
        prop = definitions[_TABLE_DEFINITIONS[table.name]]["properties"][head]
    return str(prop.get("description") or column.description)


def render_tables_reference(money: table_schema.MoneyType = table_schema.DEFAULT_MONEY) -> str:
    """
    Render every table of `cartnorm.table_schema`: its key, then one row per column with its
    Arrow and DuckDB types, nullability, the model field it holds, and its meaning.
    """
    definitions = trackstar_schema()["$defs"]
    out: list[str] = []
    for table in table_schema.TABLES:
        key = ", ".join(table.key)
        rows = f" Rows: the elements of `{table.rows}`." if table.rows else ""
        out += [f"### `{table.name}`", "", f"{table.description} Key: `({key})`.{rows}", ""]
        out += [
            "| column | Arrow type | DuckDB type | null | model field | meaning |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for column in table.columns:
            field = f"`{column.field}`" if column.field else "—"
            name = f"**`{column.name}`**" if column.name in table.key else f"`{column.name}`"
            out.append(
                f"| {name} | `{column.kind.arrow(money)}` | `{column.kind.sql(money)}` | "
                f"{'yes' if column.nullable else 'no'} | {field} | "
                f"{_trackstar_description(_column_meaning(definitions, table, column))} |"
            )
        out.append("")
    return "\n".join(out)


def render_lifecycle_table() -> str:
    """Render the Trackstar status table (rank, terminal, definition) from `cartnorm.lifecycle`."""
    lines = ["| status | rank on the main line | terminal | Trackstar's definition |", "| --- | --- | --- | --- |"]
    for status, info in STATUS_INFO.items():
        rank = "—" if info.rank is None else str(info.rank)
        lines.append(
            f"| `{status.value}` | {rank} | {'yes' if info.terminal else 'no'} | {markdown_cell(info.definition)} |"
        )
    return "\n".join(lines) + "\n"


def render_lifecycle_step_backs() -> str:
    """Render the allowed backward moves (`cartnorm.lifecycle.STEP_BACKS`) with their reasons."""
    lines = ["| from | to | why it happens |", "| --- | --- | --- |"]
    for (old, new), reason in STEP_BACKS.items():
        lines.append(f"| `{old.value}` | `{new.value}` | {markdown_cell(reason)} |")
    return "\n".join(lines) + "\n"


def render_lifecycle_diagram() -> str:
    """
    Render the lifecycle as a Mermaid state diagram, edges computed by `can_transition`.

    Only the direct main-line steps and the side states are drawn (a forward skip such as
    ``open → fulfilled`` is also allowed, as the table of rules says).
    """
    main = sorted(
        (s for s, info in STATUS_INFO.items() if info.rank is not None), key=lambda s: STATUS_INFO[s].rank or 0
    )
    lines = ["```mermaid", "stateDiagram-v2", f"    [*] --> {main[0].value}"]
    lines += [f"    {a.value} --> {b.value}" for a, b in itertools.pairwise(main) if can_transition(a, b)]
    for side in (OrderStatus.BACKORDERED, OrderStatus.CANCELLED):
        lines += [f"    {s.value} --> {side.value}" for s in main if s is not side and can_transition(s, side)]
    lines += [f"    backordered --> {s.value}" for s in main[2:] if can_transition(OrderStatus.BACKORDERED, s)]
    lines += [f"    {old.value} --> {new.value} : fulfillment cancelled" for old, new in STEP_BACKS]
    lines += [f"    {s.value} --> [*]" for s, info in STATUS_INFO.items() if info.terminal]
    lines += [
        "    note right of cancelled",
        "        exception and other may be entered from, and left to, any status",
        "    end note",
        "```",
    ]
    return "\n".join(lines) + "\n"


def render_status_mappings(adapter_names: tuple[str, ...] | None = None) -> str:
    """
    Render every status table of the named adapters, one section per adapter and table
    (by default the built-in adapters detection chooses among, in the registry's order).
    """
    if adapter_names is None:
        adapter_names = tuple(name for name in builtin_modules() if get_adapter(name).detectable)
    out: list[str] = []
    for name in adapter_names:
        adapter = get_adapter(name)
        out += [f"## {name}", "", f"{adapter.description}.", ""]
        for table in adapter.status_tables:
            axes = ", ".join(f"`{axis}`" for axis in table.axes)
            what = "" if table.decides == "order" else f"The {_DECIDES_NAMES[table.decides]} status, decided "
            decided = f"{what}{'by' if what else 'Decided by'} {axes}: {len(table.rows)} rows."
            out += [f"### {table.title}", "", decided, ""]
            out.append(render_status_table(table))
    return "\n".join(out)


def _vendor_pages() -> dict[str, dict[str, Callable[[], str]]]:
    """The generated regions of ``docs/vendors/<name>.md``: each built-in adapter package's ``_docs`` module."""
    pages = {}
    for name, module in builtin_modules().items():
        if importlib.util.find_spec(module).submodule_search_locations is None:  # type: ignore[union-attr]
            continue  # a module, not a package: no page of its own
        pages[f"docs/vendors/{name}.md"] = importlib.import_module(f"{module}._docs").DOC_REGIONS
    return pages


def doc_regions() -> dict[str, dict[str, Callable[[], str]]]:
    """Every generated region, by file (relative to the project root) and region name."""
    vendor_pages = _vendor_pages()
    return vendor_pages | {
        "docs/model.md": {"model-reference": render_model_reference},
        "docs/tables.md": {"tables-reference": render_tables_reference},
        "docs/lifecycle.md": {
            "lifecycle-table": render_lifecycle_table,
            "lifecycle-step-backs": render_lifecycle_step_backs,
            "lifecycle-diagram": render_lifecycle_diagram,
        },
        "docs/status-mappings.md": {
            "lifecycle-diagram": render_lifecycle_diagram,
            "status-mappings": render_status_mappings,
        },
    }


def regenerate(root: Path, *, check: bool = False) -> list[Path]:
    """
    Rewrite every generated region under ``root``; return the files that changed.

    With ``check=True`` nothing is written: the result lists the files that have drifted.
    """
    changed = []
    for relative, regions in doc_regions().items():
        path = root / relative
        text = path.read_text(encoding="utf-8")
        new = text
        for name, render in regions.items():
            new = update_region(new, name, render())
        if new != text:
            changed.append(path)
            if not check:
                path.write_text(new, encoding="utf-8")
    return changed
