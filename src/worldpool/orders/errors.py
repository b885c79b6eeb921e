"""Errors of the orders capability (subclasses of the worldpool tree).

::

    UnknownReference
    └── OrderNotFound      no order with that (channel, id)
    WorldpoolError
    └── OrderLocked        an edit arrived after shipment or cancellation
"""

from __future__ import annotations

from worldpool.errors import UnknownReference, WorldpoolError

__all__ = ["OrderLocked", "OrderNotFound"]


class OrderNotFound(UnknownReference):
    """No order is stored under that (channel, channel order id)."""


class OrderLocked(WorldpoolError):
    """The order has shipped or was cancelled: edits are refused."""
