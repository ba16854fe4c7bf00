"""The WebSocket relay (SPEC section 8, realtime half).

One dedicated LISTEN connection per bridge process (autocommit, outside the pool). NOTIFY on
`chatter_bridge` (throttled: after messages are inserted, and after activity pings) is a hint: on a
wake-up (or on a timer) the relay reads the new messages, notifications and events by id, as the bridge's
login role, and routes each to the sockets entitled to it:

- a notification        -> its user:               {"type": "activity_update", "data": {"kind": "message", ...payload}}
- a record message      -> the record's watchers:  {"type": "activity_update", "data": {"kind": "record_message", ...}}
- a chat message        -> the channel's members:  {"type": "realtime_data", "data": {"kind": "channel_message", ...}}
- a Tracking message      -> also, once per record and poll, {"type": "activity_update", "data":
                             {"kind": "record_changed", "model", "documents": [id]}} so open pages reload
                             the record's fields (the tracking triggers send no NOTIFY of their own).
- a changed message     -> as a new one, kind "channel_message_updated" / "record_message_updated": an edit,
                             a delete (the tombstone: "deleted": true, no body) or new reaction counts, read
                             from chatter.message_events by id, with its "event_id" (the catch-up's cursor
                             for changes); whose notification the delete removed get
                             {"type": "activity_update", "data": {"kind": "notification_removed", "message_id"}}
- an activity ping       -> its assignee:          {"type": "activity_update", "data": {"kind": "activity", ...}}
                             read from chatter.realtime_events, which only chatter's own writers fill: a NOTIFY
                             payload is never forwarded (any role may pg_notify anything).

Bodies are sanitized once, here, as messages arrive (bridge.bodies): a long one in a worker thread, its
frame sent when it is ready while everyone else's frames go on. A notification's payload is computed
once per message, however many recipients it has.

Ids come from identity columns, so a row committed late leaves a gap below the cursor; gaps are
re-read for a while (GAP_TTL) so nothing committed out of order is lost. Every socket's frames are
bounded (Client): a client too slow to drain them is disconnected (close code 4408) and catches up by id
when it reconnects, so it never stalls the others. The frames of a large fan-out go to the sockets' bulk
lanes and are paced by the Pump, so they never hold up anyone's urgent frames.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

import asyncpg

from bridge.bodies import Bodies, Fresh, keep, sanitized
from bridge.collector import Collector
from bridge.trace import TRACE
from bridge.wsproto import RawSocket, frame_bytes
from pgchatter.html import INLINE_CHARS, sanitize

log = logging.getLogger("bridge.realtime")

GAP_TTL = 10.0          # seconds a missing id is looked for again
FOLLOW_UP = 0.005       # poll interval while busy (seconds)
BUSY_WINDOW = 0.1       # how long after a wake-up or a find the relay stays busy
BATCH = 500
RELAY_NAME = "pgchatter relay"   # the LISTEN connection's application_name
# The relay's session (not on Citus, whose distributed planning is its own). Its queries are written for the
# kept (generic) plan, and that is the one they now get: with a custom plan per execution (PostgreSQL's
# choice for the first five and then whenever a custom plan looks cheaper, as `LIMIT 500` over a few new
# rows always does) every poll planned NEW_MESSAGES again, 1.1 M instructions, the cost of three messages
# (bench/relay_instructions.py, issue 25). No JIT either, as on the pool: a generic plan's estimate over a
# large table can cross jit_above_cost, and compiling costs milliseconds a poll.
RELAY_SETTINGS = {"application_name": RELAY_NAME, "plan_cache_mode": "force_generic_plan", "jit": "off"}
BULK_FANOUT = 64     # a message's frames to more sockets than this go to their bulk lanes (Pump)


def past_cursor(table: str, columns: str = "x.id", where: str = "true") -> str:
    """The rows of one id stream a poll reads: the next $3 past the cursor ($1), by the primary key from the
    cursor on, UNION ALL the gaps below it ($2) probed by id. The one form of every stream (issue 25).
    Not `id > $1 OR id = ANY ($2)`: the kept (generic) plan of that walked the whole primary key from its
    start and filtered every row (80 ms a poll at 17,000 messages, growing with the table). Not one id array
    (`id = ANY (ARRAY(SELECT ... LIMIT $3) || $2)`) either: that cost the 1,000-socket heavy case (a message
    to 1,000 followers is 1,000 notifications) its p99, 103-191 ms against 50-85 ms in this form
    (bench/realtime.py, 2026-12-07 13:50); for messages and events the two measured alike (docs/benchmarks.md,
    2026-12-07 evening)."""
    return f"""(SELECT {columns} FROM {table} AS x WHERE x.id > $1 AND {where} ORDER BY x.id LIMIT $3)
    UNION ALL
    SELECT {columns} FROM {table} AS x WHERE x.id = ANY ($2::bigint[]) AND x.id <= $1 AND {where}"""


# Routing columns, and the message in its one wire shape (chatter.message_wire_set: the same as the HTTP
# routes), computed over the rows the two branches return: not the ids joined back to chatter.messages, whose
# kept plan merge-joined them with the whole primary key (62 ms a poll at 83,000 messages). The set form, not
# chatter.message_wire(x): the planner inlines it, so its subqueries are started once a poll, not once a
# message (423,000 instructions a message in a batch of 500 with message_wire); and above the UNION ALL, not in
# each branch, where their executor start (aggregates and scans) was paid twice a poll: a poll of one message
# cost 943,000 instructions, half of them ExecutorStart (bench/relay_instructions.py, issue 25).
NEW_MESSAGES = f"""
SELECT m.id, m.message_type::text AS message_type, m.model, m.document, m.channel_id, m.in_feed,
       (SELECT w.message FROM chatter.message_wire_set(m) AS w) AS message,
       CASE WHEN m.channel_id IS NOT NULL THEN
            (SELECT pg_catalog.array_agg(cm.user_id) FROM chatter.channel_members AS cm
              WHERE cm.channel_id = m.channel_id) END AS members
  FROM ({past_cursor("chatter.messages", "x.*")}) AS m
 ORDER BY m.id
"""
# The payload once per message, not once per recipient: a message to 1,000 followers is 1,000 rows.
NEW_NOTIFICATIONS = f"""
WITH n AS ({past_cursor("chatter.notifications", "x.id, x.user_id, x.message_id", "x.user_id IS NOT NULL")}
), p AS MATERIALIZED (
    SELECT d.message_id, chatter.notification_payload(d.message_id) AS payload
      FROM (SELECT DISTINCT n.message_id FROM n) AS d
)
SELECT n.id, n.user_id, n.message_id, p.payload::text AS payload FROM n JOIN p USING (message_id) ORDER BY n.id
"""
NEW_EVENTS = f"""
SELECT e.id, e.user_id, e.data FROM ({past_cursor("chatter.realtime_events", "x.id, x.user_id, x.data")}) AS e
 ORDER BY e.id
"""
# Changed messages (issue 21), in the same wire shape; a message deleted by the system since is skipped.
MESSAGE_EVENTS = f"""
WITH e AS ({past_cursor("chatter.message_events", "x.id, x.message_id, x.users")})
SELECT e.id, e.message_id, e.users, m.message_type::text AS message_type, m.model, m.document, m.channel_id,
       m.in_feed, m.message,
       CASE WHEN m.channel_id IS NOT NULL THEN
            (SELECT pg_catalog.array_agg(cm.user_id) FROM chatter.channel_members AS cm
              WHERE cm.channel_id = m.channel_id) END AS members
  FROM e LEFT JOIN LATERAL (SELECT m.*, w.message FROM chatter.messages AS m
                             CROSS JOIN LATERAL chatter.message_wire_set(m) AS w
                             WHERE m.id = e.message_id) AS m ON true
 ORDER BY e.id
"""
# Citus (CHATTER_CITUS=1, docs/scaling.md): the channel's members per message are a correlated read of
# channel_members (distributed by channel_id) per message (distributed by id), a join Citus refuses ("complex
# joins are only supported when all distributed tables are co-located"), and a function over a single-shard
# read is sent to the worker with it. So the rows are read first (MATERIALIZED: an intermediate result on the
# coordinator), and message_wire and the member lists (chatter_citus.member_ids, sql/citus/reads.sql) run on
# the coordinator over them. Same columns, same rows.
CITUS_NEW_MESSAGES = """
WITH m AS MATERIALIZED (
    SELECT * FROM chatter.messages AS m
     WHERE m.id = ANY (ARRAY(SELECT n.id FROM chatter.messages AS n WHERE n.id > $1 ORDER BY n.id LIMIT $3)
                       || $2::bigint[])
)
SELECT m.id, m.message_type::text AS message_type, m.model, m.document, m.channel_id, m.in_feed,
       chatter.message_wire(ROW(m.*)::chatter.messages) AS message,
       CASE WHEN m.channel_id IS NOT NULL THEN chatter_citus.member_ids(m.channel_id) END AS members
  FROM m
 ORDER BY m.id
"""
CITUS_NEW_NOTIFICATIONS = NEW_NOTIFICATIONS.replace("WITH n AS (", "WITH n AS MATERIALIZED (")
CITUS_MESSAGE_EVENTS = """
WITH e AS MATERIALIZED (
    SELECT e.id, e.message_id, e.users FROM chatter.message_events AS e
     WHERE e.id = ANY (ARRAY(SELECT x.id FROM chatter.message_events AS x WHERE x.id > $1 ORDER BY x.id LIMIT $3)
                       || $2::bigint[])
), m AS MATERIALIZED (
    SELECT * FROM chatter.messages AS m WHERE m.id = ANY (ARRAY(SELECT e.message_id FROM e))
)
SELECT e.id, e.message_id, e.users, m.message_type::text AS message_type, m.model, m.document, m.channel_id,
       m.in_feed, CASE WHEN m.id IS NOT NULL THEN chatter.message_wire(ROW(m.*)::chatter.messages) END AS message,
       CASE WHEN m.channel_id IS NOT NULL THEN chatter_citus.member_ids(m.channel_id) END AS members
  FROM e
  LEFT JOIN m ON m.id = e.message_id
 ORDER BY e.id
"""
HIGH_WATER = """
SELECT (SELECT coalesce(max(id), 0) FROM chatter.messages) AS messages,
       (SELECT coalesce(max(id), 0) FROM chatter.message_events) AS message_events,
       (SELECT coalesce(max(id), 0) FROM chatter.notifications) AS notifications,
       (SELECT coalesce(max(id), 0) FROM chatter.realtime_events) AS events
"""


def message_frame(row: dict[str, Any]) -> dict[str, Any]:
    """The frame of a new message: realtime_data for chat, activity_update/record_message for records.
    `row["message"]` is the message as the HTTP routes send it, its body served (bridge.bodies)."""
    message = row["message"]
    changed = "_updated" if row.get("updated") else ""
    # A change carries its chatter.message_events id: the page catches up on changes after the last one.
    event = {"event_id": row["event_id"]} if row.get("event_id") is not None else {}
    if row["channel_id"] is not None:
        return {"type": "realtime_data",
                "data": {"kind": "channel_message" + changed, "channel_id": row["channel_id"], "message_id": row["id"],
                         "message": message, **event}}
    return {"type": "activity_update",
            "data": {"kind": "record_message" + changed, "model": row["model"], "document": row["document"],
                     "message_id": row["id"], "message": message, **event}}


def notification_text(notification_id: int, payload: str) -> str:
    """A notification's frame, {"type": "activity_update", "data": {...payload, "notification_id"}}, as JSON
    text from the payload's JSON text (a message to 1,000 followers is 1,000 frames: no decoding and
    encoding of the same payload for each). The payload's kind is "message"."""
    return f'{{"type": "activity_update", "data": {payload[:-1]}, "notification_id": {notification_id}}}}}'


class Pump:
    """Paces the bulk frames of a fan-out: the sockets holding them are released to their writers
    `slice_` (32) at a time, one slice per turn of the event loop, so a message to 1,000 followers is 1,000
    sends spread over some 30 turns with everyone else's frames (and the relay's reads) in between, instead
    of 1,000 writer tasks woken at once, ahead of every frame that comes after them."""

    def __init__(self, slice_: int = 32) -> None:
        self.slice = slice_
        self.waiting: deque[Client] = deque()
        self._task: asyncio.Task[None] | None = None

    def add(self, client: Client) -> None:
        self.waiting.append(client)
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="chatter-pump")

    async def _run(self) -> None:
        try:
            while self.waiting:
                for _ in range(min(self.slice, len(self.waiting))):
                    self.waiting.popleft().release()
                await asyncio.sleep(0)
        finally:
            self._task = None


# Ordering streams of a frame: the page keeps the highest message and notification id it has seen and
# catches up after them, so frames of one stream reach a socket in id order; frames of different streams
# need not (a chat frame may overtake a bulk notification frame).
MESSAGES, NOTIFICATIONS, ALL = "m", "n", "*"


class Client:
    """One connected socket: its user, the records it watches, its bounded outgoing frames.

    Two lanes: `urgent` (frames for one socket or a few: chat, replies, catch-up) is sent as soon as the
    socket's writer runs; `bulk` (frames of a large fan-out) waits for the hub's Pump to release the
    socket. A frame goes to the bulk lane behind a bulk frame of its own stream (ALL: behind any), so no
    stream is reordered. Past `max_frames` frames or `max_bytes` characters queued the client is dropped:
    its frames are discarded, `on_drop` stops its writer and bridge.ws closes the socket with 4408 (the
    client reconnects and catches up by id).

    With a RawSocket (bridge.wsproto), a frame that finds nothing queued before it and no send under way is
    written to the socket's transport at once, its bytes encoded once for every socket the same text goes
    to (`encoded`), without waking the socket's writer task; when the transport is paused (a client not
    reading), frames queue here as before, bounded."""

    def __init__(self, user_id: int, max_frames: int = 256, max_bytes: int = 1 << 20,
                 pump: Pump | None = None) -> None:
        self.user_id = user_id
        self.watching: set[tuple[str, int]] = set()
        self.max_frames, self.max_bytes = max_frames, max_bytes
        self.pump = pump
        self.urgent: deque[str] = deque()
        self.bulk: deque[tuple[str, str | None]] = deque()
        self.bulk_streams: dict[str | None, int] = {}
        self.queued_bytes = 0
        self.released = pump is None     # may send its bulk lane now
        self.pumped = False              # waiting in the pump
        self.dropped = False
        self._waiter: asyncio.Future[None] | None = None
        self._room: asyncio.Future[None] | None = None
        self.on_drop: Callable[[], object] | None = None   # ws.py: stop the writer, even in a blocked send
        self.raw: RawSocket | None = None   # ws.py: frames written straight to the transport when it may
        self.sending = False                # the writer is in a send that waits for the transport

    def __len__(self) -> int:
        return len(self.urgent) + len(self.bulk)

    def send(self, frame: dict[str, Any] | str, stream: str | None = None, bulk: bool = False) -> None:
        if self.dropped:
            return
        text = frame if isinstance(frame, str) else json.dumps(frame, default=str)
        if not bulk and not self.urgent and not self.bulk and not self.sending and self.write_raw(text):
            return
        if len(self) >= self.max_frames or self.queued_bytes + len(text) > self.max_bytes:
            # Too slow: cut it loose rather than stall everyone or grow without bound.
            self.drop()
            return
        self.queued_bytes += len(text)
        if bulk or (self.bulk and (stream == ALL or stream in self.bulk_streams or ALL in self.bulk_streams)):
            self.bulk.append((text, stream))
            self.bulk_streams[stream] = self.bulk_streams.get(stream, 0) + 1
            if self.released:
                self._wake()
            elif not self.pumped:
                self.pumped = True
                assert self.pump is not None
                self.pump.add(self)
        else:
            self.urgent.append(text)
            self._wake()

    def write_raw(self, text: str) -> bool:
        """Write the frame of `text` straight to the socket's transport if it may be now (bridge.wsproto)."""
        if self.raw is not None and self.raw.writable():
            self.raw.write(encoded(text))
            return True
        return False

    def drop(self) -> None:
        self.dropped = True
        self.urgent.clear()
        self.bulk.clear()
        self.bulk_streams.clear()
        self.queued_bytes = 0
        self._wake()
        if self.on_drop is not None:
            self.on_drop()
        if self._room is not None and not self._room.done():
            self._room.set_result(None)

    def release(self) -> None:
        self.pumped = False
        if self.bulk:
            self.released = True
            self._wake()

    def next_frame(self) -> str | None:
        """The next frame to send, urgent first; None when nothing may be sent now."""
        if self.urgent:
            text = self.urgent.popleft()
        elif self.bulk and self.released:
            text, stream = self.bulk.popleft()
            left = self.bulk_streams[stream] - 1
            if left:
                self.bulk_streams[stream] = left
            else:
                del self.bulk_streams[stream]
            if not self.bulk and self.pump is not None:
                self.released = False
        else:
            return None
        self.queued_bytes -= len(text)
        if self._room is not None and not self._room.done():
            self._room.set_result(None)
        return text

    async def room(self, size: int, timeout: float) -> bool:
        """Wait until a frame of `size` characters fits (always when nothing is queued): a catch-up sends as
        fast as the client reads. False when the client is dropped, or dropped now because it read nothing
        for `timeout` seconds."""
        while not self.dropped and len(self) and (len(self) >= self.max_frames
                                                  or self.queued_bytes + size > self.max_bytes):
            before = self.queued_bytes
            self._room = asyncio.get_running_loop().create_future()
            try:
                await asyncio.wait_for(self._room, timeout)
            except TimeoutError:
                if self.queued_bytes >= before:
                    self.drop()
            finally:
                self._room = None
        return not self.dropped

    async def frames(self) -> None:
        """Wait until there is a frame to send (or the client was dropped)."""
        if self.dropped or self.urgent or (self.bulk and self.released):
            return
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


_last_text: str | None = None
_last_frame = b""


def encoded(text: str) -> bytes:
    """The WebSocket frame of `text`, encoded once for all the sockets a fan-out sends the same text object
    to one after the other (the last one is kept)."""
    global _last_text, _last_frame
    if text is not _last_text:
        _last_text, _last_frame = text, frame_bytes(text)
    return _last_frame


class Cursor:
    """High-water mark of one id stream plus the gaps below it still worth looking for."""

    def __init__(self, start: int) -> None:
        self.high = start
        self.gaps: dict[int, float] = {}
        self.asked = 0.0     # when its last read was sent (TRACE)

    def seen(self, ids: list[int]) -> list[int]:
        """Record ids read in a poll; returns those not delivered before."""
        now = time.monotonic()
        fresh = []
        for i in ids:
            if i > self.high:
                if i - self.high <= 10_000:   # a larger jump is a rolled-back bulk insert, not late commits
                    self.gaps.update((g, now) for g in range(self.high + 1, i))
                self.high = i
                fresh.append(i)
            elif self.gaps.pop(i, None) is not None:
                fresh.append(i)
        if len(self.gaps) > 10_000 or any(now - t > GAP_TTL for t in self.gaps.values()):
            self.gaps = {g: t for g, t in self.gaps.items() if now - t <= GAP_TTL}
            if len(self.gaps) > 10_000:
                self.gaps = dict(sorted(self.gaps.items())[-10_000:])
        return fresh

    def gap_list(self) -> list[int]:
        return list(self.gaps)


class Hub:
    """The process's sockets, indexed by user, record and channel, and the relay feeding them."""

    def __init__(self, url: str, bodies: Bodies, poll_interval: float = 0.25, citus: bool = False,
                 collector: Collector | None = None) -> None:
        self.url = url
        self.collector = collector     # the cyclic GC kept off the sockets' objects (bridge.collector)
        self.citus = citus
        self.bodies = bodies
        self.poll_interval = poll_interval
        self.by_user: dict[int, set[Client]] = defaultdict(set)
        self.by_record: dict[tuple[str, int], set[Client]] = defaultdict(set)
        self.listening = False
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._conn: asyncpg.Connection | None = None
        self.messages: Cursor | None = None
        self.notifications: Cursor | None = None
        self.events: Cursor | None = None
        self.message_events: Cursor | None = None
        self.pump = Pump()
        self._late: set[asyncio.Task[None]] = set()
        self._woken_at: float | None = None     # when the NOTIFY that wakes the next poll came (TRACE)

    # -- sockets --------------------------------------------------------------------------------------
    def add(self, client: Client) -> None:
        self.by_user[client.user_id].add(client)
        if self.collector is not None:
            self.collector.add()

    def remove(self, client: Client) -> None:
        if self.collector is not None and client in self.by_user.get(client.user_id, ()):
            self.collector.remove()
        self.by_user[client.user_id].discard(client)
        if not self.by_user[client.user_id]:
            del self.by_user[client.user_id]
        for key in client.watching:
            self.unwatch(client, key)

    def watch(self, client: Client, key: tuple[str, int]) -> None:
        client.watching.add(key)
        self.by_record[key].add(client)

    def unwatch(self, client: Client, key: tuple[str, int]) -> None:
        watchers = self.by_record.get(key)
        if watchers is not None:
            watchers.discard(client)
            if not watchers:
                del self.by_record[key]

    # -- relay ----------------------------------------------------------------------------------------
    async def start(self, wait: float = 10.0) -> None:
        """Start relaying; wait (up to `wait` seconds) for the LISTEN connection so no event is missed."""
        self._task = asyncio.create_task(self._run(), name="chatter-relay")
        if TRACE:
            TRACE.start()
        if self.collector is not None:
            self.collector.start()
        for _ in range(int(wait / 0.01)):
            if self.listening or self._task.done():
                break
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self.collector is not None:
            await self.collector.stop()
        for task in list(self._late):
            task.cancel()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close(timeout=2)

    def _on_notify(self, _conn: object, _pid: int, _channel: str, _payload: str) -> None:
        # A wake-up only: whatever the payload says, the relay re-reads the tables.
        if TRACE and not self._wake.is_set():
            self._woken_at = time.monotonic()
        self._wake.set()

    async def _connect(self) -> asyncpg.Connection:
        # Named, so an operator (and bench/realtime.py) can tell the relay's backend from the pool's.
        conn = await asyncpg.connect(self.url, server_settings=RELAY_SETTINGS if not self.citus
                                     else {"application_name": RELAY_NAME})
        await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
        await conn.add_listener("chatter_bridge", self._on_notify)
        if (self.messages is None or self.notifications is None or self.events is None
                or self.message_events is None):
            row = await conn.fetchrow(HIGH_WATER)
            self.messages, self.notifications = Cursor(row["messages"]), Cursor(row["notifications"])
            self.events = Cursor(row["events"])
            self.message_events = Cursor(row["message_events"])
        self.listening = True
        return conn

    async def _run(self) -> None:
        while True:
            try:
                self._conn = await self._connect()
                log.info("relay listening on chatter_bridge")
                busy_until = 0.0
                while True:
                    # Right after activity poll every few ms: a throttled wake-up stands for every
                    # transaction that skipped its own NOTIFY, and those may commit just after it.
                    busy = time.monotonic() < busy_until
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), FOLLOW_UP if busy else self.poll_interval)
                    woken = self._wake.is_set()
                    self._wake.clear()
                    found = await self.poll(self._conn)
                    if woken or found:
                        busy_until = time.monotonic() + BUSY_WINDOW
                    elif not busy:
                        await self._conn.fetchval("SELECT 1")   # liveness of the LISTEN connection
            except asyncio.CancelledError:
                raise
            except Exception as exc:   # noqa: BLE001 - the relay must outlive a database restart
                self.listening = False
                log.warning("relay connection lost (%s); reconnecting", exc)
                if self._conn is not None:
                    with contextlib.suppress(Exception):
                        self._conn.terminate()
                    self._conn = None
                await asyncio.sleep(1.0)

    async def poll(self, conn: asyncpg.Connection) -> int:
        """Read what is new since the cursors and route it; returns how many rows were delivered."""
        assert self.messages is not None and self.notifications is not None and self.events is not None
        assert self.message_events is not None
        changed: dict[tuple[str, int], None] = {}    # records with new Tracking messages, in order
        made: list[Fresh] = []                        # bodies sanitized here, to store
        late: list[dict[str, Any]] = []               # long bodies: sanitized off the loop, routed after
        # The newest id of each stream first (four index look-ups, one round trip): a stream with nothing past
        # its cursor and no gap to look for is not read. A chat poll was four queries, three of them empty;
        # an idle one (every FOLLOW_UP while busy) four empty ones.
        woken, self._woken_at = self._woken_at, None
        newest = await conn.fetchrow(HIGH_WATER)

        def on_messages(records: list[asyncpg.Record]) -> None:
            read = time.monotonic() if TRACE else 0.0
            routed: list[float] = []      # when each message's frames were written (TRACE)
            for record in records:
                on_message(dict(record))
                if TRACE:
                    routed.append(time.monotonic())
            if TRACE:
                TRACE.poll(woken, self.messages.asked, read, routed, [r["id"] for r in records])

        def on_message(row: dict[str, Any]) -> None:
            if row["message_type"] == "Tracking" and row["model"] is not None:
                changed[(row["model"], row["document"])] = None
            message = row["message"]
            html = message.pop("body_html")
            if html is None:
                # Sanitized at write time, i.e. now, and stored; Tracking (rendered by the database, in
                # bulk) only when someone is watching.
                if row["message_type"] == "Tracking" and not self._audience(row):
                    return
                if len(message["body"]) > INLINE_CHARS:
                    late.append(row)
                    return
                html = sanitize(message["body"])
                keep(made, row["id"], message["body"], html)
            message["body"] = html
            self._route_message(row)

        delivered = await self._drain(conn, CITUS_NEW_MESSAGES if self.citus else NEW_MESSAGES, self.messages,
                                      on_messages, newest["messages"])

        # Changed messages: once per message and poll, in their state now.
        updated: dict[int, dict[str, Any]] = {}

        def on_changes(records: list[asyncpg.Record]) -> None:
            for record in records:
                row = dict(record)
                for user in row["users"]:
                    self._to_user(user, {"type": "activity_update", "data": {
                        "kind": "notification_removed", "message_id": row["message_id"]}})
                if row["message"] is not None:
                    row["event_id"], row["id"], row["updated"] = row["id"], row["message_id"], True
                    updated[row["message_id"]] = row

        delivered += await self._drain(conn, CITUS_MESSAGE_EVENTS if self.citus else MESSAGE_EVENTS,
                                       self.message_events, on_changes, newest["message_events"])
        for row in updated.values():
            if not self._audience(row):
                continue
            message = row["message"]
            html = message.pop("body_html")
            if html is None:
                if len(message["body"]) > INLINE_CHARS:
                    late.append(row)
                    continue
                html = sanitize(message["body"])
                keep(made, row["id"], message["body"], html)
            message["body"] = html
            self._route_message(row)
        self.bodies.store(made)
        if late:
            # A long body must not hold up everyone else's frames: it follows when it is ready.
            task = asyncio.create_task(self._route_late(late))
            self._late.add(task)
            task.add_done_callback(self._late.discard)
        for model, document in changed:
            watchers = self.by_record.get((model, document))
            if watchers:
                frame = json.dumps({"type": "activity_update", "data": {
                    "kind": "record_changed", "model": model, "documents": [document]}})
                bulk = len(watchers) > BULK_FANOUT
                for client in list(watchers):
                    client.send(frame, bulk=bulk)
        delivered += await self._drain(conn, CITUS_NEW_NOTIFICATIONS if self.citus else NEW_NOTIFICATIONS,
                                       self.notifications, self._route_notifications, newest["notifications"])
        delivered += await self._drain(conn, NEW_EVENTS, self.events, lambda rows: [self._to_user(
            row["user_id"], {"type": "activity_update", "data": row["data"]}) for row in rows], newest["events"])
        return delivered

    def _route_notifications(self, rows: list[asyncpg.Record]) -> None:
        """A message's notifications to more than BULK_FANOUT users (in this batch) are bulk frames."""
        fanout: dict[int, int] = defaultdict(int)
        for row in rows:
            fanout[row["message_id"]] += 1
        for row in rows:
            clients = self.by_user.get(row["user_id"])
            if clients:
                text = notification_text(row["id"], row["payload"])
                bulk = fanout[row["message_id"]] > BULK_FANOUT
                for client in list(clients):
                    client.send(text, NOTIFICATIONS, bulk)

    @staticmethod
    async def _drain(conn: asyncpg.Connection, query: str, cursor: Cursor,
                     handle: Callable[[list[asyncpg.Record]], object], newest: int) -> int:
        """Read one id stream past its cursor (and its gaps) in batches; hand each new row over once. Not
        read when its newest id (`newest`, read before) is not past the cursor and no gap is looked for."""
        if newest <= cursor.high and not cursor.gaps:
            return 0
        delivered = 0
        asked = time.monotonic()
        rows = await conn.fetch(query, cursor.high, cursor.gap_list(), BATCH)
        while True:
            fresh = set(cursor.seen([r["id"] for r in rows]))
            new = [row for row in rows if row["id"] in fresh]
            following: asyncio.Future[list[asyncpg.Record]] | None = None
            if len(rows) >= BATCH:
                # Behind (a full batch): the next batch is read while this one is routed, the database and
                # the event loop at work at once (the cursor moved already). A backlog at 1,000 messages/s
                # took ~0.3 s a batch in the query and ~0.3 s routing it, one after the other (trace, issue 25).
                next_asked = time.monotonic()
                following = asyncio.ensure_future(conn.fetch(query, cursor.high, cursor.gap_list(), BATCH))
                await asyncio.sleep(0)     # its first step sends the query
            try:
                if new:
                    delivered += len(new)
                    cursor.asked = asked
                    handle(new)
            except BaseException:
                if following is not None:
                    following.cancel()
                raise
            if following is None:
                return delivered
            asked, rows = next_asked, await following

    def _to_user(self, user_id: int, frame: dict[str, Any] | str, stream: str | None = None) -> None:
        for client in list(self.by_user.get(user_id, ())):
            client.send(frame, stream)

    async def _route_late(self, rows: list[dict[str, Any]]) -> None:
        made: list[Fresh] = []
        for row in rows:
            message = row["message"]
            try:
                html = await sanitized(message["body"])
            except Exception as exc:   # noqa: BLE001 - one bad body must not cost the others their frames
                log.error("message %s not relayed: %r", row["id"], exc)
                continue
            keep(made, row["id"], message["body"], html)
            message["body"] = html
            self._route_message(row)
        self.bodies.store(made)

    def _audience(self, row: dict[str, Any]) -> list[Client]:
        """The sockets a new message goes to: the channel's members, or the record's open viewers."""
        if row["channel_id"] is not None:
            return [c for user in row["members"] or () for c in self.by_user.get(user, ())]
        if row["model"] is not None and row["in_feed"]:
            return list(self.by_record.get((row["model"], row["document"]), ()))
        return []

    def _route_message(self, row: dict[str, Any]) -> None:
        clients = self._audience(row)
        if clients:
            text = json.dumps(message_frame(row), default=str)
            bulk = len(clients) > BULK_FANOUT
            for client in clients:
                client.send(text, MESSAGES, bulk)
