"""The conversation loop: an LLM answers with tool calls into the assistant's tools.

Pure: the model is any :data:`ChatFn` (``worldpool.assistant.llm`` talks to an
OpenAI-compatible endpoint) and the tools any :class:`ToolBox` (the MCP
server's tools, so actions still pass the API key's scope and the approval
policy). Messages follow the OpenAI chat-completions shapes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from worldpool.errors import WorldpoolError
from worldpool.i18n import normalise_language

__all__ = ["ChatFn", "LlmError", "Reply", "ToolBox", "run_agent", "system_prompt"]

Message = dict[str, Any]
ChatFn = Callable[[Sequence[Message], Sequence[Mapping[str, Any]]], Message]
"""Send messages and tool specs, get the assistant message back (OpenAI shape)."""


class LlmError(WorldpoolError):
    """The language model could not be reached or answered out of shape."""


class ToolBox(Protocol):
    """Tools the model may call."""

    def specs(self) -> list[dict[str, Any]]:
        """Return the tools as OpenAI ``tools`` entries (function + JSON schema)."""
        ...

    def call(self, name: str, arguments: Mapping[str, Any]) -> str:
        """Run one tool; return its result (or its error) as JSON text."""
        ...


@dataclass(frozen=True, slots=True)
class Reply:
    """The answer and the tool calls behind it."""

    text: str
    """The model's final answer."""
    calls: list[str] = field(default_factory=list)
    """Each tool call as ``name(arguments) -> result`` (truncated), in order."""


def system_prompt(language: str) -> str:
    """Return the system message: use the tools, cite the numbers, policy applies."""
    lang = (
        "Simplified Chinese" if normalise_language(language) == "zh-CN" else "English"
    )
    return (
        "You are worldpool's assistant for a cross-border seller. Answer from the "
        "tools only: call them to read stock, orders, forecasts, plans, landed cost "
        "and the ranked signals; cite the numbers you used (units, days, money with "
        "currency). Actions (transfers, purchase orders, HS codes ...) are tool calls "
        "that pass the seller's approval policy: report whether each was done, is "
        "waiting for approval, or was refused. Never invent figures. Reply in the "
        f"user's language (default {lang}), briefly."
    )


def _calls(message: Message) -> list[dict[str, Any]]:
    calls = message.get("tool_calls") or []
    if not isinstance(calls, list):
        raise LlmError("tool_calls is not a list")
    return calls


def _run_call(tools: ToolBox, call: Mapping[str, Any]) -> tuple[str, str]:
    fn = call.get("function") or {}
    name = str(fn.get("name", ""))
    try:
        args = json.loads(fn.get("arguments") or "{}")
    except json.JSONDecodeError:
        return name, json.dumps({"error": "arguments are not JSON"})
    if not isinstance(args, dict):
        return name, json.dumps({"error": "arguments must be an object"})
    return name, tools.call(name, args)


def run_agent(
    question: str,
    *,
    chat: ChatFn,
    tools: ToolBox,
    language: str = "en",
    max_steps: int = 6,
) -> Reply:
    """Answer ``question``, letting the model call tools up to ``max_steps`` rounds.

    Args:
        question: The user's question (any language).
        chat: The model.
        tools: The tools it may call.
        language: Default reply language (``en`` or ``zh-CN``).
        max_steps: Most model turns before giving up.

    Raises:
        LlmError: the model keeps calling tools past ``max_steps``.
    """
    messages: list[Message] = [
        {"role": "system", "content": system_prompt(language)},
        {"role": "user", "content": question},
    ]
    specs = tools.specs()
    log: list[str] = []
    for _ in range(max_steps):
        message = chat(messages, specs)
        calls = _calls(message)
        if not calls:
            return Reply(str(message.get("content") or ""), log)
        messages.append(
            {
                "role": "assistant",
                "content": message.get("content"),
                "tool_calls": calls,
            }
        )
        for call in calls:
            name, result = _run_call(tools, call)
            log.append(
                f"{name}({call.get('function', {}).get('arguments', '')}) -> "
                f"{result[:200]}"
            )
            messages.append(
                {"role": "tool", "tool_call_id": call.get("id", ""), "content": result}
            )
    raise LlmError(f"no answer after {max_steps} model turns")
