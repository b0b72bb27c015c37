"""The Medusa adapter's direct money conversions agree with `cartnorm.money`, digit for digit."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cartnorm import money
from cartnorm.adapters.medusa._amounts import (
    Money,
    _direct_exact_split,
    _direct_from_minor,
    _direct_to_minor,
)

exponents = st.sampled_from([0, 2, 3, 4, 9])
decimals = st.builds(
    lambda sign, coefficient, places: Decimal((sign, tuple(int(d) for d in str(coefficient)), places)),
    st.integers(0, 1),
    st.one_of(st.integers(0, 10**6), st.integers(0, 10**25)),
    st.integers(-45, 45),
)
quantities = st.sampled_from([0, 1, 2, 3, 7, 12, 1000])


def outcome(function, *args, **kwargs):
    """The result as a comparable value (a Decimal with its digits and exponent), or the error type."""
    try:
        result = function(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - the error type is what is compared
        return type(error)
    if isinstance(result, Decimal):
        return result.as_tuple()
    if isinstance(result, money.PerUnitSplit):
        return result.per_unit.as_tuple(), result.remainder.as_tuple(), result.quantity
    return type(result), result


@given(st.integers(-(10**45), 10**45), exponents)
def test_direct_from_minor_units_matches_cartnorm_money(value, exponent):
    direct = _direct_from_minor(value, exponent)
    if direct is not None:
        assert outcome(lambda: direct) == outcome(money.from_minor_units, value, "USD", exponents={"USD": exponent})


@given(decimals, exponents)
def test_direct_to_minor_units_matches_cartnorm_money(amount, exponent):
    direct = _direct_to_minor(amount, exponent)
    if direct is not None:
        assert outcome(lambda: direct) == outcome(money.to_minor_units, amount, "USD", exponents={"USD": exponent})


@given(decimals, quantities, exponents)
def test_direct_exact_split_matches_cartnorm_money(amount, quantity, exponent):
    direct = _direct_exact_split(amount, quantity, exponent)
    if direct is not None:
        expected = outcome(money.split_per_unit, amount, quantity, "USD", exponents={"USD": exponent})
        assert outcome(lambda: direct) == expected


def test_odd_values_take_the_general_path():
    assert _direct_from_minor(True, 2) is None
    assert _direct_from_minor(10**18, 2) is None
    assert _direct_to_minor(Decimal("NaN"), 2) is None
    assert _direct_to_minor(Decimal("0.001"), 2) is None  # not whole in cents: cartnorm.money raises
    assert _direct_exact_split(Decimal("10.00"), 3, 2) is None  # a remainder: cartnorm.money rounds
    assert _direct_to_minor(Decimal("1"), None) is None  # an exponent cartnorm.money refused
    assert _direct_to_minor(Decimal("1E+18"), 2) is None  # beyond the direct bound: cartnorm.money decides
    assert _direct_to_minor(Decimal("1E-19"), 2) is None  # not whole in cents
    assert _direct_to_minor(Decimal("0E-30"), 2) == 0
    assert _direct_to_minor(Decimal("-25.990"), 2) == -2599
    assert _direct_to_minor(Decimal("2599E-2"), 0) is None  # not whole in units


@given(
    st.one_of(st.integers(-(10**6), 10**6), st.integers(-(10**20), 10**20), st.none(), st.booleans(), decimals),
    quantities,
    exponents,
    st.sampled_from([1, 2]),
)
def test_exact_per_unit_is_the_per_unit_amount_of_an_exact_split(value, quantity, exponent, version):
    amounts = Money(version=version, currency="USD", exponent=exponent)
    item = {"subtotal": value}
    exact = amounts.exact_per_unit(item, "subtotal", quantity)
    if exact is not None:
        split = amounts.split(amounts.read(item, "subtotal", "$"), quantity, "$", "subtotal")
        assert split.exact
        assert exact.as_tuple() == split.per_unit.as_tuple()
