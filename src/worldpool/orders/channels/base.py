"""What every channel adapter module provides, and the fulfilment request record.

An adapter is a *module* (``amazon.py``, ``shopify.py`` ...) with the same four
names; mypy checks each against :class:`ChannelAdapter`. All functions are pure:
network I/O goes through an injected :class:`Transport`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from worldpool.orders.order import Order

__all__ = ["ChannelAdapter", "FulfilmentRequest", "Shipment", "Transport"]


@dataclass(frozen=True, slots=True)
class Shipment:
    """A parcel handed to a carrier for one order."""

    carrier: str
    """Carrier code or name as the channel knows it (``UPS``, ``DHL`` ...)."""
    tracking_number: str
    """The carrier's tracking number."""
    shipped_at_ms: int
    """When it left the node, in milliseconds since the Unix epoch (UTC)."""


@dataclass(frozen=True, slots=True)
class FulfilmentRequest:
    """An HTTP request telling a channel that an order shipped."""

    method: str
    """HTTP method."""
    path: str
    """Path relative to the channel's API base URL."""
    body: Mapping[str, Any] = field(default_factory=dict)
    """JSON body in the channel's documented shape."""


class ChannelAdapter(Protocol):
    """The module-level interface of a channel adapter."""

    CHANNEL: str
    """Channel id, as in the catalog's ``channels.csv``."""
    FORMAT: str
    """``json`` (a decoded JSON document) or ``csv`` (the file's text)."""

    def split(self, document: Any) -> list[Any]:
        """Return the order records of one delivered document (one per order)."""
        ...

    def parse_order(self, record: Any) -> Order:
        """Return the normalised order of one record; raise InputError if bad."""
        ...

    def build_fulfilment(self, order: Order, shipment: Shipment) -> FulfilmentRequest:
        """Return the request that confirms ``shipment`` of ``order`` to the channel."""
        ...


class Transport(Protocol):
    """Sends a fulfilment request and returns the decoded JSON reply."""

    def send(self, request: FulfilmentRequest) -> Mapping[str, Any]:
        """Send ``request``; raise on an HTTP error status."""
        ...
