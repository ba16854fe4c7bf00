"""Benchmark: delivery throughput of one listener (SPEC section 10): emails to a local SMTP server
(aiosmtpd) and Web Push sends to a local push service that checks VAPID and decrypts every message.

The outbox is filled first, then one `pgchatter listener` process drains it; the rate is taken from the
database: jobs / (last done_at - first claimed_at). Emails and pushes are drained in two runs (the first
listener has no VAPID key, so it claims only emails). Targets: >= 300 emails/s, >= 200 pushes/s, none lost
or doubled.

    .venv/bin/python bench/delivery.py     # BENCH_DELIVERY_MESSAGES to resize (default 60 x 50 readers)
                                           # then 1,000 emails that are each their own message
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, record
from listener import vapid as vapid_keys
from pgchatter import database
from pgchatter.settings import PROJECT_ROOT
from tests.servers import PushService, SmtpServer

DB_NAME = "pgchatter_bench_delivery"
READERS = 50
MESSAGES = int(os.environ.get("BENCH_DELIVERY_MESSAGES", "60"))
DISTINCT = 1000


def setup(url: str, push: PushService) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"""
            INSERT INTO chatter.contacts (id, name, email) VALUES (1, 'Alice Author', 'alice@example.com');
            INSERT INTO chatter.contacts (id, name, email)
                SELECT 100 + g, 'Reader ' || g, 'reader' || g || '@example.com' FROM generate_series(1, {READERS}) g;
            INSERT INTO chatter.users (id, contact_id, username)
                SELECT 100 + g, 100 + g, 'reader' || g FROM generate_series(1, {READERS}) g;
            CREATE TABLE public.leads (id int PRIMARY KEY, name text);
            INSERT INTO public.leads VALUES (1, 'Big deal');
            SELECT chatter.enable('leads', track => false);
            SELECT chatter.subscribe('leads', 1, ARRAY(SELECT 100 + g FROM generate_series(1, {READERS}) g)::bigint[]);
        """)
        with conn.cursor() as cur:
            for g in range(1, READERS + 1):
                b = push.browser(f"reader{g}")
                cur.execute("INSERT INTO chatter.push_subscriptions (user_id, endpoint, p256dh, auth) "
                            "VALUES (%s, %s, %s, %s)", (100 + g, push.endpoint(b.name), b.p256dh, b.auth_b64))
        for i in range(MESSAGES):
            conn.execute("SELECT chatter.create_message(%s, subject => %s, author => 1, model => 'leads', "
                         "document => 1, send => true)",
                         (f"<p>Update <b>{i}</b>: the order has shipped.</p>", f"Update {i}"))


def post_distinct(url: str) -> int:
    """DISTINCT emails, each its own message to one reader (no body shared between recipients); returns
    the last outbox id before them."""
    with psycopg.connect(url, autocommit=True) as conn:
        before = conn.execute("SELECT coalesce(max(id), 0) FROM chatter.outbox").fetchone()[0]
        for i in range(DISTINCT):
            conn.execute("SELECT chatter.create_message(%s, subject => %s, author => 1, contacts => %s, send => true)",
                         (f"<p>Note <i>{i}</i> for you only.</p>", f"Note {i}", [101 + i % READERS]))
    return before


def drain(url: str, kind: str, env: dict[str, str], since: int = 0) -> tuple[int, float]:
    """Run one listener until every job of kind (id > since) is done; (jobs, jobs per second)."""
    environ = {**os.environ, "DATABASE_URL": url, "CHATTER_LISTENER_BATCH": "100", **env}
    proc = subprocess.Popen([sys.executable, "-m", "pgchatter", "listener"], cwd=PROJECT_ROOT, env=environ,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            total = conn.execute("SELECT count(*) FROM chatter.outbox WHERE kind = %s AND id > %s",
                                 (kind, since)).fetchone()[0]
            deadline = time.monotonic() + 300
            while conn.execute("SELECT count(*) FROM chatter.outbox WHERE kind = %s AND status = 'done' AND id > %s",
                               (kind, since)).fetchone()[0] < total:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit(f"{kind}: listener did not finish")
                time.sleep(0.2)
            seconds = conn.execute("SELECT extract(epoch FROM max(done_at) - min(claimed_at)) FROM chatter.outbox "
                                   "WHERE kind = %s AND id > %s", (kind, since)).fetchone()[0]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    return total, total / float(seconds)


def main() -> None:
    url = fresh_database(DB_NAME)
    with tempfile.TemporaryDirectory() as tmp:
        key_path, key = vapid_keys.generate(Path(tmp))
        smtp = SmtpServer().start()
        push = PushService(vapid_keys.application_server_key(key)).start()
        try:
            setup(url, push)
            emails, email_rate = drain(url, "email", {"CHATTER_SMTP_URL": smtp.url, "CHATTER_VAPID_PRIVATE_KEY": ""})
            print(f"emails: {emails} in one listener, {email_rate:.0f}/s", flush=True)
            since = post_distinct(url)
            distinct, distinct_rate = drain(url, "email", {"CHATTER_SMTP_URL": smtp.url,
                                                           "CHATTER_VAPID_PRIVATE_KEY": ""}, since)
            print(f"distinct emails: {distinct} in one listener, {distinct_rate:.0f}/s", flush=True)
            pushes, push_rate = drain(url, "push", {"CHATTER_SMTP_URL": smtp.url,
                                                    "CHATTER_VAPID_PRIVATE_KEY": str(key_path)})
            print(f"pushes: {pushes} in one listener, {push_rate:.0f}/s", flush=True)
            ids = smtp.mailbox.message_ids()
            lost_mail, doubled_mail = emails + distinct - len(ids), sum(n - 1 for n in ids.values())
            lost_push = pushes - push.count()
            if push.rejected:
                raise SystemExit(f"push service rejected: {push.rejected[:3]}")
        finally:
            smtp.stop()
            push.stop()
    print()
    print("| one listener | jobs | rate | lost | doubled | target |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(f"| emails to a local SMTP server (aiosmtpd), {MESSAGES} messages x {READERS} followers | {emails} | "
          f"{email_rate:.0f}/s | {lost_mail} | {doubled_mail} | ≥ 300/s |")
    print(f"| emails, each its own message (no body shared) | {distinct} | {distinct_rate:.0f}/s | – | – | |")
    print(f"| Web Push to a local push service (VAPID checked, decrypted) | {pushes} | {push_rate:.0f}/s | "
          f"{lost_push} | {max(0, push.count() - pushes)} | ≥ 200/s |")
    print("\nlost / doubled count the Message-IDs received for every email job of both email runs.")
    record("delivery", [
        {"what": "emails to a local SMTP server, one listener", "value": email_rate, "unit": "/s", "target": 300,
         "better": "higher"},
        {"what": "Web Push to a local push service, one listener", "value": push_rate, "unit": "/s", "target": 200,
         "better": "higher"},
        {"what": "emails lost or doubled", "value": lost_mail + doubled_mail, "unit": "", "target": 0,
         "better": "lower"},
    ])
    database.drop_database(url)


if __name__ == "__main__":
    main()
