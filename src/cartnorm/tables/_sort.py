"""
Sorting a stream of Arrow record batches by key in bounded memory: an external merge sort.

The Parquet sink writes every table sorted by its key. DuckDB's ``ORDER BY`` keeps the rows it
sorts in memory, past its memory limit, when they are wide (the ``additional_fields`` of an
order are kilobytes of JSON): the sink's peak grew with the history it rewrote. So the sink
reads the merged rows unsorted (a streaming scan) and sorts them here:

1. the batches are gathered into runs of about `RUN_BYTES`; each run is sorted in memory
   (`pyarrow.compute.sort_indices`) and, unless the whole input is one run, written to a scratch
   Arrow IPC file in chunks of about `READ_BYTES`;
2. the runs are merged, at most `FAN_IN` at a time (more runs are first merged into fewer, longer
   ones), holding one chunk of each run in memory.

Memory is bounded by about ``2 * RUN_BYTES + FAN_IN * READ_BYTES`` plus one output chunk, whatever
the number of rows. Keys compare as DuckDB and Arrow compare them: text by its UTF-8 bytes (the
order of Python's ``str`` comparison), integers by value. The keys of one sort are unique (every
table's key is, by the merge rule), so the result is the same however the input was split.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from ..errors import MissingDependencyError

try:
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError as error:  # pragma: no cover - exercised by a test that hides pyarrow
    msg = f"cartnorm's tables need PyArrow ({error}): pip install 'cartnorm[tables]'"
    raise MissingDependencyError(msg) from error

__all__ = ["FAN_IN", "READ_BYTES", "RUN_BYTES", "sorted_chunks"]

#: How much of the input is sorted in memory at a time (bytes of Arrow).
RUN_BYTES: Final = 16 << 20
#: How much of each run a merge holds at a time (bytes of Arrow, about).
READ_BYTES: Final = 256 << 10
#: How many runs are merged at once.
FAN_IN: Final = 64
_WRITE_OPTIONS: Final = pa.ipc.IpcWriteOptions(compression="lz4")


def sorted_chunks(
    batches: Iterable[Any],
    schema: Any,
    key: Sequence[str],
    scratch: Path,
    rows: int,
) -> Iterator[Any]:
    """
    The rows of ``batches`` (record batches of ``schema``) sorted by ``key``, as tables of ``rows`` rows.

    Every table has ``rows`` rows but the last, which has fewer (none when there are no rows).
    Runs are spilled into the directory ``scratch`` (created if missing); its files are deleted
    as they are merged, and when the iterator ends or is closed.
    """
    sort_keys = [(name, "ascending") for name in key]
    runs: list[Path] = []
    counter = itertools.count()
    try:
        pending: list[Any] = []
        size = 0
        last = None
        for batch in itertools.chain(batches, [None]):
            if batch is not None:
                if not batch.num_rows:
                    continue
                pending.append(batch)
                size += batch.nbytes
                if size < RUN_BYTES:
                    continue
            if not pending:
                break
            table = pa.Table.from_batches(pending, schema)
            run = table.take(pc.sort_indices(table, sort_keys=sort_keys))
            pending, size, table = [], 0, None
            if batch is None and not runs:
                last = run  # the input was one run: no files
                break
            runs.append(_spill(run, scratch, next(counter)))
            run = None
            pa.default_memory_pool().release_unused()  # mimalloc keeps what a run freed: RSS grew with the runs
        if last is not None:
            for start in range(0, last.num_rows, rows):
                yield last.slice(start, rows)
            return
        while len(runs) > FAN_IN:
            groups = [runs[start : start + FAN_IN] for start in range(0, len(runs), FAN_IN)]
            runs = []
            for group in groups:
                runs.append(_spill_merged(group, schema, key, scratch, next(counter)))
        yield from _chunks(_merged(runs, key), schema, rows)
    finally:
        for path in runs:
            path.unlink(missing_ok=True)


def _spill(table: Any, scratch: Path, number: int) -> Path:
    """Write a sorted run to a scratch IPC file, in chunks of about `READ_BYTES`."""
    scratch.mkdir(parents=True, exist_ok=True)
    path = scratch / f"run-{number:06d}.arrow"
    chunk = max(1, READ_BYTES * table.num_rows // max(1, table.nbytes))
    with pa.ipc.new_file(str(path), table.schema, options=_WRITE_OPTIONS) as writer:
        writer.write_table(table, max_chunksize=chunk)
    return path


def _spill_merged(runs: list[Path], schema: Any, key: Sequence[str], scratch: Path, number: int) -> Path:
    """Merge ``runs`` into one longer run file (deleting them)."""
    scratch.mkdir(parents=True, exist_ok=True)
    path = scratch / f"run-{number:06d}.arrow"
    with pa.ipc.new_file(str(path), schema, options=_WRITE_OPTIONS) as writer:
        pieces: list[Any] = []
        size = 0
        for piece in _merged(runs, key):
            pieces.append(piece)
            size += piece.nbytes
            if size >= READ_BYTES:
                writer.write_table(pa.Table.from_batches(pieces, schema).combine_chunks())
                pieces, size = [], 0
        if pieces:
            writer.write_table(pa.Table.from_batches(pieces, schema).combine_chunks())
    for run in runs:
        run.unlink()
    return path


def _rows(number: int, path: Path, key: Sequence[str]) -> Iterator[tuple[tuple[Any, ...], int, Any, int]]:
    """Every row of a run file: its key, the run's number, its chunk, and its index in the chunk."""
    with pa.OSFile(str(path)) as source:  # read, not mapped: what was merged leaves memory
        reader = pa.ipc.open_file(source)
        for index in range(reader.num_record_batches):
            chunk = reader.get_batch(index)
            columns = [chunk.column(name).to_pylist() for name in key]
            for row, values in enumerate(zip(*columns, strict=True)):
                yield values, number, chunk, row


def _merged(runs: list[Path], key: Sequence[str]) -> Iterator[Any]:
    """The rows of the sorted ``runs``, in key order, as slices of their chunks."""
    chunk, start, end = None, 0, 0
    for _, _, source, row in heapq.merge(*(_rows(number, path, key) for number, path in enumerate(runs))):
        if source is chunk and row == end:
            end += 1
            continue
        if chunk is not None:
            yield chunk.slice(start, end - start)
        chunk, start, end = source, row, row + 1
    if chunk is not None:
        yield chunk.slice(start, end - start)


def _chunks(pieces: Iterator[Any], schema: Any, rows: int) -> Iterator[Any]:
    """Tables of exactly ``rows`` rows (the last one fewer) made of the record batch slices ``pieces``."""
    held: list[Any] = []
    count = 0
    for piece in pieces:
        while piece.num_rows:
            taken = piece.slice(0, rows - count)
            held.append(taken)
            count += taken.num_rows
            piece = piece.slice(taken.num_rows)
            if count == rows:
                yield pa.Table.from_batches(held, schema)
                held, count = [], 0
    if held:
        yield pa.Table.from_batches(held, schema)
