"""
Orders as typed tables: Arrow (`to_arrow`, `arrow_batches`), and back (`from_arrow`).

>>> tables = cartnorm.to_arrow(orders)                    # doctest: +SKIP
>>> tables.orders, tables.line_items, tables.shipments    # doctest: +SKIP

The tables and their keys are `cartnorm.table_schema` (see ``docs/tables.md``). Money columns
are ``decimal128(precision, scale)`` (`cartnorm.table_schema.MoneyType`, default 38, 20); an
amount that does not fit exactly makes its record a rejection (the ``rejects`` table), never a
rounded number. Needs the ``tables`` extra (PyArrow, DuckDB): ``pip install 'cartnorm[tables]'``.
Importing this module does not import PyArrow; calling its functions does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from ..table_schema import DEFAULT_MONEY, MoneyType

if TYPE_CHECKING:
    from ..etl import Accepted, Rejection
    from ..model import CartOrder

__all__ = ["Tables", "arrow_batches", "from_arrow", "to_arrow"]


@attrs.frozen
class Tables:
    """
    One `pyarrow.Table` per table of `cartnorm.table_schema.TABLES`, all built together.

    ``orders`` and its five child tables hold the orders; ``warnings`` the warnings met while
    reading them; ``rejects`` the records that did not become orders, or whose order does not
    fit the tables (a money amount beyond the `MoneyType`, a duplicate key).
    """

    orders: Any
    line_items: Any
    shipping_groups: Any
    shipping_group_line_items: Any
    shipments: Any
    shipment_line_items: Any
    warnings: Any
    rejects: Any

    def items(self) -> Iterator[tuple[str, Any]]:
        """``(name, pyarrow.Table)`` for every table, in `TABLES` order."""
        for field in attrs.fields(Tables):
            yield field.name, getattr(self, field.name)

    @property
    def num_orders(self) -> int:
        """How many orders (rows of ``orders``)."""
        return int(self.orders.num_rows)


def to_arrow(
    orders: Iterable[CartOrder | Accepted | Rejection],
    *,
    source: str | None = None,
    money: MoneyType = DEFAULT_MONEY,
) -> Tables:
    """
    Build every table from ``orders``: `CartOrder` objects, or the results of `normalize_many`.

    An `Accepted` result brings its adapter's name (the ``source`` column, part of every key)
    and its warnings; a bare `CartOrder` takes ``source``, which is then required (two platforms
    can use one order id: the key is ``(source, id)``). A `Rejection` goes to ``rejects``, as
    does an order that does not fit: an amount that ``money`` cannot hold exactly, or two rows
    of one child table with the same key (two line items with one ``line_item_id``).
    """
    from ._arrow import build_all  # noqa: PLC0415 - optional extra, imported on first use

    return build_all(orders, source=source, money=money)


def arrow_batches(
    results: Iterable[CartOrder | Accepted | Rejection],
    *,
    batch_size: int = 10_000,
    source: str | None = None,
    money: MoneyType = DEFAULT_MONEY,
) -> Iterator[Tables]:
    """
    Like `to_arrow`, streaming: one `Tables` per ``batch_size`` records, so memory stays flat.

    Every input record is in exactly one batch: as an order (with its child rows) or as a
    reject.
    """
    from ._arrow import build_batches  # noqa: PLC0415 - optional extra, imported on first use

    return build_batches(results, batch_size=batch_size, source=source, money=money)


def from_arrow(tables: Tables) -> list[CartOrder]:
    """
    Rebuild the orders from their tables (in the order of ``tables.orders``): the inverse of `to_arrow`.

    Every field comes back equal; money comes back at its currency's exponent, or with as many
    decimals as it needs (a ``DECIMAL`` column keeps values, not how many zeros were written).
    """
    from ._arrow import rebuild  # noqa: PLC0415 - optional extra, imported on first use

    return rebuild(tables)
