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
from typing import Any, Final

from ..._json import exact_float
from ...geo import country_name
from ...model import BillToAddress, ShipToAddress
from ._context import Context
from ._reading import child

__all__ = ["bill_to", "ship_to"]


#: The Medusa address fields read as text, in the order `_texts` returns them.
_SHIP_TO: Final = ("first_name", "last_name", "company", "address_1", "address_2", "city", "province",
                   "postal_code", "phone")  # fmt: skip
_BILL_TO: Final = ("first_name", "last_name", "address_1", "address_2", "city", "province", "postal_code")


def _texts(context: Context, address: Mapping[str, Any], name: str, keys: tuple[str, ...]) -> list[str | None]:
    """The text at each of ``keys`` (strings as they are; see `_not_text` for anything else)."""
    values: list[str | None] = []
    for key in keys:
        value = address.get(key)
        if value is not None and type(value) is not str:
            value = _not_text(context, value, child(context.at(name), key))
        values.append(value)
    return values


def _not_text(context: Context, value: object, where: str) -> str | None:
    """A number as its decimal text (warned); anything else that is not text, None (warned)."""
    kind = type(value)
    if kind is int or kind is Decimal or kind is float:
        text = str(exact_float(value) if kind is float else value)  # type: ignore[arg-type]
        context.log.add("numeric_address_field", where, f"a number where Medusa writes text: read as {text!r} "
                        "(a number keeps no leading zeros: check them)")  # fmt: skip
        return text
    if isinstance(value, str):  # a str subclass
        return str(value)
    context.log.add("non_text_address_field", where, "not text: left null, kept in additional_fields")
    return None


def _full_name(first: str | None, last: str | None) -> str | None:
    parts = [part for part in (first, last) if part is not None]
    if not parts:
        return None
    return " ".join(part for part in parts if part)


def _country(context: Context, address: Mapping[str, Any], key: str) -> str | None:
    code = address.get("country_code")
    if not isinstance(code, str):
        return None
    if code == "":
        return ""
    name = country_name(code)
    if name is None:
        context.log.add(
            "unknown_country_code",
            context.at(key, "country_code"),
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
    first, last, company, line1, line2, city, province, postal_code, phone = _texts(
        context, address, "shipping_address", _SHIP_TO
    )
    return ShipToAddress(
        full_name=_full_name(first, last),
        company=company,
        address1=line1,
        address2=line2,
        address3=None,
        city=city,
        state=province,
        postal_code=postal_code,
        country=_country(context, address, "shipping_address"),
        phone_number=phone,
        email_address=email,
    )


def bill_to(context: Context) -> BillToAddress:
    """The bill-to address from ``billing_address`` (all null when there is none)."""
    address = context.order.get("billing_address")
    if not isinstance(address, Mapping):
        return BillToAddress(full_name=None, address1=None, address2=None, address3=None, city=None, state=None,
                             postal_code=None, country=None)  # fmt: skip
    first, last, line1, line2, city, province, postal_code = _texts(context, address, "billing_address", _BILL_TO)
    return BillToAddress(
        full_name=_full_name(first, last),
        address1=line1,
        address2=line2,
        address3=None,
        city=city,
        state=province,
        postal_code=postal_code,
        country=_country(context, address, "billing_address"),
    )
