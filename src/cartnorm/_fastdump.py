"""
Compact Trackstar JSON straight from the attrs objects.

`dump_order` writes exactly the bytes of ``encode_json(to_trackstar(order))`` (property tests
hold the two together); it only exists to make `cartnorm.dumps` fast. Where orjson is
installed (a dependency on CPython), one generated function per class lays the object out as
a dict in schema order, with money and date-times already written (`orjson.Fragment`), and
orjson writes the whole order, free JSON included, in one call. Anything orjson refuses
(integers beyond 64 bits, lone surrogates, very deep free JSON) and installs without orjson
go to the pure-Python writer: one generated encoder per class that concatenates the fields'
JSON texts. Both are built once per class from the attrs field types: strings, optional
strings, money, date-times, enums, nested classes, tuples of them, and free JSON.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import attrs

from ._datetime import quoted_rfc3339
from ._json import encode_json, orjson_default, raise_interruption
from ._json import quote as _quote
from ._json import quote_ascii_text as _quote_utf8

try:  # a dependency on CPython; without it (PyPy, no wheel) the pure-Python writer gives the same bytes
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised by tests/test_without_orjson.py, in a subprocess
    _orjson = None  # type: ignore[assignment]
from .model import CartOrder

__all__ = ["dump_order", "dump_order_python"]


Encoder = Callable[[Any], str]


def _optional(encode: Encoder) -> Encoder:
    def encode_optional(value: Any) -> str:
        return "null" if value is None else encode(value)

    return encode_optional


def _decimal(value: Decimal) -> str:
    if not value.is_finite():
        msg = f"cannot write non-finite number {value!r} as JSON"
        raise ValueError(msg)
    return str(value)


def _datetime(value: datetime) -> str:
    return quoted_rfc3339(value)


def _enum(kind: type[Enum]) -> Encoder:
    quoted = {member: _quote(str(member.value)) for member in kind}
    return quoted.__getitem__


def _array(encode: Encoder) -> Encoder:
    def encode_array(values: tuple[Any, ...]) -> str:
        return "[" + ",".join(map(encode, values)) + "]"

    return encode_array


def _encoder_for(annotation: Any) -> Encoder:
    args = typing.get_args(annotation)
    if type(None) in args:
        (inner,) = (arg for arg in args if arg is not type(None))
        return _optional(_encoder_for(inner))
    origin = typing.get_origin(annotation)
    if origin is tuple and args[0] is not Any:
        return _array(_encoder_for(args[0]))
    if origin is not None or annotation is Any:
        return encode_json  # free JSON: additional_fields, trackstar_tags
    if annotation is str:
        return _quote
    if annotation is int:
        return int.__repr__
    if annotation is Decimal:
        return _decimal
    if annotation is datetime:
        return _datetime
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _enum(annotation)
    if attrs.has(annotation):
        return _class_encoder(annotation)
    msg = f"no JSON encoder for {annotation!r}"  # pragma: no cover - the model is closed
    raise TypeError(msg)


def _class_encoder(cls: type) -> Encoder:
    """
    Generate one function per class that concatenates the whole object in one expression.

    The generated source (kept in the function's ``__source__``) reads, for example::

        def encode_LineItem(o):
            return "".join(('{"line_item_id":', e0(o.line_item_id), ',"product_id":', e1(o.product_id), ... '}'))

    which is several times faster than looping over the fields at run time.
    """
    hints = typing.get_type_hints(cls)
    namespace: dict[str, Any] = {
        "ascii_string": _quote_utf8, "string": _quote, "number": _decimal, "rfc3339": quoted_rfc3339,
    }  # fmt: skip
    pieces = []
    for index, field in enumerate(attrs.fields(cls)):
        annotation = hints[field.name]
        args = typing.get_args(annotation)
        prefix = ("," if index else "{") + _quote(field.name) + ":"
        optional = type(None) in args
        inner = next(arg for arg in args if arg is not type(None)) if optional else annotation
        if inner is str:  # inline the usual string (ASCII: the C encoder at once); `quote` for the rest
            text = f"(ascii_string(v{index}) if v{index}.isascii() else string(v{index}))"
            value = (
                f"('null' if (v{index} := o.{field.name}) is None else {text})"
                if optional
                else (f"(ascii_string(v{index}) if (v{index} := o.{field.name}).isascii() else string(v{index}))")
            )
        elif inner is Decimal:  # inline the usual finite amount; `_decimal` refuses the rest
            text = f"(str(v{index}) if v{index}.is_finite() else number(v{index}))"
            value = (
                f"('null' if (v{index} := o.{field.name}) is None else {text})"
                if optional
                else (f"(str(v{index}) if (v{index} := o.{field.name}).is_finite() else number(v{index}))")
            )
        elif inner is datetime:
            text = f"rfc3339(v{index})"
            value = (
                f"('null' if (v{index} := o.{field.name}) is None else {text})"
                if optional
                else f"rfc3339(o.{field.name})"
            )
        elif optional:  # inline the None test: one call fewer per optional field
            namespace[f"e{index}"] = _encoder_for(inner)
            value = f"('null' if (v{index} := o.{field.name}) is None else e{index}(v{index}))"
        else:
            namespace[f"e{index}"] = _encoder_for(annotation)
            value = f"e{index}(o.{field.name})"
        pieces.append(f"{prefix!r}, {value}")
    name = f"encode_{cls.__name__}"
    source = f"def {name}(o):\n    return ''.join(({', '.join(pieces)}, '}}'))\n"
    exec(compile(source, f"<cartnorm encoder {cls.__name__}>", "exec"), namespace)  # noqa: S102 - our own template
    encode: Encoder = namespace[name]
    encode.__source__ = source  # type: ignore[attr-defined]
    return encode


def _datetime_fragment(memo: list[tuple[Any, Any]]) -> Callable[[datetime], Any]:
    """A date-time's JSON text as an `orjson.Fragment`, remembered in ``memo`` with the date-time (by identity)."""
    assert _orjson is not None
    fragment = _orjson.Fragment

    def written(value: datetime) -> Any:
        text = fragment(quoted_rfc3339(value))
        memo[0] = (value, text)  # one assignment: a reader in another thread sees the old pair or the new one
        return text

    return written


def _class_layout(cls: type) -> Callable[[Any], dict[str, Any]]:
    """
    Generate one function per class that lays the object out as a dict for orjson, in one expression.

    Money and date-times become their JSON text (`orjson.Fragment`), nested objects their own
    dicts, tuples of objects lists; texts, counts, enums, tuples of texts and free JSON are
    left to orjson, which writes them as `encode_json` does. The generated source (kept in the
    function's ``__source__``) reads, for example::

        def lay_out_LineItem(o):
            return {'line_item_id': o.line_item_id, ...,
                    'unit_price': (None if (v6 := o.unit_price) is None else
                                   Fragment(str(v6)) if v6.is_finite() else number(v6)), ...}
    """
    assert _orjson is not None
    hints = typing.get_type_hints(cls)
    namespace: dict[str, Any] = {"Fragment": _orjson.Fragment, "number": _decimal}
    items = []
    for index, field in enumerate(attrs.fields(cls)):
        annotation = hints[field.name]
        args = typing.get_args(annotation)
        optional = type(None) in args
        inner = next(arg for arg in args if arg is not type(None)) if optional else annotation
        origin, value = typing.get_origin(inner), f"v{index}"
        # the value's first use, then its later ones: o.<field> for a required field, v<index> once tested for None
        first = value if optional else f"({value} := o.{field.name})"
        if inner is Decimal:  # the usual finite amount inline; `_decimal` refuses the rest
            text = f"(Fragment(str({value})) if {first}.is_finite() else number({value}))"
        elif inner is datetime:  # the same object as last time in this field (observed_at): its text again
            namespace[f"m{index}"] = memo = [(None, None)]
            namespace[f"e{index}"] = _datetime_fragment(memo)
            text = f"(m[1] if (m := m{index}[0])[0] is {first} else e{index}({value}))"
        elif attrs.has(inner):
            namespace[f"e{index}"] = _class_layout(inner)
            text = f"e{index}({first})"
        elif origin is tuple and attrs.has(typing.get_args(inner)[0]):
            namespace[f"e{index}"] = _class_layout(typing.get_args(inner)[0])
            text = f"[*map(e{index}, {first})]"
        else:  # texts, counts, enums, tuples of texts, free JSON: orjson writes them as encode_json does
            items.append(f"{field.name!r}: o.{field.name}")
            continue
        if optional:
            text = f"(None if ({value} := o.{field.name}) is None else {text})"
        items.append(f"{field.name!r}: {text}")
    name = f"lay_out_{cls.__name__}"
    source = f"def {name}(o):\n    return {{{', '.join(items)}}}\n"
    exec(compile(source, f"<cartnorm layout {cls.__name__}>", "exec"), namespace)  # noqa: S102 - our own template
    lay_out: Callable[[Any], dict[str, Any]] = namespace[name]
    lay_out.__source__ = source  # type: ignore[attr-defined]
    return lay_out


#: The pure-Python writer: the same bytes as orjson's, for what orjson refuses and where it is missing.
dump_order_python: Callable[[CartOrder], str] = _class_encoder(CartOrder)


#: The order's layout for orjson (None without orjson).
_lay_out_order: Callable[[CartOrder], dict[str, Any]] | None = _class_layout(CartOrder) if _orjson is not None else None


def dump_order(order: CartOrder) -> str:
    """The compact JSON text of ``order``: orjson's, or the pure-Python writer's where orjson refuses or is missing."""
    if _lay_out_order is not None:
        try:
            return _orjson.dumps(_lay_out_order(order), default=orjson_default).decode()
        except TypeError as error:  # orjson.JSONEncodeError is a TypeError
            raise_interruption(error)
    return dump_order_python(order)
