"""Hostile input against the SQL API, property-based (hypothesis): every call either gives a correct
result or fails with one of chatter's CH0xx errors (or PostgreSQL's own data-exception class for a value
the type itself rejects) and writes nothing. Never an internal error, never half a message."""

from __future__ import annotations

import re

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

from pgchatter import database
from tests.conftest import copy_of

# Values PostgreSQL text cannot hold (NUL) are the driver's business, not ours: filtered out.
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300)
HOSTILE_HTML = st.sampled_from([
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', '<a href="javascript:alert(1)">x</a>',
    "<svg/onload=alert(1)>", "<iframe src=//evil>", '<p style="background:url(javascript:x)">p</p>',
    "<scr<script>ipt>alert(1)</script>", "&lt;script&gt;", "'; DROP TABLE chatter.messages; --",
])
BODY = st.one_of(TEXT, HOSTILE_HTML, st.lists(st.one_of(TEXT, HOSTILE_HTML), max_size=5).map("".join),
                 st.text(max_size=5).map(lambda s: s.replace("\x00", "") * 20_000))
IDENT = st.one_of(TEXT, st.sampled_from([
    'orders"; DROP TABLE chatter.messages; --', "public.orders", "chatter.messages", "pg_catalog.pg_class",
    "orders' OR '1'='1", "", " ", "a" * 200, "Orders", 'weird"name']))
ID = st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1),
               st.sampled_from([0, -1, 1, 2, 3, 999_999]))

# chatter's errors, and what a parameter's own type rejects before chatter runs: data exceptions (22xxx)
# and names that regclass cannot resolve (42P01 undefined table, 42602 invalid name, 3F000 no such schema).
ALLOWED = ("CH", "22", "42P01", "42602", "3F000")
# A three-part name ("a.b.c") is a cross-database reference, which regclass refuses with 0A000.
REGCLASS_ALLOWED = (*ALLOWED, "0A000")
PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def db(settings, deployed_template):
    _, url = copy_of(settings, deployed_template, "pgchatter_hostile")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("""
            INSERT INTO chatter.contacts (id, name, email) VALUES (1, 'Alice', 'alice@example.com'),
                                                                 (2, 'Bob', 'bob@example.com');
            INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 1, 'alice'), (2, 2, 'bob');
            CREATE TABLE public.orders (id int PRIMARY KEY, name varchar(80), stage varchar(20), notes text);
            INSERT INTO public.orders VALUES (1, 'SO1', 'draft', NULL), (2, 'SO2', 'draft', NULL);
            SELECT chatter.enable('orders');
            SELECT chatter.subscribe('orders', 1, ARRAY[1, 2]);
        """)
        channel = conn.execute("SELECT chatter.create_channel('general', 'Public', 1, ARRAY[1, 2])").fetchone()[0]
    yield url, channel
    database.drop_database(url)


def counts(conn: psycopg.Connection) -> tuple[int, ...]:
    return conn.execute("""SELECT (SELECT count(*) FROM chatter.messages), (SELECT count(*) FROM chatter.notifications),
                                  (SELECT count(*) FROM chatter.message_recipients),
                                  (SELECT count(*) FROM chatter.outbox), (SELECT count(*) FROM chatter.attachments)
                        """).fetchone()


def call(url: str, statement, params, *, acting_user: int | None = 1, allowed: tuple[str, ...] = ALLOWED):
    """Run one API call in its own transaction; return (result or None, sqlstate or None), and check that a
    failed call failed with an allowed SQLSTATE (prefix) and left every table as it was."""
    with psycopg.connect(url) as conn:
        before = counts(conn)
        conn.commit()
        try:
            with conn.transaction():
                if acting_user is not None:
                    conn.execute("SELECT set_config('chatter.user_id', %s, true)", (str(acting_user),))
                row = conn.execute(statement, params).fetchone()
            return row, None
        except psycopg.Error as error:
            state = error.sqlstate or ""
            assert state.startswith(allowed), f"{state}: {error}"
            assert counts(conn) == before, "a failed call wrote something"
            return None, state


@PROFILE
@given(body=BODY, subject=st.one_of(st.none(), TEXT), model=st.one_of(st.just("orders"), IDENT),
       document=ID, message_type=st.sampled_from(["Message", "Note", "Tracking"]))
def test_create_message_is_all_or_nothing(db, body, subject, model, document, message_type):
    url, _ = db
    row, state = call(url, "SELECT chatter.create_message(%s, subject => %s, model => %s, document => %s, "
                           "message_type => %s::chatter.message_type)",
                      (body, subject, model, document, message_type))
    if model == "orders" and document in (1, 2):
        assert state is None, "a valid record always accepts a message"
    if state is None:
        with psycopg.connect(url) as conn:
            stored = conn.execute("SELECT body, model, document FROM chatter.messages WHERE id = %s",
                                  (row[0],)).fetchone()
            assert stored == (body, model, document), "stored as given; output paths sanitize"
            payload = conn.execute("SELECT chatter.notification_payload(%s)", (row[0],)).fetchone()[0]
        assert re.search(r"<[^>]*>", payload["body"]) is None, "the push/inbox preview is text, never markup"


@PROFILE
@given(body=BODY, channel_offset=st.sampled_from([0, 0, 1, -10**6]), user=st.sampled_from([1, 2, 3, -1]))
def test_channel_post_is_all_or_nothing(db, body, channel_offset, user):
    url, channel = db
    row, state = call(url, "SELECT chatter.channel_post(%s, %s, %s)", (channel + channel_offset, user, body),
                      acting_user=user)
    if channel_offset == 0 and user in (1, 2) and body.strip(" "):
        assert state is None and row[0] > 0
    if user == 3:
        assert state == "CH004", "an unknown acting user is nobody (SPEC 2a)"
    elif not body.strip(" ") and user in (1, 2):
        assert state == "CH005", "a blank chat message is refused"


@PROFILE
@given(table=IDENT, column=IDENT, on=st.booleans())
def test_identifiers_never_reach_sql_unquoted(db, table, column, on):
    url, _ = db
    _, state = call(url, "SELECT chatter.track_column(%s::regclass, %s::name, %s)", (table, column, on),
                    allowed=REGCLASS_ALLOWED)
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT to_regclass('chatter.messages') IS NOT NULL").fetchone()[0]
    if table != "orders" and table != "public.orders":
        assert state is not None, "only the opted-in table has columns to track"


@PROFILE
@given(model=IDENT, record=ID, kind=IDENT, user=ID, name=st.one_of(st.none(), BODY))
def test_schedule_activity_rejects_cleanly(db, model, record, kind, user, name):
    url, _ = db
    row, state = call(url, "SELECT chatter.schedule_activity(%s, %s, %s, %s, %s)", (model, record, kind, user, name))
    if state is None:
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT count(*) FROM chatter.activities WHERE id = %s", (row[0],)).fetchone()[0] == 1


@PROFILE
@given(name=TEXT, content=st.binary(max_size=2000), mimetype=st.one_of(st.none(), TEXT), document=ID)
def test_add_attachment_is_all_or_nothing(db, name, content, mimetype, document):
    url, _ = db
    call(url, "SELECT chatter.add_attachment(%s, %s, %s, 'orders', %s)", (name, content, mimetype, document))


@PROFILE
@given(limit=st.integers(min_value=-(2**31), max_value=2**31 - 1), before=ID, user=st.sampled_from([1, 2, 3]))
def test_channel_history_bounds(db, limit, before, user):
    url, channel = db
    with psycopg.connect(url) as conn:
        conn.execute("SELECT set_config('chatter.user_id', %s, false)", (str(user),))
        try:
            rows = conn.execute("SELECT id FROM chatter.channel_history(%s, %s, %s)", (channel, limit, before)).fetchall()
        except psycopg.Error as error:
            assert (error.sqlstate or "").startswith(("CH", "22")), error
            return
    assert len(rows) <= max(limit, 0) or limit <= 0


def test_sql_injection_in_enable_is_an_error_not_a_statement(db):
    url, _ = db
    for table in ['orders; DROP TABLE chatter.messages', 'public."orders"" ; --"']:
        _, state = call(url, sql.SQL("SELECT chatter.enable(%s::regclass)"), (table,))
        assert state is not None
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT to_regclass('chatter.messages') IS NOT NULL").fetchone()[0]


@pytest.mark.parametrize(("call_sql", "state"), [
    ("SELECT chatter.create_message('x', model => 'orders', document => 'abc')", "22P02"),
    ("SELECT chatter.create_message('x', model => 'orders', document => '99999999999999999999')", "22003"),
    ("SELECT chatter.channel_post('one', 1, 'x')", "22P02"),
    ("SELECT chatter.schedule_activity('orders', 1, 'activity_call', 1, deadline => 'tomorrow-ish')", "22007"),
    ("SELECT chatter.create_message('x', message_type => 'Shout')", "22P02"),
    ("SELECT chatter.subscribe('orders', 1, '{x}')", "22P02"),
    ("SELECT chatter.create_message(NULL)", "CH005"),
    ("SELECT chatter.subscribe('orders', -1, ARRAY[1])", "CH003"),
])
def test_wrong_types_are_rejected_before_anything_is_written(db, call_sql, state):
    url, _ = db
    _, got = call(url, call_sql, ())
    assert got == state
