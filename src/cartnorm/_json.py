"""
Exact JSON: parse numbers as int/Decimal, write Decimals exactly, bound hostile input (`cartnorm.Limits`).

A key given twice in one object is refused wherever cartnorm parses JSON text (`parse_json`,
hence `cartnorm.loads`, and the record reader): the value the parser would keep is a guess,
and the lossless promise cannot keep both.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final

from ._paths import ROOT, child
from .errors import LimitExceededError, PayloadError
from .limits import DEFAULT_LIMITS, Limits, max_int_bits

__all__ = [
    "DOCUMENT_LIMITS",
    "JSON_LIMITS",
    "RepeatedKeys",
    "decimal_within",
    "duplicate_key_error",
    "encode_json",
    "encode_json_python",
    "encode_json_utf8",
    "exact_float",
    "find_repeated",
    "freeze_json",
    "keep_repeated",
    "orjson_default",
    "parse_json",
    "quote",
    "quote_ascii_text",
    "raise_interruption",
    "within_written",
]

try:  # the C accelerators, present on CPython
    from _json import encode_basestring as _quote_utf8  # type: ignore[import-not-found,unused-ignore]
    from _json import encode_basestring_ascii as _quote_ascii  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - other interpreters
    from json.encoder import py_encode_basestring as _quote_utf8
    from json.encoder import py_encode_basestring_ascii as _quote_ascii

try:  # a dependency on CPython; without it (PyPy, no wheel) the pure-Python writer below gives the same bytes
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised by tests/test_without_orjson.py, in a subprocess
    _orjson = None  # type: ignore[assignment]


#: `quote` for text known to be ASCII (no surrogates possible): the C encoder, called directly.
quote_ascii_text: Final[Callable[[str], str]] = _quote_utf8


def quote(text: str) -> str:
    """
    A JSON string literal for ``text``; non-ASCII is kept as UTF-8.

    Lone surrogates (which JSON text may carry as ``\\ud800`` escapes, but UTF-8 cannot
    encode) are written as escapes, so the output can always be written as UTF-8 and
    reads back to the same string.
    """
    if text.isascii():
        return _quote_utf8(text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _quote_ascii(text)
    return _quote_utf8(text)


class _UnwritableError(TypeError):
    """`orjson_default`'s refusal: a value orjson cannot write (the Python writer is asked instead)."""


def orjson_default(value: Any) -> Any:
    """orjson's ``default``: a finite Decimal is written as its exact text; anything else orjson refuses."""
    if type(value) is Decimal and value.is_finite():
        return _orjson.Fragment(str(value))
    raise _UnwritableError(type(value).__name__)


def raise_interruption(error: TypeError, *refusals: type[Exception]) -> None:
    """
    Raise again whatever interrupted a ``default`` hook of ``orjson.dumps``; return for a refusal.

    orjson wraps anything its ``default`` raises in its ``JSONEncodeError`` (the original as
    ``__cause__``): KeyboardInterrupt and the command line's SIGTERM too, when the signal lands
    while the hook runs. A writer that answers ``JSONEncodeError`` with its fallback would swallow
    them and carry on, so it calls this first: only orjson's own refusals (no cause),
    `orjson_default`'s and the caller's ``refusals`` mean "write it another way".
    """
    cause = error.__cause__
    if cause is not None and not isinstance(cause, (_UnwritableError, *refusals)):
        raise cause


class _Declined(Exception):  # noqa: N818 - a signal inside within_written's hook, never raised out of it
    """A value `within_written` leaves to a walk (a number beyond the limits, a value that is not plain JSON)."""


def _orjson_nesting() -> int:
    """How many levels of arrays within arrays the installed orjson writes (it refuses deeper)."""
    assert _orjson is not None
    low, high = 1, 1 << 12  # it writes ``low`` levels; it refuses ``high`` (or ``high`` is beyond any use)
    while high - low > 1:
        middle = (low + high) // 2
        nested: list[Any] = []
        for _ in range(middle - 1):
            nested = [nested]
        try:
            _orjson.dumps(nested)
        except _orjson.JSONEncodeError:
            high = middle
        else:
            low = middle
    return low


_NESTING: Final = _orjson_nesting() if _orjson is not None else 0
_WRAPPERS = threading.local()  # per thread: {levels: (outermost, innermost)}, the arrays a value is put in


def within_written(value: Any, limits: Limits) -> bytes | None:
    """
    What orjson, in C, vouches for in ``value``, and the text that says so: None when it cannot tell.

    The text is orjson's for ``value`` written inside as many arrays as leave it exactly
    ``limits.max_depth`` levels of orjson's nesting limit, so that orjson refuses exactly the
    values nested deeper than ``limits``. When the text is given, ``value`` is also within
    ``limits`` in these ways: every integer has at most 64 bits (orjson refuses the rest, and
    this answers only for limits that allow 64 bits), every string (keys too) is valid Unicode,
    every key is a string, and every Decimal is within the limits (`decimal_within`; it is
    written as ``0``). Every string, array, object and count of values in ``value`` is no
    longer than the text. Subclasses of the JSON types, and other objects orjson has no
    native writer for, give None.

    What it does not vouch for is left to the caller, who walks ``value`` anyway: floats
    (orjson writes NaN and the infinities as ``null``), and objects orjson writes natively
    although they are not JSON (tuples, dates, enums …).
    """
    spare = _NESTING - limits.max_depth
    if spare < 0 or max_int_bits(limits) < 64:
        return None
    chains = getattr(_WRAPPERS, "chains", None)
    if chains is None:
        chains = _WRAPPERS.chains = {}
    chain = chains.get(spare)
    if chain is None:
        innermost: list[Any] = [None]
        outermost = innermost
        for _ in range(spare - 1):
            outermost = [outermost]
        chain = chains[spare] = (outermost, innermost)
    outermost, innermost = chain
    innermost[0] = value if spare else None

    def number(member: Any) -> int:
        if type(member) is Decimal and decimal_within(member, limits):
            return 0  # no quotes, one byte at least: the text still bounds the counts
        raise _Declined

    try:
        return _orjson.dumps(outermost if spare else value, default=number, option=_orjson.OPT_PASSTHROUGH_SUBCLASS)
    except _orjson.JSONEncodeError as error:
        raise_interruption(error, _Declined)  # Ctrl-C or SIGTERM in the hook stops the run, as anywhere
        return None
    finally:
        innermost[0] = None  # the value is not kept alive by the wrapper


#: The bounds on free JSON (parsed text, and what adapters carry unread): the default `Limits`,
#: of which the parser and `freeze_json` apply ``max_depth`` and ``max_number_digits``.
JSON_LIMITS: Final = DEFAULT_LIMITS
#: How much deeper than a vendor payload's free JSON a canonical document may hold it: adapters
#: freeze free JSON within `JSON_LIMITS` below its own key, and keep it in ``additional_fields``
#: under their namespace and the path of the known objects above it (a handful of levels).
_RESIDUAL_HEADROOM: Final = 16
#: The limits for reading a canonical document (`cartnorm.loads`, `from_trackstar`, the CLI's
#: denormalize): every order cartnorm writes reads back, hostile documents stay bounded.
DOCUMENT_LIMITS: Final = Limits(max_depth=JSON_LIMITS.max_depth + _RESIDUAL_HEADROOM)


def _checked_int(limits: Limits) -> Callable[[str], int]:
    def parse_int(text: str) -> int:
        if len(text.lstrip("-")) > limits.max_number_digits:
            raise LimitExceededError(ROOT, text[:20] + "…", f"an integer of at most {limits.max_number_digits} digits")
        return int(text)

    return parse_int


def _checked_decimal(limits: Limits) -> Callable[[str], Decimal]:
    def parse_float(text: str) -> Decimal:
        value = Decimal(text)
        if not decimal_within(value, limits):
            raise LimitExceededError(ROOT, text[:20], f"a number of at most {limits.max_number_digits} digits")
        return value

    return parse_float


def decimal_within(value: Decimal, limits: Limits) -> bool:
    """True when ``value`` has no more digits, nor a larger exponent, than ``limits`` allow."""
    text = str(value)  # plain notation shows every digit and the exponent's size: most answer here (as_tuple is slower)
    if len(text) <= limits.max_number_digits and "E" not in text and value.is_finite():
        return True
    _, digits, exponent = value.as_tuple()
    return (
        isinstance(exponent, int)
        and len(digits) <= limits.max_number_digits
        and abs(exponent) <= limits.max_number_digits
    )


def _reject_constant(name: str) -> Any:
    raise PayloadError(ROOT, name, "a finite JSON number (NaN and Infinity are not JSON)")


class RepeatedKeys(dict):  # type: ignore[type-arg]
    """An object in which a key was given more than once (`keep_repeated` builds it; never returned)."""

    key: str
    given: list[Any]  # every value given for ``key``, in order


def keep_repeated(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An ``object_pairs_hook``: a dict, or a `RepeatedKeys` marking the first key given twice."""
    value = dict(pairs)
    if len(value) == len(pairs):
        return value
    seen: set[str] = set()
    repeated = RepeatedKeys(pairs)
    for key, _ in pairs:
        if key in seen:
            repeated.key = key
            repeated.given = [item for name, item in pairs if name == key]
            break
        seen.add(key)
    return repeated


def find_repeated(value: Any) -> PayloadError | None:
    """The error for the first `RepeatedKeys` in ``value`` (in document order), or None."""
    stack: list[tuple[Any, str]] = [(value, ROOT)]
    while stack:
        item, path = stack.pop()
        if type(item) is RepeatedKeys:
            return duplicate_key_error(item, path)
        if isinstance(item, dict):
            stack.extend((member, child(path, key)) for key, member in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((member, child(path, index)) for index, member in reversed(list(enumerate(item))))
    return None


def duplicate_key_error(item: RepeatedKeys, path: str) -> PayloadError:
    """The `PayloadError` for a key given twice in the object at ``path``: the key's path, every value given."""
    expected = (
        f"the key {json.dumps(item.key, ensure_ascii=False)} once in its object "
        f"(it is given {len(item.given)} times, and JSON with a key given twice has no single meaning)"
    )
    return PayloadError(child(path, item.key), item.given, expected)


class _Repeated(Exception):  # noqa: N818 - private signal, never escapes
    """A key given twice (`parse_json` then finds where)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise _Repeated
    return value


def parse_json(text: str | bytes, *, limits: Limits = JSON_LIMITS) -> Any:
    """
    Parse JSON text exactly: integers as `int`, other numbers as `Decimal`; a key given twice
    in an object is a `PayloadError` naming the key's path.
    """
    parse_float, parse_int = _checked_decimal(limits), _checked_int(limits)
    try:
        return json.loads(
            text,
            parse_float=parse_float,
            parse_int=parse_int,
            parse_constant=_reject_constant,
            object_pairs_hook=_unique_keys,
        )
    except _Repeated:
        again = json.loads(
            text,
            parse_float=parse_float,
            parse_int=parse_int,
            parse_constant=_reject_constant,
            object_pairs_hook=keep_repeated,
        )
        error = find_repeated(again)
        assert error is not None
        raise error from None
    except PayloadError:
        raise
    except json.JSONDecodeError as error:
        raise PayloadError(ROOT, error.doc[max(0, error.pos - 10) : error.pos + 10], f"valid JSON ({error})") from None
    except RecursionError:
        raise LimitExceededError(ROOT, "…", "JSON nested less deeply than the interpreter's recursion limit") from None
    except (ValueError, TypeError) as error:
        raise PayloadError(ROOT, type(text).__name__, f"JSON text ({error})") from None


def freeze_json(value: Any, limits: Limits = JSON_LIMITS, path: str = ROOT) -> Any:
    """
    Return a checked deep copy of free JSON: dicts with string keys, lists, strings,
    ints, bools, None and finite Decimals (floats become Decimals via their repr).
    """
    return _freeze(value, limits, path, 0)


def exact_float(value: float, path: str = ROOT) -> Decimal:
    """
    The number a JSON parser read as ``value``, exactly: the Decimal of its shortest repr.

    A float reaches cartnorm only from a parser that produced it from JSON text, and its repr is
    the shortest text that reads back to it, i.e. the number as written. NaN and infinities are
    not JSON: `PayloadError`.
    """
    if not math.isfinite(value):
        raise PayloadError(path, value, "a finite number (NaN and Infinity are not JSON)")
    return Decimal(repr(value))


def _freeze(value: Any, limits: Limits, path: str, depth: int) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is Decimal:
        if value.is_finite() and decimal_within(value, limits):
            return value
        raise PayloadError(path, value, f"a finite number of at most {limits.max_number_digits} digits")
    if kind is float:
        return exact_float(value, path)
    if depth >= limits.max_depth:
        raise LimitExceededError(path, "…", f"JSON nested at most {limits.max_depth} levels deep")
    if isinstance(value, Mapping):
        frozen = {}
        for key, item in value.items():
            if type(key) is not str:
                raise PayloadError(path, key, "string object keys")
            frozen[key] = _freeze(item, limits, child(path, key), depth + 1)
        return frozen
    if isinstance(value, (list, tuple)):
        return [_freeze(item, limits, child(path, index), depth + 1) for index, item in enumerate(value)]
    raise PayloadError(path, value, "a JSON value (object, array, string, number, boolean or null)")


def encode_json(value: Any, *, indent: int | None = None) -> str:
    """
    Write JSON text with Decimals as exact numbers, keys in insertion order.

    Compact (``,`` and ``:`` separators) unless ``indent`` is given; non-ASCII is kept.
    Where orjson is installed (a dependency on CPython) compact output is written by orjson, whose
    bytes are the same (a property test holds the two together); anything orjson refuses
    (integers beyond 64 bits, lone surrogates, very deep nesting) falls back to Python.
    """
    if indent is None and _orjson is not None:
        try:
            return _orjson.dumps(value, default=orjson_default).decode()
        except TypeError as error:  # orjson.JSONEncodeError is a TypeError
            raise_interruption(error)
    return encode_json_python(value, indent=indent)


def encode_json_utf8(value: Any) -> bytes:
    """
    `encode_json`'s compact text, as UTF-8 bytes.

    With orjson, its own output (no decoding to `str`, for writers that take UTF-8 such as
    Arrow's string arrays); lone surrogates, which UTF-8 cannot hold, are written as escapes.
    """
    if _orjson is not None:
        try:
            return _orjson.dumps(value, default=orjson_default)
        except TypeError as error:  # orjson.JSONEncodeError is a TypeError
            raise_interruption(error)
    return encode_json_python(value).encode("utf-8")


def encode_json_python(value: Any, *, indent: int | None = None) -> str:
    """The pure-Python writer behind `encode_json` (always available)."""
    parts: list[str] = []
    _encode(value, parts.append, indent, 0)
    return "".join(parts)


def _encode(value: Any, out: Callable[[str], object], indent: int | None, level: int) -> None:
    kind = type(value)
    if kind is str:
        out(quote(value))
    elif value is None:
        out("null")
    elif value is True:
        out("true")
    elif value is False:
        out("false")
    elif kind is int:
        out(int.__repr__(value))
    elif kind is Decimal:
        if not value.is_finite():
            msg = f"cannot write non-finite number {value!r} as JSON"
            raise ValueError(msg)
        out(str(value))
    elif isinstance(value, Mapping):
        _encode_object(value, out, indent, level)
    elif isinstance(value, (list, tuple)):
        _encode_array(value, out, indent, level)
    elif kind is float:
        if not math.isfinite(value):
            msg = f"cannot write non-finite number {value!r} as JSON"
            raise ValueError(msg)
        out(float.__repr__(value))
    else:
        msg = f"cannot write {kind.__name__} as JSON"
        raise TypeError(msg)


def _encode_object(value: Mapping[str, Any], out: Callable[[str], object], indent: int | None, level: int) -> None:
    if not value:
        out("{}")
        return
    inner, close = _newlines(indent, level)
    out("{")
    for position, (key, item) in enumerate(value.items()):
        out(inner if position == 0 else "," + inner)
        out(quote(key))
        out(":" if indent is None else ": ")
        _encode(item, out, indent, level + 1)
    out(close + "}")


def _encode_array(
    value: list[Any] | tuple[Any, ...], out: Callable[[str], object], indent: int | None, level: int
) -> None:
    if not value:
        out("[]")
        return
    inner, close = _newlines(indent, level)
    out("[")
    for position, item in enumerate(value):
        out(inner if position == 0 else "," + inner)
        _encode(item, out, indent, level + 1)
    out(close + "]")


def _newlines(indent: int | None, level: int) -> tuple[str, str]:
    if indent is None:
        return "", ""
    return "\n" + " " * (indent * (level + 1)), "\n" + " " * (indent * level)
