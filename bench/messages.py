"""Benchmark: create_message on a record with 20 followers (SPEC section 10), side by side in one run.

pgbench, 1 and 32 clients, each transaction one chatter.create_message (20 in-app notifications):
- wake-ups off (chatter.wakeups = 'off'): the reference;
- throttled wake-ups (the default): only the holder of an advisory lock sends NOTIFY;
- a NOTIFY in every transaction (what the throttle avoids), for comparison.
Target: throttled >= 70% of wake-ups off at 32 clients.

    .venv/bin/python bench/messages.py      # BENCH_MESSAGES_SECONDS to resize (default 10 per run)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, pgbench_tps, record
from pgchatter import database

SECONDS = int(os.environ.get("BENCH_MESSAGES_SECONDS", "10"))
DB_NAME = "pgchatter_bench_messages"
POST = "SELECT chatter.create_message('Status update', model => 'leads', document => 1);\n"
VARIANTS = {
    "wake-ups off": ("off", POST),
    "throttled wake-ups (default)": ("on", POST),
    "NOTIFY every transaction": ("off", "BEGIN;\n" + POST + "SELECT pg_notify('chatter_outbox', '');\nCOMMIT;\n"),
}


def setup(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("""
            INSERT INTO chatter.contacts (id, name, email)
                SELECT g, 'Follower ' || g, 'f' || g || '@example.com' FROM generate_series(1, 20) g;
            INSERT INTO chatter.users (id, contact_id, username, notification)
                SELECT g, g, 'follower' || g, 'inbox' FROM generate_series(1, 20) g;
            CREATE TABLE public.leads (id int PRIMARY KEY, name text);
            INSERT INTO public.leads VALUES (1, 'Big deal');
            SELECT chatter.enable('leads', track => false);
            SELECT chatter.subscribe('leads', 1, ARRAY(SELECT generate_series(1, 20)::bigint));
        """)


def main() -> None:
    url = fresh_database(DB_NAME)
    setup(url)
    results: dict[tuple[str, int], float] = {}
    for clients in (1, 32):
        for name, (wakeups, script) in VARIANTS.items():
            results[name, clients] = pgbench_tps(url, script, clients=clients, seconds=SECONDS,
                                                 options=f"-c chatter.wakeups={wakeups}")
            print(f"{clients:>2} clients, {name}: {results[name, clients]:.0f} tps", flush=True)
    print()
    print(f"| create_message, 20 followers (pgbench, {SECONDS} s each) | 1 client | 32 clients | vs off at 32 |")
    print("| --- | --- | --- | --- |")
    off = results["wake-ups off", 32]
    for name in VARIANTS:
        print(f"| {name} | {results[name, 1]:.0f} tps | {results[name, 32]:.0f} tps | "
              f"{100 * results[name, 32] / off:.0f}% |")
    record("messages", [
        {"what": "create_message, 20 followers, 32 writers: throttled wake-ups vs off",
         "value": 100 * results["throttled wake-ups (default)", 32] / off, "unit": "%", "target": 70,
         "better": "higher"},
        {"what": "same, NOTIFY in every transaction vs off", "value": 100 * results["NOTIFY every transaction", 32] / off,
         "unit": "%", "target": None, "better": "higher"},
    ])
    database.drop_database(url)


if __name__ == "__main__":
    main()
