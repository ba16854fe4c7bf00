"""The relay's read of one id stream (bridge.realtime.Hub._drain), against a stand-in connection: every row
handed over once and in id order, however many batches; and when behind (a full batch), the next batch's
query is sent before this batch is routed, so the database reads while the event loop routes (issue 25)."""

from __future__ import annotations

import asyncio

from bridge.realtime import BATCH, Cursor, Hub


class Stream:
    """A connection whose one query returns the ids past the cursor (and the gaps asked), `limit` at most."""

    def __init__(self, ids: list[int], log: list[str]) -> None:
        self.ids, self.log = ids, log

    async def fetch(self, _query: str, high: int, gaps: list[int], limit: int) -> list[dict[str, int]]:
        self.log.append(f"query after {high}")       # sent: the first step of the call
        await asyncio.sleep(0.001)                    # the database at work
        past = [i for i in self.ids if i > high][:limit]
        return [{"id": i} for i in sorted(set(past) | {g for g in gaps if g in self.ids})]


async def test_every_row_once_in_order_across_batches():
    log: list[str] = []
    handed: list[int] = []
    ids = list(range(101, 101 + 2 * BATCH + 7))
    cursor = Cursor(100)

    def handle(rows):
        log.append(f"route {rows[0]['id']}-{rows[-1]['id']}")
        handed.extend(r["id"] for r in rows)

    delivered = await Hub._drain(Stream(ids, log), "q", cursor, handle, ids[-1])
    assert handed == ids and delivered == len(ids)
    assert cursor.high == ids[-1]
    assert log == ["query after 100", f"query after {100 + BATCH}", f"route 101-{100 + BATCH}",
                   f"query after {100 + 2 * BATCH}", f"route {101 + BATCH}-{100 + 2 * BATCH}",
                   f"route {101 + 2 * BATCH}-{ids[-1]}"], "the next query is sent before a full batch is routed"


async def test_a_short_batch_ends_the_read():
    log: list[str] = []
    ids = list(range(1, 11))
    delivered = await Hub._drain(Stream(ids, log), "q", Cursor(0), lambda rows: log.append("route"), 10)
    assert delivered == 10 and log == ["query after 0", "route"]
    assert await Hub._drain(Stream(ids, log), "q", Cursor(10), lambda rows: log.append("route"), 10) == 0


async def test_a_failed_routing_leaves_no_query_behind():
    ids = list(range(1, BATCH + 2))
    stream = Stream(ids, [])

    def handle(rows):
        raise RuntimeError("routing failed")

    try:
        await Hub._drain(stream, "q", Cursor(0), handle, ids[-1])
    except RuntimeError:
        pass
    await asyncio.sleep(0.01)
    assert not [t for t in asyncio.all_tasks() if t is not asyncio.current_task()], "the next query was cancelled"
