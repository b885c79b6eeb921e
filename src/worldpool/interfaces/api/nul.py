r"""ASGI middleware refusing NUL characters in paths, queries and JSON bodies (422).

No identifier, name or note needs a NUL, and PostgreSQL text columns cannot
store one: without this a NUL reached the database and answered 500. Only
JSON bodies are checked (``\\u0000`` escapes and raw NUL bytes); uploaded
files (multipart) may be binary or UTF-16 and are decoded by the input
boundary (:mod:`worldpool.textio`).
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["RefuseNul"]

_ESCAPED = (b"\\u0000", b"\\U0000")


class RefuseNul:
    """Answer 422 naming where a NUL character came in, before any route runs.

    Args:
        app: The wrapped ASGI app.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 422 when it carries a NUL character."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope["path"].encode()
        if b"\x00" in raw_path or b"%00" in raw_path or "\x00" in scope["path"]:
            await _refuse(send, "path")
            return
        query = scope.get("query_string", b"")
        if b"%00" in query or b"\x00" in query:
            await _refuse(send, "query")
            return
        headers = dict(scope.get("headers") or [])
        if not headers.get(b"content-type", b"").startswith(b"application/json"):
            await self.app(scope, receive, send)
            return
        # BodyLimit (outside this middleware) bounds the body, so reading it
        # whole here is safe; the app then receives the same bytes.
        messages: list[Message] = []
        body = b""
        while True:
            message = await receive()
            messages.append(message)
            body += message.get("body", b"")
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        if b"\x00" in body or any(e in body for e in _ESCAPED):
            await _refuse(send, "body")
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def _refuse(send: Send, where: str) -> None:
    detail = [
        {
            "loc": [where],
            "msg": "must not contain NUL characters",
            "type": "value_error",
        }
    ]
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send(
        {"type": "http.response.body", "body": json.dumps({"detail": detail}).encode()}
    )
