"""Instructions a chat post costs PostgreSQL, counted by callgrind (exact on a busy machine; issue 25: at
10,000 sockets and 1,000 messages/s the post, not the relay, is most of the database's CPU). 10,000 users in
1,000 channels of 10 (as bench/realtime.py); each procedure commits after every call; the difference of two
counts divided by the extra calls is one call, as bench/tracking_instructions.py does (its `instructions`).

    .venv/bin/python bench/chat_post_instructions.py     # needs valgrind; about four minutes
    BENCH_ONLY=full .venv/bin/python bench/chat_post_instructions.py   # only these rows (full, chat_post, ..., full_after)
    BENCH_KEEP=/tmp/cg ...            # also keep the full rows' callgrind files there (callgrind_annotate)

The rows "the bench's statement" count a whole transaction as bench/realtime.py's poster sends it (one prepared statement,
extended protocol, autocommit: parse/bind/execute, the commit, its WAL flush and NOTIFY, the protocol), in a
normal backend of a postmaster run under callgrind, and what each post costs a backend that LISTENs on
chatter_bridge (as each bridge's relay does): two connections with different counts, each backend's own
count at its exit, the difference divided by the extra posts. A listening backend handles the wake-ups of
quick posts together when they pile up, so its row is a lower bound. They run first, while no poster has
an unread notification, and again last, after the mention and DM posts left most posters some.

The DM and mention posts come last: each run leaves its posts (and notifications) behind, so a figure
depends on what ran before it; compare two checkouts with the same script.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tracking_instructions import DB, deployed_cluster, instructions
from pgchatter.cluster import PrivateCluster, find_bindir

SETUP = """
INSERT INTO chatter.contacts (id, name) SELECT g, 'User ' || g FROM generate_series(1, 10000) g;
INSERT INTO chatter.users (id, contact_id, username, notification) SELECT g, g, 'user' || g, 'inbox' FROM generate_series(1, 10000) g;
SELECT chatter.create_channel('room ' || c, 'Public', c * 10 + 1, ARRAY(SELECT generate_series(c * 10 + 2, c * 10 + 10)::bigint))
  FROM generate_series(0, 999) c;
CREATE PROCEDURE public.chat_post(count integer) LANGUAGE plpgsql AS $$
DECLARE first bigint; c int; u int; BEGIN
  SELECT min(id) INTO first FROM chatter.channels;
  FOR i IN 1 .. count LOOP
    c := (i * 7919) % 1000; u := c * 10 + 1 + i % 10;
    PERFORM set_config('chatter.user_id', u::text, true);
    PERFORM chatter.channel_post(first + c, u, 'ping');
    COMMIT;
  END LOOP; END $$;
CREATE PROCEDURE public.audience(count integer) LANGUAGE plpgsql AS $$
DECLARE m bigint; BEGIN
  SELECT max(id) INTO m FROM chatter.messages;
  FOR i IN 1 .. count LOOP PERFORM * FROM chatter.message_audience(m - i % 100); COMMIT; END LOOP; END $$;
CREATE PROCEDURE public.notify_audience(count integer) LANGUAGE plpgsql AS $$
DECLARE m bigint; BEGIN
  SELECT max(id) INTO m FROM chatter.messages;
  FOR i IN 1 .. count LOOP PERFORM chatter._notify_audience(m - i % 100, false); COMMIT; END LOOP; END $$;
-- A DM per channel (its first two members) and the posts that notify someone: a DM, a mention.
CREATE TABLE public.dm_ids (c int PRIMARY KEY, id bigint NOT NULL);
INSERT INTO public.dm_ids SELECT c, chatter.get_or_create_dm(c * 10 + 1, c * 10 + 2) FROM generate_series(0, 999) c;
CREATE PROCEDURE public.dm_post(count integer) LANGUAGE plpgsql AS $$
DECLARE c int; u int; ch bigint; BEGIN
  FOR i IN 1 .. count LOOP
    c := (i * 7919) % 1000; u := c * 10 + 1 + i % 2;
    SELECT d.id INTO ch FROM public.dm_ids AS d WHERE d.c = (i * 7919) % 1000;
    PERFORM set_config('chatter.user_id', u::text, true);
    PERFORM chatter.channel_post(ch, u, 'ping');
    COMMIT;
  END LOOP; END $$;
CREATE PROCEDURE public.mention_post(count integer) LANGUAGE plpgsql AS $$
DECLARE first bigint; c int; u int; BEGIN
  SELECT min(id) INTO first FROM chatter.channels;
  FOR i IN 1 .. count LOOP
    c := (i * 7919) % 1000; u := c * 10 + 1 + i % 10;
    PERFORM set_config('chatter.user_id', u::text, true);
    PERFORM chatter.channel_post(first + c, u, 'ping @user' || (c * 10 + 1 + (i + 1) % 10));
    COMMIT;
  END LOOP; END $$;
CALL public.chat_post(300);
VACUUM ANALYZE;
"""
LABELS = {"chat_post": "chatter.channel_post, no mention (the whole post)",
          "audience": "chatter.message_audience of such a post (its audience: nobody)",
          "notify_audience": "chatter._notify_audience of it (message_audience included)",
          "mention_post": "chatter.channel_post mentioning a member (run after the above)",
          "dm_post": "chatter.channel_post in a DM (run after the above)"}


# bench/realtime.py's post, as its poster sends it (psycopg's placeholders: $1, $2, $3 on the wire).
POST = """
WITH acting AS MATERIALIZED (SELECT pg_catalog.set_config('chatter.user_id', %s, true))
SELECT chatter.channel_post(%s, %s, 'ping') FROM acting
"""
FULL_LABELS = ("the bench's statement, a whole transaction: the posting backend",
               "the same posts, in a backend that LISTENs on chatter_bridge (a relay's)")


def _backend_total(path: Path, pid: int) -> int:
    """The total of a backend's callgrind file, once the backend has exited and the file is written."""
    deadline = time.monotonic() + 300
    while Path(f"/proc/{pid}").exists() or not path.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"backend {pid} did not exit")
        time.sleep(0.2)
    for line in path.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise RuntimeError(f"no total in {path}")


def _posts(url: str, workdir: Path, count: int) -> tuple[int, int]:
    """Instructions of the posting backend and of a listening one for `count` posts (after 20 warm-up
    posts), each connection's whole life; the difference of two counts cancels the start and the warm-up."""
    with psycopg.connect(url, autocommit=True) as listener, psycopg.connect(url, autocommit=True,
                                                                            prepare_threshold=0) as conn:
        listener.execute("LISTEN chatter_bridge")
        lpid = listener.execute("SELECT pg_backend_pid()").fetchone()[0]
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        first = conn.execute("SELECT min(id) FROM chatter.channels").fetchone()[0]
        for i in range(20 + count):
            c = (i * 7919) % 1000
            u = c * 10 + 1 + i % 10
            conn.execute(POST, (str(u), first + c, u))
        listener.execute("SELECT 1")   # takes in the notifications sent so far
    return (_backend_total(workdir / f"full.{pid}.cg", pid), _backend_total(workdir / f"full.{lpid}.cg", lpid))


@contextmanager
def postmaster_under_callgrind(cluster: PrivateCluster, workdir: Path, prefix: str) -> Iterator[str]:
    """The cluster's postmaster run under callgrind (each backend writes <workdir>/<prefix>.<pid>.cg at its
    exit), once it accepts connections: yields its URL; stopped after. BENCH_KEEP=<dir> keeps the files."""
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={workdir}/{prefix}.%p.cg",
           str(find_bindir() / "postgres"), "-D", str(cluster.pgdata), "-c", "autovacuum=off"]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", cluster.settings.os_user, "--", *cmd]
    postmaster = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")
    url = cluster.url(DB)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                psycopg.connect(url).close()
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline or postmaster.poll() is not None:
                    raise
                time.sleep(1)
        yield url
        if keep := os.environ.get("BENCH_KEEP"):   # the backends' files, for callgrind_annotate
            for path in workdir.glob(f"{prefix}.*.cg"):
                shutil.copy(path, keep)
    finally:
        cluster.stop()
        postmaster.wait(timeout=300)


def full_transaction(cluster: PrivateCluster, workdir: Path) -> tuple[float, float]:
    """(posting backend, listening backend) instructions of one post, a whole transaction each."""
    with postmaster_under_callgrind(cluster, workdir, "full") as url:
        small, large = _posts(url, workdir, 10), _posts(url, workdir, 110)
    return (large[0] - small[0]) / 100, (large[1] - small[1]) / 100


def main() -> None:
    only = [name for name in os.environ.get("BENCH_ONLY", "").split(",") if name]
    with deployed_cluster(SETUP) as (cluster, workdir):
        print("| one call, committed | instructions |")
        print("| --- | ---: |")
        # First while no poster has an unread notification, then again after the mention and DM posts,
        # when most of them have some (the read-marker trigger's work differs).
        if not only or "full" in only:
            for label, v in zip(FULL_LABELS, full_transaction(cluster, workdir), strict=True):
                print(f"| {label} | {v:,.0f} |", flush=True)
        for proc, label in LABELS.items():
            if only and proc not in only:
                continue
            v = (instructions(cluster, proc, 110, workdir) - instructions(cluster, proc, 10, workdir)) / 100
            print(f"| {label} | {v:,.0f} |", flush=True)
        if not only or "full_after" in only:
            for label, v in zip(FULL_LABELS, full_transaction(cluster, workdir), strict=True):
                print(f"| {label}, after the mention and DM posts | {v:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
