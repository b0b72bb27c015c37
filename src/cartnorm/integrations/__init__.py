"""
Run cartnorm inside distributed engines: Apache Spark (`cartnorm.integrations.spark`) and
Dask (`cartnorm.integrations.dask`).

Each integration turns a table (or bag) of vendor payloads, held as JSON text, into two: the
normalized orders and the rejections, with ``rows in == orders + rejections`` and every row
equal to what `cartnorm.normalize_many` gives for the same record in one process. The engines
are optional extras: ``pip install 'cartnorm[spark]'`` or ``pip install 'cartnorm[dask]'``;
importing an integration without its extra raises `cartnorm.MissingDependencyError`.

The column names below are shared by both integrations:

* orders: `ORDER_COLUMNS` (after the input's own columns, less the payload column);
* rejections: `REJECTION_COLUMNS` (after all of the input's columns, payload included).
"""

from __future__ import annotations

from typing import Final

__all__ = ["ORDER_COLUMNS", "REJECTION_COLUMNS"]

#: Columns added to each normalized order: the Trackstar JSON text exactly as `cartnorm.dumps`
#: writes it, the order's id, status and invoice currency (for partitioning and filtering),
#: the adapter that read it, and the warnings met on the way.
ORDER_COLUMNS: Final = ("order", "order_id", "status", "currency", "source", "warnings")

#: Columns added to each rejection: the JSON path inside the payload (``$`` for the payload as
#: a whole), the error's class name and its full message.
REJECTION_COLUMNS: Final = ("path", "error", "message")
