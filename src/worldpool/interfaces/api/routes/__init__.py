"""One router per capability: orders, inventory, admin, webhooks."""

from worldpool.interfaces.api.routes import admin, inventory, orders, webhooks

__all__ = ["admin", "inventory", "orders", "webhooks"]
