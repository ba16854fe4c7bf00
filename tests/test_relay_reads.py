"""What the relay's reads cost the database (issue 25, bench/relay_instructions.py): the relay's session keeps
its queries' generic plans (a custom plan per poll planned NEW_MESSAGES again, 1.1 M instructions a poll),
and the new messages' wire shape is chatter.message_wire_set inlined once above the two branches of the read
(not chatter.message_wire per row, which started its dozen subqueries for every message), its rarely needed
parts (files, reactions, parent, bounces) out of the plan. The rows are those of chatter.message_wire, read as
the system (the bridge's login role)."""

from __future__ import annotations

import json

import asyncpg
import psycopg

from bridge.bodies import Bodies
from bridge.realtime import NEW_MESSAGES, Hub

SEED = """
INSERT INTO chatter.contacts (id, name) VALUES (1, 'Alice Reads'), (2, 'Bob Reads');
INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 1, 'alice_reads'), (2, 2, 'bob_reads');
CREATE TABLE public.read_orders (id int PRIMARY KEY, name text);
INSERT INTO public.read_orders VALUES (1, 'R1');
SELECT chatter.enable('read_orders');
SELECT chatter.track_column('read_orders', 'name', true);
SELECT chatter.create_channel('reads', 'Private', 1, '{2}');
"""


async def test_the_relay_keeps_generic_plans_and_no_jit(db_url):
    hub = Hub(db_url, Bodies(None))    # type: ignore[arg-type]
    conn = await hub._connect()
    try:
        settings = await conn.fetchrow("SELECT current_setting('plan_cache_mode') AS mode, current_setting('jit') AS jit,"
                                       " current_setting('application_name') AS name")
        assert dict(settings) == {"mode": "force_generic_plan", "jit": "off", "name": "pgchatter relay"}
        for _ in range(7):     # past the five custom plans PostgreSQL's default mode makes first
            await conn.fetch(NEW_MESSAGES, 0, [], 500)
        plans = await conn.fetch("SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                                 " WHERE statement = $1", NEW_MESSAGES)
        assert [tuple(p) for p in plans] == [(7, 0)], "NEW_MESSAGES ran on its kept plan, never planned per poll"
    finally:
        await conn.close()


def test_the_wire_is_inlined_once_above_both_branches(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f"PREPARE new_messages(bigint, bigint[], int) AS {NEW_MESSAGES}")
        conn.execute("SET plan_cache_mode = force_generic_plan")
        plan = json.dumps(conn.execute("EXPLAIN (FORMAT JSON) EXECUTE new_messages(0, '{}', 500)").fetchone()[0])
    assert "Function Scan" not in plan, "message_wire_set is inlined, not called per row"
    assert plan.count('"Relation Name": "subtypes"') == 1, "the shape's subqueries once, not once per branch"
    assert plan.count('"Relation Name": "messages"') == 2, "the two branches (a reply's parent: _wire_parent)"
    assert plan.count('"Node Type": "Aggregate"') == 1, \
        "only the members' array: files, reactions and bounces are aggregated in functions called when there are some"


async def test_the_relay_reads_each_message_as_message_wire_returns_it(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SEED)
        channel = conn.execute("SELECT id FROM chatter.channels WHERE name = 'reads'").fetchone()[0]
        conn.execute("SET chatter.user_id = '1'")
        post = conn.execute("SELECT chatter.channel_post(%s, 1, 'hello <b>there</b>')", (channel,)).fetchone()[0]
        conn.execute("SET chatter.user_id = '2'")
        conn.execute("SELECT chatter.react(%s, '👍')", (post,))
        conn.execute("SELECT chatter.channel_reply(%s, 2, 'a reply', %s)", (channel, post))
        conn.execute("RESET chatter.user_id")
        conn.execute("SELECT chatter.create_message('On the order', model => 'read_orders', document => 1)")
        conn.execute("UPDATE public.read_orders SET name = 'R2' WHERE id = 1")     # a Tracking message
        expected = {i: w for i, w in conn.execute(
            "SELECT m.id, chatter.message_wire(m) FROM chatter.messages AS m ORDER BY m.id").fetchall()}
        first = min(expected)
    assert len(expected) == 4
    hub = Hub(db_url, Bodies(None))    # type: ignore[arg-type]
    conn = await hub._connect()
    try:
        # Past the cursor, and a gap below it: each read once, in order, in message_wire's shape.
        rows = await conn.fetch(NEW_MESSAGES, first + 1, [first, first + 1], 500)
    finally:
        await conn.close()
    assert [r["id"] for r in rows] == sorted(expected)
    assert {r["id"]: r["message"] for r in rows} == expected
    assert [sorted(r["members"]) for r in rows if r["channel_id"] is not None] == [[1, 2], [1, 2]]
    assert rows[0]["message"]["reactions"][0]["count"] == 1 and rows[1]["message"]["parent"]["id"] == post
    assert rows[3]["message"]["tracking"][0]["new_value"] == "R2"


async def test_the_relay_login_role_must_be_the_system(db_url):
    """A plain member of chatter_app reads nothing through the relay's query: the rules decide, not the bridge."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SEED)
        channel = conn.execute("SELECT id FROM chatter.channels WHERE name = 'reads'").fetchone()[0]
        conn.execute("SET chatter.user_id = '1'")
        conn.execute("SELECT chatter.channel_post(%s, 1, 'private')", (channel,))
    conn = await asyncpg.connect(db_url)
    try:
        async with conn.transaction():
            await conn.execute("SET LOCAL ROLE chatter_app")
            try:
                rows = await conn.fetch(NEW_MESSAGES, 0, [], 500)
            except asyncpg.PostgresError as exc:
                assert exc.sqlstate == "CH004"
            else:
                assert rows == [], "chatter_app with no user reads nothing"
    finally:
        await conn.close()
