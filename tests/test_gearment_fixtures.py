"""The Gearment fixture corpus: expected orders are valid Trackstar orders, payloads round-trip exactly."""

from __future__ import annotations

import pytest

from cartnorm import validate_trackstar
from cartnorm._json import parse_json
from cartnorm.adapters import gearment
from cartnorm.conformance import FIXTURE_OBSERVED_AT
from conftest import FIXTURES

DIRECTORY = FIXTURES / "gearment"
EXPECTED = sorted(DIRECTORY.glob("*.expected.json"))
PAYLOADS = [path.with_name(path.name.replace(".expected.", ".payload.")) for path in EXPECTED]
# Spelled with protobuf JSON's liberties (camelCase, enum numbers, int64 numbers, …): they read
# fine, and go back in Gearment's own encoding rather than as they came.
OTHER_SPELLINGS = {"camel_case_payload", "enum_as_number", "money_encoding_variants"}


def _case(path):
    return path.name.split(".")[0]


def test_corpus_has_what_the_issue_asks_for():
    """At least a dozen pairs, and the error cases the issue names."""
    names = {_case(path) for path in EXPECTED}
    assert len(names) >= 12
    errors = {_case(path) for path in DIRECTORY.glob("*.error.json")}
    for wanted in ("error_nanos_out_of_range", "error_money_mixed_signs", "error_mixed_currencies",
                   "error_quantity_zero", "error_data_not_an_object", "error_envelope_status_error"):  # fmt: skip
        assert wanted in errors


@pytest.mark.parametrize("path", EXPECTED, ids=_case)
def test_expected_orders_are_valid_trackstar_orders(path):
    """Every expected file passes Trackstar's schema."""
    assert validate_trackstar(parse_json(path.read_bytes())) == []


@pytest.mark.parametrize("path", PAYLOADS, ids=_case)
def test_payloads_round_trip(path):
    """Own-encoding payloads come back exactly; the others come back as the same canonical order."""
    payload = parse_json(path.read_bytes())
    order = gearment.to_canonical(payload, observed_at=FIXTURE_OBSERVED_AT)
    written = gearment.from_canonical(order)
    if _case(path) not in OTHER_SPELLINGS:
        assert written == payload
    else:
        assert written != payload
    assert gearment.to_canonical(written, observed_at=FIXTURE_OBSERVED_AT) == order
