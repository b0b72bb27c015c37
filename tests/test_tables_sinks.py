"""
``cartnorm normalize --to duckdb:FILE`` and ``--to parquet:DIR``, run as a user runs them and
queried back with DuckDB: exact sums, counts, unique keys, children keyed to their orders, and
the merge rule (re-runs, newer and older snapshots, failed runs).
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

import cartnorm
from cartnorm._json import encode_json, parse_json
from cartnorm.cli import main
from cartnorm.registry import available_adapters
from cartnorm.table_schema import CHILD_TABLES, TABLES
from cartnorm.tables import _parquet, _sort
from conftest import FIXTURES, REPO

OBSERVED = "2026-01-01T00:00:00Z"
SAMPLES = FIXTURES / "samples" / "orders.jsonl"
FULL_ORDER = FIXTURES / "trackstar" / "full_order.payload.json"
KINDS = ("duckdb", "parquet")


def _mixed_fixtures(tmp_path: Path) -> Path:
    """Every real fixture payload of every adapter (the registry's), good and bad, in one JSON Lines file."""
    vendors = list(available_adapters())
    assert {"medusa", "gearment", "shopify", "trackstar"} <= set(vendors)
    payloads = sorted(itertools.chain.from_iterable(FIXTURES.glob(f"{d}/*.payload.json") for d in vendors))
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(encode_json(parse_json(p.read_bytes())) + "\n" for p in payloads), encoding="utf-8")
    return path


def _load(capsys, kind: str, target: Path, *inputs: Path, extra: tuple[str, ...] = ()) -> tuple[int, str]:
    code = main(
        [
            "normalize",
            *map(str, inputs),
            "--to",
            f"{kind}:{target}",
            "--observed-at",
            OBSERVED,
            "--jobs",
            "1",
            "--allow-rejects",
            *extra,
        ]
    )
    return code, capsys.readouterr().err


def _connect(kind: str, target: Path) -> duckdb.DuckDBPyConnection:
    """A connection where every table is a view (or table) named like the schema's."""
    if kind == "duckdb":
        return duckdb.connect(str(target), read_only=True)
    connection = duckdb.connect()
    for table in TABLES:
        connection.execute(f"CREATE VIEW {table.name} AS SELECT * FROM read_parquet('{target / table.name}/*.parquet')")
    return connection


def _expected(*inputs: Path) -> dict[tuple[str, str], cartnorm.Accepted]:
    """The merge rule in plain Python: per (source, id), the snapshot with the latest updated_date (first on ties)."""
    records = [
        parse_json(line) for path in inputs for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    observed = datetime(2026, 1, 1, tzinfo=timezone.utc)
    kept: dict[tuple[str, str], cartnorm.Accepted] = {}
    for result in cartnorm.normalize_many(records, observed_at=observed):
        if result.ok:
            key = (result.source, result.order.id)
            if key not in kept or result.order.updated_date > kept[key].order.updated_date:
                kept[key] = result
    return kept


def _check_tables(connection, expected: dict[tuple[str, str], cartnorm.Accepted]) -> None:
    orders = [result.order for result in expected.values()]
    # counts and keys
    assert connection.execute("SELECT count(*) FROM orders").fetchone()[0] == len(expected)
    assert sorted(connection.execute("SELECT source, id FROM orders").fetchall()) == sorted(expected)
    for table in TABLES:
        key = ", ".join(table.key)
        duplicates = connection.execute(
            f"SELECT count(*) FROM (SELECT {key} FROM {table.name} GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]
        assert duplicates == 0, table.name
    for table in CHILD_TABLES:
        orphans = connection.execute(
            f"SELECT count(*) FROM {table.name} c ANTI JOIN orders o ON o.source = c.source AND o.id = c.order_id"
        ).fetchone()[0]
        assert orphans == 0, table.name
    orphans = connection.execute(
        "SELECT count(*) FROM shipment_line_items p ANTI JOIN shipments s "
        "ON s.source = p.source AND s.order_id = p.order_id AND s.shipment_id = p.shipment_id"
    ).fetchone()[0]
    assert orphans == 0
    assert connection.execute("SELECT count(*) FROM line_items").fetchone()[0] == sum(len(o.line_items) for o in orders)
    assert connection.execute("SELECT count(*) FROM shipments").fetchone()[0] == sum(len(o.shipments) for o in orders)
    parts = sum(len(s.line_items) for o in orders for s in o.shipments)
    assert connection.execute("SELECT count(*) FROM shipment_line_items").fetchone()[0] == parts
    warnings = sum(len(result.warnings) for result in expected.values())
    assert connection.execute("SELECT count(*) FROM warnings").fetchone()[0] == warnings
    # exact sums, per currency, to the last digit
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for order in orders:
        totals = sums[order.invoice_currency_code]
        totals[0] += order.total_price or 0
        totals[1] += order.total_tax or 0
        totals[2] += sum(((line.unit_price or 0) * line.quantity for line in order.line_items), Decimal(0))
    got = connection.execute(
        "SELECT o.invoice_currency_code, coalesce(sum(o.total_price), 0), coalesce(sum(o.total_tax), 0), "
        "(SELECT coalesce(sum(l.unit_price * l.quantity), 0) FROM line_items l JOIN orders p "
        " ON p.source = l.source AND p.id = l.order_id WHERE p.invoice_currency_code = o.invoice_currency_code) "
        "FROM orders o GROUP BY 1"
    ).fetchall()
    assert {row[0]: list(row[1:]) for row in got} == dict(sums)
    assert all(value.is_finite() for totals in sums.values() for value in totals)


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_samples_load_exactly(capsys, tmp_path, kind):
    """The README's samples: 12 orders (6 distinct, the later snapshots kept), 2 rejects, exact sums."""
    target = tmp_path / ("orders.duckdb" if kind == "duckdb" else "out")
    code, err = _load(capsys, kind, target, SAMPLES)
    assert code == 0, err
    assert "14 records → 12 orders, 2 rejected" in err
    with _connect(kind, target) as connection:
        _check_tables(connection, _expected(SAMPLES))
        rejects = connection.execute("SELECT path, error, input, line FROM rejects ORDER BY line").fetchall()
        assert rejects == [
            ("$.order.items[0].unit_price", "MoneyError", str(SAMPLES), 11),
            ("$.order_total.nanos", "MoneyError", str(SAMPLES), 13),
        ]
        record = connection.execute("SELECT record FROM rejects WHERE line = 11").fetchone()[0]
        assert parse_json(record) == parse_json(SAMPLES.read_text().splitlines()[10])  # kept whole


@pytest.mark.parametrize("kind", KINDS)
def test_mixed_real_fixtures_load_exactly_and_reruns_change_nothing(capsys, tmp_path, kind):
    """Every real fixture, vendors mixed: tables equal the Python results; loading it again leaves identical tables."""
    mixed = _mixed_fixtures(tmp_path)
    target = tmp_path / ("orders.duckdb" if kind == "duckdb" else "out")
    _load(capsys, kind, target, mixed)
    expected = _expected(mixed)
    assert len(expected) >= 5  # many fixtures are snapshots of the same few orders: the merge rule decides
    with _connect(kind, target) as connection:
        _check_tables(connection, expected)
        before = {t.name: connection.execute(f"SELECT * FROM {t.name} ORDER BY ALL").fetchall() for t in TABLES}
        assert before["rejects"], "the fixtures' error cases are rejects"
    code, err = _load(capsys, kind, target, mixed)
    assert code == 0 and "0 orders added, 0 replaced" in err
    with _connect(kind, target) as connection:
        after = {t.name: connection.execute(f"SELECT * FROM {t.name} ORDER BY ALL").fetchall() for t in TABLES}
    assert after == before


def test_parquet_datasets_are_sorted_by_key_whether_or_not_the_sort_spills(capsys, tmp_path, monkeypatch):
    """The Parquet sink's own sort (runs spilled and merged in rounds) writes what one sort in memory writes."""
    mixed = _mixed_fixtures(tmp_path)
    backwards = tmp_path / "backwards.jsonl"
    backwards.write_text("".join(reversed(mixed.read_text(encoding="utf-8").splitlines(keepends=True))), "utf-8")

    def load(target: Path) -> dict[str, list[dict[str, object]]]:
        for source in (backwards, SAMPLES):  # the second run merges into stored datasets
            code, err = _load(capsys, "parquet", target, source)
            assert code == 0, err
        return {t.name: pq.read_table(target / t.name / _parquet.PART).to_pylist() for t in TABLES}

    in_memory = load(tmp_path / "in-memory")
    monkeypatch.setattr(_parquet, "_MIN_ROWS", 1)
    monkeypatch.setattr(_parquet, "_BATCH_BYTES", 1)  # batches of one row from DuckDB
    monkeypatch.setattr(_sort, "RUN_BYTES", 2_000)  # runs of a few rows, spilled
    monkeypatch.setattr(_sort, "READ_BYTES", 500)
    monkeypatch.setattr(_sort, "FAN_IN", 2)  # merged in rounds
    rounds: list[int] = []
    spill_merged = _sort._spill_merged

    def counted(runs, *rest):
        rounds.append(len(runs))
        return spill_merged(runs, *rest)

    monkeypatch.setattr(_sort, "_spill_merged", counted)
    spilled = load(tmp_path / "spilled")
    assert rounds, "the sort did not merge in rounds"
    assert spilled == in_memory
    for table in TABLES:
        keys = [tuple(row[name] for name in table.key) for row in spilled[table.name]]
        assert keys == sorted(set(keys)), table.name  # sorted (by UTF-8 bytes, as DuckDB), one row per key
    assert len(spilled["orders"]) >= 5 and spilled["rejects"]


def _snapshot(tmp_path: Path, name: str, hours: int, lines: int, shipments: int) -> Path:
    """A Trackstar snapshot of one order, updated ``hours`` after the fixture's, with fewer lines or parcels."""
    document = parse_json(FULL_ORDER.read_bytes())
    updated = cartnorm.from_trackstar(document).updated_date + timedelta(hours=hours)
    document["updated_date"] = updated.strftime("%Y-%m-%dT%H:%M:%SZ")
    document["line_items"] = document["line_items"][:lines]
    document["shipments"] = document["shipments"][:shipments]
    path = tmp_path / f"{name}.json"
    path.write_text(encode_json(document), encoding="utf-8")
    return path


def _state(kind: str, target: Path) -> tuple[str, int, int]:
    with _connect(kind, target) as connection:
        updated = connection.execute("SELECT strftime(updated_date, '%Y-%m-%dT%H') FROM orders").fetchall()
        lines = connection.execute("SELECT count(*) FROM line_items").fetchone()[0]
        parcels = connection.execute("SELECT count(*) FROM shipments").fetchone()[0]
    ((stamp,),) = updated
    return stamp, lines, parcels


@pytest.mark.parametrize("kind", KINDS)
def test_newer_snapshot_replaces_the_order_and_all_its_rows_older_never_does(capsys, tmp_path, kind):
    """A later updated_date replaces the order and all its child rows (a removed line goes); older changes nothing."""
    full = len(parse_json(FULL_ORDER.read_bytes())["line_items"])
    assert full >= 2
    first = _snapshot(tmp_path, "first", 0, full, 1)
    edited = _snapshot(tmp_path, "edited", 5, full - 1, 0)  # a line removed, the last parcel gone
    target = tmp_path / ("orders.duckdb" if kind == "duckdb" else "out")
    trackstar = ("--source", "trackstar")
    _load(capsys, kind, target, first, extra=trackstar)
    start = _state(kind, target)
    assert start[1:] == (full, 1)
    _load(capsys, kind, target, edited, extra=trackstar)
    newer = _state(kind, target)
    assert newer[1:] == (full - 1, 0) and newer[0] > start[0]
    _code, err = _load(capsys, kind, target, first, extra=trackstar)  # the older snapshot again
    assert "1 snapshots not newer" in err
    assert _state(kind, target) == newer
    # both snapshots in one run, in either order: the newer wins
    for order, name in (((first, edited), "a"), ((edited, first), "b")):
        other = tmp_path / f"{name}{'.duckdb' if kind == 'duckdb' else ''}"
        _load(capsys, kind, other, *order, extra=trackstar)
        assert _state(kind, other) == newer


@pytest.mark.parametrize("kind", KINDS)
def test_a_failed_run_leaves_the_tables_as_they_were(capsys, tmp_path, kind):
    """A run that fails half-way (its second input cannot be read) writes nothing: one transaction."""
    target = tmp_path / ("orders.duckdb" if kind == "duckdb" else "out")
    _load(capsys, kind, target, SAMPLES)
    with _connect(kind, target) as connection:
        before = {t.name: connection.execute(f"SELECT * FROM {t.name} ORDER BY ALL").fetchall() for t in TABLES}
    mixed = _mixed_fixtures(tmp_path)
    code, err = _load(capsys, kind, target, mixed, tmp_path / "missing.jsonl")
    assert code == 2 and "cannot read" in err
    with _connect(kind, target) as connection:
        assert {t.name: connection.execute(f"SELECT * FROM {t.name} ORDER BY ALL").fetchall() for t in TABLES} == before
    if kind == "parquet":
        assert not (target / _parquet.STAGING).exists()


def test_parquet_recovers_a_run_killed_while_swapping_and_drops_an_unfinished_one(capsys, tmp_path):
    """A staged run with its COMPLETE marker is finished by the next run; one without is dropped."""
    target = tmp_path / "out"
    _load(capsys, "parquet", target, SAMPLES)
    staged = tmp_path / "staged"
    _load(capsys, "parquet", staged, _snapshot(tmp_path, "one", 0, 1, 1), extra=("--source", "trackstar"))
    # a run killed after staging everything and swapping one table in
    (target / _parquet.STAGING).mkdir()
    for table in TABLES[1:]:
        (staged / table.name).rename(target / _parquet.STAGING / table.name)
    (target / "orders").rename(target / _parquet.OLD)
    (staged / "orders").rename(target / "orders")
    (target / _parquet.STAGING / _parquet.COMPLETE).write_text("")
    _parquet.recover(target)
    with _connect("parquet", target) as connection:
        assert connection.execute("SELECT count(*) FROM line_items").fetchone()[0] == 1
    # a run killed before its marker: the stored tables win
    (target / _parquet.STAGING / "orders").mkdir(parents=True)
    _parquet.recover(target)
    assert not (target / _parquet.STAGING).exists()
    assert sorted(p.name for p in target.iterdir()) == sorted(t.name for t in TABLES)


def test_money_that_does_not_fit_is_a_reject_and_the_money_type_is_kept(capsys, tmp_path):
    """--decimal 10,2: v2 amounts beyond cents are rejects with their path; a run with another type is refused."""
    v2 = FIXTURES / "medusa" / "v2_shipped_fractional_amounts.payload.json"
    target = tmp_path / "orders.duckdb"
    code = main(["normalize", str(v2), "--to", f"duckdb:{target}", "--decimal", "10,2", "--observed-at", OBSERVED])
    err = capsys.readouterr().err
    assert code == 1
    assert re.search(
        r"money_error: expected an amount that DECIMAL\(10,2\) holds exactly \(at most 2 decimal places\)", err
    )
    with duckdb.connect(str(target), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM orders").fetchone()[0] == 0
        ((path, record),) = connection.execute("SELECT path, record FROM rejects").fetchall()
        assert path.startswith("$.") and parse_json(record) == parse_json(v2.read_bytes())
    code, err = _load(capsys, "duckdb", target, SAMPLES)
    assert code == 2 and "DECIMAL(38,20)" in err and err.count("\n") == 1


def test_first_queries_in_the_docs_run(capsys, tmp_path):
    """docs/tables.md's SQL blocks run on the samples' DuckDB file, with the results the Python side computes."""
    target = tmp_path / "orders.duckdb"
    _load(capsys, "duckdb", target, SAMPLES)
    page = (REPO / "docs" / "tables.md").read_text(encoding="utf-8")
    queries = re.findall(r"^```sql\n(.*?)^```", page, re.DOTALL | re.MULTILINE)
    assert len(queries) >= 3
    with duckdb.connect(str(target), read_only=True) as connection:
        results = [connection.execute(query).fetchall() for query in queries]
    revenue = {(s, c): t for s, c, t, _ in results[0]}
    expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for result in _expected(SAMPLES).values():
        expected[(result.order.status.value, result.order.invoice_currency_code)] += result.order.total_price or 0
    assert revenue == dict(expected)
    assert all(len(row) >= 2 for result in results[1:] for row in result)


def test_rejects_file_and_json_lines_still_work_with_tables(capsys, tmp_path):
    """-o and --rejects write what they always wrote; --to adds the tables."""
    out, rejects = tmp_path / "orders.jsonl", tmp_path / "rejects.jsonl"
    code, _ = _load(capsys, "duckdb", tmp_path / "o.duckdb", SAMPLES, extra=("-o", str(out), "--rejects", str(rejects)))
    assert code == 0
    assert len(out.read_text().splitlines()) == 12
    assert [json.loads(line)["line"] for line in rejects.read_text().splitlines()] == [11, 13]


def test_json_lines_reach_standard_output_with_tables_only_when_asked(capfd, tmp_path):
    """--to alone writes the tables and nothing on standard output; -o - adds the JSON Lines there."""
    code = main(["normalize", str(SAMPLES), "--to", f"duckdb:{tmp_path / 'alone.duckdb'}", "--allow-rejects"])
    assert code == 0
    assert capfd.readouterr().out == ""
    code = main(["normalize", str(SAMPLES), "--to", f"parquet:{tmp_path / 'p'}", "-o", "-", "--allow-rejects"])
    assert code == 0
    assert len(capfd.readouterr().out.splitlines()) == 12


def test_worker_processes_load_the_same_tables(capsys, tmp_path):
    """--jobs 2 (orders pickled back from workers) gives the tables --jobs 1 gives; --decimal needs --to."""
    mixed = _mixed_fixtures(tmp_path)
    tables = {}
    for jobs in ("1", "2"):
        target = tmp_path / f"jobs{jobs}.duckdb"
        code = main(["normalize", str(mixed), "--to", f"duckdb:{target}", "--observed-at", OBSERVED, "--jobs", jobs])
        assert code == 1  # the fixtures' error cases
        with duckdb.connect(str(target), read_only=True) as connection:
            tables[jobs] = {t.name: connection.execute(f"FROM {t.name} ORDER BY ALL").fetchall() for t in TABLES}
    capsys.readouterr()
    assert tables["1"] == tables["2"]
    assert main(["normalize", str(mixed), "--decimal", "18,2"]) == 2
    assert "needs --to" in capsys.readouterr().err


def test_a_killed_duckdb_run_leaves_the_tables_and_the_next_run_cleans_up(capsys, tmp_path):
    """A run killed before commit (its connection just gone) changed no table; the next run drops its staging."""
    from cartnorm.tables.sinks import open_sink

    target = tmp_path / "orders.duckdb"
    _load(capsys, "duckdb", target, SAMPLES)
    with _connect("duckdb", target) as connection:
        before = {t.name: connection.execute(f"FROM {t.name} ORDER BY ALL").fetchall() for t in TABLES}
    sink = open_sink(f"duckdb:{target}", batch_size=2)
    records = [parse_json(p.read_bytes()) for p in sorted((FIXTURES / "medusa").glob("usd_*.payload.json"))]
    for result in cartnorm.normalize_many(records):
        sink.write(result)
    sink.connection.close()  # killed: neither commit nor abort ran
    with _connect("duckdb", target) as connection:
        assert {t.name: connection.execute(f"FROM {t.name} ORDER BY ALL").fetchall() for t in TABLES} == before
        staged = connection.execute("SELECT count(*) FROM _cartnorm_staging.orders").fetchone()[0]
        assert staged > 0  # batches were staged, and only staged
    _load(capsys, "duckdb", target, SAMPLES)
    with _connect("duckdb", target) as connection:
        assert {t.name: connection.execute(f"FROM {t.name} ORDER BY ALL").fetchall() for t in TABLES} == before
        schemas = connection.execute("SELECT schema_name FROM duckdb_schemas() WHERE NOT internal").fetchall()
        assert ("_cartnorm_staging",) not in schemas


def test_the_table_file_is_never_an_input_nor_another_output(capsys, tmp_path):
    """--to duckdb: naming an input (or the -o file) is a usage error before anything is read or written."""
    source = tmp_path / "orders.jsonl"
    source.write_bytes(SAMPLES.read_bytes())
    code, err = _load(capsys, "duckdb", source, source)
    assert code == 2 and "is one of the inputs" in err and err.count("\n") == 1
    assert source.read_bytes() == SAMPLES.read_bytes()
    out = tmp_path / "out.jsonl"
    code, err = _load(capsys, "duckdb", out, SAMPLES, extra=("-o", str(out)))
    assert code == 2 and "give each output its own file" in err and not out.exists()
