"""The contract ships (`cartnorm.testing`, ``pytest --cartnorm-contract``) and catches what it says it checks."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from importlib.metadata import EntryPoint
from pathlib import Path

import attrs
import pytest

import cartnorm
from cartnorm import registry
from cartnorm._json import encode_json, parse_json
from cartnorm.cli import main
from cartnorm.codec import to_trackstar
from cartnorm.conformance import FIXTURE_OBSERVED_AT, discover_cases, run_case
from cartnorm.testing import CHECKS, ContractError, FixturePayload, check_adapter, contract_problems
from conftest import REPO

EXAMPLE = Path(__file__).parent / "plugin_example"
FIXTURES = EXAMPLE / "fixtures" / "tinyshop"


@pytest.fixture
def tinyshop(monkeypatch):
    """The docs' example plugin, installed as an entry point (the registry's cache reset around it)."""
    monkeypatch.syspath_prepend(str(EXAMPLE))
    entry = EntryPoint("tinyshop", "cartnorm_tinyshop:ADAPTER", registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [entry] if group == entry.group else [])
    registry.available_adapters.cache_clear()
    import cartnorm_tinyshop

    yield cartnorm_tinyshop
    registry.available_adapters.cache_clear()


def test_the_guides_plugin_passes_the_contract(tinyshop):
    """docs/plugins.md's TinyShop adapter meets the whole contract on its own fixtures."""
    check_adapter(tinyshop.ADAPTER, FIXTURES)
    check_adapter("tinyshop", FIXTURES)  # by name, once installed
    assert [run_case(case, cartnorm.get_adapter).report() for case in discover_cases(FIXTURES.parent)] == [
        f"PASS tinyshop/{case}"
        for case in ("error_negative_price", "error_unknown_currency", "pending_minimal", "shipped_two_parcels",
                     "unknown_state")
    ]  # fmt: skip


def test_the_guide_shows_the_plugin_as_it_is():
    """The code in docs/plugins.md is the plugin's file, word for word."""
    page = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", page, re.DOTALL | re.MULTILINE)
    assert (EXAMPLE / "cartnorm_tinyshop.py").read_text(encoding="utf-8") in blocks


def test_a_plugin_is_detected_and_its_flag_applies_to_its_records(tinyshop, tmp_path, capsys):
    """Installed, the plugin is detected in a mixed file and --tinyshop-url reaches its records only."""
    lines = [(FIXTURES / "shipped_two_parcels.payload.json").read_text().replace("\n", " ")]
    lines += (REPO / "fixtures" / "samples" / "orders.jsonl").read_text().splitlines()[:3]
    source = tmp_path / "mixed.jsonl"
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["normalize", str(source), "-o", str(out), "--tinyshop-url", "https://shop.example"]) == 0
    orders = [cartnorm.loads(line) for line in out.read_text().splitlines()]
    assert orders[0].external_system_url == "https://shop.example/orders/ts_1001"
    assert all(order.external_system_url is None for order in orders[1:])


def test_pytest_runs_the_contract_for_a_plugin(tinyshop, pytester):
    """pytest --cartnorm-contract=NAME --cartnorm-fixtures=DIR: one test per check, one per case."""
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    result = pytester.runpytest_inprocess("--cartnorm-contract=tinyshop", f"--cartnorm-fixtures={FIXTURES}", "-q")
    result.assert_outcomes(passed=1 + 5 + 5)  # the file's test, the five checks, the five cases


def _broken(adapter: cartnorm.Adapter, **changes: object) -> cartnorm.Adapter:
    return attrs.evolve(adapter, **changes)


def test_the_contract_names_what_is_broken(tinyshop):
    """Each check fails on the adapter that breaks it, and says how."""
    good = tinyshop.ADAPTER

    def detect_raises(payload):
        raise KeyError("boom")

    def lossy(order):
        payload = good.from_canonical(order)
        payload.pop("note", None)
        return payload

    def old_signature(payload, *, observed_at=None):
        return good.convert(payload, observed_at=observed_at)

    table = good.status_tables[0]
    partial = attrs.evolve(table, values={"state": (*table.values["state"], "refunded")})
    cases = {
        "detect raised KeyError": _broken(good, detect=detect_raises),
        "from_canonical does not give the payload back": _broken(good, from_canonical=lossy),
        "convert must take **options": _broken(good, convert=old_signature),
        "documented state values without a row: ['refunded']": _broken(good, status_tables=(partial,)),
    }
    for expected, adapter in cases.items():
        problems = contract_problems(adapter, FIXTURES)
        assert any(expected in problem for problem in problems), (expected, problems)
        with pytest.raises(ContractError, match=re.escape(expected)):
            check_adapter(adapter, FIXTURES)


def test_the_conformance_runner_checks_the_round_trip(tinyshop, monkeypatch):
    """A case whose order converts as expected still fails when from_canonical loses a field."""
    (case,) = [case for case in discover_cases(FIXTURES) if case.name == "shipped_two_parcels"]
    assert run_case(case, cartnorm.get_adapter).passed

    def lossy(order):
        payload = tinyshop.from_canonical(order)
        payload["lines"][0].pop("title")
        return payload

    broken = attrs.evolve(tinyshop.ADAPTER, from_canonical=lossy)
    result = run_case(case, lambda _name: broken)
    assert not result.passed
    assert "first difference at $.lines[0]" in result.report()


def _with_memo(good: cartnorm.Adapter, given_back) -> cartnorm.Adapter:
    """TinyShop with a data option, ``memo`` (a second document read beside the payload), and its given_back."""

    def convert(payload, *, observed_at=None, **options):
        memo = options.pop("memo", None)
        result = good.convert(payload, observed_at=observed_at, **options)
        order = attrs.evolve(result.order, additional_fields={**result.order.additional_fields, "memo": memo})
        return attrs.evolve(result, order=order)

    memo = cartnorm.Option(name="memo", type="a JSON document", help="read beside the order", given_back=given_back)
    return attrs.evolve(good, convert=convert, options=(*good.options, memo))


def test_the_round_trip_checks_that_data_options_come_back(tinyshop, tmp_path):
    """An option with given_back (a second payload) must come back as passed: in the contract and in run_case."""
    source = FIXTURES / "shipped_two_parcels"
    options = parse_json(source.with_suffix(".options.json").read_bytes()) | {"memo": {"lines": [{"rate": 0.06}]}}
    payload = parse_json(source.with_suffix(".payload.json").read_bytes())
    fixture = FixturePayload("with_memo", payload, error=False, own_encoding=True,
                             observed_at=FIXTURE_OBSERVED_AT, options=options)  # fmt: skip
    faithful = _with_memo(tinyshop.ADAPTER, lambda order: order.additional_fields["memo"])
    forgetful = _with_memo(tinyshop.ADAPTER, lambda order: None)
    assert CHECKS["round_trip"](faithful, [fixture]) == []
    assert CHECKS["round_trip"](forgetful, [fixture]) == [
        "with_memo: memo is not given back as it was passed (Option.given_back)"
    ]
    case = tmp_path / "with_memo"
    case.with_suffix(".payload.json").write_bytes(source.with_suffix(".payload.json").read_bytes())
    case.with_suffix(".options.json").write_text(encode_json(options | {"source": "tinyshop"}))
    order = faithful.convert(payload, observed_at=FIXTURE_OBSERVED_AT, **options).order
    case.with_suffix(".expected.json").write_text(encode_json(to_trackstar(order)))
    (found,) = discover_cases(tmp_path)
    assert run_case(found, lambda _name: faithful).passed
    result = run_case(found, lambda _name: forgetful)
    assert not result.passed and "memo is not given back as it was passed" in result.report()


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ("--strict", "declares the flag '--strict', which cartnorm normalize cannot take"),
        ("--jobs", "declares the flag '--jobs', which cartnorm normalize cannot take"),
        ("--exponent", "its flag --exponent is the medusa adapter's 'exponents'"),
        ("-u", "declares the flag '-u', which is not a long flag"),
        ("", "declares the flag '', which is not a long flag"),
    ],
)
def test_a_flag_the_command_line_cannot_take_is_a_contract_problem_and_a_clear_usage_error(
    tinyshop, monkeypatch, capsys, flag, expected
):
    """A plugin's flag that is cartnorm's own or another's: the contract says so; cartnorm exits 2, no traceback."""
    good = tinyshop.ADAPTER
    options = tuple(attrs.evolve(option, flag=flag) if option.flag else option for option in good.options)
    clashing = _broken(good, options=options)
    problems = contract_problems(clashing, FIXTURES)
    assert any(expected in problem for problem in problems), problems
    assert contract_problems(good, FIXTURES) == []
    monkeypatch.setattr(tinyshop, "ADAPTER", clashing)  # installed as the entry point names it
    registry.available_adapters.cache_clear()
    assert main(["--version"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cartnorm: error: ") and "Traceback" not in err and flag in err


def test_the_contract_breaks_list_items_too(tinyshop, monkeypatch):
    """A line reader that lets a ValueError escape on a null qty breaks the contract (it kills a whole run)."""
    line = tinyshop._line

    def careless_line(reading, order_id, index):
        if reading.value.get("qty") is None:
            raise ValueError("qty is missing")
        return line(reading, order_id, index)

    assert contract_problems(tinyshop.ADAPTER, FIXTURES) == []
    monkeypatch.setattr(tinyshop, "_line", careless_line)
    problems = contract_problems(tinyshop.ADAPTER, FIXTURES)
    assert "conversion: pending_minimal with lines[0].qty null: ValueError escaped: qty is missing" in problems
    with pytest.raises(ContractError, match=re.escape("lines[0].qty dropped: ValueError escaped")):
        check_adapter(tinyshop.ADAPTER, FIXTURES)


def test_fixtures_are_broken_inside_lists_within_the_budget():
    """An envelope's order, its line items and the payload's own lists are broken, named by their paths."""
    from cartnorm.testing import _BROKEN_BUDGET, _broken, _broken_fixtures

    payload = {"id": 1, "lines": [{"qty": 1}], "order": {"id": 2, "items": [{"sku": "a"}, {"sku": "b"}], "tags": ["x"]}}
    labels = [label for label, _ in _broken(payload)]
    assert {"id dropped", "lines[0].qty null", "order.id text", "order.items[0].sku number"} <= set(labels)
    assert not any("items[1]" in label or "tags[0]" in label for label in labels)
    (broken,) = [broken for label, broken in _broken(payload) if label == "order.items[0].sku null"]
    assert broken["order"]["items"] == [{"sku": None}, {"sku": "b"}] and payload["order"]["items"][0] == {"sku": "a"}
    fixture = FixturePayload("big", payload, error=False, own_encoding=True,
                             observed_at=FIXTURE_OBSERVED_AT, options={})  # fmt: skip
    assert len(list(_broken_fixtures([fixture] * 100))) == _BROKEN_BUDGET


@pytest.mark.parametrize("key", ["placed_at", "updated_at"])
@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:30:00-01:00"])
def test_the_guides_plugin_refuses_a_time_without_a_utc_time(tinyshop, key, moment):
    """A date-time whose UTC time is out of range is a PayloadError (not an OverflowError), as built-ins say."""
    payload = parse_json((FIXTURES / "shipped_two_parcels.payload.json").read_bytes())
    payload[key] = moment
    with pytest.raises(cartnorm.PayloadError) as error:
        cartnorm.normalize(payload, tinyshop.ADAPTER)
    assert error.value.path == f"$.{key}"
    builtin = parse_json((REPO / "fixtures" / "trackstar" / "full_order.payload.json").read_bytes())
    builtin["created_date"] = moment  # a built-in adapter says the same of the same text
    with pytest.raises(cartnorm.PayloadError) as error:
        cartnorm.normalize(builtin, "trackstar")
    assert error.value.path == "$.created_date"


def test_the_contract_fails_when_it_has_no_case_to_check(tinyshop, tmp_path):
    """A mistyped path is an error; no case of the adapter's (or none that converts) is a problem: no round trip."""
    with pytest.raises(cartnorm.ConfigurationError, match=re.escape(f"{tmp_path / 'typo'} is not a directory")):
        check_adapter(tinyshop.ADAPTER, tmp_path / "typo")
    with pytest.raises(ValueError, match="is not a directory"):
        contract_problems(tinyshop.ADAPTER, [FIXTURES, tmp_path / "typo"])
    others = tmp_path / "medusa"  # a directory of another adapter's cases
    others.mkdir()
    for suffix in (".payload.json", ".expected.json"):
        name = "jpy_zero_decimal" + suffix
        (others / name).write_bytes((REPO / "fixtures" / "medusa" / name).read_bytes())
    errors_only = tmp_path / "errors_only"
    errors_only.mkdir()
    for suffix in (".payload.json", ".error.json"):
        name = "error_negative_price" + suffix
        (errors_only / name).write_bytes((FIXTURES / name).read_bytes())
    empty = tmp_path / "empty"
    empty.mkdir()
    unchecked = {
        empty: f"no fixture case for tinyshop under {empty}",
        others: f"no fixture case for tinyshop under {others}",
        errors_only: f"every fixture case for tinyshop under {errors_only} expects a PayloadError",
        None: "no fixtures given for tinyshop (fixtures=DIR; pytest --cartnorm-fixtures=DIR)",
    }
    for fixtures, given in unchecked.items():
        problem = f"round_trip: {given}: the round trip was not checked"
        assert contract_problems(tinyshop.ADAPTER, fixtures) == [problem]
        with pytest.raises(ContractError, match=re.escape(problem[len("round_trip: ") :])):
            check_adapter(tinyshop.ADAPTER, fixtures)
    assert contract_problems(tinyshop.ADAPTER, checks={"shape", "status_tables"}) == []  # what needs no fixtures
    assert contract_problems(tinyshop.ADAPTER, [empty, FIXTURES, others]) == []  # a case in any directory will do


def test_pytest_says_the_round_trip_was_not_checked_without_fixtures(tinyshop, pytester):
    """--cartnorm-contract without --cartnorm-fixtures fails the round trip's test, saying why."""
    result = pytester.runpytest_inprocess("--cartnorm-contract=tinyshop", "-q")
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(["*no fixtures given for tinyshop*the round trip was not checked*"])
    medusa = REPO / "fixtures" / "medusa"
    result = pytester.runpytest_inprocess(
        "--cartnorm-contract=tinyshop", f"--cartnorm-fixtures={medusa}", f"--cartnorm-fixtures={FIXTURES}", "-q"
    )  # each adapter's cases in a directory of their own: no false alarm for the one without
    result.assert_outcomes(passed=5 + len(list(discover_cases(medusa))) + 5)


def test_the_contract_tries_date_times_no_datetime_holds(tinyshop):
    """An adapter that lets a date's overflow escape (TinyShop's own bug, once) is reported."""
    good = tinyshop.ADAPTER

    def overflowing(payload, **options):
        placed = payload.get("placed_at") if isinstance(payload, dict) else None
        if isinstance(placed, str):
            datetime.fromisoformat(placed).astimezone(timezone.utc)  # OverflowError at the edges of time
        return good.convert(payload, **options)

    problems = contract_problems(_broken(good, convert=overflowing), FIXTURES)
    assert any("placed_at at the first instant" in p and "OverflowError" in p for p in problems), problems
    assert any("placed_at at the last instant" in p and "OverflowError" in p for p in problems), problems
