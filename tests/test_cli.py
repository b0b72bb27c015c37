"""The command line: streaming formats, rejects, exit codes, one-line errors, subcommands."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

import cartnorm
from cartnorm._json import encode_json
from cartnorm.cli import main
from conftest import FIXTURES, REPO

TRACKSTAR = FIXTURES / "trackstar"


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_normalize_reads_arrays_objects_and_lines(capsys, tmp_path, sample_order):
    """One array, one object and JSON Lines give the same orders, in input order."""
    bad = {**sample_order, "id": 1}
    array = tmp_path / "orders.json"
    array.write_text(encode_json([sample_order, bad, sample_order]))
    lines = tmp_path / "orders.jsonl"
    lines.write_text("\n".join(encode_json(r) for r in [sample_order, bad, sample_order]) + "\n")
    for path in (array, lines):
        rejects = tmp_path / f"{path.stem}.rejects.jsonl"
        code, out, err = _run(capsys, "normalize", str(path), "--source", "trackstar", "--rejects", str(rejects))
        assert code == 1
        orders = [cartnorm.loads(line) for line in out.splitlines()]
        assert [order.id for order in orders] == [sample_order["id"]] * 2
        (reject,) = [json.loads(line) for line in rejects.read_text().splitlines()]
        assert (reject["record_number"], reject["path"], reject["error"]) == (2, "$.id", "PayloadError")
        assert reject["file"] == str(path) and json.loads(reject["text"])["id"] == 1
        assert f"{path}:{reject['line']} (record 2)" in err and "$.id" in err
        assert "3 records → 2 orders, 1 rejected" in err


def test_allow_rejects_and_unparseable_lines(capsys, tmp_path, sample_order):
    """A line that is not JSON is a rejection with its text; --allow-rejects exits 0."""
    path = tmp_path / "mixed.jsonl"
    path.write_text(encode_json(sample_order) + "\n{not json\n")
    rejects = tmp_path / "rejects.jsonl"
    code, out, _ = _run(
        capsys, "normalize", str(path), "--source", "trackstar", "--rejects", str(rejects), "--allow-rejects"
    )
    assert code == 0 and len(out.splitlines()) == 1
    reject = json.loads(rejects.read_text())
    assert reject["line"] == 2 and reject["text"] == "{not json" and reject["reason"] == "invalid_json"


def test_stdin_and_output_file(monkeypatch, capsys, tmp_path):
    """'-' reads stdin; -o writes the output file; a pipe shows no progress bar."""
    monkeypatch.setattr(sys, "stdin", io.StringIO((TRACKSTAR / "full_order.payload.json").read_text()))
    out_file = tmp_path / "out.jsonl"
    code, out, err = _run(capsys, "normalize", "-", "--source", "trackstar", "-o", str(out_file))
    assert code == 0 and out == ""
    assert cartnorm.loads(out_file.read_text()).id == "ord_1001"
    assert "\r" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["normalize", "missing.json"], "cannot read missing.json"),
        (
            ["normalize", str(TRACKSTAR / "full_order.payload.json"), "--source", "woocommerce"],
            "no adapter named 'woocommerce'",
        ),
        (["normalize", "--exponent", "KWD"], "--exponent takes CODE=DIGITS"),
        (["normalize", "--observed-at", "yesterday"], "--observed-at"),
        (["conformance", "nowhere"], "is not a directory"),
    ],
)
def test_user_errors_are_one_line(capsys, argv, message):
    """A user's mistake is exit 2 and one line on stderr, never a traceback."""
    code, _, err = _run(capsys, *argv)
    assert code == 2
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_validate(capsys, tmp_path, sample_order):
    """validate reports each violation with file, record and path; exit 1 when any."""
    path = tmp_path / "docs.jsonl"
    path.write_text(encode_json(sample_order) + "\n" + encode_json({**sample_order, "status": "x"}) + "\n")
    code, out, err = _run(capsys, "validate", str(path))
    assert code == 1
    assert f"{path}:2 (record 2): $.status:" in out
    assert "2 records, 1 valid, 1 invalid" in err


def test_denormalize(capsys):
    """Trackstar JSON back to a target's payloads."""
    code, out, _ = _run(capsys, "denormalize", str(TRACKSTAR / "full_order.payload.json"), "--target", "trackstar")
    assert code == 0 and json.loads(out)["id"] == "ord_1001"


def test_conformance_reports_differences(capsys, tmp_path):
    """A failing case prints each difference by JSON path; passing cases are counted."""
    case = tmp_path / "trackstar"
    case.mkdir()
    payload = (TRACKSTAR / "full_order.payload.json").read_text()
    (case / "good.payload.json").write_text(payload)
    (case / "good.expected.json").write_text((TRACKSTAR / "full_order.expected.json").read_text())
    (case / "good.options.json").write_text((TRACKSTAR / "full_order.options.json").read_text())  # offsets
    expected = json.loads((TRACKSTAR / "full_order.expected.json").read_text())
    expected["line_items"][0]["quantity"] = 3
    (case / "bad.payload.json").write_text(payload)
    (case / "bad.expected.json").write_text(json.dumps(expected))
    code, out, _ = _run(capsys, "conformance", str(tmp_path))
    assert code == 1
    assert "FAIL trackstar/bad" in out and "$.line_items[0].quantity: expected 3, got 2" in out
    assert "conformance: 1 passed, 1 failed" in out


def test_docs_check(capsys):
    """docs --check passes on the committed docs."""
    code, out, _ = _run(capsys, "docs", "--check", "--root", str(REPO))
    assert code == 0 and "up to date" in out


def test_python_dash_m_and_console_script():
    """python -m cartnorm runs the same command line."""
    result = subprocess.run([sys.executable, "-m", "cartnorm", "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == f"cartnorm {cartnorm.__version__}"


def test_pytest_plugin_runs_user_fixtures(pytester):
    """pytest --cartnorm-fixtures=DIR collects one test per case and shows path differences."""
    case = pytester.path / "cases" / "trackstar"
    case.mkdir(parents=True)
    payload = (TRACKSTAR / "full_order.payload.json").read_text()
    (case / "good.payload.json").write_text(payload)
    (case / "good.expected.json").write_text((TRACKSTAR / "full_order.expected.json").read_text())
    (case / "good.options.json").write_text((TRACKSTAR / "full_order.options.json").read_text())  # offsets
    expected = json.loads((TRACKSTAR / "full_order.expected.json").read_text())
    expected["status"] = "open"
    (case / "bad.payload.json").write_text(payload)
    (case / "bad.expected.json").write_text(json.dumps(expected))
    result = pytester.runpytest("--cartnorm-fixtures=cases", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(['*$.status: expected "open", got "partially_fulfilled"*'])


@pytest.mark.parametrize("argv", [["--help"], ["normalize", "--help"]])
def test_help_lists_the_exit_statuses(capsys, argv):
    """cartnorm --help (and each command's) says what every exit status means."""
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0
    out = capsys.readouterr().out
    for code, words in [
        ("0", "every record was converted"),
        ("1", "some records were rejected"),
        ("2", "a usage error"),
        ("3", "an input could not be read to its end"),
        ("4", "an output could not be written"),
        ("130", "interrupted"),
        ("143", "terminated"),
    ]:
        assert f"  {code} " in out and words in out
