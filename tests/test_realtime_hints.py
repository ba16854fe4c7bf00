"""The realtime hints on the chatter_realtime channel, as the bridge receives them after commit."""

from __future__ import annotations

import json


def _drain(listener) -> list[dict]:
    return [json.loads(n.payload) for n in listener.notifies(timeout=0.5) if n.channel == "chatter_realtime"]


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

        with app.transaction():
            app.execute("SET LOCAL ROLE chatter_app")
            app.execute("SET LOCAL chatter.user_id = '1'")
            activity = app.execute(
                "SELECT chatter.schedule_activity('leads', 7, 'activity_call', 2, 'Call back')").fetchone()[0]
            app.execute("SELECT chatter.schedule_activity('leads', 7, 'activity_todo', 1)")  # self: no ping
        events = _drain(listener)
        assert len(events) == 1
        event = events[0]
        assert event["user_id"] == 2 and event["type"] == "activity_update"
        assert event["data"]["kind"] == "activity"
        assert event["data"]["activity_id"] == activity
        assert event["data"]["event"] == "created"
        assert (event["data"]["model"], event["data"]["record"], event["data"]["name"]) == ("leads", 7, "Call back")

        with app.transaction():
            app.execute("SET LOCAL ROLE chatter_app")
            app.execute("SET LOCAL chatter.user_id = '1'")
            dm = app.execute("SELECT chatter.get_or_create_dm(1, 2)").fetchone()[0]
            message = app.execute("SELECT chatter.channel_post(%s, 1, 'hi bob')", (dm,)).fetchone()[0]
        events = _drain(listener)
        assert events == [{"user_id": None, "type": "realtime_data",
                           "data": {"kind": "channel_message", "channel_id": dm, "message_id": message,
                                    "author_id": 1}}]
