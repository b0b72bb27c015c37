"""
cartnorm.integrations.dlt in a real dlt pipeline into dlt's DuckDB destination (files in a tmp
directory, no network): decimal columns from the table schema, the merge rule, the incremental
cursor, rejects as their own resource.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import dlt
import duckdb
import pytest

import cartnorm
from cartnorm._json import parse_json
from cartnorm.integrations.dlt import NESTED_TABLES, column_hints, trackstar_orders
from cartnorm.table_schema import ORDERS, MoneyType, table
from conftest import FIXTURES

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)
SAMPLES = FIXTURES / "samples" / "orders.jsonl"


@pytest.fixture
def pipeline(tmp_path, monkeypatch):
    monkeypatch.setenv("RUNTIME__LOG_LEVEL", "WARNING")
    monkeypatch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
    database = tmp_path / "shop.duckdb"
    made = dlt.pipeline(
        "cartnorm_test",
        destination=dlt.destinations.duckdb(str(database)),
        dataset_name="trackstar",
        pipelines_dir=str(tmp_path / "pipelines"),
    )
    made.database_path = database  # type: ignore[attr-defined]
    return made


def _query(pipeline, sql):
    with duckdb.connect(str(pipeline.database_path), read_only=True) as connection:
        connection.execute("SET schema = 'trackstar'")
        return connection.execute(sql).fetchall()


def _samples():
    return [parse_json(line) for line in SAMPLES.read_text().splitlines()]


def test_orders_load_with_exact_decimals_keys_and_rejects(pipeline):
    """The samples: one row per (source, id), the newest snapshot, DECIMAL(38,20) sums equal Python's, 2 rejects."""
    info = pipeline.run(trackstar_orders(_samples(), observed_at=OBSERVED))
    assert not info.has_failed_jobs
    latest: dict[tuple[str, str], cartnorm.Accepted] = {}
    for result in cartnorm.normalize_many(_samples(), observed_at=OBSERVED):
        if result.ok and (
            (result.source, result.order.id) not in latest
            or result.order.updated_date > latest[(result.source, result.order.id)].order.updated_date
        ):
            latest[(result.source, result.order.id)] = result
    assert sorted(_query(pipeline, "SELECT source, id FROM orders")) == sorted(latest)
    types = dict(_query(pipeline, "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'orders'"))
    assert types["total_price"] == "DECIMAL(38,20)" and types["updated_date"] == "TIMESTAMP WITH TIME ZONE"
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for result in latest.values():
        sums[result.order.invoice_currency_code] += result.order.total_price or 0
    assert dict(_query(pipeline, "SELECT invoice_currency_code, sum(total_price) FROM orders GROUP BY 1")) == sums
    lines = sum(len(result.order.line_items) for result in latest.values())
    assert _query(
        pipeline, "SELECT count(*), count(DISTINCT (source, order_id, line_item_id)) FROM orders__line_items"
    ) == [(lines, lines)]
    orphans = "SELECT count(*) FROM orders__shipments s ANTI JOIN orders o ON o.source = s.source AND o.id = s.order_id"
    assert _query(pipeline, orphans) == [(0,)]
    assert sorted(_query(pipeline, "SELECT path, error FROM rejects")) == [
        ("$.order.items[0].unit_price", "MoneyError"),
        ("$.order_total.nanos", "MoneyError"),
    ]


def _snapshot(hours: int, lines: int) -> dict:
    document = parse_json((FIXTURES / "trackstar" / "full_order.payload.json").read_bytes())
    updated = cartnorm.from_trackstar(document).updated_date + timedelta(hours=hours)
    document["updated_date"] = updated.strftime("%Y-%m-%dT%H:%M:%SZ")
    document["line_items"] = document["line_items"][:lines]
    return document


def test_merge_rule_and_incremental_cursor(pipeline):
    """Same input twice: nothing changes; a newer snapshot replaces the nested rows; an older one is skipped."""

    def run(*documents):
        info = pipeline.run(trackstar_orders(list(documents), source="trackstar", observed_at=OBSERVED))
        assert not info.has_failed_jobs
        return (
            _query(pipeline, "SELECT strftime(updated_date, '%H') FROM orders"),
            _query(pipeline, "SELECT count(*) FROM orders__line_items"),
        )

    first, edited = _snapshot(0, 2), _snapshot(3, 1)
    loaded = run(first)
    assert loaded[1] == [(2,)]
    assert run(first) == loaded  # the same input again
    newer = run(edited)
    assert newer[1] == [(1,)] and newer[0] != loaded[0]  # the removed line is gone
    assert run(first) == newer  # an older snapshot never overwrites the newer one


def test_two_snapshots_in_one_load_keep_the_newer(pipeline):
    """Without the cursor (a backlog), the newest of one load's snapshots wins, with its own nested rows."""
    info = pipeline.run(
        trackstar_orders(
            [_snapshot(3, 1), _snapshot(0, 2)], source="trackstar", observed_at=OBSERVED, incremental=False
        )
    )
    assert not info.has_failed_jobs
    assert _query(pipeline, "SELECT count(*) FROM orders") == [(1,)]
    assert _query(pipeline, "SELECT count(*) FROM orders__line_items") == [(1,)]


def test_hints_come_from_the_table_schema():
    """Every column of every table has its hint: decimals with the money type's precision and scale."""
    hints = column_hints(ORDERS, MoneyType(18, 4))
    assert hints["total_price"] == {
        "name": "total_price",
        "data_type": "decimal",
        "nullable": True,
        "precision": 18,
        "scale": 4,
    }
    assert hints["created_date"]["data_type"] == "timestamp" and hints["created_date"]["timezone"] is True
    assert set(NESTED_TABLES) == {
        "line_items",
        "shipping_groups",
        "shipping_group_line_items",
        "shipments",
        "shipment_line_items",
        "warnings",
    }
    assert all(table(name) for name in NESTED_TABLES)
