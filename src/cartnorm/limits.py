"""
Bounds on hostile input, checked before any adapter sees a payload.

ETL pipelines meet broken and malicious payloads: integers with thousands of digits,
strings of megabytes, nesting thousands of levels deep, arrays of a million items. `Limits`
holds the bounds; `check_payload` walks a payload once, without recursion, and raises
`LimitExceededError` (with the JSON path of the first offending place) when one is exceeded.
`cartnorm.normalize`, `normalize_many` and the command line apply `DEFAULT_LIMITS` unless
given others.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from ._paths import ROOT, child
from .errors import ConfigurationError, LimitExceededError

__all__ = ["DEFAULT_LIMITS", "Limits", "check_payload", "count_nested", "is_valid_text"]

_LOG10_2 = 0.30103
# JSON text may escape lone surrogates ("\\ud800"), which are not Unicode text: they cannot be
# written as UTF-8, and a high one followed by a low one reads back as a different character.
LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")
# Where a value sits, as a linked list (key, parent) built in O(1) per value; None is the root.
_Where = tuple[Any, Any] | None


def _positive(_instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if type(value) is not int or value < 1:
        msg = f"Limits.{attribute.name} must be a positive integer, got {value!r}"
        raise ConfigurationError(msg)


@attrs.frozen(kw_only=True)
class Limits:
    """
    The largest payload cartnorm will look at.

    Attributes:
        max_depth: deepest nesting of objects and arrays (a real order nests about 6 deep).
        max_number_digits: most digits of an integer, and most significant digits or largest
            exponent of a decimal.
        max_string_chars: longest string value or key (strings must also be valid Unicode:
            lone surrogates, which JSON escapes can smuggle in, are refused).
        max_array_items: longest array (line items, fulfillments, …).
        max_nodes: most values in one payload, all levels together.
    """

    max_depth: int = attrs.field(default=64, validator=_positive)
    max_number_digits: int = attrs.field(default=40, validator=_positive)
    max_string_chars: int = attrs.field(default=1_000_000, validator=_positive)
    max_array_items: int = attrs.field(default=100_000, validator=_positive)
    max_nodes: int = attrs.field(default=2_000_000, validator=_positive)


#: The limits applied when none are given.
DEFAULT_LIMITS: Final = Limits()


def _float_decimal(value: float) -> Decimal:
    """A float as the number its JSON text said (NaN and infinities have no int exponent)."""
    return Decimal(repr(value))


def is_valid_text(text: str) -> bool:
    """True when ``text`` is valid Unicode: no lone surrogates (which JSON escapes can smuggle in)."""
    return text.isascii() or not LONE_SURROGATE.search(text)


def max_int_bits(limits: Limits) -> int:
    """The most bits an int may have and still be within ``limits.max_number_digits`` (the fast pass's test)."""
    return int(limits.max_number_digits / _LOG10_2)


def count_nested(value: Any) -> int:
    """How many values ``value``'s containers hold, all levels together (``value`` itself not counted)."""
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            total += len(item)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            total += len(item)
            stack.extend(item)
    return total


def _int_digits(value: int) -> int:
    # bit_length is O(1); str(value) on a huge int is quadratic (and capped by Python 3.11+).
    return int(abs(value).bit_length() * _LOG10_2) + 1


def check_payload(payload: Any, limits: Limits = DEFAULT_LIMITS) -> None:
    """
    Raise `LimitExceededError` if ``payload`` exceeds ``limits``; otherwise return None.

    The walk is iterative (no recursion, whatever the depth). A fast pass answers "within
    limits" for almost every payload; only when it finds a problem does a second, slower
    pass find where, to name the JSON path.
    """
    if _within(payload, limits):
        return
    _locate(payload, limits)


def is_within(payload: Any, limits: Limits) -> bool:
    """`check_payload`'s fast pass alone: True when ``payload`` is within ``limits``; False means "look closer"."""
    return _within(payload, limits)


def _within(payload: Any, limits: Limits) -> bool:
    """
    True when ``payload`` is within ``limits`` (no paths kept: this is the hot path).

    Only containers go on the stack; their scalar members are checked in place, which
    halves the cost of the walk. Anything unusual (tuples, other mappings, non-string keys)
    answers False and leaves the verdict to the careful pass.
    """
    max_depth, max_items = limits.max_depth, limits.max_array_items
    max_chars, max_digits = limits.max_string_chars, limits.max_number_digits
    max_bits = max_int_bits(limits)
    containers: list[tuple[Any, int]] = [([payload], -1)]  # a wrapper, so the root is a member too
    pop, push = containers.pop, containers.append
    nodes = 0
    while containers:
        value, depth = pop()
        if depth >= max_depth or len(value) > max_items:
            return False
        nodes += len(value)
        if type(value) is dict:
            try:
                if value and max(map(len, value)) > max_chars:
                    return False
            except TypeError:  # a key that is not a string
                return False
            members = value.values()
        else:
            members = value
        for member in members:
            kind = type(member)
            if kind is str:
                if len(member) > max_chars or (not member.isascii() and LONE_SURROGATE.search(member)):
                    return False
            elif kind is dict or kind is list:
                push((member, depth + 1))
            elif kind is int:
                if member.bit_length() > max_bits:
                    return False
            elif kind is Decimal or kind is float:
                _, digits, exponent = (member if kind is Decimal else _float_decimal(member)).as_tuple()
                if len(digits) > max_digits or not isinstance(exponent, int) or abs(exponent) > max_digits:
                    return False
            elif kind is not bool and member is not None:
                return False
    return nodes <= limits.max_nodes


def _locate(payload: Any, limits: Limits) -> None:
    """The careful pass: raise `LimitExceededError` at the first offending place, if any."""
    stack: list[tuple[Any, int, _Where]] = [(payload, 0, None)]
    nodes = 0
    while stack:
        value, depth, where = stack.pop()
        nodes += 1
        if nodes > limits.max_nodes:
            _fail(where, "…", f"a payload of at most {limits.max_nodes} values")
        kind = type(value)
        if kind is str:
            if len(value) > limits.max_string_chars:
                _fail(where, f"{len(value)} characters", f"strings of at most {limits.max_string_chars} characters")
            if not is_valid_text(value):
                _fail(where, value, "text without lone surrogates (valid Unicode)")
        elif kind is int:
            if value and _int_digits(value) > limits.max_number_digits:
                _fail(where, "a huge integer", f"integers of at most {limits.max_number_digits} digits")
        elif kind is Decimal or kind is float:
            _, digits, exponent = (value if kind is Decimal else _float_decimal(value)).as_tuple()
            if (
                len(digits) > limits.max_number_digits
                or not isinstance(exponent, int)
                or (isinstance(exponent, int) and abs(exponent) > limits.max_number_digits)
            ):
                _fail(where, "a huge number", f"numbers of at most {limits.max_number_digits} digits")
        elif isinstance(value, Mapping):
            if depth >= limits.max_depth:
                _fail(where, "…", f"nesting at most {limits.max_depth} levels deep")
            if len(value) > limits.max_array_items:
                _fail(where, f"{len(value)} keys", f"objects of at most {limits.max_array_items} keys")
            for key, item in value.items():
                if type(key) is str and len(key) > limits.max_string_chars:
                    _fail(where, f"a key of {len(key)} characters", "shorter keys")
                stack.append((item, depth + 1, (key, where)))
        elif isinstance(value, (list, tuple)):
            if depth >= limits.max_depth:
                _fail(where, "…", f"nesting at most {limits.max_depth} levels deep")
            if len(value) > limits.max_array_items:
                _fail(where, f"{len(value)} items", f"arrays of at most {limits.max_array_items} items")
            stack.extend((item, depth + 1, (index, where)) for index, item in enumerate(value))


def _fail(where: _Where, value: Any, expected: str) -> None:
    parts: list[str | int] = []
    while where is not None:
        key, where = where
        parts.append(key)
    path = ROOT
    for part in reversed(parts):
        path = child(path, part if isinstance(part, (str, int)) else repr(part))
    raise LimitExceededError(path, value, expected)
