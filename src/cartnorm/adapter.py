"""
The contract every vendor adapter meets (built-in or plugin), and its vocabulary.

An adapter turns one vendor's order payload into a `CartOrder` and back. It is described
by an `Adapter` value: a name, a ``detect`` predicate, ``convert`` (payload → `Normalized`,
an order plus the warnings met on the way), ``from_canonical`` (order → payload) and its
status tables as data (`StatusTable`), from which the documentation is generated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, Protocol

import attrs

from .errors import ConfigurationError
from .model import CartOrder, OrderStatus

__all__ = [
    "Adapter",
    "ConvertFunction",
    "DataWarning",
    "Normalized",
    "StatusDecision",
    "StatusTable",
    "WarningLog",
    "observation_time",
]


def observation_time(observed_at: object = None) -> datetime:
    """
    The ``observed_at`` an adapter stamps on ``trackstar_created_date``/``trackstar_updated_date``.

    ``None`` means now (UTC); anything but a timezone-aware `datetime` is a `ConfigurationError`
    (a naive time would silently mean the machine's local zone).
    """
    if observed_at is None:
        return datetime.now(timezone.utc)
    if not isinstance(observed_at, datetime):
        msg = f"observed_at must be a timezone-aware datetime, got {type(observed_at).__name__}"
        raise ConfigurationError(msg)
    if observed_at.tzinfo is None or observed_at.utcoffset() is None:
        msg = f"observed_at must be timezone-aware (e.g. datetime.now(timezone.utc)), got naive {observed_at!r}"
        raise ConfigurationError(msg)
    return observed_at


@attrs.frozen
class DataWarning:
    """
    Something worth knowing about a record that is not an error.

    ``code`` is a stable machine-readable name (``"total_recomputed"``,
    ``"rounding_remainder"``, ``"updated_at_filled"`` …), ``path`` the JSON path in the
    vendor payload it concerns, ``message`` the explanation for people.
    """

    code: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.code} @ {self.path}: {self.message}"


class WarningLog:
    """Collects `DataWarning`s while one payload is converted."""

    __slots__ = ("_items",)

    def __init__(self) -> None:
        self._items: list[DataWarning] = []

    def add(self, code: str, path: str, message: str) -> None:
        """Record one warning."""
        self._items.append(DataWarning(code, path, message))

    def freeze(self) -> tuple[DataWarning, ...]:
        """The warnings recorded so far, in order."""
        return tuple(self._items)

    def __iter__(self) -> Iterator[DataWarning]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


@attrs.frozen
class Normalized:
    """The result of converting one payload: the order, and what was noticed on the way."""

    order: CartOrder
    warnings: tuple[DataWarning, ...] = ()


@attrs.frozen
class StatusDecision:
    """The Trackstar status a vendor status (or combination) maps to, and why."""

    status: OrderStatus
    reason: str


def _read_only_rows(rows: Mapping[tuple[str, ...], StatusDecision]) -> Mapping[tuple[str, ...], StatusDecision]:
    return MappingProxyType(dict(rows))


@attrs.frozen(kw_only=True)
class StatusTable:
    """
    A vendor's status mapping as data.

    ``axes`` name the vendor fields that together decide the status (one for most
    vendors, three for Medusa v1). ``rows`` maps every known combination of their values
    to a `StatusDecision`. A combination not in ``rows`` maps to ``other`` with
    ``unknown_reason``: never to a guessed real state.
    """

    vendor: str
    title: str
    axes: tuple[str, ...]
    rows: Mapping[tuple[str, ...], StatusDecision] = attrs.field(converter=_read_only_rows)
    unknown_reason: str = "not a value the vendor documents: kept in raw_status"

    def __attrs_post_init__(self) -> None:
        width = len(self.axes)
        for key in self.rows:
            if len(key) != width:
                msg = f"{self.title}: row {key!r} does not have one value per axis {self.axes!r}"
                raise ValueError(msg)

    def lookup(self, key: tuple[str, ...]) -> StatusDecision:
        """Return the decision for ``key``; unknown combinations map to ``other``."""
        decision = self.rows.get(key)
        if decision is None:
            return StatusDecision(OrderStatus.OTHER, self.unknown_reason)
        return decision


class ConvertFunction(Protocol):
    """``convert(payload, *, observed_at=None, **options) -> Normalized``."""

    def __call__(self, payload: Any, *, observed_at: datetime | None = None, **options: Any) -> Normalized: ...


@attrs.frozen(kw_only=True)
class Adapter:
    """
    One vendor's adapter.

    Attributes:
        name: the ``source=`` / ``target=`` name (``"medusa"``).
        description: one line for people (shown by ``cartnorm`` and in the docs).
        detect: True when a payload looks like this vendor's order (cheap, never raises).
        convert: payload → `Normalized`; raises `cartnorm.errors.PayloadError` on bad data.
        from_canonical: `CartOrder` → vendor payload dict.
        status_tables: the status mappings, as data, for documentation and tests.
        checks_limits: True when ``convert`` takes ``limits=`` (`cartnorm.Limits`) and
            enforces them itself as it reads, raising what `cartnorm.limits.check_payload`
            would, before any other error; cartnorm then skips its separate pre-check walk.
    """

    name: str
    description: str
    detect: Callable[[Any], bool]
    convert: ConvertFunction
    from_canonical: Callable[..., dict[str, Any]]
    status_tables: tuple[StatusTable, ...]
    checks_limits: bool = False

    def to_canonical(self, payload: Any, *, observed_at: datetime | None = None, **options: Any) -> CartOrder:
        """Convert and keep only the order (warnings are dropped)."""
        return self.convert(payload, observed_at=observed_at, **options).order
