"""How fast one bridge process's relay works off a backlog (issue 25): BENCH_BACKLOG (20,000) chat messages
committed in one transaction, each to the 10 sockets of its channel (1,000 sockets held by the client
processes of bench/realtime.py), and the time from that COMMIT until the clients have read every frame: the
relay reads them 500 a query and routes each batch. Its throughput, in messages a second, is what one event
loop carries when it has fallen behind; the CPU split says who worked meanwhile.

    .venv/bin/python bench/relay_backlog.py      # BENCH_BACKLOG (20000), BENCH_BACKLOG_RUNS (3)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database
from bench.realtime import PER_CHANNEL, BridgeProcs, Clients, CpuSplit, setup
from pgchatter import database

BACKLOG = int(os.environ.get("BENCH_BACKLOG", "20000"))
RUNS = int(os.environ.get("BENCH_BACKLOG_RUNS", "3"))
SOCKETS = 1000

POST_MANY = """
DO $$
DECLARE
    first bigint := (SELECT min(id) FROM chatter.channels);
BEGIN
    FOR i IN 0 .. %(n)s - 1 LOOP
        PERFORM pg_catalog.set_config('chatter.user_id', ((i %% %(channels)s) * %(per)s + 1)::text, true);
        PERFORM chatter.channel_post(first + i %% %(channels)s, (i %% %(channels)s) * %(per)s + 1, 'backlog');
    END LOOP;
END
$$
"""


def main() -> None:
    url = fresh_database("pgchatter_bench_backlog")
    tokens = setup(url, SOCKETS)
    bridge = BridgeProcs(url, 1)
    clients = Clients(bridge.port, list(tokens.values()))
    try:
        clients.ask("connect")
        for run in range(RUNS):
            clients.ask("reset")
            with psycopg.connect(url, autocommit=True) as conn, CpuSplit(url, bridge, clients) as split:
                conn.execute(POST_MANY % {"n": BACKLOG, "channels": SOCKETS // PER_CHANNEL, "per": PER_CHANNEL})
                committed = time.monotonic()
                while sum(clients.ask("count")) < BACKLOG * PER_CHANNEL and time.monotonic() - committed < 300:
                    time.sleep(0.05)
            chat, _, _ = clients.results()
            last = max(t for _, t in chat) - committed
            print(f"run {run + 1}: {BACKLOG:,} messages ({len(chat):,} of {BACKLOG * PER_CHANNEL:,} frames) routed "
                  f"{last:.2f} s after their commit: {BACKLOG / last:,.0f} messages/s "
                  f"({BACKLOG * PER_CHANNEL / last:,.0f} frames/s); {split}")
    finally:
        bridge.stop()
        clients.close()
        database.drop_database(url)


if __name__ == "__main__":
    main()
