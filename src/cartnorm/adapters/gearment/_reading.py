"""
Reading a Gearment payload: the envelope, the order in Gearment's own encoding, and its fields.

The order is read into Gearment's own encoding (the encoding its protojson writer emits: see
`._protojson`) by a fast reader for the usual order (`._fast_read`), or by the full
normaliser, which accepts every protobuf JSON spelling and names the path of any error. The
hostile-input limits (`cartnorm.Limits`) are enforced on the way when the reader can
(`reader_enforces`); the mapping then reads fields with the helpers below.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from ..._json import freeze_json
from ..._paths import ROOT, child
from ...errors import MISSING, LimitExceededError, PayloadError, VendorErrorResponse
from ...limits import Limits, check_payload, count_nested, is_valid_text
from ...lossless import Reading
from ._amounts import Amounts, money_amount, money_reproduced
from ._fast_read import read_order_and_timestamps, reader_enforces
from ._protojson import parse_timestamp

__all__ = ["Read", "enum_text", "money_field", "read_payload", "reader_enforces", "text", "unwrap", "when"]


class Read(NamedTuple):
    """A payload as read: its envelope (without ``data``), the order and what reading it learnt."""

    envelope: dict[str, Any] | None
    order: dict[str, Any]  #: the reader's own copy, in Gearment's own encoding
    path: str  #: the order's JSON path in the payload (``$`` or ``$.data``)
    currency: str | None  #: the one currency the order's Moneys name, if any does
    parsed: Mapping[str, datetime]  #: timestamps the fast reader parsed, by text
    amounts: Amounts  #: the amounts of the Moneys it noted


def unwrap(payload: object) -> tuple[dict[str, Any] | None, object, str]:
    """
    Split a payload into (envelope without ``data``, the order, the order's JSON path).

    A bare order has no envelope. An envelope whose ``status`` is ``"error"`` raises
    `VendorErrorResponse` carrying Gearment's message.
    """
    if not isinstance(payload, Mapping):
        raise PayloadError(ROOT, payload, "a JSON object: a Gearment v3 order or its {status, message, data} envelope")
    if "status" not in payload:
        return None, payload, ROOT
    status = payload.get("status")
    if not isinstance(status, str):
        raise PayloadError(child(ROOT, "status"), status, "the envelope status 'success' or 'error'")
    if status.strip().lower() == "error":
        message = payload.get("message")
        raise VendorErrorResponse(
            child(ROOT, "status"),
            status,
            "a 'success' envelope with the order in data",
            hint=f"Gearment answered: {message!r}. The vendor did not return an order; retry or fix it upstream.",
        )
    if "data" not in payload:
        raise PayloadError(child(ROOT, "data"), MISSING, "the order object (data) of a Gearment envelope")
    envelope = {
        key: value if type(value) is str else freeze_json(value, path=child(ROOT, key))  # strings need no copy
        for key, value in payload.items()
        if key != "data"
    }
    return envelope, payload["data"], child(ROOT, "data")


def _checked_envelope_size(envelope: dict[str, Any], limits: Limits) -> int:
    """The number of values in the envelope (data aside), once within ``limits`` (`LimitExceededError` if not)."""
    if all(
        type(value) is str and len(value) <= limits.max_string_chars and is_valid_text(value)
        for value in envelope.values()
    ):
        return len(envelope)  # the usual envelope: a status and a message
    check_payload(envelope, limits)
    return count_nested(envelope)


def read_payload(payload: object, limits: Limits | None) -> Read:
    """
    Read ``payload`` (an order or its envelope), within ``limits`` when given (`reader_enforces`
    must hold for them): whatever is over them raises what `cartnorm.limits.check_payload`
    raises, before any other error.
    """
    envelope, raw, path = unwrap(payload)
    if limits is None:
        order, currency, parsed, amounts = read_order_and_timestamps(raw, path)
        return Read(envelope, order, path, currency, parsed, amounts)
    spent = 1  # the root
    if envelope is not None:  # the envelope's values, checked here: the reader sees only data's
        try:
            spent += 1 + _checked_envelope_size(envelope, limits)  # data itself, the envelope's other values
        except LimitExceededError:
            check_payload(payload, limits)  # the error the whole payload's walk meets first
            raise
    order, currency, parsed, amounts = read_order_and_timestamps(
        raw, path, limits, spent, lambda: check_payload(payload, limits)
    )
    return Read(envelope, order, path, currency, parsed, amounts)


def text(reading: Reading, key: str) -> str | None:
    """
    A proto3 string field: a non-empty text (which the reverse writes back, so it is taken),
    or None for absent, null and "" (all "not set"; carried as they came).
    """
    value = reading.value.get(key)
    if type(value) is str and value:  # the reader made every string field a str or None
        reading.given_back(key)
        return value
    return None


def money_field(reading: Reading, key: str, currency: str, amounts: Amounts) -> Decimal | None:
    """
    A mapped Money field's exact amount (None when absent or null), telling ``reading`` whether
    the reverse gives it back exactly: when sent in `money_json`'s spelling of ``currency``.
    The reader's note on the Money answers both at once (see `Amounts`); else they are computed.
    """
    money = reading.value.get(key)
    if money is None:
        return None
    known = amounts.get(id(money))
    if known is not None and known[0] is money:
        reading.rewrites(key, known[1] and money.get("currency_code") == currency)
        return known[2]
    reading.rewrites(key, money_reproduced(money, currency, amounts))
    return money_amount(money, reading.at(key))


def when(reading: Reading, key: str, parsed: Mapping[str, datetime]) -> datetime | None:
    """A timestamp field: the reader's parse of its text when it made one, else parsed here."""
    value = reading.value.get(key)
    if value is None:
        return None
    known = parsed.get(value) if type(value) is str else None
    return known if known is not None else parse_timestamp(value, reading.at(key))


def enum_text(value: Any, default: str) -> str:
    """An enum value as table text: its name, or the number as sent (``"42"``)."""
    return default if value is None else str(value)
