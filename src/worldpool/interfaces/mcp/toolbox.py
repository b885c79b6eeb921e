"""Offer the MCP server's tools to the in-process agent (``worldpool ask``)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.exceptions import ToolError

from worldpool.assistant.agent import ChatFn, Reply, run_agent
from worldpool.assistant.llm import OpenAIChat
from worldpool.context import Context

__all__ = ["McpToolBox", "answer"]


class McpToolBox:
    """A :class:`worldpool.assistant.agent.ToolBox` over a FastMCP server's tools.

    Args:
        server: The server from :func:`worldpool.interfaces.mcp.build_server`.
    """

    def __init__(self, server: FastMCP[Any]) -> None:
        self.server = server

    def specs(self) -> list[dict[str, Any]]:
        """Return every tool as an OpenAI function spec (name, description, schema)."""
        tools = asyncio.run(self.server.list_tools())
        return [
            {
                "type": "function",
                "function": {
                    "name": t.name,
                    "description": t.description or "",
                    "parameters": t.inputSchema,
                },
            }
            for t in tools
        ]

    def call(self, name: str, arguments: Mapping[str, Any]) -> str:
        """Run one tool; return its structured result, or the error, as JSON text."""
        try:
            out = asyncio.run(self.server.call_tool(name, dict(arguments)))
        except ToolError as exc:
            return json.dumps({"error": str(exc)})
        if isinstance(out, tuple):
            out = out[1]
        if isinstance(out, dict):
            return json.dumps(out, default=str)
        texts = [getattr(block, "text", "") for block in out]
        return "\n".join(texts)


def answer(base: Context, question: str, chat: ChatFn | None = None) -> Reply:
    """Answer a question with the configured model calling this server's tools.

    The local user acts as an operator (the approval policy still applies).

    Raises:
        ConfigError: no model configured and no ``chat`` given.
        LlmError: the model failed or did not finish.
    """
    from worldpool.interfaces.mcp.server import build_server

    model = chat or OpenAIChat.from_settings(base.settings)
    server = build_server(base, local_role="operator")
    return run_agent(
        question, chat=model, tools=McpToolBox(server), language=base.language
    )
