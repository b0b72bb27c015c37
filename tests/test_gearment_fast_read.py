"""The Gearment fast paths give exactly what the general code gives: same dict, same Decimal, same error."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cartnorm import CartnormError
from cartnorm.adapters.gearment import _amounts, _reading
from cartnorm.adapters.gearment._amounts import money_amount, text_amount, units_nanos
from cartnorm.adapters.gearment._fast_read import NOTED_MONEYS, read_order
from cartnorm.adapters.gearment._protojson import MoneyContext, normalize_message
from cartnorm.adapters.gearment._schema import MESSAGES
from cartnorm.adapters.gearment._to_canonical import convert
from cartnorm.conformance import FIXTURE_OBSERVED_AT
from cartnorm.errors import PayloadError
from cartnorm.money import from_units_nanos, to_units_nanos
from conftest import rebuilt
from strategies.canonical import json_values
from strategies.gearment import OWN, order_trees, render, styles

_AWKWARD = (
    st.sampled_from(["007", "-0", "1e3", " 1", "", "usd", "XXX", "EUR", "2026-01-01T00:00:00Z", "NaN"])
    | st.integers(min_value=-(2**64), max_value=2**64)
    | st.floats()  # NaN and infinities included: unknown fields copy floats as exact Decimals
    | st.sampled_from([Decimal("NaN"), Decimal("1E+99"), Decimal("-0"), Decimal("1." + "1" * 50), 10**200])
    | json_values
)


def _full(payload: Any) -> tuple[Any, Any]:
    money = MoneyContext()
    try:
        return normalize_message(payload, MESSAGES["VendorOrder"], "$", money), money.currency
    except CartnormError as error:
        return type(error), (error.path, str(error))


def _fast(payload: Any) -> tuple[Any, Any]:
    try:
        return read_order(payload, "$")
    except CartnormError as error:
        return type(error), (error.path, str(error))


def _mutate(payload: Any, data: st.DataObject) -> Any:
    """Replace one value somewhere in ``payload`` (a deep copy) by an awkward one."""
    out = copy.deepcopy(payload)
    node = out
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            return out
        key = data.draw(st.sampled_from(keys))
        if isinstance(node[key], (dict, list)) and data.draw(st.booleans()):
            node = node[key]
            continue
        node[key] = data.draw(_AWKWARD)
        return out


@given(order_trees(), styles)
def test_fast_reader_agrees_on_every_spelling(tree, style):
    payload = render(tree, style)
    before = copy.deepcopy(payload)
    assert _fast(payload) == _full(payload)
    assert payload == before


@given(order_trees(), styles, st.data())
def test_fast_reader_agrees_on_mutated_payloads(tree, style, data):
    payload = _mutate(render(tree, style if data.draw(st.booleans()) else OWN), data)
    assert _fast(payload) == _full(payload)


def test_fast_reader_output_shares_no_container_with_the_input():
    payload = {"order_id": "o1", "zz_extra": {"a": [1, {"b": 2}]}, "line_items": [{"id": "1", "quantity": 1}]}
    order, _ = read_order(payload, "$")
    assert order == payload
    assert order["zz_extra"] is not payload["zz_extra"]
    assert order["zz_extra"]["a"] is not payload["zz_extra"]["a"]
    assert order["line_items"][0] is not payload["line_items"][0]


@given(
    st.integers(min_value=-(2**64), max_value=2**64),
    st.integers(min_value=-(10**9), max_value=10**9) | st.sampled_from([0, 5, -5, 500_000_000, -999_999_999]),
)
@example(2**63 - 1, 999_999_999)  # the most digits a Money has: 29
@example(-(2**63), -999_999_999)
@example(0, 1)
def test_money_amount_is_from_units_nanos_digit_for_digit(units, nanos):
    money = {"currency_code": "USD", "units": str(units), "nanos": nanos}
    try:
        expected = from_units_nanos(units, nanos, path="$.m")
    except CartnormError as error:
        with pytest.raises(type(error)) as raised:
            money_amount(money, "$.m")
        assert (raised.value.path, str(raised.value)) == (error.path, str(error))
    else:
        assert money_amount(money, "$.m").as_tuple() == expected.as_tuple()


_any_decimals = st.decimals(allow_nan=True, allow_infinity=True) | st.builds(
    lambda sign, digits, exponent: Decimal((sign, tuple(int(d) for d in str(digits)), exponent)),
    st.integers(0, 1),
    st.integers(0, 10**30),
    st.integers(-50, 50),
)


@given(_any_decimals)
def test_units_nanos_is_to_units_nanos(amount):
    try:
        expected = to_units_nanos(amount, path="$.m")
    except CartnormError as error:
        with pytest.raises(type(error)) as raised:
            units_nanos(amount, "$.m")
        assert (raised.value.path, str(raised.value)) == (error.path, str(error))
    else:
        assert units_nanos(amount, "$.m") == expected


@pytest.mark.parametrize(
    "payload",
    [
        {"order_id": "o1", "orderId": "o2"},
        {"order_id": "o1", "order_total": {"currency_code": "USD", "units": "1", "unitsX": 1, "currencyCode": "USD"}},
        {"order_id": "o1", "line_items": [{"quantity": 1, "line_item_id": "a", "lineItemId": "b"}]},
    ],
)
def test_fast_reader_gives_a_field_sent_under_both_spellings_to_the_full_reader(payload):
    assert _fast(payload) == _full(payload)
    assert _full(payload)[0] is PayloadError


def _every_money_field(message: str, money: dict[str, Any]) -> dict[str, Any]:
    fields = MESSAGES[message].fields.values()
    return {field.name: dict(money) for field in fields if field.message == "Money" and not field.repeated}


def test_the_mapping_reads_only_the_moneys_the_reader_notes(monkeypatch):
    """NOTED_MONEYS is in step with the mapping: no amount is computed a second way."""
    money = {"currency_code": "USD", "units": "3", "nanos": 500_000_000}
    line = {"quantity": 1, "line_item_id": "a", **_every_money_field("VendorOrderLineItem", money)}
    order = {"order_id": "o1", **_every_money_field("VendorOrder", money), "line_items": [line]}

    def unexpected(*_args: object) -> Decimal:
        raise AssertionError("the mapping computed the amount of a Money the fast reader did not note")

    monkeypatch.setattr(_reading, "money_amount", unexpected)
    monkeypatch.setattr(_amounts, "money_amount", unexpected)
    canonical = convert(order, observed_at=FIXTURE_OBSERVED_AT).order
    assert (canonical.total_price, canonical.total_discount, canonical.line_items[0].unit_price) == (
        Decimal("3.5"), Decimal("3.5"), Decimal("3.5"),
    )  # fmt: skip
    assert set(NOTED_MONEYS) <= set(MESSAGES)


@given(
    st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.sampled_from([0, 1, -1, 100, 2**63 - 1, -(2**63)]),
    st.integers(min_value=0, max_value=999_999_999) | st.sampled_from([0, 1, 5, 500_000_000, 999_999_999]),
    st.booleans(),
)
def test_text_amount_is_from_units_nanos_digit_for_digit(units, magnitude, zero_as_none):
    """The reader's amount from a Money's own text: the same digits and exponent as from_units_nanos."""
    nanos = -magnitude if units < 0 or (units == 0 and zero_as_none) else magnitude
    text = None if units == 0 and zero_as_none else str(units)
    assert text_amount(text, nanos).as_tuple() == from_units_nanos(units, nanos).as_tuple()


@given(order_trees(), styles, st.data())
def test_orders_built_without_the_model_checks_pass_them(tree, style, data):
    """The mapping builds the model unchecked (model.unchecked): what it builds, the constructors accept as it is."""
    payload = render(tree, style if data.draw(st.booleans()) else OWN)
    if data.draw(st.booleans()):
        payload = _mutate(payload, data)
    try:
        order = convert(payload, observed_at=FIXTURE_OBSERVED_AT).order
    except CartnormError:
        return
    assert rebuilt(order) == order
