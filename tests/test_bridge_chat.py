"""Chat notifications and follower subtypes through the HTTP bridge (FastAPI TestClient) against a real
deployed database: a DM's bell entry names the conversation; each follower's subtypes are read back, one's
own are edited, another's are refused (403) and a hidden record's are not found (404)."""

from __future__ import annotations

import pytest


@pytest.fixture
def as_(api, bridge_db):
    def user(name: str):
        headers = bridge_db.headers(name)

        class As:
            def __getattr__(self, method: str):
                return lambda url, **kw: getattr(api, method)(url, headers=headers, **kw)
        return As()
    return user


def test_a_dm_reaches_the_other_member_with_its_conversation(as_):
    alice, carol = as_("alice"), as_("carol")
    dm = alice.post("/api/dms", json={"user_id": 3}).json()
    carol.post(f"/api/channels/{dm['id']}/read", json={})
    before = carol.get("/api/inbox/count").json()["count"]
    msg = alice.post(f"/api/channels/{dm['id']}/messages", json={"body": "<p>Coffee at ten?</p>"}).json()
    assert carol.get("/api/inbox/count").json()["count"] == before + 1
    item = carol.get("/api/inbox").json()["notifications"][0]
    assert item["message_id"] == msg["id"]
    assert item["payload"] == {"kind": "message", "model": None, "document": None, "message_id": msg["id"],
                               "title": "Alice Martin", "body": "Coffee at ten?", "channel_id": dm["id"],
                               "channel_name": dm["name"], "channel_kind": "Direct", "partner_name": "Alice Martin"}
    assert alice.get("/api/inbox").json()["notifications"][:1] != [item], "the author is not notified"
    # Reading the conversation reads its bell entry.
    carol.post(f"/api/channels/{dm['id']}/read", json={})
    assert carol.get("/api/inbox/count").json()["count"] == before


def test_a_channel_post_notifies_only_whom_it_mentions(as_):
    alice, bob, carol = as_("alice"), as_("bob"), as_("carol")
    ch = alice.post("/api/channels", json={"name": "chat-notify-room", "kind": "Private", "members": [2, 3]}).json()
    counts = {u: as_(u).get("/api/inbox/count").json()["count"] for u in ("bob", "carol")}
    alice.post(f"/api/channels/{ch['id']}/messages", json={"body": "hello all"})
    alice.post(f"/api/channels/{ch['id']}/messages", json={"body": "@carol a question"})
    assert bob.get("/api/inbox/count").json()["count"] == counts["bob"]
    assert carol.get("/api/inbox/count").json()["count"] == counts["carol"] + 1
    payload = carol.get("/api/inbox").json()["notifications"][0]["payload"]
    assert (payload["channel_id"], payload["channel_name"], payload["channel_kind"], payload["partner_name"]) == (
        ch["id"], "chat-notify-room", "Private", None)


def test_follower_subtypes_read_back_and_edited(as_):
    alice, bob = as_("alice"), as_("bob")
    # The database is the session's: Alice alone follows, and leaves at the end (others' tests count on
    # order 2 having no email recipient but its author).
    assert alice.post("/api/records/orders/2/followers", json={}).status_code == 200
    try:
        _subscriptions(alice, bob)
    finally:
        alice.delete("/api/records/orders/2/followers/1")


def _subscriptions(alice, bob):
    subs = {f["contact_id"]: f["subtypes"] for f in alice.get("/api/records/orders/2/subscriptions").json()}
    assert "comment" in subs[1] and "note" not in subs[1]
    r = alice.put("/api/records/orders/2/subscriptions/1", json={"subtypes": ["comment", "note"]})
    assert r.status_code == 200, r.text
    assert {f["contact_id"]: f["subtypes"] for f in r.json()}[1] == ["comment", "note"]
    assert {f["contact_id"]: f["subtypes"] for f in bob.get("/api/records/orders/2/subscriptions").json()}[1] == [
        "comment", "note"], "every reader of the record sees each follower's choice"
    refused = alice.put("/api/records/orders/2/subscriptions/2", json={"subtypes": []})
    assert refused.status_code == 403 and refused.json()["code"] == "CH004", "another's subscription is theirs"
    assert alice.put("/api/records/orders/2/subscriptions/1", json={"subtypes": ["nope"]}).status_code == 422
    assert alice.get("/api/records/secrets/1/subscriptions").status_code == 404
    assert alice.put("/api/records/secrets/1/subscriptions/1", json={"subtypes": []}).status_code == 404
    offered = [s["identifier"] for s in alice.get("/api/models/orders/subtypes").json()]
    assert {"comment", "note", "activities"} <= set(offered)
