"""
What the Gearment mapping records while it maps (`cartnorm.lossless.Reading`) is the plain
definition: ``remainder_of(object, encode_...(canonical))``, object by object, key order included.
"""

from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from cartnorm import CartnormError
from cartnorm._datetime import parse_rfc3339
from cartnorm.adapters.gearment._amounts import money_amount, money_json, money_reproduced
from cartnorm.adapters.gearment._protojson import format_timestamp, timestamp_reproduced
from cartnorm.lossless import remainder_of, same
from strategies.gearment import OWN, moneys, render

residual = remainder_of  # the definition the mapping's remainders are held to
sent_moneys = st.sampled_from(["USD", "JPY", "usd"]).flatmap(moneys).map(lambda tree: render(tree, OWN))

money_shapes = sent_moneys | st.fixed_dictionaries(
    {"currency_code": st.sampled_from(["USD", "usd", ""])},
    optional={"units": st.sampled_from([None, "0", "1", "-3", "12"]), "nanos": st.sampled_from([None, 0, 5, -5])},
)


@given(money_shapes, st.sampled_from(["USD", "JPY"]))
def test_the_readers_verdict_on_a_money_is_the_plain_comparisons(sent, currency):
    """money_reproduced, from the fast reader's note on a Money, decides as money_json + same would."""
    from cartnorm.adapters.gearment._fast_read import _MONEYS, UNBOUNDED, _NeedsFullReadError, _Seen

    seen = _Seen(UNBOUNDED)
    try:
        copy_read = _MONEYS[True, False](sent, seen)
    except _NeedsFullReadError:
        return  # a Money the fast reader leaves to the full one: no verdict kept
    informed = money_reproduced(copy_read, currency, seen.amounts)
    assert informed == same(money_json(money_amount(copy_read, "$"), currency), copy_read)
    assert money_reproduced(copy.deepcopy(copy_read), currency, {}) == informed  # without a note: the same verdict


@st.composite
def payloads_with_odd_lines(draw):
    """Generated orders in any spelling, some line fields made null, empty or oddly spelled."""
    from strategies.gearment import order_trees, styles

    payload = render(draw(order_trees()), draw(styles))
    order = payload.get("data", payload)
    for line in order.get("line_items") or order.get("lineItems") or []:
        for key in draw(st.lists(st.sampled_from(sorted(line)), max_size=3)):
            line[key] = draw(st.sampled_from([None, "", {"currency_code": "USD"}, {"units": "0"}]))
    for tracking in order.get("order_trackings") or order.get("orderTrackings") or []:
        for key in draw(st.lists(st.sampled_from(sorted(tracking)), max_size=3)) if tracking else ():
            tracking[key] = draw(st.sampled_from([None, "", "2026-01-01T00:00:00.000Z", 42, "TRACKING_TYPE_X"]))
    return payload


def _as_kept(expected):
    """What the residual keeps of a list: nothing when every item is given back whole."""
    return [list(rest.items()) for rest in expected] if not expected or any(expected) else None


def _converted_and_read(payload):
    """The canonical order, its gearment residuals, and the fast reader's copy of the order (None: refused)."""
    from datetime import datetime, timezone

    from cartnorm import CartnormError
    from cartnorm.adapters import gearment
    from cartnorm.adapters.gearment._fast_read import read_order
    from cartnorm.adapters.gearment._reading import unwrap

    try:
        order = gearment.convert(copy.deepcopy(payload), observed_at=datetime(2026, 1, 1, tzinfo=timezone.utc)).order
    except CartnormError:
        return None
    _, raw, path = unwrap(payload)
    read, _ = read_order(raw, path)
    return order, order.additional_fields["gearment"], read


@given(payloads_with_odd_lines())
def test_line_and_tracking_residuals_are_what_rebuilding_each_one_leaves(payload):
    """The residuals the mapping decides equal residual(item, encode_...(...)), the plain definition."""

    from cartnorm.adapters.gearment._from_canonical import encode_line, encode_order_fields, encode_tracking
    from cartnorm.adapters.gearment._layout import PARTS as _LIST_KEYS
    from cartnorm.adapters.gearment._layout import remainder_key

    converted = _converted_and_read(payload)
    if converted is None:
        return
    order, kept, read = converted
    top = {key: value for key, value in read.items() if not (key in _LIST_KEYS and isinstance(value, list))}
    assert list(kept.get("order", {}).items()) == list(residual(top, encode_order_fields(order)).items())
    trackings = read.get("order_trackings")
    if isinstance(trackings, list):
        expected = [
            residual(t, encode_tracking(s, i)) for i, (t, s) in enumerate(zip(trackings, order.shipments, strict=True))
        ]
        stored = kept.get("order_trackings")
        assert (None if stored is None else [list(rest.items()) for rest in stored]) == _as_kept(expected)
    lines = read.get("line_items")
    if not isinstance(lines, list):
        assert "line_items" not in kept
        return
    remainders = {
        remainder_key(entry["line_index"], entry["field"]): Decimal(entry["remainder"])
        for entry in kept.get("per_unit_remainders", [])
    }
    currency = order.invoice_currency_code
    expected = [
        residual(line, encode_line(item, currency, index, remainders))
        for index, (line, item) in enumerate(zip(lines, order.line_items, strict=True))
    ]
    if not expected or any(expected):
        assert [list(rest.items()) for rest in kept["line_items"]] == [list(rest.items()) for rest in expected]
    else:
        assert "line_items" not in kept


_NAMES = (None, "", " ", "Jane", "Jane Doe", "Doe")
_STATES = (None, "", "C", "CA", "NSW", "ABCD", "Bavaria")
_CODES = (None, "", "US", "us", " us", "DE", "XX", "USA")
_COUNTRY_NAMES = (None, "", "United States", "united states", "Germany", "Neverland", "XX", "DE")
#: Values for each address field that exercise the rules: nulls, "", names with spaces, states
#: of 1..7 letters, country codes and names known (any case) and unknown, now and then any text.
_ADDRESS_VALUES = {
    "first_name": _NAMES, "last_name": _NAMES, "state_code": _STATES, "state_name": _STATES,
    "country_code": _CODES, "country_name": _COUNTRY_NAMES,
    **dict.fromkeys(["company", "street_1", "street_2", "city", "zip_code", "phone_no", "email"], (None, "", "A")),
}  # fmt: skip


@st.composite
def odd_addresses(draw):
    """An address of a known type (mostly) whose fields are each absent, null, empty or one of the values above."""
    from cartnorm.adapters.gearment._enums import VendorAddressType
    from strategies.gearment import Enum

    address = {}
    for key, values in _ADDRESS_VALUES.items():
        if draw(st.booleans()):
            address[key] = draw(st.one_of(st.sampled_from(values), st.sampled_from(values), st.text(max_size=5)))
    if draw(st.integers(min_value=0, max_value=5)):
        address["type"] = Enum(VendorAddressType, draw(st.sampled_from([2, 3, 4, 2, 3, 4, 0, 1, 5])))
    return address


@st.composite
def payloads_with_odd_addresses(draw):
    """Generated orders in any spelling, with such addresses (two of a type now and then)."""
    from strategies.gearment import order_trees, styles

    tree = draw(order_trees())
    order = tree.get("data", tree)
    order["addresses"] = draw(st.lists(odd_addresses(), max_size=4))
    return render(tree, draw(styles))


@given(payloads_with_odd_addresses())
@example(
    {
        "order_id": "1",
        "addresses": [  # a known code, then the same code beside another country's name
            {"type": "TYPE_SHIP_TO", "country_code": "US"},
            {"type": "TYPE_BILL_TO", "country_code": "US", "country_name": "Germany"},
        ],
    }
)
@example(
    {
        "order_id": "1",
        "addresses": [  # every derived field omitted, listed in the encoder's order
            {"type": "TYPE_SHIP_TO", "last_name": "Doe", "state_name": "CA", "country_code": "USA"},
            {"type": "TYPE_BILL_TO", "first_name": "", "last_name": "Doe", "state_code": None, "state_name": "NSW"},
        ],
    }
)
def test_address_residuals_are_what_rebuilding_each_one_leaves(payload):
    """Each address's residual, decided from the mapping's rules, is residual(address, encode_<role>(...))."""

    from cartnorm.adapters.gearment._from_canonical import _address_base, address_roles

    converted = _converted_and_read(payload)
    if converted is None:
        return
    order, kept, read = converted
    addresses = read.get("addresses")
    if not isinstance(addresses, list):
        assert "addresses" not in kept
        return
    roles = address_roles([address.get("type") for address in addresses])
    expected = [residual(address, _address_base(role, order)) for role, address in zip(roles, addresses, strict=True)]
    assert [list(rest.items()) for rest in kept["addresses"]] == [list(rest.items()) for rest in expected]


@st.composite
def timestamp_texts(draw):
    """RFC 3339 texts in every spelling a payload may use: fraction digits, T/t, Z/z and offsets."""
    # naive bounds, as st.datetimes requires; only the wall-clock digits are used
    low, high = datetime(1, 1, 2), datetime(9999, 12, 30)  # noqa: DTZ001
    when = draw(st.datetimes(min_value=low, max_value=high))
    fraction = draw(
        st.sampled_from(["", ".000", ".120", ".100000", ".000250", ".000000", ".5", ".120000001"])
        | st.from_regex(r"\.[0-9]{1,9}", fullmatch=True)
    )
    separator = draw(st.sampled_from(["T", "T", "t"]))
    offset = draw(st.sampled_from(["Z", "Z", "z", "+00:00", "-00:00", "+02:00", "-05:30"]))
    return when.strftime(f"%Y-%m-%d{separator}%H:%M:%S") + fraction + offset


@given(timestamp_texts())
@example("2026-03-01T09:15:02Z")  # the own spellings ...
@example("2026-03-01T09:15:02.120Z")
@example("2026-03-01T09:15:02.000250Z")
@example("2026-03-01T09:15:02.000Z")  # ... and near misses: an all-zero or too long fraction
@example("2026-03-01T09:15:02.120000Z")
@example("2026-03-01T09:15:02.000000Z")
@example("2026-03-01T09:15:02.000250000Z")
def test_a_timestamps_spelling_decides_as_formatting_it_would(text):
    """timestamp_reproduced, from the reader's own parse, agrees with format_timestamp(...) == text."""
    try:
        when = parse_rfc3339(text, sub_microsecond="truncate")
    except CartnormError:
        return
    expected = format_timestamp(when) == text
    assert timestamp_reproduced(when, text, {text: when}) == expected
    assert timestamp_reproduced(when, text, {}) == expected  # not the reader's parse: formatted and compared
