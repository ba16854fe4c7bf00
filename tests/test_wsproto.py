"""bridge.wsproto: the relay writes a frame encoded once straight to a socket's transport, but only where the
ASGI send would have sent the same bytes: a connection that negotiated permessage-deflate gets every frame
compressed (RSV1 set), as uvicorn sends it; one without gets plain text frames, in order."""

from __future__ import annotations

import json
import socket
import time

import httpx

from tests.servers import Bridge


def _handshake(port: int, token: str, deflate: bool) -> tuple[socket.socket, str]:
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    ext = "Sec-WebSocket-Extensions: permessage-deflate\r\n" if deflate else ""
    s.sendall((f"GET /api/ws?token={token} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{ext}\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    return s, head.decode()


def _exact(s: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        assert chunk, "the bridge closed the socket"
        data += chunk
    return data


def _frame(s: socket.socket) -> tuple[int, bytes]:
    """(first byte, payload) of the next server frame (unmasked, RFC 6455 5.2)."""
    b0, b1 = _exact(s, 2)
    n = b1 & 0x7F
    if n == 126:
        n = int.from_bytes(_exact(s, 2), "big")
    elif n == 127:
        n = int.from_bytes(_exact(s, 8), "big")
    return b0, _exact(s, n)


def _post_and_read(bridge_db, bridge: Bridge, deflate: bool) -> list[int]:
    """First bytes of the frames a member receives for three channel posts (hello and the posts)."""
    alice = bridge_db.headers("alice")
    channel = httpx.post(f"{bridge.base}/api/channels", headers=alice,
                         json={"name": f"raw-{time.monotonic_ns()}", "kind": "Private", "members": [2]}).json()
    s, head = _handshake(bridge.port, bridge_db.tokens["bob"], deflate)
    try:
        assert " 101 " in head.splitlines()[0]
        assert ("permessage-deflate" in head.lower()) is deflate
        first = [_frame(s)[0]]                    # hello
        ids = [httpx.post(f"{bridge.base}/api/channels/{channel['id']}/messages", headers=alice,
                          json={"body": f"<p>frame {i}</p>"}).json()["id"] for i in range(3)]
        got = []
        while len(got) < len(ids):
            b0, payload = _frame(s)
            if b0 & 0x40:                         # compressed: what matters here is that it is
                first.append(b0)
                got.append(None)
                continue
            frame = json.loads(payload)
            if frame["type"] == "realtime_data":
                first.append(b0)
                got.append(frame["data"]["message_id"])
        if not deflate:
            assert got == ids, "every frame, in order"
        return first
    finally:
        s.close()


def test_plain_connection_gets_text_frames(bridge_db):
    bridge = Bridge(bridge_db.url, extra_args=("--ws-per-message-deflate", "false", "--ws-max-queue", "64"))
    try:
        assert set(_post_and_read(bridge_db, bridge, deflate=False)) == {0x81}
    finally:
        bridge.stop()


def test_deflate_connection_gets_every_frame_compressed(bridge_db):
    """The relay's frames too: written raw they would arrive with RSV1 clear (0x81)."""
    bridge = Bridge(bridge_db.url)
    try:
        assert set(_post_and_read(bridge_db, bridge, deflate=True)) == {0xC1}
    finally:
        bridge.stop()
