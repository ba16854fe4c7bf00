"""Writes whose one-node rule is a trigger on a distributed table, done from the coordinator on Citus
(sql/citus/writes.sql): reactions (SPEC §5: react, unreact, message_reactions, and delete_message's removal of
a message's reactions) and stars (star, unstar, the starred view, the wire form's starred flag), as chatter_app under row-level security, with the refused attempts, the change events
for the relay (chatter.message_events, one per reaction added or removed, as the shards' trigger wrote on one
node) and the frames a real bridge process sends. Runs only in `make test-citus` (PGCHATTER_TEST_CITUS); each
statement of the set-up commits on its own (class B in docs/scaling.md)."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import CITUS_DB
from tests.servers import Bridge
from tests.test_bridge_ws import frames_until, hello
from tests.test_citus_reads import _as, _refused, seeded  # noqa: F401  (seeded: the fixture, by name)

pytestmark = pytest.mark.skipif(CITUS_DB is None, reason="a distributed database: make test-citus only")


def _events(connect, db: str, message: int) -> int:
    with connect(db) as admin:
        return admin.execute("SELECT count(*) FROM chatter.message_events WHERE message_id = %s", (message,)).fetchone()[0]


def test_reactions_are_written_as_on_one_node(seeded, connect):
    """As chatter_app: react once per emoji, the counts in message_reactions and the wire form, unreact;
    CH003 for a message the caller may not read, CH005 for no emoji or one over emoji_chars. One event per
    reaction added or removed, none for a repeated one."""
    db, deal, pay, _private = seeded
    with connect(db) as conn, conn.transaction():
        _as(conn, 771)
        for emoji in ("👍", "👍", "🎉"):
            conn.execute("SELECT chatter.react(%s, %s)", (deal, emoji))
        assert conn.execute("SELECT emoji, count, contacts FROM chatter.message_reactions(%s)", (deal,)).fetchall() == [
            ("👍", 1, [9701]), ("🎉", 1, [9701])]
        wire = conn.execute("SELECT chatter.message_wire(m) -> 'reactions' FROM chatter_citus.messages_by_id(%s) AS m",
                            ([deal],)).fetchone()[0]
        assert wire == [{"emoji": "👍", "count": 1, "contacts": [9701]}, {"emoji": "🎉", "count": 1, "contacts": [9701]}]
        assert _refused(conn, "SELECT chatter.react(%s, '👍')", (pay,)) == "CH003"
        assert _refused(conn, "SELECT chatter.unreact(%s, '👍')", (pay,)) == "CH003"
        assert _refused(conn, "SELECT * FROM chatter.message_reactions(%s)", (pay,)) == "CH003"
        assert _refused(conn, "SELECT chatter.react(%s, ' ')", (deal,)) == "CH005"
        assert _refused(conn, "SELECT chatter.react(%s, %s)", (deal, "x" * 33)) == "CH005"
    assert _events(connect, db, deal) == 2
    with connect(db) as conn, conn.transaction():
        _as(conn, 773)                        # carol reacts too; alice takes hers back
        conn.execute("SELECT chatter.react(%s, '👍')", (deal,))
    with connect(db) as conn, conn.transaction():
        _as(conn, 771)
        conn.execute("SELECT chatter.unreact(%s, '👍')", (deal,))
        conn.execute("SELECT chatter.unreact(%s, '👍')", (deal,))        # nothing left to remove: no event
        assert conn.execute("SELECT emoji, count, contacts FROM chatter.message_reactions(%s)", (deal,)).fetchall() == [
            ("🎉", 1, [9701]), ("👍", 1, [9703])]     # first reaction first: 👍 is carol's now
    assert _events(connect, db, deal) == 4


def test_refused_reactions_stay_refused(seeded, connect):
    """The definer parts called directly act only on a message the caller proved readable in its own
    transaction (CH003 otherwise); that proof is refused by its policy for a message the caller may not read;
    chatter_app's own INSERT into chatter.reactions stays refused (its policy runs on the shard)."""
    db, deal, pay, _private = seeded
    with connect(db) as conn, conn.transaction():
        _as(conn, 771)
        assert _refused(conn, "SELECT chatter_citus.react(%s, '👍')", (pay,)) == "CH003"
        assert _refused(conn, "SELECT chatter_citus.react(%s, '👍')", (deal,)) == "CH003"   # readable, not proved
        assert _refused(conn, "SELECT * FROM chatter_citus.message_reactions(%s)", (pay,)) == "CH003"
        assert _refused(conn, "SELECT chatter_citus.prove_readable(%s)", (pay,)) == "42501"
        conn.execute("SELECT chatter_citus.stage(%s)", ([pay],))
        assert _refused(conn, "INSERT INTO chatter_citus.readable (message_id) VALUES (%s)", (pay,)) == "42501"
        assert _refused(conn, "INSERT INTO chatter.reactions (message_id, contact_id, emoji) VALUES (%s, 9701, 'x')",
                        (pay,)) != ""
    with connect(db) as admin:
        assert admin.execute("SELECT count(*) FROM chatter.reactions").fetchone()[0] == 0
    assert _events(connect, db, pay) == 0


def test_a_deleted_message_takes_its_reactions_with_one_event_each(seeded, connect):
    """delete_message removes the message's reactions: one event per reaction removed, then the deletion's
    own, as on one node (the shards' trigger wrote the first ones there)."""
    db, _deal, _pay, _private = seeded
    with connect(db) as conn, conn.transaction():
        _as(conn, 771)
        mine = conn.execute("SELECT chatter.create_message('mine', author => 9701, model => 'deals', "
                            "document => 1)").fetchone()[0]
    for user in (771, 773):
        with connect(db) as conn, conn.transaction():
            _as(conn, user)
            conn.execute("SELECT chatter.react(%s, '👀')", (mine,))
    assert _events(connect, db, mine) == 2
    with connect(db) as conn, conn.transaction():
        _as(conn, 771)
        conn.execute("SELECT chatter.delete_message(%s)", (mine,))
    assert _events(connect, db, mine) == 5
    with connect(db) as admin:
        assert admin.execute("SELECT count(*) FROM chatter.reactions WHERE message_id = %s", (mine,)).fetchone()[0] == 0



def _starred(conn) -> list[int]:
    return [r[0] for r in conn.execute("SELECT message_id FROM chatter.starred").fetchall()]


def _wire_starred(conn, message: int) -> bool:
    return conn.execute("SELECT chatter.message_wire(m) -> 'starred' FROM chatter_citus.messages_by_id(%s) AS m",
                        ([message],)).fetchone()[0]


def test_stars_are_written_and_read_as_on_one_node(seeded, connect):
    """As chatter_app (SPEC §5): star (twice: one star), the starred view (newest first, one's own stars only)
    and the wire form's starred flag, unstar (twice: nothing left, no error); CH003 for a message the caller
    may not read or that does not exist, CH004 for a deleted one, whose star delete_message removed."""
    db, deal, pay, _private = seeded
    with connect(db) as conn, conn.transaction():
        _as(conn, 771)
        mine = conn.execute("SELECT chatter.create_message('mine', author => 9701, model => 'deals', "
                            "document => 1)").fetchone()[0]
    with connect(db) as conn, conn.transaction():
        _as(conn, 771)
        for message in (deal, deal, mine):
            conn.execute("SELECT chatter.star(%s)", (message,))
        assert _starred(conn) == [mine, deal]
        assert _wire_starred(conn, deal) is True
        assert _refused(conn, "SELECT chatter.star(%s)", (pay,)) == "CH003"
        assert _refused(conn, "SELECT chatter.unstar(%s)", (pay,)) == "CH003"
        assert _refused(conn, "SELECT chatter.star(%s)", (pay + 1000,)) == "CH003"
    with connect(db) as conn, conn.transaction():
        _as(conn, 773)                        # carol: alice's stars are not hers
        assert _starred(conn) == []
        assert _wire_starred(conn, deal) is False
        conn.execute("SELECT chatter.star(%s)", (deal,))
        assert _starred(conn) == [deal]
    with connect(db) as conn, conn.transaction():
        _as(conn, 771)
        conn.execute("SELECT chatter.unstar(%s)", (deal,))
        conn.execute("SELECT chatter.unstar(%s)", (deal,))     # nothing left to remove
        assert _starred(conn) == [mine]
        assert _wire_starred(conn, deal) is False
        conn.execute("SELECT chatter.delete_message(%s)", (mine,))
    with connect(db) as conn, conn.transaction():
        _as(conn, 771)
        assert _starred(conn) == []
        assert _refused(conn, "SELECT chatter.star(%s)", (mine,)) == "CH004"
    with connect(db) as admin:
        assert admin.execute("SELECT user_id, message_id FROM chatter.stars").fetchall() == [(773, deal)]
        admin.execute("REVOKE SELECT ON public.deals FROM chatter_app")    # the record is no longer readable
    with connect(db) as conn, conn.transaction():
        _as(conn, 773)                        # the star stays, the view no longer shows it (as on one node)
        assert _starred(conn) == []


def test_refused_stars_stay_refused(seeded, connect):
    """The definer part stars only a message the caller proved readable in its own transaction (CH003
    otherwise), and only for the acting user (it takes no user); chatter_app's own INSERT into chatter.stars,
    for itself or for someone else, and into the staged copy stay refused."""
    db, deal, pay, _private = seeded
    with connect(db) as conn, conn.transaction():
        _as(conn, 771)
        assert _refused(conn, "SELECT chatter_citus.star(%s)", (pay,)) == "CH003"
        assert _refused(conn, "SELECT chatter_citus.star(%s)", (deal,)) == "CH003"   # readable, not proved
        assert _refused(conn, "SELECT chatter_citus.prove_readable(%s)", (pay,)) == "42501"
        conn.execute("SELECT chatter_citus.prove_readable(%s)", (deal,))
        conn.execute("SELECT chatter_citus.star(%s)", (deal,))          # proved: alice's own star, nobody else's
    with connect(db) as conn, conn.transaction():   # (its own transaction: class B after chatter_app's attempts)
        _as(conn, 771)
        for user in (772, 771):
            assert _refused(conn, "INSERT INTO chatter.stars (user_id, message_id) VALUES (%s, %s)", (user, deal)) != ""
        assert _refused(conn, "INSERT INTO chatter_citus.stars (user_id, message_id) VALUES (772, %s)", (deal,)) == "42501"
    with connect(db) as admin:
        assert admin.execute("SELECT user_id, message_id FROM chatter.stars").fetchall() == [(771, deal)]
    with connect(db) as conn, conn.transaction():
        _as(conn, 771)                        # alice's stars staged: the copy is read under stars_own
        conn.execute("SELECT chatter_citus.stage_stars()")
        assert conn.execute("SELECT count(*) FROM chatter_citus.stars").fetchone()[0] == 1
        _as(conn, 772)                        # bob, in the same transaction: not his to see nor to remove
        assert conn.execute("SELECT count(*) FROM chatter_citus.stars").fetchone()[0] == 0
        assert _starred(conn) == []
        conn.execute("SELECT chatter.unstar(%s)", (deal,))
        conn.execute("SELECT chatter_citus.unstar(%s)", (deal,))
    with connect(db) as admin:
        assert admin.execute("SELECT count(*) FROM chatter.stars").fetchone()[0] == 1


@pytest.fixture(scope="module")
def bridge(bridge_db):
    b = Bridge(bridge_db.url)
    yield b
    b.stop()


def kind(frame: dict) -> str | None:
    return (frame.get("data") or {}).get("kind")


def test_a_reaction_reaches_the_members_live(bridge, bridge_db):
    """Through the bridge (CHATTER_CITUS=1) as on one node (tests/test_message_lifecycle.py): a reaction and
    its removal come back in the answer, in GET …/reactions and as channel_message_updated frames to the
    channel's members, none to others."""
    h = bridge_db.headers
    base = f"{bridge.base}/api"
    channel = httpx.post(f"{base}/channels", headers=h("alice"),
                         json={"name": "react-room", "kind": "Private", "members": [2]}).json()
    chat = httpx.post(f"{base}/channels/{channel['id']}/messages", headers=h("alice"), json={"body": "hi"}).json()
    with bridge.ws(bridge_db.tokens["bob"]) as bob_ws, bridge.ws(bridge_db.tokens["carol"]) as carol_ws:
        hello(bob_ws)
        hello(carol_ws)
        r = httpx.post(f"{base}/messages/{chat['id']}/reactions", headers=h("alice"), json={"emoji": "🎉"})
        assert r.status_code == 200, r.text
        assert r.json()["reactions"] == [{"emoji": "🎉", "count": 1, "contacts": [1]}]
        frame = frames_until(bob_ws, lambda f: kind(f) == "channel_message_updated" and f["data"]["message"]["reactions"])
        assert frame["data"]["message_id"] == chat["id"]
        assert frame["data"]["message"]["reactions"] == [{"emoji": "🎉", "count": 1, "contacts": [1]}]
        listed = httpx.get(f"{base}/messages/{chat['id']}/reactions", headers=h("bob"))
        assert listed.status_code == 200, listed.text
        assert listed.json() == [{"emoji": "🎉", "count": 1, "contacts": [1]}]
        refused = httpx.post(f"{base}/messages/{chat['id']}/reactions", headers=h("carol"), json={"emoji": "👍"})
        assert refused.status_code == 404 and refused.json()["code"] == "CH003"
        r = httpx.delete(f"{base}/messages/{chat['id']}/reactions", headers=h("alice"), params={"emoji": "🎉"})
        assert r.status_code == 200 and r.json()["reactions"] == []
        frame = frames_until(bob_ws, lambda f: kind(f) == "channel_message_updated"
                             and not f["data"]["message"]["reactions"])
        assert frame["data"]["message_id"] == chat["id"]
        with pytest.raises(TimeoutError):     # carol is not a member: nothing of it reaches her
            frames_until(carol_ws, lambda f: "updated" in str(kind(f)), timeout=1.0)
