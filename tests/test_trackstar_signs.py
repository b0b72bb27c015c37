"""
The `trackstar` source refuses amounts and quantities below zero (issue 13, rule 7).

Trackstar's schema gives them no minimum, but every one is a price, a total, a per-unit amount or a
count: each case takes a fixture document, makes one of them negative (found by its key path, list
positions as ``[]``) and expects the error at exactly that place, in a bare order and in a
``{"data": …}`` body. Trackstar has no refund or adjustment field, so no amount is allowed below zero;
`cartnorm.from_trackstar` still reads what the schema reads.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given

import cartnorm
from cartnorm._json import parse_json
from cartnorm.adapters import trackstar
from cartnorm.errors import MoneyError, PayloadError
from conftest import FIXTURES
from strategies.canonical import cart_orders

#: The fixture documents that convert (``*.expected.json``).
DOCUMENTS = sorted(
    path.name.removesuffix(".expected.json") for path in (FIXTURES / "trackstar").glob("*.expected.json")
)

#: Amounts that are never below zero: key path (relative to the order) → what the error says it is.
AMOUNTS = [
    (".total_price", "total_price is the total price the customer paid"),
    (".total_tax", "total_tax is the total tax on the order"),
    (".total_discount", "total_discount is the total amount discounted from the order"),
    (".total_shipping", "total_shipping is the total shipping cost the customer incurred"),
    (".line_items[].unit_price", "unit_price is the price of one unit"),
    (".line_items[].discount", "discount is the amount discounted from one unit"),
    (".line_items[].tax", "tax is the tax on one unit"),
]
#: Quantities that are never below zero: key path → what the error says the quantity is.
COUNTS = [
    (".line_items[].quantity", "ordered"),
    (".shipments[].line_items[].quantity", "shipped"),
]


def _load(name: str) -> Any:
    return parse_json((FIXTURES / "trackstar" / f"{name}.payload.json").read_bytes())


def _places(value: Any, pattern: str = "", path: str = "$", keys: tuple[Any, ...] = ()) -> Any:
    """(key path with ``[]``, JSON path, keys) of every place in ``value``, in document order."""
    yield pattern, path, keys
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _places(item, f"{pattern}.{key}", f"{path}.{key}", (*keys, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _places(item, f"{pattern}[]", f"{path}[{index}]", (*keys, index))


def _cases(table: list[tuple[str, str]]) -> list[Any]:
    """For each document and each listed key path, every place it has (non-null: a null is no amount)."""
    cases = []
    for name in DOCUMENTS:
        document = _load(name)
        inner = ".data" if "data" in document else ""
        for pattern, path, keys in _places(document):
            for wanted, words in table:
                if pattern == inner + wanted and _at(document, keys) is not None:
                    cases.append(pytest.param(name, keys, path, words, id=f"{name}:{path}"))
    return cases


def _at(value: Any, keys: tuple[Any, ...]) -> Any:
    for key in keys:
        value = value[key]
    return value


def _with(document: Any, keys: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(document)
    target = changed
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    return changed


def test_every_listed_place_is_in_a_fixture():
    """The cases below are not vacuous: every key path listed is a non-null place of some fixture."""
    covered = {
        pattern.removeprefix(".data")
        for name in DOCUMENTS
        for pattern, _, keys in _places(_load(name))
        if _at(_load(name), keys) is not None
    }
    assert [wanted for wanted, _ in AMOUNTS + COUNTS if wanted not in covered] == []


@pytest.mark.parametrize(("name", "keys", "path", "words"), _cases(AMOUNTS))
@pytest.mark.parametrize("negative", [Decimal("-0.01"), -1, -2.5])
def test_a_negative_amount_is_a_money_error_at_its_path(name, keys, path, words, negative):
    """Any encoding of a number (a parser's Decimal or float, an int): MoneyError at that place."""
    broken = _with(_load(name), keys, negative)
    with pytest.raises(MoneyError) as caught:
        trackstar.convert(broken)
    assert caught.value.path == path
    assert caught.value.expected == f"an amount of zero or more ({words})"
    assert caught.value.value == Decimal(str(negative))
    with pytest.raises(MoneyError):
        cartnorm.normalize(broken, "trackstar")


@pytest.mark.parametrize(("name", "keys", "path", "what"), _cases(COUNTS))
def test_a_negative_quantity_is_a_payload_error_at_its_path(name, keys, path, what):
    broken = _with(_load(name), keys, -1)
    with pytest.raises(PayloadError) as caught:
        trackstar.convert(broken)
    assert type(caught.value) is PayloadError
    assert (caught.value.path, caught.value.expected) == (path, f"a quantity of zero or more (the quantity {what})")


@pytest.mark.parametrize(("quantity", "error"), [(0, None), (-1, PayloadError)])
def test_a_shipping_groups_quantity_below_zero_is_a_payload_error(quantity, error):
    """No fixture has a shipping group: one is added to the full order (0 converts, -1 is refused)."""
    document = _load("full_order")
    line = {"line_item_id": "li_1", "product_id": "prod_1", "product_sku": None, "parent_product_id": None}
    document["shipping_groups"] = [
        {"shipping_group_id": "sg_1", "created_date": "2024-09-23T07:00:00Z", "updated_date": "2024-09-23T07:00:00Z",
         "raw_status": None, "status": "open", "warehouse_id": "wh_1", "line_items": [{**line, "quantity": 2}]},
    ]  # fmt: skip
    document["shipping_groups"][0]["line_items"].append({**line, "quantity": quantity})
    if error is None:
        assert trackstar.to_canonical(document).shipping_groups[0].line_items[1].quantity == 0
        return
    with pytest.raises(error) as caught:
        trackstar.convert(document)
    assert caught.value.path == "$.shipping_groups[0].line_items[1].quantity"
    assert caught.value.expected == "a quantity of zero or more (the quantity to ship in the group)"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_zero_everywhere_converts_and_round_trips(name):
    """Zero is no negative: every listed place at 0 (and -0) converts, and is written back."""
    document = _load(name)
    zeroed = copy.deepcopy(document)
    for pattern, _, keys in list(_places(document)):
        bare = pattern.removeprefix(".data")
        if bare in {wanted for wanted, _ in AMOUNTS} and _at(document, keys) is not None:
            zeroed = _with(zeroed, keys, Decimal("-0.00"))
        elif bare in {wanted for wanted, _ in COUNTS}:
            zeroed = _with(zeroed, keys, 0)
    order = trackstar.to_canonical(zeroed)
    assert cartnorm.from_trackstar(trackstar.from_canonical(order)) == order


def test_from_trackstar_reads_what_the_schema_reads():
    """The codec is the schema's reader: a negative amount is a model value there, refused by the source only."""
    broken = _with(_load("full_order"), ("total_price",), Decimal("-1.00"))
    assert cartnorm.from_trackstar(broken).total_price == Decimal("-1.00")
    with pytest.raises(MoneyError):
        trackstar.convert(broken)


@given(cart_orders(signed=False))
def test_documents_of_unsigned_orders_convert_and_round_trip(order):
    """Every order with amounts of zero or more converts through the source, and back to the same document."""
    document = cartnorm.to_trackstar(order)
    assert trackstar.from_canonical(trackstar.to_canonical(document)) == document
