"""
Build fixtures/samples/ (the README's main-job input) from the conformance fixtures.

    python scripts/make_samples.py

orders.jsonl holds one vendor payload per line, Medusa (v1, v2) and Gearment mixed, plus two
bad records, so `cartnorm normalize` shows detection, conversion and rejects in one run.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cartnorm._json import encode_json, parse_json

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SAMPLES = FIXTURES / "samples"
CASES = (
    "medusa/usd_shipped_captured",
    "gearment/shipped_envelope_full_order",
    "medusa/jpy_zero_decimal",
    "medusa/kwd_three_decimal_discount",
    "gearment/multi_parcel_tracking",
    "medusa/eur_tax_inclusive_partially_refunded",
    "gearment/refund_negative_nanos",
    "medusa/usd_partially_shipped",
    "gearment/camel_case_payload",
    "medusa/v2_order_placed",
    "medusa/error_float_amount",
    "gearment/status_in_production",
    "gearment/error_nanos_out_of_range",
    "medusa/usd_cancelled",
)


def main() -> int:
    SAMPLES.mkdir(exist_ok=True)
    lines = [encode_json(parse_json((FIXTURES / f"{case}.payload.json").read_bytes())) for case in CASES]
    (SAMPLES / "orders.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    single = (FIXTURES / "medusa/usd_shipped_captured.payload.json").read_text(encoding="utf-8")
    (SAMPLES / "medusa_order.json").write_text(single, encoding="utf-8")
    readme = ["# Sample input", "", "Made by `scripts/make_samples.py` from these conformance fixtures:", ""]
    readme += [f"{number}. `{case}`" for number, case in enumerate(CASES, start=1)]
    readme += ["", "Two records are bad on purpose (`error_*`): they end up in the rejects file.", ""]
    (SAMPLES / "README.md").write_text("\n".join(readme), encoding="utf-8")
    sys.stdout.write(f"wrote {len(lines)} records to {SAMPLES.relative_to(ROOT)}/orders.jsonl\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
