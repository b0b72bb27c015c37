"""
Medusa addresses → Trackstar ship-to and bill-to addresses.

Every Medusa address field is free text. A JSON number where text belongs (a ``postal_code``
or ``phone`` such as ``72093``, sent by hand-built or exported payloads) becomes its decimal
text with a ``numeric_address_field`` warning (a number cannot hold leading zeros: check
them); any other non-text value leaves the field null with a ``non_text_address_field``
warning. Either way the value as it came stays in ``additional_fields``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..._json import exact_float
from ...geo import country_name
from ...model import BillToAddress, ShipToAddress
from ._context import Context
from ._reading import child

__all__ = ["bill_to", "ship_to"]


def _text(context: Context, address: Mapping[str, Any], key: str, where: str) -> str | None:
    """The text at ``address[key]``: a string as it is, a number as its decimal text (warned), else None."""
    value = address.get(key)
    if value is None or isinstance(value, str):
        return value
    kind = type(value)
    if kind is int or kind is Decimal or kind is float:
        text = str(exact_float(value) if kind is float else value)
        context.log.add("numeric_address_field", child(where, key), f"a number where Medusa writes text: "
                        f"read as {text!r} (a number keeps no leading zeros)")  # fmt: skip
        return text
    context.log.add("non_text_address_field", child(where, key), "not text: left null, kept in additional_fields")
    return None


def _full_name(context: Context, address: Mapping[str, Any], where: str) -> str | None:
    parts = [part for part in (_text(context, address, "first_name", where),
                               _text(context, address, "last_name", where)) if part is not None]  # fmt: skip
    if not parts:
        return None
    return " ".join(part for part in parts if part)


def _country(context: Context, address: Mapping[str, Any], where: str) -> str | None:
    code = address.get("country_code")
    if not isinstance(code, str):
        return None
    if code == "":
        return ""
    name = country_name(code)
    if name is None:
        context.log.add(
            "unknown_country_code",
            child(where, "country_code"),
            f"{code!r} is not an ISO 3166-1 alpha-2 code babel knows: country left null, code kept",
        )
    return name


def ship_to(context: Context, email: str | None) -> ShipToAddress:
    """The ship-to address from ``shipping_address``, with the order's e-mail."""
    address = context.order.get("shipping_address")
    if not isinstance(address, Mapping):
        return ShipToAddress(email_address=email, full_name=None, company=None, address1=None, address2=None,
                             address3=None, city=None, state=None, postal_code=None, country=None,
                             phone_number=None)  # fmt: skip
    where = context.at("shipping_address")
    return ShipToAddress(
        full_name=_full_name(context, address, where),
        company=_text(context, address, "company", where),
        address1=_text(context, address, "address_1", where),
        address2=_text(context, address, "address_2", where),
        address3=None,
        city=_text(context, address, "city", where),
        state=_text(context, address, "province", where),
        postal_code=_text(context, address, "postal_code", where),
        country=_country(context, address, where),
        phone_number=_text(context, address, "phone", where),
        email_address=email,
    )


def bill_to(context: Context) -> BillToAddress:
    """The bill-to address from ``billing_address`` (all null when there is none)."""
    address = context.order.get("billing_address")
    if not isinstance(address, Mapping):
        return BillToAddress(full_name=None, address1=None, address2=None, address3=None, city=None, state=None,
                             postal_code=None, country=None)  # fmt: skip
    where = context.at("billing_address")
    return BillToAddress(
        full_name=_full_name(context, address, where),
        address1=_text(context, address, "address_1", where),
        address2=_text(context, address, "address_2", where),
        address3=None,
        city=_text(context, address, "city", where),
        state=_text(context, address, "province", where),
        postal_code=_text(context, address, "postal_code", where),
        country=_country(context, address, where),
    )
