"""Python's cyclic garbage collector, kept from stalling the event loop at 10,000 sockets (issue 25).

A socket is some hundreds of GC-tracked objects (uvicorn's protocol and its websockets state, the ASGI
scope, the handler's task and frames, the hub's Client); at 10,000 sockets a collection of generation 2
walks millions of them, and the event loop stands still meanwhile: 6.8 s once in a 10-s run at 1,000
messages/s on the loaded 2-core machine (bench/realtime.py's trace, 2026-12-07), the whole of that run's
p99. Such a collection comes whenever the objects that outlived two young collections (per-message rows,
frames, tasks) reach a quarter of those it found alive the last time.

So the collector moves what it holds to the interpreter's permanent generation (`gc.freeze()`) once new
sockets have come: a full collection then walks only what came since, not the sockets. Frozen objects are
still freed when their last reference goes; only reference cycles among them are not, so the sockets
closed since are garbage it cannot see: once a quarter of the frozen sockets (and at least `min_churn`)
have closed, it unfreezes and collects everything once (the pause Python would have taken for the same
churn anyway), then freezes again. CHATTER_GC_FREEZE=0 leaves the collector as Python has it."""

from __future__ import annotations

import asyncio
import contextlib
import gc


class Collector:
    """Freezes the process's long-lived objects after sockets open; a full collection after a quarter of
    them closed. `tick()` every `every` seconds, from a task the hub starts."""

    def __init__(self, every: float = 5.0, churn: float = 0.25, min_churn: int = 500) -> None:
        self.every, self.churn, self.min_churn = every, churn, min_churn
        self.open = 0            # sockets open now
        self.opened = 0          # sockets opened since the last freeze
        self.closed = 0          # sockets closed since the last full collection
        self.frozen = 0          # sockets open at the last freeze
        self.full = 0            # full collections it made (tests, the bench)
        self._task: asyncio.Task[None] | None = None

    def add(self) -> None:
        self.open += 1
        self.opened += 1

    def remove(self) -> None:
        self.open -= 1
        self.closed += 1

    def tick(self) -> None:
        if self.closed and self.closed >= max(self.min_churn, self.churn * self.frozen):
            # Closed sockets' cycles are frozen with the rest: release them, once, in one full collection.
            gc.unfreeze()
            gc.collect()
            self.full += 1
            self.closed, self.opened = 0, 1     # and freeze what is left
        if self.opened:
            gc.collect(1)        # the young garbage first (cheap): frozen, it would stay
            gc.freeze()
            self.opened, self.frozen = 0, self.open

    def start(self) -> None:
        if self._task is None:
            gc.freeze()         # what start-up made: modules, the app
            self._task = asyncio.get_running_loop().create_task(self._run(), name="chatter-collector")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            self.tick()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
            gc.unfreeze()       # a process that goes on (an app in a test) collects as before
