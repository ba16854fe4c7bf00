"""GET /api/search (chatter.search_messages through the bridge): hits with their messages and escaped
snippets, the scopes, the cursor, and the SQL's refusals mapped (CH003 404, CH005 422). The bridge adds no
rule: what a user may find is the database's (sql/tests/search_test.sql has every case)."""

from __future__ import annotations

import pytest


@pytest.fixture
def as_(api, bridge_db):
    class As:
        def __init__(self, user: str) -> None:
            self.h = bridge_db.headers(user)

        def get(self, url: str, **kw):
            return api.get(url, headers=self.h, **kw)

        def post(self, url: str, **kw):
            return api.post(url, headers=self.h, **kw)
    return As


@pytest.fixture(scope="module")
def private(bridge_db):
    """A private channel of alice and carol, and a DM between them, each with one 'kestrel' message."""
    with bridge_db.connect() as conn:
        channel = conn.execute("SELECT chatter.create_channel('kestrel-room', 'Private', 1, '{3}')").fetchone()[0]
        conn.execute("SELECT chatter.channel_post(%s, 1, 'kestrel plans, private')", (channel,))
        dm = conn.execute("SELECT chatter.get_or_create_dm(1, 3)").fetchone()[0]
        conn.execute("SELECT chatter.channel_post(%s, 3, 'kestrel between us')", (dm,))
    return channel


def test_search_finds_record_messages_with_escaped_snippets(as_):
    alice, bob = as_("alice"), as_("bob")
    posted = [alice.post("/api/send_message", json={
        "body": f'<p>The <b>zebrafinch</b> order #{i} <script>alert(1)</script> &lt;i&gt; &amp; co</p>',
        "model": "orders", "document": 1}).json() for i in range(3)]
    alice.post("/api/send_message", json={"body": "zebrafinch on SO002", "model": "orders", "document": 2})
    r = bob.get("/api/search", params={"q": "zebrafinch", "model": "orders", "document": 1})
    assert r.status_code == 200, r.text
    page = r.json()
    assert [h["message_id"] for h in page["hits"]] == [m["id"] for m in reversed(posted)]
    hit = page["hits"][0]
    assert (hit["model"], hit["document"], hit["channel_id"]) == ("orders", 1, None) and hit["rank"] > 0
    assert hit["snippet"] == "The <mark>zebrafinch</mark> order #2 &lt;i&gt; &amp; co"   # a script is no text
    assert hit["message"]["author"]["name"] == "Alice Martin" and "<script" not in hit["message"]["body"]
    assert page["next_before_id"] is None
    # Prefix, phrase, cursor.
    first = bob.get("/api/search", params={"q": "zebraf*", "model": "orders", "document": 1, "limit": 2}).json()
    assert [h["message_id"] for h in first["hits"]] == [posted[2]["id"], posted[1]["id"]]
    assert first["next_before_id"] == posted[1]["id"]
    rest = bob.get("/api/search", params={"q": '"the zebrafinch"', "model": "orders", "document": 1,
                                          "before_id": first["next_before_id"]}).json()
    assert [h["message_id"] for h in rest["hits"]] == [posted[0]["id"]]


def test_search_scopes_and_what_others_cannot_find(as_, private):
    alice, bob, carol = as_("alice"), as_("bob"), as_("carol")
    assert {h["channel_id"] for h in carol.get("/api/search", params={"q": "kestrel"}).json()["hits"]} >= {private}
    assert len(alice.get("/api/search", params={"q": "kestrel"}).json()["hits"]) == 2
    assert bob.get("/api/search", params={"q": "kestrel"}).json()["hits"] == []
    hidden = bob.get("/api/search", params={"q": "kestrel", "channel": private})
    assert hidden.status_code == 404 and hidden.json()["code"] == "CH003"
    one = alice.get("/api/search", params={"q": "kestrel", "channel": private}).json()["hits"]
    assert [h["channel_id"] for h in one] == [private]
    secret = bob.get("/api/search", params={"q": "salaries", "model": "secrets", "document": 1})
    assert secret.status_code == 404 and secret.json()["code"] == "CH003"


def test_search_refusals_and_malformed_queries(as_):
    bob = as_("bob")
    too_long = bob.get("/api/search", params={"q": "x" * 201})
    assert too_long.status_code == 422 and too_long.json()["code"] == "CH005"
    assert "search_chars" in too_long.json()["detail"]
    for malformed in ['"', "!!! ( :* |", "-", "a & | b"]:
        r = bob.get("/api/search", params={"q": malformed})
        assert r.status_code == 200, (malformed, r.text)
    assert bob.get("/api/search", params={"q": "x", "channel": 1, "model": "orders", "document": 1}).status_code == 422
    assert bob.get("/api/search").status_code == 422                      # q is required
    assert bob.get("/api/search", params={"q": "x", "limit": 0}).status_code == 422
