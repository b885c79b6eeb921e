"""The MCP server through the SDK's own client, over stdio and streamable HTTP."""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from tests.assistant.conftest import make_world
from worldpool.context import Context
from worldpool.interfaces.mcp import build_server
from worldpool.ledger.api_keys import create_api_key

SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def world(db_url: str) -> Iterator[Context]:
    """The assistant's small world (tests/assistant/conftest.py)."""
    ctx = make_world(db_url)
    yield ctx
    ctx.close()


def _structured(result: Any) -> Any:
    assert not result.isError, result.content
    return result.structuredContent


async def _stdio_session(url: str, key: str) -> dict[str, Any]:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "worldpool", "mcp", "--db", url],
        env={"WORLDPOOL_API_KEY": key},
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as s:
        await s.initialize()
        tools = {t.name: t for t in (await s.list_tools()).tools}
        stock = await s.call_tool("stock", {"sku": "MUG", "market": "DE"})
        move = await s.call_tool("transfer", {"sku": "MUG", "market": "DE", "qty": 5})
        return {"tools": tools, "stock": stock, "move": move}


@SQLITE
def test_stdio_reads_stock_and_refuses_an_action_to_a_read_key(world: Context) -> None:
    """Over stdio a read key sees typed tools and stock, and may not move stock."""
    key = create_api_key(world.engine, "agent", "read")
    out = asyncio.run(_stdio_session(world.settings.database_url, key))
    stock_tool = out["tools"]["stock"]
    assert stock_tool.inputSchema["required"] == ["sku", "market"]
    assert stock_tool.annotations.readOnlyHint is True
    assert out["tools"]["transfer"].annotations.readOnlyHint is False
    assert _structured(out["stock"])["total"] == 8
    assert out["move"].isError and "operator" in out["move"].content[0].text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def http_url(world: Context) -> Iterator[str]:
    """The MCP server on loopback streamable HTTP (uvicorn in a thread)."""
    port = _free_port()
    app = build_server(world, port=port).streamable_http_app()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/mcp"
    server.should_exit = True
    thread.join(10)


async def _http_calls(
    url: str, key: str | None, calls: list[tuple[str, dict[str, Any]]]
) -> list[Any]:
    headers = {"X-API-Key": key} if key else {}
    async with (
        httpx.AsyncClient(headers=headers, timeout=30) as http,
        streamable_http_client(url, http_client=http) as (read, write, _),
        ClientSession(read, write) as s,
    ):
        await s.initialize()
        return [await s.call_tool(name, args) for name, args in calls]


@SQLITE
def test_http_actions_pass_the_approval_policy(world: Context, http_url: str) -> None:
    """Over HTTP a write key gets an HS fix queued for approval and a reprice refused."""
    key = create_api_key(world.engine, "agent", "write")
    hs, price, sig, shops = asyncio.run(
        _http_calls(
            http_url,
            key,
            [
                ("fix_hs_code", {"sku": "LAMP", "hs_code": "940520"}),
                ("reprice", {"sku": "MUG", "market": "DE", "price": 9.5}),
                ("signals", {"limit": 10}),
                ("channels", {}),
            ],
        )
    )
    assert _structured(shops) == {"connections": []}
    assert _structured(hs)["status"] == "pending"
    assert _structured(price)["status"] == "refused"
    keys = [s["key"] for s in _structured(sig)["signals"]]
    assert "stockout:MUG:DE" in keys


@SQLITE
def test_http_without_a_key_is_refused(world: Context, http_url: str) -> None:
    """A call with no API key gets a tool error, and nothing is read."""
    (out,) = asyncio.run(
        _http_calls(http_url, None, [("stock", {"sku": "MUG", "market": "DE"})])
    )
    assert out.isError and "API key" in out.content[0].text
