"""
Reading records from files, bytes and streams: JSON Lines, a JSON array, or JSON documents.

`read_records` yields, in input order, one `cartnorm.Record` (the parsed value, its exact text
and where it was) or one `cartnorm.Rejection` (the record kept whole, where it was and why it
could not be read) per record. A bad record costs that record, nothing else: in JSON Lines every
line stands alone (a byte order mark, bytes that are not UTF-8, a ``NaN``, a line cut short each
reject that line); in an array a broken element is cut at the next one, and a structure broken
beyond one element stops the reading with a `cartnorm.ReadError` naming the byte.

Each record is checked once, as it is read: exact numbers (integers as `int`, others as
`Decimal`), every key once per object (a duplicate key is a `PayloadError` naming it), and the
bounds of `cartnorm.Limits`, with the same refusals (and JSON paths) as
`cartnorm.limits.check_payload`. The command line relies on that and converts each record
without checking it again.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final

from ._frames import BOM, READ_BUFFER, Frame, NotFinite, Spool, could_continue, frames, syntax_error
from ._json import RepeatedKeys, duplicate_key_error, keep_repeated, within_written
from ._paths import ROOT, child
from .errors import InputTypeError, LimitExceededError, PayloadError
from .etl import Location, Record, Rejection
from .limits import DEFAULT_LIMITS, LONE_SURROGATE, Limits, check_payload, is_within, max_int_bits

__all__ = ["DEFAULT_MAX_RECORD_BYTES", "Spool", "read_records"]

#: A record longer than this many bytes is refused (``max_record_bytes=``, ``--max-record-bytes``).
DEFAULT_MAX_RECORD_BYTES: Final = 64 << 20
_HUGE_INT_DIGITS: Final = 4300  # Python's own bound on int(str): beyond it int() is refused (or slow)


class Unreadable(Exception):  # noqa: N818 - the record is what is unreadable
    """A record that cannot be read: ``reason`` (a stable code) and the `PayloadError` saying why."""

    def __init__(self, reason: str, error: PayloadError) -> None:
        super().__init__(reason, error)
        self.reason = reason
        self.error = error


class _HugeInt:
    """What the careful decoder gives for an integer too long for ``int()`` to read quickly."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits


def _careful_int(text: str) -> Any:
    return int(text) if len(text.lstrip("-")) <= _HUGE_INT_DIGITS else _HugeInt(len(text.lstrip("-")))


def _int_guard_needed() -> bool:
    bound = getattr(sys, "get_int_max_str_digits", lambda: 0)()
    return bound == 0 or bound > _HUGE_INT_DIGITS


_CAREFUL_DECODE: Final = json.JSONDecoder(
    parse_float=Decimal, parse_int=_careful_int, parse_constant=NotFinite, object_pairs_hook=keep_repeated
).decode
# The fast decoder reads integers in C; where int() has no digit bound it cannot, safely.
_FAST_DECODE: Final = (
    json.JSONDecoder(parse_float=Decimal, parse_int=_careful_int, parse_constant=NotFinite).decode
    if _int_guard_needed()
    else json.JSONDecoder(parse_float=Decimal, parse_constant=NotFinite).decode
)


def parse_frame(frame: Frame, limits: Limits | None = DEFAULT_LIMITS) -> tuple[Any, str]:
    """
    The checked value of one record and its exact text; `Unreadable` when it cannot be read.

    ``limits`` ``None`` skips the bounds (duplicate keys and non-finite numbers are still refused).
    """
    if frame.problem is not None:
        raise Unreadable(*frame.problem)
    if frame.parsed:
        text = frame.data
        assert isinstance(text, str)
        if not text.isascii() and LONE_SURROGATE.search(text):  # bytes that were not UTF-8
            raise Unreadable("invalid_utf8", _not_utf8(text.encode("utf-8", "surrogateescape")))
        return _checked(frame.value, text, limits), text
    data = frame.data
    assert isinstance(data, bytes)
    if data.startswith(BOM):
        raise Unreadable("byte_order_mark", _bom())
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable("invalid_utf8", _not_utf8(data)) from None
    return parse_text(text, limits), text


def parse_text(text: str, limits: Limits | None = DEFAULT_LIMITS) -> Any:
    """One record's JSON text, parsed exactly and checked (see the module's docstring); `Unreadable` if not."""
    try:
        value = _FAST_DECODE(text)
    except json.JSONDecodeError as error:
        raise Unreadable("truncated" if could_continue(error) else "invalid_json", syntax_error(error)) from None
    except RecursionError:
        raise Unreadable("limit_exceeded_error", _too_deep(limits)) from None
    except ValueError:  # an integer longer than int() reads: found, with its path, by the careful pass
        return _careful(text, limits)
    return _checked(value, text, limits)


def _checked(value: Any, text: str, limits: Limits | None) -> Any:
    """
    ``value`` if it is within ``limits`` and its text gave no key twice; else the careful pass.

    The fast pass answers for almost every record. A text no longer than the smallest size
    bound cannot hold a string, an array, an object or a count of values beyond it, so only
    depth and numbers are checked, and the strings counted: by orjson when it can tell
    (`_written_quotes`), else by a walk; a longer text is first walked by `check_payload`'s fast
    pass for the sizes too. The text's unescaped quotes are two per string, keys included, so
    fewer strings parsed than quoted means a key given twice (the dict kept one). Anything
    unusual (escaped backslashes or surrogates, a value beyond a bound, a marker for NaN) goes
    to the careful pass, which finds and names the place.
    """
    if limits is None:
        return _careful(text, limits)
    escaped = "\\" in text
    if escaped and ("\\\\" in text or "\\ud" in text or "\\uD" in text):
        return _careful(text, limits)
    if len(text) > min(limits.max_string_chars, limits.max_array_items, limits.max_nodes) and not is_within(
        value, limits
    ):
        return _careful(text, limits)
    written = _written_quotes(value, limits)
    if written is None:  # orjson could not tell: the walk decides
        strings = _strings_within(value, limits)
        written = 2 * strings if strings >= 0 else -1
    if written >= 0 and text.count('"') - (text.count('\\"') if escaped else 0) == written:
        return value
    return _careful(text, limits)


def _written_quotes(value: Any, limits: Limits) -> int | None:
    """
    ``_strings_within``'s answer in C, as quotes: the unescaped quotes orjson writes for
    ``value`` (two per string, keys included) when its depth and numbers are within ``limits``
    (`cartnorm._json.within_written`); None when orjson cannot tell (not installed, limits
    beyond what it checks, or a value it leaves to the walk: an integer beyond 64 bits, a
    number the walk must look at, a backslash).
    """
    written = within_written(value, limits)
    if written is None:
        return None
    if b"\\" not in written:  # the usual record (one memchr; the two-byte searches below are ~50 times slower)
        return written.count(b'"')
    if b"\\\\" in written:  # a backslash in a string: one before a closing quote looks like an escape
        return None
    return written.count(b'"') - written.count(b'\\"')


def _strings_within(payload: Any, limits: Limits) -> int:
    """
    The number of strings (keys and values) of ``payload`` when its depth and numbers are within
    ``limits``; -1 otherwise, or for anything that is not plain JSON.

    The same verdicts as `cartnorm.limits.check_payload`'s fast pass, for a payload whose text
    is too short to hold a string, array, object or count of values beyond the limits.
    """
    max_depth, max_digits, max_bits = limits.max_depth, limits.max_number_digits, max_int_bits(limits)
    containers: list[tuple[Any, int]] = [([payload], -1)]
    pop, push = containers.pop, containers.append
    strings = 0
    while containers:
        value, depth = pop()
        if depth >= max_depth:
            return -1
        if type(value) is dict:
            strings += len(value)
            members: Any = value.values()
        else:
            members = value
        for member in members:
            kind = type(member)
            if kind is str:
                strings += 1
            elif kind is dict or kind is list:
                push((member, depth + 1))
            elif kind is int:
                if member.bit_length() > max_bits:
                    return -1
            elif kind is Decimal:
                _, digits, exponent = member.as_tuple()
                if len(digits) > max_digits or not isinstance(exponent, int) or abs(exponent) > max_digits:
                    return -1
            elif kind is not bool and member is not None:
                return -1
    return strings


def _careful(text: str, limits: Limits | None) -> Any:
    """Parse again keeping every key, then name the first problem's place; the value if none."""
    try:
        value = _CAREFUL_DECODE(text)
    except json.JSONDecodeError as error:  # pragma: no cover - the fast decoder refused it first
        raise Unreadable("invalid_json", syntax_error(error)) from None
    except RecursionError:
        raise Unreadable("limit_exceeded_error", _too_deep(limits)) from None
    _refuse_markers(value, limits)
    if limits is not None:
        try:
            check_payload(value, limits)
        except LimitExceededError as error:
            raise Unreadable("limit_exceeded_error", error) from None
    return value


def _refuse_markers(value: Any, limits: Limits | None) -> None:
    """Raise `Unreadable` at the first duplicate key, NaN or huge integer, in document order."""
    stack: list[tuple[Any, str]] = [(value, ROOT)]
    while stack:
        item, path = stack.pop()
        kind = type(item)
        if kind is RepeatedKeys:
            raise Unreadable("duplicate_key", duplicate_key_error(item, path))
        if kind is NotFinite:
            expected = "a finite JSON number (NaN and Infinity are not JSON)"
            raise Unreadable("not_finite", PayloadError(path, item.name, expected))
        if kind is _HugeInt:
            digits = DEFAULT_LIMITS.max_number_digits if limits is None else limits.max_number_digits
            raise Unreadable("limit_exceeded_error", LimitExceededError(path, "a huge integer", _digits(digits)))
        if kind is dict:
            stack.extend((member, child(path, key)) for key, member in reversed(item.items()))
        elif kind is list:
            stack.extend((member, child(path, index)) for index, member in reversed(list(enumerate(item))))


def _digits(digits: int) -> str:
    return f"integers of at most {digits} digits"


def _too_deep(limits: Limits | None) -> LimitExceededError:
    depth = DEFAULT_LIMITS.max_depth if limits is None else limits.max_depth
    return LimitExceededError(ROOT, "…", f"nesting at most {depth} levels deep")


def _bom() -> PayloadError:
    return PayloadError(ROOT, "a byte order mark (EF BB BF)", "JSON text without a byte order mark (RFC 8259)")


def _not_utf8(data: bytes) -> PayloadError:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        found = f"the byte 0x{data[error.start]:02X} at byte {error.start + 1} of the record"
        return PayloadError(ROOT, found, "UTF-8 text")
    return PayloadError(ROOT, "a lone surrogate", "UTF-8 text")  # pragma: no cover - only from odd text streams


def exact_record(frame: Frame) -> str | bytes | Spool:
    """A frame's record kept whole: its text, its bytes when they are not UTF-8, or its spool."""
    if frame.spool is not None:
        return frame.spool
    data = frame.data
    if isinstance(data, str):
        if data.isascii() or not LONE_SURROGATE.search(data):
            return data
        data = data.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def read_records(
    source: str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes] | IO[str],
    *,
    name: str | None = None,
    limits: Limits | None = DEFAULT_LIMITS,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> Iterator[Record | Rejection]:
    """
    Yield each record of ``source``, in order: a `Record` or a `Rejection`, with its `Location`.

    ``source`` is a path (opened for reading only), bytes, or a binary or text stream; JSON
    Lines, one JSON array or JSON documents one after another (pretty-printed or not). ``name``
    is what locations call it (default: the path, the stream's name, ``<bytes>``).

    Every record is parsed exactly and checked against ``limits`` (``None`` skips the bounds),
    and a record that cannot be read is a `Rejection` that keeps it whole (`Rejection.record`:
    its text, its bytes when they are not UTF-8, or a `Spool` when it is longer than
    ``max_record_bytes``) with a ``reason``: ``byte_order_mark``, ``invalid_utf8``,
    ``invalid_json``, ``truncated``, ``not_finite``, ``duplicate_key``, ``too_long`` or
    ``limit_exceeded_error``. An array whose structure is broken beyond one element raises
    `cartnorm.ReadError` after the records before it.

    The results feed `cartnorm.normalize_many` directly.
    """
    stream, label, owned = _open(source, name)
    try:
        for number, frame in enumerate(frames(stream, label, max_record_bytes), 1):
            location = Location(label, frame.line, frame.offset, number)
            try:
                value, text = parse_frame(frame, limits)
            except Unreadable as bad:
                record = exact_record(frame)
                yield Rejection.from_error(number - 1, record, bad.error, reason=bad.reason, location=location)
            else:
                yield Record(value, text, location, limits)
    finally:
        if owned:
            stream.close()


def _open(source: object, name: str | None) -> tuple[IO[bytes], str, bool]:
    """The binary stream to read, its name, and whether it is ours to close."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source)), name or "<bytes>", True
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if isinstance(source, str) and source.lstrip()[:1] in ("{", "[") and not path.exists():
            msg = "read_records() takes a path, bytes or a stream; for JSON text in a str, pass text.encode()"
            raise InputTypeError(msg)
        return path.open("rb", buffering=READ_BUFFER), name or str(source), True
    read = getattr(source, "read", None)
    if read is None:
        msg = f"read_records() takes a path, bytes or a stream, got {type(source).__name__}"
        raise InputTypeError(msg)
    return binary(source), name or str(getattr(source, "name", "<stream>")), False  # type: ignore[arg-type]


def binary(stream: IO[bytes] | IO[str]) -> IO[bytes]:
    """``stream`` itself if it gives bytes; a text stream read as UTF-8 bytes otherwise."""
    if isinstance(stream.read(0), str):
        return _TextAsBytes(stream)  # type: ignore[arg-type,return-value]
    return stream  # type: ignore[return-value]


class _TextAsBytes(io.RawIOBase):
    """A text stream read as UTF-8 bytes (what it cannot encode stays lossless and is found not UTF-8)."""

    def __init__(self, stream: IO[str]) -> None:
        super().__init__()
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> bytes:
        return _encode(self._stream.readline(-1 if size is None else size))

    def read(self, size: int | None = -1) -> bytes:
        return _encode(self._stream.read(-1 if size is None else size))

    def read1(self, size: int = -1) -> bytes:
        return self.read(size)


def _encode(text: str) -> bytes:
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")
