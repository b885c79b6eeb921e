"""The agent loop against a loopback OpenAI-compatible stub (scripted tool calls)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from worldpool.assistant.agent import LlmError
from worldpool.assistant.llm import OpenAIChat
from worldpool.config import Settings
from worldpool.context import Context
from worldpool.errors import ConfigError
from worldpool.interfaces.mcp.toolbox import answer


class Stub:
    """A scripted chat-completions endpoint: each request gets the next step."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.steps: list[Any] = []

    def reply(self, body: dict[str, Any]) -> tuple[int, Any]:
        self.requests.append(body)
        step = self.steps.pop(0)
        return step(body) if callable(step) else step


def _completion(message: dict[str, Any]) -> tuple[int, Any]:
    return 200, {
        "id": "c1",
        "object": "chat.completion",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
    }


def _tool_call(name: str, args: dict[str, Any]) -> tuple[int, Any]:
    return _completion(
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": f"call-{name}",
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(args)},
                }
            ],
        }
    )


@pytest.fixture
def stub() -> Iterator[tuple[Stub, str]]:
    """A stub server on 127.0.0.1 and its base URL."""
    state = Stub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            assert self.path == "/v1/chat/completions"
            code, payload = state.reply(body)
            data = (
                payload if isinstance(payload, str) else json.dumps(payload)
            ).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def _chat(url: str) -> OpenAIChat:
    return OpenAIChat(url, "stub-model", api_key="sk-test", timeout_s=10)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_model_reads_stock_through_a_tool_and_cites_it(
    world: Context, stub: tuple[Stub, str]
) -> None:
    """A scripted tool call reaches the real stock tool; its numbers go back to the model."""
    state, url = stub

    def cite(body: dict[str, Any]) -> tuple[int, Any]:
        result = json.loads(body["messages"][-1]["content"])
        return _completion(
            {
                "role": "assistant",
                "content": f"MUG in DE: {result['total']} units to promise.",
            }
        )

    state.steps = [_tool_call("stock", {"sku": "MUG", "market": "DE"}), cite]
    reply = answer(world, "why is MUG out of stock in DE?", chat=_chat(url))
    assert reply.text == "MUG in DE: 8 units to promise."
    assert reply.calls[0].startswith("stock(")
    first = state.requests[0]
    assert first["model"] == "stub-model" and first["tool_choice"] == "auto"
    assert {t["function"]["name"] for t in first["tools"]} >= {
        "stock",
        "transfer",
        "signals",
    }


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_action_the_policy_only_suggests_is_refused_to_the_model(
    world: Context, stub: tuple[Stub, str]
) -> None:
    """The model asks to reprice; the approval policy refuses and the model hears so."""
    state, url = stub
    state.steps = [
        _tool_call("reprice", {"sku": "MUG", "market": "DE", "price": 9.5}),
        lambda body: _completion(
            {"role": "assistant", "content": body["messages"][-1]["content"]}
        ),
    ]
    reply = answer(world, "把德国站 MUG 的价格改成 9.5", chat=_chat(url))
    assert json.loads(reply.text)["status"] == "refused"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_busy_endpoint_is_retried_and_a_broken_one_is_an_llm_error(
    world: Context, stub: tuple[Stub, str]
) -> None:
    """503 then an answer works; an answer that is not a completion raises LlmError."""
    state, url = stub
    state.steps = [
        (503, {"error": "busy"}),
        _completion({"role": "assistant", "content": "ok"}),
    ]
    assert answer(world, "hello", chat=_chat(url)).text == "ok"
    state.steps = [(200, "not json")]
    with pytest.raises(LlmError):
        answer(world, "hello", chat=_chat(url))


def test_without_a_model_configured_asking_says_how_to_configure_one() -> None:
    """No llm_base_url/llm_model: a ConfigError naming the settings."""
    with pytest.raises(ConfigError, match="llm_base_url"):
        OpenAIChat.from_settings(Settings())
