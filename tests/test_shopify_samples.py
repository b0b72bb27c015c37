"""The real Shopify payloads in fixtures/shopify/ stay byte-exact, and their README says what they hold."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest

from cartnorm._json import parse_json
from conftest import FIXTURES

DIRECTORY = FIXTURES / "shopify"
README = (DIRECTORY / "README.md").read_text(encoding="utf-8")
# | `file.json` | `states` | `sha256` |
_INTEGRITY_ROW = re.compile(r"^\| `([^`]+\.json)` \| `([^`]*)` \| `([0-9a-f]{64})` \|$", re.MULTILINE)
ROWS = {name: (states, digest) for name, states, digest in _INTEGRITY_ROW.findall(README)}
#: The captures: conformance payloads named after their source (the constructed cases are rule_* and error_*).
FILES = sorted(path.name for path in DIRECTORY.glob("*.payload.json") if re.match(r"(sapi|membi|erp)_", path.name))


def _null(value: Any) -> str:
    return "null" if value is None else str(value)


def _order_states(order: dict[str, Any]) -> str:
    cancelled = "not cancelled" if order["cancelled_at"] is None else f"cancelled ({_null(order['cancel_reason'])})"
    closed = "" if order["closed_at"] is None else ", closed"
    return f"{order['financial_status']} / {_null(order['fulfillment_status'])} / {cancelled}{closed}"


def states_of(payload: dict[str, Any]) -> str:
    """The states column of the README, read from the payload itself."""
    if "order" in payload or "line_items" in payload:
        return _order_states(payload.get("order", payload))
    if "fulfillment_orders" in payload or "fulfillment_order" in payload or "moved_fulfillment_order" in payload:
        found = payload.get("fulfillment_orders") or [
            value for key, value in payload.items() if key.endswith("fulfillment_order") and value is not None
        ]
        return ", ".join(f"{fo['status']}/{fo['request_status']}" for fo in found)
    if "fulfillments" in payload:
        return ", ".join(f"{f['status']}/{_null(f['shipment_status'])}" for f in payload["fulfillments"])
    restocks = {line["restock_type"] for refund in payload["refunds"] for line in refund["refund_line_items"]}
    return ", ".join(sorted(restocks))


def test_every_file_is_listed_once():
    """Each payload in the folder has one row in the README's integrity table, and every row has a file."""
    assert sorted(ROWS) == FILES
    assert len(FILES) == 14


@pytest.mark.parametrize("name", FILES)
def test_bytes_are_the_captured_ones(name):
    """The sha256 recorded when the file was copied still matches: nobody edited a real capture."""
    assert hashlib.sha256((DIRECTORY / name).read_bytes()).hexdigest() == ROWS[name][1]


@pytest.mark.parametrize("name", FILES)
def test_states_column_is_what_the_file_holds(name):
    """The README's states (financial / fulfillment / cancellation …) are read from the file, not remembered."""
    payload = parse_json((DIRECTORY / name).read_bytes())
    assert states_of(payload) == ROWS[name][0]


def test_every_file_has_a_provenance_row():
    """Besides its integrity row, each file has a row in the README's table of sources and contents."""
    for name in FILES:
        rows = [line for line in README.splitlines() if line.startswith(f"| `{name}` | ")]
        assert len(rows) == 2, name
        source = next(row for row in rows if not _INTEGRITY_ROW.match(row)).split(" | ")[1]
        assert source.strip("` "), name
