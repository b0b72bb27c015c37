"""
A corpus for the scale-out tests: thousands of payloads as JSON text, bad records mixed in,
and the single-process reference (`cartnorm.normalize_many`) the engines must agree with.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import HealthCheck, Phase, given, settings

import cartnorm
from cartnorm._json import encode_json, parse_json
from cartnorm.adapter import Adapter
from conftest import FIXTURES
from strategies.canonical import cart_orders


def canonical_pool(size: int = 60) -> list[cartnorm.CartOrder]:
    """``size`` varied canonical orders, the same on every run (Hypothesis, derandomized)."""
    pool: list[cartnorm.CartOrder] = []

    @settings(
        max_examples=size,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(cart_orders(max_line_items=3, signed=False))
    def collect(order: cartnorm.CartOrder) -> None:
        pool.append(order)

    collect()
    return pool


def _nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"down": value}
    return value


def _bad_documents(document: dict[str, Any]) -> list[Any]:
    """Wrong shapes and bad values, built from one good Trackstar document."""

    def changed(**changes: Any) -> dict[str, Any]:
        return {**document, **changes}

    missing = dict(document)
    del missing["raw_status"]
    return [
        missing,
        changed(colour="red"),
        changed(total_price="12.50"),
        changed(total_price=1.5e300),
        changed(status="teleported"),
        changed(created_date="2024-01-01T00:00:00"),
        changed(invoice_currency_code=7),
        changed(line_items=[{"line_item_id": "x"}]),
        changed(line_items="none"),
        changed(additional_fields=_nested(80)),
        changed(total_price=Decimal("1" * 45)),
        [document],
        "an order",
        42,
        None,
    ]


_MALFORMED = ["{bad", "", "   ", "NaN", "{'single': 'quotes'}", '{"id": "x",}', "[1, 2", '"unterminated', "1" * 60]


def _fixture_errors() -> list[str]:
    """Every error fixture's payload (compact text), for every source with fixtures."""
    return [
        encode_json(parse_json(path.with_name(path.name.replace(".error.", ".payload.")).read_text("utf-8")))
        for path in sorted(FIXTURES.glob("*/*.error.json"))
    ]


def corpus(count: int = 3000, *, bad_share: float = 0.15, seed: int = 20241122) -> list[str]:
    """
    ``count`` JSON texts, one record each: Trackstar documents of varied canonical orders (each
    with its own id), with about ``bad_share`` of them malformed, misshapen or with bad values.
    """
    rng = random.Random(seed)
    pool = canonical_pool()
    documents = [cartnorm.to_trackstar(order) for order in pool]
    bad: list[str] = [*_MALFORMED, *_fixture_errors()]
    for document in documents[:8]:
        bad.extend(encode_json(item) for item in _bad_documents(document))
    texts = []
    for index in range(count):
        if rng.random() < bad_share:
            text = rng.choice(bad)
            if rng.random() < 0.2:  # cut a good record short
                whole = encode_json(documents[index % len(documents)])
                text = whole[: rng.randrange(1, len(whole))]
            texts.append(text)
        else:
            order = attrs.evolve(pool[index % len(pool)], id=f"ord-{index:05d}")
            texts.append(encode_json(cartnorm.to_trackstar(order)))
    return texts


def reference(
    texts: Sequence[str | bytes],
    source: str | Adapter | None,
    observed_at: datetime,
    **options: Any,
) -> list[dict[str, Any]]:
    """
    What one process gives for each text, in order: the text parsed with cartnorm's parser,
    the records through `cartnorm.normalize_many`, each result as an output row (without the
    input's own columns): order columns for an order, rejection columns for a rejection.
    """
    parsed: list[tuple[bool, Any]] = []
    for text in texts:
        try:
            parsed.append((True, parse_json(text)))
        except cartnorm.PayloadError as error:
            parsed.append((False, error))
    results = iter(
        cartnorm.normalize_many([value for ok, value in parsed if ok], source, observed_at=observed_at, **options)
    )
    rows = []
    for position, (ok, value) in enumerate(parsed):
        result = next(results) if ok else cartnorm.Rejection.from_error(position, texts[position], value)
        if isinstance(result, cartnorm.Accepted):
            order = result.order
            rows.append(
                {
                    "ok": True,
                    "order": cartnorm.dumps(order),
                    "order_id": order.id,
                    "status": order.status.value,
                    "currency": order.invoice_currency_code,
                    "source": result.source,
                    "warnings": [(w.code, w.path, w.message) for w in result.warnings],
                }
            )
        else:
            rows.append({"ok": False, "path": result.path, "error": result.error, "message": result.message})
    assert next(results, None) is None
    return rows
