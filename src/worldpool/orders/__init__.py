"""Orders from every channel, routed from one pool.

Pure core: the normalised :class:`Order`, channel adapters
(:mod:`worldpool.orders.channels`), intake checks, the routing decision
:func:`route` and delivery :func:`promise`. :mod:`worldpool.orders.service`
composes them with the ledger.
"""

from worldpool.orders.codec import order_from_dict, order_hash, order_to_dict
from worldpool.orders.errors import OrderLocked, OrderNotFound
from worldpool.orders.intake import market_for, validate_order
from worldpool.orders.order import Address, Order, OrderLine, OrderStatus, ServiceLevel
from worldpool.orders.promise import Promise, promise
from worldpool.orders.route import Assignment, RoutingDecision, StockView, route
from worldpool.orders.rules import RoutingParams, SourceKind

__all__ = [
    "Address",
    "Assignment",
    "Order",
    "OrderLine",
    "OrderLocked",
    "OrderNotFound",
    "OrderStatus",
    "Promise",
    "RoutingDecision",
    "RoutingParams",
    "ServiceLevel",
    "SourceKind",
    "StockView",
    "market_for",
    "order_from_dict",
    "order_hash",
    "order_to_dict",
    "promise",
    "route",
    "validate_order",
]
