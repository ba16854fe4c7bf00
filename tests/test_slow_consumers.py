"""Slow consumers (issue 25): eight clients that stop reading during a catch-up of large messages are
closed with 4408 before each costs the bridge 10 MB, while the other users' chat frames keep flowing.

A real bridge process, real sockets: the stalled clients are raw TCP sockets with a small receive buffer
that complete the WebSocket handshake, ask for a catch-up of 40 messages of 300,000 characters (12 MB
each) and then read nothing; the others are ordinary clients in chat channels, fed 40 messages/s."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import statistics
import struct
import time

import asyncpg
import psycopg
import websockets

from tests.servers import Bridge

STALLED, OTHERS, LARGE, LARGE_CHARS = 8, 20, 40, 300_000
RATE, SECONDS = 40, 6.0


def seed(url: str) -> dict[int, str]:
    users = STALLED + OTHERS
    with psycopg.connect(url, autocommit=True) as conn:
        # One statement per transaction (autocommit): on Citus the superuser's rows must be committed before
        # create_channel (SECURITY DEFINER, another role) reads them (docs/scaling.md class B).
        conn.execute(f"INSERT INTO chatter.contacts (id, name) SELECT g, 'User ' || g FROM generate_series(1, {users}) g")
        conn.execute(f"""INSERT INTO chatter.users (id, contact_id, username, notification)
                         SELECT g, g, 'user' || g, 'inbox' FROM generate_series(1, {users}) g""")
        conn.execute(f"SELECT chatter.create_channel('archive', 'Public', 1, "
                     f"ARRAY(SELECT generate_series(2, {STALLED})::bigint))")
        for c in range(OTHERS // 5):
            conn.execute("SELECT chatter.create_channel(%s, 'Public', %s, ARRAY(SELECT generate_series(%s::int, %s::int)::bigint))",
                         (f"live {c}", STALLED + 1 + c * 5, STALLED + 2 + c * 5, STALLED + 5 + c * 5))
        conn.execute("SELECT set_config('chatter.user_id', '1', false)")
        archive = conn.execute("SELECT id FROM chatter.channels WHERE name = 'archive'").fetchone()[0]
        for i in range(LARGE):
            body = (f"page {i} " + "lorem ipsum dolor sit amet " * (LARGE_CHARS // 27 + 1))[:LARGE_CHARS]
            conn.execute("SELECT chatter.channel_post(%s, 1, %s)", (archive, body))
        return dict(conn.execute("SELECT id, chatter.token_create(id::text) FROM chatter.users").fetchall())


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def stalled_client(port: int, token: str) -> socket.socket:
    """A WebSocket client that asks for a catch-up from the first message and then reads nothing."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(f"GET /api/ws?token={token} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                 f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    payload = json.dumps({"type": "catch_up", "after_message": 0, "after_notification": 0}).encode()
    mask = os.urandom(4)
    sock.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
    return sock


def close_code(sock: socket.socket, timeout: float = 30.0) -> tuple[int | None, str, int]:
    """Read what the bridge sent until it closes: (close code, reason, text frames before it)."""
    sock.settimeout(timeout)
    buf, frames = b"", 0
    while True:
        while len(buf) >= 2:
            opcode, n, at = buf[0] & 0x0F, buf[1] & 0x7F, 2
            if n == 126:
                if len(buf) < 4:
                    break
                n, at = struct.unpack(">H", buf[2:4])[0], 4
            elif n == 127:
                if len(buf) < 10:
                    break
                n, at = struct.unpack(">Q", buf[2:10])[0], 10
            if len(buf) < at + n:
                break
            data, buf = buf[at:at + n], buf[at + n:]
            if opcode == 0x8:
                return struct.unpack(">H", data[:2])[0], data[2:].decode(), frames
            frames += opcode == 0x1
        chunk = sock.recv(1 << 20)
        if not chunk:
            return None, "", frames
        buf += chunk


def test_stalled_clients_are_closed_before_they_cost_10_mb(db_url):
    tokens = seed(db_url)
    bridge = Bridge(db_url, {"CHATTER_WS_STALLED": "2"}, ("--ws-max-queue", "64", "--ws-per-message-deflate", "false"))
    try:
        asyncio.run(scenario(db_url, bridge, tokens))
    finally:
        bridge.stop()


async def scenario(url: str, bridge: Bridge, tokens: dict[int, str]) -> None:
    committed: dict[int, float] = {}
    latencies: list[float] = []
    received = 0
    others = []
    for user in range(STALLED + 1, STALLED + OTHERS + 1):
        ws = await websockets.connect(f"ws://127.0.0.1:{bridge.port}/api/ws?token={tokens[user]}", max_queue=None)
        json.loads(await ws.recv())
        others.append(ws)

    async def reader(ws: websockets.ClientConnection) -> None:
        nonlocal received
        async for text in ws:
            now = time.perf_counter()
            data = json.loads(text).get("data") or {}
            if data.get("kind") == "channel_message":
                received += 1
                if data["message_id"] in committed:     # (a frame may come before the poster resumes)
                    latencies.append(now - committed[data["message_id"]])

    readers = [asyncio.create_task(reader(ws)) for ws in others]
    pool = await asyncpg.create_pool(url, min_size=4, max_size=4)
    live = [r["id"] for r in await pool.fetch("SELECT id FROM chatter.channels WHERE name LIKE 'live %' ORDER BY id")]

    async def post(i: int) -> None:
        channel = i % len(live)
        author = STALLED + 1 + channel * 5
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT set_config('chatter.user_id', $1, true)", str(author))
            mid = await conn.fetchval("SELECT chatter.channel_post($1, $2, 'ping')", live[channel], author)
        committed[mid] = time.perf_counter()

    async def catch_up() -> tuple[list[int], dict]:
        """A client of one of the stalled users that does read: it gets the whole catch-up, in order."""
        async with websockets.connect(f"ws://127.0.0.1:{bridge.port}/api/ws?token={tokens[2]}",
                                      max_size=None) as ws:
            await ws.recv()
            await ws.send(json.dumps({"type": "catch_up", "after_message": 0, "after_notification": 0}))
            ids = []
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if frame["type"] == "caught_up":
                    return ids, frame
                if frame.get("data", {}).get("kind") == "channel_message":
                    ids.append(frame["data"]["message_id"])

    await asyncio.sleep(1)
    before = rss_kb(bridge.proc.pid)
    stalled = await asyncio.gather(*(asyncio.to_thread(stalled_client, bridge.port, tokens[u])
                                     for u in range(1, STALLED + 1)))
    reading = asyncio.create_task(catch_up())
    peak, posts, start = before, [], time.perf_counter()
    while (elapsed := time.perf_counter() - start) < SECONDS:
        while len(posts) < elapsed * RATE:
            posts.append(asyncio.create_task(post(len(posts))))
        peak = max(peak, rss_kb(bridge.proc.pid))
        await asyncio.sleep(0.02)
    await asyncio.gather(*posts)
    ids, caught_up = await reading
    await asyncio.sleep(1)
    peak = max(peak, rss_kb(bridge.proc.pid))
    closes = await asyncio.gather(*(asyncio.to_thread(close_code, s) for s in stalled))
    for task in readers:
        task.cancel()
    for ws in others:
        await ws.close()
    await pool.close()
    for s in stalled:
        s.close()

    ms = sorted(x * 1000 for x in latencies)
    p99 = statistics.quantiles(ms, n=100)[98]
    growth_mb = (peak - before) / 1024
    print(f"\nbridge RSS {before / 1024:.1f} MB before the stalled clients, peak {peak / 1024:.1f} MB "
          f"(+{growth_mb:.1f} MB for {STALLED}); the others' chat frames: {received} of {len(posts) * 5}, "
          f"p50 {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms; stalled clients closed: {closes}")
    assert all(code == 4408 and "too slow" in reason for code, reason, _ in closes), closes
    assert all(frames < LARGE for _, _, frames in closes)      # cut off before the catch-up was sent
    # A client that reads gets all of it (in pages, as fast as it reads), in id order.
    assert len(ids) == LARGE and ids == sorted(ids) and caught_up["complete"]
    assert caught_up["last_message_id"] == ids[-1]
    assert growth_mb < STALLED * 10, f"{growth_mb:.1f} MB for {STALLED} stalled clients"
    assert received == len(posts) * 5                             # every frame to the others delivered
    assert p99 < 1000, f"the others' p99 {p99:.1f} ms"
