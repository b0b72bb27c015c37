"""
cartnorm: vendor order payloads to the Trackstar cart order model, and back, exactly.

>>> import cartnorm
>>> order = cartnorm.loads(text)                    # doctest: +SKIP
>>> cartnorm.dumps(order) == text                   # doctest: +SKIP
"""

from . import lifecycle, money
from ._version import __version__
from .adapter import Adapter, DataWarning, Normalized, StatusDecision, StatusTable
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
from .schema import SchemaViolation, validate_trackstar

__all__ = [
    "Adapter",
    "BillToAddress",
    "CartOrder",
    "CartnormError",
    "ConfigurationError",
    "CurrencyError",
    "DataWarning",
    "LimitExceededError",
    "LineItem",
    "MissingDependencyError",
    "MoneyError",
    "Normalized",
    "OrderStatus",
    "PayloadError",
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
    "dumps",
    "from_trackstar",
    "lifecycle",
    "loads",
    "make_converter",
    "money",
    "to_trackstar",
    "validate_trackstar",
]
