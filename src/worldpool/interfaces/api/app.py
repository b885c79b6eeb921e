"""``create_app``: the FastAPI application (OpenAPI at ``/openapi.json``)."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from worldpool._version import __version__
from worldpool.catalog.fx import load_fx
from worldpool.config import Settings
from worldpool.context import Context
from worldpool.interfaces.api.deps import PlanCache
from worldpool.interfaces.api.errors import install_error_handlers
from worldpool.interfaces.api.limits import BodyLimit
from worldpool.interfaces.api.routes import (
    admin,
    customs,
    forecasts,
    inventory,
    orders,
    plans,
    twin,
    webhooks,
)
from worldpool.interfaces.web import mount_cockpit
from worldpool.ledger import Ledger
from worldpool.orders.rules import RoutingParams
from worldpool.orders.service import OrderService

__all__ = ["FX_FILE_ENV", "MAX_BODY_BYTES", "SHOPIFY_SECRET_ENV", "create_app"]

MAX_BODY_BYTES = 5 * 1024 * 1024
"""Largest request body accepted, in bytes (larger ones get 413)."""

SHOPIFY_SECRET_ENV = "WORLDPOOL_SHOPIFY_SECRET"
"""Environment variable holding the Shopify app's client secret (webhook HMAC)."""

FX_FILE_ENV = "WORLDPOOL_FX_FILE"
"""Environment variable naming the FX table CSV the customs endpoints use."""


def _mount_cockpit(app: FastAPI, ledger: Ledger, fx_path: Path | None) -> None:
    # The cockpit's pages act through a Context; until the API's deps build one
    # per request, the app's context is made here from its ledger.
    settings = Settings.from_env()
    base = Context(
        engine=ledger.engine,
        catalog=ledger.catalog,
        fx=load_fx(fx_path or (Path(settings.fx_file) if settings.fx_file else None)),
        settings=settings,
        seller=settings.default_seller,
        role="viewer",
        language=settings.language,
    )
    mount_cockpit(app, base)


def create_app(
    ledger: Ledger,
    *,
    shopify_secret: str | None = None,
    params: RoutingParams | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    fx_path: Path | None = None,
) -> FastAPI:
    """Return the API app serving ``ledger``.

    Args:
        ledger: The pool (opened and initialised by the caller).
        shopify_secret: Shopify client secret for webhook signatures; default
            from ``WORLDPOOL_SHOPIFY_SECRET``.
        params: Routing parameters (split policy, costs).
        max_body_bytes: Largest request body, in bytes.
        fx_path: FX table CSV (``base,quote,rate,source,date``) for customs
            conversions; default from ``WORLDPOOL_FX_FILE``, else no rates.
    """
    app = FastAPI(
        title="worldpool",
        version=__version__,
        description="Orders from every channel, routed from one global pool; "
        "forecasts, plans, customs and the digital twin on top of it.",
    )
    app.state.service = OrderService(ledger, params)
    app.state.shopify_secret = shopify_secret or os.environ.get(SHOPIFY_SECRET_ENV)
    app.state.key_cache = {}
    env_fx = os.environ.get(FX_FILE_ENV)
    app.state.fx_path = fx_path or (Path(env_fx) if env_fx else None)
    app.state.plans = PlanCache()
    install_error_handlers(app)
    routers = (orders, inventory, admin, webhooks, forecasts, plans, customs, twin)
    for module in routers:
        app.include_router(module.router)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    _mount_cockpit(app, ledger, app.state.fx_path)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Liveness probe (no key needed)."""
        return {"status": "ok"}

    return app
