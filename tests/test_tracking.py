"""Tracking seen from outside: an application writing plain SQL, and what it NOTIFYs after commit."""

from __future__ import annotations

import psycopg
import pytest


def test_plain_sql_is_tracked_and_wakes_the_bridges_once(db_url):
    """A tracked statement sends one NOTIFY in all: the throttled wake-up of the bridges, which read the
    Tracking messages and tell the record's viewers (record_changed). The triggers send none of their own."""
    with psycopg.connect(db_url, autocommit=True) as admin:
        admin.execute("""
            INSERT INTO chatter.contacts (id, name) VALUES (1, 'Alice Martin');
            INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 1, 'alice');
            CREATE TABLE public.leads (id int PRIMARY KEY, name varchar(80), stage varchar(20));
            INSERT INTO public.leads SELECT g, 'Lead ' || g, 'new' FROM generate_series(1, 100) g;
            SELECT chatter.enable('leads');
            GRANT SELECT, UPDATE ON public.leads TO chatter_app;
        """)

    with psycopg.connect(db_url, autocommit=True) as listener, psycopg.connect(db_url, autocommit=True) as app:
        listener.execute("LISTEN chatter_realtime; LISTEN chatter_bridge")
        for ids in ("id <= 30", "id = 31"):    # the bulk path and the single-row path
            with app.transaction():
                app.execute("SET LOCAL ROLE chatter_app")
                app.execute("SET LOCAL chatter.user_id = '1'")
                app.execute(f"UPDATE public.leads SET stage = 'won' WHERE {ids}")
            events = [(n.channel, n.payload) for n in listener.notifies(timeout=0.5)]
            assert events == [("chatter_bridge", "")], ids

    with psycopg.connect(db_url, autocommit=True) as admin:
        rows = admin.execute("""SELECT count(*), min(body), min(author_id) FROM chatter.messages
                                 WHERE model = 'leads' AND message_type = 'Tracking'""").fetchone()
    assert rows == (31, "<ul><li>Stage: new → won</li></ul>", 1)


def test_realtime_switch_silences_the_wakeup(db_url):
    with psycopg.connect(db_url, autocommit=True) as admin:
        admin.execute("""CREATE TABLE public.leads (id int PRIMARY KEY, stage varchar(20));
                         INSERT INTO public.leads VALUES (1, 'new');
                         SELECT chatter.enable('leads');""")
    with psycopg.connect(db_url, autocommit=True) as listener, psycopg.connect(db_url, autocommit=True) as app:
        listener.execute("LISTEN chatter_realtime; LISTEN chatter_bridge")
        with app.transaction():
            app.execute("SET LOCAL chatter.realtime = 'off'")
            app.execute("UPDATE public.leads SET stage = 'won'")
        assert list(listener.notifies(timeout=0.3)) == []
        count = app.execute("SELECT count(*) FROM chatter.messages WHERE body LIKE '%won%'").fetchone()[0]
        assert count == 1, "the message is still written"


def test_bulk_tracking_holds_its_author_against_a_concurrent_delete(db_url):
    """The bulk path skips the per-row FK checks; the one key-share lock it takes instead must make a
    concurrent DELETE of the author wait, as the FK checks would, so no message can point at a deleted
    contact."""
    with psycopg.connect(db_url, autocommit=True) as admin:
        admin.execute("""
            INSERT INTO chatter.contacts (id, name) VALUES (1, 'Alice Martin');
            INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 1, 'alice');
            CREATE TABLE public.leads (id int PRIMARY KEY, stage varchar(20));
            INSERT INTO public.leads SELECT g, 'new' FROM generate_series(1, 500) g;
            SELECT chatter.enable('leads');
        """)
    with psycopg.connect(db_url, autocommit=True) as writer, psycopg.connect(db_url, autocommit=True) as deleter:
        with writer.transaction():
            writer.execute("SET LOCAL chatter.user_id = '1'")
            writer.execute("UPDATE public.leads SET stage = 'won'")
            deleter.execute("SET lock_timeout = '300ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                deleter.execute("DELETE FROM chatter.users WHERE id = 1; DELETE FROM chatter.contacts WHERE id = 1")
        count = writer.execute("SELECT count(*) FROM chatter.messages WHERE author_id = 1").fetchone()[0]
        assert count == 500
