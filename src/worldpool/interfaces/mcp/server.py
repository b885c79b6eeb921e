"""Build and run the MCP server (stdio by default, streamable HTTP with ``--http``).

Every tool call acts as the API key that made it: over HTTP the ``X-API-Key``
header, over stdio the ``WORLDPOOL_API_KEY`` environment variable. A read
key may call the read tools; action tools need a write key, and then the
approval policy decides (suggest: refused, ask: stored for a person, auto:
carried out within its limit).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from mcp.server.fastmcp import Context as McpContext
from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.exceptions import ToolError

from worldpool.assistant import lookup
from worldpool.config import Settings
from worldpool.context import Context, Role, open_context
from worldpool.errors import WorldpoolError
from worldpool.interfaces.mcp.tools import register

__all__ = ["API_KEY_ENV", "build_server", "run"]

API_KEY_ENV = "WORLDPOOL_API_KEY"
"""Environment variable holding the API key of a stdio session."""

Actor = Callable[[McpContext[Any, Any, Any] | None], Context]


def _header_key(mcp_ctx: McpContext[Any, Any, Any] | None) -> str | None:
    if mcp_ctx is None:
        return None
    try:
        request = mcp_ctx.request_context.request
    except ValueError:
        return None
    headers = getattr(request, "headers", None)
    return None if headers is None else headers.get("x-api-key")


def build_server(
    base: Context,
    *,
    api_key: str | None = None,
    local_role: Role | None = None,
    host: str = "127.0.0.1",
    port: int = 8765,
) -> FastMCP[Any]:
    """Return the FastMCP server over ``base`` (tools act as the caller's key).

    Args:
        base: Context of the process (engine, catalog, seller).
        api_key: Key used when a call carries none (stdio, in-process agent).
        local_role: Role of a call with no key at all (the local ``worldpool
            ask`` user); None refuses such calls.
        host: HTTP host (``--http``).
        port: HTTP port (``--http``).
    """

    def actor(mcp_ctx: McpContext[Any, Any, Any] | None) -> Context:
        """Return the context the call acts with (its key's role), or refuse it."""
        key = _header_key(mcp_ctx) or api_key
        if key is None and local_role is not None:
            return base.acting_as(role=local_role, user="assistant")
        try:
            role = lookup.role_for_key(base, key)
        except WorldpoolError as exc:
            raise ToolError(str(exc)) from None
        return base.acting_as(role=role, user=f"key:{(key or '')[:8]}")

    server: FastMCP[Any] = FastMCP(
        "worldpool",
        instructions="Stock, orders, forecasts, plans, customs and the assistant's "
        "ranked signals of one worldpool seller; actions pass its approval policy.",
        host=host,
        port=port,
        stateless_http=True,
        json_response=True,
    )
    register(server, actor)
    return server


def run(
    *, db: str | None, seller: str | None, http: bool, host: str, port: int
) -> None:
    """Serve until stopped: stdio (default) or streamable HTTP at ``host:port/mcp``."""
    settings = Settings.from_env().with_(database_url=db)
    base = open_context(settings, seller=seller, user="mcp")
    server = build_server(
        base, api_key=os.environ.get(API_KEY_ENV), host=host, port=port
    )
    try:
        server.run("streamable-http" if http else "stdio")
    finally:
        base.close()
