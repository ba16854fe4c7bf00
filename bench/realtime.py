"""Benchmark: commit -> WebSocket frame latency (SPEC section 10), 1,000 sockets, 200 messages/s.

One bridge process (uvicorn, as `pgchatter bridge` runs it) on a fresh database; 1,000 users, each with
one WebSocket; 100 channels of 10 members. The poster commits chatter.channel_post at a steady
200 messages/s (random channel, random member), each reaching the 10 members' sockets. Latency is
measured in this process from the moment the COMMIT returned to the moment the frame was read by
the client (both on one clock): p50, p95, p99, max. Targets: p50 <= 10 ms, p99 <= 100 ms.

Then the same load again while one client posts a message with the largest body chatter.limits allows
(500,000 characters nested 100 deep, the costliest to sanitize) on a record all 1,000 users follow, every
two seconds (issue 18): each is 1,000 notifications, a record frame and a body to sanitize. The other
users' chat frames must keep p99 <= 100 ms.

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
            CREATE TABLE public.bench_orders (id bigint PRIMARY KEY, name text);
            INSERT INTO public.bench_orders VALUES (1, 'S00001');
            GRANT SELECT ON public.bench_orders TO chatter_app;
            SELECT chatter.enable('bench_orders');
            SELECT chatter.subscribe('bench_orders', 1, ARRAY(SELECT generate_series(1, {SOCKETS})::bigint));
        """)
        rows = conn.execute("SELECT id, chatter.token_create(id::text) FROM chatter.users ORDER BY id").fetchall()
    return dict(rows)


# The largest body chatter.limits allows, and the costliest to sanitize: blocks nested 100 deep.
BLOCK = "<div>" * 99 + "<p>Lorem <b>ipsum</b> dolor</p>" + "</div>" * 99
MAX_BODY = (BLOCK * (500_000 // len(BLOCK) + 1))[:500_000 - 2000] + "x" * 2000


class Phase:
    """The frames of one phase: chat latencies, and those of the large messages' notifications."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.heavy: list[float] = []
        self.received = 0
        self.sent = 0
        self.achieved = 0.0


async def run(url: str, port: int, tokens: dict[int, str]) -> list[Phase]:
    committed: dict[int, float] = {}
    heavy_ids: set[int] = set()
    phase = Phase()
    sockets = []
    for user, token in tokens.items():
        ws = await websockets.connect(f"ws://127.0.0.1:{port}/api/ws?token={token}", max_queue=None)
        json.loads(await ws.recv())   # hello
        sockets.append(ws)

    async def reader(ws: websockets.ClientConnection) -> None:
        async for text in ws:
            now = time.perf_counter()
            frame = json.loads(text)
            data = frame.get("data") or {}
            t = committed.get(data.get("message_id"))
            if frame.get("type") == "realtime_data":
                phase.received += 1
                if t is not None:
                    phase.latencies.append(max(0.0, now - t))
            elif data.get("kind") == "message" and data.get("message_id") in heavy_ids and t is not None:
                phase.heavy.append(max(0.0, now - t))

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

    async def post_large() -> None:
        async with pool.acquire() as conn:
            async with conn.transaction():
                await conn.execute("SELECT set_config('chatter.user_id', '1', true)")
                mid = await conn.fetchval("SELECT chatter.create_message($1, model => 'bench_orders', document => 1)",
                                          MAX_BODY)
                heavy_ids.add(mid)
            committed[mid] = time.perf_counter()

    first_channel = await pool.fetchval("SELECT min(id) FROM chatter.channels")
    phases = []
    for large in (False, True):
        phase = Phase()
        start = time.perf_counter()
        tasks = []
        large_sent = 0
        while (elapsed := time.perf_counter() - start) < SECONDS:
            due = int(elapsed * RATE) + 1
            while phase.sent < due:
                c = rng.randrange(channels)
                user = c * PER_CHANNEL + 1 + rng.randrange(PER_CHANNEL)
                tasks.append(asyncio.create_task(post(first_channel + c, user)))
                phase.sent += 1
            if large and large_sent < elapsed / 2:
                tasks.append(asyncio.create_task(post_large()))
                large_sent += 1
            await asyncio.sleep(0.001)
        await asyncio.gather(*tasks)
        phase.achieved = phase.sent / (time.perf_counter() - start)
        await asyncio.sleep(2)   # let the last frames arrive
        phases.append(phase)
    for task in readers:
        task.cancel()
    for ws in sockets:
        await ws.close()
    await pool.close()
    return phases


def main() -> None:
    url = fresh_database(DB_NAME)
    tokens = setup(url)
    bridge = Bridge(url, extra_args=("--ws-max-queue", "64", "--ws-per-message-deflate", "false"))  # as `pgchatter bridge`
    try:
        try:
            import uvloop
            phases = uvloop.run(run(url, bridge.port, tokens))
        except ImportError:
            phases = asyncio.run(run(url, bridge.port, tokens))
    finally:
        bridge.stop()
    rows = []
    for phase, label in zip(phases, ("", ", a 500,000-character body to 1,000 followers every 2 s"), strict=True):
        ms = sorted(x * 1000 for x in phase.latencies)
        q = statistics.quantiles(ms, n=100)
        print()
        print(f"| commit -> frame, {SOCKETS} sockets, {phase.achieved:.0f} messages/s for {SECONDS} s{label} "
              f"({phase.received:,} of {phase.sent * PER_CHANNEL:,} frames) | ms | target |")
        print("| --- | --- | --- |")
        print(f"| p50 | {q[49]:.1f} | <= 10 |")
        print(f"| p95 | {q[94]:.1f} | |")
        print(f"| p99 | {q[98]:.1f} | <= 100 |")
        print(f"| max | {ms[-1]:.1f} | |")
        if phase.heavy:
            heavy = sorted(x * 1000 for x in phase.heavy)
            print(f"| the large messages' own notification frames ({len(heavy):,}): p50 / max | "
                  f"{statistics.median(heavy):.1f} / {heavy[-1]:.1f} | |")
        what = f"{SOCKETS} sockets, {phase.achieved:.0f} msg/s{label}"
        rows += [
            {"what": f"commit → WebSocket frame p50, {what}", "value": q[49], "unit": "ms", "target": 10,
             "better": "lower"},
            {"what": f"commit → WebSocket frame p99, {what}", "value": q[98], "unit": "ms", "target": 100,
             "better": "lower"},
        ]
    record("realtime", rows)
    database.drop_database(url)


if __name__ == "__main__":
    main()
