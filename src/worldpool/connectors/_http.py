"""The one httpx module of the connectors: retries, backoff, Retry-After, limits.

A call is retried on timeouts, connection errors, 429 and 5xx (and on a 200
the connector's ``throttled`` hook recognises, like Shopify's GraphQL
``THROTTLED`` error), waiting :func:`~worldpool.connectors.backoff.delay_s`:
the server's ``Retry-After`` when sent, else capped exponential backoff with
full jitter. Per-operation token buckets (SP-API rate + burst) are honoured
before sending. Errors name the operation and the provider's error code, never
URLs (they may carry signatures) or credentials.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from random import Random
from typing import Any

import httpx

from worldpool.connectors.backoff import delay_s, parse_retry_after
from worldpool.connectors.errors import ProviderRejected, ProviderUnavailable
from worldpool.connectors.provider import Reply
from worldpool.connectors.throttle import TokenBucket

__all__ = ["HttpClient"]


def _decode(reply: httpx.Response) -> Any:
    if not reply.content:
        return {}
    try:
        return reply.json()
    except ValueError:
        return reply.text[:500]


def _code(body: Any) -> str:
    """The provider's own error code/message, short (for the error text)."""
    if isinstance(body, dict):
        errors = body.get("errors") or body.get("error") or body.get("message")
        if isinstance(errors, list) and errors:
            errors = errors[0]
        if isinstance(errors, dict):
            errors = errors.get("code") or errors.get("message")
        return str(errors or "")[:200]
    return str(body)[:200]


class HttpClient:
    """Send provider requests through ``httpx.Client`` with retries.

    Args:
        base_url: The provider's API root (a loopback fake in tests).
        name: Connection name, used in error messages.
        timeout_s: Per-request timeout, in seconds.
        max_retries: Retries after the first try before giving up.
        limits: Token buckets per operation name (rate per s, burst).
        rng: Random source for the jitter.
        cap_s: Longest single wait between tries, in seconds.
    """

    def __init__(
        self,
        base_url: str,
        *,
        name: str = "",
        timeout_s: float = 10.0,
        max_retries: int = 8,
        limits: Mapping[str, TokenBucket] | None = None,
        rng: Random | None = None,
        cap_s: float = 5.0,
    ) -> None:
        self.base_url = base_url
        self.timeout_s = timeout_s
        self.name = name
        self.max_retries = max_retries
        self.limits = dict(limits or {})
        self.rng = rng or Random()
        self.cap_s = cap_s
        self.stats: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._abort = threading.Event()
        # One httpx client per thread: a connector is used by its poller and
        # its deliverer at once, and each keeps its own keep-alive connection.
        self._local = threading.local()
        self._clients: list[httpx.Client] = []
        self.guard: Callable[[], None] | None = None
        """Called before every try; it raises to stop the call (a lease fence,
        see :class:`worldpool.connectors.leases.Lease`)."""

    def _client(self) -> httpx.Client:
        client: httpx.Client | None = getattr(self._local, "client", None)
        if client is None:
            client = httpx.Client(base_url=self.base_url, timeout=self.timeout_s)
            self._local.client = client
            with self._lock:
                self._clients.append(client)
        return client

    def abort(self) -> None:
        """Make calls in progress stop retrying (the worker is shutting down)."""
        self._abort.set()

    def release(self) -> None:
        """Close the calling thread's client (a thread that is about to end)."""
        client: httpx.Client | None = getattr(self._local, "client", None)
        if client is None:
            return
        self._local.client = None
        with self._lock:
            self._clients = [c for c in self._clients if c is not client]
        client.close()

    def close(self) -> None:
        """Close the pooled connections of every thread."""
        with self._lock:
            clients, self._clients = self._clients, []
        for client in clients:
            client.close()

    def _count(self, what: str) -> None:
        with self._lock:
            self.stats[what] += 1

    def call(
        self,
        op: str,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        throttled: Callable[[Reply], float | None] | None = None,
        content: bytes | None = None,
    ) -> Reply:
        """Send one request, retrying transient failures; return the reply.

        Raises:
            ProviderRejected: a 4xx other than 429.
            ProviderUnavailable: still failing after ``max_retries`` retries.
            LeaseLost: the ``guard`` refused (before a try, nothing was sent).
        """
        last = "no reply"
        for attempt in range(self.max_retries + 1):
            if self._abort.is_set():
                break
            self._wait_limit(op)
            wait, last, reply = self._try(
                op, method, url, params, headers, (json, data, content), throttled
            )
            if reply is not None:
                return reply
            self._count(f"retry:{op}")
            if attempt < self.max_retries:
                pause = delay_s(attempt, self.rng, retry_after_s=wait, cap_s=self.cap_s)
                self._abort.wait(pause)
        raise ProviderUnavailable(
            f"{self.name} {op}: gave up after {self.max_retries + 1} tries ({last})"
        )

    def _wait_limit(self, op: str) -> None:
        bucket = self.limits.get(op)
        if bucket is not None:
            pause = bucket.take(time.monotonic())
            if pause > 0:
                time.sleep(pause)

    def _try(
        self,
        op: str,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        bodies: tuple[Any, Mapping[str, str] | None, bytes | None],
        throttled: Callable[[Reply], float | None] | None,
    ) -> tuple[float | None, str, Reply | None]:
        """One try: (Retry-After seconds, what went wrong, the reply if final)."""
        json, data, content = bodies
        if self.guard is not None:
            self.guard()  # last check before the request leaves
        try:
            raw = self._client().request(
                method,
                url,
                params=params,
                headers=headers,
                json=json,
                data=data,
                content=content,
            )
        except httpx.TimeoutException:
            self._count("timeout")
            return None, "timeout", None
        except httpx.TransportError as exc:
            self._count("transport")
            return None, type(exc).__name__, None
        reply = Reply(raw.status_code, dict(raw.headers), _decode(raw))
        self._count(f"status:{raw.status_code}")
        retry_after = parse_retry_after(raw.headers.get("retry-after"))
        if raw.status_code == 429 or raw.status_code >= 500:
            return retry_after, f"HTTP {raw.status_code} {_code(reply.body)}", None
        if raw.status_code >= 400:
            refused = ProviderRejected(
                f"{self.name} {op}: HTTP {raw.status_code} {_code(reply.body)}",
                status=raw.status_code,
            )
            refused.body = reply.body
            raise refused
        if throttled is not None:
            wait = throttled(reply)
            if wait is not None:
                return wait, "throttled", None
        return None, "", reply
