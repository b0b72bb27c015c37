"""
What the typed tables cost: normalize → Arrow against normalize → JSON Lines, and streaming memory.

    python benchmarks/tables.py                    # in-process cost, typical orders
    python benchmarks/tables.py --stream 5000,20000  # also: the CLI's --to sinks over 5 000 and 20 000 orders, peak RSS

In process, on the benchmark's typical orders (half Medusa v1, half Gearment; see bench.py), the
same batch of payloads is timed three ways, interleaved, over several rounds (medians):

* normalize:           `normalize(payload)` alone;
* → JSON Lines:        normalize + `dumps` (what `cartnorm normalize -o` writes per record);
* → Arrow:             normalize + adding the order to a table builder, the batch built into
                       Arrow tables (`cartnorm.arrow_batches` does exactly that).

The table cost is reported as a share of normalisation: (→ Arrow − normalize) / normalize.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import cartnorm
from cartnorm._json import encode_json
from cartnorm.conformance import FIXTURE_OBSERVED_AT
from cartnorm.table_schema import DEFAULT_MONEY
from cartnorm.tables._arrow import TableBuilder

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import SIZES, gearment_order, medusa_order


def _gearment(lines: int, parcels: int) -> dict[str, Any]:
    """bench.py's Gearment order, each line with its own ``line_item_id`` (the key of table line_items)."""
    payload = gearment_order(lines, parcels)
    for index, line in enumerate(payload["data"]["line_items"]):
        line["line_item_id"] = f"li_bench_{index:04d}"
    return payload


def _payloads(count: int) -> list[tuple[str, Any]]:
    shapes = SIZES["typical"]
    return [("medusa", medusa_order(*shapes)) if i % 2 == 0 else ("gearment", _gearment(*shapes)) for i in range(count)]


def _time(function: Any) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def measure(count: int, rounds: int) -> dict[str, float]:
    """Seconds per order (medians over ``rounds``) of normalize, → JSON Lines, → Arrow."""
    payloads = _payloads(count)

    def normalize_only() -> None:
        for source, payload in payloads:
            cartnorm.normalize(payload, source, observed_at=FIXTURE_OBSERVED_AT)

    def to_json_lines() -> None:
        lines = [cartnorm.dumps(cartnorm.normalize(p, s, observed_at=FIXTURE_OBSERVED_AT)) + "\n" for s, p in payloads]
        assert len(lines) == count

    def to_arrow() -> None:
        builder = TableBuilder(DEFAULT_MONEY)
        for source, payload in payloads:
            builder.add_order(cartnorm.normalize(payload, source, observed_at=FIXTURE_OBSERVED_AT), source)
        tables = builder.build()
        assert tables.num_orders == count

    times: dict[str, list[float]] = {"normalize": [], "json_lines": [], "arrow": []}
    for _ in range(rounds):
        times["normalize"].append(_time(normalize_only))
        times["json_lines"].append(_time(to_json_lines))
        times["arrow"].append(_time(to_arrow))
    return {name: statistics.median(values) / count for name, values in times.items()}


_WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
    "print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)

_BATCHES = (
    "import sys, json\n"
    "import pyarrow.parquet as pq\n"
    "import cartnorm\n"
    "from cartnorm._json import parse_json\n"
    "from cartnorm.table_schema import DEFAULT_MONEY\n"
    "from cartnorm.tables._arrow import arrow_schema\n"
    "from cartnorm.table_schema import LINE_ITEMS, ORDERS\n"
    "source, out = sys.argv[1], sys.argv[2]\n"
    "records = (parse_json(line) for line in open(source, encoding='utf-8'))\n"
    "results = cartnorm.normalize_many(records, limits=None)\n"
    "with pq.ParquetWriter(out + '.orders', arrow_schema(ORDERS, DEFAULT_MONEY)) as orders, "
    "pq.ParquetWriter(out + '.lines', arrow_schema(LINE_ITEMS, DEFAULT_MONEY)) as lines:\n"
    "    for batch in cartnorm.arrow_batches(results, batch_size=5000):\n"
    "        orders.write_table(batch.orders); lines.write_table(batch.line_items)\n"
)


def _run(command: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of ``command``, measured from a fresh wrapper process."""
    result = subprocess.run([sys.executable, "-c", _WRAPPER, *command], check=True, capture_output=True, text=True)
    seconds, peak_kib = result.stdout.split()
    return float(seconds), int(peak_kib) / 1024


def stream(count: int) -> list[tuple[str, float, float]]:
    """The CLI over ``count`` distinct typical orders: JSON Lines, --to duckdb:, --to parquet:, and arrow_batches."""
    medusa, gearment = medusa_order(*SIZES["typical"]), _gearment(*SIZES["typical"])
    templates = [
        (encode_json(medusa), cartnorm.normalize(medusa, "medusa").id),
        (encode_json(gearment), cartnorm.normalize(gearment, "gearment").id),
    ]
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "orders.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for index in range(count):  # every order its own id: the tables hold ``count`` orders
                text, order_id = templates[index % 2]
                out.write(text.replace(order_id, f"{order_id}-{index:06d}") + "\n")
        cli = [
            sys.executable,
            "-m",
            "cartnorm",
            "normalize",
            str(source),
            "--jobs",
            "1",
            "--observed-at",
            "2026-01-01T00:00:00Z",
        ]
        runs = {
            "normalize -o out.jsonl (JSON Lines)": [*cli, "-o", f"{scratch}/out.jsonl"],
            "normalize --to duckdb:": [*cli, "--to", f"duckdb:{scratch}/out.duckdb"],
            "normalize --to parquet:": [*cli, "--to", f"parquet:{scratch}/out"],
            "arrow_batches → ParquetWriter": [sys.executable, "-c", _BATCHES, str(source), f"{scratch}/batches"],
        }
        for name, command in runs.items():
            seconds, peak = _run(command)
            rows.append((name, seconds, peak))
        rows.append((f"(input: {source.stat().st_size / 2**20:.0f} MiB)", 0.0, 0.0))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--orders", type=int, default=1000, help="orders per in-process round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--stream",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[],
        metavar="N[,N...]",
        help="also stream N orders through the CLI (several sizes: is the peak memory flat?)",
    )
    args = parser.parse_args()
    version = sys.version.split()[0]
    print(f"cartnorm {cartnorm.__version__}, Python {version}; {args.orders} typical orders x {args.rounds} rounds")
    result = measure(args.orders, args.rounds)
    base = result["normalize"]
    for name in ("normalize", "json_lines", "arrow"):
        extra = (result[name] - base) / base
        print(f"  {name:11} {result[name] * 1e6:8.1f} µs/order   +{extra:6.1%} of normalize")
    for count in args.stream:
        print(f"stream: {count} typical orders, one process (--jobs 1)")
        for name, seconds, peak in stream(count):
            if seconds:
                print(f"  {name:38} {seconds:6.1f} s  {count / seconds:6.0f} orders/s  peak RSS {peak:4.0f} MiB")
            else:
                print(f"  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
