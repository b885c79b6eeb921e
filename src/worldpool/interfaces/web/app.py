"""Mount the cockpit on a FastAPI app: routers, static files, error pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from worldpool.context import Context
from worldpool.interfaces.web import (
    _login,
    _pages_channels,
    _pages_hub,
    _pages_more,
    _pages_orders,
    _pages_plan,
    _pages_stock,
)
from worldpool.interfaces.web._auth import CsrfFailed, LoginRequired
from worldpool.interfaces.web._render import page, tr
from worldpool.interfaces.web._state import WebState

__all__ = ["STATIC_DIR", "mount_cockpit"]

STATIC_DIR = Path(__file__).with_name("static")
"""Packaged static files (vendored htmx, uPlot, the cockpit's CSS)."""


def _redirect(target: str, request: Request) -> Response:
    if request.headers.get("hx-request"):
        # htmx swaps fragments; a full-page redirect needs its header.
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def mount_cockpit(app: FastAPI, base: Context, secret: str | None = None) -> None:
    """Serve the cockpit under ``/ui`` on ``app``.

    Args:
        app: The API application.
        base: Context with the engine, catalog and FX table; each request acts
            as its logged-in user through ``base.acting_as``.
        secret: Key signing session cookies (default: ``base.settings.secret_key``,
            else random per process).
    """
    app.state.web = WebState(base, secret or base.settings.secret_key)
    for module in (
        _login,
        _pages_stock,
        _pages_orders,
        _pages_channels,
        _pages_plan,
        _pages_more,
        _pages_hub,
    ):
        app.include_router(module.router, include_in_schema=False)
    app.mount("/ui/static", StaticFiles(directory=STATIC_DIR), name="cockpit-static")

    @app.get("/ui", include_in_schema=False)
    def _ui() -> Response:
        return RedirectResponse("/ui/", status_code=307)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        return _redirect(f"/ui/login?next={exc.next_url}", request)

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, _exc: CsrfFailed) -> Response:
        msg = tr(request, "The form expired; reload the page and try again.")
        return page(request, "_message.html", 403, error=msg)
