"""The listener's wake-up: a NOTIFY on chatter_outbox, at most one among concurrent transactions."""

from __future__ import annotations

POST = "SELECT chatter.create_message('Hi', model => 'leads', document => 1, send => true)"


def _setup(deployed_db, connect) -> None:
    with connect(deployed_db) as admin:
        admin.execute("""
            INSERT INTO chatter.contacts (id, name, email) VALUES (1, 'Alice', 'alice@example.com');
            CREATE TABLE public.leads (id int PRIMARY KEY, contact_id bigint REFERENCES chatter.contacts);
            INSERT INTO public.leads VALUES (1, 1);
            SELECT chatter.enable('leads', contact_columns => '{contact_id}', track => false);
        """)


def _wakeups(listener) -> int:
    return sum(1 for n in listener.notifies(timeout=0.5) if n.channel == "chatter_outbox")


def test_concurrent_writers_share_one_wakeup(deployed_db, connect):
    _setup(deployed_db, connect)
    with connect(deployed_db) as listener, connect(deployed_db) as a, connect(deployed_db) as b:
        listener.execute("LISTEN chatter_outbox")
        with a.transaction(), b.transaction():
            a.execute(POST)   # holds the wake-up lock until it commits
            b.execute(POST)   # sees it held: its job is picked up by the same drain
        assert _wakeups(listener) == 1, "two concurrent transactions, one NOTIFY"
        jobs = a.execute("SELECT count(*) FROM chatter.outbox WHERE status = 'pending'").fetchone()[0]
        assert jobs == 2, "no job is lost for the skipped wake-up"

        with a.transaction():
            a.execute(POST)
        assert _wakeups(listener) == 1, "a lone transaction wakes the listener"


def test_wakeups_can_be_switched_off(deployed_db, connect):
    _setup(deployed_db, connect)
    with connect(deployed_db) as listener, connect(deployed_db) as app:
        listener.execute("LISTEN chatter_outbox")
        with app.transaction():
            app.execute("SET LOCAL chatter.wakeups = 'off'")
            app.execute(POST)
        assert _wakeups(listener) == 0
        assert app.execute("SELECT count(*) FROM chatter.outbox").fetchone()[0] == 1


def test_a_plain_insert_by_the_application_wakes_the_bridges(deployed_db, connect):
    """An application granted INSERT on chatter.messages writes chat rows with plain SQL, as chatter_app under
    the channel policy: its transaction wakes the bridges like chatter's own writers (it was a WARNING and no
    NOTIFY while chatter_app could not execute chatter._wake)."""
    with connect(deployed_db) as admin:
        admin.execute("""
            INSERT INTO chatter.contacts (id, name, email) VALUES (1, 'Alice', 'alice@example.com');
            INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 1, 'alice');
            GRANT INSERT ON chatter.messages TO chatter_app;
        """)
        channel = admin.execute("SELECT chatter.create_channel('plain', 'Public', 1)").fetchone()[0]
    with connect(deployed_db) as listener, connect(deployed_db) as app:
        listener.execute("LISTEN chatter_bridge")
        warnings = []
        app.add_notice_handler(lambda notice: warnings.append(notice.message_primary))
        with app.transaction():
            app.execute("SET LOCAL ROLE chatter_app")
            app.execute("SET LOCAL chatter.user_id = '1'")
            app.execute("INSERT INTO chatter.messages (channel_id, body) VALUES (%s, 'plain SQL')", (channel,))
        assert warnings == []
        assert sum(1 for n in listener.notifies(timeout=1) if n.channel == "chatter_bridge") == 1
