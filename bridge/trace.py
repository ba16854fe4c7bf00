"""Where a frame's latency goes inside a bridge process (issue 25): a bench-only recorder, off unless
CHATTER_RT_TRACE names a file prefix (bench/realtime.py sets it; the process appends its pid).

It writes, one JSON line per event, on the machine's monotonic clock (the bench's poster and clients use
the same clock, so the stages of one message can be put side by side):

- `poll`: a batch of messages a relay poll read: when the wake-up (NOTIFY) that started the poll arrived,
  when the query was sent, when its rows came, when each message's frames had been written, and the ids;
- `lag`: the event loop's lateness, sampled by a probe task that sleeps `PROBE` s (lateness past `LAG_MIN`);
- `gc`: every cyclic-GC collection of generation 2, and any longer than `GC_MIN`, with its duration.

Off, nothing here runs: `TRACE` is None and the relay tests `if TRACE`."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import time
from typing import Any, TextIO

PROBE = 0.005       # seconds the lag probe sleeps
LAG_MIN = 0.002     # lateness recorded past this
GC_MIN = 0.001      # collections of generations 0 and 1 recorded past this


class Trace:
    def __init__(self, path: str) -> None:
        self.out: TextIO = open(path, "a", buffering=1 << 16)    # noqa: SIM115 - open for the process's life
        self._gc_start = self._gc_cpu = 0.0
        self._probe: asyncio.Task[None] | None = None
        gc.callbacks.append(self._on_gc)

    def write(self, kind: str, **fields: Any) -> None:
        self.out.write(json.dumps({"kind": kind, **fields}) + "\n")

    def poll(self, woken: float | None, asked: float, read: float, routed: list[float], ids: list[int]) -> None:
        """Messages `ids` read by a query sent at `asked` (answered at `read`), each written to its sockets at
        `routed` (the same order); `woken`: when the NOTIFY of the poll came, if one did."""
        self.write("poll", woken=woken, asked=asked, read=read, routed=routed, ids=ids)

    def start(self) -> None:
        if self._probe is None:
            self._probe = asyncio.get_running_loop().create_task(self._lag(), name="chatter-trace-lag")

    async def _lag(self) -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(PROBE)
            late = time.monotonic() - before - PROBE
            if late > LAG_MIN:
                self.write("lag", at=before, late=late)
            self.out.flush()

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            if info["generation"] == 2:     # how many objects a full collection walks (costly: only these)
                self.write("gc-objects", at=time.monotonic(), objects=len(gc.get_objects()))
            self._gc_start, self._gc_cpu = time.monotonic(), time.process_time()
            return
        took = time.monotonic() - self._gc_start
        if info["generation"] == 2 or took > GC_MIN:
            # cpu: the process's CPU time meanwhile, what the collection itself cost (took: with the waits for
            # a core on a busy machine)
            self.write("gc", at=self._gc_start, generation=info["generation"], took=took,
                       cpu=time.process_time() - self._gc_cpu, collected=info["collected"])


TRACE: Trace | None = Trace(f"{os.environ['CHATTER_RT_TRACE']}-{os.getpid()}.jsonl") \
    if os.environ.get("CHATTER_RT_TRACE") else None
