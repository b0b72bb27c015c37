"""
Machine instructions per order (callgrind), for A/B comparisons that machine load cannot blur.

    python benchmarks/instructions.py                # typical Medusa v1, v2 and Gearment orders, and the baselines
    python benchmarks/instructions.py gearment --orders 200   # one vendor, 200 orders

Needs valgrind. Only the measured loop is counted: the orders run inside ``itertools.starmap``
and callgrind collects only within its C function ``starmap_next`` (``--toggle-collect``), so
start-up (imports, module compilation), which varies by a million instructions or more from
run to run, stays out. Counts then repeat to about 0.1%; subtracting a run of 0 orders from a
run of N instead leaves that start-up noise divided by N in every figure.

Time and instructions are not the same thing: on this project's machine a ratio of time to
``json.loads`` + ``json.dumps`` has been about 1.4 times the ratio of instructions, since
interpreted Python does less per instruction than json's C code. Report time ratios from
``bench.py``; use this to tell whether a change helps.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _loop(vendor: str, mode: str, count: int) -> None:
    """The measured loop, run in the child process under callgrind."""
    sys.path.insert(0, str(HERE))
    import bench  # noqa: PLC0415 - the child process imports what it measures

    import cartnorm  # noqa: PLC0415
    from cartnorm._json import encode_json, parse_json  # noqa: PLC0415
    from cartnorm.conformance import FIXTURE_OBSERVED_AT  # noqa: PLC0415

    build = bench.VENDORS[vendor]
    source = bench.SOURCES.get(vendor, vendor)
    payload = parse_json(encode_json(build(*bench.SIZES["typical"])))
    text = encode_json(payload)

    def json_baseline() -> object:
        return json.dumps(json.loads(text))

    def orjson_baseline() -> object:
        import orjson  # noqa: PLC0415 - only this mode needs it

        return orjson.dumps(orjson.loads(text))

    def normalize_dumps() -> object:
        return cartnorm.dumps(cartnorm.normalize(payload, source, observed_at=FIXTURE_OBSERVED_AT))

    def user_call() -> object:  # the call a user makes: the standard library's parse, then cartnorm
        return cartnorm.dumps(cartnorm.normalize(json.loads(text), source, observed_at=FIXTURE_OBSERVED_AT))

    modes = {"json": json_baseline, "orjson": orjson_baseline, "cartnorm": normalize_dumps, "user": user_call}
    run = modes[mode]
    for _ in range(3):  # warm caches: first calls import and build what later ones reuse
        run()
    collections.deque(itertools.starmap(run, itertools.repeat((), count)), maxlen=0)


def count(vendor: str, mode: str, orders: int) -> int:
    """Instructions per order of ``mode`` (``cartnorm``, ``user``, ``json`` or ``orjson``) on the typical order."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", "--toggle-collect=starmap_next"]
    command += [sys.executable, __file__, "--child", vendor, mode, str(orders)]
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=environment)
    collected = re.search(r"Collected : (\d+)", done.stderr)
    if collected is None:
        msg = f"no callgrind total in:\n{done.stderr[-2000:]}"
        raise RuntimeError(msg)
    return int(collected.group(1)) // orders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vendors", nargs="*", default=["medusa", "medusa-v2", "gearment"])
    parser.add_argument("--orders", type=int, default=50)
    parser.add_argument("--child", nargs=3, metavar=("VENDOR", "MODE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        vendor, mode, orders = args.child
        _loop(vendor, mode, int(orders))
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: instruction counts need callgrind")
    for vendor in args.vendors:
        ours, baseline = count(vendor, "cartnorm", args.orders), count(vendor, "json", args.orders)
        user, floor = count(vendor, "user", args.orders), count(vendor, "orjson", args.orders)
        print(f"{vendor}: normalize(dict) + dumps {ours:,} instructions per typical order, "
              f"dumps(normalize(json.loads(text))) {user:,}; json.loads + json.dumps {baseline:,}, "
              f"orjson.loads + orjson.dumps {floor:,}; ratios {ours / baseline:.2f}, user {user / baseline:.2f} "
              f"(to orjson {user / floor:.1f})")  # fmt: skip


if __name__ == "__main__":
    main()
