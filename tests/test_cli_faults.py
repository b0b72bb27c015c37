"""
The command line under faults, hostile files and mistakes: nothing lost, ever.

Every test runs the real ``cartnorm`` in a subprocess on files it builds and checks what a user
sees: the exit status, standard error, every output file byte for byte, counts that reconcile,
and no process left behind. Expected orders come from the library on records parsed by the
standard ``json`` module, not from the command's own reader.
"""

from __future__ import annotations

import base64
import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

import cartnorm
from conftest import FIXTURES

OBSERVED = "2026-01-01T00:00:00Z"
SAMPLES = (FIXTURES / "samples" / "orders.jsonl").read_bytes().splitlines()
BAD_SAMPLES = {10, 12}  # 0-based: the two sample records that are bad on purpose (money errors)
GOOD = [line for index, line in enumerate(SAMPLES) if index not in BAD_SAMPLES]
GEARMENT = GOOD[1]  # a small good record (Gearment)
USD = b'"currency_code":"usd"'  # in GOOD[0], GOOD[7] and GOOD[9] (Medusa), at $.order.currency_code


def edit(record: bytes, old: bytes, new: bytes) -> bytes:
    """``record`` with its first ``old`` made ``new`` (which must be there)."""
    assert old in record
    return record.replace(old, new, 1)


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; signals are POSIX")


def cartnorm_cli(*args: object, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``cartnorm`` with ``args``; everything it prints is captured."""
    command = [sys.executable, "-m", "cartnorm", *map(str, args)]
    return subprocess.run(command, input=stdin, capture_output=True, timeout=120, cwd=cwd, check=False)


def normalize(*args: object, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return cartnorm_cli("normalize", "--observed-at", OBSERVED, *args, stdin=stdin)


def order_line(record: bytes) -> bytes:
    """The Trackstar line the library writes for one good record (parsed by the standard json module)."""
    payload = json.loads(record, parse_float=Decimal)
    observed = cartnorm._datetime.parse_rfc3339(OBSERVED)
    return (cartnorm.dumps(cartnorm.normalize(payload, observed_at=observed)) + "\n").encode()


def expected_orders(records: list[bytes]) -> bytes:
    return b"".join(order_line(record) for record in records)


def lines_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def stderr_lines(result: subprocess.CompletedProcess[bytes]) -> list[str]:
    return result.stderr.decode().splitlines()


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file in ``directory`` (hidden ones included) and its bytes."""
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir()) if path.is_file()}


def exact_bytes(reject: dict) -> bytes:
    """A rejects-file line's record, as the exact bytes it was."""
    return base64.b64decode(reject["text"]) if reject.get("base64") else reject["text"].encode()


def assert_kept_whole(source: Path, rejects: list[dict]) -> None:
    """Each rejected record is the exact bytes at its offset in the input."""
    data = source.read_bytes()
    for reject in rejects:
        record = exact_bytes(reject)
        assert data[reject["offset"] : reject["offset"] + len(record)] == record, reject


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for its parent to reap it does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line mentions ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if text.encode() in (entry / "cmdline").read_bytes() and alive(int(entry.name)):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.fixture(autouse=True)
def no_process_left_behind(tmp_path):
    """After each test, nothing started on this test's files still runs (a few seconds' grace)."""
    yield
    deadline = time.monotonic() + 5
    while (left := processes_mentioning(str(tmp_path))) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"processes left behind: {left}"


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    """3 000 good records (JSON Lines): enough for several batches of workers and a few seconds' work."""
    path = tmp_path_factory.mktemp("many") / "many.jsonl"
    path.write_bytes(b"".join(GOOD[index % len(GOOD)] + b"\n" for index in range(3000)))
    return path


def ctrl_c_on() -> None:
    """
    In the child: SIGINT as a terminal delivers it. A shell starts background jobs with SIGINT ignored and Python
    keeps that (as it should: ``nohup``-like runs are not interrupted), so a suite run in the background would
    otherwise test nothing but the ignore.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_until_reading(process: subprocess.Popen[bytes], path: Path, at_least: int = 1, timeout: float = 30) -> None:
    """Wait until ``process`` has read ``at_least`` bytes of ``path`` (its file position, from /proc)."""
    deadline = time.monotonic() + timeout
    target = str(path.resolve())
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        for fd in Path(f"/proc/{process.pid}/fd").iterdir():
            try:
                if os.readlink(fd) == target:
                    position = int(Path(f"/proc/{process.pid}/fdinfo/{fd.name}").read_text().split()[1])
                    if position >= at_least:
                        return
            except (OSError, ValueError):
                continue
        time.sleep(0.02)
    pytest.fail(f"{process.args} did not start reading {path}")


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


# Rule 1 — the input is sacred; existing outputs are never damaged.


@pytest.mark.parametrize("option", ["-o", "--rejects", "--warnings", "--summary"])
@pytest.mark.parametrize("alias", ["same path", "symbolic link", "hard link"])
def test_an_output_that_is_an_input_is_refused_before_anything_is_written(tmp_path, option, alias):
    """The same file as input and output (by any name): exit 2, one line, the input untouched."""
    source = tmp_path / "orders.jsonl"
    source.write_bytes(b"\n".join(SAMPLES) + b"\n")
    before, inode = source.read_bytes(), source.stat().st_ino
    target = {"same path": source, "symbolic link": tmp_path / "link.jsonl", "hard link": tmp_path / "hard.jsonl"}[
        alias
    ]
    if alias == "symbolic link":
        target.symlink_to(source)
    elif alias == "hard link":
        os.link(source, target)
    listing = snapshot(tmp_path)
    out = [] if option == "-o" else ["-o", tmp_path / "out.jsonl"]
    result = normalize(source, *out, option, target)
    assert result.returncode == 2
    (line,) = stderr_lines(result)
    assert line.startswith("cartnorm: error: ") and "is one of the inputs" in line
    assert source.read_bytes() == before and source.stat().st_ino == inode
    assert snapshot(tmp_path) == listing  # nothing else appeared either


def test_standard_input_redirected_from_the_output_file_is_refused(tmp_path):
    """``cartnorm normalize - -o F < F``: F is the input."""
    source = tmp_path / "orders.jsonl"
    source.write_bytes(b"\n".join(GOOD) + b"\n")
    before = source.read_bytes()
    with source.open("rb") as stdin:
        command = [sys.executable, "-m", "cartnorm", "normalize", "-", "-o", str(source)]
        result = subprocess.run(command, stdin=stdin, capture_output=True, timeout=60, check=False)
    assert result.returncode == 2 and b"is one of the inputs" in result.stderr
    assert source.read_bytes() == before


def test_standard_output_appending_to_the_input_is_refused(tmp_path):
    """``cartnorm normalize F >> F``: the orders would be read back as input; refused, F untouched."""
    source = tmp_path / "orders.jsonl"
    source.write_bytes(b"\n".join(GOOD) + b"\n")
    before = source.read_bytes()
    with source.open("ab") as stdout:
        command = [sys.executable, "-m", "cartnorm", "normalize", str(source)]
        result = subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, timeout=60, check=False)
    assert result.returncode == 2 and b"standard output (the orders) is one of the inputs" in result.stderr
    assert source.read_bytes() == before


@pytest.mark.parametrize("fault", ["missing input", "rejects in a missing directory", "broken array", "SIGINT"])
def test_an_existing_output_survives_a_run_that_fails(tmp_path, fault, many):
    """Outputs are written beside their target and renamed on success: a failed run leaves them as they were."""
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    out.write_bytes(b"yesterday's orders\n")
    rejects.write_bytes(b"yesterday's rejects\n")
    listing = snapshot(tmp_path)
    source = tmp_path / "orders.json"
    source.write_bytes(b"[" + b",".join(GOOD) + b" " + GOOD[0] + b"]")  # no ',' before the last record
    rejects_path = tmp_path / "nowhere" / "rejects.jsonl" if fault == "rejects in a missing directory" else rejects
    inputs = {"missing input": tmp_path / "missing.jsonl", "SIGINT": many}.get(fault, source)
    if fault == "SIGINT":
        command = [sys.executable, "-m", "cartnorm", "normalize", str(many), "-o", str(out), "--rejects", str(rejects)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=ctrl_c_on)
        wait_until_reading(process, many, at_least=1 << 20)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 130
    else:
        result = normalize(inputs, "-o", out, "--rejects", rejects_path, "--allow-rejects")
        assert result.returncode == (3 if fault == "broken array" else 2)
        err = result.stderr
    assert b"Traceback" not in err
    assert snapshot(tmp_path) == {**listing, "orders.json": source.read_bytes()}


# Rule 2 — a bad record costs that record, nothing else.


@pytest.mark.parametrize(
    ("first", "reason"),
    [
        (b"\xef\xbb\xbf" + GOOD[0], "byte_order_mark"),
        (edit(GOOD[0], USD, b'"currency_code":NaN'), "not_finite"),
        (b"this is not JSON", "invalid_json"),
        (GOOD[0][: len(GOOD[0]) // 2], "truncated"),
        (edit(GOOD[0], b'"id":"order_', b'"id":"\xf6rder_'), "invalid_utf8"),
    ],
    ids=["BOM", "NaN", "junk", "truncated", "invalid UTF-8"],
)
def test_a_bad_first_line_costs_that_line_only(tmp_path, first, reason):
    """JSON Lines stand alone: the bad first line is one rejection, the 13 after it are read."""
    source = tmp_path / "orders.jsonl"
    source.write_bytes(first + b"\n" + b"\n".join(GOOD[1:]) + b"\n")
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    result = normalize(source, "-o", out, "--rejects", rejects)
    assert result.returncode == 1
    assert out.read_bytes() == expected_orders(GOOD[1:])
    (reject,) = lines_of(rejects)
    assert (reject["line"], reject["offset"], reject["record_number"], reject["reason"]) == (1, 0, 1, reason)
    assert exact_bytes(reject) == first and reject.get("base64", False) == (reason == "invalid_utf8")
    assert f"{len(GOOD)} records → {len(GOOD) - 1} orders, 1 rejected" in result.stderr.decode()


@pytest.mark.parametrize("where", ["middle", "last, without a newline"])
def test_a_truncated_line_costs_that_line_only(tmp_path, where):
    """A line cut short (a crash mid-write, a full disk upstream) is one rejection, kept whole."""
    cut = GOOD[3][:1000]
    records = [*GOOD[:5], cut, *GOOD[5:]] if where == "middle" else [*GOOD, cut]
    source = tmp_path / "orders.jsonl"
    source.write_bytes(b"\n".join(records) + (b"\n" if where == "middle" else b""))
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    result = normalize(source, "-o", out, "--rejects", rejects, "--allow-rejects")
    assert result.returncode == 0
    assert out.read_bytes() == expected_orders(GOOD)
    (reject,) = lines_of(rejects)
    assert reject["reason"] == "truncated" and exact_bytes(reject) == cut
    assert reject["line"] == records.index(cut) + 1
    assert_kept_whole(source, [reject])


def test_a_broken_array_element_costs_that_element_only(tmp_path):
    """A syntax error inside one element of a JSON array: that element is rejected, the rest are read."""
    broken = edit(GOOD[2], b'"id":', b'"id" ')
    elements = [*GOOD[:4], broken, *GOOD[4:]]
    source = tmp_path / "orders.json"
    source.write_bytes(b"[\n  " + b",\n  ".join(elements) + b"\n]\n")
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    result = normalize(source, "-o", out, "--rejects", rejects)
    assert result.returncode == 1
    assert out.read_bytes() == expected_orders(GOOD)
    (reject,) = lines_of(rejects)
    assert (reject["reason"], reject["line"], reject["record_number"]) == ("invalid_json", 6, 5)
    assert exact_bytes(reject) == broken
    assert_kept_whole(source, [reject])
    assert f"{len(elements)} records → {len(GOOD)} orders, 1 rejected" in result.stderr.decode()


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda items: b"[" + b",".join(items[:6]) + b" " + b",".join(items[6:]) + b"]", "',' or ']' after record 6"),
        (lambda items: b"[" + b",".join(items)[:-500], "the input ends inside record"),
    ],
    ids=["missing comma", "cut off"],
)
def test_a_broken_array_structure_fails_loudly(tmp_path, damage, problem):
    """A JSON array broken beyond one element: exit 3 whatever --allow-rejects says, naming the byte and the count."""
    source = tmp_path / "orders.json"
    source.write_bytes(damage(GOOD))
    out = tmp_path / "out.jsonl"
    result = normalize(source, "-o", out, "--allow-rejects")
    assert result.returncode == 3
    (line,) = stderr_lines(result)
    assert problem in line and " (byte " in line and "records read before it" in line
    assert "no output file was written or replaced" in line
    assert not out.exists()


@pytest.mark.parametrize("how", ["file", "stdin"])
def test_a_line_of_invalid_utf8_is_one_rejection_kept_in_base64(tmp_path, how):
    """Bytes that are not UTF-8 reject that line (no traceback), the same from a file or from stdin."""
    bad = edit(GOOD[4], b"GM-ORD", b"GM-\xc3\x28ORD")
    data = b"\n".join([*GOOD[:3], bad, *GOOD[3:]]) + b"\n"
    source = tmp_path / "orders.jsonl"
    source.write_bytes(data)
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    args = [source] if how == "file" else ["-"]
    result = normalize(*args, "-o", out, "--rejects", rejects, stdin=data if how == "stdin" else b"")
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    assert out.read_bytes() == expected_orders(GOOD)
    (reject,) = lines_of(rejects)
    assert reject["reason"] == "invalid_utf8" and reject["base64"] is True and exact_bytes(reject) == bad
    assert reject["line"] == 4 and data[reject["offset"] :].startswith(bad)


# Rule 3 — every rejected record kept whole; records in = orders out + rejects.


def test_every_kind_of_rejection_is_kept_whole_and_replays(tmp_path):
    """Truncated, BOM, NaN, oversized, not UTF-8, duplicate key, bad money: each kept byte for byte, fixable."""
    oversized = b'{"order": {"note": "' + b"x" * 30000 + b'"}}'
    bad = [
        GOOD[0][:700],
        b"\xef\xbb\xbf" + GOOD[1],
        edit(GOOD[7], USD, b'"currency_code":NaN'),
        oversized,
        edit(GOOD[4], b"GM-ORD", b"GM-\xffORD"),
        edit(GOOD[9], USD, b'"currency_code":"jpy",' + USD),
        SAMPLES[10],
    ]
    records = [record for pair in zip(GOOD, bad + [b""] * len(GOOD), strict=False) for record in pair if record]
    source = tmp_path / "orders.jsonl"
    source.write_bytes(b"\n".join(records) + b"\n")
    out, rejects, summary = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl", tmp_path / "summary.json"
    result = normalize(source, "-o", out, "--rejects", rejects, "--summary", summary, "--max-record-bytes", 20000)
    assert result.returncode == 1
    kept = lines_of(rejects)
    assert [exact_bytes(reject) for reject in kept] == bad
    reasons = ["truncated", "byte_order_mark", "not_finite", "too_long", "invalid_utf8", "duplicate_key", "money_error"]
    assert [reject["reason"] for reject in kept] == reasons
    assert_kept_whole(source, kept)
    counts = json.loads(summary.read_text())
    assert (counts["records"], counts["orders"], counts["rejected"]) == (len(records), len(GOOD), len(bad))
    assert counts["reconciled"] and out.read_bytes() == expected_orders(GOOD)
    # Fix and replay: the kept texts, repaired, become orders.
    fixed = [
        GOOD[0],
        exact_bytes(kept[1])[3:],
        edit(exact_bytes(kept[2]), b"NaN", b'"usd"'),
        edit(exact_bytes(kept[5]), b'"currency_code":"jpy",', b""),
    ]
    replay = tmp_path / "replay.jsonl"
    replay.write_bytes(b"\n".join(fixed) + b"\n")
    again = normalize(replay, "-o", tmp_path / "replayed.jsonl")
    assert again.returncode == 0
    assert (tmp_path / "replayed.jsonl").read_bytes() == expected_orders([GOOD[0], GOOD[1], GOOD[7], GOOD[9]])


@pytest.mark.parametrize("jobs", ["1", "2", "4"])
def test_counts_reconcile_and_output_is_the_same_for_any_jobs(tmp_path, jobs):
    """records in = orders + rejects, in the summary; --jobs 1/2/4 write the same bytes."""
    records = [SAMPLES[index % len(SAMPLES)] for index in range(700)]
    source = tmp_path / "orders.jsonl"
    source.write_bytes(b"\n".join(records) + b"\n")
    out, rejects, summary = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl", tmp_path / "summary.json"
    result = normalize(source, "-o", out, "--rejects", rejects, "--summary", summary, "--jobs", jobs, "--quiet")
    assert result.returncode == 1 and result.stderr == b""
    counts = json.loads(summary.read_text())
    assert counts["records"] == 700 == counts["orders"] + counts["rejected"] and counts["reconciled"]
    assert out.read_bytes() == expected_orders([record for record in records if record in GOOD])
    assert [exact_bytes(reject) for reject in lines_of(rejects)] == [r for r in records if r not in GOOD]


# Rule 4 — warnings reach the user; a summary for orchestrators; never a pointer to nothing.


def test_without_rejects_every_reason_is_on_stderr(tmp_path):
    """25 bad records and no --rejects: 25 reasons on stderr, and no mention of a file that does not exist."""
    source = tmp_path / "orders.jsonl"
    source.write_bytes(b"\n".join([GOOD[0], *[b'{"n": %d}' % n for n in range(25)]]) + b"\n")
    result = normalize(source, "-o", tmp_path / "out.jsonl")
    assert result.returncode == 1
    lines = stderr_lines(result)
    assert sum("unrecognized_payload_error" in line for line in lines) == 25
    assert "rejects file" not in result.stderr.decode() and "pass --rejects FILE" in lines[-1]
    assert set(snapshot(tmp_path)) == {"orders.jsonl", "out.jsonl"}


def test_with_rejects_the_first_twenty_are_shown_and_the_file_is_named(tmp_path):
    """More than twenty: the first twenty on stderr, the summary names the file that holds them all."""
    source = tmp_path / "orders.jsonl"
    source.write_bytes(b"\n".join(b'{"n": %d}' % n for n in range(25)) + b"\n")
    rejects = tmp_path / "rejects.jsonl"
    result = normalize(source, "-o", tmp_path / "out.jsonl", "--rejects", rejects)
    lines = stderr_lines(result)
    assert result.returncode == 1 and len(lines) == 21 and f"all written to {rejects}" in lines[-1]
    assert len(lines_of(rejects)) == 25


def test_warnings_are_counted_written_and_made_strict(tmp_path):
    """Warnings are counted on stderr and in the summary, written with --warnings, rejections with --strict."""
    source = tmp_path / "orders.jsonl"
    source.write_bytes(b"\n".join(GOOD) + b"\n")
    out, warnings, summary = tmp_path / "out.jsonl", tmp_path / "warnings.jsonl", tmp_path / "summary.json"
    result = normalize(source, "-o", out, "--warnings", warnings, "--summary", summary)
    assert result.returncode == 0
    written = lines_of(warnings)
    counts = json.loads(summary.read_text())
    assert written and counts["warnings"] == len(written)
    assert counts["warnings_by_code"] == {
        code: [w["code"] for w in written].count(code) for code in counts["warnings_by_code"]
    }
    assert f"written to {warnings}" in stderr_lines(result)[-1]
    orders = {json.loads(line)["id"] for line in out.read_bytes().splitlines()}
    assert all(w["order_id"] in orders and w["path"].startswith("$") and w["line"] >= 1 for w in written)
    strict = normalize(source, "-o", out, "--rejects", tmp_path / "rejects.jsonl", "--strict")
    warned = {w["record_number"] for w in written}
    assert strict.returncode == 1
    assert {r["record_number"] for r in lines_of(tmp_path / "rejects.jsonl")} == warned
    assert {r["reason"] for r in lines_of(tmp_path / "rejects.jsonl")} == {"strict_warning"}
    assert len(out.read_bytes().splitlines()) == len(GOOD) - len(warned)


def test_the_summary_file_reports_counts_for_orchestrators(tmp_path):
    """--summary: counts per file, source, status, rejects by reason, warnings by code, elapsed time."""
    source = tmp_path / "orders.jsonl"
    source.write_bytes(b"\n".join([*SAMPLES, b"{not json"]) + b"\n")
    summary, rejects = tmp_path / "summary.json", tmp_path / "rejects.jsonl"
    args = ["-o", tmp_path / "out.jsonl", "--summary", summary, "--allow-rejects", "--quiet"]
    result = normalize(source, *args, "--rejects", rejects)
    assert result.returncode == 0 and result.stderr == b""  # --quiet: the reasons are in the rejects file
    unkept = normalize(source, *args)
    assert stderr_lines(unkept) == ["cartnorm normalize: 3 records rejected and not kept"]
    counts = json.loads(summary.read_text())
    assert counts["completed"] and counts["exit_code"] == 0 and counts["records"] == 15
    assert counts["files"] == {str(source): {"records": 15, "orders": 12, "rejected": 3}}
    assert counts["sources"]["medusa"]["records"] + counts["sources"]["gearment"]["records"] == 14
    assert counts["sources"]["unknown"] == {"records": 1, "orders": 0, "rejected": 1}
    assert sum(counts["statuses"].values()) == 12
    assert counts["rejects_by_reason"] == {"money_error": 2, "invalid_json": 1}
    assert sum(counts["warnings_by_code"].values()) == counts["warnings"] > 0
    assert counts["elapsed_seconds"] >= 0 and counts["outputs"]["orders"] == str(tmp_path / "out.jsonl")


def test_line_numbers_agree_between_stderr_and_the_rejects_file(tmp_path):
    """Lines and record numbers are 1-based in both places (blank lines counted as lines, not records)."""
    source = tmp_path / "orders.jsonl"
    source.write_bytes(b"\n".join([GOOD[0], b"", SAMPLES[10], b"", b"", b"[1", GOOD[1]]) + b"\n")
    rejects = tmp_path / "rejects.jsonl"
    result = normalize(source, "-o", tmp_path / "out.jsonl", "--rejects", rejects)
    kept = lines_of(rejects)
    assert [(r["line"], r["record_number"]) for r in kept] == [(3, 2), (6, 3)]
    shown = [line for line in stderr_lines(result) if line.startswith(f"cartnorm: {source}:")]
    assert [line.split(": ")[1] for line in shown] == [f"{source}:3 (record 2)", f"{source}:6 (record 3)"]


# Rule 5 — faults end cleanly.


@pytest.mark.parametrize("output", ["-o", "stdout", "--rejects"])
def test_a_full_disk_is_one_line_and_exit_4(tmp_path, output):
    """/dev/full as an output: exit 4 and one line, no traceback; no output file replaced."""
    source = tmp_path / "orders.jsonl"
    source.write_bytes(b"\n".join(SAMPLES) + b"\n")
    args = {"-o": ["-o", "/dev/full"], "--rejects": ["-o", tmp_path / "out.jsonl", "--rejects", "/dev/full"]}
    with open("/dev/full", "wb") as full:
        command = [sys.executable, "-m", "cartnorm", "normalize", str(source), *map(str, args.get(output, []))]
        result = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, timeout=60, check=False)
    assert result.returncode == 4
    errors = [line for line in result.stderr.decode().splitlines() if line.startswith("cartnorm: error:")]
    assert len(errors) == 1 and "No space left on device" in errors[0] and b"Traceback" not in result.stderr
    assert set(snapshot(tmp_path)) == {"orders.jsonl"}


def test_a_closed_pipe_is_one_line_and_exit_4(many):
    """``cartnorm normalize … | head -1``: one line saying the reader closed the pipe, exit 4, no traceback."""
    command = [sys.executable, "-m", "cartnorm", "normalize", str(many), "--observed-at", OBSERVED]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    with process.stderr:
        err = process.stderr.read()
    assert process.wait(timeout=60) == 4
    assert first == order_line(GOOD[0])
    (line,) = err.decode().splitlines()
    assert "the reader closed the pipe" in line and "stopped after" in line


def test_kill_9_of_the_parent_takes_the_workers_with_it(tmp_path, many):
    """--jobs 2, kill -9 of the parent mid-run: both workers are gone within seconds; outputs untouched."""
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"before\n")
    source = tmp_path / "many.jsonl"
    source.symlink_to(many)
    command = [sys.executable, "-m", "cartnorm", "normalize", str(source), "-o", str(out), "--jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while len(workers := children(process.pid)) < 2:
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.02)
    wait_until_reading(process, many, at_least=4 << 20)
    process.kill()
    process.wait(timeout=10)
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in workers)
    assert snapshot(tmp_path) == {"many.jsonl": many.read_bytes(), "out.jsonl": b"before\n"}  # nothing beside it


@pytest.mark.parametrize(("sent", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigint_and_sigterm_leave_no_partial_output_and_say_how_far(tmp_path, many, sent, code, jobs):
    """Ctrl-C or SIGTERM mid-run: exit 130/143, one line saying how far it got, no output file, no worker left."""
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    source = tmp_path / "many.jsonl"
    source.symlink_to(many)
    command = [sys.executable, "-m", "cartnorm", "normalize", str(source), "-o", str(out), "--rejects", str(rejects)]
    process = subprocess.Popen(
        [*command, "--jobs", jobs], stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=ctrl_c_on
    )
    wait_until_reading(process, many, at_least=8 << 20)
    process.send_signal(sent)
    out_text, err = process.communicate(timeout=30)
    assert process.returncode == code and out_text == b""
    (line,) = err.decode().splitlines()
    name = "interrupted (SIGINT)" if sent == signal.SIGINT else "terminated (SIGTERM)"
    assert line.startswith(f"cartnorm: error: {name}; stopped after ") and line.endswith(
        "; no output file was written or replaced"
    )
    done = int(line.split("stopped after ")[1].split(" record")[0].replace(",", ""))
    assert done < 3000 and (done == 0 or f"(the last at {source}:{done})" in line)
    assert set(snapshot(tmp_path)) == {"many.jsonl"}


# The signal sent from inside the command line, where the run has read everything: while the
# outputs are synced (before they are put in place), once the tables are committed (before the
# files are), while the last line is printed (after), and while the summary is synced (after).
_SIGNAL_AT = """
import os, signal, sys
from cartnorm import _outputs, cli
from cartnorm.tables import sinks
where, number = sys.argv[1], int(sys.argv[2])
if os.environ.get("NAMED_PARTIALS"):  # as where files cannot be made unnamed: hidden partial files beside
    _outputs.AtomicFile._unnamed = lambda self, directory: None
owner, name, after, only = {
    "sync": (_outputs.AtomicFile, "finish", False, "out.jsonl"),
    "tables": (sinks.TableSink, "commit", True, None),
    "last line": (cli._Run, "_summary_line", False, None),
    "summary sync": (_outputs.AtomicFile, "finish", False, "summary.json"),
}[where]
original, sent = getattr(owner, name), []
def send():
    if not sent:  # once (noted first: the handler raises as soon as the signal is sent)
        sent.append(number)
        os.kill(os.getpid(), number)
def interrupted(self, *args):
    if only is None or getattr(self, "target", "").endswith(only):
        if not after:
            send()
        result = original(self, *args)
        send()
        return result
    return original(self, *args)
setattr(owner, name, interrupted)
sys.exit(cli.main(sys.argv[3:]))
"""


def _signalled(tmp_path: Path, where: str, sent: signal.Signals, *extra: str, named: bool = False) -> tuple[int, str]:
    """Exit status and the last line of stderr of a run on GOOD, the signal sent at ``where``."""
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"".join(line + b"\n" for line in GOOD))
    command = [sys.executable, "-c", _SIGNAL_AT, where, str(int(sent)), "normalize", str(source)]
    command += ["-o", str(tmp_path / "out.jsonl"), "--summary", str(tmp_path / "summary.json"), *extra]
    environment = {**os.environ, "NAMED_PARTIALS": "1"} if named else None
    run = subprocess.run(command, capture_output=True, check=False, env=environment)
    *before, line = run.stderr.decode().splitlines()
    # one line, whatever the moment; after the usual line when the signal came after it was printed
    assert len(before) == (where == "summary sync") and all(" records → " in first for first in before), before
    return run.returncode, line


SIGNALS = pytest.mark.parametrize(
    ("sent", "code", "name"),
    [(signal.SIGINT, 130, "interrupted (SIGINT)"), (signal.SIGTERM, 143, "terminated (SIGTERM)")],
)


@SIGNALS
def test_a_signal_at_the_end_of_the_run_is_said_as_what_it_did(tmp_path, sent, code, name):
    """Before the outputs are in place: nothing is put there, as mid-run. After: all of it is, and the line says so."""
    out, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    status, line = _signalled(tmp_path, "sync", sent)
    assert status == code
    assert line.startswith(f"cartnorm: error: {name}; stopped after {len(GOOD)} records")
    assert line.endswith(f"no output file was written or replaced (but the summary, {summary})")
    assert set(snapshot(tmp_path)) == {"in.jsonl", "summary.json"}
    assert json.loads(summary.read_text())["completed"] is False

    for where, named in (("last line", False), ("summary sync", False), ("summary sync", True)):
        summary.unlink(missing_ok=True)
        status, line = _signalled(tmp_path, where, sent, named=named)
        assert status == code
        assert line.startswith(f"cartnorm: error: {name} as the run ended; {len(GOOD)} records → {len(GOOD)} orders")
        assert line.endswith("the outputs already in place")
        assert len(out.read_bytes().splitlines()) == len(GOOD)
        if where == "last line":
            assert json.loads(summary.read_text())["completed"] is True
        else:  # interrupted while it was written: not written at all, never two documents in one file
            assert set(snapshot(tmp_path)) == {"in.jsonl", "out.jsonl"}  # no partial file left either


@SIGNALS
def test_a_signal_once_the_tables_are_committed_says_they_were_written(tmp_path, sent, code, name):
    pytest.importorskip("duckdb")
    status, line = _signalled(tmp_path, "tables", sent, "--to", f"duckdb:{tmp_path / 'orders.duckdb'}")
    assert status == code
    assert line.startswith(f"cartnorm: error: {name}; stopped after {len(GOOD)} records")
    assert f"the tables (duckdb:{tmp_path / 'orders.duckdb'}) were already written; no output file was written" in line
    assert not (tmp_path / "out.jsonl").exists()


# Rule 6 — bounded and linear.


def _elapsed(tmp_path: Path, name: str, data: bytes, *args: object) -> tuple[float, int]:
    """
    The run's own elapsed seconds (from --summary: start-up excluded) and its peak resident memory
    in KiB (the kernel's high-water mark for the process, read from /proc while it runs).
    """
    source, summary = tmp_path / name, tmp_path / f"{name}.summary.json"
    source.write_bytes(data)
    command = [sys.executable, "-m", "cartnorm", "normalize", str(source), "--summary", str(summary), "--quiet"]
    process = subprocess.Popen([*command, "-o", os.devnull, *map(str, args)])
    peak = 0
    while process.poll() is None:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
        time.sleep(0.001)
    assert process.returncode == 1
    source.unlink()
    return json.loads(summary.read_text())["elapsed_seconds"], peak


def _long_record(size: int) -> bytes:
    return b'{"order": {"id": "order_1", "note": "' + b"x" * size + b'"}}'


@pytest.mark.parametrize("shape", ["line", "array element"])
def test_a_long_record_is_read_in_linear_time(tmp_path, shape):
    """A record 8 times longer costs well under 8 × 8 times as much (quadratic); the two sizes as a ratio."""

    def data(size: int) -> bytes:
        record = _long_record(size)
        return GEARMENT + b"\n" + record + b"\n" if shape == "line" else b"[" + GEARMENT + b",\n" + record + b"]"

    small, large = (
        min(_elapsed(tmp_path, f"{size}.json", data(size))[0] for _ in range(2)) for size in (4 << 20, 32 << 20)
    )
    assert large / max(small, 0.005) < 24, (small, large)


def test_a_line_over_the_limit_is_refused_without_being_held(tmp_path):
    """Lines 8 times over the limit and 64 times over: refused alike, in time and memory set by the limit."""
    limit = 1 << 20
    runs = [
        _elapsed(tmp_path, f"{size}.jsonl", _long_record(size) + b"\n" + GEARMENT + b"\n", "--max-record-bytes", limit)
        for size in (8 << 20, 64 << 20)
    ]
    (small_time, small_peak), (large_time, large_peak) = runs
    assert large_time / max(small_time, 0.005) < 8, runs  # the line is 8 times longer: skipped, not parsed
    assert large_peak - small_peak < 24 << 10, runs  # KiB: the 56 MiB more were never held


# Rule 7 — a duplicate key is an error naming it.


@pytest.mark.parametrize("layout", ["lines", "array"])
def test_a_duplicate_key_is_a_rejection_naming_the_key_and_path(tmp_path, layout):
    """``"currency_code":"jpy","currency_code":"usd"``: rejected, the key and its JSON path named."""
    doubled = edit(GOOD[0], USD, b'"currency_code":"jpy",' + USD)
    records = [GOOD[1], doubled, GOOD[2]]
    source = tmp_path / "orders.json"
    source.write_bytes(b"\n".join(records) + b"\n" if layout == "lines" else b"[" + b",".join(records) + b"]")
    rejects = tmp_path / "rejects.jsonl"
    result = normalize(source, "-o", tmp_path / "out.jsonl", "--rejects", rejects)
    (reject,) = lines_of(rejects)
    assert (reject["reason"], reject["error"], reject["path"]) == (
        "duplicate_key",
        "PayloadError",
        "$.order.currency_code",
    )
    assert '"currency_code"' in reject["message"] and '["jpy", "usd"]' in reject["message"]
    assert "$.order.currency_code" in result.stderr.decode() and exact_bytes(reject) == doubled


# Rule 10 — a hint instead of a silent wait.


def test_reading_a_terminal_prints_a_hint_first(tmp_path):
    """``cartnorm normalize`` with no file at a terminal says what it waits for, then reads what is typed."""
    controller, terminal = pty.openpty()
    command = [
        sys.executable,
        "-m",
        "cartnorm",
        "normalize",
        "--observed-at",
        OBSERVED,
        "-o",
        str(tmp_path / "out.jsonl"),
    ]
    process = subprocess.Popen(command, stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(terminal)
    assert process.stderr is not None
    ready, _, _ = select.select([process.stderr], [], [], 30)
    assert ready, "no hint within 30 s"
    hint = os.read(process.stderr.fileno(), 4096).decode()
    assert "reading JSON records from the terminal" in hint and "Ctrl-D" in hint
    small = min(GOOD, key=len)  # a terminal's line holds at most 4 095 characters
    os.write(controller, small + b"\n")
    os.write(controller, b"\x04")  # Ctrl-D: end of input
    process.communicate(timeout=30)
    os.close(controller)
    assert process.returncode == 0
    assert (tmp_path / "out.jsonl").read_bytes() == order_line(small)


# What held up, and must keep holding.


def test_hostile_nesting_and_huge_integers_are_refused_with_a_path(tmp_path):
    """Deep nesting and huge integers: rejections naming the JSON path, the run goes on."""
    deep = b'{"order": {"x": ' + b"[" * 5000 + b"]" * 5000 + b"}}"
    huge = b'{"order": {"total": ' + b"9" * 5000 + b"}}"
    source = tmp_path / "orders.jsonl"
    source.write_bytes(b"\n".join([deep, huge, GEARMENT]) + b"\n")
    rejects = tmp_path / "rejects.jsonl"
    result = normalize(source, "-o", tmp_path / "out.jsonl", "--rejects", rejects)
    assert result.returncode == 1 and (tmp_path / "out.jsonl").read_bytes() == order_line(GEARMENT)
    kept = lines_of(rejects)
    assert [r["reason"] for r in kept] == ["limit_exceeded_error"] * 2
    assert kept[1]["path"] == "$.order.total" and kept[0]["path"].startswith("$")
