"""
Throughput of the scale-out integrations in local mode against the single-process CLI, on the
same JSON Lines input (Trackstar documents, about 2.5 kB each, 5% of them bad).

    python benchmarks/scale_out.py --records 20000

Prints one line per run: records, seconds and records per second, wall clock, each run writing
its orders and its rejections. The engines' start-up (a JVM for Spark, worker processes for
Dask) is timed apart from the run itself. Needs the spark and dask extras (and Java for Spark).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import dask
import dask.bag as db
from pyspark import StorageLevel
from pyspark.sql import SparkSession

from cartnorm._json import encode_json, parse_json
from cartnorm.integrations.dask import normalize_bag
from cartnorm.integrations.spark import normalize_dataframe

ROOT = Path(__file__).resolve().parent.parent
OBSERVED = "2024-11-22T12:00:00Z"
STATUSES = ["open", "confirmed", "processing", "partially_fulfilled", "fulfilled", "cancelled"]


def make_input(path: Path, records: int) -> None:
    """``records`` JSON Lines: the full_order fixture with its own id and status; every 20th is bad."""
    base = parse_json((ROOT / "fixtures" / "trackstar" / "full_order.payload.json").read_text("utf-8"))
    with path.open("w", encoding="utf-8") as out:
        for index in range(records):
            if index % 20 == 19:
                out.write(["{bad json", '{"id": 1}', "[]", "42"][index // 20 % 4] + "\n")
                continue
            document = {**base, "id": f"ord-{index:07d}", "status": STATUSES[index % len(STATUSES)]}
            out.write(encode_json(document) + "\n")


def report(name: str, records: int, seconds: float, note: str = "") -> None:
    print(f"{name:<34} {records:>8,} records {seconds:>7.2f} s {records / seconds:>8,.0f} records/s  {note}")


def run_cli(source: Path, work: Path, records: int, jobs: int | None) -> None:
    command = ["cartnorm", "normalize", str(source), "--source", "trackstar", "--observed-at", OBSERVED]
    command += ["-o", str(work / "cli-orders.jsonl"), "--rejects", str(work / "cli-rejects.jsonl"), "--allow-rejects"]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    started = time.perf_counter()
    subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
    name = f"cli --jobs {jobs}" if jobs is not None else f"cli (default jobs: {os.cpu_count()})"
    report(name, records, time.perf_counter() - started, "(process start-up included)")


def run_spark(source: Path, work: Path, records: int) -> None:
    started = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.range(1).count()
    print(f"{'spark local[2] start-up':<34} {time.perf_counter() - started:>24.2f} s")
    observed = datetime.fromisoformat(OBSERVED.replace("Z", "+00:00"))
    for run in ("warm-up", "measured"):
        for level in (None, StorageLevel.MEMORY_AND_DISK):
            raw = spark.read.text(str(source)).withColumnRenamed("value", "payload")
            orders, rejections = normalize_dataframe(raw, source="trackstar", observed_at=observed, storage_level=level)
            started = time.perf_counter()
            orders.select("order").write.mode("overwrite").text(str(work / "spark-orders"))
            one_pass = time.perf_counter() - started
            rejections.write.mode("overwrite").json(str(work / "spark-rejects"))
            both = time.perf_counter() - started
            spark.catalog.clearCache()
            if run == "warm-up":
                continue
            if level is None:
                report("spark local[2]: orders only", records, one_pass, "(one pass)")
                report("spark local[2]: orders + rejects", records, both, "(two passes: one per output)")
            else:
                report("spark local[2]: both, persisted", records, both, "(storage_level=MEMORY_AND_DISK: one pass)")
    spark.stop()


def run_dask(source: Path, work: Path, records: int) -> None:
    observed = datetime.fromisoformat(OBSERVED.replace("Z", "+00:00"))

    def one_pass(label: str, note: str) -> None:
        lines = db.read_text(str(source), blocksize=4 << 20).map(str.strip).filter(None)
        orders, rejections = normalize_bag(lines, source="trackstar", observed_at=observed)
        started = time.perf_counter()
        dask.compute(
            orders.pluck("order").to_textfiles(str(work / label / "orders" / "*.jsonl"), compute=False),
            rejections.map(json.dumps).to_textfiles(str(work / label / "rejects" / "*.jsonl"), compute=False),
        )
        report(f"dask bag, {label}", records, time.perf_counter() - started, note)

    with dask.config.set(scheduler="processes", num_workers=2):
        started = time.perf_counter()
        dask.compute(db.from_sequence(range(2), npartitions=2).map(str))  # start the worker pool
        print(f"{'dask bag, 2 processes start-up':<34} {time.perf_counter() - started:>24.2f} s")
        one_pass("2 processes", "(multiprocessing scheduler; one pass, both outputs)")
    try:
        from dask.distributed import Client, LocalCluster  # noqa: PLC0415 - optional: pip install distributed
    except ImportError:
        print("dask.distributed is not installed: LocalCluster run skipped (pip install distributed)")
        return
    started = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster):
        print(f"{'dask LocalCluster start-up':<34} {time.perf_counter() - started:>24.2f} s")
        one_pass("LocalCluster 2x1", "(dask.distributed, 2 workers x 1 thread; one pass)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--only", choices=["cli", "spark", "dask"], action="append")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cartnorm-bench-"))
    try:
        source = work / "input.jsonl"
        make_input(source, args.records)
        size = source.stat().st_size / 1e6
        today = datetime.now(timezone.utc).date()
        print(f"input: {args.records:,} records, {size:.1f} MB, {os.cpu_count()} CPUs, {today}")
        only = args.only or ["cli", "spark", "dask"]
        if "cli" in only:
            run_cli(source, work, args.records, 1)
            run_cli(source, work, args.records, None)
        if "spark" in only:
            run_spark(source, work, args.records)
        if "dask" in only:
            run_dask(source, work, args.records)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
