"""
The adapter contract, as checks any adapter (built-in or plugin) can be run against.

>>> from cartnorm.testing import check_adapter
>>> check_adapter(ADAPTER, fixtures="fixtures/shopify")   # doctest: +SKIP

raises `ContractError` listing every problem found; `contract_problems` returns them. With
pytest (the plugin ships with cartnorm)::

    pytest --cartnorm-contract=shopify --cartnorm-fixtures=fixtures/shopify

runs one test per check (`CHECKS`), and one per conformance case. The checks:

* ``shape``: the `Adapter` fields, ``convert``'s one signature
  (``convert(payload, *, observed_at=None, **options)``), declared options (`Option`).
* ``status_tables``: rows as data with a reason each, read-only, and every value the vendor
  documents for an axis (`StatusTable.values`) decided by some row.
* ``detection``: ``detect`` answers True or False and never raises, whatever it is given
  (odd values, a mapping that raises, fixtures broken in one place); it claims the
  adapter's own payloads (at least one of its fixtures that convert).
* ``conversion``: a fixture payload becomes an order that passes Trackstar's schema and
  survives `cartnorm.dumps` / `cartnorm.loads`, or a `PayloadError` with a JSON path, as its
  case says; so does a payload made by breaking a fixture in one place (a key dropped, or
  its value made null, a text or a huge negative number, a date-time made one whose instant no
  `datetime` holds in UTC; at the top, in its first nested
  object, and in the first item of their lists of objects, such as ``lines[0].qty``; a few
  hundred per adapter).
* ``round_trip``: ``from_canonical(convert(p).order)`` gives ``p`` back, the same JSON text
  (`cartnorm.lossless.same`); for a case whose ``options.json`` says ``"own_encoding": false``
  (a spelling the adapter reads but does not write), what it gives back converts to itself.

The fixtures are `cartnorm.conformance` cases: ``<case>.payload.json`` with its
``.expected.json`` or ``.error.json``, in a directory (or several) that must exist. They are
not optional: without a case of the adapter's that converts, the round trip was not checked,
and ``round_trip`` says so as a problem (``checks={"shape", "status_tables"}`` checks what
needs no fixtures). Checking Trackstar's schema needs ``cartnorm[validate]``.
"""

from __future__ import annotations

import copy
import inspect
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import attrs

from ._json import parse_json
from .adapter import DECIDES, Adapter, Normalized, Option, StatusTable
from .cli import flag_problems
from .codec import dumps, loads, to_trackstar
from .conformance import Case, CaseSettings, case_settings, discover_cases, inputs_given_back
from .errors import CartnormError, ConfigurationError, PayloadError
from .lossless import same
from .model import CartOrder, OrderStatus
from .registry import available_adapters, get_adapter
from .schema import validate_trackstar

__all__ = [
    "CHECKS",
    "ContractError",
    "FixturePayload",
    "check_adapter",
    "contract_problems",
    "fixture_payloads",
]


class ContractError(AssertionError):
    """An adapter breaks its contract; ``problems`` lists how, one line each."""

    def __init__(self, adapter: str, problems: list[str]) -> None:
        super().__init__(f"the {adapter} adapter breaks the contract:\n" + "\n".join(f"  {p}" for p in problems))
        self.problems = tuple(problems)


@attrs.frozen
class FixturePayload:
    """One fixture case's payload, as the checks use it."""

    name: str
    payload: Any
    error: bool  #: the case expects a `PayloadError`
    own_encoding: bool  #: from_canonical gives this very payload back
    observed_at: datetime
    options: Mapping[str, Any]


#: A fixture directory, or several (``None``: none given).
Fixtures = str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None


def _directories(fixtures: Fixtures) -> list[Path]:
    """``fixtures`` as directories, each of which must exist: a mistyped path would check nothing."""
    if fixtures is None:
        return []
    given = [fixtures] if isinstance(fixtures, (str, os.PathLike)) else list(fixtures)
    directories = [Path(directory) for directory in given]
    for directory in directories:
        if not directory.is_dir():
            msg = f"fixtures: {directory} is not a directory (of cartnorm.conformance cases)"
            raise ConfigurationError(msg)
    return directories


def fixture_payloads(adapter: Adapter, fixtures: Fixtures) -> list[FixturePayload]:
    """
    The cases under ``fixtures`` (a directory, or several) that are ``adapter``'s: whose
    ``source`` option names it, or, without one, whose directory does, or any case when
    ``fixtures`` is named after no adapter. A path that is not a directory is a
    `ConfigurationError`.
    """
    names = available_adapters()
    found = []
    for directory in _directories(fixtures):
        for case in discover_cases(directory):
            settings = case_settings(case)
            source = settings.source
            if source is None and case.directory.name in names:
                source = case.directory.name
            if source is None or source == adapter.name:
                found.append(_fixture(case, settings))
    return found


def _fixture(case: Case, settings: CaseSettings) -> FixturePayload:
    return FixturePayload(
        name=case.name,
        payload=parse_json(case.payload.read_bytes()),
        error=case.error is not None,
        own_encoding=settings.own_encoding,
        observed_at=settings.observed_at,
        options=settings.options,
    )


Check = Callable[[Adapter, list[FixturePayload]], list[str]]


def _shape(adapter: Adapter, _fixtures: list[FixturePayload]) -> list[str]:
    problems = []
    name, description, detect, back = adapter.name, adapter.description, adapter.detect, adapter.from_canonical
    fields: tuple[object, ...] = (name, description, detect, back)  # plugins may not be typed: checked at run time
    if not (isinstance(fields[0], str) and name and isinstance(fields[1], str) and description.strip()):
        problems.append("an adapter needs a name and a one-line description")
    if not callable(fields[2]) or not callable(fields[3]):
        problems.append("detect and from_canonical must be callables")
    problems += _signature_problems(adapter.convert)
    names = [option.name for option in adapter.options]
    if len(set(names)) != len(names):
        problems.append(f"options declared twice: {sorted({n for n in names if names.count(n) > 1})}")
    declared: tuple[object, ...] = adapter.options
    for option in declared:
        if not isinstance(option, Option) or not option.name.isidentifier() or not option.help.strip():
            problems.append(f"option {option!r} is not a cartnorm.Option with a keyword name and a meaning")
    if all(isinstance(option, Option) for option in declared):
        problems += flag_problems(adapter)  # the command line makes the flags: it says what it cannot take
    if not adapter.status_tables or not all(isinstance(table, StatusTable) for table in adapter.status_tables):
        problems.append("status_tables must hold at least one cartnorm.StatusTable")
    return problems


def _signature_problems(convert: Any) -> list[str]:
    try:
        parameters = list(inspect.signature(convert).parameters.values())
    except (TypeError, ValueError):
        return ["convert's signature cannot be read"]
    kinds = {parameter.name: parameter for parameter in parameters}
    first = parameters[0] if parameters else None
    observed = kinds.get("observed_at")
    problems = []
    if first is None or first.kind not in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
        problems.append("convert must take the payload as its first, positional, parameter")
    if observed is None or observed.kind is not inspect.Parameter.KEYWORD_ONLY or observed.default is not None:
        problems.append("convert must take observed_at=None, keyword-only")
    if not any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters):
        problems.append("convert must take **options (and refuse those it does not declare)")
    return problems


def _status_tables(adapter: Adapter, _fixtures: list[FixturePayload]) -> list[str]:
    problems = []
    for table in adapter.status_tables:
        title = table.title
        enum = DECIDES.get(table.decides, OrderStatus)
        if not table.rows:
            problems.append(f"{title}: no rows")
        for key, decision in table.rows.items():
            if len(key) != len(table.axes) or not all(isinstance(value, str) for value in key):
                problems.append(f"{title}: row {key!r} is not one text per axis {table.axes!r}")
            if not isinstance(decision.status, enum) or not decision.reason.strip():
                problems.append(f"{title}: row {key!r} needs a Trackstar {enum.__name__} and a reason")
        try:
            table.rows[("x",) * len(table.axes)] = table.rows[next(iter(table.rows))]  # type: ignore[index]
        except (TypeError, StopIteration):
            pass
        else:
            problems.append(f"{title}: rows can be changed; they must be read-only data")
        for position, axis in enumerate(table.axes):
            documented = table.values.get(axis)
            if not documented:
                problems.append(f"{title}: lists no documented values for {axis!r} (StatusTable.values)")
                continue
            seen = {key[position] for key in table.rows}
            if table.wildcard is not None and table.wildcard in seen:
                continue
            missing = [value for value in documented if value not in seen]
            if missing:
                problems.append(f"{title}: documented {axis} values without a row: {missing}")
    return problems


#: What ``detect`` must answer without raising, besides the fixtures broken in one place.
_ODD_VALUES: Final[tuple[Any, ...]] = (
    None, 0, -1, 10**400, float("nan"), "", "order", b"order", [], [{}], {}, {"order": None}, {"data": []},
    {"type": "order"}, {"status": "success", "data": None}, {"id": None}, {"": {}}, {1: 2}, {"x": {"x": {"x": []}}},
)  # fmt: skip


class _HostileMapping(Mapping[str, Any]):
    """A mapping whose every access fails: detection must not fail with it."""

    def __getitem__(self, key: str) -> Any:
        raise RuntimeError("hostile mapping")

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("hostile mapping")

    def __len__(self) -> int:
        raise RuntimeError("hostile mapping")


#: How a fixture is broken in one place: a key dropped, or its value replaced by one of these.
_REPLACEMENTS: Final[tuple[tuple[str, Any], ...]] = (("null", None), ("text", "x"), ("number", -(10**12)))
#: What replaces a date-time besides: valid RFC 3339 texts whose instant in UTC no `datetime` holds.
_DATED: Final[tuple[tuple[str, Any], ...]] = (
    ("at the first instant", "0001-01-01T00:00:00+01:00"),
    ("at the last instant", "9999-12-31T23:59:59-01:00"),
)
_DATE_TIME: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:")
#: Keys broken per object, spread over the object. The objects broken in a payload: itself, its
#: first object value (an envelope's order), and the first object of each list of objects in
#: either (a line item, a parcel).
_KEYS_PER_OBJECT: Final = 6
#: Broken payloads converted per adapter (round-robin over the fixtures), so the check stays quick.
_BROKEN_BUDGET: Final = 240

_Step = str | int


def _label(where: tuple[_Step, ...]) -> str:
    """``where`` written as the path of the JSON it points into: ``order.items[0].quantity``."""
    text = ""
    for step in where:
        text += f"[{step}]" if isinstance(step, int) else f".{step}" if text else step
    return text


def _targets(payload: dict[str, Any]) -> list[tuple[tuple[_Step, ...], dict[str, Any]]]:
    """The objects of ``payload`` that `_broken` breaks, each with where it is."""
    objects: list[tuple[tuple[_Step, ...], dict[str, Any]]] = [((), payload)]
    inner = next(((key, value) for key, value in payload.items() if isinstance(value, dict)), None)
    if inner is not None:  # an envelope's order, an order's first object
        objects.append(((inner[0],), inner[1]))
    targets = list(objects)
    for where, target in objects:  # the first object of each of their lists: a line item, a parcel
        targets += [
            ((*where, key, 0), value[0])
            for key, value in target.items()
            if isinstance(value, list) and value and isinstance(value[0], dict)
        ]
    return targets


def _at(document: dict[str, Any], where: tuple[_Step, ...]) -> Any:
    """The value at ``where`` in ``document``."""
    found: Any = document
    for step in where:
        found = found[step]
    return found


def _broken_at(
    payload: dict[str, Any], where: tuple[_Step, ...], keys: list[str]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """``payload`` broken at each of ``keys`` of the object at ``where``, each way in turn."""
    target = _at(payload, where)
    for key in keys:
        value = target[key]
        dated = _DATED if type(value) is str and _DATE_TIME.match(value) else ()
        for label, replacement in (("dropped", None), *_REPLACEMENTS, *dated):
            broken = copy.deepcopy(payload)
            place = _at(broken, where)
            if label == "dropped":
                del place[key]
            else:
                place[key] = replacement
            yield f"{_label((*where, key))} {label}", broken


def _broken(payload: Any, turn: int = 0) -> Iterator[tuple[str, Any]]:
    """
    ``payload`` broken in one place: a key dropped, or its value replaced by an odd one.

    The objects broken (`_targets`) take turns, so that a payload cut short by the budget is
    still broken in each of them; ``turn`` (the fixture's place) rotates which object, and which
    of its keys, comes first, so that fixtures of the same shape are broken in different places.
    """
    if not isinstance(payload, dict):
        return
    targets = _targets(payload)
    makers = []
    for index in range(len(targets)):
        where, target = targets[(index + turn) % len(targets)]
        keys = list(target)
        step = max(1, len(keys) // _KEYS_PER_OBJECT)
        chosen = keys[::step][:_KEYS_PER_OBJECT]
        shift = turn % len(chosen) if chosen else 0
        makers.append(_broken_at(payload, where, chosen[shift:] + chosen[:shift]))
    while makers:
        for maker in list(makers):
            found = next(maker, None)
            if found is None:
                makers.remove(maker)
            else:
                yield found


def _broken_fixtures(fixtures: list[FixturePayload]) -> Iterator[tuple[FixturePayload, str, Any]]:
    """Broken copies of the converting fixtures, taken in turn from each, at most `_BROKEN_BUDGET`."""
    converting = [fixture for fixture in fixtures if not fixture.error]
    makers = [(fixture, _broken(fixture.payload, turn)) for turn, fixture in enumerate(converting)]
    made = 0
    while makers and made < _BROKEN_BUDGET:
        for fixture, maker in list(makers):
            if made >= _BROKEN_BUDGET:
                return
            found = next(maker, None)
            if found is None:
                makers.remove((fixture, maker))
                continue
            made += 1
            yield fixture, found[0], found[1]


def _detection(adapter: Adapter, fixtures: list[FixturePayload]) -> list[str]:
    problems = []
    values: list[tuple[str, Any]] = [(repr(value)[:40], value) for value in _ODD_VALUES]
    values.append(("a mapping that raises", _HostileMapping()))
    values += [(f"{fixture.name}: {label}", broken) for fixture, label, broken in _broken_fixtures(fixtures)]
    for label, value in values:
        try:
            answer: object = adapter.detect(value)
        except Exception as error:  # noqa: BLE001 - the point: report it, whatever it is
            problems.append(f"detect raised {type(error).__name__} on {label}")
            continue
        if answer is not True and answer is not False:
            problems.append(f"detect answered {answer!r}, not True or False, on {label}")
    converting = [fixture for fixture in fixtures if not fixture.error]
    if adapter.detectable and converting and not any(_claims(adapter, fixture.payload) for fixture in converting):
        problems.append("detect claims none of the adapter's own fixtures")
    return problems


def _claims(adapter: Adapter, payload: Any) -> bool:
    try:
        return adapter.detect(payload) is True
    except Exception:  # noqa: BLE001 - reported by the detection check
        return False


def _outcome(adapter: Adapter, payload: Any, fixture: FixturePayload) -> CartOrder | PayloadError | str:
    """The order, the PayloadError, or a problem (a text) converting ``payload`` as ``fixture`` says."""
    try:
        result: object = adapter.convert(payload, observed_at=fixture.observed_at, **fixture.options)
    except PayloadError as error:
        path = error.path
        return (
            error if isinstance(path, str) and path.startswith("$") else f"a PayloadError without a JSON path: {path!r}"
        )
    except CartnormError as error:
        return f"{type(error).__name__} (not a PayloadError): {error}"
    except Exception as error:  # noqa: BLE001 - the point: report it, whatever it is
        return f"{type(error).__name__} escaped: {error}"
    if not isinstance(result, Normalized) or not isinstance(result.order, CartOrder):
        return f"convert returned {type(result).__name__}, not a cartnorm.Normalized"
    return result.order


def _order_problem(order: CartOrder) -> str | None:
    violations = validate_trackstar(to_trackstar(order))
    if violations:
        return f"the order breaks Trackstar's schema: {violations[0]}"
    if loads(dumps(order)) != order:
        return "the order does not survive cartnorm.dumps / cartnorm.loads"
    return None


def _conversion(adapter: Adapter, fixtures: list[FixturePayload]) -> list[str]:
    problems = []
    for fixture in fixtures:
        outcome = _outcome(adapter, copy.deepcopy(fixture.payload), fixture)
        if isinstance(outcome, str):
            problems.append(f"{fixture.name}: {outcome}")
        elif fixture.error and isinstance(outcome, CartOrder):
            problems.append(f"{fixture.name}: expected a PayloadError, but it converted")
        elif not fixture.error and isinstance(outcome, PayloadError):
            problems.append(f"{fixture.name}: {type(outcome).__name__}: {outcome}")
        elif isinstance(outcome, CartOrder) and (problem := _order_problem(outcome)):
            problems.append(f"{fixture.name}: {problem}")
    for fixture, label, broken in _broken_fixtures(fixtures):
        outcome = _outcome(adapter, broken, fixture)
        if isinstance(outcome, str):
            problems.append(f"{fixture.name} with {label}: {outcome}")
        elif isinstance(outcome, CartOrder) and (problem := _order_problem(outcome)):
            problems.append(f"{fixture.name} with {label}: {problem}")
    return problems


def _round_trip(adapter: Adapter, fixtures: list[FixturePayload]) -> list[str]:
    problems = []
    for fixture in fixtures:
        if fixture.error:
            continue
        outcome = _outcome(adapter, copy.deepcopy(fixture.payload), fixture)
        if not isinstance(outcome, CartOrder):
            continue  # the conversion check reports it
        try:
            back = adapter.from_canonical(outcome)
            if fixture.own_encoding:
                if not same(back, fixture.payload):
                    problems.append(f"{fixture.name}: from_canonical does not give the payload back")
                problems += [
                    f"{fixture.name}: {problem}" for problem in inputs_given_back(adapter, outcome, fixture.options)
                ]
                continue
            again = _outcome(adapter, copy.deepcopy(back), fixture)
            if not isinstance(again, CartOrder) or not same(adapter.from_canonical(again), back):
                problems.append(f"{fixture.name}: what from_canonical gives back does not convert to itself")
        except Exception as error:  # noqa: BLE001 - the point: report it, whatever it is
            problems.append(f"{fixture.name}: from_canonical raised {type(error).__name__}: {error}")
    return problems


#: The checks, by name, in the order they run.
CHECKS: Final[Mapping[str, Check]] = {
    "shape": _shape,
    "status_tables": _status_tables,
    "detection": _detection,
    "conversion": _conversion,
    "round_trip": _round_trip,
}


def _unchecked(adapter: Adapter, payloads: list[FixturePayload], fixtures: Fixtures) -> list[str]:
    """The round trip's problem when no case of ``adapter``'s converts: then it was not checked at all."""
    if any(not payload.error for payload in payloads):
        return []
    directories = _directories(fixtures)
    if not directories:
        given = f"no fixtures given for {adapter.name} (fixtures=DIR; pytest --cartnorm-fixtures=DIR)"
    else:
        where = ", ".join(str(directory) for directory in directories)
        given = f"no fixture case for {adapter.name} under {where}"
        if payloads:
            given = f"every fixture case for {adapter.name} under {where} expects a PayloadError"
    return [f"{given}: the round trip was not checked"]


def contract_problems(adapter: Adapter | str, fixtures: Fixtures = None, *, checks: Any = None) -> list[str]:
    """
    Every way ``adapter`` (or the adapter of that name) breaks the contract, as text; [] when none.

    ``fixtures`` is a directory of conformance cases, or several; ``checks`` the names of the
    `CHECKS` to run (all by default). A path that is not a directory is a `ConfigurationError`;
    no case of the adapter's that converts is a ``round_trip`` problem (it was not checked).
    """
    chosen = get_adapter(adapter) if isinstance(adapter, str) else adapter
    payloads = fixture_payloads(chosen, fixtures)
    problems = []
    for name, check in CHECKS.items():
        if checks is None or name in checks:
            problems += [f"{name}: {problem}" for problem in check(chosen, payloads)]
            if name == "round_trip":
                problems += [f"{name}: {problem}" for problem in _unchecked(chosen, payloads, fixtures)]
    return problems


def check_adapter(adapter: Adapter | str, fixtures: Fixtures = None) -> None:
    """Raise `ContractError` listing every way ``adapter`` breaks the contract (see the module's docstring)."""
    chosen = get_adapter(adapter) if isinstance(adapter, str) else adapter
    problems = contract_problems(chosen, fixtures)
    if problems:
        raise ContractError(chosen.name, problems)
