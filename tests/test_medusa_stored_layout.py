"""
``additional_fields["medusa"]`` on the lossless engine: the stored layout is the one cartnorm
wrote before the engine (a patch and absent paths), byte for byte, and the engine computes it
as its definition says (`cartnorm.lossless.patch_of`), on real and on damaged payloads.

``tests/data/medusa-layout-before-the-engine.jsonl.gz`` holds the entries cartnorm wrote before
the engine (commit ddb1f58, `_residue.diff`): one line per Medusa fixture payload parsed exactly,
and one per payload parsed by ``json.loads`` (``"parser"``). Canonical orders stored by that
version must keep converting back, and today's conversion must write what it wrote.
"""

from __future__ import annotations

import copy
import gzip
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cartnorm import Limits, dumps
from cartnorm._json import encode_json, parse_json
from cartnorm.adapters import medusa
from cartnorm.adapters.medusa import _layout
from cartnorm.adapters.medusa._from_canonical import regenerate
from cartnorm.adapters.medusa._reading import unwrap
from cartnorm.conformance import FIXTURE_OBSERVED_AT
from cartnorm.errors import CartnormError
from cartnorm.lossless import patch_of
from strategies.medusa import medusa_payloads
from strategies.mutations import mutated

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "medusa"
STORED = Path(__file__).resolve().parent / "data" / "medusa-layout-before-the-engine.jsonl.gz"
PAYLOADS = [parse_json(path.read_bytes()) for path in sorted(FIXTURES.glob("*.payload.json"))]


def _stored() -> list[dict[str, Any]]:
    with gzip.open(STORED, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


RECORDS = _stored()


def _payload_and_options(record: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    path = FIXTURES / f"{record['case']}.payload.json"
    payload = json.loads(path.read_text()) if "parser" in record else parse_json(path.read_bytes())
    options_path = path.with_name(path.name.replace(".payload.", ".options."))
    return payload, (json.loads(options_path.read_text()) if options_path.exists() else {})


@pytest.mark.parametrize("limits", [None, Limits()], ids=["payload", "bounded-copy"])
@pytest.mark.parametrize(
    "record", RECORDS, ids=[f"{record['case']}-{record.get('parser', 'exact')}" for record in RECORDS]
)
def test_orders_stored_before_the_engine_convert_back_and_are_written_the_same(record, limits):
    """Read from the payload itself (no limits) or from a bounded copy, the same entry."""
    payload, options = _payload_and_options(record)
    snapshot = copy.deepcopy(payload)
    order = medusa.to_canonical(payload, observed_at=FIXTURE_OBSERVED_AT, limits=limits, **options)
    assert payload == snapshot
    assert json.loads(dumps(order))["additional_fields"]["medusa"] == record["medusa"]
    entry = parse_json(json.dumps(record["medusa"]).encode())  # as a stored order reads it: exact decimals
    stored = attrs.evolve(order, additional_fields={**order.additional_fields, "medusa": entry})
    assert medusa.from_canonical(stored) == payload


def _agrees_with_the_definition(payload: Any, limits: Limits | None = None) -> None:
    """
    The stored patch and absent paths are patch_of(the order sent, what the reverse writes).
    (Damaged payloads may mix floats with Decimals, which no parser makes: the round trip's
    number types are not checked here, only the patch.)
    """
    try:
        order = medusa.to_canonical(payload, observed_at=OBSERVED, limits=limits)
    except (CartnormError, RecursionError):
        return
    hints, patch, absent = _layout.read_hints(order.additional_fields)
    inner, _, _, _ = unwrap(payload)
    expected_patch, expected_absent = patch_of(inner, regenerate(order, hints))
    assert absent == expected_absent
    assert encode_json(patch) == encode_json(expected_patch)  # key order and number texts too


@given(medusa_payloads, st.sampled_from([None, Limits()]))
def test_the_engine_computes_its_definition_on_payloads(payload, limits):
    _agrees_with_the_definition(payload, limits)


@given(st.data(), st.sampled_from([None, Limits()]))
def test_the_engine_computes_its_definition_on_damaged_payloads(data, limits):
    _agrees_with_the_definition(data.draw(mutated(PAYLOADS)), limits)
