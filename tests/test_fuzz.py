"""
Fuzzing: whatever arrives, normalize returns a valid order or raises a CartnormError with a path.

Any other exception is a bug. CI runs a bounded number of examples (the ``ci`` profile);
``HYPOTHESIS_PROFILE=thorough`` runs thousands (see the README's "Hardening" section).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cartnorm
from cartnorm._json import parse_json
from cartnorm.errors import CartnormError
from cartnorm.registry import detectable_adapters
from conftest import FIXTURES
from strategies.mutations import arbitrary_json, mutated

#: Every adapter detection chooses among (the registry's list) that has fixture payloads to break.
VENDORS = tuple(adapter.name for adapter in detectable_adapters() if (FIXTURES / adapter.name).is_dir())
PAYLOADS = {
    vendor: [
        parse_json(path.read_bytes())
        for path in sorted((FIXTURES / vendor).glob("*.payload.json"))
        if not path.name.startswith("error_")
    ]
    for vendor in VENDORS
}


def _outcome(payload, source):
    """Normalize; a CartnormError must carry a JSON path; an order must pass Trackstar's schema."""
    try:
        order = cartnorm.normalize(payload, source)
    except CartnormError as error:
        path = getattr(error, "path", "$")
        assert isinstance(path, str) and path.startswith("$"), error
        return error
    assert cartnorm.validate_trackstar(cartnorm.to_trackstar(order)) == []
    assert cartnorm.loads(cartnorm.dumps(order)) == order
    return order


@given(arbitrary_json, st.sampled_from([None, *VENDORS]))
def test_arbitrary_json_never_escapes(payload, source):
    """Random JSON values (hostile numbers, surrogates, NaN …) give an order or a CartnormError."""
    _outcome(payload, source)


@pytest.mark.parametrize("vendor", VENDORS)
@given(data=st.data())
def test_mutated_payloads_never_escape(vendor, data):
    """Valid payloads broken in one to three places give an order or a CartnormError with a path."""
    payload = data.draw(mutated(PAYLOADS[vendor]))
    _outcome(payload, data.draw(st.sampled_from([None, vendor])))


@pytest.mark.parametrize("vendor", VENDORS)
@given(data=st.data())
def test_batches_lose_nothing(vendor, data):
    """Good and bad records mixed at random: in == accepted + rejected, order kept, records carried."""
    records = data.draw(
        st.lists(st.sampled_from(PAYLOADS[vendor]) | mutated(PAYLOADS[vendor]) | arbitrary_json, max_size=6)
    )
    results = list(cartnorm.normalize_many(records))
    assert [result.position for result in results] == list(range(len(records)))
    for result, record in zip(results, records, strict=True):
        if not result.ok:
            assert result.record is record and result.path.startswith("$")
