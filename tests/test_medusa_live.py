"""
Every response body a real Medusa server returned (fixtures/medusa-live: 40 from 1.20.10, 207 from
2.21.2), read as a user would: plain ``json.loads`` (and cartnorm's exact parser) through
`cartnorm.convert` with auto-detection, and the ``cartnorm normalize`` command.

Each body either converts, detected as the right Medusa version, and obeys the rules of
docs/vendors/medusa.md (money identities, one shipment per parcel, statuses, exact round trips,
Trackstar's schema), or is a body that holds no order (a payment) and says so. The status of
every order's successive snapshots, in the order the capture's README lists them, follows
`cartnorm.lifecycle.can_transition`.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import cartnorm
from cartnorm import OrderStatus, PayloadError
from cartnorm._json import parse_json
from cartnorm.adapters import medusa
from cartnorm.lifecycle import can_transition
from cartnorm.money import exponent_of
from conftest import FIXTURES

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)
LIVE = FIXTURES / "medusa-live"
CAPTURES = sorted(LIVE.glob("v*/*.json"))
#: The capture READMEs list every file of an order in the order the calls were made.
_LISTED = re.compile(r"^\| `([a-z0-9_]+\.[a-z0-9_]+\.[a-z_]+\.json)` \|", re.MULTILINE)


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def _chronology(folder: Path) -> list[str]:
    return _LISTED.findall((folder / "README.md").read_text(encoding="utf-8"))


def _order_of(payload: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for key in ("order", "order_preview", "data"):
        if isinstance(payload.get(key), Mapping):
            return payload[key]  # type: ignore[no-any-return]
    return None


def _exact(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _v2_amount(entry: Mapping[str, Any], key: str) -> Decimal:
    raw = entry.get("raw_" + key)
    return Decimal(raw["value"]) if isinstance(raw, Mapping) else _exact(entry[key])


@pytest.fixture(scope="module")
def converted() -> dict[Path, tuple[Any, cartnorm.Normalized | PayloadError]]:
    """Every capture, parsed with json.loads and converted with auto-detection (or the error it raised)."""
    results: dict[Path, tuple[Any, cartnorm.Normalized | PayloadError]] = {}
    for path in CAPTURES:
        payload = json.loads(path.read_text(encoding="utf-8"))
        try:
            results[path] = (payload, cartnorm.convert(payload, observed_at=OBSERVED))
        except PayloadError as error:
            results[path] = (payload, error)
    return results


def test_every_capture_is_here():
    """All 40 v1 and 207 v2 bodies, and nothing the capture READMEs do not list."""
    assert len(list(LIVE.glob("v1/*.json"))) == 40
    assert len(list(LIVE.glob("v2/*.json"))) == 207
    for folder in ("v1", "v2"):
        assert {path.name for path in (LIVE / folder).glob("*.json")} <= set(_chronology(LIVE / folder))


@pytest.mark.parametrize("path", CAPTURES, ids=_id)
def test_capture_converts_or_says_it_holds_no_order(path, converted):
    payload, result = converted[path]
    if set(payload) == {"payment"}:
        assert isinstance(result, PayloadError)
        assert result.path == "$.payment"
        assert "not a payment" in str(result) and "GET /admin/orders/{id}" in str(result)
        return
    assert isinstance(result, cartnorm.Normalized), f"{path.name}: {result}"
    order = result.order
    version = order.additional_fields["medusa"].get("version", 1)
    assert version == int(path.parent.name[1:])
    assert cartnorm.detect_adapter(payload).name == "medusa"
    assert cartnorm.validate_trackstar(cartnorm.to_trackstar(order)) == []
    source = _order_of(payload) or payload
    if "currency_code" not in source:
        assert "currency_from_elsewhere" in [warning.code for warning in result.warnings]
    assert order.invoice_currency_code == _currency(path)


def _currency(path: Path) -> str:
    return path.name.split("_", 1)[0].upper()


@pytest.mark.parametrize("path", CAPTURES, ids=_id)
def test_round_trips_are_exact_with_either_parser(path, converted):
    payload, result = converted[path]
    if isinstance(result, PayloadError):
        return
    assert medusa.from_canonical(result.order) == payload  # floats from json.loads come back as the same floats
    assert medusa.from_canonical(cartnorm.loads(cartnorm.dumps(result.order))) == payload
    exact = parse_json(path.read_bytes())
    order = cartnorm.normalize(exact, observed_at=OBSERVED)
    assert medusa.from_canonical(order) == exact
    loaded = cartnorm.to_trackstar(result.order)
    loaded["additional_fields"]["medusa"].pop("floats", None)  # json.loads gave floats: said so, nothing else differs
    assert cartnorm.to_trackstar(order) == loaded


@pytest.mark.parametrize("path", CAPTURES, ids=_id)
def test_money_adds_up(path, converted):
    """
    The order identity holds exactly (v2: to the ~16 digits Medusa's order-level floats keep), and
    each line's per-unit amounts make its total for the ordered quantity to within one minor unit
    per unit (v2 per-unit amounts are exact where the division is).
    """
    payload, result = converted[path]
    if isinstance(result, PayloadError):
        return
    order = result.order
    minor = Decimal(1).scaleb(-exponent_of(order.invoice_currency_code))
    lines = order.line_items
    assert all(None not in (line.unit_price, line.discount, line.tax) for line in lines)
    placed = sum((line.unit_price * line.quantity for line in lines), Decimal(0))  # type: ignore[operator]
    identity = placed - order.total_discount + order.total_tax + order.total_shipping  # type: ignore[operator]
    assert abs(identity - order.total_price) <= Decimal("1e-12"), (identity, order.total_price)
    source = _order_of(payload)
    assert source is not None
    v2 = "version" in order.additional_fields["medusa"]
    kept = order.additional_fields["medusa"].get("quantities", {})
    for index, (line, item) in enumerate(zip(lines, source["items"], strict=True)):
        units = kept.get(f"$.items[{index}]", line.quantity)
        line_total = (
            _v2_amount(item, "total")
            if v2
            else Decimal(item["total"]).scaleb(-exponent_of(order.invoice_currency_code))
        )
        per_unit = line.unit_price - line.discount + line.tax  # type: ignore[operator]
        assert abs(per_unit * units - line_total) <= minor * units  # what Medusa reports, for the units it covers
        if v2 and units:
            assert abs(line.tax * units - _v2_amount(item, "tax_total")) <= Decimal("1e-18")  # type: ignore[operator]
    for amount in (order.total_price, order.total_tax, order.total_discount, order.total_shipping):
        assert amount is not None and amount >= 0


def test_refunds_keep_the_price_and_are_readable(converted):
    """A v2 refund is a credit line that lowers total: total_price stays the order as placed, the refund is readable."""
    payload, result = converted[LIVE / "v2" / "usd_refunded.refunded.store_get.json"]
    assert isinstance(result, cartnorm.Normalized)
    order = result.order
    assert payload["order"]["total"] == 0
    assert order.total_price == Decimal("58.770725")
    after = order.additional_fields["medusa"]["post_purchase"]
    assert after["current_total"] == 0 and after["credit_line_total"] == Decimal("58.770725")
    assert [line["amount"] for line in after["credit_lines"]] == [Decimal("58.770725")]
    assert after["refunded_total"] == Decimal("58.770725")


def test_a_received_return_keeps_per_unit_amounts_of_the_ordered_quantity(converted):
    """After a received return the line's amounts cover the kept units only; per-unit tax is still per unit."""
    payload, result = converted[LIVE / "v2" / "kwd_refund_return.returned.admin_get_expanded.json"]
    assert isinstance(result, cartnorm.Normalized)
    order = result.order
    mug = order.line_items[0]
    assert (mug.quantity, mug.unit_price, mug.tax) == (3, Decimal("3.125"), Decimal("0.15625"))
    assert payload["order"]["items"][0]["tax_total"] == 0.3125  # two kept units
    assert order.total_price == Decimal("20.86875") and order.total_tax == Decimal("0.99375")  # as placed
    after = order.additional_fields["medusa"]["post_purchase"]
    assert after["returned_quantities"][mug.line_item_id]["return_received"] == 1
    assert after["current_total"] == Decimal("15.4625")
    assert order.additional_fields["medusa"]["quantities"] == {"$.items[0]": 2}


@pytest.mark.parametrize("path", CAPTURES, ids=_id)
def test_every_parcel_is_a_shipment_and_no_unit_ships_twice(path, converted):
    payload, result = converted[path]
    if isinstance(result, PayloadError):
        return
    order, source = result.order, _order_of(payload)
    assert source is not None
    fulfillments = source.get("fulfillments") or []
    v2 = "version" in order.additional_fields["medusa"]
    parcels_key, lines_key, item_key = (
        ("labels", "items", "line_item_id") if v2 else ("tracking_links", "items", "item_id")
    )
    expected_numbers = [parcel["tracking_number"] for entry in fulfillments for parcel in entry.get(parcels_key) or []]
    assert [shipment.tracking_number for shipment in order.shipments if shipment.tracking_number] == expected_numbers
    assert len(order.shipments) == sum(max(1, len(entry.get(parcels_key) or [])) for entry in fulfillments)
    shipped: dict[str, int] = defaultdict(int)
    for shipment in order.shipments:
        for line in shipment.line_items:
            shipped[line.shipment_line_item_id] += line.quantity
    listed: dict[str, int] = defaultdict(int)
    for entry in fulfillments:
        for line in entry.get(lines_key) or []:
            listed[line[item_key]] += line["quantity"]
    assert shipped == listed
    trimmed = [entry for entry in fulfillments if lines_key not in entry and parcels_key not in entry]
    warned = [warning for warning in result.warnings if warning.code == "trimmed_fulfillment"]
    assert len(warned) == len(trimmed)


def _statuses(converted: Mapping[Path, Any], folder: str) -> dict[str, list[tuple[str, OrderStatus]]]:
    """Per order (the file name's first part), its snapshots' statuses in the order they were taken."""
    orders: dict[str, list[tuple[str, OrderStatus]]] = defaultdict(list)
    for name in _chronology(LIVE / folder):
        _, result = converted[LIVE / folder / name]
        if isinstance(result, cartnorm.Normalized):
            orders[name.split(".")[0]].append((name, result.order.status))
    return orders


@pytest.mark.parametrize("folder", ["v1", "v2"])
def test_each_orders_snapshots_follow_the_lifecycle(folder, converted):
    for scenario, snapshots in _statuses(converted, folder).items():
        for (before, old), (after, new) in itertools.pairwise(snapshots):
            assert can_transition(old, new), f"{scenario}: {before} {old} → {after} {new}"
        for name, status in snapshots:
            if ".placed." in name:
                assert status is OrderStatus.OPEN, name  # a placed order is open, never other


@pytest.mark.parametrize("path", CAPTURES, ids=_id)
def test_status_is_other_only_when_the_body_lacks_an_axis(path, converted):
    """`other` only for bodies without status (order previews) or without any payment information."""
    payload, result = converted[path]
    if isinstance(result, PayloadError) or result.order.status is not OrderStatus.OTHER:
        return
    source = _order_of(payload)
    assert source is not None
    assert "status" not in source or ("payment_status" not in source and "payment_collections" not in source)
    assert "unknown_status" in [warning.code for warning in result.warnings]


def test_the_cli_converts_every_order_body_and_rejects_the_payments(tmp_path, converted):
    """`cartnorm normalize`, auto-detecting: one order per order body, the same as the library's; payments rejected."""
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    completed = subprocess.run(
        [sys.executable, "-m", "cartnorm", "normalize", "--jobs", "1", "--observed-at", "2026-01-01T00:00:00Z",
         "-o", str(out), "--rejects", str(rejects), *map(str, CAPTURES)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert completed.returncode == 1, completed.stderr  # rejects were written
    orders = [parse_json(line) for line in out.read_text(encoding="utf-8").splitlines()]
    rejected = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    payments = [path for path in CAPTURES if set(converted[path][0]) == {"payment"}]
    assert len(rejected) == len(payments) and len(orders) == len(CAPTURES) - len(payments)
    assert {Path(entry["file"]) for entry in rejected} == set(payments)
    assert all(entry["path"] == "$.payment" and "not a payment" in entry["message"] for entry in rejected)
    exact = [cartnorm.normalize(parse_json(path.read_bytes()), observed_at=OBSERVED) for path in CAPTURES
             if path not in payments]  # fmt: skip
    assert orders == [cartnorm.to_trackstar(order) for order in exact]


@pytest.mark.parametrize("path", sorted(LIVE.glob("v2/*.json")), ids=_id)
def test_without_created_at_every_v2_body_gives_it_back_from_its_lines(path, converted):
    """v2 creates an order's lines with it: the filled created_at is the real one, for every captured body."""
    payload, result = converted[path]
    source = _order_of(payload)
    if isinstance(result, PayloadError) or source is None or "created_at" not in source:
        return
    trimmed = json.loads(path.read_text(encoding="utf-8"))
    del _order_of(trimmed)["created_at"]  # type: ignore[union-attr]
    filled = cartnorm.convert(trimmed, observed_at=OBSERVED)
    assert filled.order.created_date == result.order.created_date
    assert "created_at_filled" in [warning.code for warning in filled.warnings]
    assert medusa.from_canonical(filled.order) == trimmed
