"""`/api/ws`: authenticate, register with the hub, relay frames; watch records; catch up by id.

Client -> server frames (the first may be {"type": "auth", "token": "pgc_..."} when the token is not in
the Authorization header or ?token=):
  {"type": "watch", "model": "sale_orders", "document": 7}      -> {"type": "watching", ...} or an error
  {"type": "unwatch", "model": "sale_orders", "document": 7}
  {"type": "catch_up", "after_message": 120, "after_notification": 40, "after_event": 9}
        -> the frames missed since those ids (chat of one's channels, watched records, one's notifications;
           with after_event, the edits, deletes and reactions of older messages, as *_updated frames in
           their state now, and notification_removed), then {"type": "caught_up", "last_message_id": ...,
           "last_notification_id": ..., "last_event_id": ...}
  {"type": "ping"}                                                -> {"type": "pong"}
Server -> client: {"type": "hello", "user_id", "last_message_id", "last_notification_id", "last_event_id"}
first, then the
frames of SPEC section 8 (see bridge.realtime). Every CHATTER_WS_RECHECK seconds the token and the watched
records are checked again: a revoked token closes the socket (4401), a record no longer readable is dropped
with {"type": "unwatched", "model", "document", "code"}."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from typing import Any

import asyncpg
from fastapi import APIRouter, HTTPException, WebSocket, WebSocketDisconnect

from bridge.db import authenticate
from bridge.realtime import ALL, MESSAGES, NOTIFICATIONS, Client, Hub, message_frame, notification_text

router = APIRouter()
AUTH_TIMEOUT = 10.0
WRITER_SLICE = 32
SLOW = "too slow: frames queued past the limit; reconnect and catch up"
CATCH_UP = 1000       # messages, and notifications, per catch_up answer (then "complete": false)
CATCH_UP_PAGE = 200   # messages read at a time, at most
CATCH_UP_BYTES = 1 << 19   # and past the first, only while their bodies add up to less than this

# A page of the messages missed: up to $4 of them, and past the first only while their bodies add up to
# less than $5 bytes (octet_length reads the stored size, not the body). Read channel by channel and record
# by record through their (channel_id, id) and (model, document, id) indexes: the cost follows what this
# user missed, not what everyone posted meanwhile (a scan from the cursor read every message since, for
# every socket: 10,000 sockets reconnecting after 10,000 messages were 10^8 rows). `missed`: how many were
# found (at most $4 a channel or record): more than the page holds, and there is another page.
CATCH_UP_MESSAGES = """
WITH ids AS (
    SELECT c.id, c.size FROM chatter._my_channel_ids() AS mine (channel_id)
     CROSS JOIN LATERAL (SELECT m.id, octet_length(m.body) AS size FROM chatter.messages AS m
                          WHERE m.channel_id = mine.channel_id AND m.id > $1 ORDER BY m.id LIMIT $4) AS c
    UNION ALL
    SELECT r.id, r.size FROM unnest($2::text[], $3::bigint[]) AS w (model, document)
     CROSS JOIN LATERAL (SELECT m.id, octet_length(m.body) AS size FROM chatter.messages AS m
                          WHERE m.model = w.model AND m.document = w.document AND m.in_feed AND m.id > $1
                          ORDER BY m.id LIMIT $4) AS r
), page AS (
    SELECT ids.id, sum(ids.size) OVER (ORDER BY ids.id) - ids.size AS before, count(*) OVER () AS missed
      FROM ids ORDER BY ids.id LIMIT $4
)
SELECT m.id, m.model, m.document, m.channel_id, chatter.message_wire(m) AS message, page.missed
  FROM page JOIN chatter.messages AS m USING (id)
 WHERE page.before < $5 OR page.before = 0
 ORDER BY m.id
"""
# Messages changed since an event id (chatter.message_events, which only the bridge's login role reads; kept
# an hour): which messages, and whose notifications went. Read before the role switch.
CATCH_UP_EVENTS = """
SELECT e.id, e.message_id, e.users FROM chatter.message_events AS e WHERE e.id > $1 ORDER BY e.id LIMIT $2
"""
# Those of them the acting user sees (as CATCH_UP_MESSAGES decides), up to $4: later ones come with the
# missed messages, already in their state now.
CATCH_UP_CHANGED = """
SELECT m.id, m.model, m.document, m.channel_id, chatter.message_wire(m) AS message
  FROM chatter.messages AS m
 WHERE m.id = ANY ($1::bigint[]) AND m.id <= $4
   AND (m.channel_id IN (SELECT chatter._my_channel_ids())
        OR (m.in_feed AND (m.model, m.document) IN (SELECT * FROM unnest($2::text[], $3::bigint[]))))
 ORDER BY m.id
"""
CATCH_UP_NOTIFICATIONS = """
SELECT notification_id, payload::text AS payload FROM chatter.inbox WHERE notification_id > $1
 ORDER BY notification_id LIMIT 1000
"""
# Raises CH003 unless the acting user may read the record: on watch and in every re-check.
CHECK_READABLE = "SELECT chatter.check_record_readable($1, $2)"


async def _as_user(ws: WebSocket, conn: asyncpg.Connection, token: str) -> int:
    settings = ws.app.state.settings
    return await authenticate(conn, token, settings.role, settings.citus)


def _unwatch(client: Client, hub: Hub, record: tuple[str, int]) -> None:
    hub.unwatch(client, record)
    client.watching.discard(record)


async def _handle(ws: WebSocket, client: Client, hub: Hub, token: str, frame: dict[str, Any]) -> None:
    kind = frame.get("type")
    pool: asyncpg.Pool = ws.app.state.pool
    if kind == "ping":
        client.send({"type": "pong"})
    elif kind in ("watch", "unwatch"):
        model, document = frame.get("model"), frame.get("document")
        if not isinstance(model, str) or not isinstance(document, int) or not 0 < document < 2**63:
            client.send({"type": "error", "code": "CH005", "detail": "watch needs a model and a document id"})
            return
        if kind == "unwatch":
            _unwatch(client, hub, (model, document))
            return
        try:
            async with pool.acquire() as conn, conn.transaction():
                await _as_user(ws, conn, token)
                await conn.execute(CHECK_READABLE, model, document)
        except asyncpg.PostgresError as exc:
            client.send({"type": "error", "code": exc.sqlstate, "detail": str(exc), "model": model,
                         "document": document})
            return
        hub.watch(client, (model, document))
        client.send({"type": "watching", "model": model, "document": document})
    elif kind == "catch_up":
        after_m, after_n = frame.get("after_message") or 0, frame.get("after_notification") or 0
        after_e = frame.get("after_event")
        if not isinstance(after_m, int) or not isinstance(after_n, int) or not isinstance(after_e, int | None):
            client.send({"type": "error", "code": "CH005", "detail": "catch_up takes integer ids"})
            return
        watched = sorted(client.watching)
        models, documents = [m for m, _ in watched], [d for _, d in watched]
        stalled = ws.app.state.settings.ws_stalled
        last_m, sent_m, more = max(after_m, 0), 0, True
        # In pages (of at most CATCH_UP_BYTES of bodies past the first), each in a transaction of its own,
        # sent as fast as the client reads (Client.room): the bridge holds one page at a time and no pool
        # connection while it waits for a slow reader.
        while more and sent_m < CATCH_UP:
            async with pool.acquire() as conn, conn.transaction():
                await _as_user(ws, conn, token)
                limit = min(CATCH_UP_PAGE, CATCH_UP - sent_m)
                messages = await conn.fetch(CATCH_UP_MESSAGES, last_m, models, documents, limit, CATCH_UP_BYTES)
            more = len(messages) > 0 and messages[0]["missed"] > len(messages)
            rows = [dict(row) for row in messages]
            await ws.app.state.bodies.serve(row["message"] for row in rows)
            for row in rows:
                text = json.dumps(message_frame(row), default=str)
                if not await client.room(len(text), stalled):
                    return
                client.send(text, MESSAGES)
            sent_m += len(rows)
            last_m = rows[-1]["id"] if rows else last_m
        last_e, events_complete = after_e, True
        if after_e is not None:
            last_e, events_complete = await _catch_up_events(ws, client, token, after_e, after_m, models, documents)
            if client.dropped:
                return
        async with pool.acquire() as conn, conn.transaction():
            await _as_user(ws, conn, token)
            notifications = await conn.fetch(CATCH_UP_NOTIFICATIONS, max(after_n, 0))
        for row in notifications:
            text = notification_text(row["notification_id"], row["payload"])
            if not await client.room(len(text), stalled):
                return
            client.send(text, NOTIFICATIONS)
        client.send({"type": "caught_up", "last_message_id": last_m if sent_m else after_m,
                     "last_notification_id": notifications[-1]["notification_id"] if notifications else after_n,
                     **({"last_event_id": last_e} if after_e is not None else {}),
                     "complete": sent_m < CATCH_UP and len(notifications) < CATCH_UP and events_complete}, ALL)
    else:
        client.send({"type": "error", "code": "CH005", "detail": f"unknown frame type {kind!r}"})


async def _catch_up_events(ws: WebSocket, client: Client, token: str, after_e: int, after_m: int,
                           models: list[str], documents: list[int]) -> tuple[int, bool]:
    """Replay the changes (edit, delete, reactions) of messages up to `after_m` since event `after_e`: each
    changed message once, in its state now, as the relay sends it live; notification_removed for one's own
    removed notifications. One query for the events and one for their messages, whatever their number.
    Returns the last event id read and whether that was all of them."""
    pool: asyncpg.Pool = ws.app.state.pool
    async with pool.acquire() as conn, conn.transaction():
        events = await conn.fetch(CATCH_UP_EVENTS, max(after_e, 0), CATCH_UP)
        await _as_user(ws, conn, token)
        ids = list(dict.fromkeys(e["message_id"] for e in events))
        changed = [dict(r) for r in await conn.fetch(CATCH_UP_CHANGED, ids, models, documents, max(after_m, 0))]
    last_event = {e["message_id"]: e["id"] for e in events}
    await ws.app.state.bodies.serve(row["message"] for row in changed)
    stalled = ws.app.state.settings.ws_stalled
    removed = dict.fromkeys(e["message_id"] for e in events if client.user_id in e["users"])
    frames = [{"type": "activity_update", "data": {"kind": "notification_removed", "message_id": m}} for m in removed]
    frames += [message_frame({**row, "updated": True, "event_id": last_event[row["id"]]}) for row in changed]
    for frame in frames:
        text = json.dumps(frame, default=str)
        if not await client.room(len(text), stalled):
            break
        client.send(text, MESSAGES)
    return (events[-1]["id"] if events else after_e), len(events) < CATCH_UP


async def _recheck(ws: WebSocket, client: Client, hub: Hub, token: str) -> None:
    """Returns when the token no longer authenticates; drops watches the user may no longer read. Access
    is checked when a socket opens and when it watches; this keeps a revocation from being ignored until
    the client reconnects."""
    pool: asyncpg.Pool = ws.app.state.pool
    interval = ws.app.state.settings.ws_recheck
    # The first check at a random point of the interval: sockets opened together (a restart, a bench)
    # do not all query the database in the same instant.
    await asyncio.sleep(random.uniform(0, interval))
    while True:
        try:
            async with pool.acquire() as conn, conn.transaction():
                await _as_user(ws, conn, token)
                for model, document in sorted(client.watching):
                    try:
                        async with conn.transaction():     # a savepoint per record
                            await conn.execute(CHECK_READABLE, model, document)
                    except asyncpg.PostgresError as exc:
                        _unwatch(client, hub, (model, document))
                        client.send({"type": "unwatched", "model": model, "document": document,
                                     "code": exc.sqlstate})
        except HTTPException:
            return
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            pass    # the database is away: try again next time, as the relay does
        await asyncio.sleep(interval)


async def _writer(ws: WebSocket, client: Client) -> None:
    """Sends the client's frames as they come (urgent first; bulk ones when the hub's pump releases the
    socket), every frame waiting when it wakes in one go. Returns when the client was dropped (and is
    cancelled then if it is blocked in a send)."""
    while True:
        await client.frames()
        if client.dropped:
            return
        sent = 0
        while (text := client.next_frame()) is not None:
            await ws.send_text(text)
            sent += 1
            if sent % WRITER_SLICE == 0:
                await asyncio.sleep(0)     # a long run of frames (a catch-up) lets the other sockets in


async def _close_slow(ws: WebSocket) -> None:
    """Close a dropped client with 4408. Its close frame goes behind what its socket has not read yet: if
    it reads nothing more, the server's close timeout (10 s) ends the connection. Meanwhile the socket holds
    only its transport's buffer: its queue and catch-up page are gone."""
    with contextlib.suppress(Exception):
        await ws.close(code=4408, reason=SLOW)


@router.websocket("/api/ws")
async def websocket(ws: WebSocket) -> None:
    """Realtime frames for the token's user: `Authorization: Bearer`, `?token=`, or (keeping tokens out of
    URLs and access logs) a first frame `{"type": "auth", "token": "..."}` within AUTH_TIMEOUT seconds."""
    hub: Hub = ws.app.state.hub
    header = ws.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ws.query_params.get("token")
    if token is None:
        await ws.accept()
        try:
            first = json.loads(await asyncio.wait_for(ws.receive_text(), AUTH_TIMEOUT))
            token = first.get("token") if isinstance(first, dict) and first.get("type") == "auth" else None
        except (TimeoutError, ValueError, WebSocketDisconnect, RuntimeError):
            token = None
        if not isinstance(token, str):
            with contextlib.suppress(RuntimeError):
                await ws.close(code=4401, reason="authenticate first: {\"type\": \"auth\", \"token\": ...}")
            return
    try:
        async with ws.app.state.pool.acquire() as conn, conn.transaction():
            user_id = await _as_user(ws, conn, token)
    except HTTPException as exc:
        with contextlib.suppress(RuntimeError):
            await ws.close(code=4401, reason=str(exc.detail))
        return
    if ws.client_state.name == "CONNECTING":
        await ws.accept()
    settings = ws.app.state.settings
    client = Client(user_id, settings.ws_queue, settings.ws_queue_bytes, hub.pump)
    hub.add(client)
    client.send({"type": "hello", "user_id": user_id,
                 "last_message_id": hub.messages.high if hub.messages else 0,
                 "last_notification_id": hub.notifications.high if hub.notifications else 0,
                 "last_event_id": hub.message_events.high if hub.message_events else 0})
    writer = asyncio.create_task(_writer(ws, client))
    client.on_drop = writer.cancel
    recheck = asyncio.create_task(_recheck(ws, client, hub, token))
    try:
        while True:
            receive = asyncio.create_task(ws.receive_text())
            done, _ = await asyncio.wait({receive, writer, recheck}, return_when=asyncio.FIRST_COMPLETED)
            if writer in done:
                receive.cancel()
                if client.dropped:
                    await _close_slow(ws)
                break
            if recheck in done:
                receive.cancel()
                with contextlib.suppress(RuntimeError):
                    await ws.close(code=4401, reason="token revoked or expired")
                break
            try:
                frame = json.loads(receive.result())
            except ValueError:
                client.send({"type": "error", "code": "CH005", "detail": "frames are JSON objects"})
                continue
            if isinstance(frame, dict):
                try:
                    await _handle(ws, client, hub, token, frame)
                except HTTPException as exc:      # the token was revoked meanwhile
                    client.send({"type": "error", "code": None, "detail": exc.detail})
                    break
                except asyncpg.PostgresError as exc:
                    client.send({"type": "error", "code": exc.sqlstate, "detail": str(exc)})
            else:
                client.send({"type": "error", "code": "CH005", "detail": "frames are JSON objects"})
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        hub.remove(client)
        for task in (writer, recheck):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
