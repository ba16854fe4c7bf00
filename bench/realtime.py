"""Benchmark: commit -> WebSocket frame latency (SPEC section 10), 1,000 sockets, 200 messages/s.

One bridge process (uvicorn, as `pgchatter bridge` runs it) on a fresh database; 1,000 users, each with
one WebSocket; 100 channels of 10 members. The poster commits chatter.channel_post at a steady
200 messages/s (random channel, random member), each reaching the 10 members' sockets. Latency is
measured in this process from the moment the COMMIT returned to the moment the frame was read by
the client (both on one clock): p50, p95, p99, max. Targets: p50 <= 10 ms, p99 <= 100 ms.

    .venv/bin/python bench/realtime.py      # BENCH_REALTIME_SECONDS (default 20), BENCH_REALTIME_RATE (200)
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

import asyncpg
import psycopg
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, record
from pgchatter import database
from tests.servers import Bridge

SECONDS = int(os.environ.get("BENCH_REALTIME_SECONDS", "20"))
RATE = int(os.environ.get("BENCH_REALTIME_RATE", "200"))
SOCKETS = int(os.environ.get("BENCH_REALTIME_SOCKETS", "1000"))
PER_CHANNEL = 10
DB_NAME = "pgchatter_bench_realtime"


def setup(url: str) -> dict[int, str]:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"""
            INSERT INTO chatter.contacts (id, name) SELECT g, 'User ' || g FROM generate_series(1, {SOCKETS}) g;
            INSERT INTO chatter.users (id, contact_id, username, notification)
                SELECT g, g, 'user' || g, 'inbox' FROM generate_series(1, {SOCKETS}) g;
            SELECT chatter.create_channel('room ' || c, 'Public', c * {PER_CHANNEL} + 1,
                       ARRAY(SELECT generate_series(c * {PER_CHANNEL} + 2, c * {PER_CHANNEL} + {PER_CHANNEL})::bigint))
              FROM generate_series(0, {SOCKETS // PER_CHANNEL - 1}) c;
        """)
        rows = conn.execute("SELECT id, chatter.token_create(id::text) FROM chatter.users ORDER BY id").fetchall()
    return dict(rows)


async def run(url: str, port: int, tokens: dict[int, str]) -> tuple[list[float], int, int, float]:
    committed: dict[int, float] = {}
    latencies: list[float] = []
    received = 0
    sockets = []
    for user, token in tokens.items():
        ws = await websockets.connect(f"ws://127.0.0.1:{port}/api/ws?token={token}", max_queue=None)
        json.loads(await ws.recv())   # hello
        sockets.append(ws)

    async def reader(ws: websockets.ClientConnection) -> None:
        nonlocal received
        async for text in ws:
            now = time.perf_counter()
            frame = json.loads(text)
            if frame.get("type") == "realtime_data":
                t = committed.get(frame["data"]["message_id"])
                received += 1
                if t is not None:
                    latencies.append(max(0.0, now - t))

    readers = [asyncio.create_task(reader(ws)) for ws in sockets]
    pool = await asyncpg.create_pool(url, min_size=8, max_size=8)
    channels = SOCKETS // PER_CHANNEL
    rng = random.Random(7)

    async def post(channel: int, user: int) -> None:
        async with pool.acquire() as conn:
            async with conn.transaction():
                await conn.execute("SELECT set_config('chatter.user_id', $1, true)", str(user))
                mid = await conn.fetchval("SELECT chatter.channel_post($1, $2, 'ping')", channel, user)
            committed[mid] = time.perf_counter()

    first_channel = await pool.fetchval("SELECT min(id) FROM chatter.channels")
    start = time.perf_counter()
    sent = 0
    tasks = []
    while (elapsed := time.perf_counter() - start) < SECONDS:
        due = int(elapsed * RATE) + 1
        while sent < due:
            c = rng.randrange(channels)
            user = c * PER_CHANNEL + 1 + rng.randrange(PER_CHANNEL)
            tasks.append(asyncio.create_task(post(first_channel + c, user)))
            sent += 1
        await asyncio.sleep(0.001)
    await asyncio.gather(*tasks)
    achieved = sent / (time.perf_counter() - start)
    await asyncio.sleep(2)   # let the last frames arrive
    for task in readers:
        task.cancel()
    for ws in sockets:
        await ws.close()
    await pool.close()
    return latencies, sent, received, achieved


def main() -> None:
    url = fresh_database(DB_NAME)
    tokens = setup(url)
    bridge = Bridge(url, extra_args=("--ws-max-queue", "64"))
    try:
        try:
            import uvloop
            latencies, sent, received, achieved = uvloop.run(run(url, bridge.port, tokens))
        except ImportError:
            latencies, sent, received, achieved = asyncio.run(run(url, bridge.port, tokens))
    finally:
        bridge.stop()
    expected = sent * PER_CHANNEL
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100)
    print()
    print(f"| commit -> frame, {SOCKETS} sockets, {achieved:.0f} messages/s for {SECONDS} s "
          f"({received:,} of {expected:,} frames) | ms | target |")
    print("| --- | --- | --- |")
    print(f"| p50 | {q[49]:.1f} | <= 10 |")
    print(f"| p95 | {q[94]:.1f} | |")
    print(f"| p99 | {q[98]:.1f} | <= 100 |")
    print(f"| max | {ms[-1]:.1f} | |")
    record("realtime", [
        {"what": f"commit → WebSocket frame p50, {SOCKETS} sockets, {achieved:.0f} msg/s", "value": q[49],
         "unit": "ms", "target": 10, "better": "lower"},
        {"what": f"commit → WebSocket frame p99, {SOCKETS} sockets, {achieved:.0f} msg/s", "value": q[98],
         "unit": "ms", "target": 100, "better": "lower"},
    ])
    database.drop_database(url)


if __name__ == "__main__":
    main()
