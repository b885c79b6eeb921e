"""One router per capability: orders, stock, admin, webhooks and the planning stack."""

from worldpool.interfaces.api.routes import (
    admin,
    assistant,
    customs,
    forecasts,
    inventory,
    orders,
    plans,
    twin,
    webhooks,
)

__all__ = [
    "admin",
    "assistant",
    "customs",
    "forecasts",
    "inventory",
    "orders",
    "plans",
    "twin",
    "webhooks",
]
