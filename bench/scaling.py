"""Benchmark: create_message and channel_post at 32 writers, one node vs Citus (docs/scaling.md).

Side by side in one run, the same data and the same pgbench scripts:
- one node: the private cluster (plain PostgreSQL, the schema as deployed);
- distributed: `pgchatter citus up` (a coordinator and two workers, all on this machine), the schema
  deployed on the coordinator and distributed by sql/citus/distribute.sql, functions.sql, reads.sql and writes.sql (as make test-citus).
Data: 32 records with 20 followers each (create_message on a random one: 20 in-app notifications) and
32 channels of 20 members (channel_post to a random one). On one machine the three nodes share the
same cores, so the absolute numbers mean little: the ratio is the result (docs/scaling.md reads it).

    .venv/bin/python bench/scaling.py     # BENCH_SCALING_SECONDS to resize (default 10 per run)
Needs Citus installed (scripts/citus-build); without it, says so and exits 0.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, pgbench_tps, record
from pgchatter import citus, database
from pgchatter.settings import PROJECT_ROOT, Settings

SECONDS = int(os.environ.get("BENCH_SCALING_SECONDS", "10"))
CLIENTS = 32
DB_NAME = "pgchatter_bench_scaling"
SCRIPTS = {
    "create_message": "\\set d random(1, 32)\n"
                      "SELECT chatter.create_message('Status update', model => 'leads', document => :d);\n",
    "channel_post": "\\set n random(1, 32)\n"
                    "SELECT chatter.channel_post((SELECT c.id FROM chatter.channels AS c WHERE c.name = 'bench ' || :n),"
                    " 1, 'hello all');\n",
}

# Followers are inserted, not subscribed: chatter.subscribe fails on Citus (docs/scaling.md) and both
# sides must hold the same rows.
SETUP = """
INSERT INTO chatter.contacts (id, name, email)
    SELECT g, 'Member ' || g, 'm' || g || '@example.com' FROM generate_series(1, 20) g;
INSERT INTO chatter.users (id, contact_id, username, notification)
    SELECT g, g, 'member' || g, 'inbox' FROM generate_series(1, 20) g;
CREATE TABLE public.leads (id int PRIMARY KEY, name text);
INSERT INTO public.leads SELECT g, 'Lead ' || g FROM generate_series(1, 32) g;
SELECT chatter.enable('leads', track => false);
INSERT INTO chatter.followers (model, document, contact_id, subtype_ids)
    SELECT 'leads', d, c, ARRAY(SELECT s.id FROM chatter.subtypes AS s WHERE s.is_default)
      FROM generate_series(1, 32) d, generate_series(1, 20) c;
"""


def setup(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SETUP)
        for n in range(1, 33):
            conn.execute("SELECT chatter.create_channel(%s, created_by => 1, members => %s)",
                         (f"bench {n}", list(range(2, 21))))


def distributed_database() -> str:
    """A fresh database on the local Citus cluster, deployed and distributed; its URL."""
    cluster = citus.CitusCluster(Settings.from_env())
    cluster.up(DB_NAME)    # nodes started, so that last run's database can be dropped on every one
    cluster.drop_database(DB_NAME)
    cluster.up(DB_NAME)
    url = cluster.url(DB_NAME)
    if database.sqitch(url, "--quiet", "deploy", "--verify") != 0:
        raise SystemExit("deploy on the coordinator failed")
    env = {**os.environ, **database.libpq_env(url)}
    for script in ("distribute.sql", "functions.sql", "reads.sql", "writes.sql"):
        subprocess.run(["psql", "-qX", "-v", "ON_ERROR_STOP=1", "-v", f"DBNAME={DB_NAME}",
                        "-f", str(PROJECT_ROOT / "sql" / "citus" / script)],
                       env=env, check=True, capture_output=True)
    return url


def main() -> None:
    if not citus.installed():
        print("bench/scaling.py: Citus is not installed (scripts/citus-build <source>): nothing measured")
        return
    targets = {"one node": fresh_database(DB_NAME), "Citus, coordinator + 2 workers": distributed_database()}
    for url in targets.values():
        setup(url)
    one, dist = targets
    # The last row is a diagnosis, not a setting we ship: every channel_post updates
    # channels.last_message_at, and Citus serialises all writes to a reference table (one lock on its
    # only shard, held to the two-phase commit). Declaring modifications commutative lifts that lock.
    runs = [("create_message", one, ""), ("create_message", dist, ""), ("channel_post", one, ""),
            ("channel_post", dist, ""),
            ("channel_post", dist, "-c citus.all_modifications_commutative=on")]
    tps: dict[tuple[str, str, str], float] = {}
    for name, target, options in runs:
        tps[name, target, options] = pgbench_tps(targets[target], SCRIPTS[name], clients=CLIENTS,
                                                 seconds=SECONDS, options=options)
        print(f"{name}, {target} {options}: {tps[name, target, options]:.0f} tps", flush=True)
    print()
    print(f"| {CLIENTS} writers (pgbench, {SECONDS} s each) | {one} | {dist} | distributed / one node |")
    print("| --- | --- | --- | --- |")
    for name, target, options in runs:
        if target == one:
            continue
        label = name + (f" ({options.removeprefix('-c ')})" if options else "")
        print(f"| {label} | {tps[name, one, '']:.0f} tps | {tps[name, dist, options]:.0f} tps | "
              f"{tps[name, dist, options] / tps[name, one, '']:.2f} |")
    record("scaling", [
        {"what": f"{name}, {CLIENTS} writers: Citus (3 local nodes) / one node", "value": tps[name, dist, ""] / tps[name, one, ""],
         "unit": "x", "target": None, "better": "higher"} for name in SCRIPTS])
    database.drop_database(targets[one])


if __name__ == "__main__":
    main()
