"""The ETL surface: normalize, normalize_many (lazy, ordered, reconciling), warnings."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cartnorm
from cartnorm.errors import ConfigurationError, PayloadError
from conftest import FIXTURES
from strategies.canonical import cart_orders

bad_records = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


documents = cart_orders(max_line_items=1, signed=False).map(cartnorm.to_trackstar)


@given(st.lists(st.one_of(documents, bad_records), max_size=8))
def test_counts_reconcile_and_order_is_kept(records):
    """Records in == accepted + rejected, positions run 0..n-1, rejections keep their record."""
    results = list(cartnorm.normalize_many(records, "trackstar"))
    assert [result.position for result in results] == list(range(len(records)))
    for result, record in zip(results, records, strict=True):
        if result.ok:
            assert cartnorm.to_trackstar(result.order) == record
        else:
            assert result.record is record
            assert result.path.startswith("$") and result.message and result.error


def test_normalize_many_is_lazy(sample_order):
    """Nothing is read before it is asked for: an endless input streams."""
    endless = itertools.repeat(sample_order)
    first_three = list(itertools.islice(cartnorm.normalize_many(endless, "trackstar"), 3))
    assert [result.position for result in first_three] == [0, 1, 2]


def test_on_error_raise_stops_at_the_first_bad_record(sample_order):
    """on_error='raise' re-raises the first data error, with its path."""
    records = [sample_order, {**sample_order, "id": 7}, sample_order]
    with pytest.raises(PayloadError) as caught:
        list(cartnorm.normalize_many(records, "trackstar", on_error="raise"))
    assert caught.value.path == "$.id"


def test_configuration_errors_are_not_rejections(sample_order):
    """A wrong source name or on_error value would reject everything: it raises instead."""
    with pytest.raises(ConfigurationError):
        list(cartnorm.normalize_many([sample_order], "nope"))
    with pytest.raises(ConfigurationError):
        list(cartnorm.normalize_many([sample_order], "trackstar", on_error="ignore"))
    with pytest.raises(ConfigurationError):
        list(cartnorm.normalize_many([sample_order], "trackstar", colour="blue"))


def test_rejection_json_carries_everything(sample_order):
    """A rejection serialises with its position, path, error, message and record."""
    (rejection,) = cartnorm.normalize_many([{**sample_order, "status": "shipped"}], "trackstar")
    line = rejection.to_json()
    assert line["position"] == 0 and line["path"] == "$.status" and line["error"] == "PayloadError"
    assert line["record"]["status"] == "shipped" and "expected one of" in line["message"]


def test_single_record_round_trip(sample_order):
    """normalize and denormalize by name; convert returns warnings beside the order."""
    order = cartnorm.normalize(sample_order, "trackstar")
    assert cartnorm.denormalize(order, "trackstar") == cartnorm.to_trackstar(order)
    result = cartnorm.convert(sample_order, "trackstar")
    assert result.order == order and result.warnings == ()


def test_denormalize_refuses_an_option_from_canonical_does_not_take():
    """Options go to convert; one given to denormalize that from_canonical cannot take is a ConfigurationError."""
    payload = json.loads((FIXTURES / "medusa" / "usd_shipped_captured.payload.json").read_text())
    order = cartnorm.normalize(payload, "medusa")
    with pytest.raises(ConfigurationError, match="medusa adapter's from_canonical takes no option 'exponents'"):
        cartnorm.denormalize(order, "medusa", exponents={"KWD": 2})
    assert cartnorm.denormalize(order, "medusa") == payload
