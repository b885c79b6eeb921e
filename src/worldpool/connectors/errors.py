"""Errors of the connectors capability (under ``WorldpoolError``).

::

    ChannelError                   a channel or carrier API call failed
    ├── ProviderRejected           4xx (not 429): retrying will not help
    ├── ProviderUnavailable        429/5xx/timeouts outlasted every retry
    └── LeaseLost                  this worker's connection lease ended: send nothing

Messages name the connection and the operation, the HTTP status and the
provider's own error code; never a credential, token or signed URL.
"""

from __future__ import annotations

from worldpool.errors import WorldpoolError

__all__ = ["ChannelError", "LeaseLost", "ProviderRejected", "ProviderUnavailable"]


class ChannelError(WorldpoolError):
    """A channel or carrier API call failed."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body: object = None
        """The provider's decoded error reply, when there was one (never logged)."""


class ProviderRejected(ChannelError):
    """The provider refused the request (4xx other than 429)."""


class ProviderUnavailable(ChannelError):
    """The provider stayed throttled or down through every retry."""


class LeaseLost(ChannelError):
    """The worker's lease on the connection ended (taken over): no request went.

    Raised before a request, never after one was sent; the rows of the batch
    belong to the connection's new holder.
    """
