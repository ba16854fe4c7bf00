"""Side by side: this checkout's bridge and another checkout's, at the same time, on one database.

bench/realtime.py's load (BENCH_REALTIME_SOCKETS users, 10 per channel, BENCH_REALTIME_RATE chat
messages/s) with, by default, its heavy case (a 500,000-character body to every user every 2 s); each
user has one WebSocket on each bridge, so both bridges see the same frames in the same seconds and share
the machine's load alike. Prints commit -> frame latency of the chat frames per bridge. For a machine
whose speed moves between runs (several people on 2 cores), where two runs a minute apart do not compare.

    .venv/bin/python bench/realtime_ab.py /path/to/other/checkout     # BENCH_AB_HEAVY=0: chat only

BENCH_AB_SCHEMAS=1 compares whole stacks instead: each checkout's bridge on a database deployed from that
checkout's own sqitch plan, each with its own poster at the same rate, at the same time (SQL changes, such
as the cost of chatter.message_wire or of a post, count then; the machine carries both loads).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import realtime as rt
from bench.common import fresh_database
from pgchatter import database
from pgchatter.settings import Settings
from tests.servers import free_port

HEAVY = os.environ.get("BENCH_AB_HEAVY", "1") == "1"
SCHEMAS = os.environ.get("BENCH_AB_SCHEMAS", "0") == "1"
HERE = str(Path(__file__).resolve().parent.parent)


def start(checkout: str, url: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": checkout}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "bridge.app:app", "--port", str(port), "--log-level",
                             "warning", "--ws-max-queue", "64", "--ws-per-message-deflate", "false"],
                            cwd=checkout, env=env)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc, port
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.terminate()
    raise SystemExit(f"the bridge of {checkout} did not come up")


async def run(urls: dict[str, str], ports: dict[str, int], tokens: dict[str, dict[int, str]]) -> None:
    committed: dict[tuple[asyncpg.Pool, int], float] = {}
    heavy_ids: set[tuple[asyncpg.Pool, int]] = set()
    pools: dict[str, asyncpg.Pool] = {}
    chat: dict[str, list[float]] = {name: [] for name in ports}
    heavy: dict[str, list[float]] = {name: [] for name in ports}
    sockets = []
    for name, port in ports.items():
        for token in tokens[name].values():
            ws = await websockets.connect(f"ws://127.0.0.1:{port}/api/ws?token={token}", max_queue=None)
            await ws.recv()
            sockets.append((name, ws))

    async def reader(name: str, ws: websockets.ClientConnection) -> None:
        pool = None
        async for text in ws:
            now = time.perf_counter()
            frame = json.loads(text)
            data = frame.get("data") or {}
            pool = pool or pools[urls[name]]
            t = committed.get((pool, data.get("message_id")))
            if t is None:
                continue
            if frame.get("type") == "realtime_data":
                chat[name].append(now - t)
            elif data.get("kind") == "message" and (pool, data.get("message_id")) in heavy_ids:
                heavy[name].append(now - t)

    readers = [asyncio.create_task(reader(name, ws)) for name, ws in sockets]
    # One poster per database: with BENCH_AB_SCHEMAS each side's own; else both bridges read one.
    pools = {url: await asyncpg.create_pool(url, min_size=8, max_size=8) for url in set(urls.values())}
    channels = rt.SOCKETS // rt.PER_CHANNEL
    rng = random.Random(7)
    first = await next(iter(pools.values())).fetchval("SELECT min(id) FROM chatter.channels")

    async def post(pool: asyncpg.Pool, channel: int, user: int) -> None:
        async with pool.acquire() as conn:
            async with conn.transaction():
                await conn.execute("SELECT set_config('chatter.user_id', $1, true)", str(user))
                mid = await conn.fetchval("SELECT chatter.channel_post($1, $2, 'ping')", channel, user)
            committed[(pool, mid)] = time.perf_counter()

    async def post_large(pool: asyncpg.Pool) -> None:
        async with pool.acquire() as conn:
            async with conn.transaction():
                await conn.execute("SELECT set_config('chatter.user_id', '1', true)")
                mid = await conn.fetchval(
                    "SELECT chatter.create_message($1, model => 'bench_orders', document => 1)", rt.MAX_BODY)
                heavy_ids.add((pool, mid))
            committed[(pool, mid)] = time.perf_counter()

    start, tasks, sent, large = time.perf_counter(), [], 0, 0
    while (elapsed := time.perf_counter() - start) < rt.SECONDS:
        while sent < int(elapsed * rt.RATE) + 1:
            c = rng.randrange(channels)
            user = c * rt.PER_CHANNEL + 1 + rng.randrange(rt.PER_CHANNEL)
            tasks += [asyncio.create_task(post(pool, first + c, user)) for pool in pools.values()]
            sent += 1
        if HEAVY and large < elapsed / 2:
            tasks += [asyncio.create_task(post_large(pool)) for pool in pools.values()]
            large += 1
        await asyncio.sleep(0.001)
    await asyncio.gather(*tasks)
    achieved = sent / (time.perf_counter() - start)
    await asyncio.sleep(3)
    for task in readers:
        task.cancel()
    for _, ws in sockets:
        await ws.close()
    for pool in pools.values():
        await pool.close()
    print(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, load average {os.getloadavg()[0]:.1f}, "
          f"{rt.SOCKETS} users with a socket on each bridge, {achieved:.0f} chat messages/s for {rt.SECONDS} s"
          + (", a 500,000-character body to every user every 2 s" if HEAVY else "")
          + (", each bridge on its own checkout's schema and poster" if SCHEMAS else ""))
    print("| bridge | chat frames | p50 ms | p95 ms | p99 ms | max ms | the large messages' frames p50 / max ms |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name in ports:
        ms = sorted(x * 1000 for x in chat[name])
        q = statistics.quantiles(ms, n=100)
        h = sorted(x * 1000 for x in heavy[name])
        big = f"{statistics.median(h):.1f} / {h[-1]:.1f}" if h else ""
        print(f"| {name} | {len(ms):,} | {q[49]:.1f} | {q[94]:.1f} | {q[98]:.1f} | {ms[-1]:.1f} | {big} |")


def main() -> None:
    if len(sys.argv) != 2 or not (Path(sys.argv[1]) / "bridge" / "app.py").exists():
        raise SystemExit("usage: bench/realtime_ab.py OTHER_CHECKOUT (a directory with bridge/app.py)")
    checkouts = {"this": HERE, "other": str(Path(sys.argv[1]).resolve())}
    if SCHEMAS:
        urls = {name: checkout_database(f"pgchatter_bench_realtime_ab_{name}", checkouts[name]) for name in checkouts}
    else:
        urls = dict.fromkeys(checkouts, fresh_database("pgchatter_bench_realtime_ab"))
    made = {url: rt.setup(url) for url in set(urls.values())}    # the same users and channels in each
    tokens_of = {name: made[urls[name]] for name in checkouts}
    procs = {}
    try:
        for name in random.sample(list(checkouts), 2):     # which one starts first: by chance
            procs[name] = start(checkouts[name], urls[name])
        try:
            import uvloop
            uvloop.run(run(urls, {name: procs[name][1] for name in checkouts}, tokens_of))
        except ImportError:
            asyncio.run(run(urls, {name: procs[name][1] for name in checkouts}, tokens_of))
    finally:
        for proc, _ in procs.values():
            proc.terminate()
            proc.wait()
    for url in set(urls.values()):
        database.drop_database(url)


def checkout_database(name: str, checkout: str) -> str:
    """A fresh database deployed from `checkout`'s own sqitch plan."""
    settings = Settings.from_env()
    database.ensure_server(settings)
    url = database.database_url(settings, name)
    database.create_database(url, fresh=True)
    env = {**os.environ, **database.libpq_env(url)}
    subprocess.run(["sqitch", "--quiet", "deploy", f"db:pg:{env['PGDATABASE']}"], cwd=checkout, env=env, check=True)
    return url


if __name__ == "__main__":
    main()
