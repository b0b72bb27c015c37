"""Without orjson (no wheel for the platform) cartnorm writes the very same bytes, in pure Python."""

from __future__ import annotations

import json
import subprocess
import sys

import cartnorm
from cartnorm._json import encode_json, parse_json
from cartnorm.conformance import FIXTURE_OBSERVED_AT
from conftest import FIXTURES, REPO

#: Run in a fresh interpreter where ``import orjson`` fails, as on a platform without its wheel.
_WITHOUT_ORJSON = """
import sys
sys.modules["orjson"] = None  # the import fails, as where no wheel exists
import json
from pathlib import Path

import cartnorm
from cartnorm import _datetime, _json
from cartnorm._json import encode_json, parse_json
from cartnorm.conformance import FIXTURE_OBSERVED_AT

assert _json._orjson is None and _datetime._orjson_dumps is None, "orjson was imported after all"
out = {}
for path in sorted(Path(sys.argv[1]).rglob("*.payload.json")):
    try:
        order = cartnorm.normalize(parse_json(path.read_bytes()), observed_at=FIXTURE_OBSERVED_AT)
    except cartnorm.CartnormError:
        continue
    out[str(path)] = [cartnorm.dumps(order), encode_json(cartnorm.to_trackstar(order))]
print(json.dumps(out))
"""


def _with_orjson() -> dict[str, list[str]]:
    out = {}
    for path in sorted(FIXTURES.rglob("*.payload.json")):
        try:
            order = cartnorm.normalize(parse_json(path.read_bytes()), observed_at=FIXTURE_OBSERVED_AT)
        except cartnorm.CartnormError:
            continue
        out[str(path)] = [cartnorm.dumps(order), encode_json(cartnorm.to_trackstar(order))]
    return out


def test_the_pure_python_fallback_writes_the_same_bytes():
    """Every fixture's order is written identically with and without orjson (which this install has)."""
    from cartnorm import _json

    assert _json._orjson is not None  # the default install is the fast one
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_ORJSON, str(FIXTURES)], capture_output=True, text=True, check=True, cwd=REPO
    )
    without = json.loads(done.stdout)
    assert without and without == _with_orjson()
