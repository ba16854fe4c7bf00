"""Bounded work per request (issue 18), against a real bridge process: the SQL limits reach the API as
422s naming the limit and write nothing; bodies are sanitized once and served from the stored copy;
remote images never survive sanitizing; the relay computes a notification payload once per message,
not once per recipient."""

from __future__ import annotations

import json
import time

import httpx
import psycopg
import pytest

from listener.mail import _body
from pgchatter import database
from pgchatter.html import Sanitizer, sanitize
from tests.conftest import BRIDGE_SEED, copy_of
from tests.servers import Bridge

FOLLOWERS = 300


@pytest.fixture(scope="module")
def world(settings, deployed_template):
    """A database with the bridge seed, FOLLOWERS more users following order 1, and function call
    counting on (track_functions) for the relay's connection; a bridge process on it."""
    name, url = copy_of(settings, deployed_template, "pgchatter_bounded")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(BRIDGE_SEED)
        conn.execute(f"""
            INSERT INTO chatter.contacts (id, name, email)
            SELECT 100 + g, 'Follower ' || g, 'f' || g || '@example.invalid' FROM generate_series(1, {FOLLOWERS}) AS g;
            INSERT INTO chatter.users (id, contact_id, username, notification)
            SELECT 100 + g, 100 + g, 'follower' || g, 'inbox' FROM generate_series(1, {FOLLOWERS}) AS g;
            SELECT chatter.subscribe('orders', 1, (SELECT array_agg(100 + g) FROM generate_series(1, {FOLLOWERS}) AS g));
        """)
        conn.execute(f"ALTER DATABASE {name} SET track_functions = 'pl'")
        tokens = {user: conn.execute("SELECT chatter.token_create(%s, 'tests')", (user,)).fetchone()[0]
                  for user in ("alice", "bob")}
    bridge = Bridge(url)
    yield bridge, url, tokens
    bridge.stop()
    database.drop_database(url)


def post(world, body: str, **extra) -> httpx.Response:
    bridge, _, tokens = world
    return httpx.post(f"{bridge.base}/api/send_message", headers={"Authorization": f"Bearer {tokens['alice']}"},
                      json={"body": body, "model": "orders", "document": 1, **extra}, timeout=60)


def count(url: str, query: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(query).fetchone()[0]


@pytest.mark.parametrize(("body", "limit"), [
    ("<div>" * 20_000, "nesting_depth"),                    # sanitizing it took 8 s per read before
    ("<span><div></span>" * 200, "nesting_depth"),
    ("a" * 500_001, "body_chars"),
    ("@[2] " * 45_000, "mentions"),                         # queued 10,001 emails in 2 s before
])
def test_a_body_over_a_limit_is_refused_naming_it_and_writes_nothing(world, body, limit):
    _, url, _ = world
    before = count(url, "SELECT count(*) FROM chatter.messages") + count(url, "SELECT count(*) FROM chatter.outbox")
    started = time.monotonic()
    answer = post(world, body, send=True)
    assert answer.status_code == 422, answer.text[:300]
    assert answer.json()["code"] == "CH005" and f"chatter.limits {limit}" in answer.json()["detail"]
    assert time.monotonic() - started < 10
    assert count(url, "SELECT count(*) FROM chatter.messages") + count(url, "SELECT count(*) FROM chatter.outbox") == before


def test_too_many_recipients_are_refused(world):
    _, url, _ = world
    contacts = list(range(101, 101 + FOLLOWERS)) + [1, 2, 3]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE chatter.limits SET value = 100 WHERE name = 'recipients'")
    try:
        answer = post(world, "to everyone", contacts=contacts, send=True)
        assert answer.status_code == 422 and "chatter.limits recipients" in answer.json()["detail"]
        assert post(world, "to a hundred", contacts=contacts[:100]).status_code == 201
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("UPDATE chatter.limits SET value = 500 WHERE name = 'recipients'")


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_bodies_are_sanitized_once_and_served_from_the_stored_copy(world):
    bridge, url, tokens = world
    auth = {"Authorization": f"Bearer {tokens['bob']}"}
    text = "<p>" + "words " * 400 + "</p>"     # over STORE_CHARS: short bodies are sanitized, not stored
    posted = post(world, f'<p>hi<script>x()</script><img src="https://tracker.example/p.gif" alt="pixel"></p>{text}')
    assert posted.status_code == 201
    served = posted.json()["body"]
    assert served == f'<p>hi<img alt="pixel"></p>{text}'
    # Stored at write time by the relay (or by the read that answered the POST), exactly as served.
    stored = wait_for(lambda: count(url, f"SELECT body_html FROM chatter.messages WHERE id = {posted.json()['id']}"))
    assert stored == served

    # Reads serve the stored copy, not a fresh sanitizing of the body: here one made different on purpose.
    with psycopg.connect(url, autocommit=True) as conn:
        message = conn.execute("SELECT chatter.create_message(%s, model => 'orders', document => 2)",
                               (f"<b>plain</b>{text}",)).fetchone()[0]
    wait_for(lambda: count(url, f"SELECT body_html FROM chatter.messages WHERE id = {message}"))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE chatter.messages SET body_html = '<i>the stored copy</i>' WHERE id = %s", (message,))
    feed = httpx.get(f"{bridge.base}/api/records/orders/2/messages", headers=auth).json()["messages"]
    assert [m["body"] for m in feed if m["id"] == message] == ["<i>the stored copy</i>"]

    # A message without a copy (written while no bridge ran, here: its body changed) is sanitized on its
    # first read and stored for the next.
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE chatter.messages SET body = %s WHERE id = %s", (f"<u>changed</u><script>y()</script>{text}", message))
        assert conn.execute("SELECT body_html FROM chatter.messages WHERE id = %s", (message,)).fetchone()[0] is None
    feed = httpx.get(f"{bridge.base}/api/records/orders/2/messages", headers=auth).json()["messages"]
    assert [m["body"] for m in feed if m["id"] == message] == [f"<u>changed</u>{text}"]
    assert wait_for(lambda: count(url, f"SELECT body_html FROM chatter.messages WHERE id = {message}")) == f"<u>changed</u>{text}"


def test_the_relay_computes_a_payload_once_per_message(world):
    """A message to 300 followers: 300 notification frames, one notification_payload call (the relay
    made one per recipient, so a 1 MB body to 1,001 followers held every frame up for 67 s)."""
    bridge, url, tokens = world

    def calls() -> int:
        with psycopg.connect(url, autocommit=True) as conn:
            return conn.execute("SELECT coalesce(sum(calls), 0) FROM pg_stat_user_functions "
                                "WHERE funcname = 'notification_payload'").fetchone()[0]

    def settled() -> int:
        """The count once the relay's backend has reported (it does when idle, a second or so later)."""
        last = calls()
        while True:
            time.sleep(1.5)
            now = calls()
            if now == last:
                return now
            last = now

    before = settled()   # earlier tests' messages counted too
    with psycopg.connect(url, autocommit=True) as conn:
        last = conn.execute("SELECT coalesce(max(id), 0) FROM chatter.notifications").fetchone()[0]
    with bridge.ws(tokens["bob"]) as ws:
        json.loads(ws.recv(timeout=5))   # hello
        assert post(world, "for every follower " + "lorem ipsum " * 20_000).status_code == 201
        # Bob is the record's contact, one of 300 + 1 recipients; his frame comes once the relay read them.
        deadline = time.monotonic() + 10
        while True:
            frame = json.loads(ws.recv(timeout=max(deadline - time.monotonic(), 0.1)))
            if frame["type"] == "activity_update" and frame["data"]["kind"] == "message":
                assert frame["data"]["body"].startswith("for every follower lorem ipsum")
                break
    assert count(url, f"SELECT count(*) FROM chatter.notifications WHERE id > {last}") > FOLLOWERS

    made = settled() - before
    assert 1 <= made <= 2, f"notification_payload ran {made} times for one message to {FOLLOWERS + 1} users"


def test_remote_images_are_dropped_unless_their_host_is_allowed():
    html = ('<img src="https://tracker.example/p.gif" alt="a"><img src="//tracker.example/q.gif">'
            '<img src="/api/attachments/3"><img src="https://cdn.example/logo.png">')
    assert sanitize(html) == '<img alt="a"><img><img src="/api/attachments/3"><img>'
    allowed = Sanitizer(frozenset({"cdn.example"}))(html)
    assert 'src="https://cdn.example/logo.png"' in allowed and "tracker" not in allowed
    assert sanitize('<a href="https://example.org/"><img src="https://example.org/x"></a>') == \
        '<a href="https://example.org/" rel="noopener noreferrer"><img></a>', "links stay, images go"
    mime = _body(html, "", [], {}).decode()   # the email's parts
    assert "tracker.example" not in mime and 'src=3D"/api/attachments' in mime   # quoted-printable
