"""``create_app``: the FastAPI application (OpenAPI at ``/openapi.json``)."""

from __future__ import annotations

from fastapi import FastAPI

from worldpool._version import __version__
from worldpool.context import Context
from worldpool.interfaces.api.deps import PlanCache
from worldpool.interfaces.api.docs_ui import install_docs
from worldpool.interfaces.api.errors import install_error_handlers
from worldpool.interfaces.api.limits import BodyLimit
from worldpool.interfaces.api.nul import RefuseNul
from worldpool.interfaces.api.routes import (
    admin,
    assistant,
    carriers,
    channels,
    customs,
    forecasts,
    hub,
    inventory,
    logistics,
    orders,
    plans,
    profit,
    twin,
    webhooks,
)
from worldpool.interfaces.web import mount_cockpit
from worldpool.orders.rules import RoutingParams

__all__ = ["MAX_BODY_BYTES", "create_app"]

MAX_BODY_BYTES = 5 * 1024 * 1024
"""Largest request body accepted, in bytes (larger ones get 413)."""


def _include_lastmile(app: FastAPI) -> None:
    """Add ``/lastmile`` when the ``lastmile`` extra (PyVRP) is installed."""
    try:
        from worldpool.interfaces.api.routes import lastmile
    except ModuleNotFoundError:
        return
    app.include_router(lastmile.router)


def create_app(
    ctx: Context,
    *,
    params: RoutingParams | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> FastAPI:
    """Return the API app serving the database of ``ctx``.

    Each request acts through ``ctx`` as its API key's seller and role; FX
    rates come from ``ctx.fx``. Webhooks are checked with the secret of the
    channel connection they are for.

    Args:
        ctx: The server's context (database opened and initialised).
        params: Routing parameters (split policy, costs); None: the defaults.
        max_body_bytes: Largest request body, in bytes.
    """
    app = FastAPI(
        title="worldpool",
        version=__version__,
        description="Orders from every channel, routed from one global pool; "
        "forecasts, plans, customs and the digital twin on top of it.",
        docs_url=None,
        redoc_url=None,
    )
    install_docs(app)
    app.state.ctx = ctx
    app.state.routing = params
    app.state.plans = PlanCache()
    install_error_handlers(app)
    routers = (
        orders,
        inventory,
        admin,
        webhooks,
        forecasts,
        plans,
        customs,
        twin,
        profit,
        logistics,
        carriers,
        assistant,
        channels,
        hub,
    )
    for module in routers:
        app.include_router(module.router)
    _include_lastmile(app)
    app.add_middleware(RefuseNul)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    # The cockpit (/ui): each page acts as its logged-in user through ctx.
    mount_cockpit(app, ctx.acting_as(role="viewer"))

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Liveness probe (no key needed)."""
        return {"status": "ok"}

    return app
