"""Issue 25: what the bridge does for many sockets at once, against a real bridge process and real WebSockets.

- Sockets opening together are authenticated together, and sockets catching up together are answered
  together (bridge.ws Authenticator, CatchUps): every socket of a reconnect storm still gets exactly the
  chat it missed, in id order, then caught_up; one that missed more than a page (CATCH_UP_PAGE) catches up
  alone, page by page, and loses nothing either.
- Tokens are re-checked for all of a process's sockets at once (Rechecker): a revoked token closes every
  socket it opened (4401) within the interval, and no other socket.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from bridge.ws import CATCH_UP_PAGE
from tests.servers import Bridge

USERS = range(8101, 8125)        # 24 users, six channels of four
SIZE = 4


@pytest.fixture(scope="module")
def crowd(bridge_db):
    with bridge_db.connect() as conn:
        conn.execute("""
            INSERT INTO chatter.contacts (id, name) SELECT g, 'Batch ' || g FROM generate_series(8101, 8126) g;
            INSERT INTO chatter.users (id, contact_id, username) SELECT g, g, 'batch' || g FROM generate_series(8101, 8126) g;
        """)
        channels = [conn.execute("SELECT chatter.create_channel(%s, 'Private', %s, %s)",
                                 (f"batch room {c}", USERS[c * SIZE], list(USERS[c * SIZE + 1:(c + 1) * SIZE]))
                                 ).fetchone()[0] for c in range(len(USERS) // SIZE)]
        tokens = {u: conn.execute("SELECT chatter.token_create(%s::text, 'batch')", (u,)).fetchone()[0]
                  for u in [*USERS, 8125, 8126]}
    bridge = Bridge(bridge_db.url, {"CHATTER_WS_RECHECK": "0.5"})
    yield bridge, channels, tokens
    bridge.stop()


def post(conn, channel: int, user: int, body: str) -> int:
    return conn.execute("""WITH a AS MATERIALIZED (SELECT set_config('chatter.user_id', %s, true))
                           SELECT chatter.channel_post(%s, %s, %s) FROM a""", (str(user), channel, user, body)).fetchone()[0]


async def storm(port: int, tokens: list[str], after: int) -> list[tuple[list[int], list[int], dict]]:
    """Every token's socket opens at once and catches up after `after`: the chat message ids each got, the
    message ids of the notifications it got, and its caught_up frame."""
    async def one(token: str) -> tuple[list[int], list[int], dict]:
        async with connect(f"ws://127.0.0.1:{port}/api/ws?token={token}", max_queue=None) as ws:
            assert json.loads(await ws.recv())["type"] == "hello"
            await ws.send(json.dumps({"type": "catch_up", "after_message": after, "after_notification": 0}))
            got, notified = [], []
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if frame["type"] == "caught_up":
                    return got, notified, frame
                if frame["type"] == "realtime_data":
                    got.append(frame["data"]["message_id"])
                elif frame["data"].get("kind") == "message":
                    notified.append(frame["data"]["message_id"])
    return await asyncio.gather(*(one(t) for t in tokens))


def test_a_reconnect_storm_gets_every_missed_frame_in_order(crowd, bridge_db):
    bridge, channels, tokens = crowd
    with bridge_db.connect() as conn:
        after = conn.execute("SELECT coalesce(max(id), 0) FROM chatter.messages").fetchone()[0]
        posted: dict[int, list[int]] = {c: [] for c in channels}
        for round_ in range(5):
            for i, channel in enumerate(channels):
                posted[channel].append(post(conn, channel, USERS[i * SIZE + round_ % SIZE], f"missed {round_}"))
        # A mention: its user has a notification to catch up on as well (the others have none to read).
        mention = post(conn, channels[1], USERS[SIZE], f"@batch{USERS[SIZE + 1]} look")
        posted[channels[1]].append(mention)
        # The first channel missed more than one page: its members catch up alone, page by page.
        for n in range(CATCH_UP_PAGE + 20):
            posted[channels[0]].append(post(conn, channels[0], USERS[n % SIZE], f"a lot {n}"))
    results = asyncio.run(storm(bridge.port, [tokens[u] for u in USERS], after))
    for i, (got, notified, caught_up) in enumerate(results):
        mine = posted[channels[i // SIZE]]
        assert got == mine, f"user {USERS[i]}: every missed message of its channel, in order, once"
        assert caught_up["last_message_id"] == mine[-1] and caught_up["complete"]
        assert notified == ([mention] if USERS[i] == USERS[SIZE + 1] else []), "one's own notifications"


def test_a_revoked_token_closes_its_sockets_within_the_interval(crowd, bridge_db):
    bridge, _, tokens = crowd

    async def scenario() -> tuple[list[int], float, str]:
        url = f"ws://127.0.0.1:{bridge.port}/api/ws?token="
        revoked = [await connect(url + tokens[8125]) for _ in range(3)]
        other = await connect(url + tokens[8126])
        for ws in (*revoked, other):
            assert json.loads(await ws.recv())["type"] == "hello"
        with bridge_db.connect() as conn:
            conn.execute("SELECT chatter.token_revoke(id) FROM chatter.api_tokens t WHERE t.user_id = 8125")
        start = time.monotonic()
        codes = []
        for ws in revoked:
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 5)
            codes.append(closed.value.rcvd.code)
        took = time.monotonic() - start
        await other.send(json.dumps({"type": "ping"}))
        answer = json.loads(await asyncio.wait_for(other.recv(), 5))["type"]
        await other.close()
        return codes, took, answer

    codes, took, answer = asyncio.run(scenario())
    assert codes == [4401, 4401, 4401]
    assert took < 0.5 + 1.0, "closed within the re-check interval (0.5 s here), give or take a query"
    assert answer == "pong", "another user's socket is left alone"


def test_a_message_committed_late_is_relayed_from_the_gap(crowd, bridge_db):
    """Ids commit out of order: the relay reads past the cursor and the gaps below it (one id array; the
    plan of `id > cursor OR id = ANY (gaps)` walked the whole table), so the late one still comes. The late
    message is a chat post; the one committed before it, a note on a record the socket watches."""
    bridge, channels, tokens = crowd
    user = USERS[2 * SIZE]
    with bridge.ws(tokens[user]) as ws, bridge_db.connect() as late, bridge_db.connect() as conn:
        assert json.loads(ws.recv(timeout=5))["type"] == "hello"
        ws.send(json.dumps({"type": "watch", "model": "orders", "document": 1}))
        assert json.loads(ws.recv(timeout=5))["type"] == "watching"
        late.execute("BEGIN")
        first = post(late, channels[2], user, "committed last")      # the lower id, not committed yet
        second = conn.execute("SELECT chatter.log_message('orders', 1, 'committed first')").fetchone()[0]
        got = []

        def until(message_id: int) -> None:
            while message_id not in got:
                frame = json.loads(ws.recv(timeout=5))
                if frame["type"] in ("realtime_data", "activity_update") and "message_id" in frame["data"]:
                    got.append(frame["data"]["message_id"])

        until(second)
        time.sleep(0.3)      # several polls meanwhile: the gap is looked for, not yet found
        late.execute("COMMIT")
        until(first)
        assert first < second and got == [second, first]


def test_a_share_user_catching_up_in_a_batch_gets_no_internal_chat(crowd, bridge_db):
    """The batched catch-up reads as the bridge's login role, for many users at once: the messages policy's
    share rule (chatter._shown_to_share) decides what a share user of the channel gets, as it does under
    row-level security. A Note and a message of an internal subtype reach the internal member only."""
    bridge, _, _ = crowd
    with bridge_db.connect() as conn:
        conn.execute("""
            INSERT INTO chatter.contacts (id, name) VALUES (8131, 'Batch inner'), (8132, 'Batch portal');
            INSERT INTO chatter.users (id, contact_id, username, share)
                VALUES (8131, 8131, 'batch8131', false), (8132, 8132, 'batch8132', true);
        """)
        channel = conn.execute("SELECT chatter.create_channel('batch shared', 'Private', 8131, '{8132}')").fetchone()[0]
        tokens = [conn.execute("SELECT chatter.token_create(%s::text, 'batch')", (u,)).fetchone()[0] for u in (8131, 8132)]
        after = conn.execute("SELECT coalesce(max(id), 0) FROM chatter.messages").fetchone()[0]
        shown, note, internal = (post(conn, channel, 8131, body) for body in ("hello", "a note", "internal"))
        conn.execute("UPDATE chatter.messages SET message_type = 'Note' WHERE id = %s", (note,))
        conn.execute("UPDATE chatter.messages SET subtype_id = (SELECT id FROM chatter.subtypes WHERE identifier = 'note')"
                     " WHERE id = %s", (internal,))
    (inner, _, _), (portal, _, caught_up) = asyncio.run(storm(bridge.port, tokens, after))
    assert inner == [shown, note, internal], "the internal member gets all three"
    assert portal == [shown], "the share member gets neither the Note nor the internal subtype's message"
    assert caught_up["complete"]
