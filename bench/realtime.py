"""Benchmark: commit -> WebSocket frame latency (SPEC section 10), at 1,000 and at 10,000 sockets.

Bridges as `pgchatter bridge` runs them (uvicorn, no per-message deflate) on a fresh database; N users,
each with one WebSocket; channels of 10 members. A poster commits chatter.channel_post at a steady rate
(random channel, random member), each message reaching its 10 members' sockets. The sockets are held and
read by BENCH_REALTIME_CLIENTS client processes (one Python process cannot read 10,000 frames a second
and still say when each arrived); latency is from the moment the COMMIT returned to the moment a client
read the frame, both on the machine's monotonic clock. Every frame is counted.

1. 1,000 sockets, 200 messages/s (SPEC §10's first row); one bridge process.
2. The same while one client posts, every 2 s, a message with the largest body chatter.limits allows
   (500,000 characters nested 100 deep, the costliest to sanitize) on a record 1,000 users follow (issue 18):
   each is 1,000 notifications, a record frame and a body to sanitize. The other users' chat frames must
   keep p99 <= 100 ms.
3. 10,000 sockets, 1,000 messages/s (issue 25), once per bridge size in BENCH_REALTIME_WORKERS (default
   "1,2": one process, then two, each with its own LISTEN connection): the bench says whether one event loop
   carries it. With it: the bridge's memory per idle socket (RSS of its processes before and after the
   sockets connect), and a reconnect storm: the bridge is restarted, BENCH_REALTIME_MISSED (10) messages
   per socket are posted while it is down, and every socket reconnects at once and catches up by id; the
   time until all have every missed frame, and the database transactions per socket that took.

The file-descriptor limit is raised to the hard limit (every process here inherits it); a size the limit
cannot hold is said and skipped.

    .venv/bin/python bench/realtime.py
    # BENCH_REALTIME_SECONDS (20), BENCH_REALTIME_RATE (200), BENCH_REALTIME_SOCKETS (1000),
    # BENCH_REALTIME_BIG_SOCKETS (10000), BENCH_REALTIME_BIG_RATE (1000), BENCH_REALTIME_WORKERS ("1,2"),
    # BENCH_REALTIME_CLIENTS (2), BENCH_REALTIME_MISSED (10); BENCH_REALTIME_SMALL=0 skips steps 1 and 2,
    # BENCH_REALTIME_BIG=0 step 3, BENCH_REALTIME_GROW=<n>: steps 1 and 2 on tables grown by n old messages
    # and n old notifications (the relay's reads must not grow with them), BENCH_REALTIME_STORM=0 the reconnect storm of step 3;
    # BENCH_REALTIME_PROFILE=<dir>: step 3's posting phase profiled (py-spy of the bridge processes, when
    # py-spy is installed; the statements of pg_stat_statements, when the server preloads it), into <dir>.
    # BENCH_REALTIME_POOL (8): step 3's poster's connections; BENCH_REALTIME_TRACE=0: step 3 without the
    # bridge's trace (bridge/trace.py: where each frame's latency went, the event loop's lag, GC pauses).
    # Only step 3 (10,000 sockets, one bridge process): BENCH_REALTIME_SMALL=0 BENCH_REALTIME_WORKERS=1
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import contextlib
import json
import multiprocessing
import os
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Self

import asyncpg
import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, record
from bridge.realtime import RELAY_NAME
from pgchatter import database
from tests.servers import free_port

SECONDS = int(os.environ.get("BENCH_REALTIME_SECONDS", "20"))
RATE = int(os.environ.get("BENCH_REALTIME_RATE", "200"))
SOCKETS = int(os.environ.get("BENCH_REALTIME_SOCKETS", "1000"))
SMALL = os.environ.get("BENCH_REALTIME_SMALL", "1") == "1"
BIG = os.environ.get("BENCH_REALTIME_BIG", "1") == "1"
BIG_SOCKETS = int(os.environ.get("BENCH_REALTIME_BIG_SOCKETS", "10000"))
BIG_RATE = int(os.environ.get("BENCH_REALTIME_BIG_RATE", "1000"))
WORKERS = [int(w) for w in os.environ.get("BENCH_REALTIME_WORKERS", "1,2").split(",")]
CLIENTS = int(os.environ.get("BENCH_REALTIME_CLIENTS", "2"))
MISSED = int(os.environ.get("BENCH_REALTIME_MISSED", "10"))
GROW = int(os.environ.get("BENCH_REALTIME_GROW", "0"))   # old messages (and notifications) before steps 1 and 2
STORM = os.environ.get("BENCH_REALTIME_STORM", "1") == "1"
PROFILE = os.environ.get("BENCH_REALTIME_PROFILE", "")     # a directory: py-spy and pg_stat_statements of step 3
# Step 3's poster: connections of its pool. 1,000 posts/s at a 2-3 ms round trip are 2-3 in flight; more
# connections only let more backends take the cores from the relay and the bridge when the machine is short
# (docs/benchmarks.md, "Issue 25, 2026-12-07 17:37"); the poster prints its posts in flight and its wait.
POOL = int(os.environ.get("BENCH_REALTIME_POOL", "8"))
TRACE = os.environ.get("BENCH_REALTIME_TRACE", "1") == "1"  # step 3: where the latency goes (bridge/trace.py)
PER_CHANNEL = 10
FOLLOWERS = 1000        # of the record the large messages go to
DB_NAME = "pgchatter_bench_realtime"
ROOT = Path(__file__).resolve().parent.parent


def setup(url: str, users: int = SOCKETS) -> dict[int, str]:
    """`users` users in channels of PER_CHANNEL; the first FOLLOWERS follow bench_orders 1. Their tokens."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"""
            INSERT INTO chatter.contacts (id, name) SELECT g, 'User ' || g FROM generate_series(1, {users}) g;
            INSERT INTO chatter.users (id, contact_id, username, notification)
                SELECT g, g, 'user' || g, 'inbox' FROM generate_series(1, {users}) g;
            SELECT chatter.create_channel('room ' || c, 'Public', c * {PER_CHANNEL} + 1,
                       ARRAY(SELECT generate_series(c * {PER_CHANNEL} + 2, c * {PER_CHANNEL} + {PER_CHANNEL})::bigint))
              FROM generate_series(0, {users // PER_CHANNEL - 1}) c;
            CREATE TABLE public.bench_orders (id bigint PRIMARY KEY, name text);
            INSERT INTO public.bench_orders VALUES (1, 'S00001');
            GRANT SELECT ON public.bench_orders TO chatter_app;
            SELECT chatter.enable('bench_orders');
            SELECT chatter.subscribe('bench_orders', 1, ARRAY(SELECT generate_series(1, {min(users, FOLLOWERS)})::bigint));
        """)
        rows = conn.execute("SELECT id, chatter.token_create(id::text) FROM chatter.users ORDER BY id").fetchall()
    return dict(rows)


def grow(url: str, n: int) -> None:
    """n old chat messages in the first channel and n old notifications of them (users in turn), as a
    database in use for a while has: written before the bridge starts, never relayed."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET chatter.wakeups = off")
        conn.execute(f"""
            INSERT INTO chatter.messages (message_type, body, author_id, channel_id)
            SELECT 'Message', 'old ' || g, 1, (SELECT min(id) FROM chatter.channels) FROM generate_series(1, {n}) g""")
        conn.execute(f"""
            INSERT INTO chatter.notifications (message_id, contact_id, user_id)
            SELECT m.id, u.contact_id, u.id FROM (SELECT id, row_number() OVER (ORDER BY id) AS r
                                                    FROM chatter.messages ORDER BY id LIMIT {n}) AS m
              JOIN chatter.users AS u ON u.id = (m.r % {PER_CHANNEL}) + 1""")
        conn.execute("VACUUM ANALYZE chatter.messages, chatter.notifications")


# The largest body chatter.limits allows, and the costliest to sanitize: blocks nested 100 deep.
BLOCK = "<div>" * 99 + "<p>Lorem <b>ipsum</b> dolor</p>" + "</div>" * 99
MAX_BODY = (BLOCK * (500_000 // len(BLOCK) + 1))[:500_000 - 2000] + "x" * 2000


# -- the bridge -------------------------------------------------------------------------------------------
class BridgeProcs:
    """`uvicorn bridge.app:app` with `workers` processes (each its own hub and LISTEN connection) on `port`."""

    def __init__(self, url: str, workers: int, port: int | None = None, trace: str | None = None) -> None:
        self.port = port or free_port()
        env = {**os.environ, "DATABASE_URL": url}
        if trace:
            env["CHATTER_RT_TRACE"] = trace     # bridge/trace.py: the stages of each frame, the loop's lag, GC
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "bridge.app:app", "--port", str(self.port), "--log-level", "warning",
             "--ws-max-queue", "64", "--ws-per-message-deflate", "false", "--ws", "bridge.wsproto:Protocol", "--workers", str(workers),
             "--backlog", "16384"], cwd=ROOT, env=env, start_new_session=True)
        self.workers = workers
        atexit.register(self.stop)     # never left running behind a failed run
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code == 200 \
                        and len(self.pids()) >= workers:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("bridge did not come up")

    def pids(self) -> list[int]:
        """The processes serving sockets: the workers (uvicorn's supervisor holds none), or the one process."""
        if self.workers == 1:
            return [self.proc.pid]
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                children.append(int(stat.parent.name))
        return children

    def rss(self) -> int:
        """Resident memory of the serving processes, bytes."""
        total = 0
        for pid in self.pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        return total

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)     # its workers too
            self.proc.wait()


# -- the client processes -----------------------------------------------------------------------------------
MESSAGE_ID = re.compile(rb'"message_id": (\d+)')
NOTIFICATION_ID = re.compile(rb'"notification_id": (\d+)')
KIND_MESSAGE = b'"kind": "message"'


class LeanSocket(asyncio.Protocol):
    """One client WebSocket (RFC 6455), as lean as a load generator can be: the handshake by hand, frames
    parsed from the buffer, a frame's ids found with a regular expression on its bytes (no JSON decoding,
    no text decoding), pings answered. The websockets library's client cost about as much CPU per frame as
    the bridge serving it (issue 25: 0.45 ms of the 2.6 ms of CPU a message). Frames it reads are handed to
    `on_text(payload: bytes, when)`; the first (hello) completes `hello`."""

    def __init__(self, path: str, on_text) -> None:
        self.path, self.on_text = path, on_text
        self.buffer = bytearray()
        self.upgraded = False
        self.hello: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None
        self.fragments: bytearray | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write((f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                         f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())

    def connection_lost(self, exc: object) -> None:
        if not self.hello.done():
            self.hello.set_exception(ConnectionError("closed before hello"))
        if not self.closed.done():
            self.closed.set_result(None)

    def send_text(self, text: str) -> None:
        self._send(0x1, text.encode())

    def _send(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        n = len(payload)
        header = bytes([0x80 | opcode]) + (bytes([0x80 | n]) if n < 126 else
                                            bytes([0x80 | 126]) + n.to_bytes(2, "big") if n < 65536 else
                                            bytes([0x80 | 127]) + n.to_bytes(8, "big"))
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes((mask * (n // 4 + 1))[:n], "big")).to_bytes(n, "big")
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(header + mask + masked)

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self._send(0x8, (1000).to_bytes(2, "big"))
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        buffer = self.buffer
        buffer += data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if not buffer.startswith(b"HTTP/1.1 101"):
                self.hello.set_exception(ConnectionError(bytes(buffer[:end]).decode(errors="replace")))
                self.transport.close()
                return
            del buffer[:end + 4]
            self.upgraded = True
        pos, size = 0, len(buffer)
        while size - pos >= 2:
            first, n = buffer[pos], buffer[pos + 1] & 0x7F
            start = pos + 2
            if n == 126:
                if size - pos < 4:
                    break
                n, start = int.from_bytes(buffer[pos + 2:pos + 4], "big"), pos + 4
            elif n == 127:
                if size - pos < 10:
                    break
                n, start = int.from_bytes(buffer[pos + 2:pos + 10], "big"), pos + 10
            if size - start < n:
                break
            payload = bytes(buffer[start:start + n])
            pos = start + n
            opcode = first & 0x0F
            if opcode in (0x1, 0x0):
                if not first & 0x80:                      # fragmented: gather (uvicorn sends none)
                    self.fragments = (self.fragments or bytearray()) + payload
                    continue
                if self.fragments is not None:
                    payload, self.fragments = bytes(self.fragments + payload), None
                if not self.hello.done():
                    self.hello.set_result(payload)
                else:
                    self.on_text(payload, now)
            elif opcode == 0x9:
                self._send(0xA, payload)
            elif opcode == 0x8:
                self.close()
        del buffer[:pos]


def client_main(conn, port: int, tokens: list[str]) -> None:
    """A client process: holds its share of the sockets and answers the parent's commands over `conn`."""
    try:
        import uvloop
        uvloop.run(_client(conn, port, tokens))
    except ImportError:
        asyncio.run(_client(conn, port, tokens))


async def _client(conn, port: int, tokens: list[str]) -> None:
    loop = asyncio.get_running_loop()
    chat: list[tuple[int, float]] = []       # (message id, when read) of realtime_data frames
    other: list[tuple[int, float]] = []      # of notification frames (kind "message")
    last = [(0, 0)] * len(tokens)            # per socket: the last message and notification id seen
    caught: list[float] = []                 # when each socket's caught_up arrived
    sockets: list[LeanSocket | None] = [None] * len(tokens)
    gate = asyncio.Semaphore(200)            # connections opened at once (a storm still, but no SYN floods)

    def reader(i: int):
        def on_text(text: bytes, now: float) -> None:
            if text.startswith(b'{"type": "realtime_data"'):
                mid = int(MESSAGE_ID.search(text).group(1))
                chat.append((mid, now))
                if mid > last[i][0]:
                    last[i] = (mid, last[i][1])
            elif b'"notification_id"' in text:     # a notification (the payload's keys come in jsonb order)
                if KIND_MESSAGE in text:
                    other.append((int(MESSAGE_ID.search(text).group(1)), now))
                nid = int(NOTIFICATION_ID.search(text).group(1))
                if nid > last[i][1]:
                    last[i] = (last[i][0], nid)
            elif text.startswith(b'{"type": "caught_up"'):
                caught.append(now)
        return on_text

    async def connect(i: int, catch_up: bool) -> None:
        async with gate:
            for attempt in range(50):
                try:
                    _, ws = await asyncio.wait_for(loop.create_connection(
                        lambda: LeanSocket(f"/api/ws?token={tokens[i]}", reader(i)), "127.0.0.1", port), 60)
                    hello = json.loads(await asyncio.wait_for(ws.hello, 60))
                    break
                except (OSError, ConnectionError, TimeoutError):
                    await asyncio.sleep(0.1 * (attempt + 1))
            else:
                raise RuntimeError("could not connect")
            if catch_up:
                ws.send_text(json.dumps({"type": "catch_up", "after_message": last[i][0],
                                         "after_notification": last[i][1]}))
            else:
                last[i] = (hello["last_message_id"], hello["last_notification_id"])
        sockets[i] = ws

    while True:
        command = await loop.run_in_executor(None, conn.recv)   # (the pipe stays blocking: results are large)
        if command == "connect" or command == "reconnect":
            chat.clear()
            caught.clear()
            await asyncio.gather(*(connect(i, command == "reconnect") for i in range(len(tokens))))
            conn.send(len(tokens))
        elif command == "reset":
            chat.clear()
            other.clear()
            conn.send(True)
        elif command == "count":
            conn.send(len(chat))
        elif command == "progress":
            conn.send((len(caught), max(caught, default=0.0)))
        elif command == "results":
            conn.send((chat, other, caught))
        elif command == "close":
            for ws in sockets:
                if ws is not None:
                    ws.close()
            conn.send(True)
            return


class Clients:
    """CLIENTS processes holding the tokens' sockets between them."""

    def __init__(self, port: int, tokens: list[str]) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conns, self.procs = [], []
        n = max(1, min(CLIENTS, len(tokens) // 100))
        for k in range(n):
            mine, theirs = ctx.Pipe()
            proc = ctx.Process(target=client_main, args=(theirs, port, tokens[k::n]), daemon=True)
            proc.start()
            self.conns.append(mine)
            self.procs.append(proc)

    def ask(self, command: str) -> list:
        for conn in self.conns:
            conn.send(command)
        return [conn.recv() for conn in self.conns]

    def results(self) -> tuple[list, list, list]:
        chat, other, caught = [], [], []
        for c, o, k in self.ask("results"):
            chat += c
            other += o
            caught += k
        return chat, other, caught

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.ask("close")
        for proc in self.procs:
            proc.join(timeout=10)
            proc.kill()


# -- the load -------------------------------------------------------------------------------------------
POST = """
WITH acting AS MATERIALIZED (SELECT pg_catalog.set_config('chatter.user_id', $1, true))
SELECT chatter.channel_post($2, $3, 'ping') FROM acting
"""


async def _no_reset(_conn: asyncpg.Connection) -> None:
    pass


class Poster:
    """Commits chat posts at a steady rate (and, if asked, the large message every 2 s); keeps commit times."""

    def __init__(self, url: str, users: int) -> None:
        self.url, self.users = url, users
        self.committed: dict[int, float] = {}
        self.heavy: set[int] = set()
        self.window = (0.0, 0.0)     # when it posted, on the monotonic clock
        self.in_flight = self.most_in_flight = 0
        self.round_trips: list[tuple[float, float]] = []   # each chat post's wait for a connection, its round trip

    def concurrency(self) -> str:
        """How many posts were in the database at once (Little's law: their round trips over the time from the
        first post to the last commit), how long each took there, and how long it waited for a connection."""
        waits = statistics.quantiles([w for w, _ in self.round_trips], n=100)
        trips = statistics.quantiles([t for _, t in self.round_trips], n=100)
        seconds = max(self.committed.values()) - self.window[0]
        return (f"posts in the database at once: mean {sum(t for _, t in self.round_trips) / seconds:.1f}, most "
                f"{self.most_in_flight}; a post's round trip p50 {trips[49] * 1000:.1f} ms, p99 {trips[98] * 1000:.1f}; "
                f"its wait for a connection p50 {waits[49] * 1000:.1f} ms, p99 {waits[98] * 1000:.1f}")

    async def run(self, rate: int, seconds: float, large: bool = False, pool_size: int = 16) -> float:
        """Post for `seconds` at `rate` messages/s; returns the rate achieved."""
        # No reset of a connection on its return to the pool (RESET ALL, pg_advisory_unlock_all, CLOSE ALL,
        # UNLISTEN *: four statements a post for the database, none of which a post needs; its set_config is
        # transaction-local).
        pool = await asyncpg.create_pool(self.url, min_size=pool_size, max_size=pool_size, reset=_no_reset)
        channels = self.users // PER_CHANNEL
        rng = random.Random(7)
        first = await pool.fetchval("SELECT min(id) FROM chatter.channels")

        async def post(channel: int, user: int) -> None:
            # One round trip, one prepared statement, its own transaction: the same work for the database as
            # BEGIN, set_config, channel_post, COMMIT (four round trips, what held the poster back at 1,000/s).
            asked = time.monotonic()
            async with pool.acquire() as conn:
                got = time.monotonic()
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
                mid = await conn.fetchval(POST, str(user), channel, user)
                self.committed[mid] = done = time.monotonic()
                self.in_flight -= 1
            self.round_trips.append((got - asked, done - got))

        async def post_large() -> None:
            async with pool.acquire() as conn:
                async with conn.transaction():
                    await conn.execute("SELECT set_config('chatter.user_id', '1', true)")
                    mid = await conn.fetchval(
                        "SELECT chatter.create_message($1, model => 'bench_orders', document => 1)", MAX_BODY)
                    self.heavy.add(mid)
                self.committed[mid] = time.monotonic()

        start, tasks, sent, large_sent = time.monotonic(), [], 0, 0
        self.window = (start, start + seconds)
        while (elapsed := time.monotonic() - start) < seconds:
            while sent < int(elapsed * rate) + 1:
                c = rng.randrange(channels)
                tasks.append(asyncio.create_task(post(first + c, c * PER_CHANNEL + 1 + rng.randrange(PER_CHANNEL))))
                sent += 1
            if large and large_sent < elapsed / 2:
                tasks.append(asyncio.create_task(post_large()))
                large_sent += 1
            await asyncio.sleep(0.001)
        await asyncio.gather(*tasks)
        achieved = sent / (time.monotonic() - start)
        await pool.close()
        return achieved

    def sent(self) -> int:
        return len(self.committed) - len(self.heavy)


def latencies(reads: list[tuple[int, float]], committed: dict[int, float], only: set[int] | None = None) -> list[float]:
    return sorted((t - committed[m]) * 1000 for m, t in reads if m in committed and (only is None or m in only))


def table(title: str, ms: list[float], heavy: list[float] | None = None) -> None:
    q = statistics.quantiles(ms, n=100)
    print()
    print(f"| {title} | ms | target |")
    print("| --- | --- | --- |")
    print(f"| p50 | {q[49]:.1f} | <= 10 |")
    print(f"| p95 | {q[94]:.1f} | |")
    print(f"| p99 | {q[98]:.1f} | <= 100 |")
    print(f"| max | {ms[-1]:.1f} | |")
    if heavy:
        print(f"| the large messages' own notification frames ({len(heavy):,}): p50 / max | "
              f"{statistics.median(heavy):.1f} / {heavy[-1]:.1f} | |")


def stages(trace: str, reads: list[tuple[int, float]], committed: dict[int, float],
           window: tuple[float, float]) -> str:
    """Where each frame's latency went (bridge/trace.py's records, the bridge processes' files `trace`-<pid>):
    commit -> the relay's query that read it sent (the wait for a poll: NOTIFY, the poll before it), -> its
    rows read (the query), -> its frames written to the sockets (routing, writes), -> read by a client (the
    kernel, the client processes). p50 / p99 of each stage, and the stages' means over the slowest 1% of
    frames; then the bridge's event-loop lag and its cyclic-GC pauses during the posting `window`."""
    polls: dict[int, list[tuple[float, float, float, float | None]]] = {}
    lags: list[float] = []
    collections: list[tuple[int, float]] = []
    objects: list[int] = []
    full: list[tuple[float, float]] = []     # every full collection of the run (start-up, connecting): ms, CPU ms
    start, end = window
    for path in Path(trace).parent.glob(Path(trace).name + "-*.jsonl"):
        for line in path.read_text().splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue     # a line cut by the process's end
            if rec["kind"] == "poll":
                for m, routed in zip(rec["ids"], rec["routed"], strict=True):
                    polls.setdefault(m, []).append((rec["asked"], rec["read"], routed, rec["woken"]))
            elif rec["kind"] == "gc-objects":
                objects.append(rec["objects"])
            elif start <= rec["at"] <= end or rec["kind"] == "gc" and rec["generation"] == 2:
                if rec["kind"] == "gc" and rec["generation"] == 2:
                    full.append((rec["took"] * 1000, rec["cpu"] * 1000))
                    if not start <= rec["at"] <= end:
                        continue
                if rec["kind"] == "lag":
                    lags.append(rec["late"] * 1000)
                elif rec["kind"] == "gc":
                    collections.append((rec["generation"], rec["took"] * 1000))
    parts: list[tuple[float, float, float, float, float]] = []
    notify: list[float] = []
    for m, t in reads:
        if m not in committed or m not in polls:
            continue
        c = committed[m]
        # Several processes each read every message: the one that wrote this frame is taken to be the one
        # whose write came last before the read.
        s, r, w, woken = max((p for p in polls[m] if p[2] <= t), default=polls[m][0], key=lambda p: p[2])
        parts.append(((t - c) * 1000, (s - c) * 1000, (r - s) * 1000, (w - r) * 1000, (t - w) * 1000))
        if woken is not None and woken >= c:
            notify.append((woken - c) * 1000)
    if not parts:
        return "stages: no trace"
    parts.sort()
    names = ("commit -> the relay's query sent", "query sent -> rows read", "rows read -> frames written",
             "frames written -> client read")
    tail = parts[int(len(parts) * 0.99):]
    out = [f"\n| where the latency goes ({len(parts):,} frames traced) | p50 ms | p99 ms | mean of the slowest 1%, ms |",
           "| --- | ---: | ---: | ---: |"]
    for k, label in enumerate(names, 1):
        q = statistics.quantiles([p[k] for p in parts], n=100)
        out.append(f"| {label} | {q[49]:.1f} | {q[98]:.1f} | {statistics.fmean(p[k] for p in tail):.1f} |")
    q = statistics.quantiles([p[0] for p in parts], n=100)
    out.append(f"| commit -> client read | {q[49]:.1f} | {q[98]:.1f} | {statistics.fmean(p[0] for p in tail):.1f} |")
    if len(notify) > 1:
        q = statistics.quantiles(notify, n=100)
        out.append(f"| (commit -> the NOTIFY that woke its poll, {len(notify):,} frames) | {q[49]:.1f} | {q[98]:.1f} | |")
    seconds = max(end - start, 1e-9)
    gen2 = [ms for g, ms in collections if g == 2]
    out.append(f"bridge event loop from the first post to the last commit: late by more than 2 ms {len(lags):,} times ({len(lags) / seconds:.1f}/s), "
               f"by more than 50 ms {sum(1 for x in lags if x > 50):,}, most {max(lags, default=0):.0f} ms; cyclic GC: "
               f"{len(gen2)} collections of generation 2 (longest {max(gen2, default=0):.0f} ms, "
               f"{sum(gen2):.0f} ms in all), {len(collections) - len(gen2)} others longer than 1 ms "
               f"(longest {max((ms for g, ms in collections if g < 2), default=0):.0f} ms)")
    out.append(f"full collections in the whole run (start-up and connecting too): {len(full)}, objects walked "
               f"{', '.join(f'{n:,}' for n in objects) or 'none'}; ms (CPU ms): "
               f"{', '.join(f'{ms:.0f} ({cpu:.0f})' for ms, cpu in full)}")
    return "\n".join(out)


def rows_for(what: str, ms: list[float]) -> list[dict]:
    q = statistics.quantiles(ms, n=100)
    return [{"what": f"commit → WebSocket frame p50, {what}", "value": q[49], "unit": "ms", "target": 10,
             "better": "lower"},
            {"what": f"commit → WebSocket frame p99, {what}", "value": q[98], "unit": "ms", "target": 100,
             "better": "lower"}]


def run_async(coro):
    try:
        import uvloop
        return uvloop.run(coro)
    except ImportError:
        return asyncio.run(coro)


def raise_fd_limit(needed: int) -> bool:
    """Raise the soft limit on open files to the hard one; whether `needed` fit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard == resource.RLIM_INFINITY or hard >= needed


class CpuSplit:
    """CPU time of each party while a step runs, from /proc (Linux; the server's processes only when it runs
    on this machine): PostgreSQL (the postmaster of the bench's database and its children), the bridge's
    processes, the client processes, this process (the poster), and the rest of the machine, each as a
    percentage of one core; the machine has os.cpu_count() of them."""

    def __init__(self, url: str, bridge: BridgeProcs, clients: Clients) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
            self.postmaster = self._ppid(backend)
        self.url = url
        self.parties = {"bridge": lambda: {bridge.proc.pid, *bridge.pids()},
                        "clients": lambda: {p.pid for p in clients.procs}, "poster": lambda: {os.getpid()}}

    @staticmethod
    def _stat(pid: int) -> list[str] | None:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None

    def _ppid(self, pid: int) -> int | None:
        fields = self._stat(pid)
        return int(fields[1]) if fields else None

    def _sample(self) -> dict[str, int]:
        ticks = {"postgres": 0, "bridge": 0, "clients": 0, "poster": 0, "relay": 0, "bridge_kernel": 0}
        own = {pid: party for party, pids in self.parties.items() for pid in pids()}
        with psycopg.connect(self.url, autocommit=True) as conn:     # the relays' backends (of "postgres")
            relays = {r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s",
                                                 (RELAY_NAME,))}
        for entry in Path("/proc").glob("[0-9]*"):
            fields = self._stat(int(entry.name))
            if fields is None:
                continue
            pid, used = int(entry.name), int(fields[11]) + int(fields[12])
            if pid in own:
                ticks[own[pid]] += used
                if own[pid] == "bridge":
                    ticks["bridge_kernel"] += int(fields[12])
            elif self.postmaster is not None and (pid == self.postmaster or int(fields[1]) == self.postmaster):
                ticks["postgres"] += used
                if pid in relays:
                    ticks["relay"] += used
        # Backends that ended meanwhile are counted in the postmaster's children times.
        fields = self._stat(self.postmaster) if self.postmaster else None
        if fields:
            ticks["postgres"] += int(fields[13]) + int(fields[14])
        with open("/proc/stat") as f:
            cpu = [int(x) for x in f.readline().split()[1:]]
        ticks["machine"] = sum(cpu) - cpu[3] - cpu[4]      # busy: all but idle and iowait
        return ticks

    def __enter__(self) -> Self:
        self.start, self.t0 = self._sample(), time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        end, seconds = self._sample(), time.monotonic() - self.t0
        hz = os.sysconf("SC_CLK_TCK")
        self.share = {k: (end[k] - self.start[k]) * 100 / hz / seconds for k in end}
        self.share["rest"] = self.share["machine"] - sum(v for k, v in self.share.items() if k not in ("machine", "relay", "bridge_kernel"))
        self.load = os.getloadavg()[0]

    def __str__(self) -> str:
        s = self.share
        return (f"CPU, % of one core ({os.cpu_count()} cores): PostgreSQL {s['postgres']:.0f} (of which the relays' "
                f"backends {s['relay']:.0f}), bridge {s['bridge']:.0f} (in the kernel {s['bridge_kernel']:.0f}), "
                f"clients {s['clients']:.0f}, poster {s['poster']:.0f}, the rest of the machine {s['rest']:.0f} "
                f"(other users and the kernel), busy {s['machine']:.0f}; load average {self.load:.1f}")


class Profile:
    """BENCH_REALTIME_PROFILE: py-spy records each bridge process while the block runs (its flame graph and
    its top functions), and pg_stat_statements' statements of the block (reset at its start), by total time,
    into PROFILE/<name>-*."""

    def __init__(self, url: str, bridge: BridgeProcs, name: str) -> None:
        self.url, self.bridge, self.out = url, bridge, Path(PROFILE) / name
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.spies: list[subprocess.Popen] = []

    def __enter__(self) -> Self:
        with psycopg.connect(self.url, autocommit=True) as conn:
            try:
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
                conn.execute("SELECT pg_stat_statements_reset()")
                self.statements = True
            except psycopg.Error as exc:
                print(f"pg_stat_statements not available: {exc}")
                self.statements = False
        spy = Path(sys.executable).parent / "py-spy"
        if spy.exists():
            for pid in self.bridge.pids():
                self.spies.append(subprocess.Popen(
                    [str(spy), "record", "--pid", str(pid), "--rate", "50", "--format", "raw", "--nonblocking",
                     "--output", f"{self.out}-pyspy-{pid}.txt"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        return self

    def __exit__(self, *exc: object) -> None:
        for spy in self.spies:
            spy.send_signal(signal.SIGINT)
        for spy in self.spies:
            spy.wait(timeout=60)
        if self.statements:
            with psycopg.connect(self.url, autocommit=True) as conn:
                rows = conn.execute(r"""
                    SELECT calls, round((total_exec_time + total_plan_time)::numeric, 1) AS ms,
                           round(((total_exec_time + total_plan_time) / calls)::numeric, 4) AS per_call, toplevel,
                           regexp_replace(left(query, 300), '\s+', ' ', 'g') AS query
                      FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                     ORDER BY 2 DESC LIMIT 40""").fetchall()
            with open(f"{self.out}-statements.txt", "w") as f:
                for row in rows:
                    print(*row, sep=" | ", file=f)


# -- the steps ----------------------------------------------------------------------------------------------
def small(rows: list[dict]) -> None:
    """Steps 1 and 2: 1,000 sockets, 200 messages/s, then with the large messages."""
    url = fresh_database(DB_NAME)
    tokens = setup(url, SOCKETS)
    if GROW:
        grow(url, GROW)
    bridge = BridgeProcs(url, 1)
    clients = Clients(bridge.port, list(tokens.values()))
    try:
        clients.ask("connect")
        for large, label in ((False, ""), (True, ", a 500,000-character body to 1,000 followers every 2 s")):
            poster = Poster(url, SOCKETS)
            clients.ask("reset")
            achieved = run_async(poster.run(RATE, SECONDS, large))
            time.sleep(2)     # the last frames
            chat, other, _ = clients.results()
            ms = latencies(chat, poster.committed)
            heavy = latencies(other, poster.committed, poster.heavy)
            table(f"commit -> frame, {SOCKETS} sockets, {achieved:.0f} messages/s for {SECONDS} s{label} "
                  f"({len(ms):,} of {poster.sent() * PER_CHANNEL:,} frames)", ms, heavy)
            rows += rows_for(f"{SOCKETS} sockets, {achieved:.0f} msg/s{label}", ms)
    finally:
        bridge.stop()
        clients.close()
        database.drop_database(url)


def big(rows: list[dict], workers: int) -> None:
    """Step 3 with `workers` bridge processes: the load, memory per idle socket, the reconnect storm."""
    url = fresh_database(DB_NAME)
    tokens = setup(url, BIG_SOCKETS)
    trace = None
    if TRACE:
        trace_dir = ROOT / ".data" / "bench" / "trace"
        trace_dir.mkdir(parents=True, exist_ok=True)
        for old in trace_dir.glob(f"w{workers}-*"):
            old.unlink()
        trace = str(trace_dir / f"w{workers}")
    bridge = BridgeProcs(url, workers, trace=trace)
    time.sleep(2)
    before = bridge.rss()
    clients = Clients(bridge.port, list(tokens.values()))
    try:
        t0 = time.monotonic()
        clients.ask("connect")
        connected = time.monotonic() - t0
        time.sleep(5)     # idle: let what connecting allocated settle
        per_socket = (bridge.rss() - before) / BIG_SOCKETS
        print(f"\n{BIG_SOCKETS:,} sockets connected to {workers} bridge process(es) in {connected:.1f} s; bridge RSS "
              f"{before / 2**20:.0f} MB before, {(before + per_socket * BIG_SOCKETS) / 2**20:.0f} MB after: "
              f"{per_socket / 1024:.1f} KB per idle socket (target <= 50 KB)")
        name = f"{BIG_SOCKETS} sockets, {workers} bridge process{'es' if workers > 1 else ''}"
        rows.append({"what": f"bridge memory per idle socket, {name}", "value": per_socket / 1024, "unit": "KB",
                     "target": 50, "better": "lower"})

        poster = Poster(url, BIG_SOCKETS)
        clients.ask("reset")
        serving = set(bridge.pids())
        profile = Profile(url, bridge, f"{BIG_SOCKETS}-{workers}") if PROFILE else contextlib.nullcontext()
        with CpuSplit(url, bridge, clients) as split, profile:
            achieved = run_async(poster.run(BIG_RATE, SECONDS, pool_size=POOL))
        if set(bridge.pids()) != serving:
            # uvicorn's supervisor kills a worker that does not answer its health check within
            # --timeout-worker-healthcheck (5 s) and starts another: that worker's sockets are gone.
            print(f"bridge worker(s) replaced while posting: {sorted(serving)} -> {sorted(bridge.pids())}")
        # The last frames: until every one has arrived (late is not lost), for at most 60 s.
        waited = time.monotonic()
        while (sum(clients.ask("count")) < poster.sent() * PER_CHANNEL and time.monotonic() - waited < 60):
            time.sleep(0.5)
        time.sleep(1)
        chat, _, _ = clients.results()
        ms = latencies(chat, poster.committed)
        table(f"commit -> frame, {name}, {achieved:.0f} messages/s for {SECONDS} s "
              f"({len(ms):,} of {poster.sent() * PER_CHANNEL:,} frames)", ms)
        print(f"while posting ({POOL} poster connections; {poster.concurrency()}): {split}")
        if trace:
            print(stages(trace, chat, poster.committed, (poster.window[0], max(poster.committed.values()))))
        rows += rows_for(f"{name}, {achieved:.0f} msg/s", ms)
        # What the asked rate would take of the machine, at this run's CPU a message (each 10 frames).
        ours = {k: split.share[k] / 100 / achieved for k in ("postgres", "bridge", "clients", "poster")}
        relay = split.share["relay"] / 100 / achieved
        rows.append({"what": f"CPU a message, {name} (PostgreSQL {ours['postgres'] * 1000:.2f} ms, of which the "
                             f"relay's reads {relay * 1000:.2f}, "
                             f"bridge {ours['bridge'] * 1000:.2f}, clients {ours['clients'] * 1000:.2f}, poster "
                             f"{ours['poster'] * 1000:.2f}; load {split.load:.1f}): cores {BIG_RATE:,} msg/s take",
                     "value": sum(ours.values()) * BIG_RATE, "unit": "cores", "target": os.cpu_count(),
                     "better": "lower"})

        if not STORM:
            return
        # The reconnect storm: the bridge restarts while messages are posted; every socket comes back at once.
        port = bridge.port
        bridge.stop()
        missed = Poster(url, BIG_SOCKETS)
        count = MISSED * BIG_SOCKETS // PER_CHANNEL
        run_async(missed.run(count, 1.0, pool_size=24))     # as fast as the database takes them
        with psycopg.connect(url, autocommit=True) as conn:
            xacts = conn.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
                                 ).fetchone()[0]
        bridge = BridgeProcs(url, workers, port)
        t0 = time.monotonic()
        with CpuSplit(url, bridge, clients) as storm_split:
            clients.ask("reconnect")
            while sum(n for n, _ in clients.ask("progress")) < BIG_SOCKETS and time.monotonic() - t0 < 300:
                time.sleep(0.2)
        chat, _, caught = clients.results()
        caught = sorted(t - t0 for t in caught)
        done = caught[-1] if len(caught) >= BIG_SOCKETS else float("nan")
        most = caught[int(0.99 * BIG_SOCKETS) - 1] if len(caught) >= 0.99 * BIG_SOCKETS else float("nan")
        got = len(latencies(chat, missed.committed))
        with psycopg.connect(url, autocommit=True) as conn:
            xacts = conn.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
                                 ).fetchone()[0] - xacts
        print(f"reconnect storm, {name}: {BIG_SOCKETS:,} sockets reconnect at once after a restart and catch up "
              f"on {missed.sent():,} messages posted meanwhile ({got:,} of {missed.sent() * PER_CHANNEL:,} frames): "
              f"{len(caught):,} caught up, 99% {most:.1f} s and all {done:.1f} s after the bridge was back; "
              f"{xacts / BIG_SOCKETS:.1f} database transactions per socket meanwhile, its re-checks included "
              f"({MISSED} messages missed per socket)")
        print(f"during the storm: {storm_split}")
        late = "" if len(caught) >= BIG_SOCKETS else f" (only {len(caught):,} within 300 s)"
        rows.append({"what": f"reconnect storm: all caught up after a restart, {name}, {MISSED} messages missed "
                             f"per socket{late}", "value": caught[-1] if caught else 300.0, "unit": "s",
                     "target": None, "better": "lower"})
    finally:
        bridge.stop()
        clients.close()
        database.drop_database(url)


def main() -> None:
    started = time.monotonic()
    rows: list[dict] = []
    if SMALL:
        small(rows)
    if BIG:
        # The bridge holds BIG_SOCKETS sockets (and a client process its share): one descriptor each, and some.
        if raise_fd_limit(BIG_SOCKETS + 1000):
            for workers in WORKERS:
                big(rows, workers)
        else:
            print(f"\nnot run: {BIG_SOCKETS:,} sockets need {BIG_SOCKETS + 1000:,} open files; the hard limit is "
                  f"{resource.getrlimit(resource.RLIMIT_NOFILE)[1]:,} (raise it: ulimit -Hn, or LimitNOFILE)")
    record("realtime", rows)
    print(f"\n(bench/realtime.py took {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
