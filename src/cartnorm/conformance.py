"""
Fixture-driven conformance: ``<case>.payload.json`` → ``<case>.expected.json`` (or ``.error.json``).

A case directory holds, per case:

* ``<case>.payload.json``: the vendor payload;
* ``<case>.expected.json``: the Trackstar order it must become, **or**
  ``<case>.error.json``: ``{"error": "MoneyError", "path": "$.items[0].unit_price"}``;
* optionally ``<case>.options.json``: ``{"source": "medusa", "observed_at": "…", …}``;
  ``"own_encoding": false`` says the payload is in a spelling the adapter reads but does not
  write (lowerCamelCase keys, say); any other key is passed to the adapter (``exponents``
  for example).

The source is the ``source`` option, else the directory's name when it names an adapter.
``observed_at`` defaults to `FIXTURE_OBSERVED_AT` so expected files are stable.
Results compare parsed JSON (numbers as exact decimals) and list every difference by path.
A case that converts must also convert back: ``from_canonical`` gives the payload back, the
same JSON text (`cartnorm.lossless.same`), or, for a payload not in the adapter's own
encoding, a payload that converts to itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from . import errors as errors_module
from ._datetime import parse_rfc3339
from ._json import encode_json, parse_json
from ._paths import ROOT, child
from .adapter import Adapter
from .codec import to_trackstar
from .errors import CartnormError, ConfigurationError, PayloadError
from .lossless import same
from .model import CartOrder

__all__ = [
    "FIXTURE_OBSERVED_AT",
    "Case",
    "CaseResult",
    "CaseSettings",
    "Difference",
    "case_settings",
    "diff_json",
    "discover_cases",
    "inputs_given_back",
    "run_case",
]

#: The ``observed_at`` used for fixtures that do not set one.
FIXTURE_OBSERVED_AT = datetime(2026, 1, 1, tzinfo=timezone.utc)

_PAYLOAD = ".payload.json"


@attrs.frozen
class Difference:
    """One place where the actual output differs from the expected one."""

    path: str
    expected: Any
    actual: Any

    def __str__(self) -> str:
        return f"{self.path}: expected {_show(self.expected)}, got {_show(self.actual)}"


_ABSENT = object()


def _show(value: Any) -> str:
    return "(absent)" if value is _ABSENT else encode_json(value)


def diff_json(expected: Any, actual: Any, path: str = ROOT) -> list[Difference]:
    """
    List every difference between two JSON values, by JSON path, in document order.

    Numbers compare by value (``1.50 == 1.5``); ``true`` is not ``1``.
    """
    found: list[Difference] = []
    _diff(expected, actual, path, found)
    return found


def _same_scalar(expected: Any, actual: Any) -> bool:
    numeric = (int, Decimal, float)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, numeric) and isinstance(actual, numeric):
        return bool(Decimal(str(expected)) == Decimal(str(actual)))
    return type(expected) is type(actual) and expected == actual


def _diff(expected: Any, actual: Any, path: str, found: list[Difference]) -> None:
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        for key in expected:
            _diff(expected[key], actual.get(key, _ABSENT), child(path, key), found)
        found.extend(Difference(child(path, key), _ABSENT, actual[key]) for key in actual if key not in expected)
    elif isinstance(expected, list) and isinstance(actual, list):
        for index in range(max(len(expected), len(actual))):
            left = expected[index] if index < len(expected) else _ABSENT
            right = actual[index] if index < len(actual) else _ABSENT
            _diff(left, right, child(path, index), found)
    elif expected is _ABSENT or actual is _ABSENT or not _same_scalar(expected, actual):
        found.append(Difference(path, expected, actual))


@attrs.frozen
class Case:
    """One conformance case found on disk."""

    name: str
    payload: Path
    expected: Path | None
    error: Path | None
    options: Path | None

    @property
    def directory(self) -> Path:
        """The directory holding the case."""
        return self.payload.parent


def discover_cases(directory: Path) -> Iterator[Case]:
    """Yield every case under ``directory`` (recursively), sorted by path."""
    for payload in sorted(directory.rglob(f"*{_PAYLOAD}")):
        stem = payload.name[: -len(_PAYLOAD)]

        def sibling(suffix: str, stem: str = stem, payload: Path = payload) -> Path | None:
            path = payload.with_name(stem + suffix)
            return path if path.exists() else None

        yield Case(
            name=str(payload.relative_to(directory))[: -len(_PAYLOAD)],
            payload=payload,
            expected=sibling(".expected.json"),
            error=sibling(".error.json"),
            options=sibling(".options.json"),
        )


@attrs.frozen
class CaseResult:
    """What running a case gave: ``passed``, and if not, why."""

    case: Case
    passed: bool
    differences: tuple[Difference, ...] = ()
    problem: str | None = None

    def report(self) -> str:
        """A readable account of the result, one difference per line."""
        if self.passed:
            return f"PASS {self.case.name}"
        lines = [f"FAIL {self.case.name}"]
        if self.problem:
            lines.append(f"  {self.problem}")
        lines.extend(f"  {difference}" for difference in self.differences)
        return "\n".join(lines)


def _read(path: Path) -> Any:
    return parse_json(path.read_bytes())


@attrs.frozen
class CaseSettings:
    """A case's ``options.json``: the source (None: the directory's name), the time, the adapter's options."""

    source: str | None
    observed_at: datetime
    own_encoding: bool
    options: dict[str, Any]


def case_settings(case: Case) -> CaseSettings:
    """Read ``case``'s options file (`CartnormError` or `OSError` when it cannot be read)."""
    options = dict(_read(case.options)) if case.options else {}
    source = options.pop("source", None)
    observed = options.pop("observed_at", None)
    own_encoding = options.pop("own_encoding", True)
    if not isinstance(own_encoding, bool):
        msg = f"{case.name}: own_encoding must be true or false, got {own_encoding!r}"
        raise ConfigurationError(msg)
    observed_at = parse_rfc3339(observed) if observed is not None else FIXTURE_OBSERVED_AT
    return CaseSettings(source if isinstance(source, str) else None, observed_at, own_encoding, options)


def run_case(case: Case, resolve: Callable[[str], Adapter]) -> CaseResult:
    """Run one case with the adapter ``resolve(source)`` returns."""
    if (case.expected is None) == (case.error is None):
        return CaseResult(case, False, problem="a case needs exactly one of .expected.json and .error.json")
    try:
        settings = case_settings(case)
        adapter = resolve(settings.source or case.directory.name)
        payload = _read(case.payload)
    except (CartnormError, OSError) as error:
        return CaseResult(case, False, problem=f"cannot set the case up: {error}")
    try:
        order = adapter.convert(payload, observed_at=settings.observed_at, **settings.options).order
    except PayloadError as error:
        return _check_error(case, error)
    if case.error is not None:
        return CaseResult(case, False, problem=f"expected an error, but the payload converted (order {order.id!r})")
    assert case.expected is not None
    actual = to_trackstar(order)
    differences = tuple(diff_json(_read(case.expected), actual))
    if differences:
        return CaseResult(case, False, differences)
    problem = _round_trip_problem(adapter, order, payload, settings)
    return CaseResult(case, problem is None, problem=problem)


def _round_trip_problem(adapter: Adapter, order: Any, payload: Any, settings: CaseSettings) -> str | None:
    """Why from_canonical does not give the payload back (None when it does)."""
    try:
        back = adapter.from_canonical(order)
        if settings.own_encoding:
            if not same(back, payload):
                where = _first_difference(payload, back)
                return f"from_canonical does not give the payload back (first difference at {where})"
            problems = inputs_given_back(adapter, order, settings.options)
            return "; ".join(problems) if problems else None
        again = adapter.convert(back, observed_at=settings.observed_at, **settings.options).order
        if same(adapter.from_canonical(again), back):
            return None
        return "the payload from_canonical gives back (own_encoding: false) does not convert to itself"
    except CartnormError as error:
        return f"from_canonical: {type(error).__name__}: {error}"


def inputs_given_back(adapter: Adapter, order: CartOrder, options: Mapping[str, Any]) -> list[str]:
    """
    Why the data options passed (those with `Option.given_back`, such as a second payload)
    do not come back from ``order`` as they were passed; [] when they do.
    """
    problems = []
    for option in adapter.options:
        if option.given_back is None or option.name not in options:
            continue
        try:
            back = option.given_back(order)
        except Exception as error:  # noqa: BLE001 - the point: report it, whatever it is
            problems.append(f"{option.name}: given_back raised {type(error).__name__}: {error}")
            continue
        if not same(back, options[option.name]):
            problems.append(f"{option.name} is not given back as it was passed (Option.given_back)")
    return problems


def _first_difference(expected: Any, actual: Any, path: str = ROOT) -> str:
    """The JSON path of the first place where ``actual`` is not the `same` as ``expected``."""
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        for key in [*expected, *(key for key in actual if key not in expected)]:
            if key not in expected or key not in actual or not same(expected[key], actual[key]):
                return _first_difference(expected.get(key, _ABSENT), actual.get(key, _ABSENT), child(path, key))
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            if not same(left, right):
                return _first_difference(left, right, child(path, index))
    return path


def _check_error(case: Case, error: PayloadError) -> CaseResult:
    if case.error is None:
        return CaseResult(case, False, problem=f"unexpected {type(error).__name__}: {error}")
    wanted = _read(case.error)
    expected_class = getattr(errors_module, str(wanted.get("error")), None)
    if not (isinstance(expected_class, type) and issubclass(expected_class, CartnormError)):
        message = f"{case.error.name}: 'error' must name a class of cartnorm.errors, got {wanted.get('error')!r}"
        raise ConfigurationError(message)
    differences = []
    if not isinstance(error, expected_class):
        differences.append(Difference("error", wanted.get("error"), type(error).__name__))
    if "path" in wanted and wanted["path"] != error.path:
        differences.append(Difference("path", wanted["path"], error.path))
    return CaseResult(case, not differences, tuple(differences))
