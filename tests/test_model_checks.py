"""The model's generated field checks decide exactly as the fields' own validators would."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cartnorm
from cartnorm import model
from cartnorm.model import OrderStatus, ShipmentStatus
from conftest import FIXTURES, rebuilt
from strategies.canonical import cart_orders


class _Text(str):
    """A str subclass: not the usual type, but valid."""


def _one_of_each() -> list[Any]:
    """A valid object of every model class (the full_order fixture, and a shipping group)."""
    order = cartnorm.from_trackstar(
        json.loads((FIXTURES / "trackstar" / "full_order.payload.json").read_text(), parse_float=Decimal)
    )
    shipment = order.shipments[0]
    group_line = model.ShippingGroupLineItem(
        line_item_id="l1", product_id="p1", product_sku=None, parent_product_id=None, quantity=1
    )
    group = model.ShippingGroup(
        shipping_group_id="g1", created_date=order.created_date, updated_date=order.updated_date, raw_status=None,
        status=ShipmentStatus.SHIPPED, warehouse_id="w1", line_items=(group_line,),
    )  # fmt: skip
    return [
        order, order.ship_to_address, order.bill_to_address, order.line_items[0], shipment,
        shipment.ship_from_address, shipment.line_items[0], group, group_line,
    ]  # fmt: skip


_EACH = _one_of_each()
#: Every checked field of every model class, with a valid object of that class.
_FIELDS = [(part, field) for part in _EACH for field in attrs.fields(type(part)) if model._CHECK in field.metadata]


def test_every_model_class_and_checked_field_is_covered():
    assert {type(part) for part in _EACH} == {
        cls for cls in vars(model).values() if isinstance(cls, type) and attrs.has(cls)
    }
    assert len(_FIELDS) == sum(len(attrs.fields(type(part))) for part in _EACH) - 1  # all but trackstar_tags


_UTC_NOON = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)
#: Values of every kind a field may be given: right, wrong, and right in an unusual way.
values = st.one_of(
    st.none(),
    st.text(max_size=3),
    st.builds(_Text, st.text(max_size=3)),
    st.integers(min_value=-2, max_value=3),
    st.booleans(),
    st.floats(allow_nan=True),
    st.decimals(allow_nan=True, allow_infinity=True, places=2),
    st.sampled_from(
        [
            _UTC_NOON,
            _UTC_NOON.astimezone(timezone(timedelta(hours=2))),  # aware, another zone: valid
            _UTC_NOON.replace(tzinfo=None),  # naive: refused
            datetime(2026, 1, 1, tzinfo=timezone(timedelta(0), "UTC")),  # UTC, but not timezone.utc
            *OrderStatus,
            *ShipmentStatus,
            (),
            ("a",),
            ["a"],
            "ab",
            {"k": 1},
            {1: "k"},
        ]
    ),
    st.sampled_from(_EACH),
)


def _outcome(action: Any) -> tuple[Any, ...]:
    try:
        action()
    except Exception as error:  # noqa: BLE001 - the outcome compared is whatever was raised
        return type(error), str(error)
    return ("accepted",)


@pytest.mark.parametrize(("part", "field"), _FIELDS, ids=[f"{type(p).__name__}.{f.name}" for p, f in _FIELDS])
@given(value=values)
def test_generated_checks_decide_as_the_fields_validators(part, field, value):
    """Building an object with one field replaced raises what that field's validator raises, or nothing."""
    cls = type(part)
    arguments = {f.name: getattr(part, f.name) for f in attrs.fields(cls)}
    arguments[field.name] = value

    def by_validator() -> None:
        check = field.metadata[model._CHECK][0]
        check(part, field, field.converter(value) if field.converter else value)

    assert _outcome(lambda: cls(**arguments)) == _outcome(by_validator)


@given(cart_orders())
def test_the_unchecked_builders_build_what_the_constructors_build(order):
    """model.unchecked(cls) takes the fields in schema order and gives an equal object of that very class."""
    parts = [order, order.ship_to_address, order.bill_to_address, *order.line_items, *order.shipments]
    parts += [shipment.ship_from_address for shipment in order.shipments]
    parts += [line for shipment in order.shipments for line in shipment.line_items]
    parts += list(order.shipping_groups) + [line for g in order.shipping_groups for line in g.line_items]
    for part in parts:
        fields = [getattr(part, field.name) for field in attrs.fields(type(part))]
        built = model.unchecked(type(part))(*fields)
        assert type(built) is type(part)
        assert built == part == rebuilt(built)
        assert repr(built) == repr(part)
        assert hash(built) == hash(part)
        assert [getattr(built, field.name) for field in attrs.fields(type(part))] == fields


def test_every_model_class_has_an_unchecked_builder():
    classes = {cls for cls in vars(model).values() if isinstance(cls, type) and attrs.has(cls)}
    assert all(model.unchecked(cls) is not None for cls in classes)
