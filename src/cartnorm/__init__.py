"""
cartnorm: vendor order payloads to the Trackstar cart order model, and back, exactly.

>>> import cartnorm
>>> order = cartnorm.loads(text)                    # doctest: +SKIP
>>> cartnorm.dumps(order) == text                   # doctest: +SKIP
"""

from . import lifecycle, money
from ._version import __version__
from .adapter import Adapter, DataWarning, Normalized, Option, StatusDecision, StatusTable
from .codec import dumps, from_trackstar, loads, make_converter, to_trackstar
from .errors import (
    CartnormError,
    ConfigurationError,
    CurrencyError,
    LimitExceededError,
    MissingDependencyError,
    MoneyError,
    PayloadError,
    UnrecognizedPayloadError,
    VendorErrorResponse,
)
from .etl import Accepted, Rejection, convert, denormalize, normalize, normalize_many
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
from .registry import available_adapters, detect_adapter, get_adapter
from .schema import SchemaViolation, validate_trackstar

__all__ = [
    "Accepted",
    "Adapter",
    "BillToAddress",
    "CartOrder",
    "CartnormError",
    "ConfigurationError",
    "CurrencyError",
    "DataWarning",
    "LimitExceededError",
    "Limits",
    "LineItem",
    "MissingDependencyError",
    "MoneyError",
    "Normalized",
    "Option",
    "OrderStatus",
    "PayloadError",
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
    "UnrecognizedPayloadError",
    "VendorErrorResponse",
    "__version__",
    "available_adapters",
    "convert",
    "denormalize",
    "detect_adapter",
    "dumps",
    "from_trackstar",
    "get_adapter",
    "lifecycle",
    "loads",
    "make_converter",
    "money",
    "normalize",
    "normalize_many",
    "to_trackstar",
    "validate_trackstar",
]
