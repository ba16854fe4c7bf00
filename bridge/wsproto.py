"""The bridge's WebSocket protocol under uvicorn: uvicorn's own (websockets-sansio), which also gives the
application a way to write a ready-made frame straight to the socket (issue 25).

A message to 10 sockets was sent 10 times through starlette's WebSocket, uvicorn's ASGI send and the
websockets library, each time encoding the same text into a new frame, from 10 writer tasks woken for it:
some 30 µs of the bridge's CPU a frame at 10,000 sockets. Server frames are not masked, so one message's
frame is the same bytes for every socket: bridge.realtime encodes it once (`frame_bytes`) and `RawSocket.write`
puts those bytes on each socket's transport, in the relay's own turn of the event loop.

`scope["extensions"]["pgchatter.raw"]` holds the connection's RawSocket. The bridge runs with this protocol
(`pgchatter bridge`, the test and bench bridges: `--ws bridge.wsproto:Protocol`); under any other server or
protocol the extension is absent and every frame goes through the ASGI send, as before; so is every frame of a
connection that negotiated permessage-deflate (uvicorn's default; `pgchatter bridge` turns it off)."""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

EXTENSION = "pgchatter.raw"


def frame_bytes(text: str) -> bytes:
    """A final, unmasked text frame of `text` (RFC 6455 5.2), as a server sends it."""
    payload = text.encode()
    n = len(payload)
    if n < 126:
        return bytes((0x81, n)) + payload
    if n < 65536:
        return bytes((0x81, 126)) + n.to_bytes(2, "big") + payload
    return bytes((0x81, 127)) + n.to_bytes(8, "big") + payload


class RawSocket:
    """Writes whole frames to one connection's transport, while it may: the handshake is done, no close
    frame has been sent or received, and the transport is not paused (its buffer above the high-water mark:
    then the caller queues the frame, and the ASGI send, which waits for the transport, sends it)."""

    __slots__ = ("protocol",)

    def __init__(self, protocol: Protocol) -> None:
        self.protocol = protocol

    def writable(self) -> bool:
        p = self.protocol
        # Not with an extension negotiated (permessage-deflate, when uvicorn runs with it): the ASGI send
        # compresses, these bytes would not be.
        return (p.handshake_complete and not p.close_sent and p.writable.is_set()
                and not p.transport.is_closing() and not p.conn.extensions)

    def write(self, frame: bytes) -> None:
        self.protocol.transport.write(frame)


class Protocol(WebSocketsSansIOProtocol):
    """uvicorn's websockets-sansio protocol, with its RawSocket in the scope's extensions."""

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:
            scope["extensions"][EXTENSION] = RawSocket(self)
