"""The MCP server: the assistant's read and action tools for AI agents."""

from worldpool.interfaces.mcp.server import build_server, run

__all__ = ["build_server", "run"]
