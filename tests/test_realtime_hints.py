"""The realtime hints as the bridge receives them after commit: bare wake-ups on chatter_bridge, throttled;
activity pings as chatter.realtime_events rows. Nothing is sent on a channel of its own per post (a NOTIFY
in every transaction serialises commits)."""

from __future__ import annotations


def test_activity_ping_and_channel_post_hint(deployed_db, connect):
    with connect(deployed_db) as admin:
        admin.execute("""
            INSERT INTO chatter.contacts (id, name) VALUES (1, 'Alice Martin'), (2, 'Bob Stone');
            INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 1, 'alice'), (2, 2, 'bob');
            CREATE TABLE public.leads (id int PRIMARY KEY, name text);
            INSERT INTO public.leads VALUES (7, 'Lead');
            SELECT chatter.enable('leads');
            GRANT SELECT ON public.leads TO chatter_app;   -- users work on records they may read (record_rls)
        """)

    with connect(deployed_db) as listener, connect(deployed_db) as app:
        listener.execute("LISTEN chatter_realtime")
        listener.execute("LISTEN chatter_bridge")

        with app.transaction():
            app.execute("SET LOCAL ROLE chatter_app")
            app.execute("SET LOCAL chatter.user_id = '1'")
            activity = app.execute(
                "SELECT chatter.schedule_activity('leads', 7, 'activity_call', 2, 'Call back')").fetchone()[0]
            app.execute("SELECT chatter.schedule_activity('leads', 7, 'activity_todo', 1)")  # self: no ping
        # The ping is a row the relay reads by id; the NOTIFY only wakes it and carries nothing.
        wakeups = [n for n in listener.notifies(timeout=0.5) if n.channel == "chatter_bridge"]
        assert wakeups and all(n.payload == "" for n in wakeups)
        with connect(deployed_db) as admin:
            events = admin.execute("SELECT user_id, data FROM chatter.realtime_events ORDER BY id").fetchall()
        assert len(events) == 1
        user_id, data = events[0]
        assert user_id == 2 and data["kind"] == "activity"
        assert data["activity_id"] == activity and data["event"] == "created"
        assert (data["model"], data["record"], data["name"]) == ("leads", 7, "Call back")

        with app.transaction():
            app.execute("SET LOCAL ROLE chatter_app")
            app.execute("SET LOCAL chatter.user_id = '1'")
            dm = app.execute("SELECT chatter.get_or_create_dm(1, 2)").fetchone()[0]
            message = app.execute("SELECT chatter.channel_post(%s, 1, 'hi bob')", (dm,)).fetchone()[0]
        notes = list(listener.notifies(timeout=0.5))
        assert [n.channel for n in notes] == ["chatter_bridge"] and notes[0].payload == "", \
            "a chat post wakes the bridges once, with nothing in the payload"
        with connect(deployed_db) as admin:
            assert admin.execute("SELECT channel_id FROM chatter.messages WHERE id = %s", (message,)).fetchone() == (dm,)
