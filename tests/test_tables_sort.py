"""
The external merge sort of the Parquet sink (`cartnorm.tables._sort`): any input, split into any
batches, spilled into any number of runs and merged in any number of rounds, comes out in
DuckDB's ``ORDER BY`` order, in chunks of the asked size, and leaves no scratch file behind.
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path
from unittest import mock

import duckdb
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from cartnorm.tables import _sort

SCHEMA = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("id", pa.string(), nullable=False),
        pa.field("position", pa.int64(), nullable=False),
        pa.field("payload", pa.string()),
    ]
)
KEY = ("source", "id", "position")
# Text beyond ASCII: keys order by their UTF-8 bytes, as in DuckDB.
_TEXT = st.text(st.characters(exclude_categories=("Cs",), max_codepoint=0x1F600), max_size=4)
_KEYS = st.lists(st.tuples(st.sampled_from(["medusa", "gearment", "é"]), _TEXT, st.integers(-3, 3)), unique=True)


@st.composite
def _inputs(draw: st.DrawFn) -> tuple[list[tuple[str, str, int, str | None]], list[int]]:
    keys = draw(_KEYS)
    rows = [(*key, draw(st.none() | st.text(max_size=30))) for key in keys]
    cuts = sorted(draw(st.lists(st.integers(0, len(rows)), max_size=6)))
    return rows, cuts


def _batches(rows: list[tuple[str, str, int, str | None]], cuts: list[int]) -> list[pa.RecordBatch]:
    table = pa.Table.from_pylist([dict(zip(SCHEMA.names, row, strict=True)) for row in rows], SCHEMA)
    bounds = [0, *cuts, len(rows)]
    return [
        table.slice(a, b - a).to_batches()[0] if b > a else pa.RecordBatch.from_pylist([], SCHEMA)
        for a, b in itertools.pairwise(bounds)
    ]


@settings(max_examples=40, deadline=None)
@given(
    data=_inputs(),
    run_bytes=st.integers(1, 400),
    read_bytes=st.integers(1, 200),
    fan_in=st.integers(2, 4),
    chunk_rows=st.integers(1, 7),
)
def test_sorted_chunks_sort_like_duckdb_in_bounded_runs(data, run_bytes, read_bytes, fan_in, chunk_rows):
    rows, cuts = data
    batches = _batches(rows, cuts)
    connection = duckdb.connect()
    connection.register("whole", pa.Table.from_batches(batches, SCHEMA))
    expected = connection.sql("SELECT * FROM whole ORDER BY source, id, position").to_arrow_table().cast(SCHEMA)
    connection.close()
    with (
        tempfile.TemporaryDirectory() as scratch,
        mock.patch.object(_sort, "RUN_BYTES", run_bytes),
        mock.patch.object(_sort, "READ_BYTES", read_bytes),
        mock.patch.object(_sort, "FAN_IN", fan_in),
    ):
        chunks = list(_sort.sorted_chunks(iter(batches), SCHEMA, KEY, Path(scratch) / "sort", chunk_rows))
        leftovers = list(Path(scratch).rglob("*.arrow"))
    assert [chunk.num_rows for chunk in chunks[:-1]] == [chunk_rows] * (len(chunks) - 1)
    assert not chunks or 0 < chunks[-1].num_rows <= chunk_rows
    result = pa.concat_tables(chunks) if chunks else expected.slice(0, 0)
    assert result.schema == SCHEMA
    assert result.to_pylist() == expected.to_pylist()
    assert sorted(rows) == [tuple(row.values()) for row in result.to_pylist()]  # Python's str order is DuckDB's
    assert not leftovers


def test_an_abandoned_sort_deletes_its_runs(tmp_path):
    rows = [("medusa", f"order_{n:03d}", n % 3, "x" * 50) for n in reversed(range(200))]
    with mock.patch.object(_sort, "RUN_BYTES", 1000), mock.patch.object(_sort, "READ_BYTES", 300):
        chunks = _sort.sorted_chunks(iter(_batches(rows, list(range(10, 200, 10)))), SCHEMA, KEY, tmp_path, 5)
        first = next(chunks)
        assert list(tmp_path.glob("*.arrow"))  # spilled
        chunks.close()
    assert first.column("id").to_pylist() == [f"order_{n:03d}" for n in range(5)]
    assert not list(tmp_path.glob("*.arrow"))
