"""
cartnorm.integrations.dask on Dask's local schedulers (worker processes for bags, threads for
DataFrames): every output row is compared with `cartnorm.normalize_many` in one process, and
counts reconcile.
"""

from __future__ import annotations

import importlib
import re
import sys
from datetime import datetime, timezone
from typing import Any

import attrs
import dask
import dask.bag as db
import dask.dataframe as dd
import pandas as pd
import pytest

import cartnorm
from cartnorm.adapters.trackstar import ADAPTER as TRACKSTAR
from cartnorm.integrations import ORDER_COLUMNS, REJECTION_COLUMNS
from cartnorm.integrations._core import Job, outcomes
from cartnorm.integrations.dask import normalize_bag, normalize_dataframe
from cartnorm.limits import DEFAULT_LIMITS
from scale_corpus import corpus, reference

OBSERVED = datetime(2024, 11, 22, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def texts():
    return corpus(3000)


@pytest.fixture(scope="module")
def expected(texts):
    return reference(texts, TRACKSTAR, OBSERVED)


def bag_rows(orders, rejections, texts):
    """Both bags' rows, as reference-shaped rows in input order (each position exactly once)."""
    got: dict[int, dict[str, Any]] = {}
    for row in orders:
        row = dict(row)
        row["warnings"] = [(w["code"], w["path"], w["message"]) for w in row["warnings"]]
        position = row.pop("position")
        got[position] = {"ok": True, **row}
    for row in rejections:
        row = dict(row)
        position = row.pop("position")
        assert row.pop("payload") == texts[position], "a rejection must keep its payload as it came"
        assert position not in got, "a record is both an order and a rejection"
        got[position] = {"ok": False, **row}
    assert sorted(got) == list(range(len(texts)))
    return [got[position] for position in range(len(texts))]


def test_bag_every_row_equals_single_process(texts, expected):
    """3,000 texts in 7 uneven partitions, on 2 worker processes: every row, its position, the counts."""
    bag = db.from_sequence(texts, npartitions=7)
    orders, rejections = normalize_bag(bag, source=TRACKSTAR, observed_at=OBSERVED)
    got_orders, got_rejections, *counts = dask.compute(
        orders, rejections, bag.count(), orders.count(), rejections.count(), scheduler="processes", num_workers=2
    )
    assert [row["position"] for row in got_orders] == sorted(row["position"] for row in got_orders)
    assert list(got_orders[0]) == ["position", *ORDER_COLUMNS]
    assert list(got_rejections[0]) == ["position", "payload", *REJECTION_COLUMNS]
    rows = bag_rows(got_orders, got_rejections, texts)
    mismatches = [index for index, row in enumerate(expected) if rows[index] != row]
    assert not mismatches, f"{len(mismatches)} rows differ, first {mismatches[0]}: {rows[mismatches[0]]}"

    accepted = sum(row["ok"] for row in expected)
    assert 0.8 * len(texts) < accepted < len(texts)
    assert counts == [len(texts), accepted, len(texts) - accepted]


@pytest.mark.parametrize("source", ["trackstar", None], ids=["by-name", "detected"])
def test_bag_source_by_name_or_detected(texts, source):
    """A source named (resolved once per partition) or detected per record."""
    sample = texts[:300]
    orders, rejections = normalize_bag(db.from_sequence(sample, npartitions=3), source=source, observed_at=OBSERVED)
    got = bag_rows(*dask.compute(orders, rejections, scheduler="threads"), sample)
    assert got == reference(sample, source, OBSERVED)


def test_bag_of_bytes_and_nulls(texts):
    """Bytes are JSON text too; a None is a rejection at $ and keeps its place."""
    sample = [*(text.encode() for text in texts[:200]), None]
    orders, rejections = normalize_bag(db.from_sequence(sample, npartitions=2), source=TRACKSTAR, observed_at=OBSERVED)
    rows = bag_rows(*dask.compute(orders, rejections, scheduler="sync"), sample)
    assert rows[:200] == reference(sample[:200], TRACKSTAR, OBSERVED)
    assert (rows[200]["path"], rows[200]["error"]) == ("$", "PayloadError")
    assert "null" in rows[200]["message"]


def test_dataframe_every_row_equals_single_process(texts, expected):
    """A DataFrame in 4 partitions keeps its index and other columns; every row as normalize_many gives it."""
    frame = pd.DataFrame(
        {"shop": [f"shop-{index % 5}" for index in range(len(texts))], "payload": texts},
        index=pd.Index([1000 + 3 * index for index in range(len(texts))], name="record"),
    )
    df = dd.from_pandas(frame, npartitions=4)
    orders, rejections = normalize_dataframe(df, source=TRACKSTAR, observed_at=OBSERVED)
    got_orders, got_rejections, *counts = dask.compute(
        orders, rejections, df.shape[0], orders.shape[0], rejections.shape[0]
    )
    assert list(got_orders.columns) == ["shop", *ORDER_COLUMNS]
    assert list(got_rejections.columns) == ["shop", "payload", *REJECTION_COLUMNS]

    got: dict[int, dict[str, Any]] = {}
    for record, fields in got_orders.to_dict("index").items():
        assert fields.pop("shop") == frame.loc[record, "shop"]
        fields["warnings"] = [(w["code"], w["path"], w["message"]) for w in fields["warnings"]]
        got[record] = {"ok": True, **fields}
    for record, fields in got_rejections.to_dict("index").items():
        assert (fields.pop("shop"), fields.pop("payload")) == tuple(frame.loc[record, ["shop", "payload"]])
        assert record not in got
        got[record] = {"ok": False, **fields}
    assert [got[record] for record in frame.index] == expected
    assert counts == [len(texts), sum(row["ok"] for row in expected), sum(not row["ok"] for row in expected)]


def test_dataframe_missing_payloads(texts):
    """A missing payload (None or NaN) is a rejection at $; other rows are unaffected."""
    first = texts[:50]
    good = next(text for text, row in zip(first, reference(first, TRACKSTAR, OBSERVED), strict=True) if row["ok"])
    frame = pd.DataFrame({"id": [1, 2, 3], "payload": [good, None, float("nan")]})
    orders, rejections = normalize_dataframe(dd.from_pandas(frame, npartitions=2), source=TRACKSTAR)
    got_orders, got_rejections = dask.compute(orders, rejections)
    assert got_orders["id"].tolist() == [1]
    assert got_rejections["id"].tolist() == [2, 3]
    assert set(got_rejections["path"]) == {"$"} and set(got_rejections["error"]) == {"PayloadError"}


def _stamped(payload: Any, *, observed_at: datetime | None = None, **options: Any) -> cartnorm.Normalized:
    """The trackstar adapter, but the order's trackstar_updated_date is the observed_at given."""
    order = TRACKSTAR.convert(payload, **options).order
    assert observed_at is not None
    return cartnorm.Normalized(attrs.evolve(order, trackstar_updated_date=observed_at))


STAMPING = attrs.evolve(TRACKSTAR, name="stamping", convert=_stamped)


def test_observed_at_is_pinned_once_on_the_client(texts):
    """Without observed_at, every task stamps the one time taken when the graph was built."""
    sample = texts[:300]
    before = datetime.now(timezone.utc)
    orders, rejections = normalize_bag(db.from_sequence(sample, npartitions=4), source=STAMPING)
    first = bag_rows(*dask.compute(orders, rejections, scheduler="threads"), sample)
    again = bag_rows(*dask.compute(orders, rejections, scheduler="threads"), sample)
    assert first == again
    [stamp] = {cartnorm.loads(row["order"]).trackstar_updated_date for row in first if row["ok"]}
    assert before <= stamp <= datetime.now(timezone.utc)
    assert first == reference(sample, STAMPING, stamp)


def test_configuration_errors_are_raised_on_the_client():
    """Mistakes are reported when the graph is built, before any data is read."""
    df = dd.from_pandas(pd.DataFrame({"id": [1], "payload": ["{}"]}), npartitions=1)
    with pytest.raises(cartnorm.ConfigurationError, match="no column 'body'"):
        normalize_dataframe(df, "body")
    with pytest.raises(cartnorm.ConfigurationError, match=r"\['error'\]"):
        normalize_dataframe(df.rename(columns={"id": "error"}), source=TRACKSTAR)
    with pytest.raises(cartnorm.ConfigurationError, match="timezone-aware"):
        normalize_bag(db.from_sequence(["{}"]), observed_at=datetime(2024, 1, 1))  # noqa: DTZ001
    with pytest.raises(cartnorm.ConfigurationError, match="no adapter named 'woocommerce'"):
        normalize_bag(db.from_sequence(["{}"]), source="woocommerce")


def test_missing_extra_names_it(monkeypatch):
    """Without Dask, importing the integration says which extra to install."""
    for name in [name for name in sys.modules if name.split(".")[0] == "dask"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "cartnorm.integrations.dask")
    with pytest.raises(cartnorm.MissingDependencyError, match=re.escape("pip install 'cartnorm[dask]'")):
        importlib.import_module("cartnorm.integrations.dask")


def test_order_tables_equal_to_arrow(texts):
    """order_tables gives, per table, the rows and Arrow types cartnorm.to_arrow gives in one process."""
    from cartnorm.integrations.dask import order_tables

    few = texts[:300]
    orders, _ = normalize_bag(db.from_sequence(few, npartitions=3), source=TRACKSTAR, observed_at=OBSERVED)
    tables = order_tables(orders)
    frames = dict(zip(tables, dask.compute(*tables.values(), scheduler="sync"), strict=True))
    job = Job.create(TRACKSTAR, OBSERVED, {}, DEFAULT_LIMITS)
    results = [outcome for outcome in outcomes(few, job) if outcome.ok]
    expected = cartnorm.to_arrow(results)
    for name, arrow_table in expected.items():
        frame = frames[name]
        assert [str(t) for t in frame.dtypes] == [f"{f.type}[pyarrow]" for f in arrow_table.schema], name
        if name != "rejects":  # positions of refused orders count within a partition
            assert frame.to_dict("records") == arrow_table.to_pandas(types_mapper=pd.ArrowDtype).to_dict("records"), (
                name
            )
    assert len(frames["orders"]) == expected.num_orders and len(frames["line_items"]) > 0
    assert len(frames["rejects"]) == expected.rejects.num_rows == len(results) - expected.num_orders
