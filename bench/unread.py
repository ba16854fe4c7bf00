"""Benchmark: chatter.unread_counts for a user in 200 channels over 5M chat messages (SPEC section 10: <= 5 ms),
and the worst cases the counts are capped for (issue 26): a channel with 1,000,000 unread messages and a bell
with 1,000,000 unread notifications (<= 5 ms p50 each), side by side with the exact count.

Builds the data set set-based (INSERT ... SELECT generate_series) in a fresh database of the private
cluster (or DATABASE_URL's server), then times the call as the application role would make it, side by
side with two references: the same call without row-level security (superuser) and reading 200 stored
counters from a plain table (the design SPEC forbids, as the floor).

    .venv/bin/python bench/unread.py        # BENCH_UNREAD_MESSAGES=500000 for a quick run
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, record
from pgchatter import database

MESSAGES = int(os.environ.get("BENCH_UNREAD_MESSAGES", "5000000"))
CHANNELS = 1_000          # all channels; messages are spread evenly and interleaved by id
MY_CHANNELS = 200         # the measured user's channels
UNREAD_MAX = 50           # the user has read all but 0..50 messages of each channel
CALLS = 300
DB_NAME = "pgchatter_bench_unread"
BACKLOG = int(os.environ.get("BENCH_UNREAD_BACKLOG", "1000000"))   # the worst cases: never read

def channel_data(messages: int, body: str = "'message ' || g", source: str = "",
                 search_vector: bool = False) -> list[str]:
    """The data set, set-based: `messages` chat messages (body: an SQL expression of g, the message number,
    over generate_series and `source`, more FROM items) in CHANNELS channels; user 1 in MY_CHANNELS of
    them. bench/search.py builds on it, with `search_vector` (the messages_limits trigger writes it on any
    insert; a load with the triggers off, as a restore's, carries it as data)."""
    if search_vector:
        insert = f"""INSERT INTO chatter.messages (channel_id, author_id, body, search_vector)
            SELECT (g % {CHANNELS}) + 1, 2, b.body, chatter._search_vector(NULL, b.body)
              FROM generate_series(1, {messages}) AS g{source}, LATERAL (SELECT {body} AS body) AS b"""
    else:
        insert = f"""INSERT INTO chatter.messages (channel_id, author_id, body)
            SELECT (g % {CHANNELS}) + 1, 2, {body} FROM generate_series(1, {messages}) AS g{source}"""
    return [
        "INSERT INTO chatter.contacts (id, name) VALUES (1, 'Reader'), (2, 'Writer')",
        "INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 1, 'reader'), (2, 2, 'writer')",
        f"""INSERT INTO chatter.channels (id, name, created_by)
            SELECT g, 'channel ' || g, 2 FROM generate_series(1, {CHANNELS}) AS g""",
        insert,
        # The reader is in the first 200 channels, a few messages behind in each.
        f"""INSERT INTO chatter.channel_members (channel_id, user_id, last_read_message)
            SELECT c, 1, (SELECT max(id) FROM chatter.messages WHERE channel_id = c) - (c * 7919) % ({UNREAD_MAX} + 1)
                         * {CHANNELS}
              FROM generate_series(1, {MY_CHANNELS}) AS c""",
        f"INSERT INTO chatter.channel_members (channel_id, user_id) SELECT c, 2 FROM generate_series(1, {CHANNELS}) AS c",
    ]


BUILD = channel_data(MESSAGES) + [
    # The floor: stored counters (what SPEC forbids because they drift).
    """CREATE TABLE public.stored_unread AS
        SELECT channel_id, 7::bigint AS unread, false AS is_muted FROM chatter.channel_members WHERE user_id = 1""",
    "CREATE INDEX ON public.stored_unread (channel_id)",
    "GRANT SELECT ON public.stored_unread TO chatter_app",
]


def timed(conn: psycopg.Connection, query: str, params: tuple = (), calls: int = CALLS) -> list[float]:
    """Milliseconds per call, client side over the Unix socket (after a warm-up)."""
    for _ in range(min(20, calls)):
        conn.execute(query, params).fetchall()
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        conn.execute(query, params).fetchall()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def row(name: str, samples: list[float], target: str = "") -> str:
    p95 = statistics.quantiles(samples, n=20)[-1]
    return f"| {name} | {statistics.median(samples):.2f} | {p95:.2f} | {target} |"


def main() -> int:
    url = fresh_database(DB_NAME)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SET synchronous_commit = off")
            started = time.perf_counter()
            for statement in BUILD:
                conn.execute(statement)
            built = time.perf_counter() - started
            conn.execute("VACUUM (ANALYZE) chatter.messages, chatter.channel_members, chatter.channels")
            print(f"built {MESSAGES:,} messages in {CHANNELS} channels in {built:.0f} s (+ VACUUM ANALYZE)")

            total_unread = conn.execute("SELECT sum(unread) FROM chatter.unread_counts(1)").fetchone()[0]
            owner = timed(conn, "SELECT * FROM chatter.unread_counts(%s)", (1,))
            conn.execute("SET ROLE chatter_app")
            conn.execute("SET chatter.user_id = '1'")
            app = timed(conn, "SELECT * FROM chatter.unread_counts(%s)", (1,))
            stored = timed(conn, "SELECT channel_id, unread, is_muted FROM public.stored_unread")
            one = timed(conn, "SELECT chatter.unread_count(%s, %s)", (17, 1))
            conn.execute("RESET chatter.user_id")
            conn.execute("RESET ROLE")
            # Worst case, for the record: a member of 200 channels who has read nothing at all.
            conn.execute("UPDATE chatter.channel_members SET last_read_message = NULL WHERE user_id = 1")
            nothing_read = timed(conn, "SELECT * FROM chatter.unread_counts(%s)", (1,), calls=50)
            # The capped worst cases (issue 26): a bot channel of BACKLOG messages the user never read, and
            # as many unread notifications in the bell.
            bot = CHANNELS + 1
            started = time.perf_counter()
            conn.execute(f"INSERT INTO chatter.channels (id, name, created_by) VALUES ({bot}, 'bot feed', 2)")
            conn.execute(f"""INSERT INTO chatter.messages (channel_id, author_id, body)
                             SELECT {bot}, 2, 'bot ' || g FROM generate_series(1, {BACKLOG}) AS g""")
            conn.execute(f"INSERT INTO chatter.channel_members (channel_id, user_id) VALUES ({bot}, 1), ({bot}, 2)")
            conn.execute(f"""INSERT INTO chatter.notifications (message_id, contact_id, user_id)
                             SELECT id, 1, 1 FROM chatter.messages WHERE channel_id = {bot}""")
            conn.execute("VACUUM (ANALYZE) chatter.messages, chatter.channel_members, chatter.notifications")
            print(f"added {BACKLOG:,} unread messages and notifications in {time.perf_counter() - started:.0f} s")
            conn.execute("UPDATE chatter.channel_members SET last_read_message = "
                         "(SELECT max(id) FROM chatter.messages) WHERE user_id = 1 AND channel_id <> %s", (bot,))
            conn.execute("SET ROLE chatter_app")
            conn.execute("SET chatter.user_id = '1'")
            backlog_counts = timed(conn, "SELECT * FROM chatter.unread_counts(%s)", (1,))
            backlog_one = timed(conn, "SELECT chatter.unread_count(%s, %s)", (bot, 1))
            bell = timed(conn, "SELECT chatter.inbox_count()")
            conn.execute("SET chatter.count_cap = 'exact'")
            backlog_exact = timed(conn, "SELECT * FROM chatter.unread_counts(%s)", (1,), calls=5)   # seconds
            bell_exact = timed(conn, "SELECT chatter.inbox_count()", calls=5)
            conn.execute("RESET chatter.count_cap")
            conn.execute("RESET chatter.user_id")
            conn.execute("RESET ROLE")
    finally:
        database.drop_database(url)

    print(f"\nunread_counts: user in {MY_CHANNELS} channels, {total_unread} unread in all, "
          f"{MESSAGES:,} messages; {CALLS} calls, ms per call (client side, Unix socket)\n")
    print("| call | p50 ms | p95 ms | target |")
    print("| --- | --- | --- | --- |")
    print(row("`unread_counts(user)` as chatter_app (row-level security on)", app, "≤ 5 ms"))
    print(row("`unread_counts(user)` as the owner (no row-level security)", owner))
    print(row("floor: 200 stored counters from a plain table", stored))
    print(row("`unread_count(channel, user)`, one channel", one))
    print(row(f"nothing ever read in {MY_CHANNELS} channels ({MY_CHANNELS * MESSAGES // CHANNELS:,} unread; capped at 100 "
              "each)", nothing_read))
    print(row(f"worst case: `unread_counts(user)`, one channel with {BACKLOG:,} unread (capped)", backlog_counts,
              "≤ 5 ms"))
    print(row(f"worst case: `unread_count(channel, user)`, {BACKLOG:,} unread (capped)", backlog_one))
    print(row(f"worst case: `inbox_count()`, {BACKLOG:,} unread notifications (capped)", bell, "≤ 5 ms"))
    print(row("the same `unread_counts(user)` with `chatter.count_cap = exact`", backlog_exact))
    print(row("the same `inbox_count()` with `chatter.count_cap = exact`", bell_exact))
    ratio = statistics.median(app) / statistics.median(stored)
    print(f"\nderived / stored-counter floor: {ratio:.1f}x")
    ok = max(statistics.median(app), statistics.median(backlog_counts), statistics.median(bell)) <= 5.0
    record("unread", [
        {"what": f"unread_counts, user in 200 channels, {MESSAGES / 1e6:g}M messages (p50)", "value": statistics.median(app),
         "unit": "ms", "target": 5, "better": "lower"},
        {"what": f"unread_counts, one channel with {BACKLOG:,} unread (capped, p50)",
         "value": statistics.median(backlog_counts), "unit": "ms", "target": 5, "better": "lower"},
        {"what": f"inbox_count, {BACKLOG:,} unread notifications (capped, p50)", "value": statistics.median(bell),
         "unit": "ms", "target": 5, "better": "lower"},
    ])
    print("targets met" if ok else "TARGET MISSED: a count p50 > 5 ms")
    return 0  # make bench goes on; bench/report.py shows which targets are met


if __name__ == "__main__":
    sys.exit(main())
