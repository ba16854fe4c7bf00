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



def test_a_subtype_deleted_concurrently_leaves_no_dangling_subtype_id(db_url):
    """messages.subtype_id has no foreign key (messages_subtype_guard). A posted note's subtype is locked
    FOR KEY SHARE by messages_limits: a concurrent DELETE of it waits, then sets the note's subtype_id to NULL.
    The tracking subtype is protected instead (subtypes_protect): the generated function writes its id as a
    constant and takes no lock, so a DELETE of it is refused at once (CH002), not after waiting for the
    tracked transaction, and no Tracking message can name a deleted subtype."""
    with psycopg.connect(db_url, autocommit=True) as admin:
        admin.execute("""
            CREATE TABLE public.leads (id int PRIMARY KEY, stage varchar(20));
            INSERT INTO public.leads VALUES (1, 'new'), (2, 'new');
            SELECT chatter.enable('leads');
        """)
    dangling = ("SELECT count(*) FROM chatter.messages m WHERE m.subtype_id IS NOT NULL "
                "AND NOT EXISTS (SELECT FROM chatter.subtypes s WHERE s.id = m.subtype_id)")
    with psycopg.connect(db_url, autocommit=True) as writer, psycopg.connect(db_url, autocommit=True) as deleter:
        tracking = writer.execute("SELECT id FROM chatter.subtypes WHERE identifier = 'tracking'").fetchone()[0]
        deleter.execute("SET lock_timeout = '300ms'")
        with writer.transaction():
            writer.execute("UPDATE public.leads SET stage = 'won' WHERE id = 1")
            writer.execute("SELECT chatter.log_message('leads', 1, 'a note')")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                deleter.execute("DELETE FROM chatter.subtypes WHERE identifier = 'note'")
            with pytest.raises(psycopg.Error, match="subtype tracking is built in") as refused:
                deleter.execute("DELETE FROM chatter.subtypes WHERE identifier = 'tracking'")
            assert refused.value.sqlstate == "CH002"
        deleter.execute("DELETE FROM chatter.subtypes WHERE identifier = 'note'")
        rows = writer.execute("SELECT message_type::text, subtype_id FROM chatter.messages "
                              "WHERE model = 'leads' ORDER BY id").fetchall()
        assert rows == [("Tracking", tracking), ("Note", None)]
        writer.execute("UPDATE public.leads SET stage = 'lost' WHERE id = 2")
        assert writer.execute("SELECT subtype_id FROM chatter.messages WHERE model = 'leads' ORDER BY id DESC LIMIT 1"
                              ).fetchone() == (tracking,)
        assert writer.execute(dangling).fetchone() == (0,)


# Messages, and calls so far (counts not yet flushed to the statistics: read both before and after a
# statement, in its transaction) of the generated tracking function and of every wake-up function: the
# tracking function wakes the bridges inline (the code of chatter._wake_bridges_sql), calling none of them.
COUNTS = """SELECT (SELECT count(*) FROM chatter.messages),
                   coalesce(pg_stat_get_xact_function_calls(('chatter.track_' || 'public.leads'::regclass::oid)::regproc), 0),
                   coalesce(pg_stat_get_xact_function_calls('chatter._wake(text)'::regprocedure), 0)
                   + coalesce(pg_stat_get_xact_function_calls('chatter._wake_bridges()'::regprocedure), 0)
                   + coalesce(pg_stat_get_xact_function_calls('chatter._wake_bridge()'::regprocedure), 0)"""


@pytest.mark.parametrize("rows", [0, 1, 64, 65, 100_000])
def test_a_tracked_statement_wakes_the_bridges_once(db_url, rows):
    """One wake-up per statement that wrote Tracking messages, whatever its size (0 rows: nothing written,
    none), on both sides of the 64-row switch between the row loop and the bulk query. PostgreSQL folds
    identical NOTIFYs of a transaction into one, so the calls are counted too: the statement runs the
    tracking function once, which holds the wake-up code once, after its INSERT and outside any loop, and
    no wake-up function is called at all (a wake-up trigger fired by its INSERTs, once per INSERT in the
    row loop of small statements before issue 23, would count here)."""
    with psycopg.connect(db_url, autocommit=True) as admin:
        admin.execute("""
            INSERT INTO chatter.contacts (id, name) VALUES (1, 'Alice Martin');
            INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 1, 'alice');
            CREATE TABLE public.leads (id int PRIMARY KEY, stage varchar(20));
            INSERT INTO public.leads SELECT g, 'new' FROM generate_series(1, 100000) g;
            SELECT chatter.enable('leads');
            GRANT SELECT, INSERT, UPDATE ON public.leads TO chatter_app;
        """)
        source = admin.execute("SELECT prosrc FROM pg_proc WHERE oid = ('chatter.track_' || "
                               "'public.leads'::regclass::oid)::regproc").fetchone()[0]
        wake_code = admin.execute("SELECT chatter._wake_bridges_sql()").fetchone()[0]
        # The template's rule, its NOTIFY written as a statement (track_generate): no pg_notify query left.
        notify = "PERFORM pg_catalog.pg_notify('chatter_bridge', '');"
        assert notify in wake_code
        wake_code = wake_code.replace(notify, "NOTIFY chatter_bridge;")
        assert source.count(wake_code) == 1 and "pg_notify" not in source
        # After the last END LOOP of the row loop and after every INSERT: once per statement.
        assert source.index(wake_code) > source.rindex("END LOOP") and source.index(wake_code) > source.rindex("INSERT")
    with psycopg.connect(db_url, autocommit=True) as listener, psycopg.connect(db_url, autocommit=True) as app:
        listener.execute("LISTEN chatter_bridge")
        for statement in (f"UPDATE public.leads SET stage = 'won' WHERE id <= {rows}",
                          f"INSERT INTO public.leads SELECT 100000 + g, 'new' FROM generate_series(1, {rows}) g"):
            with app.transaction():
                app.execute("SET LOCAL track_functions = 'pl'")   # counts this transaction's calls
                app.execute("SET LOCAL ROLE chatter_app")
                app.execute("SET LOCAL chatter.user_id = '1'")
                before = app.execute(COUNTS).fetchone()
                app.execute(statement)
                after = app.execute(COUNTS).fetchone()
                written, tracking_calls, wake_calls = (a - b for a, b in zip(after, before))
            wakeups = sum(1 for n in listener.notifies(timeout=0.5) if n.channel == "chatter_bridge")
            assert written == rows, statement
            assert (tracking_calls, wake_calls) == (1, 0), statement
            assert wakeups == (1 if rows else 0), statement


@pytest.mark.parametrize(("statement", "messages", "wakeups"), [
    ("UPDATE public.leads SET stage = stage WHERE id = 1", [], 0),
    ("UPDATE public.leads SET id = 1002 WHERE id = 2", [(1002, "<ul><li>ID: 2 → 1002</li></ul>")], 1),
    ("UPDATE public.leads SET id = CASE WHEN id = 3 THEN 1003 ELSE id END, stage = 'won' WHERE id IN (3, 4)",
     [(4, "<ul><li>Stage: new → won</li></ul>"), (1003, "<ul><li>ID: 3 → 1003</li></ul>")], 1),
])
def test_single_row_cases_write_and_wake_as_they_should(db_url, statement, messages, wakeups):
    """Around the single-row path, as chatter_app under row-level security, after commit: an UPDATE that
    changes nothing writes nothing and wakes no one; one row whose key changed gets the rekey message; two
    rows whose first is re-keyed get one message each. One wake-up per statement that wrote."""
    with psycopg.connect(db_url, autocommit=True) as admin:
        admin.execute("""
            INSERT INTO chatter.contacts (id, name) VALUES (1, 'Alice Martin');
            INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 1, 'alice');
            CREATE TABLE public.leads (id int PRIMARY KEY, stage varchar(20));
            INSERT INTO public.leads SELECT g, 'new' FROM generate_series(1, 10) g;
            SELECT chatter.enable('leads');
            GRANT SELECT, UPDATE ON public.leads TO chatter_app;
            ALTER TABLE public.leads ENABLE ROW LEVEL SECURITY;
            CREATE POLICY leads_app ON public.leads TO chatter_app USING (id <> 10) WITH CHECK (id <> 10);
        """)
    with psycopg.connect(db_url, autocommit=True) as listener, psycopg.connect(db_url, autocommit=True) as app:
        listener.execute("LISTEN chatter_bridge")
        with app.transaction():
            app.execute("SET LOCAL ROLE chatter_app")
            app.execute("SET LOCAL chatter.user_id = '1'")
            app.execute(statement)
        assert sum(1 for n in listener.notifies(timeout=0.5) if n.channel == "chatter_bridge") == wakeups
    with psycopg.connect(db_url, autocommit=True) as admin:
        rows = admin.execute("""SELECT document, body FROM chatter.messages
                                 WHERE model = 'leads' AND message_type = 'Tracking' AND author_id = 1
                                 ORDER BY document""").fetchall()
        total = admin.execute("SELECT count(*) FROM chatter.messages WHERE model = 'leads'").fetchone()[0]
    assert rows == messages and total == len(messages)


def test_a_key_change_on_a_table_without_tracked_columns_wakes_the_bridges(db_url):
    """A table whose columns are all untracked still logs key changes; a statement of several rows that
    writes them wakes the bridges once (its row loop and bulk query diff nothing, so the count of rows
    written starts from the rekey query's)."""
    with psycopg.connect(db_url, autocommit=True) as admin:
        admin.execute("""
            CREATE TABLE public.notes (id int PRIMARY KEY, content text);
            INSERT INTO public.notes SELECT g, 'note ' || g FROM generate_series(1, 200) g;
            SELECT chatter.enable('notes');
            GRANT SELECT, UPDATE ON public.notes TO chatter_app;
        """)
    with psycopg.connect(db_url, autocommit=True) as listener, psycopg.connect(db_url, autocommit=True) as app:
        listener.execute("LISTEN chatter_bridge")
        for statement in ("UPDATE public.notes SET id = id + 1000 WHERE id IN (1, 2)",    # the row loop
                          "UPDATE public.notes SET id = id + 1000 WHERE id BETWEEN 101 AND 200"):   # bulk
            with app.transaction():
                app.execute("SET LOCAL ROLE chatter_app")
                app.execute(statement)
            assert sum(1 for n in listener.notifies(timeout=0.5) if n.channel == "chatter_bridge") == 1, statement
    with psycopg.connect(db_url, autocommit=True) as admin:
        assert admin.execute("SELECT count(*) FROM chatter.messages WHERE model = 'notes' "
                             "AND body LIKE '<ul><li>ID: unknown → %'").fetchone()[0] == 102
