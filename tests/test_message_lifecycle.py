"""Messages that live (issue 21) through the bridge: edit, delete, reactions, stars, replies and older
pages over HTTP, the SQLSTATE mapping of each refusal, and the frames a real bridge process relays."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.servers import Bridge
from tests.test_bridge_ws import frames_until, hello


@pytest.fixture
def as_(api, bridge_db):
    class As:
        def __init__(self, user: str) -> None:
            self.h = bridge_db.headers(user)

        def __getattr__(self, method: str):
            return lambda url, **kw: getattr(api, method)(url, headers={**self.h, **kw.pop("headers", {})}, **kw)
    return As


def post(as_, user: str, body: str, **kw) -> dict:
    r = as_(user).post("/api/send_message", json={"body": body, "model": "orders", "document": 1, **kw})
    assert r.status_code == 201, r.text
    return r.json()


def test_edit_is_the_authors_and_shows_edited(as_):
    msg = post(as_, "alice", "<p>Teh plan</p>", subject="Plan")
    assert (msg["edited"], msg["deleted"], msg["reactions"], msg["starred"], msg["parent"]) == (
        False, False, [], False, None)
    refused = as_("bob").patch(f"/api/messages/{msg['id']}", json={"body": "mine now"})
    assert refused.status_code == 403 and refused.json()["code"] == "CH004"
    assert refused.json()["hint"] == "not the author"
    r = as_("alice").patch(f"/api/messages/{msg['id']}", json={"body": "<p>The plan<script>x()</script></p>"})
    assert r.status_code == 200, r.text
    edited = r.json()
    assert edited["edited"] and edited["edited_at"] and edited["subject"] == "Plan"
    assert edited["body"] == "<p>The plan</p>"           # sanitized again: the old copy was dropped
    too_long = as_("alice").patch(f"/api/messages/{msg['id']}", json={"body": "x" * 500_001})
    assert too_long.status_code == 422 and too_long.json()["code"] == "CH005"
    assert as_("alice").patch("/api/messages/999999999", json={"body": "x"}).status_code == 404


def test_a_record_one_may_no_longer_read_is_not_found(as_, bridge_db):
    with bridge_db.connect() as conn:   # Alice wrote on the secret before losing access to it
        conn.execute("SET chatter.user_id = '1'")
        secret = conn.execute("SELECT chatter.create_message('salaries', model => 'secrets', document => 1)").fetchone()[0]
    for answer in (as_("alice").patch(f"/api/messages/{secret}", json={"body": "x"}),
                   as_("alice").delete(f"/api/messages/{secret}"),
                   as_("alice").post(f"/api/messages/{secret}/reactions", json={"emoji": "👍"}),
                   as_("alice").put(f"/api/messages/{secret}/star")):
        assert answer.status_code == 404 and answer.json()["code"] == "CH003"


def test_tracking_is_never_edited(as_, bridge_db):
    with bridge_db.connect() as conn:
        conn.execute("SET chatter.user_id = '1'")
        conn.execute("UPDATE public.orders SET state = 'sent' WHERE id = 2")
        tracking = conn.execute("SELECT max(id) FROM chatter.messages WHERE model = 'orders' AND document = 2 "
                                "AND message_type = 'Tracking'").fetchone()[0]
    assert tracking is not None
    r = as_("alice").patch(f"/api/messages/{tracking}", json={"body": "rewritten history"})
    assert r.status_code == 403 and r.json()["code"] == "CH004"
    assert as_("alice").delete(f"/api/messages/{tracking}").status_code == 403


def test_reactions_stars_and_delete(as_):
    msg = post(as_, "alice", "Ship it, @bob?")
    inbox = as_("bob").get("/api/inbox/count").json()["count"]
    r = as_("bob").post(f"/api/messages/{msg['id']}/reactions", json={"emoji": "👍"})
    assert r.status_code == 200, r.text
    as_("carol").post(f"/api/messages/{msg['id']}/reactions", json={"emoji": "👍"})
    as_("carol").post(f"/api/messages/{msg['id']}/reactions", json={"emoji": "🎉"})
    assert as_("bob").get(f"/api/messages/{msg['id']}").json()["reactions"] == [
        {"emoji": "👍", "count": 2, "contacts": [2, 3]}, {"emoji": "🎉", "count": 1, "contacts": [3]}]
    assert as_("bob").get(f"/api/messages/{msg['id']}/reactions").json()[1] == {
        "emoji": "🎉", "count": 1, "contacts": [3]}
    long = as_("bob").post(f"/api/messages/{msg['id']}/reactions", json={"emoji": "x" * 40})
    assert long.status_code == 422 and long.json()["code"] == "CH005"
    r = as_("carol").delete(f"/api/messages/{msg['id']}/reactions", params={"emoji": "🎉"})
    assert r.json()["reactions"] == [{"emoji": "👍", "count": 2, "contacts": [2, 3]}]

    assert as_("bob").put(f"/api/messages/{msg['id']}/star").json()["starred"] is True
    assert as_("alice").get(f"/api/messages/{msg['id']}").json()["starred"] is False
    assert [m["id"] for m in as_("bob").get("/api/starred").json()["messages"]][:1] == [msg["id"]]
    assert msg["id"] not in [m["id"] for m in as_("alice").get("/api/starred").json()["messages"]]

    assert as_("bob").delete(f"/api/messages/{msg['id']}").status_code == 403
    tomb = as_("alice").delete(f"/api/messages/{msg['id']}")
    assert tomb.status_code == 200, tomb.text
    assert (tomb.json()["deleted"], tomb.json()["body"], tomb.json()["reactions"]) == (True, "", [])
    assert as_("bob").get("/api/inbox/count").json()["count"] == inbox - 1
    assert msg["id"] not in [m["id"] for m in as_("bob").get("/api/starred").json()["messages"]]
    gone = as_("bob").post(f"/api/messages/{msg['id']}/reactions", json={"emoji": "👍"})
    assert gone.status_code == 403 and gone.json()["code"] == "CH004"


def test_reply_carries_its_parent(as_):
    parent = post(as_, "alice", "<p>Can we ship <b>Friday</b>?</p>")
    reply = post(as_, "bob", "Yes", parent=parent["id"])
    assert reply["parent"] == {"id": parent["id"], "author": "Alice Martin", "deleted": False,
                               "excerpt": "Can we ship Friday?"}


def test_load_older_pages_past_one_hundred(as_, bridge_db):
    with bridge_db.connect() as conn:
        conn.execute("INSERT INTO public.orders VALUES (3, 'SO003', 'draft', NULL)")
        conn.execute("SELECT chatter.create_message('m' || i, model => 'orders', document => 3) "
                     "FROM generate_series(1, 130) AS i")
    seen, before = [], None
    while True:
        page = as_("bob").get("/api/records/orders/3/messages",
                              params={"limit": 100, **({"before_id": before} if before else {})}).json()
        seen += page["messages"]
        before = page["next_before_id"]
        if before is None:
            break
    assert len([m for m in seen if m["body"].startswith("m")]) == 130


def kind(frame: dict) -> str | None:
    return (frame.get("data") or {}).get("kind")


@pytest.fixture(scope="module")
def bridge(bridge_db):
    b = Bridge(bridge_db.url)
    yield b
    b.stop()


def test_changes_reach_viewers_and_members_live(bridge, bridge_db):
    h = bridge_db.headers
    base = f"{bridge.base}/api"
    channel = httpx.post(f"{base}/channels", headers=h("alice"),
                         json={"name": "life-room", "kind": "Private", "members": [2]}).json()
    chat = httpx.post(f"{base}/channels/{channel['id']}/messages", headers=h("alice"), json={"body": "hi @bob"}).json()
    note = httpx.post(f"{base}/send_message", headers=h("alice"),
                      json={"body": "on the order, @bob", "model": "orders", "document": 1}).json()
    with bridge.ws(bridge_db.tokens["bob"]) as bob_ws, bridge.ws(bridge_db.tokens["carol"]) as carol_ws:
        hello(bob_ws)
        hello(carol_ws)
        bob_ws.send('{"type": "watch", "model": "orders", "document": 1}')
        frames_until(bob_ws, lambda f: f["type"] == "watching")
        httpx.patch(f"{base}/messages/{chat['id']}", headers=h("alice"), json={"body": "hello <b>Bob</b>"})
        frame = frames_until(bob_ws, lambda f: kind(f) == "channel_message_updated")
        assert frame["type"] == "realtime_data" and frame["data"]["message_id"] == chat["id"]
        assert frame["data"]["message"]["body"] == "hello <b>Bob</b>" and frame["data"]["message"]["edited"]
        httpx.post(f"{base}/messages/{chat['id']}/reactions", headers=h("alice"), json={"emoji": "🎉"})
        frame = frames_until(bob_ws, lambda f: kind(f) == "channel_message_updated"
                             and f["data"]["message"]["reactions"])
        assert frame["data"]["message"]["reactions"] == [{"emoji": "🎉", "count": 1, "contacts": [1]}]
        httpx.delete(f"{base}/messages/{note['id']}", headers=h("alice"))
        seen: dict[str, dict] = {}
        frames_until(bob_ws, lambda f: bool(seen.setdefault(kind(f) or "", f)) and {
            "record_message_updated", "notification_removed"} <= seen.keys())
        tomb = seen["record_message_updated"]["data"]
        assert tomb["message_id"] == note["id"] and tomb["message"]["deleted"] and tomb["message"]["body"] == ""
        assert seen["notification_removed"]["data"]["message_id"] == note["id"]
        # Carol is neither a member nor watching: nothing of it reaches her.
        with pytest.raises(TimeoutError):
            frames_until(carol_ws, lambda f: "updated" in str(kind(f)), timeout=1.0)


def catch_up(ws, first: dict, **extra) -> tuple[list[dict], dict]:
    """Ask for what was missed since `first` (a hello frame); the frames, and the caught_up frame."""
    ws.send(json.dumps({"type": "catch_up", "after_message": first["last_message_id"],
                        "after_notification": first["last_notification_id"], **extra}))
    got = []
    while (frame := frames_until(ws, lambda f: True))["type"] != "caught_up":
        got.append(frame)
    return got, frame


def test_catch_up_replays_changes_missed_while_away(bridge, bridge_db):
    """Edits, reactions and deletes of messages one already had, made while one's socket was closed, come
    back on catch_up (after_event): each message once, in its state now; a removed notification is named.
    Who neither is a member nor watches the record gets none of them, however far back it asks."""
    h = bridge_db.headers
    base = f"{bridge.base}/api"
    channel = httpx.post(f"{base}/channels", headers=h("alice"),
                         json={"name": "away-room", "kind": "Private", "members": [2]}).json()
    chat = httpx.post(f"{base}/channels/{channel['id']}/messages", headers=h("alice"), json={"body": "draft"}).json()
    note = httpx.post(f"{base}/send_message", headers=h("alice"),
                      json={"body": "soon gone, @bob", "model": "orders", "document": 1}).json()
    with bridge.ws(bridge_db.tokens["bob"]) as ws:
        first = hello(ws)
    with bridge.ws(bridge_db.tokens["carol"]) as ws:
        carol_first = hello(ws)
    assert first["last_event_id"] == carol_first["last_event_id"]
    assert first["last_message_id"] >= note["id"]
    # While bob is away: an edit and a reaction on the chat message, the note on the order deleted.
    httpx.patch(f"{base}/messages/{chat['id']}", headers=h("alice"), json={"body": "final <b>text</b>"})
    httpx.post(f"{base}/messages/{chat['id']}/reactions", headers=h("alice"), json={"emoji": "👍"})
    httpx.delete(f"{base}/messages/{note['id']}", headers=h("alice"))

    with bridge.ws(bridge_db.tokens["bob"]) as ws:
        hello(ws)
        ws.send(json.dumps({"type": "watch", "model": "orders", "document": 1}))
        frames_until(ws, lambda f: f["type"] == "watching")
        got, done = catch_up(ws, first, after_event=first["last_event_id"])
    updated = [f for f in got if kind(f) in ("channel_message_updated", "record_message_updated")]
    assert [f["data"]["message_id"] for f in updated] == [chat["id"], note["id"]]   # each once, in id order
    edited = updated[0]["data"]
    assert edited["message"]["body"] == "final <b>text</b>" and edited["message"]["edited"]
    assert edited["message"]["reactions"] == [{"emoji": "👍", "count": 1, "contacts": [1]}]
    assert updated[1]["data"]["message"]["deleted"] and updated[1]["data"]["message"]["body"] == ""
    assert [f["data"]["message_id"] for f in got if kind(f) == "notification_removed"] == [note["id"]]
    assert done["last_event_id"] >= max(f["data"]["event_id"] for f in updated) > first["last_event_id"]
    assert done["complete"]

    # Again from there: nothing more to replay.
    with bridge.ws(bridge_db.tokens["bob"]) as ws:
        again = hello(ws)
        got, _ = catch_up(ws, again, after_event=done["last_event_id"])
    assert not [f for f in got if "updated" in str(kind(f)) or kind(f) == "notification_removed"]

    # Carol is not in the channel and cannot watch what she may not see: nothing of it, even from event 0.
    with bridge.ws(bridge_db.tokens["carol"]) as ws:
        hello(ws)
        got, done = catch_up(ws, carol_first, after_event=0)
    assert not [f for f in got if f.get("data", {}).get("message_id") in (chat["id"], note["id"])]
    assert done["last_event_id"] >= max(f["data"]["event_id"] for f in updated)
