"""
The ETL surface: one call per record, and a lazy batch that sets bad records aside.

`normalize` and `denormalize` convert one record; `normalize_many` streams any iterable of
records and yields, in input order, one `Accepted` or one `Rejection` per record, so that
``records in == accepted + rejected`` holds for any input. The records may be what
`cartnorm.read_records` yields (`Record` or `Rejection`): each result then says where its
record was (`Location`).
"""

from __future__ import annotations

import base64
import inspect
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Literal

import attrs

from ._paths import ROOT
from .adapter import Adapter, DataWarning, Normalized, read_options
from .errors import (
    CartnormError,
    ConfigurationError,
    InputTypeError,
    LimitExceededError,
    PayloadError,
    UnrecognizedPayloadError,
)
from .limits import DEFAULT_LIMITS, Limits
from .lossless import check_within
from .model import CartOrder
from .registry import available_adapters, detect_adapter, get_adapter

__all__ = [
    "Accepted",
    "Location",
    "Record",
    "Rejection",
    "check_options",
    "convert",
    "denormalize",
    "normalize",
    "normalize_many",
    "process_record",
    "reason_code",
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
    declare, or (records detected one by one) one no available adapter declares; and a value
    the option's declaration refuses (`Option.check`), of every adapter that declares it.
    """
    if not options:
        return
    if adapter is not None:
        read_options(adapter.name, adapter.options, options)
        return
    adapters = available_adapters().values()
    declared = {option.name for candidate in adapters for option in candidate.options}
    unknown = [name for name in options if name not in declared]
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        msg = f"no adapter takes the option {', '.join(map(repr, unknown))} (options adapters declare: {known})"
        raise ConfigurationError(msg)
    for candidate in adapters:
        given = {name: value for name, value in options.items() if candidate.option(name) is not None}
        if given:
            read_options(candidate.name, candidate.options, given)


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
    """Check ``payload`` against ``limits``, detect its adapter if none is given, convert."""
    chosen, options = _bounded(payload, adapter, adapter_options, limits)
    return chosen, chosen.convert(payload, observed_at=observed_at, **options)


def _bounded(
    payload: Any,
    adapter: Adapter | None,
    adapter_options: dict[str, Any],
    limits: Limits | None,
    *,
    owned: bool = False,
) -> tuple[Adapter, dict[str, Any]]:
    """
    Check ``payload`` against ``limits`` and choose its adapter; return it and its options.

    An adapter that `checks_limits` gets them and checks while it reads (one walk, not two);
    for any other the separate walk runs first. Detection comes before either: it is cheap and
    never raises (the contract), whatever the payload. A payload no adapter claims is checked
    first all the same, so an over-limit payload is refused as over the limits, recognised or not.
    ``owned`` (a record cartnorm's reader parsed, given away) reaches an adapter that declares
    `cartnorm.adapter.OWNED_OPTION`.
    """
    if adapter is None:
        try:
            chosen = detect_adapter(payload)
        except UnrecognizedPayloadError:
            if limits is not None:
                check_within(payload, limits)
            raise
        adapter_options = _options_for(chosen, adapter_options)
    else:
        chosen = adapter
    if limits is not None and not chosen.checks_limits:
        check_within(payload, limits)
        limits = None
    if limits is not None:
        adapter_options = {**adapter_options, "limits": limits}
    if owned and chosen.option("owned") is not None:
        adapter_options = {**adapter_options, "owned": True}
    return chosen, adapter_options


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
    """
    Turn a `CartOrder` back into ``target``'s payload; ``adapter_options`` go to its
    ``from_canonical``, and one it does not take is a `ConfigurationError` (the built-in adapters take none).
    """
    adapter = target if isinstance(target, Adapter) else get_adapter(target)
    if adapter_options:
        try:
            inspect.signature(adapter.from_canonical).bind(order, **adapter_options)
        except TypeError:
            names = ", ".join(map(repr, adapter_options))
            msg = f"the {adapter.name} adapter's from_canonical takes no option {names} (only convert takes options)"
            raise ConfigurationError(msg) from None
        except ValueError:  # no signature to read (a builtin): let the call say
            pass
    return adapter.from_canonical(order, **adapter_options)


@attrs.frozen
class Location:
    """
    Where a record was read: ``source`` (a file name, ``<stdin>``, ``<bytes>``, ``<stream>``),
    the ``line`` it starts on (1-based), its byte ``offset`` (the number of bytes before it) and
    its ``number`` among the source's records (1-based).
    """

    source: str
    line: int
    offset: int
    number: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line}"


@attrs.frozen
class Record:
    """
    A record read by `cartnorm.read_records`: its parsed ``value`` (integers as `int`, other
    numbers as exact `Decimal`), its exact ``text`` and its `Location`.

    ``limits`` are the bounds the value was checked against while it was read (`normalize_many`
    does not check it again against the same bounds).
    """

    value: Any
    text: str
    location: Location
    limits: Limits | None = attrs.field(default=None, eq=False, repr=False)

    ok = True


@attrs.frozen
class Accepted:
    """
    A record that became an order. ``position`` counts records from 0, in input order;
    ``source`` names the adapter that read it; ``location`` says where the record was, when known.
    """

    position: int
    order: CartOrder
    warnings: tuple[DataWarning, ...]
    source: str
    location: Location | None = None

    ok = True


_WORD_START = re.compile(r"(?<!^)(?=[A-Z])")


def reason_code(error: str) -> str:
    """
    The stable, machine-readable reason for an exception class's name: ``MoneyError`` →
    ``money_error`` (reasons found while reading text have their own: ``invalid_json`` …).
    """
    return _WORD_START.sub("_", error).lower()


def _reason_of(rejection: Rejection) -> str:
    return reason_code(rejection.error)


@attrs.frozen
class Rejection:
    """
    A record set aside: where it was, why, and the record itself (nothing is lost).

    ``path`` is the JSON path inside the record (``$`` for the record as a whole),
    ``error`` the exception's class name, ``message`` the full explanation and ``reason`` a
    stable code to count by (``money_error``, ``invalid_json``, ``duplicate_key`` …; see
    ``docs/etl.md``). ``record`` is the record as given; for a record that could not be read
    from text it is the exact text (`str`), or the exact bytes when they are not UTF-8, or, for
    a record longer than the reader's limit, a `cartnorm.reading.Spool` holding its bytes.
    ``location`` says where it was read (`cartnorm.read_records`), ``source`` names the adapter
    that was reading it (``None`` when none was chosen).
    """

    position: int
    record: Any
    path: str
    error: str
    message: str
    exception: CartnormError | None = attrs.field(default=None, eq=False, repr=False)
    reason: str = attrs.field(kw_only=True, default=attrs.Factory(_reason_of, takes_self=True))
    location: Location | None = attrs.field(kw_only=True, default=None)
    source: str | None = attrs.field(kw_only=True, default=None)

    ok = False

    @classmethod
    def from_error(
        cls,
        position: int,
        record: Any,
        error: CartnormError,
        *,
        reason: str | None = None,
        location: Location | None = None,
        source: str | None = None,
    ) -> Rejection:
        """Build a rejection from the exception that rejected ``record``."""
        path = error.path if isinstance(error, PayloadError) else "$"
        name = type(error).__name__
        return cls(
            position,
            record,
            path,
            name,
            str(error),
            error,
            reason=reason or reason_code(name),
            location=location,
            source=source,
        )

    def to_json(self) -> dict[str, Any]:
        """
        A JSON-ready dict for a rejects file: position, path, error, reason, message, the record,
        and where it was when known. Bytes that are not UTF-8 are written in base64, with
        ``"base64": true``.
        """
        line: dict[str, Any] = {"position": self.position}
        if self.location is not None:
            line.update(file=self.location.source, line=self.location.line, offset=self.location.offset)
        line.update(path=self.path, error=self.error, reason=self.reason, message=self.message)
        if self.source is not None:
            line["source"] = self.source
        record = self.record
        if hasattr(record, "read_bytes"):  # a Spool: a record too long to hold, read back whole
            record = record.read_bytes()
        if isinstance(record, (bytes, bytearray)):
            try:
                record = bytes(record).decode("utf-8")
            except UnicodeDecodeError:
                line.update(record=base64.b64encode(record).decode("ascii"), base64=True)
                return line
        line["record"] = record
        return line


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

    ``records`` is any iterable of payloads, or what `cartnorm.read_records` yields: a `Record`
    is converted with its location kept, a `Rejection` (a record that could not be read)
    passes through in its place. A single payload (a dict) or a string is not an iterable of
    records: `InputTypeError` (use `normalize` for one payload, `read_records` for JSON text).

    With ``on_error="reject"`` (the default) a record that raises a `CartnormError` data
    error becomes a `Rejection` carrying its position, JSON path, message and the original
    record; ``on_error="raise"`` re-raises the first one. Configuration errors (an unknown
    ``source`` name, an option no adapter that may convert the records declares, a bad option
    value) always raise, at the call, before any record is read: they would reject every
    record. An option applies to the records of the adapter declaring it.
    """
    _refuse_single_record(records)
    if on_error not in ("reject", "raise"):
        msg = f"on_error must be 'reject' or 'raise', got {on_error!r}"
        raise ConfigurationError(msg)
    fixed = None if source is None else _adapter_for(None, source)
    check_options(fixed, adapter_options)
    return _normalize_each(records, fixed, observed_at, on_error, limits, adapter_options)


def _refuse_single_record(records: object) -> None:
    if isinstance(records, Mapping):
        msg = (
            "normalize_many() takes an iterable of records, got a single payload (a mapping): "
            "use cartnorm.normalize(payload) for one record, or pass a list of payloads"
        )
        raise InputTypeError(msg)
    if isinstance(records, (str, bytes, bytearray, memoryview)):
        msg = (
            f"normalize_many() takes an iterable of records, got {type(records).__name__}: to read JSON text, "
            "pass cartnorm.read_records(path, bytes or stream), which parses each record and sets bad ones aside"
        )
        raise InputTypeError(msg)
    if not isinstance(records, Iterable):
        msg = f"normalize_many() takes an iterable of records, got {type(records).__name__}"
        raise InputTypeError(msg)


def _normalize_each(
    records: Iterable[Any],
    fixed: Adapter | None,
    observed_at: datetime | None,
    on_error: Literal["reject", "raise"],
    limits: Limits | None,
    adapter_options: dict[str, Any],
) -> Iterator[Accepted | Rejection]:
    for position, record in enumerate(records):
        kind = type(record)
        if kind is Record:
            checks = None if limits is None or record.limits == limits else limits
            outcome = process_record(
                position, record.value, fixed, observed_at, adapter_options, checks, location=record.location
            )
        elif kind is Rejection:
            outcome = record if record.position == position else attrs.evolve(record, position=position)
        else:
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
    *,
    location: Location | None = None,
    owned: bool = False,
) -> Accepted | Rejection:
    """
    Convert one record with ``adapter`` (or the detected one); a data error becomes a `Rejection`.

    ``owned``: the record was parsed by cartnorm's reader for this call alone (see `_bounded`).
    """
    chosen = adapter
    try:
        chosen, options = _bounded(record, adapter, adapter_options, limits, owned=owned)
        result = chosen.convert(record, observed_at=observed_at, **options)
    except ConfigurationError:
        raise
    except CartnormError as error:
        return Rejection.from_error(position, record, error, location=location, source=_name(chosen))
    except RecursionError:
        return Rejection.from_error(position, record, _too_deep(), location=location, source=_name(chosen))
    return Accepted(position, result.order, result.warnings, chosen.name, location)


def _name(adapter: Adapter | None) -> str | None:
    return None if adapter is None else adapter.name
