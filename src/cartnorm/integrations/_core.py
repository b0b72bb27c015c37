"""
What both engine integrations share: the settings sent to workers and the per-record work.

Workers get a `Job`: plain, picklable settings, with ``observed_at`` already pinned on the
driver so that every worker stamps the same time and a re-run gives the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

import attrs

from .._json import parse_json
from .._paths import ROOT
from ..adapter import Adapter, DataWarning, observation_time
from ..codec import dumps, loads
from ..errors import ConfigurationError, PayloadError
from ..etl import Accepted, Rejection, process_record
from ..limits import Limits
from ..registry import get_adapter

__all__ = ["Job", "order_row", "outcomes", "reserved_columns", "table_batches", "warning_rows"]


@attrs.frozen
class Job:
    """
    One normalization run, as shipped to every worker.

    Attributes:
        source: the adapter's name, an `Adapter`, or ``None`` to detect it per record.
        observed_at: the stamp for the orders' Trackstar dates, pinned once on the driver.
        options: adapter options (``exponents=…``).
        limits: the bounds on hostile input (``None`` skips them).
    """

    source: str | Adapter | None
    observed_at: datetime
    options: Mapping[str, Any]
    limits: Limits | None

    @classmethod
    def create(
        cls,
        source: str | Adapter | None,
        observed_at: datetime | None,
        options: Mapping[str, Any],
        limits: Limits | None,
    ) -> Job:
        """
        Check the settings on the driver and pin ``observed_at`` (now, in UTC, when not given).

        An unknown ``source`` name or a naive ``observed_at`` is a `ConfigurationError`, raised
        before any data is read.
        """
        if isinstance(source, str):
            get_adapter(source)  # fail fast, on the driver
        return cls(source, observation_time(observed_at), dict(options), limits)

    def adapter(self) -> Adapter | None:
        """The adapter to use for every record (``None``: detect per record)."""
        return get_adapter(self.source) if isinstance(self.source, str) else self.source


def outcomes(texts: Iterable[str | bytes | None], job: Job, start: int = 0) -> Iterator[Accepted | Rejection]:
    """
    Parse and normalize each JSON text, in order: one `Accepted` or `Rejection` per text.

    The text is parsed with cartnorm's exact parser (integers and decimals kept exact); text
    that is not JSON, or a null, is a `Rejection` at ``$`` that keeps the original text.
    Positions count from ``start``.
    """
    adapter = job.adapter()  # resolved once per partition
    options = dict(job.options)
    for position, text in enumerate(texts, start):
        try:
            if text is None:
                raise PayloadError(ROOT, None, "JSON text (the payload is null)")
            record = parse_json(text)
        except PayloadError as error:
            yield Rejection.from_error(position, text, error)
            continue
        yield process_record(position, record, adapter, job.observed_at, options, job.limits)


def order_row(outcome: Accepted) -> tuple[str, str, str, str, str]:
    """The order's Trackstar JSON text, id, status, currency and source."""
    order = outcome.order
    return dumps(order), order.id, order.status.value, order.invoice_currency_code, outcome.source


def warning_rows(outcome: Accepted) -> list[dict[str, str]]:
    """The order's warnings as ``{"code", "path", "message"}`` dicts."""
    return [{"code": w.code, "path": w.path, "message": w.message} for w in outcome.warnings]


def reserved_columns(columns: Iterable[str], payload_col: str, added: Iterable[str]) -> None:
    """Refuse input whose columns lack ``payload_col`` or clash (case-insensitively) with ``added``."""
    names = list(columns)
    if payload_col not in names:
        msg = f"no column {payload_col!r} (the JSON payloads) among {names}; pass payload_col="
        raise ConfigurationError(msg)
    taken = {name.lower() for name in names}
    clashes = sorted(name for name in added if name.lower() in taken)
    if clashes:
        msg = f"the input already has column(s) {clashes}, which the output adds; rename them first"
        raise ConfigurationError(msg)


def table_batches(rows: Iterable[tuple[str, str, Iterable[Mapping[str, str]]]], money: Any) -> Any:
    """
    The typed tables (`cartnorm.Tables`) of normalized orders given as ``(order JSON text, source, warnings)``.

    The order text is what `order_row` wrote (`cartnorm.dumps`), so it reads back to the same
    order; an order that does not fit the tables (money beyond ``money``, a duplicate child key)
    lands in ``rejects``.
    """
    from ..tables._arrow import TableBuilder  # noqa: PLC0415 - tables are optional: PyArrow on first use

    builder = TableBuilder(money)
    for position, (text, source, warnings) in enumerate(rows):
        found = tuple(DataWarning(w["code"], w["path"], w["message"]) for w in warnings or ())
        builder.add_order(loads(text), source, found, position=position, record=text)
    return builder.build()
