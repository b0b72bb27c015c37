"""
Streaming JSON records out of text streams: a JSON object, a JSON array, or JSON Lines.

Memory stays bounded by the largest single record, not the file: JSON Lines are read line by
line, arrays element by element and concatenated (pretty-printed) documents value by value,
with ``raw_decode`` over a window of text that is refilled in chunks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

import attrs

from ._json import JSON_LIMITS, parse_json
from ._paths import ROOT
from .errors import LimitExceededError, PayloadError
from .limits import Limits

__all__ = ["RawRecord", "parse_pending", "read_records"]

_CHUNK = 1 << 16
_WHITESPACE = " \t\r\n"
#: A single record larger than this is refused (configurable per call).
DEFAULT_MAX_RECORD_CHARS = 64 << 20


@attrs.frozen
class RawRecord:
    """One record read from a stream: the parsed ``value``, or the ``error`` that prevented it."""

    source: str  # the file name, or "<stdin>"
    line: int  # the line where the record starts (1-based)
    value: Any = None
    error: PayloadError | None = None
    text: str | None = None  # the raw text of a record not parsed yet, or the start of one that failed
    pending: bool = False  # True when ``text`` still has to be parsed (see `parse_pending`)


def parse_pending(record: RawRecord, limits: Limits = JSON_LIMITS) -> RawRecord:
    """Parse a record read with ``defer_parsing=True`` (done in worker processes)."""
    if not record.pending:
        return record
    assert record.text is not None
    try:
        return RawRecord(record.source, record.line, parse_json(record.text, limits=limits))
    except PayloadError as error:
        return RawRecord(record.source, record.line, error=error, text=record.text.rstrip("\r\n")[:200])


class _Window:
    """Text read but not yet consumed: ``text[pos:]``, refilled from the stream in chunks."""

    def __init__(self, stream: IO[str], max_chars: int) -> None:
        self.stream = stream
        self.text = ""
        self.pos = 0
        self.line = 1
        self.eof = False
        self.max_chars = max_chars

    def fill(self) -> bool:
        """Read one more chunk; False at end of input."""
        if self.eof:
            return False
        chunk = self.stream.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        if self.pos > _CHUNK:  # drop consumed text so the window stays small
            self.text, self.pos = self.text[self.pos :], 0
        self.text += chunk
        return True

    def advance(self, end: int) -> None:
        """Consume text up to index ``end``."""
        self.line += self.text.count("\n", self.pos, end)
        self.pos = end

    def peek(self) -> str:
        """Skip whitespace; return the next character ('' at end of input)."""
        while True:
            index = self.pos
            while index < len(self.text) and self.text[index] in _WHITESPACE:
                index += 1
            self.advance(index)
            if self.pos < len(self.text) or not self.fill():
                return self.text[self.pos : self.pos + 1]

    def take_line(self) -> str:
        """Consume and return the rest of the current line (newline included)."""
        while True:
            newline = self.text.find("\n", self.pos)
            if newline >= 0:
                end = newline + 1
                break
            if len(self.text) - self.pos > self.max_chars:
                end = len(self.text)
                break
            if not self.fill():
                end = len(self.text)
                break
        line = self.text[self.pos : end]
        self.advance(end)
        return line

    def decode(self, decoder: json.JSONDecoder) -> Any:
        """Decode the JSON value at the window's position, reading more text as needed."""
        while True:
            try:
                value, end = decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as error:
                if len(self.text) - self.pos > self.max_chars:
                    raise LimitExceededError(ROOT, "…", f"a record of at most {self.max_chars} characters") from None
                if self.fill():
                    continue  # the value was probably cut off at the chunk boundary
                raise PayloadError(ROOT, self.text[error.pos : error.pos + 30], f"valid JSON ({error.msg})") from None
            except RecursionError:
                raise LimitExceededError(ROOT, "…", "JSON nested less deeply than the recursion limit") from None
            if end == len(self.text) and self.fill():
                continue  # a number at the very end may go on in the next chunk
            self.advance(end)
            return value


def _decoder(limits: Limits) -> json.JSONDecoder:
    def parse_number(text: str) -> Any:
        return parse_json(text, limits=limits)

    def parse_float(text: str) -> Decimal:
        value = parse_number(text)
        assert isinstance(value, Decimal)
        return value

    def parse_int(text: str) -> int:
        value = parse_number(text)
        assert isinstance(value, int)
        return value

    return json.JSONDecoder(parse_float=parse_float, parse_int=parse_int, parse_constant=parse_number)


def read_records(
    stream: IO[str],
    source: str,
    *,
    limits: Limits = JSON_LIMITS,
    max_record_chars: int = DEFAULT_MAX_RECORD_CHARS,
    defer_parsing: bool = False,
) -> Iterator[RawRecord]:
    """
    Yield every record of ``stream``, in order.

    With ``defer_parsing``, JSON Lines after the first are yielded unparsed (``pending``) so
    that worker processes can parse them; call `parse_pending` on each.

    The format is decided by the start of the text: ``[`` opens an array of records; a first
    line that holds one whole JSON value means JSON Lines; anything else is one or more
    (pretty-printed) JSON documents. A JSON Line that cannot be parsed is yielded as a record
    with an ``error`` and reading goes on; a broken array or document ends the stream with
    one such record (nothing after it can be located reliably).
    """
    window = _Window(stream, max_record_chars)
    first = window.peek()
    if first == "":
        return
    if first == "[":
        yield from _array(window, source, limits)
        return
    start = window.pos, window.line
    line = window.take_line()
    try:
        value = parse_json(line, limits=limits) if line.strip() else None
    except PayloadError:
        value = None
    if value is None:
        window.pos, window.line = start
        yield from _documents(window, source, limits)
        return
    yield RawRecord(source, start[1], value)
    yield from _lines(window, source, limits, defer_parsing)


def _lines(window: _Window, source: str, limits: Limits, defer_parsing: bool) -> Iterator[RawRecord]:
    while window.peek() != "":
        number = window.line
        line = window.take_line()
        if len(line) > window.max_chars:
            error = LimitExceededError(
                ROOT, f"{len(line)} characters", f"a record of at most {window.max_chars} characters"
            )
            yield RawRecord(source, number, error=error, text=line[:200])
            continue
        if defer_parsing:
            yield RawRecord(source, number, text=line, pending=True)
            continue
        try:
            yield RawRecord(source, number, parse_json(line, limits=limits))
        except PayloadError as error:
            yield RawRecord(source, number, error=error, text=line.rstrip("\r\n")[:200])


def _array(window: _Window, source: str, limits: Limits) -> Iterator[RawRecord]:
    decoder = _decoder(limits)
    window.advance(window.pos + 1)  # the opening bracket
    state = "first"  # first: a value or ']'; value: a value; separator: ',' or ']'
    while True:
        char = window.peek()
        line = window.line
        if char == "":
            yield RawRecord(source, line, error=PayloadError(ROOT, "end of input", "a closing ']' for the array"))
            return
        if char == "]" and state in ("first", "separator"):
            window.advance(window.pos + 1)
            if window.peek() != "":
                found = window.text[window.pos : window.pos + 30]
                yield RawRecord(source, window.line, error=PayloadError(ROOT, found, "nothing after the closing ']'"))
            return
        if state == "separator":
            if char != ",":
                found = window.text[window.pos : window.pos + 30]
                yield RawRecord(source, line, error=PayloadError(ROOT, found, "',' or ']' between records"))
                return
            window.advance(window.pos + 1)
            state = "value"
            continue
        try:
            value = window.decode(decoder)
        except PayloadError as error:
            yield RawRecord(source, line, error=error, text=window.text[window.pos : window.pos + 200])
            return
        yield RawRecord(source, line, value)
        state = "separator"


def _documents(window: _Window, source: str, limits: Limits) -> Iterator[RawRecord]:
    decoder = _decoder(limits)
    while window.peek() != "":
        line = window.line
        try:
            value = window.decode(decoder)
        except PayloadError as error:
            yield RawRecord(source, line, error=error, text=window.text[window.pos : window.pos + 200])
            return
        yield RawRecord(source, line, value)
