"""Request body caps, enforced at the edge: before routing, before authentication, before any parser.

FastAPI reads (and, for multipart, spools to disk) the whole body before it resolves the route's
dependencies, token included; so without a cap an anonymous client could make the bridge hold or write
any amount (measured: 500 MB spooled before the 401, a 300 MB JSON body read in full). This pure ASGI
middleware counts the body as it arrives:

- a declared Content-Length over the cap is answered 413 at once; the body is never read (and no
  `100 Continue` is sent, so a client that waits for it never sends the body);
- a chunked body is counted chunk by chunk and cut off with 413 as soon as it passes the cap; the chunk
  that passes it is not handed on, so nothing past the cap is buffered or spooled.

Every 413 carries `Connection: close`, and so does any answer sent before the request body was read in
full (a 404, or a route that takes no body, say): uvicorn then closes the connection after the answer
instead of reading and discarding whatever the client still sends.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UPLOAD_PATH = "/api/attachments"
UPLOAD_FRAMING = 64 * 1024
"""Allowance over CHATTER_MAX_UPLOAD on the upload route for the multipart framing and its small fields
(boundaries, part headers, `model`, `document`); the exact per-file check stays in the route."""
TOO_LARGE_CODE = "54000"   # program_limit_exceeded: the SQLSTATE nearest to "over a configured limit"


@dataclass(frozen=True)
class Cap:
    limit: int
    setting: str
    what: str = "request body"

    def message(self) -> str:
        return f"{self.what} larger than {self.limit} bytes ({self.setting})"


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a streamed body passes its cap (an HTTPException, so FastAPI's body
    reading lets it through untouched: it turns other exceptions into 400s), and by the upload route for a
    file over CHATTER_MAX_UPLOAD. Answered by BodyLimit, or by the app's handler (too_large)."""

    def __init__(self, cap: Cap) -> None:
        super().__init__(413, cap.message())
        self.cap = cap


def too_large_body(cap: Cap) -> bytes:
    return json.dumps({"detail": cap.message(), "code": TOO_LARGE_CODE, "limit": cap.limit,
                       "setting": cap.setting}).encode()


async def too_large(request: object, exc: Exception) -> Response:
    """The app's handler for BodyTooLarge raised inside a route."""
    assert isinstance(exc, BodyTooLarge)
    return Response(too_large_body(exc.cap), status_code=413, media_type="application/json",
                    headers={"Connection": "close"})


async def send_413(send: Send, cap: Cap) -> None:
    body = too_large_body(cap)
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Caps request bodies: CHATTER_MAX_BODY everywhere, CHATTER_MAX_UPLOAD plus UPLOAD_FRAMING on
    `POST /api/attachments`. The numbers are the running app's settings (read at startup, after this
    middleware is built)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    @staticmethod
    def cap_for(scope: Scope) -> Cap:
        settings = scope["app"].state.settings
        if scope["method"] == "POST" and scope["path"].rstrip("/") == UPLOAD_PATH:
            return Cap(settings.max_upload + UPLOAD_FRAMING, "CHATTER_MAX_UPLOAD")
        return Cap(settings.max_body, "CHATTER_MAX_BODY")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.cap_for(scope)
        declared: int | None = None
        has_body = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = max(declared or 0, int(value))
                except ValueError:   # the server refuses these before us; if not, counting still holds
                    pass
                has_body = has_body or value.strip() not in (b"", b"0")
            elif name == b"transfer-encoding":
                has_body = True
        if declared is not None and declared > cap.limit:
            await send_413(send, cap)
            return

        received = 0
        body_done = not has_body
        exceeded = False
        started = False
        replaced = False

        async def counted_receive() -> Message:
            nonlocal received, body_done, exceeded
            if exceeded:
                raise BodyTooLarge(cap)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap.limit:
                    exceeded = True
                    raise BodyTooLarge(cap)   # this chunk goes no further
                if not message.get("more_body", False):
                    body_done = True
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started, replaced
            if replaced:
                return
            if message["type"] == "http.response.start":
                if exceeded:
                    # Whatever the app made of the cut-off body (a 400 from a parser, its own handler's
                    # rendering of BodyTooLarge), the answer is this 413.
                    replaced = started = True
                    await send_413(send, cap)
                    return
                started = True
                if not body_done:
                    # Answered before the body was read in full: close rather than drain what follows.
                    message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except BodyTooLarge:
            if not started:
                await send_413(send, cap)
