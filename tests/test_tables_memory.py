"""
The Parquet sink sorts a table in bounded memory: four times the rows peak at the same RSS.

`cartnorm.tables._sort.sorted_chunks` (what the Parquet sink writes every table through) is run
in a fresh process (its peak RSS is its own) over a stream of wide rows — random keys in random
order, kilobytes of text each, like orders with their ``additional_fields`` — made batch by batch,
so that only the sort can hold them. Both runs are far past the sort's bounds (`RUN_BYTES`, the
merge's `FAN_IN` chunks), so the larger one must peak no higher than the smaller, give or take the
noise of a shared machine. What this catches: a sort that holds a table (DuckDB's ``ORDER BY`` did,
and the sink's peak grew by some 200 MiB from 5 000 to 20 000 orders), or leaks a run.

The whole command's peak at 5 000, 20 000 and 50 000 orders is measured by
``benchmarks/tables.py --stream`` (normalising that many orders takes minutes); see docs/tables.md.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("pyarrow")

_SORT = """
import os, random, resource, sys, tempfile
from pathlib import Path
import pyarrow as pa
from cartnorm.tables._sort import sorted_chunks

count, width = int(sys.argv[1]), int(sys.argv[2])
schema = pa.schema([("source", pa.string()), ("id", pa.string()), ("additional_fields", pa.string())])
numbers = list(range(count))
random.Random(count).shuffle(numbers)

def batches():
    for start in range(0, count, 1000):
        ids = numbers[start : start + 1000]
        yield pa.RecordBatch.from_pydict(
            {
                "source": ["medusa" if n % 3 else "gearment" for n in ids],
                "id": [f"order_{n:08d}" for n in ids],
                "additional_fields": [os.urandom(width // 2).hex() for _ in ids],
            },
            schema,
        )

last, rows = None, 0
with tempfile.TemporaryDirectory() as scratch:
    for chunk in sorted_chunks(batches(), schema, ("source", "id"), Path(scratch), 1500):
        keys = list(zip(chunk.column("source").to_pylist(), chunk.column("id").to_pylist()))
        assert keys == sorted(keys) and (last is None or last < keys[0]), "not sorted"
        last, rows = keys[-1], rows + len(keys)
assert rows == count, rows
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

SMALL, WIDTH = 10_000, 4_096  # 40 MiB of rows, three runs; the large sort: 160 MiB, ten runs


def _peak_mib(count: int) -> float:
    done = subprocess.run(
        [sys.executable, "-c", _SORT, str(count), str(WIDTH)], capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1]) / 1024  # ru_maxrss is in KiB on Linux


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
def test_sorting_a_table_takes_the_same_memory_for_four_times_the_rows():
    small, large = _peak_mib(SMALL), _peak_mib(4 * SMALL)
    extra = 3 * SMALL * WIDTH / 2**20  # 120 MiB more rows in the large sort
    # Flat: a few MiB of noise (6 MiB measured). A sort that held its input would add ``extra``
    # and more (a single run in memory: +735 MiB from 20 000 to 80 000 rows), a leaked run 16 MiB.
    assert large - small < extra / 8, (small, large)
