"""get_or_create_dm under a real race: many connections ask for the same pair at the same moment."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg

RACERS = 64


def test_concurrent_get_or_create_dm_makes_one_channel(deployed_db, connect, settings):
    with connect(deployed_db) as conn:
        conn.execute("""
            INSERT INTO chatter.contacts (id, name) VALUES (1, 'Alice Martin'), (2, 'Bob Stone');
            INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 1, 'alice'), (2, 2, 'bob');
        """)

    connections = [connect(deployed_db) for _ in range(RACERS)]
    start = threading.Barrier(RACERS)

    def race(index: int) -> int:
        conn = connections[index]
        # Half ask as alice, half as bob, in both argument orders, as the application role.
        me, other = (1, 2) if index % 2 == 0 else (2, 1)
        with conn.transaction():
            conn.execute("SET LOCAL ROLE chatter_app")
            conn.execute("SELECT set_config('chatter.user_id', %s, true)", (str(me),))
            start.wait(timeout=60)
            row = conn.execute("SELECT chatter.get_or_create_dm(%s, %s)", (me, other)).fetchone()
        return row[0]

    try:
        with ThreadPoolExecutor(max_workers=RACERS) as pool:
            ids = list(pool.map(race, range(RACERS)))  # re-raises any caller's error
    finally:
        for conn in connections:
            conn.close()

    assert len(ids) == RACERS
    assert len(set(ids)) == 1, f"callers got different channels: {set(ids)}"
    with connect(deployed_db) as conn:
        assert conn.execute("SELECT count(*) FROM chatter.channels WHERE kind = 'Direct'").fetchone() == (1,)
        members = conn.execute(
            "SELECT array_agg(user_id ORDER BY user_id) FROM chatter.channel_members WHERE channel_id = %s",
            (ids[0],),
        ).fetchone()
        assert members == ([1, 2],)


def test_same_user_twice_is_ch005(deployed_db, connect):
    with connect(deployed_db) as conn:
        conn.execute("""
            INSERT INTO chatter.contacts (id, name) VALUES (1, 'Alice Martin');
            INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 1, 'alice');
        """)
        try:
            conn.execute("SELECT chatter.get_or_create_dm(1, 1)")
        except psycopg.Error as error:
            assert error.sqlstate == "CH005"
        else:
            raise AssertionError("get_or_create_dm(1, 1) did not fail")
