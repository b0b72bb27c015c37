"""
cartnorm: vendor order payloads to the Trackstar cart order model, and back, exactly.

>>> import cartnorm
>>> order = cartnorm.loads(text)                    # doctest: +SKIP
>>> cartnorm.dumps(order) == text                   # doctest: +SKIP
"""

from . import lifecycle, money
from ._version import __version__
from .adapter import Adapter, DataWarning, Normalized, Option, StatusDecision, StatusTable
from .codec import TrackstarPage, dumps, from_trackstar, from_trackstar_page, loads, make_converter, to_trackstar
from .errors import (
    CartnormError,
    ConfigurationError,
    CurrencyError,
    InputTypeError,
    LimitExceededError,
    MissingDependencyError,
    MoneyError,
    PayloadError,
    ReadError,
    UnrecognizedPayloadError,
    VendorErrorResponse,
)
from .etl import Accepted, Location, Record, Rejection, convert, denormalize, normalize, normalize_many
from .limits import Limits
from .model import (
    BillToAddress,
    CartOrder,
    LineItem,
    OrderStatus,
    ShipFromAddress,
    Shipment,
    ShipmentLineItem,
    ShipmentStatus,
    ShippingGroup,
    ShippingGroupLineItem,
    ShipToAddress,
)
from .reading import read_records
from .registry import available_adapters, detect_adapter, get_adapter
from .schema import SchemaViolation, validate_trackstar
from .tables import Tables, arrow_batches, from_arrow, to_arrow

__all__ = [
    "Accepted",
    "Adapter",
    "BillToAddress",
    "CartOrder",
    "CartnormError",
    "ConfigurationError",
    "CurrencyError",
    "DataWarning",
    "InputTypeError",
    "LimitExceededError",
    "Limits",
    "LineItem",
    "Location",
    "MissingDependencyError",
    "MoneyError",
    "Normalized",
    "Option",
    "OrderStatus",
    "PayloadError",
    "ReadError",
    "Record",
    "Rejection",
    "SchemaViolation",
    "ShipFromAddress",
    "ShipToAddress",
    "Shipment",
    "ShipmentLineItem",
    "ShipmentStatus",
    "ShippingGroup",
    "ShippingGroupLineItem",
    "StatusDecision",
    "StatusTable",
    "Tables",
    "TrackstarPage",
    "UnrecognizedPayloadError",
    "VendorErrorResponse",
    "__version__",
    "arrow_batches",
    "available_adapters",
    "convert",
    "denormalize",
    "detect_adapter",
    "dumps",
    "from_arrow",
    "from_trackstar",
    "from_trackstar_page",
    "get_adapter",
    "lifecycle",
    "loads",
    "make_converter",
    "money",
    "normalize",
    "normalize_many",
    "read_records",
    "to_arrow",
    "to_trackstar",
    "validate_trackstar",
]
