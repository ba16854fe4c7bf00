"""Benchmark: tracking cost (SPEC section 10), measured side by side in one run.

- UPDATE of 100k rows of a 10-column table changing 2 tracked columns: untracked vs chatter.enable()
  (set-based statement triggers) vs a generic row-level trigger writing the same messages; and a table
  whose tracking values are stored typed (chatter.track_storage(..., 'typed'), opt-in: issue 23).
- Single-row UPDATE throughput with pgbench (1 client): untracked vs tracked, in pgbench's default
  protocol and again with prepared statements.
- Both against the floor SPEC section 10 names: the UPDATE and one INSERT per row of a ready-made
  message in the same statement, with no diff computed at all; in bulk also without the per-row
  foreign-key checks, which is how the bulk tracking path writes, and into a bare copy of the message
  table (no index, key, check or trigger): the "about 2x" of SPEC section 10. And the trigger floor: a
  statement trigger like chatter's that inserts the same ready-made message per row and computes nothing;
  single-row also the bare trigger floor, the same with one INSERT and none of the rules' parts.
- What the row-level target (>= 8x faster) asks of the tracked UPDATE, in untracked units, next to the
  bare-heap floor: a design whose floor is above that figure cannot meet it.

Runs in a fresh database of the private cluster (or DATABASE_URL's server).

    .venv/bin/python bench/tracking.py       # BENCH_TRACKING_ROWS / BENCH_TRACKING_SECONDS to resize
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, pgbench_tps, record
from pgchatter import database

ROWS = int(os.environ.get("BENCH_TRACKING_ROWS", "100000"))
SECONDS = int(os.environ.get("BENCH_TRACKING_SECONDS", "5"))
ROUNDS = 3
DB_NAME = "pgchatter_bench_tracking"
BULK_TABLES = ("items_untracked", "items_tracked", "items_rowlevel", "items_trigger_floor", "items_typed")
TABLES = (*BULK_TABLES, "items_bare_trigger")   # the bare trigger floor is measured single-row only

TABLE_DDL = """
CREATE TABLE public.{t} (
    id bigint PRIMARY KEY, name varchar(80), code varchar(20), qty integer, price numeric(12, 2),
    active boolean, due date, notes text, category varchar(40), updated_at timestamptz
)"""

# What a generic row-level trigger does (it must serve any table): diff OLD and NEW per tracked column
# through to_jsonb, then INSERT one message. Same messages as the set-based version.
ROW_LEVEL = """
CREATE FUNCTION public.track_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_j jsonb := to_jsonb(OLD);
    new_j jsonb := to_jsonb(NEW);
    col text;
    label text;
    items text := '';
    tracking jsonb := '[]';
BEGIN
    FOR i IN 0 .. TG_NARGS - 1 BY 2 LOOP
        col := TG_ARGV[i];
        label := TG_ARGV[i + 1];
        IF old_j -> col IS DISTINCT FROM new_j -> col THEN
            items := items || '<li>' || label || ': '
                  || chatter._html_escape(coalesce(old_j ->> col, 'None')) || ' → '
                  || chatter._html_escape(coalesce(new_j ->> col, 'None')) || '</li>';
            tracking := tracking || jsonb_build_object('field', col, 'label', label,
                'old_value', old_j -> col, 'new_value', new_j -> col,
                'old_display', old_j ->> col, 'new_display', new_j ->> col);
        END IF;
    END LOOP;
    IF items <> '' THEN
        INSERT INTO chatter.messages (message_type, subtype_id, model, document, body, author_id, tracking)
        VALUES ('Tracking', (SELECT s.id FROM chatter.subtypes AS s WHERE s.identifier = 'tracking'),
                'items_rowlevel', NEW.id, '<ul>' || items || '</ul>', chatter.current_contact_id(), tracking);
    END IF;
    RETURN NULL;
END $$"""


def create_items(conn: psycopg.Connection, table: str) -> None:
    """The bench's 10-column table under this name, with ROWS rows."""
    conn.execute(TABLE_DDL.format(t=table))
    conn.execute(f"""INSERT INTO public.{table}
        SELECT g, 'item ' || g, 'C' || g % 1000, g % 50, (g % 997) * 1.5, g % 2 = 0,
               DATE '2026-01-01' + g % 365, 'notes ' || g, 'cat ' || g % 40, now()
          FROM generate_series(1, {ROWS}) AS g""")


def setup(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for t in TABLES:
            create_items(conn, t)
        # A bare heap with chatter.messages' columns: what SPEC section 10's "about 2x" floor measures.
        conn.execute("CREATE TABLE public.bare_messages (LIKE chatter.messages INCLUDING DEFAULTS INCLUDING IDENTITY)")
        conn.execute("SELECT chatter.enable('items_tracked')")
        conn.execute("SELECT chatter.enable('items_rowlevel', track => false)")
        conn.execute("SELECT chatter.enable('items_typed')")
        conn.execute("SELECT chatter.track_storage('items_typed', 'typed')")
        conn.execute(ROW_LEVEL)
        args = conn.execute("""SELECT string_agg(quote_literal("column") || ', ' || quote_literal(label), ', '
                                   ORDER BY "column")
                                 FROM chatter._tracked_columns('public.items_tracked'::regclass)
                                WHERE tracked""").fetchone()[0]
        conn.execute(f"CREATE TRIGGER track_row AFTER UPDATE ON public.items_rowlevel "
                     f"FOR EACH ROW EXECUTE FUNCTION public.track_row({args})")
        subtype, wake = conn.execute(WAKE_AND_SUBTYPE).fetchone()
        for function, table, sql in (("track_floor", "items_trigger_floor", TRIGGER_FLOOR),
                                     ("track_bare_floor", "items_bare_trigger", BARE_TRIGGER_FLOOR)):
            conn.execute(sql.replace("{subtype}", str(subtype)).replace("{wake}", wake))
            conn.execute(f"CREATE TRIGGER {function} AFTER UPDATE ON public.{table} "
                         "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
                         f"FOR EACH STATEMENT EXECUTE FUNCTION public.{function}()")
        conn.execute("VACUUM ANALYZE")


def owner_report(url: str) -> str:
    """Who owns what the tracked UPDATE runs (SPEC section 2a: every figure under a non-superuser owner)."""
    with psycopg.connect(url) as conn:
        return conn.execute("""
            SELECT format('schema chatter owned by %s (superuser: %s); the tracking function by %s (superuser: %s), '
                          'SET on session_replication_role granted: %s',
                          s.nspowner::regrole, so.rolsuper, p.proowner::regrole, po.rolsuper,
                          has_parameter_privilege(p.proowner, 'session_replication_role', 'SET'))
              FROM pg_namespace AS s JOIN pg_roles AS so ON so.oid = s.nspowner,
                   pg_proc AS p JOIN pg_roles AS po ON po.oid = p.proowner
             WHERE s.nspname = 'chatter'
               AND p.oid = ('chatter.track_' || 'public.items_tracked'::regclass::oid)::regproc""").fetchone()[0]


# The floor: UPDATE + one INSERT per row of a constant message, in one statement (what any tracking that
# writes a message per row must at least cost). Runs on the untracked table.
FLOOR_BODY = "'<ul><li>Qty: 1 → 2</li><li>Price: 1.50 → 2.50</li></ul>'"
FLOOR_TRACKING = ("""'[{"field":"qty","label":"Qty","old_value":1,"new_value":2,"old_display":"1","new_display":"2"},{"field":"price","label":"Price","old_value":1.5,"new_value":2.5,"old_display":"1.50","new_display":"2.50"}]'""")


def floor_sql(set_clause: str, where: str = "", into: str = "chatter.messages") -> str:
    return (f"WITH u AS (UPDATE public.items_untracked SET {set_clause} {where} RETURNING id) "
            f"INSERT INTO {into} (message_type, subtype_id, model, document, body, tracking) "
            f"SELECT 'Tracking', (SELECT id FROM chatter.subtypes WHERE identifier = 'tracking'), "
            f"'items_untracked', u.id, {FLOOR_BODY}, {FLOOR_TRACKING} FROM u")


# The trigger floor: what chatter's design of a tracking trigger costs before it compares or renders
# anything. Built like the generated function (chatter._track_install): SECURITY DEFINER owned by
# chatter_owner, search_path pinned, it captures both transition tables, tells one row from more and
# counts the latter, skips the per-row FK checks of bulk statements (chatter._track_bulk_begin), inserts
# the floor's message per row with the tracking subtype's id as a constant, and wakes the bridges once
# with the same inline code (WAKE_AND_SUBTYPE). {subtype} and {wake} are filled in by setup().
TRIGGER_FLOOR = f"""
CREATE FUNCTION public.track_floor() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = '' AS $$
DECLARE
    restore text;
    rows bigint;
BEGIN
    IF EXISTS (SELECT FROM new_rows OFFSET 1) THEN
        SELECT count(*) INTO rows FROM new_rows;
        IF rows > 64 THEN
            restore := chatter._track_bulk_begin(NULL);
        END IF;
    END IF;
    INSERT INTO chatter.messages (message_type, subtype_id, model, document, body, tracking)
    SELECT 'Tracking', {{subtype}}, 'items_trigger_floor', n.id, {FLOOR_BODY}, {FLOOR_TRACKING} FROM new_rows AS n;
    IF restore IS NOT NULL THEN
        PERFORM set_config('session_replication_role', restore, true);
    END IF;
    {{wake}}
    RETURN NULL;
END $$;
ALTER FUNCTION public.track_floor() OWNER TO chatter_owner"""

# The bare trigger floor (single-row): the least a statement trigger over transition tables that writes a
# message per row can cost: an invoker-rights function (run here by the superuser) with one INSERT ...
# SELECT, and none of what the rules need (SECURITY DEFINER, a pinned search_path, the row count that
# picks a plan, the bridges' wake-up). The trigger floor's distance to it is what those parts cost.
BARE_TRIGGER_FLOOR = f"""
CREATE FUNCTION public.track_bare_floor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chatter.messages (message_type, subtype_id, model, document, body, tracking)
    SELECT 'Tracking', {{subtype}}, 'items_bare_trigger', n.id, {FLOOR_BODY}, {FLOOR_TRACKING} FROM new_rows AS n;
    RETURN NULL;
END $$"""

# The tracking subtype's id and the bridges' wake-up as the generated functions run it (track_generate:
# chatter._wake_bridges_sql() with its NOTIFY a statement).
WAKE_AND_SUBTYPE = (
    "SELECT s.id, replace(chatter._wake_bridges_sql(), "
    "'PERFORM pg_catalog.pg_notify(''chatter_bridge'', '''');', 'NOTIFY chatter_bridge;') "
    "FROM chatter.subtypes AS s WHERE s.identifier = 'tracking'")

BULK_SET = "qty = qty + 1, price = price + 1"
# floor_nofk: the same without the per-row foreign-key checks, as the bulk tracking path writes (it locks
# the author and subtype once instead, see chatter._track_bulk_begin).
BULK = ({t: f"UPDATE public.{t} SET {BULK_SET}" for t in BULK_TABLES}
        | {"floor": floor_sql(BULK_SET), "floor_nofk": floor_sql(BULK_SET),
           "floor_bare": floor_sql(BULK_SET, into="public.bare_messages")})


def bulk_update(url: str, table: str) -> float:
    """Seconds for one 100k-row UPDATE changing 2 tracked columns, rolled back so every round is alike."""
    with psycopg.connect(url) as conn:
        conn.execute("SELECT 1")
        if table == "floor_nofk":
            conn.execute("SET LOCAL session_replication_role = replica")
        start = time.perf_counter()
        conn.execute(BULK[table])
        elapsed = time.perf_counter() - start
        conn.rollback()
        conn.autocommit = True
        conn.execute(f"VACUUM public.{table if table in TABLES else 'items_untracked'}, chatter.messages, "
                     "public.bare_messages")
    return elapsed


SINGLE_FLOORS = {"floor": floor_sql("qty = qty + 1", "WHERE id = :id"),
                 "floor_bare": floor_sql("qty = qty + 1", "WHERE id = :id", into="public.bare_messages")}


def update_tps(url: str, table: str, protocol: str = "simple") -> float:
    statement = SINGLE_FLOORS.get(table, f"UPDATE public.{table} SET qty = qty + 1 WHERE id = :id")
    return pgbench_tps(url, f"\\set id random(1, {ROWS})\n{statement};\n", seconds=SECONDS, protocol=protocol)


SINGLE_ROW = ("items_untracked", "items_tracked", "items_trigger_floor", "items_bare_trigger", "floor", "floor_bare")


def single_row_tps(url: str, protocol: str) -> list[float]:
    """Median tps of untracked, tracked and the three floors, interleaved, in pgbench's protocol."""
    tps: dict[str, list[float]] = {t: [] for t in SINGLE_ROW}
    for _ in range(ROUNDS):
        for t, runs in tps.items():
            runs.append(update_tps(url, t, protocol))
    return [statistics.median(v) for v in tps.values()]


def main() -> None:
    started = time.monotonic()
    url = fresh_database(DB_NAME)
    print(f"building {len(TABLES)} tables of {ROWS:,} rows ...", flush=True)
    setup(url)
    owners = owner_report(url)
    print(owners, flush=True)

    times: dict[str, list[float]] = {t: [] for t in BULK}
    for round_ in range(ROUNDS):
        for t in BULK:  # interleaved, so drift on a shared machine hits all variants alike
            times[t].append(bulk_update(url, t))
        print(f"round {round_ + 1}: " + ", ".join(f"{t} {times[t][-1]:.3f}s" for t in BULK), flush=True)
    plain, tracked, rowlevel, trigger_floor, typed, floor, floor_nofk, floor_bare = (
        statistics.median(times[t]) for t in BULK)

    # pgbench's default (simple) protocol parses and plans the floors' statement in every transaction while
    # the trigger's plans stay cached; the prepared protocol caches both, which shows the floors' own cost.
    tps_plain, tps_tracked, tps_trigger, tps_bare_trigger, tps_floor, tps_bare = single_row_tps(url, "simple")
    prep_plain, prep_tracked, prep_trigger, prep_bare_trigger, prep_floor, prep_bare = single_row_tps(url, "prepared")

    print()
    print(f"| what ({ROWS:,}-row UPDATE, 2 tracked columns changed; median of {ROUNDS}) | result | target |")
    print("| --- | --- | --- |")
    print(f"| untracked | {plain * 1000:.0f} ms | |")
    print(f"| tracked (set-based, chatter.enable) | {tracked * 1000:.0f} ms = {tracked / plain:.2f}× untracked | ≤ 3.0× |")
    print(f"| tracked, values stored typed (opt-in) | {typed * 1000:.0f} ms = {typed / plain:.2f}× untracked | |")
    print(f"| row-level trigger, same messages | {rowlevel * 1000:.0f} ms: set-based is {rowlevel / tracked:.1f}× faster | ≥ 8× |")
    print(f"| trigger floor: a statement trigger inserting a ready-made message per row | "
          f"{trigger_floor * 1000:.0f} ms = {trigger_floor / plain:.2f}× untracked | |")
    print(f"| what ≥ 8× against the row-level trigger needs | ≤ {rowlevel / 8 * 1000:.0f} ms = "
          f"{rowlevel / 8 / plain:.2f}× untracked (the bare-heap floor below: {floor_bare / plain:.2f}×) | |")
    print(f"| floor: UPDATE + INSERT of a ready-made message per row, one statement | {floor * 1000:.0f} ms "
          f"= {floor / plain:.2f}× untracked | |")
    print(f"| same floor without per-row foreign-key checks (as the bulk path writes) | {floor_nofk * 1000:.0f} ms "
          f"= {floor_nofk / plain:.2f}× untracked | |")
    print(f"| same floor into a bare copy of the message table (no index, key, check or trigger) | "
          f"{floor_bare * 1000:.0f} ms = {floor_bare / plain:.2f}× untracked | |")
    print(f"| single-row UPDATE, pgbench 1 client, median of {ROUNDS} × {SECONDS} s | untracked {tps_plain:.0f} tps, "
          f"tracked {tps_tracked:.0f} tps = {100 * tps_tracked / tps_plain:.0f}% | ≥ 65% |")
    print(f"| single-row trigger floor | {tps_trigger:.0f} tps = {100 * tps_trigger / tps_plain:.0f}% of untracked | |")
    print(f"| single-row bare trigger floor (one INSERT, none of the rules' parts) | {tps_bare_trigger:.0f} tps = "
          f"{100 * tps_bare_trigger / tps_plain:.0f}% of untracked | |")
    print(f"| single-row floor (UPDATE + INSERT, one statement) | {tps_floor:.0f} tps "
          f"= {100 * tps_floor / tps_plain:.0f}% of untracked | |")
    print(f"| same single-row floor into the bare copy | {tps_bare:.0f} tps = {100 * tps_bare / tps_plain:.0f}% "
          "of untracked | |")
    print(f"| the same six with prepared statements (pgbench -M prepared) | untracked {prep_plain:.0f} tps, "
          f"tracked {prep_tracked:.0f} = {100 * prep_tracked / prep_plain:.0f}%, trigger floor {prep_trigger:.0f} "
          f"= {100 * prep_trigger / prep_plain:.0f}%, bare trigger floor {prep_bare_trigger:.0f} "
          f"= {100 * prep_bare_trigger / prep_plain:.0f}%, floor {prep_floor:.0f} "
          f"= {100 * prep_floor / prep_plain:.0f}%, bare floor {prep_bare:.0f} = {100 * prep_bare / prep_plain:.0f}% "
          "| tracked ≥ 65% |")
    record("tracking", [
        {"what": f"{ROWS:,}-row tracked UPDATE vs untracked", "value": tracked / plain, "unit": "×",
         "target": 3.0, "better": "lower"},   # SPEC section 10
        {"what": "same, the table's tracking values stored typed (opt-in, chatter.track_storage)",
         "value": typed / plain, "unit": "×", "target": None, "better": "lower"},
        {"what": "set-based vs row-level trigger, same messages", "value": rowlevel / tracked, "unit": "× faster",
         "target": 8, "better": "higher"},
        {"what": "single-row tracked UPDATE, share of untracked tps", "value": 100 * tps_tracked / tps_plain,
         "unit": "%", "target": 65, "better": "higher"},
        {"what": "trigger floor: statement trigger, ready-made INSERT per row", "value": trigger_floor / plain,
         "unit": "×", "target": None, "better": "lower"},
        {"what": "what ≥ 8× faster than the row-level trigger needs", "value": rowlevel / 8 / plain,
         "unit": "×", "target": None, "better": "lower"},
        {"what": "floor: UPDATE + ready-made INSERT per row vs untracked", "value": floor / plain, "unit": "×",
         "target": None, "better": "lower"},
        {"what": "same floor without per-row FK checks (as the bulk path)", "value": floor_nofk / plain, "unit": "×",
         "target": None, "better": "lower"},
        {"what": "same floor into a bare heap (no index, key, check, trigger)", "value": floor_bare / plain,
         "unit": "×", "target": None, "better": "lower"},
        {"what": "single-row trigger floor, share of untracked tps", "value": 100 * tps_trigger / tps_plain,
         "unit": "%", "target": None, "better": "higher"},
        {"what": "single-row bare trigger floor, share of untracked tps",
         "value": 100 * tps_bare_trigger / tps_plain, "unit": "%", "target": None, "better": "higher"},
        {"what": "single-row floor (UPDATE + INSERT), share of untracked tps", "value": 100 * tps_floor / tps_plain,
         "unit": "%", "target": None, "better": "higher"},
        {"what": "same into a bare heap, share of untracked tps", "value": 100 * tps_bare / tps_plain,
         "unit": "%", "target": None, "better": "higher"},
        {"what": "prepared statements: single-row tracked, share of untracked tps",   # SPEC section 10: both
         "value": 100 * prep_tracked / prep_plain, "unit": "%", "target": 65, "better": "higher"},
        {"what": "prepared statements: single-row trigger floor, share of untracked tps",
         "value": 100 * prep_trigger / prep_plain, "unit": "%", "target": None, "better": "higher"},
        {"what": "prepared statements: single-row bare trigger floor, share of untracked tps",
         "value": 100 * prep_bare_trigger / prep_plain, "unit": "%", "target": None, "better": "higher"},
        {"what": "prepared statements: single-row floor, share of untracked tps", "value": 100 * prep_floor / prep_plain,
         "unit": "%", "target": None, "better": "higher"},
        {"what": "prepared statements: same into a bare heap, share of untracked tps",
         "value": 100 * prep_bare / prep_plain, "unit": "%", "target": None, "better": "higher"},
    ])
    print(f"\n{owners}; the whole run took {time.monotonic() - started:.0f} s")
    database.drop_database(url)


if __name__ == "__main__":
    main()
