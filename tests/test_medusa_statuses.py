"""The Medusa status mapping: every enum value, every combination, defined and tested."""

from __future__ import annotations

import itertools
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cartnorm import OrderStatus
from cartnorm.adapters import medusa
from cartnorm.adapters.medusa._statuses import (
    AXES,
    AXES_V2,
    RULES_V1,
    RULES_V2,
    STATUS_TABLE_V1,
    STATUS_TABLE_V2,
    UNITS_SHIPPED,
    V1_VALUES,
    V2_VALUES,
    format_raw_status,
    parse_raw_status,
)

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)
S = OrderStatus

# The enums as Medusa declares them (packages/medusa/src/models/order.ts, v1.20.10), restated here
# on purpose: the table must cover exactly these, so a typo in the adapter's copy fails this test.
MEDUSA_V1_ENUMS = {
    "status": {"pending", "completed", "archived", "canceled", "requires_action"},
    "fulfillment_status": {"not_fulfilled", "partially_fulfilled", "fulfilled", "partially_shipped", "shipped",
                           "partially_returned", "returned", "canceled", "requires_action"},
    "payment_status": {"not_paid", "awaiting", "captured", "partially_refunded", "refunded", "canceled",
                       "requires_action"},
}  # fmt: skip
MEDUSA_V2_ENUMS = {
    "status": {"pending", "completed", "draft", "archived", "canceled", "requires_action"},
    "fulfillment_status": {"not_fulfilled", "partially_fulfilled", "fulfilled", "partially_shipped", "shipped",
                           "partially_delivered", "delivered", "canceled"},
    "payment_status": {"not_paid", "awaiting", "authorized", "partially_authorized", "captured", "partially_captured",
                       "partially_refunded", "refunded", "canceled", "requires_action"},
    UNITS_SHIPPED: {"all", "not_all"},  # derived from items[].detail.shipped_quantity, not a Medusa field
}  # fmt: skip


@pytest.mark.parametrize(
    ("table", "enums", "axes"), [(STATUS_TABLE_V1, MEDUSA_V1_ENUMS, AXES), (STATUS_TABLE_V2, MEDUSA_V2_ENUMS, AXES_V2)]
)
def test_every_enum_value_appears_and_every_combination_has_a_row(table, enums, axes):
    assert table.axes == axes
    for position, axis in enumerate(axes):
        assert {key[position] for key in table.rows} == enums[axis]
    assert set(table.rows) == set(itertools.product(*(sorted(enums[axis]) for axis in axes)))
    assert all(decision.reason.strip() for decision in table.rows.values())


def test_table_sizes_and_exposure():
    assert len(STATUS_TABLE_V1.rows) == 5 * 9 * 7
    assert len(STATUS_TABLE_V2.rows) == 6 * 8 * 10 * 2
    assert medusa.STATUS_TABLES == (STATUS_TABLE_V1, STATUS_TABLE_V2)
    assert medusa.ADAPTER.status_tables == medusa.STATUS_TABLES
    assert {key: tuple(values) for key, values in V1_VALUES.items()} == {
        axis: tuple(sorted(values, key=V1_VALUES[axis].index)) for axis, values in MEDUSA_V1_ENUMS.items()
    }
    assert set(V2_VALUES["status"]) == MEDUSA_V2_ENUMS["status"]


def test_tables_and_rules_are_immutable():
    with pytest.raises(TypeError):
        STATUS_TABLE_V1.rows[("pending", "shipped", "captured")] = None  # type: ignore[index]
    with pytest.raises(TypeError):
        RULES_V1[0].when["status"] = frozenset()  # type: ignore[index]
    assert isinstance(RULES_V1, tuple) and isinstance(RULES_V2, tuple)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (("canceled", "canceled", "canceled"), S.CANCELLED),
        (("canceled", "shipped", "captured"), S.CANCELLED),
        (("requires_action", "shipped", "captured"), S.EXCEPTION),
        (("pending", "requires_action", "captured"), S.EXCEPTION),
        (("pending", "shipped", "requires_action"), S.EXCEPTION),
        (("pending", "shipped", "captured"), S.FULFILLED),
        (("pending", "partially_returned", "partially_refunded"), S.FULFILLED),
        (("pending", "returned", "refunded"), S.FULFILLED),
        (("pending", "partially_shipped", "captured"), S.PARTIALLY_FULFILLED),
        (("pending", "fulfilled", "captured"), S.PROCESSING),
        (("pending", "partially_fulfilled", "awaiting"), S.PROCESSING),
        (("pending", "not_fulfilled", "captured"), S.CONFIRMED),
        (("pending", "not_fulfilled", "awaiting"), S.OPEN),
        (("pending", "not_fulfilled", "not_paid"), S.OPEN),
        (("pending", "canceled", "captured"), S.CONFIRMED),  # a cancelled fulfillment can be redone
        (("pending", "not_fulfilled", "refunded"), S.EXCEPTION),
        (("pending", "not_fulfilled", "canceled"), S.EXCEPTION),
        (("completed", "shipped", "captured"), S.FULFILLED),
        (("archived", "not_fulfilled", "captured"), S.FULFILLED),
    ],
)
def test_v1_rules(key, expected):
    assert STATUS_TABLE_V1.lookup(key).status is expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (("draft", "not_fulfilled", "not_paid", "not_all"), S.OPEN),
        (("pending", "not_fulfilled", "authorized", "not_all"), S.OPEN),
        (("pending", "not_fulfilled", "awaiting", "not_all"), S.OPEN),
        (("pending", "not_fulfilled", "partially_captured", "not_all"), S.CONFIRMED),
        (("pending", "not_fulfilled", "captured", "not_all"), S.CONFIRMED),
        (("pending", "not_fulfilled", "partially_refunded", "not_all"), S.CONFIRMED),
        (("pending", "not_fulfilled", "refunded", "not_all"), S.EXCEPTION),
        (("pending", "partially_fulfilled", "captured", "not_all"), S.PROCESSING),
        (("pending", "fulfilled", "captured", "not_all"), S.PROCESSING),
        (("pending", "partially_shipped", "captured", "not_all"), S.PARTIALLY_FULFILLED),
        (("pending", "shipped", "captured", "all"), S.FULFILLED),
        (("pending", "delivered", "captured", "all"), S.FULFILLED),
        # partially_delivered: one fulfillment delivered; with every unit shipped the rest is on its way
        (("pending", "partially_delivered", "captured", "not_all"), S.PARTIALLY_FULFILLED),
        (("pending", "partially_delivered", "captured", "all"), S.FULFILLED),
        (("pending", "canceled", "captured", "not_all"), S.CONFIRMED),  # every fulfillment cancelled: redo
        (("pending", "canceled", "authorized", "not_all"), S.OPEN),
        (("completed", "delivered", "captured", "all"), S.FULFILLED),
        (("archived", "delivered", "captured", "all"), S.FULFILLED),
        (("canceled", "canceled", "canceled", "not_all"), S.CANCELLED),
        (("canceled", "not_fulfilled", "refunded", "not_all"), S.CANCELLED),
        (("requires_action", "shipped", "captured", "all"), S.EXCEPTION),
        (("pending", "shipped", "requires_action", "all"), S.EXCEPTION),
        (("pending", "not_fulfilled", "canceled", "not_all"), S.EXCEPTION),
    ],
)
def test_v2_rules(key, expected):
    assert STATUS_TABLE_V2.lookup(key).status is expected


def _payload(statuses: dict[str, object]) -> dict[str, object]:
    return {"id": "order_1", "display_id": 1, "created_at": "2026-11-23T02:15:27.367Z", "currency_code": "usd",
            "email": "a@example.com", "items": [], **statuses}  # fmt: skip


@pytest.mark.parametrize("key", list(STATUS_TABLE_V1.rows), ids="/".join)
def test_every_v1_combination_converts_as_documented_and_round_trips(key):
    payload = _payload(dict(zip(AXES, key, strict=True)))
    normalized = medusa.convert(payload, observed_at=OBSERVED)
    assert normalized.order.status is STATUS_TABLE_V1.rows[key].status
    assert parse_raw_status(normalized.order.raw_status) == dict(zip(AXES, key, strict=True))
    assert not [warning for warning in normalized.warnings if warning.code == "unknown_status"]
    assert medusa.from_canonical(normalized.order) == payload


def _v2_items(shipped: str) -> list[dict[str, object]]:
    """One item of 2 units, every unit shipped (``all``) or one (``not_all``), as ``items[].detail`` says."""
    done = 2 if shipped == "all" else 1
    return [{"id": "ordli_1", "quantity": 2, "unit_price": 10,
             "detail": {"quantity": 2, "fulfilled_quantity": done, "shipped_quantity": done}}]  # fmt: skip


@pytest.mark.parametrize("key", list(STATUS_TABLE_V2.rows), ids="/".join)
def test_every_v2_combination_converts_as_documented_and_round_trips(key):
    payload = {
        **_payload(dict(zip(AXES, key[:3], strict=True))),
        "summary": {"paid_total": 0},
        "items": _v2_items(key[3]),
    }
    normalized = medusa.convert(payload, observed_at=OBSERVED)
    assert normalized.order.additional_fields["medusa"]["version"] == 2
    assert normalized.order.status is STATUS_TABLE_V2.rows[key].status
    assert parse_raw_status(normalized.order.raw_status) == dict(zip(AXES, key[:3], strict=True))
    assert not [warning for warning in normalized.warnings if warning.code == "unknown_status"]
    assert medusa.from_canonical(normalized.order) == payload


@pytest.mark.parametrize(
    "statuses",
    [
        {"status": "on_hold", "fulfillment_status": "not_fulfilled", "payment_status": "captured"},
        {"status": "pending", "fulfillment_status": "delivered", "payment_status": "captured"},  # v2-only value in v1
        {"status": "pending", "fulfillment_status": "shipped", "payment_status": "CAPTURED"},
        {"status": "pending", "fulfillment_status": "shipped"},  # an axis missing
        {"status": None, "fulfillment_status": "shipped", "payment_status": "captured"},
        {"status": 3, "fulfillment_status": "shipped", "payment_status": "captured"},
    ],
)
def test_unknown_values_map_to_other_and_are_kept(statuses):
    payload = _payload(statuses)
    normalized = medusa.convert(payload, observed_at=OBSERVED)
    assert normalized.order.status is S.OTHER
    assert "unknown_status" in [warning.code for warning in normalized.warnings]
    kept = parse_raw_status(normalized.order.raw_status)
    assert kept == {axis: value for axis, value in statuses.items() if isinstance(value, str)}
    assert medusa.from_canonical(normalized.order) == payload


@given(st.dictionaries(st.sampled_from(AXES), st.text()))
def test_raw_status_format_is_parseable(axes):
    assert parse_raw_status(format_raw_status(axes)) == axes


def test_raw_status_format_is_readable():
    text = format_raw_status({"status": "pending", "fulfillment_status": "shipped", "payment_status": "captured"})
    assert text == "status=pending&fulfillment_status=shipped&payment_status=captured"
    assert format_raw_status({}) is None
    assert parse_raw_status(None) == {}


@pytest.mark.parametrize(("table", "rules"), [(STATUS_TABLE_V1, RULES_V1), (STATUS_TABLE_V2, RULES_V2)])
def test_every_rule_decides_at_least_one_row(table, rules):
    """No dead rule: each one is the first match for some documented combination."""
    reasons = {decision.reason for decision in table.rows.values()}
    assert [rule.reason for rule in rules if rule.reason not in reasons] == []
