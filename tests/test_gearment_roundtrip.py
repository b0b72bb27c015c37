"""Properties of the Gearment adapter: exact round trips, every spelling read alike, valid output."""

from __future__ import annotations

import contextlib
import copy
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import attrs
from hypothesis import assume, given
from hypothesis import strategies as st

from cartnorm import CartnormError, to_trackstar, validate_trackstar
from cartnorm import _json as cartnorm_json
from cartnorm.adapters import gearment
from cartnorm.adapters.gearment._amounts import money_amount, money_json
from cartnorm.money import to_units_nanos
from strategies.canonical import cart_orders, json_values
from strategies.gearment import OWN, order_trees, render, styles

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)


@given(order_trees())
def test_own_encoding_round_trips_exactly_and_validates(tree):
    """from_canonical(to_canonical(p)) == p in Gearment's own encoding; p is left untouched."""
    payload = render(tree, OWN)
    before = copy.deepcopy(payload)
    order = gearment.to_canonical(payload, observed_at=OBSERVED)
    assert payload == before
    assert gearment.from_canonical(order) == payload
    assert validate_trackstar(to_trackstar(order)) == []


@given(order_trees(), styles)
def test_every_protobuf_json_spelling_reads_the_same(tree, style):
    """camelCase keys, enum numbers, int64 numbers, int32 strings and offsets change nothing canonical."""
    own = gearment.to_canonical(render(tree, OWN), observed_at=OBSERVED)
    other = gearment.to_canonical(render(tree, style), observed_at=OBSERVED)
    if style.keeps_texts:
        assert other == own
        assert gearment.from_canonical(other) == render(tree, OWN)
    else:  # the original timestamp texts (offsets) are kept in additional_fields
        assert attrs.evolve(other, additional_fields={}) == attrs.evolve(own, additional_fields={})
        assert validate_trackstar(to_trackstar(other)) == []


@given(order_trees())
def test_canonical_orders_gearment_can_express_round_trip(tree):
    """to_canonical(from_canonical(o)) == o for every order the adapter can produce."""
    order = gearment.to_canonical(render(tree, OWN), observed_at=OBSERVED)
    assert gearment.to_canonical(gearment.from_canonical(order), observed_at=OBSERVED) == order


@given(order_trees(), st.data())
def test_spellings_round_trip_to_the_own_encoding(tree, data):
    """Whatever the spelling, from_canonical gives the own encoding back once timestamps are kept as sent."""
    style = data.draw(styles.filter(lambda s: s.keeps_texts))
    order = gearment.to_canonical(render(tree, style), observed_at=OBSERVED)
    assert gearment.from_canonical(order) == render(tree, OWN)


_units = st.integers(min_value=-(2**63), max_value=2**63 - 1)
_nanos = st.integers(min_value=-999_999_999, max_value=999_999_999)


@given(_units, _nanos)
def test_units_and_nanos_are_exact(units, nanos):
    """Every valid (units, nanos) pair reads to an exact Decimal and writes back to the same pair."""
    assume(not (units > 0 > nanos or units < 0 < nanos))
    amount = money_amount({"units": str(units), "nanos": nanos}, "$")
    assert amount == Decimal(units) + Decimal(nanos).scaleb(-9)
    assert to_units_nanos(amount) == (units, nanos)
    written = money_json(amount, "USD")
    assert money_amount(written, "$") == amount
    assert ("units" in written) == (units != 0) and ("nanos" in written) == (nanos != 0)


@given(cart_orders(currencies=st.sampled_from(["USD", "EUR", "JPY"])))
def test_orders_from_elsewhere_become_gearment_orders(order):
    """A canonical order from another source gives a Gearment order that reads back to the same ids and totals."""
    assume(order.id and all(line.quantity >= 1 for line in order.line_items))
    amounts = [order.total_price, order.total_tax, order.total_discount, order.total_shipping]
    amounts += [value for line in order.line_items for value in (line.unit_price, line.tax, line.discount)]
    assume(all(value is None or value >= 0 for value in amounts))  # Gearment's prices and totals are never negative
    payload = gearment.from_canonical(order)
    back = gearment.to_canonical(payload, observed_at=OBSERVED)
    assert back.id == order.id
    assert (back.total_price, back.total_tax, back.total_discount, back.total_shipping) == (
        order.total_price, order.total_tax, order.total_discount, order.total_shipping,
    )  # fmt: skip
    assert [(line.quantity, line.unit_price) for line in back.line_items] == [
        (line.quantity, line.unit_price) for line in order.line_items
    ]
    assert len(back.shipments) == len(order.shipments)
    assert validate_trackstar(to_trackstar(back)) == []


def test_number_like_texts_beyond_int32_are_not_written_as_enum_numbers():
    """A shipping method or status text like "2200000000" is no enum number (int32): it is not written as one."""
    fixture = Path(__file__).parent.parent / "fixtures" / "gearment" / "shipped_envelope_full_order.payload.json"
    order = gearment.to_canonical(cartnorm_json.parse_json(fixture.read_bytes()), observed_at=OBSERVED)
    for text in ("2200000000", "-2147483649", "99999999999999999999"):
        foreign = attrs.evolve(order, requested_shipping_method=text, raw_status=text, additional_fields={})
        payload = gearment.from_canonical(foreign)
        assert "shipping_option" not in payload
        assert payload.get("order_status") != int(text)
        gearment.to_canonical(payload, observed_at=OBSERVED)  # reads back
    small = attrs.evolve(order, requested_shipping_method="42", additional_fields={})
    assert gearment.from_canonical(small)["shipping_option"] == {"method": 42}


@given(order_trees(), json_values)
def test_from_canonical_survives_edited_additional_fields(tree, junk):
    """A hand-edited or foreign additional_fields["gearment"] never crashes from_canonical."""
    order = gearment.to_canonical(render(tree, OWN), observed_at=OBSERVED)
    section = dict(order.additional_fields["gearment"])
    for key in ("order", "line_items", "addresses", "order_trackings", "per_unit_remainders", "envelope"):
        edited = attrs.evolve(order, additional_fields={"gearment": {**section, key: junk}})
        with contextlib.suppress(CartnormError):
            assert isinstance(gearment.from_canonical(edited), dict)
