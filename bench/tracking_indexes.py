"""Instructions per row of a bulk tracked UPDATE for each index of chatter.messages (issue 23): the same
UPDATE with the indexes as deployed, then with one of them dropped (or changed) at a time, so each
difference is what that index costs every Tracking message the bulk path inserts. Not a target of SPEC
section 10: the evidence for which index to change.

Same method as bench/tracking_instructions.py (callgrind in a single-user backend of a throwaway cluster,
the difference of two call counts): a table with typed tracking storage (opt-in, the cheaper storage),
2 tracked columns changed; before each count chatter.messages is emptied (TRUNCATE, uncounted) and the
variant's indexes dropped or created, so every variant starts from the same empty table. The table has
room on every page (fillfactor 50): each UPDATE is HOT, so its own cost is the same in every variant
(with full pages, some rows were updated HOT and some not, by chance, ±1,000 instructions a row).

    .venv/bin/python bench/tracking_indexes.py      # needs valgrind; about 1 minute per variant
    BENCH_ONLY=deployed,no_messages_id_brin .venv/bin/python bench/tracking_indexes.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tracking_instructions import deployed_cluster, instructions

ROWS = int(os.environ.get("BENCH_ROWS", "20000"))
SETUP = f"""
CREATE TABLE public.items_typed (
    id bigint PRIMARY KEY, name varchar(80), code varchar(20), qty integer, price numeric(12, 2),
    active boolean, due date, notes text, category varchar(40), updated_at timestamptz) WITH (fillfactor = 50);
INSERT INTO public.items_typed SELECT g, 'item ' || g, 'C' || g % 1000, g % 50, (g % 997) * 1.5, g % 2 = 0,
       DATE '2026-01-01' + g % 365, 'notes ' || g, 'cat ' || g % 40, now() FROM generate_series(1, {ROWS}) AS g;
SELECT chatter.enable('items_typed');
SELECT chatter.track_storage('items_typed', 'typed');
INSERT INTO chatter.contacts (id, name) VALUES (1, 'Alice Martin');
INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 1, 'alice');
CREATE PROCEDURE public.bulk(count integer) LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1 .. count LOOP
  UPDATE public.items_typed SET qty = qty + 1, price = price + 1; ROLLBACK; END LOOP; END $$;
CREATE PROCEDURE public.bulk_user(count integer) LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1 .. count LOOP
  PERFORM set_config('chatter.user_id', '1', true);
  UPDATE public.items_typed SET qty = qty + 1, price = price + 1; ROLLBACK; END LOOP; END $$;
VACUUM ANALYZE;
"""
AUTHOR_FULL = "CREATE INDEX messages_author_id_idx ON chatter.messages USING btree (author_id)"
AUTHOR_PARTIAL = AUTHOR_FULL + " WHERE (author_id IS NOT NULL)"
RECORD_V010 = "CREATE INDEX messages_record_idx ON chatter.messages (model, document, id)"


def main() -> None:
    indexes: dict[str, str] = {}

    def prepare(url: str) -> None:
        with psycopg.connect(url) as conn:
            indexes.update(conn.execute("""SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index AS i
                                             JOIN pg_class AS c ON c.oid = i.indexrelid
                                            WHERE i.indrelid = 'chatter.messages'::regclass AND NOT i.indisprimary
                                            ORDER BY c.relname""").fetchall())

    with deployed_cluster(SETUP, prepare) as (cluster, workdir):
        # variant: (procedure, indexes as deployed but these dropped, statements then run)
        variants: dict[str, tuple[str, list[str], list[str]]] = {
            "deployed": ("bulk", [], []),
            "deployed_user": ("bulk_user", [], []),
            **{f"no_{name}": ("bulk", [name], []) for name in indexes},
            "author_full": ("bulk", ["messages_author_id_idx"], [AUTHOR_FULL]),
            "author_partial": ("bulk", ["messages_author_id_idx"], [AUTHOR_PARTIAL]),
            "author_full_user": ("bulk_user", ["messages_author_id_idx"], [AUTHOR_FULL]),
            "record_nodedup": ("bulk", [], ["ALTER INDEX chatter.messages_record_idx SET (deduplicate_items = off)"]),
            "record_document_first": ("bulk", ["messages_record_idx"], [
                "CREATE INDEX messages_record_idx ON chatter.messages (document, model, id)"]),
            "record_document_first_nodedup": ("bulk", ["messages_record_idx"], [
                "CREATE INDEX messages_record_idx ON chatter.messages (document, model, id) WITH (deduplicate_items = off)"]),
            # The indexes as released at v0.10.0 (before issue 23's two changes), with and without a user.
            "v0.10.0": ("bulk", ["messages_author_id_idx", "messages_record_idx"], [AUTHOR_FULL, RECORD_V010]),
            "v0.10.0_user": ("bulk_user", ["messages_author_id_idx", "messages_record_idx"], [AUTHOR_FULL, RECORD_V010]),
            "pkey_only": ("bulk", list(indexes), []),
        }
        only = [name for name in os.environ.get("BENCH_ONLY", "").split(",") if name]
        print(f"per row of a {ROWS:,}-row tracked UPDATE (typed storage), instructions\n")
        print("| variant | instructions per row | vs deployed |")
        print("| --- | ---: | ---: |")
        base = None
        for name, (procedure, dropped, extra) in variants.items():
            if only and name not in only and name != "deployed":
                continue
            # Every index back as deployed (one line each: the single-user backend reads a statement a line),
            # then this variant's changes, on an empty table.
            prelude = "".join(f"DROP INDEX IF EXISTS chatter.{i}\n{d}\n" for i, d in indexes.items())
            prelude += "TRUNCATE chatter.messages CASCADE\nVACUUM public.items_typed\n"
            prelude += "".join(f"DROP INDEX chatter.{i}\n" for i in dropped) + "".join(f"{s}\n" for s in extra)
            value = (instructions(cluster, procedure, 3, workdir, prelude=prelude)
                     - instructions(cluster, procedure, 1, workdir, prelude=prelude)) / (2 * ROWS)
            if name == "deployed":
                base = value
            change = "" if base is None or name == "deployed" else f"{value - base:+,.0f}"
            print(f"| {name} | {value:,.0f} | {change} |", flush=True)


if __name__ == "__main__":
    main()
