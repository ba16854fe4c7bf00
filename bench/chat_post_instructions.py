"""Instructions a chat post costs PostgreSQL, counted by callgrind (exact on a busy machine; issue 25: at
10,000 sockets and 1,000 messages/s the post, not the relay, is most of the database's CPU). 10,000 users in
1,000 channels of 10 (as bench/realtime.py); each procedure commits after every call; the difference of two
counts divided by the extra calls is one call, as bench/tracking_instructions.py does (its `instructions`).

    .venv/bin/python bench/chat_post_instructions.py     # needs valgrind; about two minutes

The DM and mention posts come last: each run leaves its posts (and notifications) behind, so a figure
depends on what ran before it; compare two checkouts with the same script.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tracking_instructions import instructions
from pgchatter import database
from pgchatter.cluster import PrivateCluster
from pgchatter.settings import Settings

DB = "instructions"
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


def main() -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    base = Settings.from_env()
    workdir = Path(tempfile.mkdtemp(prefix="pgchatter-chat-instructions-"))
    os.chmod(workdir, 0o777)
    cluster = PrivateCluster(replace(base, data_dir=workdir / "pg", database_url=None))
    try:
        cluster.start()
        url = cluster.url(DB)
        database.create_database(url, fresh=True)
        if database.sqitch(url, "--quiet", "deploy") != 0:
            raise SystemExit("deploy failed")
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", url], input=SETUP, text=True, check=True,
                       capture_output=True)
        cluster.stop()
        print("| one call, committed | instructions |")
        print("| --- | ---: |")
        for proc, label in LABELS.items():
            v = (instructions(cluster, proc, 110, workdir) - instructions(cluster, proc, 10, workdir)) / 100
            print(f"| {label} | {v:,.0f} |", flush=True)
    finally:
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
