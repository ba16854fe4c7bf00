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
records are checked again, for all the process's sockets at once (Rechecker): a revoked token closes the
socket (4401), a record no longer readable is dropped with {"type": "unwatched", "model", "document", "code"}."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

import asyncpg
from fastapi import APIRouter, HTTPException, WebSocket, WebSocketDisconnect

from bridge.db import authenticate
from bridge.realtime import (
    ALL,
    MESSAGES,
    NOTIFICATIONS,
    Client,
    Hub,
    message_frame,
    notification_text,
)
from bridge.wsproto import EXTENSION

router = APIRouter()
AUTH_TIMEOUT = 10.0
WRITER_SLICE = 32
SLOW = "too slow: frames queued past the limit; reconnect and catch up"
CATCH_UP = 1000       # messages, and notifications, per catch_up answer (then "complete": false)
CATCH_UP_PAGE = 200   # messages read at a time, at most
CATCH_UP_BYTES = 1 << 19   # and past the first, only while their bodies add up to less than this
# Citus: smaller pages. Each staged candidate is read back under the policies, evaluated per row on the
# coordinator (about 6.5 ms a row at load 5, docs/scaling.md "Continued"): a page of 200 took 7 s, past a
# client's patience for its next frame; 50 keep a page near 2 s.
CITUS_CATCH_UP_PAGE = 50

# Which messages a socket is sent: those of its user's channels, and of the records it watches ($2 models,
# $3 documents) that are in the feed; `{which}` narrows them (and may order and limit them). Read channel by
# channel and record by record through their (channel_id, id) and (model, document, id) indexes: the cost
# follows what this user missed, not what everyone posted meanwhile (a scan from the cursor read every message
# since, for every socket: 10,000 sockets reconnecting after 10,000 messages were 10^8 rows). Run as the
# acting user: row-level security decides what of it may be read. The one statement of this rule for
# CATCH_UP_MESSAGES and CATCH_UP_CHANGED (the live relay routes by the same membership and watches, in Python).
SOCKET_MESSAGES = """
    SELECT c.id, c.size FROM chatter._my_channel_ids() AS mine (channel_id)
     CROSS JOIN LATERAL (SELECT m.id, octet_length(m.body) AS size FROM chatter.messages AS m
                          WHERE m.channel_id = mine.channel_id AND {which}) AS c
    UNION ALL
    SELECT r.id, r.size FROM unnest($2::text[], $3::bigint[]) AS w (model, document)
     CROSS JOIN LATERAL (SELECT m.id, octet_length(m.body) AS size FROM chatter.messages AS m
                          WHERE m.model = w.model AND m.document = w.document AND m.in_feed AND {which}) AS r
"""
# A page of the messages missed: up to $4 of them past $1, and past the first only while their bodies add up
# to less than $5 bytes (octet_length reads the stored size, not the body). `missed`: how many were found (at
# most $4 + 1 a channel or record): more than the page holds, and there is another page. (With at most $4 a
# channel, a user of one channel who missed more than a page got that page and "complete".)
CATCH_UP_MESSAGES = """
WITH ids AS (""" + SOCKET_MESSAGES.format(which="m.id > $1 ORDER BY m.id LIMIT $4 + 1") + """
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
# Those of them ($1) the socket is sent (SOCKET_MESSAGES), up to $4: later ones come with the missed
# messages, already in their state now.
CATCH_UP_CHANGED = """
WITH ids AS (""" + SOCKET_MESSAGES.format(which="m.id = ANY ($1::bigint[]) AND m.id <= $4") + """
)
SELECT m.id, m.model, m.document, m.channel_id, chatter.message_wire(m) AS message
  FROM ids JOIN chatter.messages AS m USING (id)
 ORDER BY m.id
"""
CATCH_UP_NOTIFICATIONS = """
SELECT notification_id, payload::text AS payload FROM chatter.inbox WHERE notification_id > $1
 ORDER BY notification_id LIMIT 1000
"""
# Citus (CHATTER_CITUS=1 with sql/citus/reads.sql installed, docs/scaling.md): the same three reads through
# the functions that evaluate the policies on the coordinator (chatter_citus.socket_messages, socket_changed,
# notifications_after: the candidates staged, read back as the acting user). Same columns, same rows.
CITUS_CATCH_UP_MESSAGES = "SELECT * FROM chatter_citus.socket_messages($1, $2, $3, $4, $5)"
CITUS_CATCH_UP_CHANGED = "SELECT * FROM chatter_citus.socket_changed($1, $2, $3, $4)"
CITUS_CATCH_UP_NOTIFICATIONS = """
SELECT notification_id, payload::text AS payload FROM chatter_citus.notifications_after($1, 1000)
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
        notified = True
        citus = getattr(ws.app.state, "citus_reads", False)
        if not watched and not citus:
            # Chat only: with every other socket catching up now, in one batch (None: more than a page).
            missed, notified = await _batch(ws, "catch_ups", CatchUps).ask((client.user_id, last_m, max(after_n, 0)))
            if missed is not None:
                for message_id, text in missed:
                    if not await client.room(len(text), stalled):
                        return
                    client.send(text, MESSAGES)
                    last_m = message_id
                sent_m, more = len(missed), False
        # In pages (of at most CATCH_UP_BYTES of bodies past the first), each in a transaction of its own,
        # sent as fast as the client reads (Client.room): the bridge holds one page at a time and no pool
        # connection while it waits for a slow reader.
        while more and sent_m < CATCH_UP:
            async with pool.acquire() as conn, conn.transaction():
                await _as_user(ws, conn, token)
                limit = min(CITUS_CATCH_UP_PAGE if citus else CATCH_UP_PAGE, CATCH_UP - sent_m)
                messages = await conn.fetch(CITUS_CATCH_UP_MESSAGES if citus else CATCH_UP_MESSAGES, last_m, models,
                                            documents, limit, CATCH_UP_BYTES)
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
        notifications = []
        if notified:
            async with pool.acquire() as conn, conn.transaction():
                await _as_user(ws, conn, token)
                notifications = await conn.fetch(CITUS_CATCH_UP_NOTIFICATIONS if citus else CATCH_UP_NOTIFICATIONS,
                                                 max(after_n, 0))
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
        changed_query = CITUS_CATCH_UP_CHANGED if getattr(ws.app.state, "citus_reads", False) else CATCH_UP_CHANGED
        changed = [dict(r) for r in await conn.fetch(changed_query, ids, models, documents, max(after_m, 0))]
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


# Every socket's token again, in one query per RECHECK_BATCH tokens: the user each now authenticates (NULL when
# revoked, expired or the user is inactive), in the order given.
RECHECK_TOKENS = """
SELECT chatter.token_user(t.token) AS uid FROM unnest($1::text[]) WITH ORDINALITY AS t (token, n) ORDER BY t.n
"""
RECHECK_BATCH = 1000


class Rechecker:
    """Re-checks the process's open sockets every CHATTER_WS_RECHECK seconds: their tokens in one query per
    RECHECK_BATCH sockets (a revoked or expired token closes its sockets, 4401, within the interval; a
    socket opened after a round began joins the next, so within two for it), and the records a
    socket watches, as its user, in one transaction per token with watches (a record no longer readable is
    dropped). The batches of a round are spread over the interval. Before (one task and one transaction per
    socket) 10,000 idle sockets cost the database 333 transactions a second, and the bridge a third of its
    time at 10,000 sockets and 300 messages/s (py-spy); now 10 queries every 30 s."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.sockets: dict[Client, tuple[str, Callable[[], None]]] = {}
        self._task: asyncio.Task[None] | None = None

    def add(self, client: Client, token: str, revoke: Callable[[], None]) -> None:
        self.sockets[client] = (token, revoke)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="chatter-recheck")

    def remove(self, client: Client) -> None:
        self.sockets.pop(client, None)

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        interval = self.app.state.settings.ws_recheck
        while self.sockets:
            # A round: the sockets open now, RECHECK_BATCH at a time (a token of sockets in two batches is
            # checked twice), each batch's share of the interval apart; no loop over every socket at once.
            sockets = list(self.sockets.items())
            batches = [sockets[i:i + RECHECK_BATCH] for i in range(0, len(sockets), RECHECK_BATCH)]
            for batch in batches:
                await asyncio.sleep(interval / len(batches))
                by_token: dict[str, list[Client]] = {}
                for client, (token, _) in batch:
                    by_token.setdefault(token, []).append(client)
                with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                    await self.check(by_token)   # the database is away: next time
        self._task = None

    async def check(self, by_token: dict[str, list[Client]]) -> None:
        if not by_token:
            return
        pool: asyncpg.Pool = self.app.state.pool
        hub: Hub = self.app.state.hub
        tokens = list(by_token)
        async with pool.acquire() as conn:
            users = [row["uid"] for row in await conn.fetch(RECHECK_TOKENS, tokens)]
        for token, user in zip(tokens, users, strict=True):
            clients = [c for c in by_token[token] if c in self.sockets]
            if user is None or any(c.user_id != user for c in clients):
                for client in clients:
                    self.sockets.pop(client)[1]()
                continue
            watching = [c for c in clients if c.watching]
            if not watching:
                continue
            async with pool.acquire() as conn, conn.transaction():
                try:
                    await authenticate(conn, token, self.app.state.settings.role)
                except HTTPException:
                    for client in clients:
                        self.sockets.pop(client)[1]()
                    continue
                for client in watching:
                    for model, document in sorted(client.watching):
                        try:
                            async with conn.transaction():     # a savepoint per record
                                await conn.execute(CHECK_READABLE, model, document)
                        except asyncpg.PostgresError as exc:
                            _unwatch(client, hub, (model, document))
                            client.send({"type": "unwatched", "model": model, "document": document,
                                         "code": exc.sqlstate})


class _Batch:
    """Requests of many sockets made in the same few milliseconds, answered together by one query: what the
    sockets of a reconnect storm ask at once (issue 25). `answer` gets the keys in order and returns one
    result per key."""

    delay = 0.01     # seconds the first request of a batch waits for others
    limit = 500

    def __init__(self, app: Any) -> None:
        self.app = app
        self.pending: list[tuple[Any, asyncio.Future[Any]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def ask(self, key: Any) -> Any:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.pending.append((key, future))
        if len(self.pending) >= self.limit:
            self._start()
        elif self._timer is None:
            self._timer = loop.call_later(self.delay, self._start)
        return await future

    def _start(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self.pending = self.pending, []
        if batch:
            task = asyncio.get_running_loop().create_task(self._run(batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, batch: list[tuple[Any, asyncio.Future[Any]]]) -> None:
        try:
            results = await self.answer([key for key, _ in batch])
        except Exception as exc:   # noqa: BLE001 - each asker gets the error, as if it had asked alone
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)

    async def answer(self, keys: list[Any]) -> list[Any]:
        raise NotImplementedError


class Authenticator(_Batch):
    """The user of each token of the sockets opening now (None: unknown, revoked or expired), in one query."""

    async def answer(self, keys: list[str]) -> list[int | None]:
        tokens = list(dict.fromkeys(keys))
        async with self.app.state.pool.acquire() as conn:
            users = dict(zip(tokens, [row["uid"] for row in await conn.fetch(RECHECK_TOKENS, tokens)], strict=True))
        return [users[token] for token in keys]


# The chat messages each socket missed, for many sockets at once (keys: user, after_message): read as the
# bridge's login role, routed by channel membership as the relay routes them live, with the rule of the
# messages' row-level policy for chat (chatter._shown_to_share: what a share user sees). Ids and stored
# body sizes only, at most $3 a channel; the messages themselves follow in one query for all (MISSED_WIRE).
MISSED_CHAT = """
SELECT s.n, l.id, l.size
  FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS s (user_id, after, n)
  JOIN chatter.users AS u ON u.id = s.user_id
  JOIN chatter.channel_members AS cm ON cm.user_id = s.user_id
 CROSS JOIN LATERAL (SELECT m.id, octet_length(m.body) AS size FROM chatter.messages AS m
                      WHERE m.channel_id = cm.channel_id AND m.id > s.after
                        AND (NOT u.share OR chatter._shown_to_share(m.message_type, m.subtype_id))
                      ORDER BY m.id LIMIT $3) AS l
 ORDER BY s.n, l.id
"""
# Which of those sockets' users have notifications past their cursor at all ($1 users, $2 cursors): only
# those read them, under row-level security, one query each; this decides nothing else (issue 25: a chat
# storm's sockets have none, and skip that query).
NOTIFIED = """
SELECT s.n FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS s (user_id, after, n)
 WHERE EXISTS (SELECT FROM chatter.notifications AS x WHERE x.user_id = s.user_id AND x.id > s.after)
"""
MISSED_WIRE = """
SELECT m.id, m.model, m.document, m.channel_id, chatter.message_wire(m) AS message
  FROM chatter.messages AS m WHERE m.id = ANY ($1::bigint[])
"""


class CatchUps(_Batch):
    """The missed chat frames of sockets that watch no record, for all those catching up at once: two
    queries per batch of up to 500 sockets (each message's frame made once, however many sockets it goes
    to), instead of a page query under row-level security per socket. A socket that missed more than one
    page (CATCH_UP_PAGE messages, or CATCH_UP_BYTES of bodies) gets None and catches up alone, page by page."""

    async def answer(self, keys: list[tuple[int, int, int]]) -> list[tuple[list[tuple[int, str]] | None, bool]]:
        """keys: (user, after_message, after_notification). Per key: the (message id, frame) pairs missed, or
        None; and whether the user has notifications past its cursor."""
        async with self.app.state.pool.acquire() as conn:
            notified = {r["n"] for r in await conn.fetch(NOTIFIED, [k[0] for k in keys], [k[2] for k in keys])}
            rows = await conn.fetch(MISSED_CHAT, [k[0] for k in keys], [k[1] for k in keys], CATCH_UP_PAGE + 1)
            missed: list[list[int] | None] = [[] for _ in keys]
            sizes = [0] * len(keys)
            for n, message, size in rows:
                ids = missed[n - 1]
                if ids is None:
                    continue
                if len(ids) >= CATCH_UP_PAGE or (ids and sizes[n - 1] + (size or 0) > CATCH_UP_BYTES):
                    missed[n - 1] = None
                    continue
                ids.append(message)
                sizes[n - 1] += size or 0
            wanted = sorted({i for ids in missed if ids for i in ids})
            wire = [dict(r) for r in await conn.fetch(MISSED_WIRE, wanted)] if wanted else []
        await self.app.state.bodies.serve(row["message"] for row in wire)
        frames = {row["id"]: json.dumps(message_frame(row), default=str) for row in wire}
        return [(None if ids is None else [(i, frames[i]) for i in ids if i in frames], n in notified)
                for n, ids in enumerate(missed, 1)]


def _batch(ws: WebSocket, name: str, kind: type[_Batch]) -> Any:
    state = ws.app.state
    if getattr(state, name, None) is None:
        setattr(state, name, kind(ws.app))
    return getattr(state, name)


def _rechecker(ws: WebSocket) -> Rechecker:
    state = ws.app.state
    if getattr(state, "rechecker", None) is None:
        state.rechecker = Rechecker(ws.app)
    return state.rechecker


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
            if not client.write_raw(text):
                client.sending = True
                try:
                    await ws.send_text(text)
                finally:
                    client.sending = False
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
    # The sockets opening together (a restart's reconnect storm) are authenticated together: one query.
    user_id = await _batch(ws, "authenticator", Authenticator).ask(token)
    if user_id is None:
        with contextlib.suppress(RuntimeError):
            await ws.close(code=4401, reason="unknown, expired or revoked token")
        return
    if ws.client_state.name == "CONNECTING":
        await ws.accept()
    settings = ws.app.state.settings
    client = Client(user_id, settings.ws_queue, settings.ws_queue_bytes, hub.pump)
    client.raw = ws.scope.get("extensions", {}).get(EXTENSION)
    hub.add(client)
    client.send({"type": "hello", "user_id": user_id,
                 "last_message_id": hub.messages.high if hub.messages else 0,
                 "last_notification_id": hub.notifications.high if hub.notifications else 0,
                 "last_event_id": hub.message_events.high if hub.message_events else 0})
    writer = asyncio.create_task(_writer(ws, client))
    client.on_drop = writer.cancel
    recheck = asyncio.get_running_loop().create_future()     # done when the Rechecker finds the token revoked
    rechecker = _rechecker(ws)
    rechecker.add(client, token, lambda: recheck.done() or recheck.set_result(None))
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
        rechecker.remove(client)
        recheck.cancel()
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await writer
