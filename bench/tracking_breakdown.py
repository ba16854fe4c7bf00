"""Where a tracked UPDATE spends its time, in backend CPU time (steadier than wall time on a shared
machine). Bulk: the untracked UPDATE, the transition tables, inserting ready-made messages with each of
chatter.messages' indexes, and the whole tracked UPDATE. Single-row: CPU per transaction of one-row
UPDATEs, each committed, alone, with a ready-made message into a bare table, into one with the primary
key and the record index, into chatter.messages itself, and tracked. Not a target of SPEC section 10: the
evidence behind the README's "why the targets are not met".

Reads the backend's CPU time from /proc, so the server must run on this machine (the private cluster,
or a local DATABASE_URL).

    .venv/bin/python bench/tracking_breakdown.py      # BENCH_TRACKING_ROWS to resize (default 100,000)
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database
from bench.tracking import FLOOR_BODY, FLOOR_TRACKING, ROWS, floor_sql, setup
from pgchatter import database

DB_NAME = "pgchatter_bench_breakdown"
ROUNDS = 3

MESSAGE = (f"SELECT 'Tracking'::chatter.message_type, (SELECT id FROM chatter.subtypes WHERE identifier = 'tracking'), "
           f"'items_untracked', g, {FLOOR_BODY}, {FLOOR_TRACKING}::jsonb FROM generate_series(1, {ROWS}) AS g")
COLUMNS = "(message_type, subtype_id, model, document, body, tracking)"

# Copies of chatter.messages' columns with ever more of its indexes; the last row is the table itself.
COPIES = {
    "copy_heap": "",
    "copy_pkey": "ALTER TABLE public.copy_pkey ADD PRIMARY KEY (id);",
    "copy_pkey_record": "ALTER TABLE public.copy_pkey_record ADD PRIMARY KEY (id); "
                        "CREATE INDEX ON public.copy_pkey_record (document, model, id) WITH (deduplicate_items = off);",
}

STEPS = [
    ("untracked UPDATE (the baseline)", "UPDATE public.items_untracked SET qty = qty + 1, price = price + 1", ""),
    ("UPDATE with a do-nothing statement trigger over transition tables",
     "UPDATE public.items_noop SET qty = qty + 1, price = price + 1", ""),
    ("INSERT of ready-made messages: heap only", f"INSERT INTO public.copy_heap {COLUMNS} {MESSAGE}", ""),
    ("  + primary key", f"INSERT INTO public.copy_pkey {COLUMNS} {MESSAGE}", ""),
    ("  + record feed index (document, model, id)", f"INSERT INTO public.copy_pkey_record {COLUMNS} {MESSAGE}", ""),
    ("  chatter.messages itself, no per-row FK checks (as the bulk path writes)",
     f"INSERT INTO chatter.messages {COLUMNS} {MESSAGE}", "SET LOCAL session_replication_role = replica"),
    ("  chatter.messages itself, with the per-row FK checks", f"INSERT INTO chatter.messages {COLUMNS} {MESSAGE}", ""),
    ("tracked UPDATE (chatter.enable)", "UPDATE public.items_tracked SET qty = qty + 1, price = price + 1", ""),
]


# Single-row: one-row UPDATEs (and the floors' INSERTs) in a procedure that commits each, so that each is a
# transaction with its plan cached, as an application's prepared statement. Keys spread like pgbench's.
SINGLE_TX = int(os.environ.get("BENCH_BREAKDOWN_TRANSACTIONS", "5000"))
ONE_ROW = f"WHERE id = 1 + (i * 7919) % {ROWS}"
SINGLE_STEPS = [
    ("untracked UPDATE (the baseline)", f"UPDATE public.items_untracked SET qty = qty + 1 {ONE_ROW}"),
    ("UPDATE + INSERT of a ready-made message into a bare table (no index, key, check or trigger)",
     floor_sql("qty = qty + 1", ONE_ROW, into="public.copy_heap")),
    ("  into a table with the primary key and the record feed index",
     floor_sql("qty = qty + 1", ONE_ROW, into="public.copy_pkey_record")),
    ("  into chatter.messages itself (+ author index, foreign keys, checks, wake-up trigger)",
     floor_sql("qty = qty + 1", ONE_ROW)),
    ("tracked UPDATE (chatter.enable)", f"UPDATE public.items_tracked SET qty = qty + 1 {ONE_ROW}"),
]


def backend_cpu(pid: int) -> float:
    """Seconds of CPU the backend has run so far, to the nanosecond (/proc/<pid>/schedstat; /proc/<pid>/stat
    counts 10 ms ticks, too coarse for a few thousand transactions of ~100 µs)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def measure(url: str, sql: str, prelude: str) -> float:
    """CPU seconds of one statement, rolled back (then VACUUM) so every round starts alike."""
    with psycopg.connect(url) as conn:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        if prelude:
            conn.execute(prelude)
        before = backend_cpu(pid)
        conn.execute(sql)
        used = backend_cpu(pid) - before
        conn.rollback()
        conn.autocommit = True
        conn.execute("VACUUM")
    return used


def measure_single(url: str, step: int) -> float:
    """CPU microseconds per transaction of single-row step number step (a procedure made by main)."""
    with psycopg.connect(url, autocommit=True) as conn:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        conn.execute("SET synchronous_commit = off")   # CPU, not the disk: the same per commit in every step
        conn.execute(f"CALL public.single_{step}(100)")  # warm the caches
        before = backend_cpu(pid)
        conn.execute(f"CALL public.single_{step}({SINGLE_TX})")
        return (backend_cpu(pid) - before) / SINGLE_TX * 1e6


def main() -> None:
    url = fresh_database(DB_NAME)
    with psycopg.connect(url) as probe:     # checked while connected: the backend exits with the session
        pid = probe.execute("SELECT pg_backend_pid()").fetchone()[0]
        if not Path(f"/proc/{pid}/schedstat").exists():
            raise SystemExit("the server does not run on this machine: its backends' CPU time cannot be read")
    print(f"building tables of {ROWS:,} rows ...", flush=True)
    setup(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.items_noop (LIKE public.items_untracked INCLUDING ALL)")
        conn.execute("INSERT INTO public.items_noop SELECT * FROM public.items_untracked")
        conn.execute("""CREATE FUNCTION public.noop() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN RETURN NULL; END $$""")
        conn.execute("CREATE TRIGGER noop AFTER UPDATE ON public.items_noop REFERENCING OLD TABLE AS o "
                     "NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION public.noop()")
        for name, indexes in COPIES.items():
            conn.execute(f"CREATE TABLE public.{name} (LIKE chatter.messages INCLUDING DEFAULTS INCLUDING IDENTITY); "
                         + indexes)
        for n, (_, sql) in enumerate(SINGLE_STEPS):
            conn.execute(f"CREATE PROCEDURE public.single_{n}(count integer) LANGUAGE plpgsql AS $$ "
                         f"BEGIN FOR i IN 1 .. count LOOP {sql}; COMMIT; END LOOP; END $$")
        conn.execute("VACUUM ANALYZE")

    cpu: dict[str, list[float]] = {label: [] for label, _, _ in STEPS}
    for round_ in range(ROUNDS):
        for label, sql, prelude in STEPS:   # interleaved, so drift hits every step alike
            cpu[label].append(measure(url, sql, prelude))
        print(f"round {round_ + 1} done", flush=True)

    base = statistics.median(cpu[STEPS[0][0]])
    print()
    print(f"| backend CPU, {ROWS:,} rows, median of {ROUNDS} | seconds | × the untracked UPDATE |")
    print("| --- | ---: | ---: |")
    for label, _, _ in STEPS:
        value = statistics.median(cpu[label])
        print(f"| {label} | {value:.2f} | {value / base:.2f} |")

    per_tx: list[list[float]] = [[] for _ in SINGLE_STEPS]
    for _ in range(ROUNDS):
        for n, runs in enumerate(per_tx):
            runs.append(measure_single(url, n))
    base = statistics.median(per_tx[0])
    print()
    print(f"| backend CPU per single-row transaction, {SINGLE_TX:,} each, median of {ROUNDS} | µs "
          "| throughput vs untracked, if CPU-bound |")
    print("| --- | ---: | ---: |")
    for (label, _), runs in zip(SINGLE_STEPS, per_tx):
        value = statistics.median(runs)
        print(f"| {label} | {value:.0f} | {100 * base / value:.0f}% |")
    database.drop_database(url)


if __name__ == "__main__":
    main()
