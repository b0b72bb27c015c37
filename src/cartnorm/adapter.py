"""
The contract every vendor adapter meets (built-in or plugin), and its vocabulary.

An adapter turns one vendor's order payload into a `CartOrder` and back. It is described
by an `Adapter` value: a name, a ``detect`` predicate, ``convert`` (payload → `Normalized`,
an order plus the warnings met on the way), ``from_canonical`` (order → payload), the options
``convert`` takes (`Option`: the command line builds its flags from them) and its status
tables as data (`StatusTable`), from which the documentation is generated.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Generic, Protocol, cast

import attrs

from .errors import ConfigurationError
from .limits import Limits
from .model import CartOrder, OrderStatus, ShipmentStatus

__all__ = [
    "DECIDES",
    "LIMITS_OPTION",
    "OWNED_OPTION",
    "Adapter",
    "ConvertFunction",
    "DataWarning",
    "Normalized",
    "Option",
    "StatusDecision",
    "StatusRule",
    "StatusTable",
    "WarningLog",
    "expand_rules",
    "observation_time",
    "read_options",
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


if TYPE_CHECKING:  # a default for the type parameter (PEP 696): a bare StatusTable is an order table
    from typing_extensions import TypeVar

    Status = TypeVar("Status", OrderStatus, ShipmentStatus, default=OrderStatus)
else:
    from typing import TypeVar

    Status = TypeVar("Status", OrderStatus, ShipmentStatus)

#: What a status table decides (`StatusTable.decides`), and the Trackstar enum its statuses come from.
DECIDES: Final[Mapping[str, type[OrderStatus] | type[ShipmentStatus]]] = MappingProxyType(
    {"order": OrderStatus, "shipment": ShipmentStatus, "shipping_group": ShipmentStatus}
)


@attrs.frozen
class StatusDecision(Generic[Status]):
    """
    The Trackstar status a vendor status (or combination) maps to, and why.

    ``status`` is an `OrderStatus` in an order's table, a `ShipmentStatus` in a shipment's or a
    shipping group's (Trackstar gives both the same enum).
    """

    status: Status
    reason: str


def _read_only_rows(rows: Mapping[tuple[str, ...], StatusDecision[Any]]) -> Mapping[tuple[str, ...], Any]:
    return MappingProxyType(dict(rows))


def _read_only_values(values: Mapping[str, Sequence[str]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({axis: tuple(found) for axis, found in values.items()})


def _read_only_when(when: Mapping[str, Collection[str]]) -> Mapping[str, frozenset[str]]:
    return MappingProxyType({axis: frozenset(found) for axis, found in when.items()})


@attrs.frozen(kw_only=True)
class StatusRule(Generic[Status]):
    """
    One line of a mapping written as an ordered list of rules (the first that matches decides).

    Attributes:
        when: axis name → the values that match; an axis not named matches any value.
        status: the Trackstar status the matching combinations map to.
        reason: why, for people (shown in the generated documentation).
    """

    when: Mapping[str, frozenset[str]] = attrs.field(converter=_read_only_when)
    status: Status
    reason: str

    def matches(self, combination: Mapping[str, str]) -> bool:
        """True when every axis this rule names holds one of its values."""
        return all(combination[axis] in found for axis, found in self.when.items())


def expand_rules(
    rules: Sequence[StatusRule[Status]], axes: Sequence[str], values: Mapping[str, Sequence[str]]
) -> dict[tuple[str, ...], StatusDecision[Status]]:
    """
    One row per combination of the documented ``values`` of ``axes``, decided by the first
    of ``rules`` that matches it; a combination no rule matches is a `ValueError` (a rule list
    must decide every documented combination: end it with catch-alls).

    >>> rules = [StatusRule(when={"paid": {"yes"}}, status=OrderStatus.CONFIRMED, reason="paid"),
    ...          StatusRule(when={}, status=OrderStatus.OPEN, reason="placed")]
    >>> {key: d.status.value for key, d in expand_rules(rules, ("paid",), {"paid": ("yes", "no")}).items()}
    {('yes',): 'confirmed', ('no',): 'open'}
    """
    unknown = {axis for rule in rules for axis in rule.when} - set(axes)
    if unknown:
        msg = f"rules name {sorted(unknown)!r}, which are not axes {tuple(axes)!r}"
        raise ValueError(msg)
    rows: dict[tuple[str, ...], StatusDecision[Status]] = {}
    for key in itertools.product(*(values[axis] for axis in axes)):
        combination = dict(zip(axes, key, strict=True))
        rule = next((rule for rule in rules if rule.matches(combination)), None)
        if rule is None:
            msg = f"no rule decides {combination!r}"
            raise ValueError(msg)
        rows[key] = StatusDecision(rule.status, rule.reason)
    return rows


@attrs.frozen(kw_only=True)
class StatusTable(Generic[Status]):
    """
    A vendor's status mapping as data.

    ``axes`` name the vendor fields that together decide the status (one for most
    vendors, three for Medusa v1). ``rows`` maps every known combination of their values
    to a `StatusDecision`. A combination not in ``rows`` maps to ``other`` with
    ``unknown_reason``: never to a guessed real state.

    ``values`` lists, per axis, every value the vendor documents; the contract
    (`cartnorm.testing`) checks that each appears in some row, or that the axis has a row
    with the ``wildcard`` value (a table whose rows match "any value" there, as Gearment's do).

    ``decides`` says which Trackstar status the table decides (`DECIDES`): an order's
    (`OrderStatus`, the default), a shipment's or a shipping group's (`ShipmentStatus`).
    ``rules`` keeps the ordered rules the rows were expanded from, when they were
    (`StatusTable.from_rules`), for the documentation.
    """

    vendor: str
    title: str
    axes: tuple[str, ...]
    rows: Mapping[tuple[str, ...], StatusDecision[Status]] = attrs.field(converter=_read_only_rows)
    unknown_reason: str = "not a value the vendor documents: kept in raw_status"
    values: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=_read_only_values)
    wildcard: str | None = None
    decides: str = "order"
    rules: tuple[StatusRule[Status], ...] = ()

    def __attrs_post_init__(self) -> None:
        width = len(self.axes)
        for key in self.rows:
            if len(key) != width:
                msg = f"{self.title}: row {key!r} does not have one value per axis {self.axes!r}"
                raise ValueError(msg)
        unknown = set(self.values) - set(self.axes)
        if unknown:
            msg = f"{self.title}: values for {sorted(unknown)!r}, which are not axes {self.axes!r}"
            raise ValueError(msg)
        enum = DECIDES.get(self.decides)
        if enum is None:
            msg = f"{self.title}: decides {self.decides!r}, which is not one of {sorted(DECIDES)}"
            raise ValueError(msg)
        wrong = [key for key, decision in self.rows.items() if not isinstance(decision.status, enum)]
        if wrong:
            msg = f"{self.title}: row {wrong[0]!r} is not a {enum.__name__} (the table decides {self.decides!r})"
            raise ValueError(msg)

    @classmethod
    def from_rules(
        cls,
        *,
        vendor: str,
        title: str,
        axes: tuple[str, ...],
        rules: Sequence[StatusRule[Status]],
        values: Mapping[str, Sequence[str]],
        decides: str = "order",
        unknown_reason: str = "not a value the vendor documents: kept in raw_status",
    ) -> StatusTable[Status]:
        """The table whose rows are ``rules`` expanded over ``values`` (`expand_rules`), rules kept."""
        return cls(
            vendor=vendor, title=title, axes=axes, rows=expand_rules(rules, axes, values),
            unknown_reason=unknown_reason, values=values, decides=decides, rules=tuple(rules),
        )  # fmt: skip

    @property
    def other(self) -> Status:
        """``other`` of the enum this table decides."""
        return cast("Status", DECIDES[self.decides].OTHER)

    def lookup(self, key: tuple[str, ...]) -> StatusDecision[Status]:
        """Return the decision for ``key``; unknown combinations map to ``other``."""
        decision = self.rows.get(key)
        if decision is None:
            return StatusDecision(self.other, self.unknown_reason)
        return decision


class ConvertFunction(Protocol):
    """
    ``convert(payload, *, observed_at=None, **options) -> Normalized``: every adapter's one signature.

    ``options`` are those the adapter declares (`Adapter.options`); it refuses any other with a
    `ConfigurationError` (`read_options` does both).
    """

    def __call__(self, payload: Any, *, observed_at: datetime | None = None, **options: Any) -> Normalized: ...


_ABSENT: Any = object()


def _no_parse(texts: Sequence[str]) -> Any:
    return texts[-1]


@attrs.frozen(kw_only=True)
class Option:
    """
    One option an adapter's ``convert`` takes by name, declared so that callers can find it.

    Attributes:
        name: the keyword (``"exponents"``).
        type: what it takes, for people (``"{currency code: digits}"``).
        help: what it means.
        default: the value when it is not given.
        flag: the command line's flag (``"--exponent"``); None: from Python only.
        metavar: how the flag's value is shown in ``--help``.
        repeat: the flag may be given more than once (its values are collected).
        parse: the flag's texts (one per use) → the option's value; raises
            `ConfigurationError` with a message for people on bad text. Default: the last text.
        check: a value given from Python → the value the adapter uses; raises
            `ConfigurationError`. Default: the value as given.
        given_back: for an option that is data the adapter reads beside the payload (a
            second document, such as Shopify's fulfillment orders): the order → that data
            again, as ``from_canonical`` gives the payload back. The contract's round trip
            checks it gives back what was passed.
    """

    name: str
    type: str
    help: str
    default: Any = None
    flag: str | None = None
    metavar: str = "VALUE"
    repeat: bool = False
    parse: Callable[[Sequence[str]], Any] = _no_parse
    check: Callable[[Any], Any] | None = None
    given_back: Callable[[CartOrder], Any] | None = None


def _checked_limits(value: Any) -> Limits | None:
    if value is not None and not isinstance(value, Limits):
        msg = f"limits must be a cartnorm.Limits or None, got {type(value).__name__}"
        raise ConfigurationError(msg)
    return value


#: The option of an adapter that enforces `cartnorm.Limits` itself while it reads
#: (`Adapter.checks_limits`): cartnorm passes its limits through it.
LIMITS_OPTION: Final = Option(
    name="limits",
    type="cartnorm.Limits or None",
    help="hostile-input bounds, enforced while the order is read (cartnorm passes its own: checks_limits)",
    check=_checked_limits,
)


def _checked_owned(value: Any) -> bool:
    if type(value) is not bool:
        msg = f"owned must be True or False, got {type(value).__name__}"
        raise ConfigurationError(msg)
    return value


#: The option of an adapter that can read a payload in place when it is given away: cartnorm
#: passes ``owned=True`` for the records its command line parsed for this conversion alone,
#: whose numbers are exact (no binary floats) and which nothing else holds. The adapter may
#: then make what it keeps of the payload in place instead of copying it; the payload is
#: changed only once the order is made.
OWNED_OPTION: Final = Option(
    name="owned",
    type="True or False",
    help="the payload was parsed by cartnorm for this conversion alone (exact numbers, held by nobody else): "
    "what is kept of it is made in place, not copied",
    default=False,
    check=_checked_owned,
)


def read_options(adapter: str, declared: Sequence[Option], given: Mapping[str, Any]) -> dict[str, Any]:
    """
    Every declared option's value (``given``'s, checked, or its default), by name.

    An option ``adapter`` does not declare is a `ConfigurationError` that lists those it does.

    >>> read_options("toy", [Option(name="shop", type="text", help="the shop's domain")], {"shop": "x.example"})
    {'shop': 'x.example'}
    """
    values: dict[str, Any] = {}
    matched = 0
    for option in declared:  # a few options at most: a plain loop, once per record
        name = option.name
        value = given.get(name, _ABSENT)
        if value is _ABSENT:
            values[name] = option.default
        else:
            matched += 1
            values[name] = value if option.check is None else option.check(value)
    if matched != len(given):
        unknown = [name for name in given if name not in values]
        knows = ", ".join(repr(option.name) for option in declared) or "none"
        msg = f"the {adapter} adapter takes no option {', '.join(map(repr, unknown))} (it knows: {knows})"
        raise ConfigurationError(msg)
    return values


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
        options: the options ``convert`` takes (`Option`); the command line makes a flag of
            each that has one, and passes it to this adapter's records only.
        checks_limits: True when ``convert`` takes ``limits=`` (`cartnorm.Limits`, declared as
            an option) and enforces them itself as it reads, raising what
            `cartnorm.limits.check_payload` would, before any other error; cartnorm then
            skips its separate pre-check walk.
        detectable: False for an adapter used only by name (``trackstar``): detection never
            picks it.
    """

    name: str
    description: str
    detect: Callable[[Any], bool]
    convert: ConvertFunction
    from_canonical: Callable[..., dict[str, Any]]
    status_tables: tuple[StatusTable[Any], ...]
    options: tuple[Option, ...] = ()
    checks_limits: bool = False
    detectable: bool = True

    def option(self, name: str) -> Option | None:
        """The declared option called ``name``, if any."""
        return next((option for option in self.options if option.name == name), None)

    def to_canonical(self, payload: Any, *, observed_at: datetime | None = None, **options: Any) -> CartOrder:
        """Convert and keep only the order (warnings are dropped)."""
        return self.convert(payload, observed_at=observed_at, **options).order
