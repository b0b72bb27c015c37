"""
Cutting a byte stream into records: JSON Lines, one JSON array, or JSON documents one after another.

A `Frame` is one record's exact bytes (or text) and where it starts; checking and parsing it is
`cartnorm.reading`'s job (done in worker processes by ``cartnorm normalize --jobs``). Time and
memory are linear in the input: lines are read with ``readline`` up to the record limit, a
record that outgrows the window is read on in doubling chunks, and a line longer than the limit
is refused as soon as the limit is passed; its bytes go to a temporary file (`Spool`) so that it
is kept whole without being held in memory.

The format is decided by the first record: ``[`` opens an array; a first line that is the start
of a longer value (and a second line that is not a value of its own) means pretty-printed
documents; a first line holding one value followed by another means documents one after
another; anything else is JSON Lines, where every line stands alone.
"""

from __future__ import annotations

import codecs
import json
import re
import tempfile
from collections.abc import Generator, Iterator
from decimal import Decimal
from typing import IO, Any, Final, NoReturn

from ._paths import ROOT
from .errors import LimitExceededError, PayloadError, ReadError

__all__ = [
    "BOM",
    "RAW_DECODE",
    "READ_BUFFER",
    "Frame",
    "NotFinite",
    "Spool",
    "could_continue",
    "frames",
    "syntax_error",
]

BOM: Final = b"\xef\xbb\xbf"
_CHUNK: Final = 1 << 16
#: The buffer a file of records is opened with. ``readline`` of a line longer than the default
#: (8 KiB) is refilled and joined piece by piece: 20 000 typical orders (256 MB) read in 0.29 s
#: with it, 0.04 s with this.
READ_BUFFER: Final = 1 << 17
_SPACE: Final = b" \t\r\n"
_TEXT_SPACE: Final = " \t\r\n"
# What may be left of a value cut short: part of a number, of true/false/null (JSON's own words).
_PARTIAL_TOKEN: Final = re.compile(r"[-+.0-9eE]*|t(?:r(?:ue?)?)?|f(?:a(?:l(?:se?)?)?)?|n(?:u(?:ll?)?)?")
_STRUCTURE: Final = re.compile(r'["\[\]{},\n]')
_STRING_BODY: Final = re.compile(r'(?:[^"\\\n]|\\[^\n])*')
_NEXT_DOCUMENT: Final = re.compile(r"\n(?=[\[{])")
_NOT_SPACE: Final = re.compile(r"[^ \t\r\n]")
_SNIFFED_LINES: Final = 3  # the format is decided on the first lines that are not blank


class NotFinite:
    """What the decoders give for ``NaN``/``Infinity`` (not JSON): a marker found, with its path, later."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


#: ``raw_decode`` with exact numbers (ints, Decimals) and a marker for NaN and Infinity.
RAW_DECODE: Final = json.JSONDecoder(parse_float=Decimal, parse_constant=NotFinite).raw_decode


class Spool:
    """The bytes of a record too long to hold in memory, kept whole in a temporary file."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the rejection
        self.size = 0

    def write(self, data: bytes) -> None:
        """Append ``data``."""
        self._file.write(data)
        self.size += len(data)

    def chunks(self, size: int = 1 << 20) -> Iterator[bytes]:
        """The bytes, from the start, in chunks of at most ``size``."""
        self._file.seek(0)
        while chunk := self._file.read(size):
            yield chunk

    def read_bytes(self) -> bytes:
        """All the bytes at once (as large as the record: prefer `chunks`)."""
        return b"".join(self.chunks())

    def close(self) -> None:
        """Delete the temporary file."""
        self._file.close()


class Frame:
    """
    One record as cut from the stream: ``data`` is its exact bytes (JSON Lines) or text (arrays
    and documents, where the reader had to parse it to find its end: ``value`` is then set and
    ``parsed`` is True). ``problem`` is a (reason, error) pair found while cutting (a line
    too long, a broken array element), ``spool`` the bytes of a line too long to hold.
    ``source`` and ``number`` are set by whoever numbers the records.
    """

    __slots__ = ("data", "line", "number", "offset", "parsed", "problem", "source", "spool", "value")

    def __init__(
        self,
        data: bytes | str,
        line: int,
        offset: int,
        *,
        value: Any = None,
        parsed: bool = False,
        problem: tuple[str, PayloadError] | None = None,
        spool: Spool | None = None,
    ) -> None:
        self.data = data
        self.line = line
        self.offset = offset
        self.value = value
        self.parsed = parsed
        self.problem = problem
        self.spool = spool
        self.source = ""
        self.number = 0

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent to worker processes without the spool (a temporary file stays with its process).
        state = (self.data, self.line, self.offset, self.value, self.parsed, self.problem, self.source, self.number)
        return (_rebuild, state)


def _rebuild(
    data: bytes | str,
    line: int,
    offset: int,
    value: Any,
    parsed: bool,
    problem: tuple[str, PayloadError] | None,
    source: str,
    number: int,
) -> Frame:
    frame = Frame(data, line, offset, value=value, parsed=parsed, problem=problem)
    frame.source, frame.number = source, number
    return frame


def could_continue(error: json.JSONDecodeError) -> bool:
    """True when ``error`` says the text ended inside a value (more text could complete it)."""
    if error.msg.startswith("Unterminated string"):
        return True
    if error.msg == "Extra data":
        return False
    return _PARTIAL_TOKEN.fullmatch(error.doc[error.pos :].rstrip(_TEXT_SPACE)) is not None


def syntax_error(error: json.JSONDecodeError, start: int = 0) -> PayloadError:
    """The PayloadError for a JSON syntax error at ``error.pos`` (``start``: where the record begins)."""
    at = error.pos - start
    around = error.doc[max(start, error.pos - 10) : error.pos + 10]
    message = error.msg.removesuffix(" at")  # "Invalid control character at", "Unterminated string starting at"
    return PayloadError(ROOT, around, f"valid JSON ({message} at character {at + 1} of the record)")


def frames(stream: IO[bytes], name: str, max_record_bytes: int, *, keep_long: bool = True) -> Iterator[Frame]:
    """
    Yield every record of the binary ``stream``, in order (see the module's docstring).

    A line longer than ``max_record_bytes`` is spooled whole when ``keep_long`` (else skipped).
    Raises `ReadError` when an array cannot be read on (its structure broken beyond one record).
    """
    lines = _Lines(stream, max_record_bytes, keep_long)
    head: list[tuple[bytes, int, int]] = []
    first = lines.read()
    while first is not None and not first[0].strip(_SPACE):
        head.append(first)
        first = lines.read()
    if first is None:
        return
    head.append(first)
    raw = first[0].lstrip(_SPACE)
    bom = raw.startswith(BOM)
    body = raw[len(BOM) :] if bom else raw
    if body.startswith(b"["):
        window = _Window(stream, _joined(head), max_record_bytes, name)
        if bom:
            window.fail(window.text.index("\ufeff"), "a UTF-8 byte order mark before the array (remove it)")
        yield from window.array()
        return
    if _sniff(body) == "extra":  # a value, then another on the same line: documents one after another?
        second = lines.next_nonblank(head)
        if second is None or _sniff(second[0]) in ("extra", "prefix"):
            yield from _Window(stream, _joined(head), max_record_bytes, name).documents()
            return
    rest = yield from lines.frames(head)
    if rest:  # a line that starts a longer value: pretty-printed documents from there on
        raw, line, offset = rest[0]
        window = _Window(stream, _joined(rest), max_record_bytes, name, line=line, offset=offset)
        window.count = lines.count
        yield from window.documents()


def _joined(lines: list[tuple[bytes, int, int]]) -> bytes:
    return b"".join(raw for raw, _, _ in lines)


def _sniff(line: bytes) -> str:
    """value | extra (a value, then another) | prefix (the start of a longer value) | broken."""
    try:
        text = line.decode("utf-8").strip(_TEXT_SPACE)
    except UnicodeDecodeError:
        return "broken"
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        _, end = RAW_DECODE(text)
    except json.JSONDecodeError as error:
        return "prefix" if error.pos >= len(text) else "broken"
    except RecursionError:
        return "broken"
    rest = text[end:].lstrip(_TEXT_SPACE)
    return "value" if not rest else "extra" if rest[0] in "{[" else "broken"


class _Lines:
    """Lines of a binary stream with their number (1-based) and byte offset, never longer than the limit."""

    def __init__(self, stream: IO[bytes], limit: int, keep_long: bool) -> None:
        self._readline = stream.readline
        self.limit = limit
        self.keep_long = keep_long
        self.line = 0
        self.offset = 0
        self.count = 0  # frames yielded

    def read(self) -> tuple[bytes, int, int] | None:
        """The next line (its terminator included; at most ``limit + 1`` bytes of it), number, offset."""
        raw = self._readline(self.limit + 1)
        if not raw:
            return None
        start = self.offset
        self.offset += len(raw)
        self.line += 1
        return raw, self.line, start

    def next_nonblank(self, read: list[tuple[bytes, int, int]]) -> tuple[bytes, int, int] | None:
        """The next line that is not blank (None at the end); every line read is appended to ``read``."""
        while (line := self.read()) is not None:
            read.append(line)
            if line[0].strip(_SPACE):
                return line
        return None

    def frames(self, head: list[tuple[bytes, int, int]]) -> Generator[Frame, None, list[tuple[bytes, int, int]]]:
        """
        JSON Lines: one frame per line that is not blank, the lines in ``head`` first.

        A line that does not end a value (no closing ``}`` or ``]``) is looked at closer: if it
        starts a longer value and the next line goes on with it, the input is pretty-printed
        documents from there on, and the lines read from there are returned (else: [] at the end).
        """
        limit = self.limit
        pending = list(head)
        while True:
            if pending:
                raw, line, offset = pending.pop(0)
            elif (read := self.read()) is not None:
                raw, line, offset = read
            else:
                return []
            if len(raw) > limit and not raw.endswith(b"\n"):
                self.count += 1
                yield self._too_long(raw, line, offset)
                continue
            body = raw[:-1] if raw.endswith(b"\n") else raw
            if body.endswith(b"\r"):
                body = body[:-1]
            last = body[-1:]
            if last in _SPACE:  # (b"" too) only then is the line copied to look past its spaces
                last = body.rstrip(_SPACE)[-1:]
                if not last:
                    continue  # a blank line
            if last not in (b"}", b"]") and _sniff(body) == "prefix":
                ahead = list(pending)
                following = next((item for item in ahead if item[0].strip(_SPACE)), None)
                if following is None:
                    following = self.next_nonblank(ahead)
                if following is None or self._goes_on(raw, ahead[: ahead.index(following) + 1]):
                    return [(raw, line, offset), *ahead]
                pending = ahead
            self.count += 1
            yield Frame(body, line, offset)

    def _goes_on(self, raw: bytes, after: list[tuple[bytes, int, int]]) -> bool:
        """True when the lines ``after`` go on with the value that ``raw`` starts (a pretty-printed document)."""
        following = after[-1][0]
        if not following.endswith(b"\n") and len(following) > self.limit:
            return False
        return _sniff(raw + _joined(after)) in ("prefix", "value")

    def _too_long(self, raw: bytes, line: int, offset: int) -> Frame:
        """A line longer than the limit: refused now; its bytes spooled (or skipped) to the next newline."""
        spool = Spool() if self.keep_long else None
        size = 0
        while raw:
            if raw.endswith(b"\n"):
                raw = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
                last = True
            else:
                last = False
            size += len(raw)
            if spool is not None:
                spool.write(raw)
            if last:
                break
            raw = self._readline(_CHUNK)
            self.offset += len(raw)
        error = LimitExceededError(ROOT, size, f"a record of at most {self.limit} bytes (max_record_bytes)")
        return Frame(b"", line, offset, problem=("too_long", error), spool=spool)


def _longer_than(text: str, limit: int) -> bool:
    """True when ``text`` takes more than ``limit`` bytes as UTF-8 (encoded only when it might)."""
    return len(text) * 4 > limit and len(text.encode("utf-8", "surrogateescape")) > limit


class _Broken(Exception):  # noqa: N818 - private signal, never escapes
    """The value at a position cannot be decoded (``error`` is None when it nests too deeply)."""

    def __init__(self, error: json.JSONDecodeError | None) -> None:
        super().__init__(error)
        self.error = error


class _Window:
    """
    Decoded text not consumed yet: ``text[pos:]``, with the line and byte offset of ``pos``.

    Undecodable bytes are kept as lone surrogates (``surrogateescape``), so each record's exact
    bytes can be recovered and its bad bytes found. More text is read in chunks at least as
    large as the text held, so that a long record costs linear time.
    """

    def __init__(
        self, stream: IO[bytes], prefix: bytes, limit: int, name: str, *, line: int = 1, offset: int = 0
    ) -> None:
        self._read = getattr(stream, "read1", None) or stream.read
        self._decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        self.text = self._decoder.decode(prefix)
        self._ascii = self.text.isascii()
        self.pos = 0
        self.line = line  # of text[pos]
        self.offset = offset  # in bytes, of text[pos]
        self.eof = False
        self.limit = limit
        self.name = name
        self.count = 0  # records yielded

    def fill(self) -> bool:
        """Read more text (at least as much as held); False at the end of the input."""
        if self.eof:
            return False
        want = max(_CHUNK, len(self.text) - self.pos)
        parts, got = [], 0
        while got < want:
            data = self._read(want - got)
            if not data:
                self.eof = True
                break
            parts.append(data)
            got += len(data)
        more = self._decoder.decode(b"".join(parts), final=self.eof)
        self._ascii = self._ascii and more.isascii()
        self.text += more
        return bool(more)

    def advance(self, end: int) -> None:
        """Consume the text up to index ``end``."""
        text, pos = self.text, self.pos
        self.line += text.count("\n", pos, end)
        self.offset += end - pos if self._ascii else len(text[pos:end].encode("utf-8", "surrogateescape"))
        self.pos = end
        if end > _CHUNK and end * 2 > len(text):  # drop what was consumed, at most once per half window
            self.text, self.pos = text[end:], 0
            self._ascii = self.text.isascii()

    def peek(self) -> str:
        """Skip whitespace; the next character ('' at the end of the input)."""
        while True:
            found = _NOT_SPACE.search(self.text, self.pos)
            self.advance(len(self.text) if found is None else found.start())
            if self.pos < len(self.text) or not self.fill():
                return self.text[self.pos : self.pos + 1]

    def fail(self, index: int, problem: str) -> NoReturn:
        """Stop reading: `ReadError` at text index ``index``."""
        self.advance(index)
        raise ReadError(self.name, self.line, self.offset, self.count, problem)

    def _too_long(self, start: int) -> bool:
        return _longer_than(self.text[start:], self.limit)

    def decode(self, start: int) -> tuple[Any, int]:
        """The value at text index ``start`` and its end, reading on as needed; `_Broken` if none."""
        while True:
            try:
                value, end = RAW_DECODE(self.text, start)
            except json.JSONDecodeError as error:
                if not self.eof and could_continue(error):
                    self._grow(start)
                    continue
                raise _Broken(error) from None
            except RecursionError:
                raise _Broken(None) from None
            if end == len(self.text) and self.fill():
                continue  # a number at the very end may go on
            return value, end

    def _grow(self, start: int) -> None:
        if self._too_long(start):
            self.fail(start, f"record {self.count + 1} is longer than {self.limit} bytes (max_record_bytes)")
        self.fill()

    def array(self) -> Iterator[Frame]:
        """The records of one JSON array; `ReadError` when its structure is broken beyond a record."""
        self.peek()
        self.advance(self.pos + 1)  # the opening bracket
        expecting = "first"  # first: a record or ']'; record: a record; separator: ',' or ']'
        while True:
            char = self.peek()
            if char == "":
                self.fail(self.pos, "the input ends before the array's closing ']'")
            if char == "]" and expecting != "record":
                self.advance(self.pos + 1)
                if self.peek() != "":
                    self.fail(self.pos, f"nothing after the array's closing ']', found {self._show()}")
                return
            if expecting == "separator":
                if char != ",":
                    self.fail(self.pos, f"',' or ']' after record {self.count}, found {self._show()}")
                self.advance(self.pos + 1)
                expecting = "record"
                continue
            if char == "]":
                self.fail(self.pos, f"a record after the ',' that follows record {self.count}, found ']'")
            yield self._element()
            self.count += 1
            expecting = "separator"

    def documents(self) -> Iterator[Frame]:
        """JSON documents one after another; a broken one is cut at the next line that opens one."""
        while (char := self.peek()) != "":
            start = self.pos
            line, offset = self.line, self.offset
            bom = char == "\ufeff"
            try:
                value, end = self.decode(start + 1 if bom else start)
            except _Broken as broken:
                end = self._next_document(start)
                yield self._broken(broken, start, end, line, offset)
            else:
                frame = self._parsed(start, end, value, line, offset)
                if bom and frame.problem is None:
                    error = PayloadError(ROOT, "a byte order mark (EF BB BF)", "JSON text without a byte order mark")
                    frame = Frame(frame.data, line, offset, problem=("byte_order_mark", error))
                yield frame
            self.count += 1

    def _element(self) -> Frame:
        start = self.pos
        line, offset = self.line, self.offset
        try:
            value, end = self.decode(start)
        except _Broken as broken:
            end = self._element_end(start)
            return self._broken(broken, start, end, line, offset)
        return self._parsed(start, end, value, line, offset)

    def _parsed(self, start: int, end: int, value: Any, line: int, offset: int) -> Frame:
        text = self.text[start:end]
        self.advance(end)
        if _longer_than(text, self.limit):  # read whole, so refused here without stopping the reading
            size = len(text.encode("utf-8", "surrogateescape"))
            error = LimitExceededError(ROOT, size, f"a record of at most {self.limit} bytes (max_record_bytes)")
            return Frame(text, line, offset, problem=("too_long", error))
        return Frame(text, line, offset, value=value, parsed=True)

    def _broken(self, broken: _Broken, start: int, end: int, line: int, offset: int) -> Frame:
        text = self.text[start:end].rstrip(_TEXT_SPACE)
        self.advance(start + len(text))
        if broken.error is None:
            error = LimitExceededError(ROOT, "…", "JSON nested less deeply than the interpreter's recursion limit")
            return Frame(text, line, offset, problem=("limit_exceeded_error", error))
        reason = "truncated" if self.eof and end >= len(self.text) and could_continue(broken.error) else "invalid_json"
        return Frame(text, line, offset, problem=(reason, syntax_error(broken.error, start)))

    def _next_document(self, start: int) -> int:
        """Where a broken document ends: before the next line that opens one, or at the end of the input."""
        while True:
            found = _NEXT_DOCUMENT.search(self.text, start + 1)
            if found is not None:
                return found.start()
            if self._too_long(start):
                self.fail(start, f"record {self.count + 1} is longer than {self.limit} bytes (max_record_bytes)")
            if not self.fill():
                return len(self.text)

    def _element_end(self, start: int) -> int:
        """
        Where a broken array element ends: the ',' or ']' after it at its own level.

        Strings are skipped (a string cannot hold a raw newline, so a broken one ends at the
        line's end), brackets counted (a closing one pops back to its opener). An element whose
        end cannot be found before the end of the input stops the reading (`ReadError`).
        """
        stack: list[str] = []
        index = start
        while True:
            text = self.text
            found = _STRUCTURE.search(text, index)
            if found is None or (text[found.start()] == '"' and not self._string_end_known(found.start())):
                if self._too_long(start):
                    self.fail(start, f"record {self.count + 1} is longer than {self.limit} bytes (max_record_bytes)")
                if not self.fill():
                    self.fail(start, f"the input ends inside record {self.count + 1} (the array is not closed)")
                continue
            at = found.start()
            char = text[at]
            index = at + 1
            if char == '"':
                close = _STRING_BODY.match(text, at + 1).end()  # type: ignore[union-attr]
                if close >= len(text):  # the input ended inside the string
                    self.fail(start, f"the input ends inside record {self.count + 1} (the array is not closed)")
                index = close + 1 if text[close] in '"\\' else close
            elif char in "[{":
                stack.append(char)
            elif char in "]}":
                opener = "[" if char == "]" else "{"
                if opener in stack:
                    while stack.pop() != opener:
                        pass
                elif char == "]" and not stack:
                    return at
            elif char == "," and not stack:
                return at

    def _string_end_known(self, quote: int) -> bool:
        """True when the text holds the end of the string opened at ``quote`` (or the input has ended)."""
        close = _STRING_BODY.match(self.text, quote + 1).end()  # type: ignore[union-attr]
        return self.eof or close + 1 < len(self.text)

    def _show(self) -> str:
        return json.dumps(self.text[self.pos : self.pos + 20], ensure_ascii=False)
