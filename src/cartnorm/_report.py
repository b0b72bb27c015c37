"""
What a streaming command tells its user: counts that reconcile, rejects kept whole, warnings, a summary.

`Tally` counts every record once (``records = orders + rejected``), per input file, per source
(the adapter), per status, rejects per reason and warnings per code. `rejects_line` and
`warning_line` write the JSON Lines of ``--rejects`` and ``--warnings``: a rejected record keeps
its exact text (in base64, with ``"base64": true``, when its bytes are not UTF-8), its file,
line (1-based), byte offset and record number (1-based, as on standard error).
"""

from __future__ import annotations

import base64
import codecs
import time
from collections import Counter
from typing import Any

from ._frames import Frame, Spool
from ._json import encode_json, quote
from ._outputs import Sink
from .reading import exact_record

__all__ = ["UNKNOWN_SOURCE", "Tally", "rejects_line", "warning_line"]

#: The ``sources`` key of records no adapter was chosen for (unreadable, unrecognised).
UNKNOWN_SOURCE = "unknown"


class Tally:
    """Counts for one run of a streaming command."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.started = time.monotonic()
        self.records = self.orders = self.rejected = 0
        self.files: dict[str, Counter[str]] = {}
        self.sources: dict[str, Counter[str]] = {}
        self.statuses: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()
        self.last: tuple[str, int] | None = None  # the file and line of the last record counted

    def _count(self, frame: Frame, source: str | None, outcome: str) -> None:
        self.records += 1
        self.last = (frame.source, frame.line)
        for table, key in ((self.files, frame.source), (self.sources, source or UNKNOWN_SOURCE)):
            counts = table.setdefault(key, Counter())
            counts["records"] += 1
            counts[outcome] += 1

    def order(self, frame: Frame, source: str, status: str, warnings: tuple[tuple[str, str, str], ...]) -> None:
        """Count a record that became an order."""
        self.orders += 1
        self._count(frame, source, "orders")
        self.statuses[status] += 1
        self.warnings.update(code for code, _, _ in warnings)

    def rejection(
        self, frame: Frame, source: str | None, reason: str, warnings: tuple[tuple[str, str, str], ...]
    ) -> None:
        """Count a rejected record."""
        self.rejected += 1
        self._count(frame, source, "rejected")
        self.reasons[reason] += 1
        self.warnings.update(code for code, _, _ in warnings)

    def elapsed(self) -> float:
        """Seconds since the run started."""
        return time.monotonic() - self.started

    def summary(self, *, completed: bool, exit_code: int, outputs: dict[str, str | None], error: str | None) -> str:
        """The ``--summary`` document (JSON text)."""
        document: dict[str, Any] = {
            "command": self.command,
            "completed": completed,
            "exit_code": exit_code,
            "error": error,
            "records": self.records,
            "orders": self.orders,
            "rejected": self.rejected,
            "reconciled": self.records == self.orders + self.rejected,
            "warnings": sum(self.warnings.values()),
            "files": _table(self.files),
            "sources": _table(self.sources),
            "statuses": dict(sorted(self.statuses.items())),
            "rejects_by_reason": dict(sorted(self.reasons.items())),
            "warnings_by_code": dict(sorted(self.warnings.items())),
            "outputs": outputs,
            "elapsed_seconds": round(self.elapsed(), 3),
        }
        return encode_json(document, indent=2) + "\n"

    def counts(self) -> str:
        """``14 records → 12 orders, 2 rejected`` (the words of the summary line)."""
        return f"{_count(self.records, 'record')} → {_count(self.orders, 'order')}, {self.rejected:,} rejected"

    def warning_words(self) -> str:
        """``3 warnings (total_recomputed 2, updated_at_filled 1)``, or '' when there were none."""
        total = sum(self.warnings.values())
        if not total:
            return ""
        codes = ", ".join(f"{code} {count:,}" for code, count in self.warnings.most_common())
        return f"{_count(total, 'warning')} ({codes})"


def _count(number: int, word: str) -> str:
    return f"{number:,} {word}{'' if number == 1 else 's'}"


def _table(table: dict[str, Counter[str]]) -> dict[str, dict[str, int]]:
    return {key: {name: counts[name] for name in ("records", "orders", "rejected")} for key, counts in table.items()}


def rejects_line(
    sink: Sink, frame: Frame, reason: str, error: str, path: str, message: str, source: str | None
) -> None:
    """
    Write one rejects-file line: where the record was, why it was rejected, and its exact text
    (``"text"``; base64 with ``"base64": true`` when it is not UTF-8). A record held in a
    `Spool` (longer than the reader's limit) is copied through in chunks, never held whole.
    """
    head = encode_json(
        {
            "file": frame.source,
            "line": frame.line,
            "offset": frame.offset,
            "record_number": frame.number,
            "reason": reason,
            "error": error,
            "path": path,
            "message": message,
            "source": source,
        }
    )[:-1]
    record = exact_record(frame)
    if isinstance(record, Spool):
        _spooled(sink, head, record)
    elif isinstance(record, str):
        sink.write(f'{head},"text":{quote(record)}}}\n')
    else:
        sink.write(f'{head},"base64":true,"text":"{base64.b64encode(record).decode("ascii")}"}}\n')


def _spooled(sink: Sink, head: str, spool: Spool) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in spool.chunks():
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        text = True
    except UnicodeDecodeError:
        text = False
    if text:
        sink.write(f'{head},"text":"')
        decoder = codecs.getincrementaldecoder("utf-8")()
        for chunk in spool.chunks():
            sink.write(quote(decoder.decode(chunk))[1:-1])
    else:
        sink.write(f'{head},"base64":true,"text":"')
        for chunk in spool.chunks(3 << 18):  # a multiple of 3: the pieces join into one base64 text
            sink.write(base64.b64encode(chunk).decode("ascii"))
    sink.write('"}\n')


def warning_line(frame: Frame, source: str, order_id: str, warning: tuple[str, str, str]) -> str:
    """One ``--warnings`` line: where the record was, the order, and the warning's code, path and message."""
    code, path, message = warning
    line = {
        "file": frame.source,
        "line": frame.line,
        "offset": frame.offset,
        "record_number": frame.number,
        "source": source,
        "order_id": order_id,
        "code": code,
        "path": path,
        "message": message,
    }
    return encode_json(line) + "\n"
