"""Instructions the relay's reads cost PostgreSQL per relayed chat message, counted by callgrind (exact on a
busy machine; issue 25: at 10,000 sockets and 1,000 messages/s the relays' backends took 21-48% of a core,
and with two bridges each relay reads every message).

10,000 users in 1,000 channels of 10 (as bench/realtime.py) and 20,000 older chat messages. A postmaster
runs under callgrind; in each round a writer commits BATCH chat messages ('ping', each in another channel,
as the bench's poster spreads them; one INSERT, the wake-up trigger on) and then the relay's connection
(asyncpg, LISTEN chatter_bridge, the bridge's codecs, the cluster's superuser: the system, as the bridge's
login role) runs one `Hub.poll` of this checkout's bridge: everything the relay's backend does for those
messages (the NOTIFY it receives, the newest ids, the batch read, the protocol). Two relay connections with
different round counts after the same warm-up; the difference of their backends' own counts divided by the
extra rounds is one poll, and by BATCH one message. Also an idle poll (nothing new: what a busy relay sends
every 5 ms).

    .venv/bin/python bench/relay_instructions.py        # needs valgrind; about five minutes
    BENCH_BATCHES=1,10 .venv/bin/python bench/relay_instructions.py
    BENCH_KEEP=/tmp/cg ...     # also keep the relay backends' callgrind files (callgrind_annotate)

Compare two checkouts by running it in each: the counts are of this checkout's schema and bridge.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.chat_post_instructions import _backend_total, postmaster_under_callgrind
from bench.tracking_instructions import deployed_cluster
from bridge.bodies import Bodies
from bridge.realtime import Hub
from pgchatter.cluster import PrivateCluster

SETUP = """
INSERT INTO chatter.contacts (id, name) SELECT g, 'User ' || g FROM generate_series(1, 10000) g;
INSERT INTO chatter.users (id, contact_id, username, notification) SELECT g, g, 'user' || g, 'inbox' FROM generate_series(1, 10000) g;
SELECT count(chatter.create_channel('room ' || c, 'Public', c * 10 + 1, ARRAY(SELECT generate_series(c * 10 + 2, c * 10 + 10)::bigint)))
  FROM generate_series(0, 999) c;
SET chatter.wakeups = off;
INSERT INTO chatter.messages (message_type, body, author_id, channel_id)
SELECT 'Message', 'old ' || g, (g % 1000) * 10 + 1 + g % 10, (SELECT min(id) FROM chatter.channels) + g % 1000
  FROM generate_series(1, 20000) g;
VACUUM ANALYZE;
"""
# A round's messages: `n` chat messages, each in another channel, by a member of it; one transaction.
WRITE = """
INSERT INTO chatter.messages (message_type, body, author_id, channel_id)
SELECT 'Message', 'ping', c * 10 + 1 + g %% 10, (SELECT min(id) FROM chatter.channels) + c
  FROM (SELECT g, ((%(k)s + g) * 7919) %% 1000 AS c FROM generate_series(1, %(n)s) AS g) AS s
"""
WARM = 5


async def _relay_rounds(url: str, writer: psycopg.Connection, batch: int, rounds: int) -> int:
    """A relay connection's backend pid after WARM + rounds polls, each after `batch` new messages."""
    hub = Hub(url, Bodies(None))    # type: ignore[arg-type] - no body here is long enough to be stored
    conn = await hub._connect()
    try:
        pid = await conn.fetchval("SELECT pg_backend_pid()")
        for k in range(WARM + rounds):
            if batch:
                writer.execute(WRITE, {"k": k * batch, "n": batch})
            await asyncio.sleep(0.05)          # the NOTIFY reaches the relay's backend and the client
            got = await hub.poll(conn)
            if got != batch:
                raise RuntimeError(f"poll read {got} messages, not {batch}")
        return pid
    finally:
        await conn.close()


def relay_counts(cluster: PrivateCluster, workdir: Path, batches: list[int], rounds: tuple[int, int]
                 ) -> dict[int, float]:
    """Per batch size: instructions of one poll of the relay's backend."""
    result: dict[int, float] = {}
    with postmaster_under_callgrind(cluster, workdir, "relay") as url, \
            psycopg.connect(url, autocommit=True) as writer:
        for batch in batches:
            totals = []
            extra = rounds if batch < 100 else (2, 6)
            for n in extra:
                pid = asyncio.run(_relay_rounds(url, writer, batch, n))
                totals.append(_backend_total(workdir / f"relay.{pid}.cg", pid))
            result[batch] = (totals[1] - totals[0]) / (extra[1] - extra[0])
            print(f"| {batch} | {result[batch]:,.0f} | "
                  f"{result[batch] / batch if batch else 0:,.0f} |", flush=True)
    return result

def main() -> None:
    batches = [int(b) for b in os.environ.get("BENCH_BATCHES", "0,1,10,500").split(",")]
    with deployed_cluster(SETUP) as (cluster, workdir):
        print("| chat messages a poll (0: an idle poll) | instructions a poll | a message |")
        print("| ---: | ---: | ---: |")
        relay_counts(cluster, workdir, batches, (5, 25))


if __name__ == "__main__":
    main()
