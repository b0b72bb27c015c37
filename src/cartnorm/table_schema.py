"""
The typed tables cartnorm writes (Arrow, Parquet, DuckDB, dlt): one schema, defined here as data.

Every field of the canonical model (`cartnorm.model`) is one typed column of one table; nested
addresses are flattened with a prefix (``ship_to_address.city`` → ``ship_to_city``); the free
JSON of ``additional_fields`` and ``trackstar_tags`` is a JSON text column. Lists of objects are
child tables that carry their order's key. Every table names its key, and every writer
(`cartnorm.to_arrow`, the DuckDB and Parquet sinks, `cartnorm.integrations.dlt`, Spark and Dask)
reads it from here; ``docs/tables.md`` is generated from it.

This module imports no table library: `Kind` names a logical type, and each writer maps it to
its own (`ARROW_TYPES` in words: see ``docs/tables.md``).
"""

from __future__ import annotations

import enum
from typing import Final

import attrs

from .errors import ConfigurationError

__all__ = [
    "CHILD_TABLES",
    "DEFAULT_MONEY",
    "ORDER_KEY",
    "TABLES",
    "Column",
    "Kind",
    "MoneyType",
    "Table",
    "table",
]


class Kind(str, enum.Enum):
    """The logical type of a column."""

    TEXT = "text"  # UTF-8 string
    INTEGER = "integer"  # 64-bit signed integer
    MONEY = "money"  # exact decimal, DECIMAL(precision, scale) from `MoneyType`
    TIMESTAMP = "timestamp"  # instant, microseconds, UTC (Arrow ``timestamp[us, tz=UTC]``)
    JSON = "json"  # JSON text, written exactly (decimals as written)
    TEXT_LIST = "text_list"  # list of strings

    def __str__(self) -> str:
        return self.value

    def arrow(self, money: MoneyType) -> str:
        """The Arrow type, spelled as PyArrow prints it."""
        if self is Kind.MONEY:
            return f"decimal128({money.precision}, {money.scale})"
        return _ARROW_NAMES[self]

    def sql(self, money: MoneyType) -> str:
        """The SQL (DuckDB) type."""
        return money.sql if self is Kind.MONEY else _SQL_NAMES[self]


@attrs.frozen
class MoneyType:
    """
    The exact decimal type of every money column: ``DECIMAL(precision, scale)``.

    A value that does not fit exactly (more than ``scale`` decimal places, or more than
    ``precision - scale`` digits before the point) is never rounded: its record is rejected.

    >>> MoneyType(38, 20).sql
    'DECIMAL(38,20)'
    >>> MoneyType.parse("18,2")
    MoneyType(precision=18, scale=2)
    """

    precision: int = 38
    scale: int = 20

    def __attrs_post_init__(self) -> None:
        if not (type(self.precision) is int and 1 <= self.precision <= 38):
            msg = f"the money precision must be an integer from 1 to 38 (Arrow's decimal128), got {self.precision!r}"
            raise ConfigurationError(msg)
        if not (type(self.scale) is int and 0 <= self.scale <= self.precision):
            msg = f"the money scale must be an integer from 0 to the precision ({self.precision}), got {self.scale!r}"
            raise ConfigurationError(msg)

    @property
    def sql(self) -> str:
        """The SQL spelling, ``DECIMAL(p,s)``."""
        return f"DECIMAL({self.precision},{self.scale})"

    @property
    def integer_digits(self) -> int:
        """How many digits a value may have before the decimal point."""
        return self.precision - self.scale

    @classmethod
    def parse(cls, text: str) -> MoneyType:
        """Read ``"P,S"`` (or ``"decimal(P,S)"``), as the command line's ``--decimal`` takes it."""
        inner = text.strip().lower().removeprefix("decimal").strip().removeprefix("(").removesuffix(")")
        precision, comma, scale = inner.partition(",")
        if not comma or not precision.strip().isdigit() or not scale.strip().isdigit():
            msg = f"a money type is PRECISION,SCALE (for example 38,20), got {text!r}"
            raise ConfigurationError(msg)
        return cls(int(precision), int(scale))


_ARROW_NAMES: Final = {
    Kind.TEXT: "string",
    Kind.INTEGER: "int64",
    Kind.TIMESTAMP: "timestamp[us, tz=UTC]",
    Kind.JSON: "string (JSON text)",
    Kind.TEXT_LIST: "list<string>",
}
_SQL_NAMES: Final = {
    Kind.TEXT: "VARCHAR",
    Kind.INTEGER: "BIGINT",
    Kind.TIMESTAMP: "TIMESTAMP WITH TIME ZONE",
    Kind.JSON: "JSON",
    Kind.TEXT_LIST: "VARCHAR[]",
}

#: The default money type. Medusa v2 keeps amounts as BigNumbers of 20 significant digits
#: (``raw_*``: ``4.1932773109243697479``, 19 decimals, from a live 2.21 server) and writes bare
#: totals as JavaScript numbers (up to 17 significant digits): 20 decimal places hold every one
#: of them down to 0.1, and 18 integer digits hold any order total in any currency (and DuckDB
#: sums of it up to 10**18). Gearment and Medusa v1 amounts have at most 9 and 3 decimals.
DEFAULT_MONEY: Final = MoneyType(38, 20)


@attrs.frozen
class Column:
    """
    One column: its name, logical kind, whether it may be null, and where its value comes from.

    ``field`` is the attribute path in the model object one row is made of (``city`` of
    ``ship_to_address``: ``"ship_to_address.city"``); empty for the columns a writer adds (the
    keys inherited from a parent, ``position``). ``description`` says what an added column holds;
    model fields take Trackstar's own description in the docs.
    """

    name: str
    kind: Kind
    nullable: bool
    field: str = ""
    description: str = ""


@attrs.frozen
class Table:
    """
    One table: its name, key, columns, and where its rows come from.

    ``rows`` is the path of the model list each row is an element of (``"line_items"``,
    ``"shipments[].line_items"``), empty for ``orders`` (one row per order) and for the two
    run tables (``warnings``, ``rejects``).
    """

    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: str
    description: str

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in order."""
        return tuple(column.name for column in self.columns)


def _c(name: str, kind: Kind, nullable: bool = True, field: str | None = None, description: str = "") -> Column:
    return Column(name, kind, nullable, name if field is None else field, description)


def _added(name: str, kind: Kind, description: str, nullable: bool = False) -> Column:
    return Column(name, kind, nullable, "", description)


_SOURCE = _added(
    "source",
    Kind.TEXT,
    "The adapter that read the order (`medusa`, `gearment`, `shopify`, `trackstar`, a plugin's name). "
    "Part of every key: two sources may use the same order id for different orders.",
)
_ORDER_ID = _added("order_id", Kind.TEXT, "The order's `id`: with `source`, the key of its row in `orders`.")
_POSITION = _added("position", Kind.INTEGER, "Index of the row in its parent's list, from 0 (keeps the list order).")
_T, _I, _M, _S, _J, _L = Kind.TEXT, Kind.INTEGER, Kind.MONEY, Kind.TIMESTAMP, Kind.JSON, Kind.TEXT_LIST


def _address(prefix: str, field: str, parts: tuple[str, ...]) -> tuple[Column, ...]:
    label = field.replace("_", " ")
    return tuple(_c(f"{prefix}_{part}", _T, True, f"{field}.{part}", f"`{part}` of the {label}.") for part in parts)


_PLACE = ("address1", "address2", "address3", "city", "state", "postal_code", "country")

ORDERS: Final = Table(
    "orders",
    ("source", "id"),
    (
        _SOURCE,
        _c("id", _T, False),
        _c("order_number", _T, False),
        _c("created_date", _S, False),
        _c("updated_date", _S, False),
        _c("status", _T, False),
        _c("raw_status", _T),
        _c("requested_shipping_method", _T),
        _c("shipping_method_id", _T),
        _c("shipping_method_name", _T),
        _c("carrier_id", _T),
        _c("carrier_name", _T),
        _c("invoice_currency_code", _T, False),
        _c("total_price", _M),
        _c("total_tax", _M),
        _c("total_discount", _M),
        _c("total_shipping", _M),
        *_address("ship_to", "ship_to_address", ("full_name", "company", *_PLACE, "phone_number", "email_address")),
        *_address("bill_to", "bill_to_address", ("full_name", *_PLACE)),
        _c("earliest_ship_date", _S),
        _c("latest_ship_date", _S),
        _c("tags", _L, False),
        _c("external_system_url", _T),
        _c("trackstar_tags", _J),
        _c("additional_fields", _J, False),
        _c("trackstar_created_date", _S, False),
        _c("trackstar_updated_date", _S, False),
    ),
    "",
    "One row per order: every scalar field of the order, addresses flattened.",
)

LINE_ITEMS: Final = Table(
    "line_items",
    ("source", "order_id", "line_item_id"),
    (
        _SOURCE,
        _ORDER_ID,
        _c("line_item_id", _T, False),
        _POSITION,
        _c("product_id", _T, False),
        _c("product_sku", _T),
        _c("parent_product_id", _T),
        _c("parent_product_sku", _T),
        _c("quantity", _I, False),
        _c("unit_price", _M),
        _c("discount", _M),
        _c("tax", _M),
        _c("warehouse_id", _T),
    ),
    "line_items",
    "One row per ordered product (`unit_price`, `discount` and `tax` are per unit).",
)

SHIPPING_GROUPS: Final = Table(
    "shipping_groups",
    ("source", "order_id", "shipping_group_id"),
    (
        _SOURCE,
        _ORDER_ID,
        _c("shipping_group_id", _T, False),
        _POSITION,
        _c("created_date", _S, False),
        _c("updated_date", _S, False),
        _c("raw_status", _T),
        _c("status", _T, False),
        _c("warehouse_id", _T, False),
    ),
    "shipping_groups",
    "One row per shipping group (line items fulfilled together from one location).",
)

SHIPPING_GROUP_LINE_ITEMS: Final = Table(
    "shipping_group_line_items",
    ("source", "order_id", "shipping_group_id", "line_item_id"),
    (
        _SOURCE,
        _ORDER_ID,
        _added("shipping_group_id", _T, "The shipping group's `shipping_group_id`."),
        _c("line_item_id", _T, False),
        _POSITION,
        _c("product_id", _T, False),
        _c("product_sku", _T),
        _c("parent_product_id", _T),
        _c("quantity", _I, False),
    ),
    "shipping_groups[].line_items",
    "One row per line item of a shipping group.",
)

SHIPMENTS: Final = Table(
    "shipments",
    ("source", "order_id", "shipment_id"),
    (
        _SOURCE,
        _ORDER_ID,
        _c("shipment_id", _T, False),
        _POSITION,
        _c("raw_status", _T),
        _c("status", _T, False),
        _c("warehouse_id", _T),
        _c("shipping_method_id", _T),
        _c("shipping_method_name", _T),
        _c("carrier_id", _T),
        _c("carrier_name", _T),
        _c("tracking_number", _T),
        _c("tracking_url", _T),
        _c("shipping_groups", _L, False),
        *_address("ship_from", "ship_from_address", _PLACE),
        _c("created_date", _S),
        _c("updated_date", _S),
    ),
    "shipments",
    "One row per shipment (parcel).",
)

SHIPMENT_LINE_ITEMS: Final = Table(
    "shipment_line_items",
    ("source", "order_id", "shipment_id", "shipment_line_item_id"),
    (
        _SOURCE,
        _ORDER_ID,
        _added("shipment_id", _T, "The shipment's `shipment_id`."),
        _c("shipment_line_item_id", _T, False),
        _POSITION,
        _c("product_id", _T, False),
        _c("product_sku", _T),
        _c("parent_product_id", _T),
        _c("parent_product_sku", _T),
        _c("quantity", _I, False),
    ),
    "shipments[].line_items",
    "One row per product quantity inside a shipment.",
)

WARNINGS: Final = Table(
    "warnings",
    ("source", "order_id", "position"),
    (
        _SOURCE,
        _ORDER_ID,
        _added("position", _I, "Index of the warning among the order's warnings, from 0."),
        _added("code", _T, "A stable machine-readable name (`updated_at_filled`, `rounding_remainder`, …)."),
        _added("path", _T, "The JSON path in the vendor payload the warning is about."),
        _added("message", _T, "The explanation, for people."),
    ),
    "",
    "The warnings met while the stored snapshot of each order was read (replaced with the order).",
)

REJECTS: Final = Table(
    "rejects",
    ("record_sha256",),
    (
        _added("record_sha256", _T, "SHA-256 of `record` (hex): the same record rejected again is one row."),
        _added("record", _T, "The rejected record, whole: its text as read, or its exact JSON."),
        _added("path", _T, "JSON path of the problem (`$` for the record as a whole)."),
        _added("error", _T, "The exception's class name (`MoneyError`, `PayloadError`, …)."),
        _added("message", _T, "What was expected and what was found, in words."),
        _added("input", _T, "The file it came from (`<stdin>` for standard input), when known.", nullable=True),
        _added("line", _I, "The line where the record starts in that file, when known.", nullable=True),
        _added("position", _I, "The record's index in the run's input, from 0."),
    ),
    "",
    "Records that did not become orders, or whose order does not fit the tables, with the reason.",
)

#: Every table, in the order writers create them: orders, its children, then the run tables.
TABLES: Final = (
    ORDERS,
    LINE_ITEMS,
    SHIPPING_GROUPS,
    SHIPPING_GROUP_LINE_ITEMS,
    SHIPMENTS,
    SHIPMENT_LINE_ITEMS,
    WARNINGS,
    REJECTS,
)

#: The tables whose rows belong to one order (keyed by ``source, order_id``): replaced with it.
CHILD_TABLES: Final = (LINE_ITEMS, SHIPPING_GROUPS, SHIPPING_GROUP_LINE_ITEMS, SHIPMENTS, SHIPMENT_LINE_ITEMS, WARNINGS)

#: The key of an order, in `ORDERS`; child tables carry it as ``(source, order_id)``.
ORDER_KEY: Final = ORDERS.key

_BY_NAME: Final = {t.name: t for t in TABLES}


def table(name: str) -> Table:
    """The table called ``name``."""
    try:
        return _BY_NAME[name]
    except KeyError:
        msg = f"no table {name!r}; the tables are {', '.join(_BY_NAME)}"
        raise ConfigurationError(msg) from None
