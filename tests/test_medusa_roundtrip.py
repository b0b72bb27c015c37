"""Round trips: Medusa payload → canonical → the same payload, and canonical → Medusa → the same order."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from pathlib import Path

import attrs
import pytest
from hypothesis import given

from cartnorm import dumps, loads, to_trackstar, validate_trackstar
from cartnorm._json import parse_json
from cartnorm.adapters import medusa
from strategies.medusa import expressible_cart_orders, medusa_payloads

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "medusa"
PAYLOADS = sorted(path for path in FIXTURES.glob("*.payload.json") if not path.name.startswith("error_"))


@given(medusa_payloads)
def test_payload_round_trip_is_exact(payload):
    """from_canonical(to_canonical(p)) == p, for v1 and v2, every envelope."""
    snapshot = copy.deepcopy(payload)
    order = medusa.to_canonical(payload, observed_at=OBSERVED)
    assert payload == snapshot, "the caller's payload was modified"
    assert medusa.from_canonical(order) == payload


@given(medusa_payloads)
def test_every_output_passes_trackstar_schema(payload):
    """Each converted order is a valid Trackstar cart order."""
    document = to_trackstar(medusa.to_canonical(payload, observed_at=OBSERVED))
    assert validate_trackstar(document) == []


@given(medusa_payloads)
def test_round_trip_survives_trackstar_json_storage(payload):
    """Store the order as Trackstar JSON text, read it back, and the payload is still exact."""
    order = medusa.to_canonical(payload, observed_at=OBSERVED)
    stored = loads(dumps(order))
    assert stored == order
    assert medusa.from_canonical(stored) == payload


@given(expressible_cart_orders())
def test_canonical_round_trip_is_exact(order):
    """to_canonical(from_canonical(o)) == o for the orders Medusa can express."""
    payload = medusa.from_canonical(order)
    again = medusa.to_canonical(payload, observed_at=order.trackstar_created_date)
    assert again == order
    assert validate_trackstar(to_trackstar(again)) == []


@pytest.mark.parametrize("path", PAYLOADS, ids=[path.name.split(".")[0] for path in PAYLOADS])
def test_fixture_payloads_round_trip_exactly_both_parsers(path):
    """Real payloads come back exactly, whether parsed exactly (Decimal) or with json.loads (float)."""
    options_path = path.with_name(path.name.replace(".payload.", ".options."))
    options = json.loads(options_path.read_text()) if options_path.exists() else {}
    for payload in (parse_json(path.read_bytes()), json.loads(path.read_text())):
        order = medusa.to_canonical(payload, observed_at=OBSERVED, **options)
        assert medusa.from_canonical(order) == payload


def test_from_canonical_returns_a_fresh_copy():
    """Mutating the returned payload never reaches the (frozen) order's additional_fields."""
    payload = parse_json((FIXTURES / "usd_shipped_captured.payload.json").read_bytes())
    order = medusa.to_canonical(payload, observed_at=OBSERVED)
    first = medusa.from_canonical(order)
    first["order"]["items"][0]["title"] = "changed"
    assert medusa.from_canonical(order) == payload


def test_from_canonical_is_lenient_with_foreign_or_damaged_additional_fields():
    order = medusa.to_canonical(parse_json((FIXTURES / "usd_shipped_captured.payload.json").read_bytes()),
                                observed_at=OBSERVED)  # fmt: skip
    damaged = attrs.evolve(order, additional_fields={"medusa": {"absent": ["not a path", 3], "remainders": {"x": "?"},
                                                                 "version": "two", "order": []},
                                                      "gearment": {"a": 1}})  # fmt: skip
    payload = medusa.from_canonical(damaged)
    assert payload["id"] == order.id and payload["currency_code"] == "usd"
    with pytest.raises(TypeError):
        medusa.from_canonical({"id": "order_1"})


EXPECTED = sorted(FIXTURES.glob("*.expected.json"))


@pytest.mark.parametrize("path", EXPECTED, ids=[path.name.split(".")[0] for path in EXPECTED])
def test_every_expected_fixture_is_a_valid_trackstar_order(path):
    assert validate_trackstar(parse_json(path.read_bytes())) == []
