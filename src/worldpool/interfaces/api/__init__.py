"""The HTTP API (FastAPI): orders, stock, reservations, dead letters, webhooks."""

from worldpool.interfaces.api.app import create_app

__all__ = ["create_app"]
