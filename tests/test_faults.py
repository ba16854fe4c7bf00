"""Faults the services must ride out by themselves: PostgreSQL restarted under a bridge, a WebSocket client
that never reads, hostile HTML on every output path (HTTP, WebSocket, email). The listener's own faults
(kill -9 mid-batch, SMTP down, PostgreSQL restarted, push 404/410/429/5xx) are in test_listener*.py."""

from __future__ import annotations

import json
import socket
import time
from email import message_from_bytes

import httpx
import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listener.mail import _body as mail_body
from pgchatter.html import sanitize
from tests.conftest import BRIDGE_SEED
from tests.servers import Bridge
from tests.test_bridge_ws import frames_until, hello

HOSTILE = st.lists(st.one_of(
    st.sampled_from(["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "<svg/onload=alert(1)>",
                     '<a href="javascript:alert(1)">x</a>', '<a href=" JaVaScRiPt:alert(1)">y</a>',
                     "<scr<script>ipt>alert(2)</script>", '<iframe src="//evil.example"></iframe>',
                     '<p style="background:url(javascript:alert(1))">p</p>', "<b>bold</b>", "<p>para</p>",
                     '<div onclick="x()">d</div>', "<object data=x></object>", "<style>*{}</style>",
                     '<form action="javascript:x"><input></form>', "&lt;script&gt;", "<!--<script>-->"]),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20),
), min_size=1, max_size=8).map("".join)


def assert_inert(html: str) -> None:
    lowered = html.lower()
    for needle in ("<script", "<iframe", "<object", "<style", "<svg", "<form", "javascript:", "onerror", "onload",
                   "onclick", " style="):
        assert needle not in lowered, f"{needle!r} survived in {html!r}"


@settings(max_examples=300, deadline=None)
@given(body=HOSTILE)
def test_the_sanitizer_leaves_nothing_active(body):
    assert_inert(sanitize(body))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=HOSTILE)
def test_hostile_html_is_inert_over_http_and_in_email(api, bridge_db, body):
    headers = bridge_db.headers("alice")
    sent = api.post("/api/send_message", headers=headers, json={"body": body, "model": "orders", "document": 2})
    if not body.strip():
        return
    assert sent.status_code == 201, sent.text
    assert_inert(sent.json()["body"])
    feed = api.get("/api/records/orders/2/messages?limit=1", headers=headers).json()
    assert feed["messages"][0]["id"] == sent.json()["id"]
    assert_inert(feed["messages"][0]["body"])
    mime = message_from_bytes(mail_body(body, "", [], {}))
    html_part = next(p for p in mime.walk() if p.get_content_type() == "text/html")
    assert_inert(html_part.get_payload(decode=True).decode())


def test_postgres_restart_under_the_bridge(own_cluster):
    """HTTP requests fail cleanly (never a 500 page of a crash) while PostgreSQL is down, then succeed with
    no restart of the bridge; its LISTEN connection comes back and frames flow again."""
    cluster, url = own_cluster
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(BRIDGE_SEED)
        tokens = {u: conn.execute("SELECT chatter.token_create(%s, 'faults')", (u,)).fetchone()[0]
                  for u in ("alice", "carol")}
    bridge = Bridge(url, {"CHATTER_BRIDGE_POLL": "0.2"})
    alice = {"Authorization": f"Bearer {tokens['alice']}"}
    try:
        cluster.stop()
        down = httpx.get(f"{bridge.base}/api/inbox/count", headers=alice, timeout=10)
        assert down.status_code == 503, down.text
        cluster.start()
        deadline = time.monotonic() + 30
        while True:
            answer = httpx.get(f"{bridge.base}/api/inbox/count", headers=alice, timeout=10)
            if answer.status_code == 200:
                break
            assert answer.status_code == 503 and time.monotonic() < deadline, answer.text
            time.sleep(0.2)
        with bridge.ws(tokens["carol"]) as ws:
            hello(ws)
            sent = httpx.post(f"{bridge.base}/api/send_message", headers=alice, timeout=10,
                              json={"body": "after the restart, @carol", "model": "orders", "document": 1})
            assert sent.status_code == 201, sent.text
            frame = frames_until(ws, lambda f: f["type"] == "activity_update" and f["data"]["kind"] == "message",
                                 timeout=15)
            assert frame["data"]["message_id"] == sent.json()["id"]
        assert bridge.proc.poll() is None, "the bridge recovered by itself"
    finally:
        bridge.stop()


def test_a_websocket_client_that_never_reads(bridge_db):
    """A socket that never reads fills its queue and is cut loose; a reader on the same bridge gets every
    frame meanwhile."""
    bridge = Bridge(bridge_db.url)
    alice = bridge_db.headers("alice")
    try:
        channel = httpx.post(f"{bridge.base}/api/channels", headers=alice,
                             json={"name": f"firehose-{time.monotonic_ns()}", "kind": "Private",
                                   "members": [2]}).json()
        # The stalled client: a raw WebSocket handshake, then never a read.
        stalled = socket.create_connection(("127.0.0.1", bridge.port))
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.sendall((f"GET /api/ws?token={bridge_db.tokens['bob']} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        with bridge.ws(bridge_db.tokens["bob"]) as reader:
            hello(reader)
            big = "<p>" + "x" * 60_000 + "</p>"
            ids = []
            for _ in range(120):
                posted = httpx.post(f"{bridge.base}/api/channels/{channel['id']}/messages", headers=alice,
                                    json={"body": big}, timeout=10)
                assert posted.status_code in (200, 201), posted.text
                ids.append(posted.json()["id"])
            got = []
            while len(got) < len(ids):
                frame = frames_until(reader, lambda f: f["type"] == "realtime_data", timeout=20)
                got.append(frame["data"]["message_id"])
            assert got == ids, "the reader got every frame, in order"
        assert bridge.proc.poll() is None
        stalled.close()
        health = httpx.get(f"{bridge.base}/healthz", timeout=5)
        assert health.status_code == 200 and json.loads(health.text)
    finally:
        bridge.stop()
