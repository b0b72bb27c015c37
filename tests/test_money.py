"""Money laws: exact conversions for every currency, google.type.Money rules, per-unit splits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cartnorm import money as m
from cartnorm.errors import ConfigurationError, CurrencyError, MoneyError
from strategies.canonical import CURRENCIES, money

units = st.integers(min_value=-(2**63), max_value=2**63 - 1)
nanos_magnitudes = st.integers(min_value=0, max_value=999_999_999)


@st.composite
def valid_units_nanos(draw):
    """A (units, nanos) pair that google.type.Money allows: same signs, nanos in range."""
    whole = draw(units)
    nanos = draw(nanos_magnitudes)
    if whole > 0:
        return whole, nanos
    if whole < 0:
        return whole, -nanos
    return 0, draw(st.sampled_from([nanos, -nanos]))


@pytest.mark.parametrize("currency", CURRENCIES)
@given(minor=st.integers(min_value=-(10**15), max_value=10**15))
def test_minor_units_round_trip_for_every_currency(currency, minor):
    """minor units → Decimal → minor units is the identity, with the lower-case code too."""
    amount = m.from_minor_units(minor, currency.lower())
    assert m.to_minor_units(amount, currency) == minor
    assert -amount.as_tuple().exponent == m.ISO_4217_MINOR_UNITS[currency]


@given(valid_units_nanos())
def test_units_nanos_round_trip(pair):
    """units/nanos → Decimal → units/nanos is the identity for every valid pair."""
    units_value, nanos_value = pair
    assert m.to_units_nanos(m.from_units_nanos(units_value, nanos_value)) == (units_value, nanos_value)


@given(money(min_value=-(10**18), max_value=10**18))
def test_decimal_to_units_nanos_round_trip(amount):
    """Any amount with at most nine decimals survives units/nanos exactly."""
    assert m.from_units_nanos(*m.to_units_nanos(amount)) == amount


@pytest.mark.parametrize(
    ("units_value", "nanos_value", "path"),
    [
        (1, -1, "$.nanos"),
        (-1, 1, "$.nanos"),
        (0, 1_000_000_000, "$.nanos"),
        (0, -1_000_000_000, "$.nanos"),
        (2**63, 0, "$.units"),
        ("1", 0, "$.units"),
        (1, 0.5, "$.nanos"),
        (True, 0, "$.units"),
    ],
)
def test_invalid_units_nanos_raise(units_value, nanos_value, path):
    """Every pair google.type.Money forbids raises MoneyError naming units or nanos."""
    with pytest.raises(MoneyError) as caught:
        m.from_units_nanos(units_value, nanos_value)
    assert caught.value.path == path


def test_known_values():
    """The worked examples of the issue and of google/type/money.proto."""
    assert m.from_minor_units(2599, "usd") == Decimal("25.99")
    assert m.from_minor_units(3000, "jpy") == Decimal("3000")
    assert str(m.from_minor_units(5250, "kwd")) == "5.250"
    assert m.from_units_nanos(-1, -750_000_000) == Decimal("-1.75")
    assert m.to_units_nanos(Decimal("-1.75")) == (-1, -750_000_000)


@pytest.mark.parametrize("bad", [25.99, "2599", True, None])
def test_minor_units_refuse_non_integers(bad):
    """Floats, strings and booleans are never guessed into cents."""
    with pytest.raises(MoneyError):
        m.from_minor_units(bad, "usd")


def test_to_minor_units_refuses_to_round():
    """More decimals than the currency has is an error, not a silent rounding."""
    with pytest.raises(MoneyError, match="at most 0 decimal places for JPY"):
        m.to_minor_units(Decimal("1.5"), "jpy")
    with pytest.raises(MoneyError):
        m.to_minor_units(1.5, "usd")  # type: ignore[arg-type]


def test_currency_codes_are_normalised_and_validated():
    """Case-insensitive, upper-case result, unknown codes rejected (never a default of 2)."""
    assert m.normalize_currency(" eur ") == "EUR"
    for bad in ("xyz", "", "usdollar", None, 840):
        with pytest.raises(CurrencyError):
            m.normalize_currency(bad)
    assert m.exponent_of("XYZ", exponents={"xyz": 3}) == 3
    with pytest.raises(ConfigurationError):
        m.exponent_of("usd", exponents={"USD": -1})


def test_exponents_are_iso_4217_not_cldr_display_digits():
    """
    Pin cartnorm's own ISO 4217 table where other sources disagree with ISO.

    CLDR's display digits (babel's ``get_currency_precision``) say 0 for IQD, IRR, LBP, AFN,
    ALL and YER, and said 0 for RSD until babel 2.19; ISO 4217 List One says otherwise. What
    matters to cartnorm is its own table, so the test pins that, not another library's data.
    """
    iso = {"IQD": 3, "IRR": 2, "RSD": 2, "LBP": 2, "AFN": 2, "ALL": 2, "YER": 2}
    iso |= {"JPY": 0, "KRW": 0, "KWD": 3, "BHD": 3, "CLF": 4, "UYW": 4, "XCG": 2, "ZWG": 2}
    assert {code: m.ISO_4217_MINOR_UNITS[code] for code in iso} == iso
    assert m.exponent_of("jpy") == 0  # lower-case codes are upper-cased before the look-up


@given(
    line=money(min_value=-(10**9), max_value=10**9),
    quantity=st.integers(min_value=1, max_value=1000),
    currency=st.sampled_from(CURRENCIES),
)
def test_split_per_unit_loses_nothing(line, quantity, currency):
    """per_unit * quantity + remainder == line amount, exactly; per_unit sits at the exponent."""
    split = m.split_per_unit(line, quantity, currency)
    assert split.per_unit * quantity + split.remainder == line
    assert split.line_amount == line
    assert -split.per_unit.as_tuple().exponent == m.exponent_of(currency)
    # half-even rounding: the remainder is at most half a minor unit per unit
    assert abs(split.remainder) <= Decimal(quantity) * Decimal(1).scaleb(-m.exponent_of(currency)) / 2


def test_split_per_unit_rounds_half_to_even():
    """Ties go to the even minor unit; exact divisions have no remainder."""
    assert m.split_per_unit(Decimal("5"), 2, "jpy").per_unit == Decimal("2")
    assert m.split_per_unit(Decimal("7"), 2, "jpy").per_unit == Decimal("4")
    assert m.split_per_unit(Decimal("10.00"), 4, "usd").exact
    split = m.split_per_unit(Decimal("10.00"), 3, "usd")
    assert (split.per_unit, split.remainder) == (Decimal("3.33"), Decimal("0.01"))
    with pytest.raises(MoneyError):
        m.split_per_unit(Decimal("1"), 0, "usd")


def test_hostile_amounts_are_bounded():
    """Absurd exponents and digit counts fail fast instead of building huge integers."""
    with pytest.raises(MoneyError):
        m.to_minor_units(Decimal("1E+100000000"), "usd")
    with pytest.raises(MoneyError):
        m.from_minor_units(10**100, "usd")


#: Decimals of every shape a split meets: any digits, exponents either side of zero, signed zeros.
any_amounts = st.builds(
    lambda sign, digits, exponent: Decimal(f"{sign}{digits}E{exponent}"),
    st.sampled_from(["", "-"]),
    st.integers(min_value=0, max_value=10**30),
    st.integers(min_value=-15, max_value=6),
)


@given(line=any_amounts, quantity=st.integers(min_value=1, max_value=10**6), exponent=st.integers(0, 4))
def test_exact_split_in_c_matches_the_integer_route_digit_for_digit(line, quantity, exponent):
    """The C fast path answers only exact divisions, and then exactly as the integer route does."""
    fast = m._exact_split(line, quantity, exponent)
    slow = m._split_by_integers(line, quantity, exponent)
    if fast is None:  # declined: only when rounding is needed, or the amount is too long for C
        assert not slow.exact or len(line.as_tuple().digits) > 60
    else:
        assert (str(fast.per_unit), str(fast.remainder)) == (str(slow.per_unit), str(slow.remainder))


@given(
    line=st.builds(
        lambda sign, digits, exponent: Decimal(f"{sign}{digits}E{exponent}"),
        st.sampled_from(["", "-"]),
        st.integers(min_value=0, max_value=10**60),
        st.integers(min_value=-90, max_value=50),
    )
    | any_amounts
    | st.sampled_from([Decimal("NaN"), Decimal("-Infinity"), Decimal("1.5"), 1, "1.5", None]),
    quantity=st.integers(min_value=-2, max_value=10**6) | st.sampled_from([True, 1.0, None]),
    currency=st.sampled_from(["USD", "JPY", "KWD", "CLF"]),
)
def test_exact_per_unit_is_split_per_unit_when_the_split_is_exact(line, quantity, currency):
    """The one-currency fast path: the same per-unit digits when exact, None for rounding and refusals."""
    fast = m.exact_per_unit(line, quantity, m.exponent_of(currency))
    try:
        split = m.split_per_unit(line, quantity, currency)
    except MoneyError:
        assert fast is None
        return
    trusted = m.exact_per_unit(line, quantity, m.exponent_of(currency), bounded=True)  # in bounds: same answer
    if split.exact:
        assert fast is not None
        assert str(fast) == str(split.per_unit) == str(trusted)
    else:
        assert fast is None
        assert trusted is None


@given(per_unit=any_amounts, quantity=st.integers(min_value=1, max_value=10**6), remainder=any_amounts)
def test_line_amount_in_c_matches_the_integer_route_digit_for_digit(per_unit, quantity, remainder):
    """PerUnitSplit.line_amount: one fused multiply-add, same digits and exponent as integer arithmetic."""
    assert str(m._decimal_sum(per_unit, quantity, remainder)) == str(
        m._decimal_sum_by_integers(per_unit, quantity, remainder)
    )


@given(
    st.builds(
        lambda sign, digits, exponent: Decimal(f"{sign}{digits}E{exponent}"),
        st.sampled_from(["", "-"]),
        st.integers(min_value=0, max_value=10**60),
        st.integers(min_value=-90, max_value=50),
    )
)
def test_the_span_check_refuses_exactly_the_amounts_outside_ten_to_the_forty(amount):
    """_check_finite's one-call test agrees with the plain rule on exponent and leading digit."""
    exponent = amount.as_tuple().exponent
    outside = bool(amount) and (abs(exponent) > 40 or abs(amount.adjusted()) > 40)
    try:
        m._check_finite(amount, "$.x")
    except MoneyError:
        assert outside
    else:
        assert not outside


def _by_digits(units: int, nanos: int) -> Decimal:
    """from_units_nanos's result built digit by digit: the fraction's trailing zeros dropped."""
    total = units * 10**9 + nanos
    magnitude, exponent = abs(total), -9
    while exponent < 0 and magnitude and magnitude % 10 == 0:
        magnitude, exponent = magnitude // 10, exponent + 1
    return Decimal(f"{'-' if total < 0 else ''}{magnitude}E{exponent if magnitude else 0}")


@given(valid_units_nanos())
def test_units_nanos_become_the_shortest_exact_decimal(pair):
    """Same digits and exponent as building the number digit by digit (no 1E+2 for 100, no 1.500000000)."""
    assert str(m.from_units_nanos(*pair)) == str(_by_digits(*pair))
