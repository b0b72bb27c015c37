"""
Building the Arrow tables of `cartnorm.table_schema` from orders, and orders back from them.

Rows are flattened in Python into one list per column, then each column becomes one Arrow
array (PyArrow converts the lists in C). Money is checked as it is flattened: an amount that
the `MoneyType` cannot hold exactly is a `MoneyError` naming its path in the Trackstar order,
and the whole order becomes a reject; nothing is rounded.
"""

from __future__ import annotations

import functools
import hashlib
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timezone
from decimal import Decimal, localcontext
from typing import Any, Final

from .._json import DOCUMENT_LIMITS, encode_json, parse_json
from .._paths import ROOT, child
from ..adapter import DataWarning
from ..codec import dumps
from ..errors import ConfigurationError, MissingDependencyError, MoneyError, PayloadError
from ..etl import Accepted, Rejection
from ..limits import is_valid_text
from ..model import (
    BillToAddress,
    CartOrder,
    LineItem,
    OrderStatus,
    ShipFromAddress,
    Shipment,
    ShipmentLineItem,
    ShipmentStatus,
    ShippingGroup,
    ShippingGroupLineItem,
    ShipToAddress,
)
from ..money import ISO_4217_MINOR_UNITS
from ..table_schema import (
    LINE_ITEMS,
    ORDERS,
    REJECTS,
    SHIPMENT_LINE_ITEMS,
    SHIPMENTS,
    SHIPPING_GROUP_LINE_ITEMS,
    SHIPPING_GROUPS,
    TABLES,
    WARNINGS,
    Kind,
    MoneyType,
    Table,
)
from . import Tables

try:
    import pyarrow as pa
except ImportError as error:  # pragma: no cover - exercised by a test that hides pyarrow
    msg = f"cartnorm's tables need PyArrow ({error}): pip install 'cartnorm[tables]'"
    raise MissingDependencyError(msg) from error

__all__ = ["TableBuilder", "arrow_schema", "arrow_type", "build_all", "build_batches", "feed", "rebuild", "record_text"]

_UTC: Final = timezone.utc


def arrow_type(kind: Kind, money: MoneyType) -> Any:
    """The Arrow type of a column of ``kind``."""
    if kind is Kind.MONEY:
        return pa.decimal128(money.precision, money.scale)
    return _FIXED_TYPES()[kind]


@functools.cache
def _FIXED_TYPES() -> dict[Kind, Any]:  # noqa: N802 - a constant, built on first use
    return {
        Kind.TEXT: pa.string(),
        Kind.INTEGER: pa.int64(),
        Kind.TIMESTAMP: pa.timestamp("us", tz="UTC"),
        Kind.JSON: pa.string(),
        Kind.TEXT_LIST: pa.list_(pa.string()),
    }


@functools.cache
def arrow_schema(table: Table, money: MoneyType) -> Any:
    """The Arrow schema of ``table``: types, nullability, and the key and JSON columns as metadata."""
    fields = [
        pa.field(
            column.name,
            arrow_type(column.kind, money),
            nullable=column.nullable,
            metadata={"cartnorm.kind": "json"} if column.kind is Kind.JSON else None,
        )
        for column in table.columns
    ]
    return pa.schema(fields, metadata={"cartnorm.table": table.name, "cartnorm.key": ",".join(table.key)})


# --- flattening -------------------------------------------------------------------------------


class _BadText(Exception):  # noqa: N818 - private, turned into a PayloadError with its path
    """A string that is not valid Unicode (a lone surrogate): Arrow's UTF-8 cannot hold it."""

    def __init__(self, field: str) -> None:
        self.field = field


def _bad_text(field: str) -> Any:
    raise _BadText(field)


def _row_function(table: Table) -> Callable[..., tuple[Any, ...]]:
    """
    A function that reads one row of ``table`` from its model object, generated once per table.

    One tuple display instead of a loop over the columns: a typical order is a dozen rows and two
    hundred values, and a loop's per-column dispatch cost more than the values. Tuples of plain
    values are soon untracked by the garbage collector, which then does not walk a batch's rows
    again and again. Text is checked for lone surrogates (``isascii`` first: one C call); money
    goes through ``fit``. The generated source reads, for ``line_items``::

        def row_line_items(item, added, path, fit, encode, ok, bad):
            return (added['source'], added['order_id'],
                    (v2 if (v2 := item.line_item_id).isascii() or ok(v2) else bad('line_item_id')), ...,
                    (None if (v9 := item.unit_price) is None else fit(v9, path + '.unit_price')), ...)
    """
    values = []
    for index, column in enumerate(table.columns):
        read, v = f"item.{column.field}", f"v{index}"
        if not column.field:
            values.append(f"added[{column.name!r}]")
        elif column.kind is Kind.MONEY:
            values.append(f"(None if ({v} := {read}) is None else fit({v}, path + {'.' + column.field!r}))")
        elif column.kind is Kind.JSON:
            values.append(f"(None if ({v} := {read}) is None else encode({v}))")
        elif column.kind is Kind.TEXT_LIST:
            values.append(f"[t if t.isascii() or ok(t) else bad({column.field!r}) for t in {read}]")
        elif column.name == "status":
            values.append(f"{read}.value")
        elif column.kind is Kind.TEXT:
            empty = f"({v} := {read}) is None or " if column.nullable else f"({v} := {read}).isascii() or "
            check = f"{v}.isascii() or ok({v})" if column.nullable else f"ok({v})"
            values.append(f"({v} if {empty}{check} else bad({column.field!r}))")
        else:
            values.append(read)
    source = f"def row_{table.name}(item, added, path, fit, encode, ok, bad):\n    return ({', '.join(values)},)\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<cartnorm rows {table.name}>", "exec"), namespace)  # noqa: S102 - our own template
    return namespace[f"row_{table.name}"]  # type: ignore[no-any-return]


_ROWS: Final = {table.name: _row_function(table) for table in TABLES}


_KNOWN_AMOUNTS: Final = 1 << 14


class _Money:
    """Checks that an amount fits a `MoneyType` exactly, and gives it in a form PyArrow takes."""

    __slots__ = ("known", "precision", "scale", "type")

    def __init__(self, money: MoneyType) -> None:
        self.type, self.precision, self.scale = money, money.precision, money.scale
        # Amounts that fit, by value (1.5 and 1.50 alike: whether a value fits depends on it alone).
        # Prices repeat across orders; a lookup costs a tenth of the check.
        self.known: dict[Decimal, Decimal] = {}

    def fit(self, value: Decimal, path: str) -> Decimal:
        known = self.known.get(value)
        if known is not None:
            return known
        fitted = self._fit(value, path)
        if len(self.known) >= _KNOWN_AMOUNTS:
            self.known.clear()
        self.known[value] = fitted
        return fitted

    def _fit(self, value: Decimal, path: str) -> Decimal:
        sign, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)  # the model holds finite Decimals only
        scale = self.scale
        if -scale <= exponent <= 0 and len(digits) + exponent + scale <= self.precision:
            return value  # the usual case
        if exponent < -scale:  # more decimals than the column has: only zeros may go
            extra = -scale - exponent
            if any(digits[-extra:]):
                raise self._refuse(value, path, f"at most {scale} decimal places")
            digits, exponent = digits[:-extra] or (0,), -scale
        elif exponent > 0:
            digits, exponent = digits + (0,) * exponent, 0
        if len(digits) + exponent + scale > self.precision and any(digits):
            raise self._refuse(value, path, f"at most {self.type.integer_digits} digits before the decimal point")
        return Decimal((sign, digits, exponent))

    def _refuse(self, value: Decimal, path: str, limit: str) -> MoneyError:
        return MoneyError(
            path,
            value,
            f"an amount that {self.type.sql} holds exactly ({limit})",
            hint="Nothing is rounded: choose a wider money type (--decimal P,S; money=MoneyType(p, s)).",
        )


def _duplicate(path: str, key: str, value: str, first: str, table: str) -> PayloadError:
    return PayloadError(
        child(path, key),
        value,
        f"a {key} unique within its list (it is part of the key of table {table}; {first} has the same)",
        hint="The order cannot be written as rows: fix the ids upstream, or keep it as JSON.",
    )


class TableBuilder:
    """
    Collects the rows of many orders, column by column, and builds `Tables` from them.

    `add_order` adds one order and its child rows, or (when it does not fit) one reject;
    `add_rejection` adds a reject. `build` returns the tables and starts empty again.
    """

    def __init__(self, money: MoneyType) -> None:
        self.money = money
        self._money = _Money(money)
        self._rows: dict[str, list[tuple[Any, ...]]] = {}
        self._pending = 0
        self._reset()

    def _reset(self) -> None:
        self._rows = {table.name: [] for table in TABLES}
        self._pending = 0

    def __len__(self) -> int:
        """How many records (orders and rejects) were added since the last `build`."""
        return self._pending

    def _row(
        self, table: str, item: Any, added: Mapping[str, Any], path: str, out: list[tuple[str, tuple[Any, ...]]]
    ) -> None:
        try:
            row = _ROWS[table](item, added, path, self._money.fit, encode_json, is_valid_text, _bad_text)
        except _BadText as bad:
            where = child(path, bad.field) if "." not in bad.field else path + "." + bad.field
            raise PayloadError(where, "text with a lone surrogate", "valid Unicode text (tables hold UTF-8)") from None
        out.append((table, row))

    def _children(
        self,
        table: Table,
        key: str,
        items: Iterable[Any],
        path: str,
        parent: Mapping[str, Any],
        out: list[tuple[str, tuple[Any, ...]]],
    ) -> list[str]:
        """The rows of one list of ``parent``, each with a ``key`` unique in the list; their paths."""
        seen: dict[str, str] = {}
        paths = []
        for index, item in enumerate(items):
            where = f"{path}[{index}]"
            value = getattr(item, key)
            if value in seen:
                raise _duplicate(where, key, value, seen[value], table.name)
            seen[value] = where
            self._row(table.name, item, {**parent, "position": index}, where, out)
            paths.append(where)
        return paths

    def rows(
        self, order: CartOrder, source: str | None, warnings: Iterable[DataWarning]
    ) -> list[tuple[str, tuple[Any, ...]]]:
        """
        The rows of ``order`` (``(table name, values in column order)``), checked but not added.

        Raises `MoneyError` for an amount the money type cannot hold exactly, `PayloadError` for
        two rows of one child table with the same key.
        """
        out: list[tuple[str, tuple[Any, ...]]] = []
        self._row(ORDERS.name, order, {"source": source}, ROOT, out)
        parent = {"source": source, "order_id": order.id}
        self._children(LINE_ITEMS, "line_item_id", order.line_items, ROOT + ".line_items", parent, out)
        for table, key, items, lines, line_key in (
            (SHIPPING_GROUPS, "shipping_group_id", order.shipping_groups, SHIPPING_GROUP_LINE_ITEMS, "line_item_id"),
            (SHIPMENTS, "shipment_id", order.shipments, SHIPMENT_LINE_ITEMS, "shipment_line_item_id"),
        ):
            paths = self._children(table, key, items, f"$.{table.name}", parent, out)
            for item, path in zip(items, paths, strict=True):  # each one's own line items
                inner = {**parent, key: getattr(item, key)}
                self._children(lines, line_key, item.line_items, path + ".line_items", inner, out)  # type: ignore[attr-defined]
        for index, warning in enumerate(warnings):
            out.append((WARNINGS.name, (source, order.id, index, warning.code, warning.path, warning.message)))
        return out

    def add_order(
        self,
        order: CartOrder,
        source: str | None,
        warnings: Iterable[DataWarning] = (),
        *,
        position: int = 0,
        record: Any = None,
        input_name: str | None = None,
        line: int | None = None,
    ) -> Rejection | None:
        """
        Add ``order`` and its child rows; return None, or the `Rejection` it became instead.

        ``record`` is what a reject keeps (default: the order's Trackstar JSON); ``position``,
        ``input_name`` and ``line`` say where it came from.
        """
        try:
            rows = self.rows(order, source, warnings)
        except PayloadError as error:
            rejection = Rejection.from_error(position, record if record is not None else dumps(order), error)
            self.add_rejection(rejection, input_name=input_name, line=line)
            return rejection
        self.add_rows(rows)
        return None

    def add_rows(self, rows: Iterable[tuple[str, tuple[Any, ...]]]) -> None:
        """Add one order's rows, as `rows` gave them."""
        tables = self._rows
        for table, values in rows:
            tables[table].append(values)
        self._pending += 1

    def add_rejection(self, rejection: Rejection, *, input_name: str | None = None, line: int | None = None) -> None:
        """Add one reject row (the record whole, its text or exact JSON, and why)."""
        text = record_text(rejection.record)
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        row = (digest, text, rejection.path, rejection.error, rejection.message, input_name, line, rejection.position)
        self._rows[REJECTS.name].append(row)
        self._pending += 1

    def build(self) -> Tables:
        """The tables of everything added since the last `build`; the builder starts empty again."""
        rows = self._rows
        tables = Tables(**{table.name: _table(table, rows[table.name], self.money) for table in TABLES})
        self._reset()
        return tables


def _table(table: Table, rows: list[tuple[Any, ...]], money: MoneyType) -> Any:
    schema = arrow_schema(table, money)
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    arrays = [pa.array(column, type=field.type) for column, field in zip(columns, schema, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)


def record_text(record: Any) -> str:
    """A rejected record as text: as read when it is text, else its exact JSON."""
    if isinstance(record, str):
        return record
    if isinstance(record, bytes):
        return record.decode("utf-8", "replace")
    try:
        return encode_json(record)
    except (TypeError, ValueError):
        return repr(record)


# --- batches ----------------------------------------------------------------------------------


def feed(builder: TableBuilder, position: int, item: Any, source: str | None) -> None:
    """Add a `CartOrder` (with ``source``), an `Accepted` or a `Rejection` to ``builder``."""
    if isinstance(item, Accepted):
        builder.add_order(item.order, item.source, item.warnings, position=item.position)
    elif isinstance(item, Rejection):
        builder.add_rejection(item)
    elif isinstance(item, CartOrder):
        if source is None:
            msg = (
                "a CartOrder does not say which adapter read it, and source is part of every table's key: "
                "pass source='medusa' (or the adapter's name), or give normalize_many's results instead"
            )
            raise ConfigurationError(msg)
        builder.add_order(item, source, position=position)
    else:
        msg = f"to_arrow takes CartOrder objects or normalize_many results, got {type(item).__name__}"
        raise ConfigurationError(msg)


def build_all(items: Iterable[Any], *, source: str | None, money: MoneyType) -> Tables:
    """Every item in one `Tables`."""
    builder = TableBuilder(money)
    for position, item in enumerate(items):
        feed(builder, position, item, source)
    return builder.build()


def build_batches(items: Iterable[Any], *, batch_size: int, source: str | None, money: MoneyType) -> Iterator[Tables]:
    """`Tables` per ``batch_size`` items."""
    if type(batch_size) is not int or batch_size < 1:
        msg = f"batch_size must be a positive integer, got {batch_size!r}"
        raise ConfigurationError(msg)
    builder = TableBuilder(money)
    for position, item in enumerate(items):
        feed(builder, position, item, source)
        if len(builder) >= batch_size:
            yield builder.build()
    if len(builder):
        yield builder.build()


# --- back to orders ---------------------------------------------------------------------------


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(_UTC)


def _amount(value: Decimal | None, exponent: int | None) -> Decimal | None:
    """``value`` at the currency's exponent when that is exact, else with the decimals it needs."""
    if value is None:
        return None
    with localcontext() as context:
        context.prec = 80
        if exponent is not None:
            shown = value.quantize(Decimal(1).scaleb(-exponent))
            if shown == value:
                return shown
        shown = value.normalize()
        _, _, power = shown.as_tuple()
        return shown.quantize(Decimal(1)) if isinstance(power, int) and power > 0 else shown


def _grouped(rows: list[dict[str, Any]]) -> dict[tuple[Any, Any], list[dict[str, Any]]]:
    groups: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["source"], row["order_id"]), []).append(row)
    for group in groups.values():
        group.sort(key=operator.itemgetter("position"))
    return groups


def _fields(table: Table, row: Mapping[str, Any], exponent: int | None) -> dict[str, Any]:
    """The model fields of ``row`` (nested addresses as dicts of their own)."""
    values: dict[str, Any] = {}
    for column in table.columns:
        if not column.field:
            continue
        value = row[column.name]
        if column.kind is Kind.TIMESTAMP:
            value = _utc(value)
        elif column.kind is Kind.MONEY:
            value = _amount(value, exponent)
        elif column.kind is Kind.JSON:
            value = None if value is None else parse_json(value, limits=DOCUMENT_LIMITS)
        elif column.kind is Kind.TEXT_LIST:
            value = tuple(value)
        head, dot, tail = column.field.partition(".")
        if dot:
            values.setdefault(head, {})[tail] = value
        else:
            values[head] = value
    return values


def rebuild(tables: Tables) -> list[CartOrder]:
    """The orders of ``tables``, in the order of their rows."""
    children = {
        name: _grouped(getattr(tables, name).to_pylist())
        for name in ("line_items", "shipping_groups", "shipping_group_line_items", "shipments", "shipment_line_items")
    }
    orders = []
    seen: set[tuple[Any, Any]] = set()
    for row in tables.orders.to_pylist():
        key = (row["source"], row["id"])
        if key in seen:
            msg = f"the orders table holds order {row['id']!r} of source {row['source']!r} twice: keep one per key"
            raise ConfigurationError(msg)
        seen.add(key)
        exponent = ISO_4217_MINOR_UNITS.get(row["invoice_currency_code"].upper())
        fields = _fields(ORDERS, row, exponent)
        fields["status"] = OrderStatus(fields["status"])
        fields["ship_to_address"] = ShipToAddress(**fields["ship_to_address"])
        fields["bill_to_address"] = BillToAddress(**fields["bill_to_address"])
        fields["line_items"] = tuple(
            LineItem(**_fields(LINE_ITEMS, line, exponent)) for line in children["line_items"].get(key, ())
        )
        group_lines = _by_parent(children["shipping_group_line_items"].get(key, ()), "shipping_group_id")
        groups = []
        for group in children["shipping_groups"].get(key, ()):
            values = _fields(SHIPPING_GROUPS, group, exponent)
            values["status"] = ShipmentStatus(values["status"])
            values["line_items"] = tuple(
                ShippingGroupLineItem(**_fields(SHIPPING_GROUP_LINE_ITEMS, line, exponent))
                for line in group_lines.get(group["shipping_group_id"], ())
            )
            groups.append(ShippingGroup(**values))
        fields["shipping_groups"] = tuple(groups)
        parts = _by_parent(children["shipment_line_items"].get(key, ()), "shipment_id")
        shipments = []
        for shipment in children["shipments"].get(key, ()):
            values = _fields(SHIPMENTS, shipment, exponent)
            values["status"] = ShipmentStatus(values["status"])
            values["ship_from_address"] = ShipFromAddress(**values["ship_from_address"])
            values["line_items"] = tuple(
                ShipmentLineItem(**_fields(SHIPMENT_LINE_ITEMS, part, exponent))
                for part in parts.get(shipment["shipment_id"], ())
            )
            shipments.append(Shipment(**values))
        fields["shipments"] = tuple(shipments)
        orders.append(CartOrder(**fields))
    return orders


def _by_parent(rows: Iterable[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return groups
