"""Adapters declare their options; the command line's flags come from them; each applies to its adapter's records."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone

import pytest

import cartnorm
from cartnorm import ConfigurationError, Option
from cartnorm.adapter import read_options
from cartnorm.cli import main
from cartnorm.etl import _bounded
from cartnorm.registry import available_adapters
from conftest import FIXTURES, REPO

SAMPLES = FIXTURES / "samples" / "orders.jsonl"
OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _records():
    return [json.loads(line) for line in SAMPLES.read_text().splitlines()]


@pytest.mark.parametrize("adapter", available_adapters().values(), ids=lambda adapter: adapter.name)
def test_every_declared_option_says_what_it_is(adapter):
    """Name, type, meaning; a flag that looks like one; no two options of an adapter alike."""
    names = [option.name for option in adapter.options]
    assert len(set(names)) == len(names)
    for option in adapter.options:
        assert isinstance(option, Option) and option.name.isidentifier()
        assert option.type.strip() and option.help.strip()
        assert option.flag is None or (option.flag.startswith("--") and option.metavar)


def test_the_samples_normalize_with_a_medusa_option_on_a_mixed_file(tmp_path):
    """--exponent is Medusa's: the Gearment records of the same file convert as they would without it."""
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    argv = [str(SAMPLES), "--exponent", "KWD=2", "-o", str(out), "--rejects", str(rejects)]
    argv += ["--observed-at", "2026-01-01T00:00:00Z"]
    assert main(["normalize", *argv]) == 1  # the samples hold two bad records on purpose
    orders = [cartnorm.loads(line) for line in out.read_text().splitlines()]
    assert len(orders) == 12 and len(rejects.read_text().splitlines()) == 2
    # read as the CLI reads (exact numbers): json.loads floats would be remembered as floats
    expected = list(cartnorm.normalize_many(cartnorm.read_records(SAMPLES), observed_at=OBSERVED, exponents={"KWD": 2}))
    assert [cartnorm.dumps(result.order) for result in expected if result.ok] == [cartnorm.dumps(o) for o in orders]
    plain = list(cartnorm.normalize_many(cartnorm.read_records(SAMPLES), observed_at=OBSERVED))
    for with_option, without in zip(expected, plain, strict=True):
        if with_option.ok and with_option.source != "medusa":
            assert with_option.order == without.order  # applied to Medusa's records only


def test_an_option_goes_only_to_the_adapter_that_declares_it():
    """normalize_many(..., exponents=...) over a mixed batch: Medusa's records get it, Gearment's do not."""
    results = list(cartnorm.normalize_many(_records(), exponents={"KWD": 2}))
    assert {result.source for result in results if result.ok} >= {"medusa", "gearment"}
    assert all(result.ok or result.error != "ConfigurationError" for result in results)


def test_an_option_no_adapter_declares_is_refused_before_any_record_is_read():
    """The call itself raises: the records are never iterated."""

    def records():
        raise AssertionError("a record was read")
        yield  # pragma: no cover

    with pytest.raises(ConfigurationError, match="no adapter takes the option 'exponent'"):
        cartnorm.normalize_many(records(), exponent={"KWD": 2})
    with pytest.raises(ConfigurationError, match="gearment adapter takes no option 'exponents'"):
        cartnorm.normalize_many(records(), "gearment", exponents={"KWD": 2})
    with pytest.raises(ConfigurationError):
        cartnorm.normalize({"id": "x"}, exponent={"KWD": 2})


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--source", "gearment", "--exponent", "KWD=2"], "--exponent is an option of medusa; --source gearment"),
        (["--exponent", "KWD"], "--exponent takes CODE=DIGITS"),
        (["--exponent", "KWD=\u00b2"], "--exponent takes CODE=DIGITS"),  # a digit to isdigit(), not to int()
        (["--exponent", "KWD=99"], "the exponent of KWD must be a whole number from 0 to 9, got 99"),
        (["--exponent", "=2"], "'' is not a currency code"),
        (["--exponent", "NOTACURRENCY=2"], "'NOTACURRENCY' is not a currency code"),
        (["--exponent", "KWD=2", "--exponent", "kwd=3"], "--exponent gives KWD twice, as 2 and 3"),
        (["--shopify-money-side", "bogus"], "money side must be"),
    ],
)
def test_flag_errors_come_before_reading(capsys, argv, message):
    """A flag the chosen adapter does not take, or a bad flag value: exit 2 before any file is opened."""
    code = main(["normalize", str(REPO / "no-such-file.jsonl"), *argv])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "cannot read" not in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"exponents": {"KWD": 99}}, "the exponent of KWD must be a whole number from 0 to 9"),
        ({"exponents": {"KWD": True}}, "the exponent of KWD must be a whole number"),
        ({"exponents": {"kwd": 2, "KWD": 3}}, "exponents gives KWD twice"),
        ({"exponents": [("KWD", 2)]}, "exponents must be a mapping"),
        ({"money_side": "bogus"}, "money side must be"),
    ],
)
def test_a_bad_option_value_is_refused_before_any_record_is_read(options, message):
    """Detected records: every adapter declaring the option checks its value at the call, not at its first record."""

    def records():
        raise AssertionError("a record was read")
        yield  # pragma: no cover

    with pytest.raises(ConfigurationError, match=message):
        cartnorm.normalize_many(records(), **options)


def test_the_help_lists_each_adapters_flags_under_its_name():
    """cartnorm normalize --help groups the declared flags by adapter."""
    done = subprocess.run(
        [sys.executable, "-m", "cartnorm", "normalize", "--help"], capture_output=True, text=True, check=True
    )
    assert "medusa options (applied to medusa records only)" in done.stdout
    assert "--exponent CODE=DIGITS" in done.stdout


def test_read_options_fills_defaults_checks_values_and_names_what_it_knows():
    def positive(value):
        if value < 1:
            raise ConfigurationError("must be positive")
        return value

    declared = [Option(name="size", type="int", help="a size", default=3, check=positive)]
    assert read_options("toy", declared, {}) == {"size": 3}
    assert read_options("toy", declared, {"size": 5}) == {"size": 5}
    with pytest.raises(ConfigurationError, match="positive"):
        read_options("toy", declared, {"size": 0})
    with pytest.raises(ConfigurationError, match=r"takes no option 'colour' \(it knows: 'size'\)"):
        read_options("toy", declared, {"colour": "red"})


def test_owned_reaches_only_the_adapters_that_declare_it_and_takes_only_a_bool():
    """The command line's owned=True goes to an adapter declaring OWNED_OPTION; given from Python it must be a bool."""
    medusa, gearment = cartnorm.get_adapter("medusa"), cartnorm.get_adapter("gearment")
    assert _bounded({}, medusa, {}, None, owned=True)[1] == {"owned": True}
    assert _bounded({}, gearment, {}, None, owned=True)[1] == {}
    assert _bounded({}, medusa, {}, None)[1] == {}
    payload = json.loads((FIXTURES / "medusa" / "usd_shipped_captured.payload.json").read_text())
    with pytest.raises(ConfigurationError, match="owned must be True or False"):
        cartnorm.normalize(payload, "medusa", owned="yes")


def test_a_store_currency_code_still_takes_an_exponent(tmp_path):
    """A code outside ISO 4217 (a store's own, such as USDC) is declared with its exponent, from Python and the CLI."""
    payload = json.loads((FIXTURES / "medusa" / "usd_shipped_captured.payload.json").read_text())
    payload["order"]["currency_code"] = "usdc"
    order = cartnorm.normalize(payload, "medusa", exponents={"usdc": 2}, observed_at=OBSERVED)
    assert order.invoice_currency_code == "USDC"
    source = tmp_path / "usdc.jsonl"
    source.write_text(json.dumps(payload) + "\n")
    assert main(["normalize", str(source), "--exponent", "USDC=2", "-o", str(tmp_path / "out.jsonl")]) == 0
