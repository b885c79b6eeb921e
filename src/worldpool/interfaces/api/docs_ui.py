"""``/docs``: Swagger UI served from files inside the package (no CDN).

A self-hosted worldpool often has no internet; FastAPI's default docs page
loads Swagger UI from a CDN and is blank there. The vendored copy lives in
``static/swagger-ui`` (version and licence in its README).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["ASSETS_PATH", "install_docs"]

ASSETS_PATH = "/api-docs-assets"
"""URL prefix of the vendored Swagger UI files."""

_ASSETS = Path(__file__).with_name("static") / "swagger-ui"


def install_docs(app: FastAPI) -> None:
    """Serve Swagger UI at ``/docs`` from the package (app made with docs_url=None)."""
    app.mount(ASSETS_PATH, StaticFiles(directory=_ASSETS), name="api-docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Interactive API documentation (Swagger UI, served locally)."""
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_PATH}/favicon-32x32.png",
        )
