"""
Throughput of normalize + dumps, as a ratio to json.loads + json.dumps of the same payloads.

    python benchmarks/bench.py                 # all sizes, ~1.5 s per round, 3 rounds
    python benchmarks/bench.py --stream 100000 # also: peak memory of the CLI over 100k orders

Payloads are built from the conformance fixtures (real Medusa shapes, the Gearment seed shape):
small = 1 line; typical = 5 lines and 2 fulfilments/parcels; large = 100 lines. Medusa v1 is a
1.20.10 store order; Medusa v2 a 2.21.2 admin order (``GET /admin/orders/{id}`` with its items,
fulfilments and labels expanded), as real servers send them.

Both sides of every ratio are measured in the same run. A round measures every call in many
short slices (`SLICE` seconds, or `SLICE_CALLS` calls of a slow one), taking turns, and keeps
each call's fastest slice; the ratio of a round is the ratio of those, and the median of the
rounds is reported. On a shared machine a neighbour's load lands on whichever call happens to
run: a long measurement per call (the first versions of this script: one slice of a sixth of
``seconds`` each) let it land on one side of a ratio and moved typical ratios by up to a third
from run to run (Medusa v1's user call read 1.70×, 2.08× and 2.45× in three runs of the same
code); the fastest of many short slices is the call's cost with the least load on it, and moved
by about a tenth (2.18× to 2.44× in six runs).
"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cartnorm
from cartnorm._json import encode_json, parse_json

try:
    import orjson
except ImportError:  # pragma: no cover - the ratio to orjson is then the ratio to json
    orjson = None  # type: ignore[assignment]
from cartnorm.conformance import FIXTURE_OBSERVED_AT
from cartnorm.etl import Accepted, process_record
from cartnorm.reading import parse_text
from cartnorm.registry import get_adapter

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SIZES = {"small": (1, 1), "typical": (5, 2), "large": (100, 2)}  # (lines, fulfilments or parcels)


def _fixture(name: str) -> Any:
    return parse_json((FIXTURES / f"{name}.payload.json").read_bytes())


def medusa_order(lines: int, fulfilments: int) -> dict[str, Any]:
    """A Medusa v1 store order (real 1.20.10 shape) with ``lines`` items over ``fulfilments``."""
    envelope = _fixture("medusa/usd_shipped_captured")
    order = envelope["order"]
    template_item = order["items"][0]
    template_fulfilment = order["fulfillments"][0]
    items = []
    for index in range(lines):
        item = copy.deepcopy(template_item)
        item["id"] = f"item_bench_{index:04d}"
        items.append(item)
    order["items"] = items
    groups = [items[start::fulfilments] for start in range(fulfilments)]
    order["fulfillments"] = []
    for number, group in enumerate(groups):
        fulfilment = copy.deepcopy(template_fulfilment)
        fulfilment["id"] = f"ful_bench_{number}"
        fulfilment["items"] = [
            {"fulfillment_id": fulfilment["id"], "item_id": item["id"], "quantity": item["quantity"]} for item in group
        ]
        for link in fulfilment.get("tracking_links", []):
            link["fulfillment_id"] = fulfilment["id"]
        order["fulfillments"].append(fulfilment)
    return envelope  # type: ignore[no-any-return]


def medusa_v2_order(lines: int, fulfilments: int) -> dict[str, Any]:
    """A Medusa v2 admin order (real 2.21.2 shape, shipped) with ``lines`` items over ``fulfilments``, a label each."""
    capture = FIXTURES / "medusa-live" / "v2" / "usd_split_delivery.shipped_all.admin_get_expanded.json"
    envelope = parse_json(capture.read_bytes())
    order = envelope["order"]
    template_item = order["items"][0]
    template_fulfilment = order["fulfillments"][0]
    items = []
    for index in range(lines):
        item = copy.deepcopy(template_item)
        item["id"] = item["detail"]["item_id"] = f"ordli_bench_{index:04d}"
        for tax_line in item.get("tax_lines", []):
            tax_line["item_id"] = item["id"]
        items.append(item)
    order["items"] = items
    groups = [items[start::fulfilments] for start in range(fulfilments)]
    order["fulfillments"] = []
    for number, group in enumerate(groups):
        fulfilment = copy.deepcopy(template_fulfilment)
        fulfilment["id"] = f"ful_bench_{number}"
        entry = fulfilment["items"][0]
        fulfilment["items"] = []
        for item in group:
            fulfilled = copy.deepcopy(entry)
            fulfilled.update(id=f"fulit_{item['id']}", line_item_id=item["id"], fulfillment_id=fulfilment["id"],
                             quantity=item["quantity"])  # fmt: skip
            fulfilment["items"].append(fulfilled)
        for label in fulfilment.get("labels", []):
            label["fulfillment_id"] = fulfilment["id"]
            label["tracking_number"] = f"{label['tracking_number']}{number}"
        order["fulfillments"].append(fulfilment)
    return envelope  # type: ignore[no-any-return]


def gearment_order(lines: int, parcels: int) -> dict[str, Any]:
    """A Gearment v3 order (the seed's shape) with ``lines`` line items and ``parcels`` trackings."""
    envelope = _fixture("gearment/shipped_envelope_full_order")
    data = envelope["data"]
    template_line = data["line_items"][0]
    data["line_items"] = []
    for index in range(lines):
        line = copy.deepcopy(template_line)
        line["id"] = str(880000 + index)
        data["line_items"].append(line)
    template_tracking = data["order_trackings"][0]
    data["order_trackings"] = []
    for number in range(parcels):
        tracking = copy.deepcopy(template_tracking)
        tracking["tracking_no"] = f"{template_tracking['tracking_no']}{number}"
        tracking["tracking_type"] = "TRACKING_TYPE_PRIMARY" if number == 0 else "TRACKING_TYPE_SECONDARY"
        data["order_trackings"].append(tracking)
    return envelope  # type: ignore[no-any-return]


#: The payload builders, by the name the tables print (and instructions.py takes).
VENDORS: dict[str, Callable[[int, int], dict[str, Any]]] = {
    "medusa": medusa_order,
    "medusa-v2": medusa_v2_order,
    "gearment": gearment_order,
}
#: The adapter of each name that is not an adapter's own.
SOURCES = {"medusa-v2": "medusa"}
#: The length of one measurement slice, in seconds (see the module's docstring) ...
SLICE = 0.02
#: ... or of this many calls, when that is longer (the large orders).
SLICE_CALLS = 5


def _rate(function: Callable[[], object], seconds: float) -> float:
    """Calls per second of ``function`` over about ``seconds``."""
    count, started = 0, time.perf_counter()
    deadline = started + seconds
    while True:
        function()
        count += 1
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - started)


def _fastest(
    functions: dict[str, Callable[[], object]], per_call: dict[str, float], seconds: float
) -> dict[str, float]:
    """
    Each function's calls per second in its fastest slice, over about ``seconds`` in all (at
    least one slice each): the functions take turns, each turn starting one further along. A
    slice lasts `SLICE` seconds, or `SLICE_CALLS` calls of the function (``per_call`` seconds
    each) when that is longer, so that a slow call's fastest slice is not one lucky call.
    """
    names = list(functions)
    slices = {name: max(SLICE, SLICE_CALLS * per_call[name]) for name in names}
    best = dict.fromkeys(names, 0.0)
    turns = max(1, round(seconds / sum(slices.values())))
    for turn in range(turns):
        start = turn % len(names)
        for name in names[start:] + names[:start]:
            best[name] = max(best[name], _rate(functions[name], slices[name]))
    return best


def measure(payload: dict[str, Any], source: str, seconds: float, rounds: int) -> dict[str, float]:
    """
    Orders/s for the baselines and for cartnorm (each call's rate in its fastest slice, not its
    average), and their ratios (medians of ``rounds``: see the module's docstring).
    """
    text = encode_json(payload)
    observed_at = FIXTURE_OBSERVED_AT
    parsed = parse_json(text)

    def baseline() -> object:
        return json.dumps(json.loads(text))

    def orjson_baseline() -> object:
        return orjson.dumps(orjson.loads(text)) if orjson is not None else json.dumps(json.loads(text))

    def user_call() -> object:
        # what a user writes: the standard library's parse, then cartnorm
        return cartnorm.dumps(cartnorm.normalize(json.loads(text), source, observed_at=observed_at))

    def normalize_dumps() -> object:
        return cartnorm.dumps(cartnorm.normalize(parsed, source, observed_at=observed_at))

    def trusted() -> object:
        return cartnorm.dumps(cartnorm.normalize(parsed, source, observed_at=observed_at, limits=None))

    adapter = get_adapter(source)

    def end_to_end() -> object:
        # what `cartnorm normalize` does per record: exact parse, bounded once, convert (the record
        # given away: an adapter that declares `owned` reads it in place), write
        result = process_record(0, parse_text(text), adapter, observed_at, {}, None, owned=True)
        assert isinstance(result, Accepted)
        return cartnorm.dumps(result.order)

    functions = {
        "base": baseline,
        "orjson": orjson_baseline,
        "user": user_call,
        "subject": normalize_dumps,
        "trusted": trusted,
        "full": end_to_end,
    }
    per_call = {name: 1 / _rate(warm_up, 0.05) for name, warm_up in functions.items()}
    runs: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(rounds):
        for name, rate in _fastest(functions, per_call, seconds).items():
            runs[name].append(rate)

    def ratio(name: str, base: str = "base") -> float:
        return statistics.median(b / s for b, s in zip(runs[base], runs[name], strict=True))

    return {
        "bytes": len(text),
        "baseline_per_s": statistics.median(runs["base"]),
        "cartnorm_per_s": statistics.median(runs["user"]),
        "ratio_user": ratio("user"),
        "ratio_user_orjson": ratio("user", "orjson"),
        "ratio": ratio("subject"),
        "ratio_trusted": ratio("trusted"),
        "ratio_from_text": ratio("full"),
    }


def stream_peak_memory(count: int, jobs: int) -> tuple[float, float, int]:
    """Seconds and peak RSS (MiB) of `cartnorm normalize` over ``count`` typical orders."""
    lines = [encode_json(medusa_order(*SIZES["typical"])), encode_json(gearment_order(*SIZES["typical"]))]
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "orders.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for index in range(count):
                out.write(lines[index % 2] + "\n")
        size = source.stat().st_size
        command = [sys.executable, "-m", "cartnorm", "normalize", str(source), "-o", str(Path(scratch) / "out.jsonl")]
        command += ["--jobs", str(jobs), "--observed-at", "2026-01-01T00:00:00Z"]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child process so far
    return elapsed, peak_kib / 1024, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument(
        "--seconds",
        type=float,
        default=1.5,
        help="time per round, shared by the calls measured (at least one slice each)",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stream", type=int, default=0, metavar="N", help="also stream N orders through the CLI")
    parser.add_argument("--jobs", type=int, default=1, help="--jobs for the streaming run")
    args = parser.parse_args()

    print(f"cartnorm {cartnorm.__version__}, Python {sys.version.split()[0]}")
    print("ratio = time of cartnorm / time of json.loads + json.dumps on the same payload (lower is better)")
    print("  user:      dumps(normalize(json.loads(text))), the call a user makes")
    print("  /orjson:   the same, as a ratio to orjson.loads + orjson.dumps (the floor of C parsing and writing)")
    print("  normalize: normalize(dict) + dumps, with the default limits pre-check")
    print("  trusted:   the same with limits=None (input already bounded, e.g. parsed by cartnorm)")
    print("  from text: parse_text(text) (bounded once) + converting the record in place + dumps: what the CLI does")
    header = f"{'vendor':9} {'size':8} {'bytes':>7} {'json/s':>8} {'cartnorm/s':>10}"
    print(f"{header} {'user':>7} {'/orjson':>8} {'normalize':>9} {'trusted':>8} {'from text':>9}")
    for vendor, build in VENDORS.items():
        for size, shape in SIZES.items():
            result = measure(build(*shape), SOURCES.get(vendor, vendor), args.seconds, args.rounds)
            print(
                f"{vendor:9} {size:8} {result['bytes']:7d} {result['baseline_per_s']:8.0f} "
                f"{result['cartnorm_per_s']:10.0f} {result['ratio_user']:6.2f}x {result['ratio_user_orjson']:7.1f}x "
                f"{result['ratio']:8.2f}x {result['ratio_trusted']:7.2f}x "
                f"{result['ratio_from_text']:8.2f}x"
            )
    if args.stream:
        elapsed, peak, written = stream_peak_memory(args.stream, args.jobs)
        print(
            f"stream: {args.stream} typical orders ({written / 2**20:.0f} MiB JSON Lines) through "
            f"`cartnorm normalize --jobs {args.jobs}`: {elapsed:.1f} s, {args.stream / elapsed:.0f} orders/s, "
            f"peak RSS {peak:.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
