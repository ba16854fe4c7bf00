"""Instructions per row of a 2,000-row tracked UPDATE for ways of storing a Tracking message (issue 23):
the body and `tracking jsonb` as stored today, the body left empty (rendered when read), `tracking` as
`json` (validated, not parsed into jsonb), `tracking` NULL (what the JSON costs at most), and typed values
in new columns (a composite array, or parallel arrays). Not a target of SPEC section 10: the evidence for
the storage chosen.

Same method as bench/tracking_instructions.py (callgrind in a single-user backend of a throwaway cluster,
the difference of two call counts): one copy of the benchmark's table per variant, each with its generated
tracking function, whose bulk query is then rewritten for the variant. Scratch columns are added to
chatter.messages for the variants that need them (every variant writes into the same table).

    .venv/bin/python bench/tracking_storage.py      # needs valgrind; about 1 minute per variant
    BENCH_ONLY=today,typed .venv/bin/python bench/tracking_storage.py
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tracking_instructions import deployed_cluster, instructions

# Rows of each table: per-row costs of 2,000-row and 20,000-row statements differ by the statement's fixed
# cost spread over them (a few hundred instructions), the same for every variant.
ROWS = int(os.environ.get("BENCH_ROWS", "2000"))
VARIANTS = ["untracked", "today", "body_empty", "json", "tracking_null", "typed", "typed_body_empty", "arrays_body_empty",
            "typed_text_body_empty"]

TABLE = """
CREATE TABLE public.items_{v} (
    id bigint PRIMARY KEY, name varchar(80), code varchar(20), qty integer, price numeric(12, 2),
    active boolean, due date, notes text, category varchar(40), updated_at timestamptz);
INSERT INTO public.items_{v} SELECT g, 'item ' || g, 'C' || g % 1000, g % 50, (g % 997) * 1.5, g % 2 = 0,
       DATE '2026-01-01' + g % 365, 'notes ' || g, 'cat ' || g % 40, now() FROM generate_series(1, {rows}) AS g;
SELECT chatter.enable('items_{v}');
CREATE PROCEDURE public.bulk_{v}(count integer) LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1 .. count LOOP
  UPDATE public.items_{v} SET qty = qty + 1, price = price + 1; ROLLBACK; END LOOP; END $$;
"""
SETUP = """
CREATE TYPE chatter.tracking_value_probe AS (field text, label text, old_value json, new_value json,
                                             old_display text, new_display text);
CREATE TYPE chatter.tracking_text_probe AS (field text, label text, old_display text, new_display text);
ALTER TABLE chatter.messages ADD COLUMN probe_json json, ADD COLUMN probe_values chatter.tracking_value_probe[],
    ADD COLUMN probe_texts chatter.tracking_text_probe[],
    ADD COLUMN probe_fields text[], ADD COLUMN probe_old json[], ADD COLUMN probe_new json[],
    ADD COLUMN probe_od text[], ADD COLUMN probe_nd text[];
"""
BULK_HEAD = "EXECUTE 'INSERT INTO chatter.messages (message_type, subtype_id, model, document, body, author_id, tracking) SELECT"


def entries(q: str) -> list[tuple[str, str, str]]:
    """(index, field, label) of each tracked column, read from the generated JSON template."""
    return re.findall(r"WHEN e\.ch(\d+) THEN '\{\"field\":\"([^\"]+)\",\"label\":\"([^\"]+)\"", q)


def rewrite(q: str, variant: str) -> str:
    """The bulk query q (today's) changed for a variant."""
    body_start = q.index("'<ul>' || concat(")
    body_end = q.index("|| '</ul>', $1, ") + len("|| '</ul>'")
    json_start = q.index("('[' || concat_ws(")
    json_end = q.index(")::jsonb FROM") + len(")::jsonb")
    body, json = q[body_start:body_end], q[json_start:json_end]
    cols = entries(q)

    def arr(fmt: str) -> str:
        return "ARRAY[" + ", ".join(f"CASE WHEN e.ch{i} THEN {fmt.format(i=i, f=f, l=l)} END"
                                    for i, f, l in cols) + "]"
    extra_cols, extra_vals = "", ""
    if variant in ("body_empty", "typed_body_empty", "arrays_body_empty", "typed_text_body_empty"):
        body = "''"
    if variant == "json":
        json = json.replace(")::jsonb", ")::json")
        extra_cols, extra_vals, json = ", probe_json", ", " + json, "NULL"
    elif variant == "tracking_null":
        json = "NULL"
    elif variant in ("typed", "typed_body_empty"):
        extra_cols = ", probe_values"
        extra_vals = ", " + arr("ROW('{f}', '{l}', to_json(e.o{i}), to_json(e.n{i}), e.od{i}, e.nd{i})"
                                "::chatter.tracking_value_probe")
        json = "NULL"
    elif variant == "typed_text_body_empty":
        extra_cols = ", probe_texts"
        extra_vals = ", " + arr("ROW('{f}', '{l}', e.od{i}, e.nd{i})::chatter.tracking_text_probe")
        json = "NULL"
    elif variant == "arrays_body_empty":
        extra_cols = ", probe_fields, probe_old, probe_new, probe_od, probe_nd"
        extra_vals = ", " + ", ".join([arr("'{f}'"), arr("to_json(e.o{i})"), arr("to_json(e.n{i})"),
                                       arr("e.od{i}"), arr("e.nd{i}")])
        json = "NULL"
    out = q[:body_start] + body + q[body_end:json_start] + json + extra_vals + q[json_end:]
    return out.replace("author_id, tracking)", "author_id, tracking" + extra_cols + ")", 1)


def prepare(url: str, variants: list[str]) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SETUP)
        for v in variants:
            if v == "untracked":
                conn.execute(TABLE.format(v=v, rows=ROWS).replace("SELECT chatter.enable('items_untracked');", ""))
                continue
            conn.execute(TABLE.format(v=v, rows=ROWS))
            fn = conn.execute("SELECT pg_get_functiondef(('chatter.track_' || %s::regclass::oid)::regproc)",
                              [f"public.items_{v}"]).fetchone()[0]
            start = fn.index(BULK_HEAD) + len("EXECUTE '")
            end = fn.index("' USING _chatter_author", start)
            q = fn[start:end].replace("''", "'")
            new = rewrite(q, v).replace("'", "''")
            conn.execute(fn[:start] + new + fn[end:])
            # Check the variant writes one message per row.
            conn.execute("BEGIN")
            conn.execute(f"UPDATE public.items_{v} SET qty = qty + 1, price = price + 1 WHERE id <= 100")
            n = conn.execute("SELECT count(*) FROM chatter.messages WHERE model = %s", [f"items_{v}"]).fetchone()[0]
            conn.execute("ROLLBACK")
            assert n == 100, (v, n)
        conn.execute("VACUUM ANALYZE")


def main() -> None:
    only = [name for name in os.environ.get("BENCH_ONLY", "").split(",") if name]
    variants = [v for v in VARIANTS if not only or v in only]
    # The variants rewrite the bulk query of the generator as it was before typed values (@v0.9.0).
    with deployed_cluster("SELECT 1", prepare=lambda url: prepare(url, variants), to="@v0.9.0") as (cluster, workdir):
        print("| variant | instructions per row |")
        print("| --- | ---: |")
        for v in variants:
            # Every variant writes into the same chatter.messages, and each rolled-back statement leaves
            # its dead rows and index entries (a VACUUM leaves free space that later INSERTs look up): each
            # count starts from an empty message table and a vacuumed table of its own (uncounted), so
            # the order of the variants changes nothing.
            prelude = f"TRUNCATE chatter.messages CASCADE\nVACUUM public.items_{v}\n"
            value = (instructions(cluster, f"bulk_{v}", 3, workdir, prelude=prelude)
                     - instructions(cluster, f"bulk_{v}", 1, workdir, prelude=prelude)) / (2 * ROWS)
            print(f"| {v} | {value:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
