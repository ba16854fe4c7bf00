"""The tracking write path's floors, one part at a time, side by side in one run (issue 23). Not a target of
SPEC section 10: the evidence for how far below its floors each tracking target lies.

Every variant is a statement trigger over transition tables on its own copy of bench/tracking.py's
10-column table (100,000 rows), each writing one Tracking message per changed row into chatter.messages,
with one more part of what the design needs than the variant before it:

Single-row (pgbench, 1 client, both protocols, `UPDATE ... SET qty = qty + 1 WHERE id = :id`):
  untracked; the bare trigger (an invoker-rights function, one INSERT of a ready-made message); + SECURITY
  DEFINER owned by chatter_owner with search_path pinned (SPEC 2a: applications may not write
  chatter.messages themselves); + the row test that picks a cached or a re-planned path (SPEC 10's trap);
  + the bridges' wake-up (as the generated code runs it); + the guards (tracking off,
  compute cascades, the acting user's contact) = the design's floor, everything but the diff; the tracked
  table (chatter.enable).

Bulk (100,000-row `UPDATE ... SET qty = qty + 1, price = price + 1`, rolled back): untracked; the design's
floor (as above, per-row FK checks skipped as the bulk path does); + the old and new rows joined by key
(every diff needs the pairs); + the two entries' values built per row as the default storage writes them
(JSON text parsed into jsonb), or as typed storage does (an array of chatter.tracking_value); + the HTML body
built per row; the tracked tables (default and typed storage).

    .venv/bin/python bench/tracking_ladder.py   # BENCH_TRACKING_ROWS / BENCH_TRACKING_SECONDS to resize
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, pgbench_tps
from bench.tracking import FLOOR_BODY, FLOOR_TRACKING, ROWS, WAKE_AND_SUBTYPE, create_items
from pgchatter import database

SECONDS = int(os.environ.get("BENCH_TRACKING_SECONDS", "5"))
ROUNDS = 3
DB_NAME = "pgchatter_bench_tracking_ladder"

# The parts, as PL/pgSQL fragments. {table} is the variant's table; {subtype} the tracking subtype's id;
# {wake} the wake-up template; {values} and {body} the message's tracking value and body expressions over
# the row aliases (n: new, o: old).
GUARDS = """
    IF pg_trigger_depth() > 1 OR lower(current_setting('chatter.tracking', true)) = 'off' THEN
        RETURN NULL;
    END IF;
    IF current_setting('chatter.user_id', true) IS NULL OR current_setting('chatter.user_id', true) = '' THEN
        author := NULL;
    END IF;"""
COUNT = """
    IF EXISTS (SELECT FROM new_rows OFFSET 1) THEN
        SELECT count(*) INTO rows FROM new_rows;
        IF rows > 64 THEN
            restore := chatter._track_bulk_begin(NULL);
        END IF;
    END IF;"""
RESTORE = """
    IF restore IS NOT NULL THEN
        PERFORM set_config('session_replication_role', restore, true);
    END IF;"""
RESTORE_AND_WAKE = RESTORE + "\n    {wake}"
READY = f"{FLOOR_BODY}, {FLOOR_TRACKING}"
JOIN = "FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id"
# The default storage's two entries, as the generated code writes them (integer and numeric columns).
JSONB = ("""('[' || concat_ws(',', '{"field":"qty","label":"Qty","old_value":' || coalesce(o.qty::text, 'null')"""
         """ || ',"new_value":' || coalesce(n.qty::text, 'null') || ',"old_display":' """
         """|| coalesce('"' || o.qty::text || '"', 'null') || ',"new_display":' """
         """|| coalesce('"' || n.qty::text || '"', 'null') || '}', """
         """'{"field":"price","label":"Price","old_value":' || coalesce(to_json(o.price)::text, 'null') """
         """|| ',"new_value":' || coalesce(to_json(n.price)::text, 'null') || ',"old_display":' """
         """|| coalesce('"' || o.price::text || '"', 'null') || ',"new_display":' """
         """|| coalesce('"' || n.price::text || '"', 'null') || '}') || ']')::jsonb""")
TYPED = ("ARRAY[NULL, NULL, ROW('qty', 'Qty', to_json(o.qty), to_json(n.qty), o.qty::text, n.qty::text)"
         "::chatter.tracking_value, ROW('price', 'Price', to_json(o.price), to_json(n.price), o.price::text, "
         "n.price::text)::chatter.tracking_value, NULL, NULL, NULL, NULL]")
BODY = ("'<ul>' || concat('<li>Qty: ' || coalesce(o.qty::text, 'None') || ' → ' || coalesce(n.qty::text, 'None') "
        "|| '</li>', '<li>Price: ' || coalesce(o.price::text, 'None') || ' → ' || coalesce(n.price::text, 'None') "
        "|| '</li>') || '</ul>'")


def insert(table: str, columns: str = "body, tracking", values: str = READY, source: str = "FROM new_rows AS n") -> str:
    return (f"INSERT INTO chatter.messages (message_type, subtype_id, model, document, {columns}) "
            f"SELECT 'Tracking', {{subtype}}, '{table}', n.id, {values} {source};")


# name: (definer, parts before the INSERT, the INSERT, parts after it). Each adds one part to the one above.
VARIANTS = {
    "bare": (False, "", insert("bare"), ""),
    "definer": (True, "", insert("definer"), ""),
    "count": (True, COUNT, insert("count"), RESTORE),
    "wake": (True, COUNT, insert("wake"), RESTORE_AND_WAKE),
    "floor": (True, GUARDS + COUNT, insert("floor"), RESTORE_AND_WAKE),
    "join": (True, GUARDS + COUNT, insert("join", source=JOIN), RESTORE_AND_WAKE),
    "json": (True, GUARDS + COUNT, insert("json", values=f"{FLOOR_BODY}, {JSONB}", source=JOIN),
             RESTORE_AND_WAKE),
    "json_body": (True, GUARDS + COUNT, insert("json_body", values=f"{BODY}, {JSONB}", source=JOIN),
                  RESTORE_AND_WAKE),
    "typed": (True, GUARDS + COUNT, insert("typed", "body, tracking_values", f"{FLOOR_BODY}, {TYPED}", JOIN),
              RESTORE_AND_WAKE),
    "typed_body": (True, GUARDS + COUNT, insert("typed_body", "body, tracking_values", f"{BODY}, {TYPED}", JOIN),
                   RESTORE_AND_WAKE),
}
LABELS = {
    "untracked": "untracked",
    "bare": "bare trigger: invoker rights, one INSERT of a ready-made message",
    "definer": "+ SECURITY DEFINER (chatter_owner), search_path pinned",
    "count": "+ the row test that picks the path (one row, or more counted)",
    "wake": "+ the bridges' wake-up",
    "floor": "+ the guards (tracking off, cascades, acting user) = the design's floor",
    "join": "+ old and new rows joined by key",
    "json": "+ the values built, default storage (JSON text to jsonb)",
    "json_body": "+ the HTML body built",
    "typed": "  instead: the values built, typed storage",
    "typed_body": "  + the HTML body built (typed)",
    "tracked": "tracked (chatter.enable), default storage",
    "tracked_typed": "tracked, typed storage (opt-in)",
}
BULK_FLOOR_LABEL = ("the design's floor: a ready-made message per row, with every part of the single-row ladder "
                    "(per-row FK checks skipped as the bulk path does)")
SINGLE = ("untracked", "bare", "definer", "count", "wake", "floor", "tracked")
BULK = ("untracked", "floor", "join", "json", "json_body", "typed", "typed_body", "tracked", "tracked_typed")


def table_of(name: str) -> str:
    return f"items_{name}"


def setup(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        subtype, wake = conn.execute(WAKE_AND_SUBTYPE).fetchone()
        for name in ("untracked", *VARIANTS, "tracked", "tracked_typed"):
            create_items(conn, table_of(name))
        for name, (definer, before, write, after) in VARIANTS.items():
            code = (f"CREATE FUNCTION public.ladder_{name}() RETURNS trigger LANGUAGE plpgsql "
                    + ("SECURITY DEFINER SET search_path = '' " if definer else "")
                    + "AS $$\nDECLARE\n    rows bigint;\n    restore text;\n    author bigint;\nBEGIN"
                    + before + "\n    " + write + after + "\n    RETURN NULL;\nEND $$")
            conn.execute(code.replace("{subtype}", str(subtype)).replace("{wake}", wake))
            if definer:
                conn.execute(f"ALTER FUNCTION public.ladder_{name}() OWNER TO chatter_owner")
            conn.execute(f"CREATE TRIGGER ladder AFTER UPDATE ON public.{table_of(name)} "
                         "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
                         f"FOR EACH STATEMENT EXECUTE FUNCTION public.ladder_{name}()")
        conn.execute(f"SELECT chatter.enable('{table_of('tracked')}')")
        conn.execute(f"SELECT chatter.enable('{table_of('tracked_typed')}')")
        conn.execute(f"SELECT chatter.track_storage('{table_of('tracked_typed')}', 'typed')")
        conn.execute("VACUUM ANALYZE")


def bulk_seconds(url: str, name: str) -> float:
    """Seconds of one UPDATE of every row changing 2 tracked columns, rolled back so every round is alike.
    The bulk variants plan as the generated code does (no JIT, no merge join, work_mem for the join)."""
    with psycopg.connect(url) as conn:
        conn.execute("SET LOCAL jit = off; SET LOCAL enable_mergejoin = off; SET LOCAL work_mem = '64MB'"
                     if name in VARIANTS else "SELECT 1")
        start = time.perf_counter()
        conn.execute(f"UPDATE public.{table_of(name)} SET qty = qty + 1, price = price + 1")
        elapsed = time.perf_counter() - start
        conn.rollback()
        conn.autocommit = True
        conn.execute(f"VACUUM public.{table_of(name)}, chatter.messages")
    return elapsed


def single_tps(url: str, name: str, protocol: str) -> float:
    script = f"\\set id random(1, {ROWS})\nUPDATE public.{table_of(name)} SET qty = qty + 1 WHERE id = :id;\n"
    return pgbench_tps(url, script, seconds=SECONDS, protocol=protocol)


def main() -> None:
    started = time.monotonic()
    url = fresh_database(DB_NAME)
    print(f"building {len(VARIANTS) + 3} tables of {ROWS:,} rows ...", flush=True)
    setup(url)

    bulk: dict[str, list[float]] = {name: [] for name in BULK}
    for round_ in range(ROUNDS):
        for name, runs in bulk.items():   # interleaved, so drift on a shared machine hits all variants alike
            runs.append(bulk_seconds(url, name))
        print(f"bulk round {round_ + 1}: " + ", ".join(f"{n} {r[-1]:.3f}s" for n, r in bulk.items()), flush=True)
    single: dict[str, dict[str, list[float]]] = {p: {name: [] for name in SINGLE} for p in ("simple", "prepared")}
    for round_ in range(ROUNDS):
        for protocol, tps in single.items():
            for name, runs in tps.items():
                runs.append(single_tps(url, name, protocol))
            print(f"single-row round {round_ + 1} ({protocol}): "
                  + ", ".join(f"{n} {r[-1]:.0f}" for n, r in tps.items()), flush=True)

    plain = statistics.median(bulk["untracked"])
    print()
    print(f"| bulk: {ROWS:,}-row UPDATE, 2 tracked columns changed (median of {ROUNDS}) | time | vs untracked |")
    print("| --- | ---: | ---: |")
    for name, runs in bulk.items():
        seconds = statistics.median(runs)
        label = BULK_FLOOR_LABEL if name == "floor" else LABELS[name]
        print(f"| {label} | {seconds * 1000:.0f} ms | {seconds / plain:.2f}× |")
    print()
    print(f"| single-row UPDATE, pgbench 1 client (median of {ROUNDS} × {SECONDS} s) | simple | prepared |")
    print("| --- | ---: | ---: |")
    base = {p: statistics.median(tps["untracked"]) for p, tps in single.items()}
    for name in SINGLE:
        cells = [f"{statistics.median(single[p][name]):.0f} tps = {100 * statistics.median(single[p][name]) / base[p]:.0f}%"
                 for p in ("simple", "prepared")]
        print(f"| {LABELS[name]} | {cells[0]} | {cells[1]} |")
    print(f"\nthe whole run took {time.monotonic() - started:.0f} s")
    database.drop_database(url)


if __name__ == "__main__":
    main()
