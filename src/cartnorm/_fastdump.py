"""
Compact Trackstar JSON straight from the attrs objects, without the intermediate dict.

`dump_order` writes exactly the bytes of ``encode_json(to_trackstar(order))`` (a property test
holds the two together); it only exists to make `cartnorm.dumps` fast. Encoders are built
once per class from the attrs field types: strings, optional strings, money, date-times,
enums, nested classes, tuples of them, and free JSON.
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
from ._json import encode_json
from ._json import quote as _quote
from ._json import quote_ascii_text as _quote_utf8
from .model import CartOrder

__all__ = ["dump_order"]


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


dump_order: Callable[[CartOrder], str] = _class_encoder(CartOrder)
