"""Status tables as data: order, shipment and shipping-group tables, rule lists expanded in the core."""

from __future__ import annotations

from types import MappingProxyType

import attrs
import pytest

from cartnorm import OrderStatus, ShipmentStatus, StatusDecision, StatusTable
from cartnorm.adapter import DECIDES, StatusRule, expand_rules
from cartnorm.docgen import render_status_rules, render_status_table
from cartnorm.testing import CHECKS

_S = ShipmentStatus
RULES = (
    StatusRule(when={"status": {"cancelled"}}, status=_S.CANCELLED, reason="cancelled, whatever the carrier says"),
    StatusRule(when={"event": {"delivered"}}, status=_S.DELIVERED, reason="the carrier delivered it"),
    StatusRule(when={"status": {"success"}}, status=_S.SHIPPED, reason="handed to the carrier"),
    StatusRule(when={}, status=_S.OPEN, reason="not sent yet"),
)
VALUES = {"status": ("open", "success", "cancelled"), "event": ("none", "delivered")}


def _table() -> StatusTable[ShipmentStatus]:
    return StatusTable.from_rules(vendor="toy", title="Toy parcel (status × event)", axes=("status", "event"),
                                  rules=RULES, values=VALUES, decides="shipment")  # fmt: skip


def test_rules_expand_to_one_row_per_documented_combination_first_match_wins():
    rows = expand_rules(RULES, ("status", "event"), VALUES)
    assert len(rows) == 3 * 2
    assert rows[("cancelled", "delivered")].status is _S.CANCELLED  # the first rule wins over the second
    assert rows[("success", "delivered")].status is _S.DELIVERED
    assert rows[("success", "none")] == StatusDecision(_S.SHIPPED, "handed to the carrier")
    assert rows[("open", "none")].status is _S.OPEN


def test_a_rule_list_must_decide_every_combination_and_name_only_its_axes():
    with pytest.raises(ValueError, match="no rule decides"):
        expand_rules(RULES[:3], ("status", "event"), VALUES)
    with pytest.raises(ValueError, match="not axes"):
        expand_rules((StatusRule(when={"colour": {"red"}}, status=_S.OPEN, reason="x"),), ("status",), VALUES)


def test_a_shipment_table_decides_shipment_statuses_and_unknowns_are_its_other():
    table = _table()
    assert table.decides == "shipment" and table.rules == RULES
    assert table.lookup(("success", "none")).status is _S.SHIPPED
    unknown = table.lookup(("lost", "none"))
    assert unknown.status is _S.OTHER and unknown.reason == table.unknown_reason
    assert StatusTable(vendor="t", title="t", axes=("a",), rows={}).lookup(("x",)).status is OrderStatus.OTHER


def test_a_table_refuses_statuses_of_the_other_enum_and_unknown_subjects():
    with pytest.raises(ValueError, match="is not a ShipmentStatus"):
        StatusTable(vendor="t", title="t", axes=("a",), rows={("x",): StatusDecision(OrderStatus.OPEN, "r")},
                    decides="shipping_group")  # fmt: skip
    with pytest.raises(ValueError, match="decides 'parcel'"):
        StatusTable(vendor="t", title="t", axes=("a",), rows={}, decides="parcel")
    assert set(DECIDES) == {"order", "shipment", "shipping_group"}


def test_the_contract_checks_a_shipment_table_against_its_own_enum():
    """A shipment table passes the status check; one whose row carries an order status does not."""
    table = _table()
    adapter = attrs.make_class("A", ["status_tables"])(status_tables=(table,))
    assert CHECKS["status_tables"](adapter, []) == []
    rows = dict(table.rows)
    rows[("open", "none")] = StatusDecision(OrderStatus.OPEN, "wrong enum")
    broken = object.__new__(StatusTable)  # past the constructor's own check, as a hand-made table could be
    for field in attrs.fields(StatusTable):
        object.__setattr__(broken, field.name, getattr(table, field.name))
    object.__setattr__(broken, "rows", MappingProxyType(rows))
    problems = CHECKS["status_tables"](attrs.make_class("B", ["status_tables"])(status_tables=(broken,)), [])
    assert problems == [
        "Toy parcel (status × event): row ('open', 'none') needs a Trackstar ShipmentStatus and a reason"
    ]


def test_docgen_renders_the_rules_and_every_row_of_a_shipment_table():
    rules = render_status_rules(_table())
    assert rules.splitlines()[:3] == [
        "| # | `status` | `event` | Trackstar `status` | why |",
        "| --- | --- | --- | --- | --- |",
        "| 1 | `cancelled` | *any* | `cancelled` | cancelled, whatever the carrier says |",
    ]
    assert "| 4 | *any* | *any* | `open` | not sent yet |" in rules
    rendered = render_status_table(_table())
    assert "| `success` | `delivered` | `delivered` | the carrier delivered it |" in rendered
    assert "| *any other value* | *any other value* | `other` |" in rendered
