"""The cost of a feed read evaluated on the coordinator (sql/citus/reads.sql) against one node: a page of 50
messages of one record, read by chatter_app through chatter.record_feed (on Citus: the candidates staged
into chatter_citus.messages, read back under the policies), one read per transaction, alternated between the
two databases (A B A B) so that both see the same load.

    .venv/bin/python bench/citus_read_cost.py ONE_NODE_URL CITUS_URL [--rounds 10] [--reads 50]

Both databases deployed (the Citus one distributed by scripts/citus-test); the script adds a table
public.bench_feed_deals, two users and 60 messages to each, and drops the table at the end."""

from __future__ import annotations

import argparse
import os
import statistics
import time

import psycopg

SETUP = [
    "INSERT INTO chatter.contacts (id, name) VALUES (99101, 'Bench reader') ON CONFLICT DO NOTHING",
    "INSERT INTO chatter.users (id, contact_id, username) VALUES (99101, 99101, 'bench_reader') ON CONFLICT DO NOTHING",
    "CREATE TABLE IF NOT EXISTS public.bench_feed_deals (id int PRIMARY KEY, name text)",
    "INSERT INTO public.bench_feed_deals VALUES (1, 'Bench deal') ON CONFLICT DO NOTHING",
    "GRANT SELECT ON public.bench_feed_deals TO chatter_app",
    ("SELECT chatter.enable('bench_feed_deals', track => false) WHERE NOT EXISTS "
     "(SELECT 1 FROM chatter.models WHERE \"table\" = 'public.bench_feed_deals'::regclass)"),
]


def seed(url: str, messages: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:   # one statement per transaction (Citus class B)
        for statement in SETUP:
            conn.execute(statement)
        have = conn.execute("SELECT count(*) FROM chatter.messages WHERE model = 'bench_feed_deals'").fetchone()[0]
        for i in range(have, messages):
            conn.execute("SELECT chatter.create_message(%s, model => 'bench_feed_deals', document => 1)", (f"note {i}",))


def reads(conn: psycopg.Connection, n: int) -> float:
    """Seconds per feed page, n pages, each in its own transaction."""
    start = time.perf_counter()
    for _ in range(n):
        with conn.transaction():
            conn.execute("SET LOCAL ROLE chatter_app")
            conn.execute("SET LOCAL chatter.user_id = '99101'")
            rows = conn.execute("SELECT count(*) FROM chatter.record_feed('bench_feed_deals', 1, 50)").fetchone()[0]
            assert rows == 50, rows
    return (time.perf_counter() - start) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("one_node")
    parser.add_argument("citus")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--reads", type=int, default=50)
    args = parser.parse_args()
    for url in (args.one_node, args.citus):
        seed(url, 60)
    times: dict[str, list[float]] = {"one node": [], "citus": []}
    with psycopg.connect(args.one_node) as one, psycopg.connect(args.citus) as citus:
        reads(one, 5), reads(citus, 5)   # warm-up: plans, caches
        for _ in range(args.rounds):
            times["one node"].append(reads(one, args.reads))
            times["citus"].append(reads(citus, args.reads))
    load = os.getloadavg()
    print(f"feed page of 50 (record_feed as chatter_app), {args.rounds} rounds x {args.reads} reads, A B A B; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    for name, values in times.items():
        print(f"  {name:9s} median {statistics.median(values) * 1000:7.2f} ms a page "
              f"(min {min(values) * 1000:.2f}, max {max(values) * 1000:.2f})")
    ratio = statistics.median(times["citus"]) / statistics.median(times["one node"])
    print(f"  Citus / one node: {ratio:.1f}x")


if __name__ == "__main__":
    main()
