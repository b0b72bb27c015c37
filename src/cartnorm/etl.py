"""
The ETL surface: one call per record, and a lazy batch that sets bad records aside.

`normalize` and `denormalize` convert one record; `normalize_many` streams any iterable of
records and yields, in input order, one `Accepted` or one `Rejection` per record, so that
``records in == accepted + rejected`` holds for any input.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, Literal

import attrs

from ._paths import ROOT
from .adapter import Adapter, DataWarning, Normalized, read_options
from .errors import CartnormError, ConfigurationError, LimitExceededError, PayloadError
from .limits import DEFAULT_LIMITS, Limits, check_payload
from .model import CartOrder
from .registry import available_adapters, detect_adapter, get_adapter

__all__ = [
    "Accepted",
    "Rejection",
    "check_options",
    "convert",
    "denormalize",
    "normalize",
    "normalize_many",
    "process_record",
]


def _adapter_for(payload: Any, source: str | Adapter | None) -> Adapter:
    if isinstance(source, Adapter):
        return source
    if source is None:
        return detect_adapter(payload)
    return get_adapter(source)


def check_options(adapter: Adapter | None, options: dict[str, Any]) -> None:
    """
    Refuse, before any record is read, an option that cannot apply: one ``adapter`` does not
    declare, or (records detected one by one) one no available adapter declares.
    """
    if not options:
        return
    if adapter is not None:
        read_options(adapter.name, adapter.options, options)
        return
    declared = {option.name for candidate in available_adapters().values() for option in candidate.options}
    unknown = [name for name in options if name not in declared]
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        msg = f"no adapter takes the option {', '.join(map(repr, unknown))} (options adapters declare: {known})"
        raise ConfigurationError(msg)


def _options_for(adapter: Adapter, options: dict[str, Any]) -> dict[str, Any]:
    """The options that apply to a record ``adapter`` was detected for: those it declares."""
    if not options:
        return options
    return {name: value for name, value in options.items() if adapter.option(name) is not None}


def convert(
    payload: Any,
    source: str | Adapter | None = None,
    *,
    observed_at: datetime | None = None,
    limits: Limits | None = DEFAULT_LIMITS,
    **adapter_options: Any,
) -> Normalized:
    """
    Convert one vendor payload; return the order and the warnings met on the way.

    ``source`` names the adapter (``"medusa"``, ``"gearment"``, a plugin's name, or an
    `Adapter`); ``None`` detects it from the payload's shape, and a payload no adapter
    (or more than one) recognises is an `UnrecognizedPayloadError`, never a guess.
    The payload is first checked against ``limits`` (`cartnorm.Limits`; ``None`` skips that),
    by cartnorm, or by the adapter while it reads when it says it can (`Adapter.checks_limits`).
    An option applies to the adapter that declares it (`Adapter.options`); with ``source=None``
    a record gets only the options its adapter declares, and one no adapter declares is a
    `ConfigurationError`.
    """
    adapter = None if source is None else _adapter_for(payload, source)
    check_options(adapter, adapter_options)
    try:
        return _checked_convert(payload, adapter, observed_at, adapter_options, limits)[1]
    except RecursionError:
        raise _too_deep() from None


def _checked_convert(
    payload: Any,
    adapter: Adapter | None,
    observed_at: datetime | None,
    adapter_options: dict[str, Any],
    limits: Limits | None,
) -> tuple[Adapter, Normalized]:
    """
    Check ``payload`` against ``limits``, detect its adapter if none is given, convert.

    An adapter that `checks_limits` gets them and checks while it reads (one walk, not two);
    otherwise the separate walk runs first, before detection too.
    """
    if limits is not None and (adapter is None or not adapter.checks_limits):
        check_payload(payload, limits)
        limits = None
    if adapter is None:
        chosen = detect_adapter(payload)
        adapter_options = _options_for(chosen, adapter_options)
    else:
        chosen = adapter
    if limits is not None:
        adapter_options = {**adapter_options, "limits": limits}
    return chosen, chosen.convert(payload, observed_at=observed_at, **adapter_options)


def _too_deep() -> LimitExceededError:
    return LimitExceededError(ROOT, "…", "a payload nested less deeply than the interpreter's recursion limit")


def normalize(
    payload: Any,
    source: str | Adapter | None = None,
    *,
    observed_at: datetime | None = None,
    limits: Limits | None = DEFAULT_LIMITS,
    **adapter_options: Any,
) -> CartOrder:
    """Convert one vendor payload into a `CartOrder` (see `convert` for the warnings too)."""
    return convert(payload, source, observed_at=observed_at, limits=limits, **adapter_options).order


def denormalize(order: CartOrder, target: str | Adapter, **adapter_options: Any) -> dict[str, Any]:
    """Turn a `CartOrder` back into ``target``'s payload."""
    adapter = target if isinstance(target, Adapter) else get_adapter(target)
    return adapter.from_canonical(order, **adapter_options)


@attrs.frozen
class Accepted:
    """A record that became an order. ``position`` counts records from 0, in input order."""

    position: int
    order: CartOrder
    warnings: tuple[DataWarning, ...]
    source: str

    ok = True


@attrs.frozen
class Rejection:
    """
    A record set aside: where it was, why, and the record itself (nothing is lost).

    ``path`` is the JSON path inside the record (``$`` for the record as a whole),
    ``error`` the exception's class name, ``message`` the full explanation.
    """

    position: int
    record: Any
    path: str
    error: str
    message: str
    exception: CartnormError | None = attrs.field(default=None, eq=False, repr=False)

    ok = False

    @classmethod
    def from_error(cls, position: int, record: Any, error: CartnormError) -> Rejection:
        """Build a rejection from the exception that rejected ``record``."""
        path = error.path if isinstance(error, PayloadError) else "$"
        return cls(position, record, path, type(error).__name__, str(error), error)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict for a rejects file."""
        return {
            "position": self.position,
            "path": self.path,
            "error": self.error,
            "message": self.message,
            "record": self.record,
        }


def normalize_many(
    records: Iterable[Any],
    source: str | Adapter | None = None,
    *,
    observed_at: datetime | None = None,
    on_error: Literal["reject", "raise"] = "reject",
    limits: Limits | None = DEFAULT_LIMITS,
    **adapter_options: Any,
) -> Iterator[Accepted | Rejection]:
    """
    Lazily convert many records, yielding one `Accepted` or `Rejection` per record, in order.

    With ``on_error="reject"`` (the default) a record that raises a `CartnormError` data
    error becomes a `Rejection` carrying its position, JSON path, message and the original
    record; ``on_error="raise"`` re-raises the first one. Configuration errors (an unknown
    ``source`` name, an option no adapter that may convert the records declares, a bad option
    value) always raise: they would reject every record; all but bad values at the call,
    before any record is read. An option applies to the records of the adapter declaring it.
    """
    if on_error not in ("reject", "raise"):
        msg = f"on_error must be 'reject' or 'raise', got {on_error!r}"
        raise ConfigurationError(msg)
    fixed = None if source is None else _adapter_for(None, source)
    check_options(fixed, adapter_options)
    return _normalized(records, fixed, observed_at, on_error, limits, adapter_options)


def _normalized(
    records: Iterable[Any],
    fixed: Adapter | None,
    observed_at: datetime | None,
    on_error: Literal["reject", "raise"],
    limits: Limits | None,
    adapter_options: dict[str, Any],
) -> Iterator[Accepted | Rejection]:
    for position, record in enumerate(records):
        outcome = process_record(position, record, fixed, observed_at, adapter_options, limits)
        if on_error == "raise" and isinstance(outcome, Rejection):
            assert outcome.exception is not None
            raise outcome.exception
        yield outcome


def process_record(
    position: int,
    record: Any,
    adapter: Adapter | None,
    observed_at: datetime | None,
    adapter_options: dict[str, Any],
    limits: Limits | None = DEFAULT_LIMITS,
) -> Accepted | Rejection:
    """Convert one record with ``adapter`` (or the detected one); a data error becomes a `Rejection`."""
    try:
        chosen, result = _checked_convert(record, adapter, observed_at, adapter_options, limits)
    except ConfigurationError:
        raise
    except CartnormError as error:
        return Rejection.from_error(position, record, error)
    except RecursionError:
        return Rejection.from_error(position, record, _too_deep())
    return Accepted(position, result.order, result.warnings, chosen.name)
