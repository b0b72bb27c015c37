"""
Trackstar JSON in and out: one configured cattrs converter, exact JSON text.

`from_trackstar` accepts what Trackstar's schema accepts (a bare order, or the
``{"data": {...}}`` body of ``GET /cart/orders/{id}``) and rejects the rest with a
`PayloadError` that names the JSON path; `from_trackstar_page` reads the list body of
``GET /cart/orders`` (``{"data": [...], "next_token": …}``) into a `TrackstarPage`;
`to_trackstar` gives back the 29 keys in schema order with nulls present; `dumps`/`loads`
add exact JSON text (money as exact decimals, dates as RFC 3339 UTC with ``Z``).
"""

from __future__ import annotations

import collections.abc
import json
import math
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import attrs
import cattrs
from cattrs.errors import ForbiddenExtraKeysError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn

from ._datetime import format_rfc3339, parse_rfc3339
from ._fastdump import dump_order
from ._json import (
    DOCUMENT_LIMITS,
    JSON_LIMITS,
    decimal_within,
    encode_json,
    exact_float,
    freeze_json,
    parse_json,
)
from ._paths import ROOT, child
from .errors import MISSING, CartnormError, PayloadError
from .limits import Limits
from .model import CartOrder, OrderStatus, ShipmentStatus

__all__ = [
    "TrackstarPage",
    "dumps",
    "from_trackstar",
    "from_trackstar_page",
    "loads",
    "make_converter",
    "to_trackstar",
]


class _Invalid(ValueError):  # noqa: N818 - private, never escapes
    """A leaf structuring failure: what was expected, what was found, and where below the field."""

    def __init__(
        self,
        expected: str,
        value: Any,
        subpath: str = "",
        kind: type[PayloadError] = PayloadError,
    ) -> None:
        super().__init__(expected, value)
        self.expected = expected
        self.value = value
        self.subpath = subpath
        self.kind = kind


def _structure_str(value: Any, _: type) -> str:
    if type(value) is not str:
        raise _Invalid("a string", value)
    return value


def _structure_int(value: Any, _: type) -> int:
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is Decimal and value.is_finite() and value == value.to_integral_value():
        return int(value)
    raise _Invalid("an integer", value)


def _structure_decimal(value: Any, _: type) -> Decimal:
    kind = type(value)
    if kind is Decimal and value.is_finite() and decimal_within(value, JSON_LIMITS):
        return value  # type: ignore[no-any-return]
    if kind is int and len(str(abs(value))) <= JSON_LIMITS.max_number_digits:
        return Decimal(value)
    if kind is float and math.isfinite(value):
        return exact_float(value)  # a float came from a JSON parser: read back as written
    raise _Invalid(f"a finite number of at most {JSON_LIMITS.max_number_digits} digits", value)


def _structure_datetime(value: Any, _: type) -> datetime:
    try:
        return parse_rfc3339(value)
    except PayloadError as error:
        raise _Invalid(error.expected, value) from None


def _structure_enum(value: Any, kind: type[Enum]) -> Enum:
    try:
        return kind(value) if type(value) is str else _raise_enum(value, kind)
    except ValueError:
        return _raise_enum(value, kind)


def _unstructure_enum(member: Enum) -> Any:
    return member.value


def _raise_enum(value: Any, kind: type[Enum]) -> Enum:
    names = ", ".join(json.dumps(member.value) for member in kind)  # as JSON writes them, not Python
    raise _Invalid(f"one of {names}", value)


def _structure_json_object(value: Any, _: type) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _Invalid("an object", value)
    return _freeze_or_invalid(value)  # type: ignore[no-any-return]


def _structure_json_array(value: Any, _: type) -> tuple[Any, ...]:
    if not isinstance(value, (list, tuple)):
        raise _Invalid("an array", value)
    return tuple(_freeze_or_invalid(list(value)))


def _freeze_or_invalid(value: Any) -> Any:
    try:
        return freeze_json(value, DOCUMENT_LIMITS, path="")  # what adapters keep, with its headroom
    except PayloadError as error:
        raise _Invalid(error.expected, error.value, error.path, type(error)) from None


def _is_json_object(kind: Any) -> bool:
    return typing.get_origin(kind) is collections.abc.Mapping


def _is_json_array(kind: Any) -> bool:
    return typing.get_origin(kind) is tuple and typing.get_args(kind) == (Any, ...)


def _is_homogeneous_tuple(kind: Any) -> bool:
    args = typing.get_args(kind)
    return typing.get_origin(kind) is tuple and len(args) == 2 and args[1] is Ellipsis and args[0] is not Any


def _tuple_hook_factory(converter: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    def factory(kind: Any) -> Callable[[Any, Any], Any]:
        item_type = typing.get_args(kind)[0]

        def structure(value: Any, _: Any) -> tuple[Any, ...]:
            if not isinstance(value, (list, tuple)):
                raise _Invalid("an array", value)
            item_hook = converter.get_structure_hook(item_type)
            items, errors = [], []
            for index, item in enumerate(value):
                try:
                    items.append(item_hook(item, item_type))
                except Exception as error:  # noqa: BLE001 - regrouped with its index below
                    notes = [*getattr(error, "__notes__", []), IterableValidationNote("", index, item_type)]
                    error.__notes__ = notes  # type: ignore[attr-defined]
                    errors.append(error)
            if errors:
                raise cattrs.IterableValidationError(f"While structuring {kind!r}", errors, kind)
            return tuple(items)

        return structure

    return factory


def _attrs_hook_factory(converter: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    def factory(kind: Any) -> Callable[[Any, Any], Any]:
        inner = make_dict_structure_fn(kind, converter, _cattrs_forbid_extra_keys=True)

        def structure(value: Any, _: Any) -> Any:
            if not isinstance(value, Mapping):
                raise _Invalid("an object", value)
            return inner(value, kind)

        return structure

    return factory


def _unstructure_json(value: Any) -> Any:
    """Deep-copy free JSON into plain dicts and lists (tuples become lists)."""
    if isinstance(value, Mapping):
        return {key: _unstructure_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_unstructure_json(item) for item in value]
    return value


def make_converter() -> cattrs.Converter:
    """
    Build the converter cartnorm uses for Trackstar JSON (never cattrs's global one).

    * strings, integers and numbers are checked strictly (no ``str(42)`` coercion);
      numbers become exact `Decimal` (a parsed float is read back from its shortest repr)
    * date-times are RFC 3339 with an offset in, UTC ``Z`` strings out
    * enums by value; arrays must be JSON arrays; extra keys are refused
    * free JSON (``additional_fields``, ``trackstar_tags``) is deep-copied and checked
    """
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_structure_hook(datetime, _structure_datetime)
    for status_enum in (OrderStatus, ShipmentStatus):  # str subclasses: register by class, ahead of str
        converter.register_structure_hook(status_enum, _structure_enum)
        converter.register_unstructure_hook(status_enum, _unstructure_enum)
    converter.register_structure_hook_func(_is_json_object, _structure_json_object)
    converter.register_structure_hook_func(_is_json_array, _structure_json_array)
    converter.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_hook_factory(converter))
    converter.register_structure_hook_factory(attrs.has, _attrs_hook_factory(converter))
    converter.register_unstructure_hook(datetime, format_rfc3339)
    converter.register_unstructure_hook(Decimal, lambda value: value)
    converter.register_unstructure_hook_func(_is_json_object, _unstructure_json)
    converter.register_unstructure_hook_func(_is_json_array, _unstructure_json)
    return converter


_CONVERTER = make_converter()
_structure_order = _CONVERTER.get_structure_hook(CartOrder)
_unstructure_order = _CONVERTER.get_unstructure_hook(CartOrder)


def to_trackstar(order: CartOrder) -> dict[str, Any]:
    """
    Return ``order`` as a Trackstar ``CartOrderApiItemSchema`` dict.

    Keys come in schema order, nullable fields are present as ``None``, date-times are
    RFC 3339 UTC strings and money stays an exact `Decimal` (use `dumps` for text).
    """
    if not isinstance(order, CartOrder):  # a guard for callers without a type checker
        msg = f"to_trackstar() takes a CartOrder, got {type(order).__name__}"  # type: ignore[unreachable]
        raise TypeError(msg)
    return _unstructure_order(order)  # type: ignore[no-any-return]


#: The key of Trackstar's response bodies: ``{"data": {order}}`` and ``{"data": [orders], "next_token": …}``.
_DATA = "data"
_NEXT_TOKEN = "next_token"  # noqa: S105 - a key name, not a secret


def _is_body(document: Mapping[Any, Any]) -> bool:
    """True for a Trackstar response body (``data``, and ``next_token`` for a list), not an order."""
    return _DATA in document and document.keys() <= {_DATA, _NEXT_TOKEN}


def from_trackstar(document: object) -> CartOrder:
    """
    Read a Trackstar cart order: the order object, or the ``{"data": {...}}`` body of ``GET /cart/orders/{id}``.

    Numbers may be `int`, `float` (as `json.loads` gives them) or `Decimal`; they are
    held as exact `Decimal`. Raises `PayloadError` with the JSON path of the first
    problem; ``error.errors`` lists every problem found. A list body (``GET /cart/orders``)
    holds a page of orders: read it with `from_trackstar_page`.
    """
    if not isinstance(document, Mapping):
        raise PayloadError(ROOT, document, "a JSON object (a Trackstar cart order)")
    if _is_body(document):
        data = document[_DATA]
        if isinstance(data, list):
            raise PayloadError(
                child(ROOT, _DATA),
                f"a list of {len(data)} orders",
                "one Trackstar cart order (this is a page of GET /cart/orders)",
                hint="Read a page with cartnorm.from_trackstar_page: it gives the orders and the next_token.",
            )
        return _structured(data, child(ROOT, _DATA))
    return _structured(document, ROOT)


@attrs.frozen
class TrackstarPage:
    """
    One page of ``GET /cart/orders``: its orders, and the token of the next page.

    ``next_token`` is None on the last page (absent or null); pass it back as ``page_token``
    to list on. ``len(page)`` and iterating give the orders.
    """

    orders: tuple[CartOrder, ...]
    next_token: str | None = None

    def __len__(self) -> int:
        return len(self.orders)

    def __iter__(self) -> Iterator[CartOrder]:
        return iter(self.orders)


def from_trackstar_page(document: object) -> TrackstarPage:
    """
    Read the list body of ``GET /cart/orders``, ``{"data": [...], "next_token": …}``, into a `TrackstarPage`.

    Every order is read as `from_trackstar` reads one; errors name the order's place
    (``$.data[3].total_price``). A single-order body (``{"data": {...}}``) gives a page of one.
    """
    if not isinstance(document, Mapping) or not _is_body(document):
        shown = {"keys": sorted(map(str, document))} if isinstance(document, Mapping) else document
        raise PayloadError(ROOT, shown, 'a Trackstar list body: {"data": [orders], "next_token": …}')
    token = document.get(_NEXT_TOKEN)
    if token is not None and not isinstance(token, str):
        raise PayloadError(child(ROOT, _NEXT_TOKEN), token, "a string, or null on the last page")
    data = document[_DATA]
    where = child(ROOT, _DATA)
    if isinstance(data, Mapping):
        return TrackstarPage((_structured(data, where),), token)
    if not isinstance(data, list):
        raise PayloadError(where, data, "a list of Trackstar cart orders")
    return TrackstarPage(tuple(_structured(entry, child(where, index)) for index, entry in enumerate(data)), token)


def _structured(document: object, path: str) -> CartOrder:
    if not isinstance(document, Mapping):
        raise PayloadError(path, document, "a JSON object (a Trackstar cart order)")
    try:
        return _structure_order(document, CartOrder)  # type: ignore[no-any-return]
    except Exception as error:
        problems = list(_flatten(error, path, document))
        first = problems[0]
        first.errors = problems  # type: ignore[attr-defined]
        raise first from error


def _flatten(error: BaseException, path: str, value: Any) -> Iterable[PayloadError]:
    """Turn cattrs's exception tree into PayloadErrors with JSON paths, in document order."""
    if isinstance(error, CartnormError) and isinstance(error, PayloadError):
        yield type(error)(path if error.path == ROOT else error.path, error.value, error.expected, hint=error.hint)
    elif isinstance(error, ForbiddenExtraKeysError):
        for key in sorted(error.extra_fields):
            item = value.get(key) if isinstance(value, Mapping) else MISSING
            yield PayloadError(child(path, key), item, "no key of this name (the schema forbids additional properties)")
    elif isinstance(error, cattrs.ClassValidationError):
        for sub in error.exceptions:
            name = _note(sub, "name")
            if name is None:
                yield from _flatten(sub, path, value)
            else:
                item = value.get(name, MISSING) if isinstance(value, Mapping) else MISSING
                yield from _flatten(sub, child(path, name), item)
    elif isinstance(error, cattrs.IterableValidationError):
        for sub in error.exceptions:
            index = _note(sub, "index")
            item = value[index] if isinstance(index, int) and isinstance(value, (list, tuple)) else MISSING
            yield from _flatten(sub, child(path, index) if isinstance(index, int) else path, item)
    elif isinstance(error, _Invalid):
        yield error.kind(path + error.subpath, error.value, error.expected)
    elif isinstance(error, KeyError):
        yield PayloadError(path, MISSING, "a required key")
    else:
        yield PayloadError(path, value, f"a valid value ({error})")


def _note(error: BaseException, field: str) -> Any:
    for note in getattr(error, "__notes__", ()):
        if isinstance(note, cattrs.AttributeValidationNote) and field == "name":
            return note.name
        if isinstance(note, IterableValidationNote) and field == "index":
            return note.index
    return None


def dumps(order: CartOrder, *, indent: int | None = None) -> str:
    """
    Return the exact JSON text of ``order``: deterministic, keys in schema order.

    Money is written as the exact decimal (``0.3``, never ``0.30000000000000004``),
    date-times as RFC 3339 UTC with ``Z``; non-ASCII text is kept as UTF-8.
    """
    if indent is None:
        if not isinstance(order, CartOrder):  # a guard for callers without a type checker
            msg = f"dumps() takes a CartOrder, got {type(order).__name__}"  # type: ignore[unreachable]
            raise TypeError(msg)
        return dump_order(order)  # the same bytes as encode_json(to_trackstar(order)), faster
    return encode_json(to_trackstar(order), indent=indent)


def loads(text: str | bytes, *, limits: Limits = DOCUMENT_LIMITS) -> CartOrder:
    """Parse JSON text written by `dumps` (or by Trackstar) into a `CartOrder`."""
    return from_trackstar(parse_json(text, limits=limits))
