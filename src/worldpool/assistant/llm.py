"""The one module that talks to a language model: an OpenAI-compatible chat endpoint.

Works with llama.cpp, Ollama, vLLM or a hosted provider that speaks
``POST {base_url}/chat/completions`` with ``tools``. Retries 429 and 5xx
twice with a short backoff; every other failure is an :class:`LlmError`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from worldpool.assistant.agent import LlmError, Message
from worldpool.errors import ConfigError

__all__ = ["OpenAIChat"]

_RETRY = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class OpenAIChat:
    """A :data:`worldpool.assistant.agent.ChatFn` over an OpenAI-compatible endpoint."""

    base_url: str
    """Endpoint root, e.g. ``http://127.0.0.1:11434/v1``."""
    model: str
    """Model name."""
    api_key: str | None = None
    """Bearer token, if the endpoint needs one (never logged)."""
    timeout_s: float = 60.0
    """Per-request timeout, in seconds."""
    retries: int = 2
    """Extra tries on 429 / 5xx."""

    @classmethod
    def from_settings(cls, settings: Any) -> OpenAIChat:
        """Build from ``llm_base_url``, ``llm_model``, ``llm_api_key``.

        Raises:
            ConfigError: no endpoint or model is configured.
        """
        if not settings.llm_base_url or not settings.llm_model:
            raise ConfigError(
                "no language model configured: set llm_base_url and llm_model "
                "(WORLDPOOL_LLM_BASE_URL, WORLDPOOL_LLM_MODEL)"
            )
        return cls(settings.llm_base_url, settings.llm_model, settings.llm_api_key)

    def __call__(
        self, messages: Sequence[Message], tools: Sequence[Mapping[str, Any]]
    ) -> Message:
        """Send one chat turn; return the assistant message."""
        body: dict[str, Any] = {"model": self.model, "messages": list(messages)}
        if tools:
            body |= {"tools": list(tools), "tool_choice": "auto"}
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        url = self.base_url.rstrip("/") + "/chat/completions"
        for attempt in range(self.retries + 1):
            try:
                response = httpx.post(
                    url, json=body, headers=headers, timeout=self.timeout_s
                )
            except httpx.HTTPError as exc:
                raise LlmError(
                    f"cannot reach the model at {self.base_url}: {type(exc).__name__}"
                ) from None
            if response.status_code in _RETRY and attempt < self.retries:
                time.sleep(0.2 * (attempt + 1))
                continue
            return _message(response)
        raise AssertionError("unreachable")  # pragma: no cover


def _message(response: httpx.Response) -> Message:
    if response.status_code != 200:
        raise LlmError(f"the model endpoint answered HTTP {response.status_code}")
    try:
        message = response.json()["choices"][0]["message"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise LlmError("the model's answer is not a chat completion") from None
    if not isinstance(message, dict):
        raise LlmError("the model's message is not an object")
    return message
