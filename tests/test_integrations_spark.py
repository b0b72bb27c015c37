"""
cartnorm.integrations.spark on a real Spark, in local mode (``local[2]``): every output row is
compared with what `cartnorm.normalize_many` gives in one process, and counts reconcile.
"""

from __future__ import annotations

import importlib
import re
import sys
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from pyspark import StorageLevel, cloudpickle  # the spark extra is part of the test extra: never skipped
from pyspark.sql import SparkSession

import cartnorm
from cartnorm.adapters.trackstar import ADAPTER as TRACKSTAR
from cartnorm.integrations import ORDER_COLUMNS, REJECTION_COLUMNS
from cartnorm.integrations._core import Job, outcomes
from cartnorm.integrations.spark import normalize_dataframe
from cartnorm.limits import DEFAULT_LIMITS
from conftest import REPO
from scale_corpus import corpus, reference

OBSERVED = datetime(2024, 11, 22, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def spark():
    """One local Spark for the module: 2 cores, quiet, small shuffles, this interpreter on the workers."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPARK_LOCAL_IP", "127.0.0.1")  # stay on the loopback interface
        session = _session()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _session():
    return (
        SparkSession.builder.master("local[2]")
        .appName("cartnorm-tests")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "500")  # several batches per partition
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .getOrCreate()
    )


@pytest.fixture(scope="module")
def texts():
    return corpus(3000)


def frame(spark, texts):
    """An (id, payload) DataFrame held by the JVM, split over the default 2 partitions."""
    return spark.createDataFrame(list(enumerate(texts)), "id long, payload string")


def output_rows(orders, rejections, texts):
    """Both outputs, collected, as reference-shaped rows keyed by the input's id."""
    got = {}
    for row in orders.collect():
        fields = row.asDict(recursive=True)
        fields["warnings"] = [(w["code"], w["path"], w["message"]) for w in fields["warnings"]]
        index = fields.pop("id")
        got[index] = {"ok": True, **fields}
    for row in rejections.collect():
        fields = row.asDict()
        index = fields.pop("id")
        assert fields.pop("payload") == texts[index], "a rejection must keep its payload as it came"
        assert index not in got, "a row is both an order and a rejection"
        got[index] = {"ok": False, **fields}
    return got


def test_every_row_equals_single_process(spark, texts):
    """3,000 records, 15% bad, 2 partitions of several Arrow batches: each row as normalize_many gives it."""
    df = frame(spark, texts)
    # Persisted, so the four actions below convert the records once (the default, unpersisted
    # path is compared row by row with the reference in the smaller tests further down).
    level = StorageLevel.MEMORY_AND_DISK
    orders, rejections = normalize_dataframe(df, source=TRACKSTAR, observed_at=OBSERVED, storage_level=level)
    assert orders.columns == ["id", *ORDER_COLUMNS]
    assert rejections.columns == ["id", "payload", *REJECTION_COLUMNS]

    expected = reference(texts, TRACKSTAR, OBSERVED)
    got = output_rows(orders, rejections, texts)
    assert len(got) == len(texts)
    mismatches = [index for index, row in enumerate(expected) if got[index] != row]
    assert not mismatches, f"{len(mismatches)} rows differ, first {mismatches[0]}: {got[mismatches[0]]}"

    accepted = sum(row["ok"] for row in expected)
    assert 0.8 * len(texts) < accepted < len(texts)
    counts = orders.count(), rejections.count()
    assert counts == (accepted, len(texts) - accepted)
    assert sum(counts) == df.count()
    kinds = {(row["error"], row["path"]) for row in expected if not row["ok"]}
    assert {("PayloadError", "$"), ("LimitExceededError", "$"), ("PayloadError", "$.total_price")} <= kinds
    spark.catalog.clearCache()


@pytest.mark.parametrize("source", ["trackstar", None], ids=["by-name", "detected"])
def test_source_by_name_or_detected(spark, texts, source):
    """A source named (resolved once per partition on the workers) or detected per record."""
    sample = texts[:300]
    orders, rejections = normalize_dataframe(frame(spark, sample), source=source, observed_at=OBSERVED)
    got = output_rows(orders, rejections, sample)
    assert [got[index] for index in range(len(sample))] == reference(sample, source, OBSERVED)


def test_other_columns_pass_through_and_null_payloads(spark, texts):
    """Columns of any type come out as they went in; a null payload is a rejection at $."""
    schema = (
        "id long, batch date, payload string, tags array<string>, meta struct<shop:string,n:int>, "
        "amount decimal(38,18), seen timestamp"
    )
    first = texts[:50]
    good = next(text for text, row in zip(first, reference(first, TRACKSTAR, OBSERVED), strict=True) if row["ok"])
    seen = datetime(2024, 1, 2, 3, 4, 5, 678901)  # noqa: DTZ001 - Spark timestamps come back naive, local time
    amount = Decimal("12345678901234567890.123456789012345678")
    rows = [
        (0, date(2024, 5, 1), good, ["a", "b"], ("shop-1", 7), amount, seen),
        (1, date(2024, 5, 2), None, [], ("shop-2", None), None, None),
        (2, None, "{bad", None, None, Decimal(0), seen),
    ]
    df = spark.createDataFrame(rows, schema)
    orders, rejections = normalize_dataframe(df, source=TRACKSTAR, observed_at=OBSERVED)
    assert orders.columns == ["id", "batch", "tags", "meta", "amount", "seen", *ORDER_COLUMNS]
    [order] = orders.collect()
    assert (order.id, order.batch, order.tags, tuple(order.meta), order.amount, order.seen) == (
        0,
        date(2024, 5, 1),
        ["a", "b"],
        ("shop-1", 7),
        amount,
        seen,
    )
    assert order.order == reference([good], TRACKSTAR, OBSERVED)[0]["order"]
    null, bad = sorted(rejections.collect())
    assert (null.id, null.payload, null.tags, null.path, null.error) == (1, None, [], "$", "PayloadError")
    assert "null" in null.message
    assert (bad.id, bad.batch, bad.path, bad.error) == (2, None, "$", "PayloadError")

    empty_orders, empty_rejections = normalize_dataframe(df.limit(0), source=TRACKSTAR)
    assert empty_orders.count() == empty_rejections.count() == 0


def test_binary_payloads(spark, texts):
    """A binary payload column (UTF-8 JSON bytes) gives the same rows as text."""
    sample = [text.encode() for text in texts[:300]]
    rows = [(index, bytearray(text)) for index, text in enumerate(sample)]
    df = spark.createDataFrame(rows, "id long, payload binary")
    orders, rejections = normalize_dataframe(df, source=TRACKSTAR, observed_at=OBSERVED)
    got = output_rows(orders, rejections, sample)
    assert [got[index] for index in range(len(sample))] == reference(sample, TRACKSTAR, OBSERVED)


def _stamped(payload: Any, *, observed_at: datetime | None = None, **options: Any) -> cartnorm.Normalized:
    """The trackstar adapter, but the order's trackstar_updated_date is the observed_at given."""
    order = TRACKSTAR.convert(payload, **options).order
    assert observed_at is not None
    return cartnorm.Normalized(attrs.evolve(order, trackstar_updated_date=observed_at))


STAMPING = attrs.evolve(TRACKSTAR, name="stamping", convert=_stamped)


def test_observed_at_is_pinned_once_on_the_driver(spark, texts):
    """Without observed_at, every worker stamps the one time taken on the driver; re-runs agree."""
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this module
    try:
        before = datetime.now(timezone.utc)
        sample = texts[:400]
        orders, rejections = normalize_dataframe(frame(spark, sample), source=STAMPING)
        first, again = output_rows(orders, rejections, sample), output_rows(orders, rejections, sample)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert first == again
    stamps = {cartnorm.loads(row["order"]).trackstar_updated_date for row in first.values() if row["ok"]}
    [stamp] = stamps
    assert before <= stamp <= datetime.now(timezone.utc)
    assert [first[index] for index in range(400)] == reference(sample, STAMPING, stamp)


def test_storage_level_converts_each_record_once_for_both_outputs(spark, texts):
    """With storage_level, computing both outputs converts each record once; without it, twice."""
    calls = spark.sparkContext.accumulator(0)

    def counting(payload: Any, **options: Any) -> cartnorm.Normalized:
        calls.add(1)
        return TRACKSTAR.convert(payload, **options)

    adapter = attrs.evolve(TRACKSTAR, name="counting", convert=counting)
    sample = texts[:400]
    expected = reference(sample, adapter, OBSERVED)
    passes = []
    for level in (None, StorageLevel.MEMORY_AND_DISK):
        calls.value = 0
        orders, rejections = normalize_dataframe(
            frame(spark, sample), source=adapter, observed_at=OBSERVED, storage_level=level
        )
        got = output_rows(orders, rejections, sample)
        assert [got[index] for index in range(len(sample))] == expected
        passes.append(calls.value)
    spark.catalog.clearCache()
    without, persisted = passes
    assert without == 2 * persisted > 0


def test_configuration_errors_are_raised_on_the_driver(spark):
    """Mistakes are reported before any data is read."""
    df = spark.createDataFrame([(1, "{}")], "id long, payload string")
    with pytest.raises(cartnorm.ConfigurationError, match="no column 'body'"):
        normalize_dataframe(df, "body")
    with pytest.raises(cartnorm.ConfigurationError, match="string or binary"):
        normalize_dataframe(df, "id")
    with pytest.raises(cartnorm.ConfigurationError, match=r"\['status'\]"):
        normalize_dataframe(df.withColumnRenamed("id", "Status"), source=TRACKSTAR)
    with pytest.raises(cartnorm.ConfigurationError, match="timezone-aware"):
        normalize_dataframe(df, source=TRACKSTAR, observed_at=datetime(2024, 1, 1))  # noqa: DTZ001
    with pytest.raises(cartnorm.ConfigurationError, match="no adapter named 'woocommerce'"):
        normalize_dataframe(df, source="woocommerce")


def test_missing_extra_names_it(monkeypatch):
    """Without PySpark, importing the integration says which extra to install."""
    for name in [name for name in sys.modules if name.split(".")[0] in ("pyspark", "py4j")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "cartnorm.integrations.spark")
    with pytest.raises(cartnorm.MissingDependencyError, match=re.escape("pip install 'cartnorm[spark]'")):
        importlib.import_module("cartnorm.integrations.spark")


def test_documented_example_runs(spark, tmp_path, monkeypatch):
    """docs/scale-out.md's Spark example (a ```python spark block) runs as written."""
    page = (REPO / "docs" / "scale-out.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python spark\n(.*?)^```", page, re.DOTALL | re.MULTILINE)
    assert blocks
    monkeypatch.chdir(REPO)
    namespace = {"spark": spark, "OUT": str(tmp_path), "__name__": "docs_scale_out"}
    for block in blocks:
        exec(compile(block, "docs/scale-out.md", "exec"), namespace)


def test_order_tables_equal_to_arrow(spark, texts):
    """order_tables gives, per table, the rows and types cartnorm.to_arrow gives in one process."""
    from cartnorm.integrations.spark import order_tables

    few = texts[:300]
    orders, _ = normalize_dataframe(frame(spark, few), source=TRACKSTAR, observed_at=OBSERVED)
    tables = order_tables(orders)
    job = Job.create(TRACKSTAR, OBSERVED, {}, DEFAULT_LIMITS)
    results = [outcome for outcome in outcomes(few, job) if outcome.ok]
    expected = cartnorm.to_arrow(results)
    assert tables["orders"].schema["total_price"].dataType.simpleString() == "decimal(38,20)"
    for name in ("orders", "line_items", "shipments", "shipment_line_items", "warnings"):
        got = sorted(tables[name].toArrow().to_pylist(), key=repr)
        assert got == sorted(getattr(expected, name).to_pylist(), key=repr), name
