"""
Strategies for Gearment v3 order payloads, in every protobuf-JSON spelling.

A payload is drawn once as a *tree* (plain dicts and lists whose leaves may be `Enum`,
`Int64`, `Int32` or `Timestamp` markers), then rendered by `render` in a `Style`:
Gearment's own encoding (snake_case keys, enum names, int64 as strings, ``Z`` timestamps),
or a variant (lowerCamelCase keys, enum numbers, int64 as numbers, int32 as strings,
timestamps with offsets). Rendering the same tree twice gives two spellings of one order.
Defaults are omitted or sent explicitly at random, unknown enum numbers and names, unknown
fields and negative Money (refunds, the only Money Gearment sends negative) all occur.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
from hypothesis import strategies as st

from cartnorm.adapters.gearment import _enums as e
from cartnorm.adapters.gearment._schema import camel_name

__all__ = [
    "OWN", "Enum", "Int32", "Int64", "Style", "Timestamp", "gearment_payloads", "order_trees", "render", "styles",
]  # fmt: skip

CURRENCIES = ["USD", "EUR", "JPY", "KWD", "GBP"]


@attrs.frozen
class Enum:
    """An enum value: a member, an unknown number, or an unknown name."""

    kind: type[enum.IntEnum]
    value: int | str


@attrs.frozen
class Int64:
    """An int64 field (protojson writes it as a decimal string)."""

    value: int


@attrs.frozen
class Int32:
    """An int32 field (protojson writes it as a number)."""

    value: int


@attrs.frozen
class Timestamp:
    """A google.protobuf.Timestamp: an instant, its nanoseconds, fraction digits, an offset for variants."""

    instant: datetime  # UTC, whole seconds
    nanos: int
    digits: int  # 0, 3, 6 or 9 (enough for nanos)
    offset_minutes: int


@attrs.frozen
class Style:
    """How to spell a tree: each flag turns one protobuf-JSON liberty on."""

    camel: bool = False
    enum_numbers: bool = False
    int64_numbers: bool = False
    int32_strings: bool = False
    offsets: bool = False

    @property
    def keeps_texts(self) -> bool:
        """True when timestamps are spelled as in the own encoding (payloads then normalise identically)."""
        return not self.offsets


#: Gearment's own encoding.
OWN = Style()

styles = st.builds(Style, camel=st.booleans(), enum_numbers=st.booleans(), int64_numbers=st.booleans(),
                   int32_strings=st.booleans(), offsets=st.booleans())  # fmt: skip


def _fraction(nanos: int, digits: int) -> str:
    return "" if digits == 0 else "." + f"{nanos:09d}"[:digits]


def _timestamp(leaf: Timestamp, style: Style) -> str:
    offset = leaf.offset_minutes if style.offsets else 0
    local = leaf.instant + timedelta(minutes=offset)
    text = (f"{local.year:04d}-{local.month:02d}-{local.day:02d}T{local.hour:02d}:{local.minute:02d}:{local.second:02d}"
            + _fraction(leaf.nanos, leaf.digits))  # fmt: skip
    if not style.offsets:
        return text + "Z"
    sign = "-" if offset < 0 else "+"
    return f"{text}{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"


def render(tree: Any, style: Style) -> Any:
    """Spell a drawn tree as JSON in ``style``."""
    if isinstance(tree, dict):
        return {(camel_name(key) if style.camel else key): render(value, style) for key, value in tree.items()}
    if isinstance(tree, list):
        return [render(item, style) for item in tree]
    if isinstance(tree, Enum):
        if isinstance(tree.value, str):
            return tree.value
        known = tree.value in tree.kind._value2member_map_
        return tree.kind(tree.value).name if known and not style.enum_numbers else tree.value
    if isinstance(tree, Int64):
        return tree.value if style.int64_numbers else str(tree.value)
    if isinstance(tree, Int32):
        return str(tree.value) if style.int32_strings else tree.value
    if isinstance(tree, Timestamp):
        return _timestamp(tree, style)
    return tree


# ---- leaves -------------------------------------------------------------------------------------

texts = st.text(max_size=12)
ids = st.text(min_size=1, max_size=16)


def enums(kind: type[enum.IntEnum]) -> st.SearchStrategy[Enum]:
    """Known members (mostly), unknown numbers, and unknown names."""
    return st.one_of(
        *[st.sampled_from(list(kind)).map(lambda member: Enum(kind, int(member)))] * 4,
        st.integers(min_value=max(kind) + 1, max_value=2**31 - 1).map(lambda n: Enum(kind, n)),
        st.integers(min_value=-(2**31), max_value=-1).map(lambda n: Enum(kind, n)),
        st.from_regex(r"[A-Z]{3,10}_NEW_VALUE", fullmatch=True).map(lambda name: Enum(kind, name)),
    )


@st.composite
def timestamps(draw: st.DrawFn) -> Timestamp:
    """Instants 1900..2200 with 0, 3, 6 or 9 fraction digits and an offset within ±14:00."""
    instant = draw(st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2200, 12, 30)))  # noqa: DTZ001
    digits = draw(st.sampled_from([0, 3, 6, 9]))
    step = 10 ** (9 - digits)
    nanos = 0 if digits == 0 else draw(st.integers(min_value=0, max_value=10**digits - 1)) * step
    offset = draw(st.integers(min_value=-14 * 60, max_value=14 * 60))
    return Timestamp(instant.replace(microsecond=0, tzinfo=timezone.utc), nanos, digits, offset)


@st.composite
def moneys(draw: st.DrawFn, currency: str, *, signed: bool = False) -> dict[str, Any]:
    """
    A google.type.Money in the order's currency: signs agree, zero fields omitted or explicit.
    Never negative (a price, a charge, a total) unless ``signed`` (a refund's amount).
    """
    big = draw(st.booleans()) and draw(st.booleans())
    limit = 2**63 - 1 if big else 10**6
    units = draw(st.integers(min_value=-limit if signed else 0, max_value=limit))
    nanos = draw(st.integers(min_value=0, max_value=999_999_999))
    if units < 0 or (units == 0 and signed and draw(st.booleans())):
        nanos = -nanos
    shape = draw(st.sampled_from(["full", "full", "full", "no_currency", "explicit_zeros"]))
    money: dict[str, Any] = {}
    if shape != "no_currency":
        money["currency_code"] = currency
    if units or shape == "explicit_zeros":
        money["units"] = Int64(units)
    if nanos or shape == "explicit_zeros":
        money["nanos"] = Int32(nanos)
    return money


_unknown_keys = st.from_regex(r"zz[a-z]{1,8}", fullmatch=True)
_plain_keys = st.from_regex(r"[a-z]{1,6}", fullmatch=True)
_unknown_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**20), max_value=10**20) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_plain_keys, inner, max_size=3),
    max_leaves=6,
)


def _fields(draw: st.DrawFn, fields: dict[str, st.SearchStrategy[Any]]) -> dict[str, Any]:
    """Each field present or omitted (a default left out) at random; sometimes an unknown field."""
    out = {key: draw(strategy) for key, strategy in fields.items() if draw(st.booleans())}
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        out[draw(_unknown_keys)] = draw(_unknown_values)
    return out


@st.composite
def line_items(draw: st.DrawFn, currency: str) -> dict[str, Any]:
    """A VendorOrderLineItem; quantity is always at least 1."""
    money = moneys(currency)
    line = _fields(draw, {
        "id": st.integers(min_value=1, max_value=2**63 - 1).map(Int64), "variant_id": texts,
        "printing_options": st.lists(st.fixed_dictionaries(
            {"print_location_code": enums(e.PrintLocationCode)}, optional={"design_url": texts}), max_size=2),
        "product_id": texts, "product_name": texts, "item_price": money, "line_tax": money, "line_discount": money,
        "line_total": money, "line_item_id": texts, "variant_sku": texts,
    })  # fmt: skip
    line["quantity"] = Int32(draw(st.integers(min_value=1, max_value=1000)))
    return line


_countries = st.sampled_from(["US", "DE", "FR", "JP", "VN", "us", "XX", ""])


@st.composite
def addresses(draw: st.DrawFn) -> dict[str, Any]:
    """A VendorAddress of any type, unknown numbers included."""
    return _fields(draw, {
        "first_name": texts, "last_name": texts, "company": texts, "street_1": texts, "street_2": texts,
        "state_code": st.sampled_from(["CA", "NY", "BY", "", "NSW"]), "state_name": texts, "city": texts,
        "zip_code": texts, "country_code": _countries, "country_name": texts, "phone_no": texts, "email": texts,
        "type": enums(e.VendorAddressType),
    })  # fmt: skip


@st.composite
def trackings(draw: st.DrawFn) -> dict[str, Any]:
    """A VendorOrderTracking of any type (PRIMARY, SECONDARY, OUTDATED, unknown)."""
    return _fields(draw, {
        "tracking_no": texts, "tracking_updated_at": timestamps(), "carrier": texts, "service": texts,
        "type": texts,
        "label_file": st.fixed_dictionaries({"file_name": texts, "storage_type": enums(e.FileStorageType)}),
        "tracking_type": enums(e.VendorTrackingType), "tracking_url": texts,
    })  # fmt: skip


@st.composite
def order_trees(draw: st.DrawFn, *, max_items: int = 3) -> dict[str, Any]:
    """A VendorOrder tree (render it with `render`), possibly inside the response envelope."""
    currency = draw(st.sampled_from(CURRENCIES))
    money = moneys(currency)
    order = {"order_id": draw(ids)}
    order.update(_fields(draw, {
        "store_id": texts, "created_method": enums(e.VendorCreatedMethod),
        "order_platform": enums(e.MarketplacePlatform), "priority": enums(e.VendorFulfillmentPriority),
        "shipping_option": st.fixed_dictionaries({}, optional={"method": enums(e.VendorShippingMethod)}),
        "order_date": timestamps(), "paid_at": timestamps(), "order_status": enums(e.VendorOrderStatus),
        "is_label_attached": st.booleans(), "order_subtotal": money, "order_tax": money, "order_fee": money,
        "order_discount": money, "order_total": money, "paid_total": money, "tracking_no": texts,
        "created_at": timestamps(), "updated_at": timestamps(),
        "line_items": st.lists(line_items(currency), max_size=max_items), "store_name": texts,
        "addresses": st.lists(addresses(), max_size=max_items),
        "stages": st.lists(st.fixed_dictionaries({"stage_name": texts, "stage_started_at": timestamps(),
                                                   "is_completed": st.booleans()}), max_size=2),
        "order_shipping_fee": money, "order_trackings": st.lists(trackings(), max_size=max_items),
        "refund_status": enums(e.VendorOrderRefundStatus), "cancel_status": enums(e.VendorOrderCancelStatus),
        "refunded_total": money,
        "refunds": st.lists(st.fixed_dictionaries({"amount": moneys(currency, signed=True),
                                                   "status": enums(e.VendorRefundStatus)}), max_size=2),
        "reference_id": texts,
    }))  # fmt: skip
    if draw(st.booleans()):
        return {"status": "success", "message": draw(texts), "data": order}
    return order


def gearment_payloads(style: Style = OWN) -> st.SearchStrategy[Any]:
    """Payloads rendered in ``style`` (Gearment's own encoding by default)."""
    return order_trees().map(lambda tree: render(tree, style))
