"""The HTTP bridge in process (FastAPI TestClient) against a real deployed database: every route of
SPEC sections 5-7, the SQLSTATE -> 4xx mapping, tokens, row-level security seen through HTTP."""

from __future__ import annotations

import pytest


@pytest.fixture
def as_(api, bridge_db):
    """as_("alice").get(...) etc.: requests carrying that user's token."""
    class As:
        def __init__(self, user: str) -> None:
            self.h = bridge_db.headers(user)

        def __getattr__(self, method: str):
            return lambda url, **kw: getattr(api, method)(url, headers={**self.h, **kw.pop("headers", {})}, **kw)
    return As


def test_health_and_docs(api):
    assert api.get("/healthz").json() == {"status": "ok", "database": True, "listening": True}
    assert api.get("/docs").status_code == 200
    spec = api.get("/openapi.json").json()
    assert "/api/send_message" in spec["paths"] and "/api/records/{model}/{document}/messages" in spec["paths"]


def test_tokens(api, bridge_db):
    assert api.get("/api/me").status_code == 401
    bad = api.get("/api/me", headers={"Authorization": "Bearer pgc_nope"})
    assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"
    me = api.get("/api/me", headers=bridge_db.headers("bob")).json()
    assert (me["id"], me["username"], me["name"]) == (2, "bob", "Bob Stone")
    with bridge_db.connect() as conn:
        tok = conn.execute("SELECT chatter.token_create('carol', 'temp')").fetchone()[0]
        assert api.get("/api/me", headers={"Authorization": f"Bearer {tok}"}).status_code == 200
        conn.execute("SELECT chatter.token_revoke(id) FROM chatter.api_tokens WHERE name = 'temp'")
    assert api.get("/api/me", headers={"Authorization": f"Bearer {tok}"}).status_code == 401
    # HTTP takes the header only: a token in a URL would end up in logs, history and Referer headers.
    assert api.get("/api/me", params={"token": bridge_db.tokens["bob"]}).status_code == 401


def test_send_message_feed_inbox(as_):
    alice, bob = as_("alice"), as_("bob")
    before = bob.get("/api/inbox/count").json()["count"]
    r = alice.post("/api/send_message", json={
        "body": '<p onclick="x()">Shipped <script>alert(1)</script><b>today</b>, @carol</p>',
        "subject": "Order shipped", "model": "orders", "document": 1})
    assert r.status_code == 201, r.text
    msg = r.json()
    assert msg["author"] == {"id": 1, "name": "Alice Martin"} and msg["subtype"] == "comment"
    assert "<script" not in msg["body"] and "onclick" not in msg["body"] and "<b>today</b>" in msg["body"]
    feed = bob.get("/api/records/orders/1/messages", params={"limit": 1}).json()
    assert feed["messages"][0]["id"] == msg["id"] and feed["next_before_id"] == msg["id"]
    older = bob.get("/api/records/orders/1/messages", params={"before_id": msg["id"]}).json()
    assert all(m["id"] < msg["id"] for m in older["messages"])
    # bob is the order's contact, carol is mentioned: both get the seed payload in their inbox.
    assert bob.get("/api/inbox/count").json()["count"] == before + 1
    item = bob.get("/api/inbox").json()["notifications"][0]
    assert item["payload"] == {"kind": "message", "model": "orders", "document": 1, "message_id": msg["id"],
                               "title": "Alice Martin", "body": "Order shipped"}
    assert as_("carol").get(f"/api/messages/{msg['id']}/payload").json()["message_id"] == msg["id"]
    audience = {a["contact_id"]: a["via"] for a in alice.get(f"/api/messages/{msg['id']}/audience").json()}
    assert set(audience) == {2, 3}
    assert bob.post("/api/inbox/read", json={}).json()["count"] >= 1
    assert bob.get("/api/inbox/count").json()["count"] == 0
    assert bob.get("/api/inbox", params={"unread_only": True}).json()["notifications"] == []


def test_log_message_and_notify(as_):
    alice, bob = as_("alice"), as_("bob")
    note = alice.post("/api/log_message", json={"model": "orders", "document": 2, "body": "internal"}).json()
    assert note["message_type"] == "Note"
    r = alice.post("/api/notify", json={"model": "orders", "document": 2, "body": "ping", "contacts": [2]})
    assert r.status_code == 200
    feed_ids = [m["id"] for m in bob.get("/api/records/orders/2/messages").json()["messages"]]
    assert note["id"] in feed_ids
    assert bob.get("/api/inbox").json()["notifications"][0]["payload"]["body"] == "ping"


def test_errors_map_to_4xx(as_):
    alice = as_("alice")
    cases = [
        (alice.get("/api/records/secrets/1/messages"), 404, "CH003"),            # not readable = not found
        (alice.post("/api/send_message", json={"body": "x", "model": "secrets", "document": 1}), 404, "CH003"),
        (alice.get("/api/records/orders/99/messages"), 404, "CH003"),
        (alice.get("/api/records/nope/1/messages"), 404, "CH003"),
        (alice.post("/api/send_message", json={"body": "x", "model": "orders", "document": 2, "send": True}),
         422, "CH001"),
        (alice.post("/api/send_message", json={"body": "x", "attachments": [987654]}), 404, None),
        (alice.post("/api/activities", json={"model": "orders", "record": 1, "activity_type": "activity_dance",
                                             "assigned_to": 2}), 422, "CH005"),
        (alice.post("/api/dms", json={"user_id": 1}), 422, "CH005"),
        (alice.post("/api/send_message", json={"body": "bad \u0000 byte"}), 422, None),
    ]
    for response, status, code in cases:
        assert response.status_code == status, (response.request.url, response.text)
        if code:
            assert response.json()["code"] == code, response.text
    for url in ("/api/messages/9223372036854775808", "/api/messages/0", "/api/records/or%20ders/1/messages"):
        assert alice.get(url).status_code == 422
    assert alice.post("/api/send_message", content=b"{not json", headers={"content-type": "application/json"}
                      ).status_code == 422
    assert alice.post("/api/send_message", json={"body": "x", "author": 2}).status_code == 422   # no such field
    assert alice.get("/api/messages/987654321").status_code == 404


def test_failed_request_leaves_nothing(as_, bridge_db):
    with bridge_db.connect() as conn:
        before = conn.execute("SELECT count(*) FROM chatter.messages").fetchone()[0]
        r = as_("alice").post("/api/send_message", json={"body": "x", "model": "orders", "document": 2,
                                                         "send": True})
        assert r.status_code == 422
        assert conn.execute("SELECT count(*) FROM chatter.messages").fetchone()[0] == before


def test_channels_unread_dms(as_):
    alice, bob, carol = as_("alice"), as_("bob"), as_("carol")
    general = alice.post("/api/channels", json={"name": "general-api"}).json()
    assert general["is_member"] and general["kind"] == "Public"
    assert bob.post(f"/api/channels/{general['id']}/join").json()["is_member"]
    posted = bob.post(f"/api/channels/{general['id']}/messages", json={"body": "<i>hello</i><img src=x onerror=1>"})
    assert posted.status_code == 201 and "onerror" not in posted.json()["body"]
    unread = {u["channel_id"]: u["unread"] for u in alice.get("/api/unread").json()}
    assert unread[general["id"]] == 1
    assert alice.post(f"/api/channels/{general['id']}/read", json={}).json()["unread"] == 0
    hist = alice.get(f"/api/channels/{general['id']}/messages").json()
    assert hist["messages"][0]["id"] == posted.json()["id"]
    assert [u["username"] for u in alice.get(f"/api/channels/{general['id']}/members").json()] == ["alice", "bob"]
    assert alice.post(f"/api/channels/{general['id']}/mute", json={"muted": True}).json()["is_muted"] is True

    board = alice.post("/api/channels", json={"name": "board", "kind": "Private", "members": [2]}).json()
    assert carol.get(f"/api/channels/{board['id']}").status_code == 404
    assert board["id"] not in [c["id"] for c in carol.get("/api/channels").json()]
    r = carol.post(f"/api/channels/{board['id']}/messages", json={"body": "let me in"})
    assert r.status_code == 403 and r.json()["code"] == "CH004"
    assert carol.get(f"/api/channels/{board['id']}/messages").status_code == 404

    dm = alice.post("/api/dms", json={"user_id": 2}).json()
    assert bob.post("/api/dms", json={"user_id": 1}).json()["id"] == dm["id"]
    assert dm["kind"] == "Direct" and sorted(dm["dm_user_ids"]) == [1, 2]
    assert carol.get(f"/api/channels/{dm['id']}").status_code == 404
    assert bob.post(f"/api/channels/{general['id']}/leave").status_code == 204


def test_record_label(as_):
    alice = as_("alice")
    assert alice.get("/api/records/orders/1").json() == {"model": "orders", "document": 1, "label": "SO001"}
    assert alice.get("/api/records/orders/999").status_code == 404
    assert alice.get("/api/records/secrets/1").status_code == 404


def test_channel_names_and_archive(as_):
    alice, bob = as_("alice"), as_("bob")
    lobby = alice.post("/api/channels", json={"name": "Lobby-Archive"}).json()
    again = bob.post("/api/channels", json={"name": "lobby-archive"})
    assert again.status_code == 409 and again.json()["code"] == "23505"
    assert "exists already" in again.json()["detail"]
    assert bob.post("/api/channels", json={"name": "lobby-archive", "kind": "Private"}).status_code == 201
    bob.post(f"/api/channels/{lobby['id']}/join")
    refused = bob.post(f"/api/channels/{lobby['id']}/archive")
    assert refused.status_code == 403 and refused.json()["code"] == "CH004"
    assert alice.post(f"/api/channels/{lobby['id']}/archive").json()["is_archived"] is True
    assert bob.post(f"/api/channels/{lobby['id']}/messages", json={"body": "hi"}).status_code == 403
    assert alice.post(f"/api/channels/{lobby['id']}/unarchive").json()["is_archived"] is False
    assert bob.post(f"/api/channels/{lobby['id']}/messages", json={"body": "hi"}).status_code == 201


def test_followers(as_):
    alice = as_("alice")
    followed = alice.post("/api/records/orders/2/followers", json={}).json()
    assert 1 in [c["id"] for c in followed]
    assert 3 in [c["id"] for c in alice.post("/api/records/orders/2/followers", json={"contacts": [3]}).json()]
    assert 3 not in [c["id"] for c in alice.delete("/api/records/orders/2/followers/3").json()]
    assert alice.get("/api/records/secrets/1/followers").status_code == 404


def test_attachments(as_):
    alice, bob = as_("alice"), as_("bob")
    up = alice.post("/api/attachments", files={"file": ("../../etc/report.html", b"<h1>hi</h1>", "text/html")},
                    data={"model": "orders", "document": "1"})
    assert up.status_code == 201, up.text
    info = up.json()
    assert (info["name"], info["mimetype"], info["size"]) == ("report.html", "text/html", 11)
    down = bob.get(f"/api/attachments/{info['id']}")
    assert down.content == b"<h1>hi</h1>" and down.headers["content-disposition"].startswith("attachment")
    assert down.headers["x-content-type-options"] == "nosniff"
    assert info["id"] in [a["id"] for a in bob.get("/api/records/orders/1/attachments").json()]
    loose = alice.post("/api/attachments", files={"file": ("notes.txt", b"mine", "text/plain")}).json()
    assert bob.get(f"/api/attachments/{loose['id']}").status_code == 404     # nobody else's business
    msg = alice.post("/api/send_message", json={"body": "see file", "model": "orders", "document": 1,
                                                "attachments": [loose["id"]]}).json()
    assert [a["id"] for a in msg["attachments"]] == [loose["id"]]
    assert bob.get(f"/api/attachments/{loose['id']}").content == b"mine"     # now on a record bob reads
    private = as_("carol").post("/api/attachments", files={"file": ("p.txt", b"carol's", "text/plain")}).json()
    stolen = bob.post("/api/send_message", json={"body": "gimme", "model": "orders", "document": 1,
                                                 "attachments": [private["id"]]})
    assert stolen.status_code == 404        # one cannot attach a file one cannot see
    secret = alice.post("/api/attachments", files={"file": ("s.txt", b"x", "text/plain")},
                        data={"model": "secrets", "document": "1"})
    assert secret.status_code == 404


def test_activities(as_):
    alice, bob = as_("alice"), as_("bob")
    act = alice.post("/api/activities", json={"model": "orders", "record": 1, "activity_type": "activity_call",
                                              "assigned_to": 2, "name": "Call back", "deadline": "2020-01-01"})
    assert act.status_code == 201, act.text
    a = act.json()
    assert a["state"] == "overdue" and a["assignee"] == 2
    assert a["activity"] in [x["activity"] for x in bob.get("/api/activities", params={"mine": True}).json()]
    assert bob.get("/api/activities/counts").json()["overdue"] >= 1
    assert len(bob.get("/api/activities", params={"model": "orders", "record": 1}).json()) >= 1
    assert bob.post(f"/api/activities/{a['activity']}/done", json={"feedback": "Agreed"}).status_code == 200
    assert "Agreed" in bob.get("/api/records/orders/1/messages").json()["messages"][0]["body"]
    other = alice.post("/api/activities", json={"model": "orders", "record": 1, "activity_type": "activity_todo",
                                                "assigned_to": 1}).json()
    assert alice.delete(f"/api/activities/{other['activity']}").status_code == 204
    assert alice.delete(f"/api/activities/{other['activity']}").status_code == 404
    assert len(alice.get("/api/activity_types").json()) >= 5
    # Edit, reschedule, reassign: the assignee or the one who scheduled it.
    mine = alice.post("/api/activities", json={"model": "orders", "record": 1, "activity_type": "activity_todo",
                                               "assigned_to": 1, "name": "Draft"}).json()
    edited = alice.patch(f"/api/activities/{mine['activity']}", json={"name": "Final", "deadline": "2031-05-06",
                                                                        "assigned_to": 2})
    assert edited.status_code == 200, edited.text
    e = edited.json()
    assert (e["name"], e["deadline"], e["assignee"], e["activity_type"]) == ("Final", "2031-05-06", 2, "activity_todo")
    assert as_("carol").patch(f"/api/activities/{mine['activity']}", json={"name": "x"}).status_code in (403, 404)
    bad = alice.patch(f"/api/activities/{mine['activity']}", json={"deadline": "soon"})
    assert bad.status_code == 422
    assert alice.post("/api/activities", json={"model": "secrets", "record": 1, "activity_type": "activity_call",
                                               "assigned_to": 1}).status_code == 404


def test_push_subscriptions(as_):
    alice, bob = as_("alice"), as_("bob")
    assert alice.get("/api/push/vapid_public_key").json() == {"public_key": None}
    sub = {"endpoint": "https://push.example.invalid/abc", "keys": {"p256dh": "k", "auth": "a"}}
    created = alice.post("/api/push/subscriptions", json=sub)
    assert created.status_code == 201
    again = alice.post("/api/push/subscriptions", json=sub).json()     # same endpoint: replaced
    assert [s["id"] for s in alice.get("/api/push/subscriptions").json()] == [again["id"]]
    assert bob.post("/api/push/subscriptions", json=sub).status_code == 409   # someone else's endpoint
    assert bob.delete(f"/api/push/subscriptions/{again['id']}").status_code == 404
    assert alice.delete(f"/api/push/subscriptions/{again['id']}").status_code == 204


def test_people(as_):
    alice = as_("alice")
    assert [u["username"] for u in alice.get("/api/users", params={"q": "bo"}).json()] == ["bob"]
    assert alice.get("/api/contacts", params={"q": "carol"}).json()[0]["email"] == "carol@example.invalid"
    assert alice.patch("/api/me", params={"notification": "inbox"}).json()["notification"] == "inbox"
    assert alice.patch("/api/me", params={"notification": "loud"}).status_code == 422
    alice.patch("/api/me", params={"notification": "email"})


def test_token_cli(bridge_db):
    from tests.conftest import run_cli

    made = run_cli("token", "create", "carol", "--name", "cli", "--db", bridge_db.name)
    assert made.returncode == 0 and made.stdout.startswith("pgc_"), made.stderr
    listed = run_cli("token", "list", "carol", "--db", bridge_db.name).stdout.splitlines()
    cli_id = next(line.split("\t")[0] for line in listed if "\tcli\t" in line)
    assert run_cli("token", "revoke", cli_id, "--db", bridge_db.name).stdout.strip() == "revoked"
    assert "revoked" in run_cli("token", "list", "carol", "--db", bridge_db.name).stdout
    missing = run_cli("token", "create", "nobody", "--db", bridge_db.name)
    assert missing.returncode == 1 and "no user" in missing.stderr


def test_the_application_row_level_security_reaches_every_route(as_, bridge_db):
    """SPEC 2a through HTTP: a deal the application's own policy hides from Bob answers 404 everywhere, as a
    missing one; the bridge asks SQL and adds no rule of its own."""
    with bridge_db.connect() as conn:
        conn.execute("""
            CREATE TABLE public.deals (id bigint PRIMARY KEY, name text, amount numeric, owner_id bigint);
            ALTER TABLE public.deals ENABLE ROW LEVEL SECURITY;
            CREATE POLICY deals_owner ON public.deals TO chatter_app
                USING (owner_id = current_setting('chatter.user_id')::bigint);
            GRANT SELECT ON public.deals TO chatter_app;
            INSERT INTO public.deals VALUES (1, 'Bob''s deal', 10, 2), (2, 'Alice''s deal', 9999, 1);
            SELECT chatter.enable('deals');
            SELECT chatter.subscribe('deals', 2, '{2}');   -- Bob followed it before it became Alice's
            UPDATE public.deals SET amount = 12345.67 WHERE id = 2;""")
    alice, bob = as_("alice"), as_("bob")
    upload = alice.post("/api/attachments", files={"file": ("terms.pdf", b"%PDF secret", "application/pdf")},
                        data={"model": "deals", "document": "2"})
    assert upload.status_code == 201, upload.text
    file_id = upload.json()["id"]
    msg = alice.post("/api/send_message", json={"body": "Price agreed", "model": "deals", "document": 2,
                                                "attachments": [file_id]}).json()
    act = alice.post("/api/activities", json={"model": "deals", "record": 2, "activity_type": "activity_call",
                                              "assigned_to": 1}).json()
    assert alice.get(f"/api/messages/{msg['id']}").status_code == 200

    hidden = [bob.get(f"/api/messages/{msg['id']}"), bob.get(f"/api/messages/{msg['id']}/audience"),
              bob.get(f"/api/messages/{msg['id']}/payload"), bob.get(f"/api/attachments/{file_id}"),
              bob.get("/api/records/deals/2/messages"), bob.get("/api/records/deals/2/followers"),
              bob.get("/api/records/deals/2/attachments"),
              bob.get("/api/activities", params={"model": "deals", "record": 2}),
              bob.post(f"/api/activities/{act['activity']}/done", json={"feedback": "x"}),
              bob.delete(f"/api/activities/{act['activity']}"),
              bob.post("/api/send_message", json={"body": "me too", "model": "deals", "document": 2}),
              bob.post("/api/records/deals/2/followers", json={}),
              bob.post("/api/send_message", json={"body": "fwd", "model": "deals", "document": 1,
                                                  "attachments": [file_id], "send": True})]
    assert [r.status_code for r in hidden] == [404] * len(hidden), [r.text for r in hidden]
    missing = bob.get("/api/records/deals/99/messages")
    assert (missing.status_code, missing.json()["code"]) == (404, hidden[4].json()["code"])
    assert "12345.67" not in str([r.text for r in hidden])
    assert bob.get("/api/records/deals/1/messages").status_code == 200
    left = bob.delete("/api/records/deals/2/followers/2")     # one always leaves, readable or not
    assert (left.status_code, left.json()) == (200, [])
    assert [c["id"] for c in alice.get("/api/records/deals/2/followers").json()] == [1]
