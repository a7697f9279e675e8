"""A size limit on every request body, enforced while it is read (issue 12, finding 5).

Routes that read their body themselves keep their own, smaller limits; this one is the
floor for all the rest (staff forms, anything added later), so no endpoint reads an
unbounded body. Over the limit: 413, through the app's own error handler, unread beyond.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_LIMIT = 1024 * 1024


class BodyLimit:
    def __init__(
        self,
        app: ASGIApp,
        refusal: bytes,
        limit: int = DEFAULT_LIMIT,
        overrides: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        # The JSON error body sent when the declared length alone is too much.
        self.refusal = refusal
        self.limit = limit
        # Path prefixes with a limit of their own (uploads).
        self.overrides = dict(overrides or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(send)
            return
        seen = 0

        async def counting() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413)
            return message

        await self.app(scope, counting, send)

    async def _refuse(self, send: Send) -> None:
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(self.refusal)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": self.refusal})

    def _limit_for(self, path: str) -> int:
        return next((v for p, v in self.overrides.items() if path.startswith(p)), self.limit)


async def read_at_most(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is known to be longer than `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)
