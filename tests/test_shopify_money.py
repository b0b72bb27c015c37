"""Shopify money readers: decimal strings, MoneyBags from one side, the few JSON numbers, exactly."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cartnorm._json import parse_json
from cartnorm.adapters.shopify._amounts import (
    DEFAULT_MONEY_SIDE,
    Amount,
    MoneySide,
    OrderMoney,
    bag_amount,
    decimal_text,
    json_number,
    money_side,
)
from cartnorm.errors import MISSING, ConfigurationError, CurrencyError, MoneyError
from conftest import FIXTURES

SHOP = MoneySide.SHOP
PRESENTMENT = MoneySide.PRESENTMENT


def bag(shop: str, shop_currency: str, presentment: str, presentment_currency: str) -> dict[str, object]:
    return {
        "shop_money": {"amount": shop, "currency_code": shop_currency},
        "presentment_money": {"amount": presentment, "currency_code": presentment_currency},
    }


# --- decimal strings -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("598.94", "598.94"), ("0.00", "0.00"), ("1500", "1500"), ("-5.00", "-5.00"), ("10.0", "10.0"), ("007", "007")],
)
def test_decimal_text_keeps_the_digits(text, expected):
    """The amount as written: JPY '1500' stays 1500 (no decimals assumed), '0.00' keeps its two places."""
    amount = decimal_text(text)
    assert amount == Decimal(expected)
    assert str(amount) == str(Decimal(expected))


@pytest.mark.parametrize(
    "value",
    [
        598.94, 598, None, True, "", "-", "1e3", "1E-2", "+1.00", " 1.00", "1.00 ", "1,00", "1.", ".5", "NaN",
        "Infinity", "١٢", "1" * 41, "0." + "1" * 41, "--1", "1.2.3",
    ],
)  # fmt: skip
def test_decimal_text_refuses_what_shopify_does_not_write(value):
    """Numbers, exponents, signs, spaces, separators, other scripts' digits, huge digit counts: MoneyError."""
    with pytest.raises(MoneyError) as caught:
        decimal_text(value, "$.order.total_price")
    assert caught.value.path == "$.order.total_price"
    assert caught.value.value is value
    assert "decimal string" in caught.value.expected


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12))
def test_decimal_text_reads_shopify_formatting_back(amount):
    """Any amount Shopify formats (fixed point, its places) reads back with the same digits and exponent."""
    text = f"{amount:f}"
    assert str(decimal_text(text)) == str(Decimal(text))


# --- JSON numbers ----------------------------------------------------------------------------------------------


def test_json_numbers_are_recovered_exactly():
    """A refund line's subtotal, as json.loads or cartnorm's parser gives it, is the number as written."""
    assert json_number(195.66) == Decimal("195.66")
    assert str(json_number(json.loads("3.98"))) == "3.98"
    assert json_number(99) == Decimal(99)
    assert json_number(Decimal("0.10")) == Decimal("0.10")
    assert json_number(0.1) == Decimal("0.1")  # never Decimal(0.1), the binary value


@pytest.mark.parametrize(
    "value", [True, False, "195.66", None, float("nan"), float("inf"), Decimal("NaN"), 10**41, Decimal("1E-41")]
)
def test_json_number_refuses_non_numbers_and_extremes(value):
    """Booleans, strings, non-finite values and out-of-range numbers are MoneyErrors with the path."""
    with pytest.raises(MoneyError) as caught:
        json_number(value, "$.refunds[0].refund_line_items[1].subtotal")
    assert caught.value.path == "$.refunds[0].refund_line_items[1].subtotal"
    assert "JSON number" in caught.value.expected


@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12).map(
        lambda amount: f"{amount:f}"
    )
)
def test_json_number_from_json_loads_equals_the_written_decimal(text):
    """json.loads('195.60') gives a float; reading it gives the decimal written (to its shortest form)."""
    assert json_number(json.loads(text)) == Decimal(text)
    assert json_number(parse_json(text)) == Decimal(text)


# --- MoneyBags -------------------------------------------------------------------------------------------------


def test_bag_amount_reads_one_side_amount_and_currency_together():
    """Each side gives its own amount in its own currency; currency codes are upper-cased."""
    money = bag("10.00", "USD", "1500", "jpy")
    assert bag_amount(money, SHOP) == Amount(Decimal("10.00"), "USD")
    assert bag_amount(money, PRESENTMENT) == Amount(Decimal("1500"), "JPY")
    assert str(bag_amount(money, PRESENTMENT).amount) == "1500"


@pytest.mark.parametrize(
    ("value", "path", "error"),
    [
        ("10.00", "$.total_price_set", MoneyError),
        ({"shop_money": {"amount": "1", "currency_code": "USD"}}, "$.total_price_set.presentment_money", MoneyError),
        ({"presentment_money": None}, "$.total_price_set.presentment_money", MoneyError),
        ({"presentment_money": {"currency_code": "USD"}}, "$.total_price_set.presentment_money.amount", MoneyError),
        ({"presentment_money": {"amount": 1.5, "currency_code": "USD"}},
         "$.total_price_set.presentment_money.amount", MoneyError),
        ({"presentment_money": {"amount": "1.50"}}, "$.total_price_set.presentment_money.currency_code",
         CurrencyError),
        ({"presentment_money": {"amount": "1.50", "currency_code": "XYZ"}},
         "$.total_price_set.presentment_money.currency_code", CurrencyError),
    ],
)  # fmt: skip
def test_bag_errors_name_the_place(value, path, error):
    """A malformed bag is an error at the exact JSON path of what is wrong."""
    with pytest.raises(error) as caught:
        bag_amount(value, PRESENTMENT, "$.total_price_set")
    assert caught.value.path == path


# --- the order's side ------------------------------------------------------------------------------------------


def test_default_side_is_presentment_and_options_name_sides():
    """What the buyer paid, by default; 'shop' is the other choice; anything else is a ConfigurationError."""
    assert DEFAULT_MONEY_SIDE is PRESENTMENT
    assert money_side("shop") is SHOP
    assert money_side("presentment") is PRESENTMENT
    assert str(SHOP) == "shop"
    assert PRESENTMENT.bag_key == "presentment_money"
    for wrong in ("SHOP", "buyer", None, 1):
        with pytest.raises(ConfigurationError, match="presentment"):
            money_side(wrong)


def test_order_money_chooses_amount_and_currency_from_the_same_side():
    """A USD shop selling in JPY: presentment reads yen and JPY, shop reads dollars and USD, never mixed."""
    order = {
        "currency": "USD",
        "presentment_currency": "JPY",
        "total_price": "10.00",
        "total_price_set": bag("10.00", "USD", "1500", "JPY"),
    }
    presentment = OrderMoney.of(order)
    assert (presentment.currency, presentment.exponent) == ("JPY", 0)
    assert str(presentment.read(order, "total_price")) == "1500"
    shop = OrderMoney.of(order, SHOP)
    assert (shop.currency, shop.exponent) == ("USD", 2)
    assert shop.read(order, "total_price") == Decimal("10.00")


def test_bag_in_another_currency_than_the_side_is_refused():
    """A presentment amount that is not in presentment_currency is a CurrencyError, not a silent mix."""
    order = {"currency": "USD", "presentment_currency": "EUR", "total_tax_set": bag("1.00", "USD", "0.90", "GBP")}
    with pytest.raises(CurrencyError) as caught:
        OrderMoney.of(order).read(order, "total_tax", "$.order")
    assert caught.value.path == "$.order.total_tax_set.presentment_money.currency_code"
    assert caught.value.value == "GBP"
    assert "EUR" in caught.value.expected


def test_pre_2019_orders_read_the_bare_strings_on_either_side():
    """No bags and no presentment_currency: the bare strings, in `currency`, are the order's only amounts."""
    order = {"currency": "CAD", "total_price": "409.94", "total_shipping_price_set": None}
    for side in MoneySide:
        money = OrderMoney.of(order, side)
        assert (money.currency, money.presentment_currency) == ("CAD", None)
        assert money.bare_strings_fit
        assert money.read(order, "total_price") == Decimal("409.94")
        assert money.read(order, "total_shipping_price") is None


def test_bare_string_in_the_shop_currency_never_stands_for_presentment():
    """Shop ≠ presentment and no bag: the presentment amount is missing, a MoneyError at the bag's path."""
    order = {"currency": "USD", "presentment_currency": "EUR", "total_price": "10.00"}
    with pytest.raises(MoneyError) as caught:
        OrderMoney.of(order).read(order, "total_price", "$")
    assert (caught.value.path, caught.value.value) == ("$.total_price_set", MISSING)
    assert "USD" in caught.value.expected and "EUR" in caught.value.expected
    assert OrderMoney.of(order, SHOP).read(order, "total_price") == Decimal("10.00")


def test_number_fields_and_absent_amounts():
    """number=True reads a JSON number where Shopify writes one; a string there is refused; absent is None."""
    money = OrderMoney.of({"currency": "HKD"})
    line = {"subtotal": 99, "total_tax": 0}
    assert money.read(line, "subtotal", number=True) == Decimal(99)
    assert money.read(line, "total_tax", number=True) == Decimal(0)
    with pytest.raises(MoneyError):
        money.read({"subtotal": "99.00"}, "subtotal", number=True)
    with pytest.raises(MoneyError):
        money.read({"price": 99}, "price")
    assert money.read({"price": None, "price_set": None}, "price") is None
    assert money.read({}, "price") is None


@pytest.mark.parametrize(
    ("order", "path"),
    [
        ({}, "$.currency"),
        ({"currency": None}, "$.currency"),
        ({"currency": "ZZZ"}, "$.currency"),
        ({"currency": "USD", "presentment_currency": None}, "$.presentment_currency"),
        ({"currency": "USD", "presentment_currency": "??"}, "$.presentment_currency"),
    ],
)
def test_currency_errors(order, path):
    """A missing or unknown currency is a CurrencyError at its path; a null presentment_currency is not 'none'."""
    with pytest.raises(CurrencyError) as caught:
        OrderMoney.of(order)
    assert caught.value.path == path


# --- the real payloads -----------------------------------------------------------------------------------------

SAMPLES = sorted(
    path for path in (FIXTURES / "shopify").glob("*.payload.json") if path.name.startswith(("sapi_", "membi_", "erp_"))
)
_TOTALS = ("total_price", "subtotal_price", "total_tax", "total_discounts", "total_line_items_price")


def _orders():
    for path in SAMPLES:
        payload = parse_json(path.read_bytes())
        order = payload.get("order", payload)
        if "line_items" in order:
            yield path.name, order


ORDERS = dict(_orders())


@pytest.mark.parametrize("name", sorted(ORDERS))
def test_real_orders_read_the_same_on_both_sides_and_as_the_bare_strings(name):
    """Every real store has shop == presentment: both sides and the bare strings agree, to the digit."""
    order = ORDERS[name]
    sides = [OrderMoney.of(order, side) for side in MoneySide]
    assert {money.currency for money in sides} == {order["currency"]}
    for key in _TOTALS:
        values = {str(money.read(order, key)) for money in sides}
        assert values == {order[key]}, key
    for index, line in enumerate(order["line_items"]):
        for money in sides:
            assert str(money.read(line, "price", f"$.line_items[{index}]")) == line["price"]
            for allocation in line["discount_allocations"]:
                assert str(money.read(allocation, "amount")) == allocation["amount"]
    assert all(money.read(order, "total_shipping_price") is not None for money in sides)


def test_real_refund_lines_numbers_equal_their_bags():
    """Refund line subtotal/total_tax are JSON numbers (195.66, 99) whose value is the bag's string."""
    checked = 0
    for order in ORDERS.values():
        money = OrderMoney.of(order, SHOP)
        for refund in order["refunds"]:
            for line in refund["refund_line_items"]:
                for key in ("subtotal", "total_tax"):
                    from_number = money.read({key: line[key]}, key, number=True)
                    assert from_number == money.read(line, key)
                    checked += 1
    assert checked == 10  # two orders with two refund lines, one with one; subtotal and total_tax each
