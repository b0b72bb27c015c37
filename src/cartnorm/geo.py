"""Country names from ISO 3166-1 alpha-2 codes (and back), from babel's CLDR data."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from types import MappingProxyType

from babel import Locale

__all__ = ["country_code", "country_name"]

_ALPHA2 = re.compile(r"[A-Za-z]{2}\Z")
# CLDR territories that are not countries: unknown region, groupings, pseudo-locales.
_NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"})


@functools.cache
def _names(locale: str) -> Mapping[str, str]:
    territories = Locale.parse(locale).territories
    return MappingProxyType(
        {code: str(name) for code, name in territories.items() if _ALPHA2.match(code) and code not in _NOT_COUNTRIES}
    )


@functools.cache
def _codes(locale: str) -> Mapping[str, str]:
    return MappingProxyType({name.casefold(): code for code, name in _names(locale).items()})


def country_name(code: str, locale: str = "en") -> str | None:
    """
    Return the country's display name for an alpha-2 code (any case), or None if unknown.

    >>> country_name("us"), country_name("AT"), country_name("zz")
    ('United States', 'Austria', None)
    """
    names = _names(locale)
    found = names.get(code)  # the usual code, already upper-case and bare
    if found is not None:
        return found
    return names.get(code.strip().upper()) if _ALPHA2.match(code.strip()) else None


def country_code(name: str, locale: str = "en") -> str | None:
    """
    Return the upper-case alpha-2 code whose display name is ``name`` (any case), or None.

    >>> country_code("united states")
    'US'
    """
    return _codes(locale).get(name.strip().casefold())
