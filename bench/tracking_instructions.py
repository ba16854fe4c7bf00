"""Instructions a tracked write costs, counted by callgrind: exact and repeatable on a busy machine, where
wall and CPU times of a ~150 µs transaction drift by ±30% (issue 23). Not a target of SPEC section 10: the
evidence for what each change to the write path is worth. Compare two checkouts by running it in each.

A throwaway private cluster (its own data directory and socket, same port number: no TCP) gets this
checkout's schema and small tables; it is then stopped and each procedure runs in a single-user backend
under `valgrind --tool=callgrind`, twice with different counts, so the difference divided by the extra
count is the cost of one transaction (or one row), without the backend's start.

    .venv/bin/python bench/tracking_instructions.py      # needs valgrind; about 3 minutes
    BENCH_ONLY=tracked,message .venv/bin/python bench/tracking_instructions.py   # only these procedures
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pgchatter import database
from pgchatter.cluster import PrivateCluster, find_bindir
from pgchatter.settings import Settings

DB = "instructions"
SETUP = """
CREATE TABLE public.items_untracked (
    id bigint PRIMARY KEY, name varchar(80), code varchar(20), qty integer, price numeric(12, 2),
    active boolean, due date, notes text, category varchar(40), updated_at timestamptz);
INSERT INTO public.items_untracked SELECT g, 'item ' || g, 'C' || g % 1000, g % 50, (g % 997) * 1.5, g % 2 = 0,
       DATE '2026-01-01' + g % 365, 'notes ' || g, 'cat ' || g % 40, now() FROM generate_series(1, 20000) AS g;
CREATE TABLE public.items_tracked (LIKE public.items_untracked INCLUDING ALL);
INSERT INTO public.items_tracked SELECT * FROM public.items_untracked;
SELECT chatter.enable('items_tracked');
CREATE TABLE public.items_typed (LIKE public.items_untracked INCLUDING ALL);
INSERT INTO public.items_typed SELECT * FROM public.items_untracked;
SELECT chatter.enable('items_typed');
SELECT chatter.track_storage('items_typed', 'typed');
INSERT INTO chatter.contacts (id, name) VALUES (1, 'Alice Martin');
INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 1, 'alice');
CREATE PROCEDURE public.untracked(count integer) LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1 .. count LOOP
  UPDATE public.items_untracked SET qty = qty + 1 WHERE id = 1 + (i * 7919) % 20000; COMMIT; END LOOP; END $$;
CREATE PROCEDURE public.tracked(count integer) LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1 .. count LOOP
  UPDATE public.items_tracked SET qty = qty + 1 WHERE id = 1 + (i * 7919) % 20000; COMMIT; END LOOP; END $$;
CREATE PROCEDURE public.tracked_user(count integer) LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1 .. count LOOP
  PERFORM set_config('chatter.user_id', '1', true);
  UPDATE public.items_tracked SET qty = qty + 1 WHERE id = 1 + (i * 7919) % 20000; COMMIT; END LOOP; END $$;
CREATE SEQUENCE public.items_new_id START 100001;
CREATE PROCEDURE public.insert_tracked(count integer) LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1 .. count LOOP
  INSERT INTO public.items_tracked (id, name, qty) VALUES (nextval('public.items_new_id'), 'new', 1); COMMIT;
  END LOOP; END $$;
CREATE PROCEDURE public.message(count integer) LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1 .. count LOOP
  INSERT INTO chatter.messages (message_type, model, document, body)
  VALUES ('Message', 'items_tracked', i, '<p>hello</p>'); COMMIT; END LOOP; END $$;
-- Bulk: every row, 2 tracked columns changed, rolled back so that each call starts alike.
CREATE PROCEDURE public.bulk_untracked(count integer) LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1 .. count LOOP
  UPDATE public.items_untracked SET qty = qty + 1, price = price + 1; ROLLBACK; END LOOP; END $$;
CREATE PROCEDURE public.bulk_tracked(count integer) LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1 .. count LOOP
  UPDATE public.items_tracked SET qty = qty + 1, price = price + 1; ROLLBACK; END LOOP; END $$;
CREATE PROCEDURE public.bulk_typed(count integer) LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1 .. count LOOP
  UPDATE public.items_typed SET qty = qty + 1, price = price + 1; ROLLBACK; END LOOP; END $$;
CREATE PROCEDURE public.bulk_typed_user(count integer) LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1 .. count LOOP
  PERFORM set_config('chatter.user_id', '1', true);
  UPDATE public.items_typed SET qty = qty + 1, price = price + 1; ROLLBACK; END LOOP; END $$;
VACUUM ANALYZE;
"""

# procedure, label, (small count, large count), divisor of the difference
RUNS = [
    ("untracked", "single-row UPDATE, untracked", (10, 210), 200),
    ("tracked", "single-row tracked UPDATE (the system acts)", (10, 210), 200),
    ("tracked_user", "single-row tracked UPDATE, an acting user", (10, 210), 200),
    ("message", "plain INSERT of a message (wake-up trigger)", (10, 210), 200),
    ("bulk_untracked", "per row of a 20,000-row UPDATE, untracked", (1, 3), 2 * 20000),
    ("bulk_tracked", "per row of a 20,000-row UPDATE, tracked", (1, 3), 2 * 20000),
    ("bulk_typed", "per row of a 20,000-row UPDATE, tracked, typed storage (opt-in)", (1, 3), 2 * 20000),
    ("bulk_typed_user", "per row of a 20,000-row UPDATE, tracked, typed storage, an acting user", (1, 3), 2 * 20000),
    # Last: its rows stay in items_tracked and chatter.messages.
    ("insert_tracked", "single-row tracked INSERT (Record Created)", (10, 210), 200),
]


def instructions(cluster: PrivateCluster, procedure: str, count: int, workdir: Path, prelude: str = "") -> int:
    """Instructions of `CALL procedure(count)` (after a warm-up call) in a single-user backend; `prelude`
    (statements, one a line) runs first, uncounted."""
    out = workdir / f"{procedure}.{count}.cg"
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--toggle-collect=ExecuteCallStmt",
           str(find_bindir() / "postgres"), "--single", "-D", str(cluster.pgdata), DB]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", cluster.settings.os_user, "--", *cmd]
    script = f"SET synchronous_commit = off\n{prelude}CALL public.{procedure}(1)\nCALL public.{procedure}({count})\n"
    subprocess.run(cmd, input=script, capture_output=True, text=True, check=True, cwd="/")
    for line in out.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise RuntimeError(f"no total in {out}")


@contextmanager
def deployed_cluster(setup: str, prepare: Callable[[str], None] | None = None, to: str | None = None
                     ) -> Iterator[tuple[PrivateCluster, Path]]:
    """A throwaway cluster with the schema deployed (up to the change or tag `to`, if given) and `setup` run
    (then `prepare(url)`, if given), stopped (callgrind starts its own single-user backend on it), and its
    work folder; removed afterwards."""
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    workdir = Path(tempfile.mkdtemp(prefix="pgchatter-instructions-"))
    os.chmod(workdir, 0o777)   # the cluster's owner writes its files and callgrind's there
    cluster = PrivateCluster(replace(Settings.from_env(), data_dir=workdir / "pg", database_url=None))
    try:
        cluster.start()
        url = cluster.url(DB)
        database.create_database(url, fresh=True)
        if database.sqitch(url, "--quiet", "deploy", *(["--to", to] if to else [])) != 0:
            raise SystemExit("deploy failed")
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", url], input=setup, text=True, check=True,
                       capture_output=True)
        if prepare is not None:
            prepare(url)
        cluster.stop()
        yield cluster, workdir
    finally:
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    with deployed_cluster(SETUP) as (cluster, workdir):
        print("| what | instructions |")
        print("| --- | ---: |")
        results = {}
        only = [name for name in os.environ.get("BENCH_ONLY", "").split(",") if name]
        for procedure, label, (small, large), divisor in RUNS:
            if only and procedure not in only:
                continue
            value = (instructions(cluster, procedure, large, workdir)
                     - instructions(cluster, procedure, small, workdir)) / divisor
            results[procedure] = value
            print(f"| {label} | {value:,.0f} |", flush=True)
        if {"tracked", "untracked", "bulk_tracked", "bulk_untracked"} <= results.keys():
            print(f"\ntracked / untracked: single-row {results['tracked'] / results['untracked']:.2f}×, "
                  f"bulk {results['bulk_tracked'] / results['bulk_untracked']:.2f}×")


if __name__ == "__main__":
    main()
