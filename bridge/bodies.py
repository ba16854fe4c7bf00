"""Message bodies as served: sanitized once, then read from chatter.messages.body_html.

The relay sanitizes each new message as it arrives (write time) and the routes sanitize what has no copy
yet (older messages, Tracking, a bridge that was down); either way a body of STORE_CHARS characters or
more is stored with chatter.store_body_html, which only the system may call, in the background on a pool
connection outside the request's transaction. Shorter ones (most chat) are not worth a write: sanitizing
200 characters costs nh3 about 30 us, storing them an UPDATE. Long bodies are sanitized in a worker
thread (one of two, at a lower CPU priority), never on the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import asyncpg

from pgchatter.html import INLINE_CHARS, sanitize

log = logging.getLogger("bridge.bodies")

STORE = "SELECT chatter.store_body_html($1::bigint[], $2::text[], $3::text[])"

STORE_CHARS = 1_024

Fresh = tuple[int, str, str]
"""A body sanitized here: (message id, MD5 of the stored body, sanitized HTML)."""


def _low_priority() -> None:
    # Linux gives each thread its own nice value: a long body (a maximal one costs nh3 50 ms or more) then
    # takes the CPU the event loop, PostgreSQL and the clients leave, not theirs (2 cores, bench/realtime.py).
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


_SANITIZERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sanitize", initializer=_low_priority)


async def sanitized(body: str) -> str:
    if len(body) <= INLINE_CHARS:
        return sanitize(body)
    return await asyncio.get_running_loop().run_in_executor(_SANITIZERS, sanitize, body)


def keep(made: list[Fresh], message_id: int, body: str, html: str) -> None:
    """Add a body sanitized here to `made` (to store) if it is worth storing."""
    if len(body) >= STORE_CHARS:
        # The MD5 PostgreSQL computes of the same text (UTF-8): a body edited meanwhile keeps no stale copy.
        made.append((message_id, hashlib.md5(body.encode()).hexdigest(), html))


class Bodies:
    """Fills message rows' `body` with the sanitized HTML; stores the ones it had to sanitize."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self._tasks: set[asyncio.Task[None]] = set()

    async def serve(self, rows: Iterable[dict[str, Any]]) -> None:
        made: list[Fresh] = []
        for row in rows:
            html = row.pop("body_html", None)
            if html is None:
                html = await sanitized(row["body"])
                keep(made, row["id"], row["body"], html)
            row["body"] = html
        self.store(made)

    def store(self, made: list[Fresh]) -> None:
        """Store in the background: a reader never waits for it, and a failure costs a later re-sanitize."""
        if made:
            task = asyncio.create_task(self._write(made))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _write(self, made: list[Fresh]) -> None:
        try:
            async with self.pool.acquire() as conn:
                await conn.fetchval(STORE, [m[0] for m in made], [m[1] for m in made], [m[2] for m in made])
        except Exception as exc:   # noqa: BLE001 - a cache write; the body is sanitized again next time
            log.warning("sanitized bodies not stored (%s)", exc)

    async def close(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
