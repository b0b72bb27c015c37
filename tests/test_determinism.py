"""The same input gives byte-identical output across runs, processes, hash seeds and --jobs."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import FIXTURES

SAMPLES = FIXTURES / "samples" / "orders.jsonl"


def _normalize(seed: str, jobs: str, tmp_path) -> tuple[bytes, bytes]:
    out, rejects = tmp_path / f"out-{seed}-{jobs}.jsonl", tmp_path / f"rejects-{seed}-{jobs}.jsonl"
    command = [sys.executable, "-m", "cartnorm", "normalize", str(SAMPLES), "-o", str(out), "--rejects", str(rejects)]
    command += ["--allow-rejects", "--observed-at", "2026-01-01T00:00:00Z", "--jobs", jobs]
    subprocess.run(command, check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
    return out.read_bytes(), rejects.read_bytes()


def test_cli_output_is_byte_identical(tmp_path):
    """Three hash seeds and two job counts: one set of bytes (orders and rejects)."""
    results = {_normalize(seed, jobs, tmp_path) for seed, jobs in (("0", "1"), ("1", "1"), ("4242", "2"))}
    assert len(results) == 1
    orders, rejects = results.pop()
    assert orders.count(b"\n") == 12 and rejects.count(b"\n") == 2


def test_parallel_output_matches_serial_output(tmp_path):
    """--jobs 2 over several batches (forked workers) writes exactly what --jobs 1 writes."""
    big = tmp_path / "many.jsonl"
    lines = SAMPLES.read_text().splitlines()
    big.write_text("\n".join(lines[index % len(lines)] for index in range(700)) + "\n")
    outputs = []
    for jobs in ("1", "2"):
        out, rejects = tmp_path / f"out{jobs}.jsonl", tmp_path / f"rejects{jobs}.jsonl"
        command = [sys.executable, "-m", "cartnorm", "normalize", str(big), "-o", str(out), "--rejects", str(rejects)]
        command += ["--observed-at", "2026-01-01T00:00:00Z", "--jobs", jobs]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        assert result.returncode == 1  # the samples carry two bad records
        assert "700 records → 600 orders, 100 rejected" in result.stderr
        outputs.append((out.read_bytes(), rejects.read_bytes()))
    assert outputs[0] == outputs[1]
