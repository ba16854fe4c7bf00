"""The listener as a process, as operators run it: kill -9 mid-batch and a restart of PostgreSQL under
it. Nothing is lost; duplicates come only from the batch in flight and carry the same Message-ID."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from pgchatter.settings import PROJECT_ROOT
from tests.delivery_support import (
    post,
    scalar,
    setup,
    wait_until,
)
from tests.servers import SmtpServer


def start_listener(url: str, smtp_url: str, log: Path, worker: str, **env: str) -> subprocess.Popen[bytes]:
    environ = {**os.environ, "DATABASE_URL": url, "CHATTER_SMTP_URL": smtp_url, "CHATTER_MAIL_DOMAIN": "mail.test",
               "CHATTER_LISTENER_WORKER": worker, "CHATTER_LISTENER_POLL": "0.5",
               "CHATTER_VAPID_PRIVATE_KEY": "", **env}
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "pgchatter", "listener"], cwd=PROJECT_ROOT, env=environ,
                                stdout=out, stderr=subprocess.STDOUT)


def stop_listener(proc: subprocess.Popen[bytes]) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    return proc.wait(15)


def expected_ids(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT chatter.email_message_id(message_id, contact_id, 'mail.test') "
                            "FROM chatter.notifications WHERE email_status <> 'none'").fetchall()
    return {r[0] for r in rows}


def test_kill_9_mid_batch_loses_nothing(db_url, tmp_path):
    setup(db_url, readers=20)
    post(db_url, 15)   # 300 emails
    smtp = SmtpServer(delay=0.01).start()   # 10 ms a message: a batch of 50 is in flight for 0.5 s
    log = tmp_path / "listener.log"
    try:
        first = start_listener(db_url, smtp.url, log, "first", CHATTER_LISTENER_LEASE="2",
                               CHATTER_LISTENER_BATCH="50")
        try:
            wait_until(lambda: smtp.mailbox.count() >= 75, what="the second batch in flight")
        finally:
            first.kill()   # SIGKILL: no clean-up of any kind
            first.wait(10)
        with psycopg.connect(db_url) as conn:
            in_flight = {r[0] for r in conn.execute(
                "SELECT chatter.email_message_id(n.message_id, n.contact_id, 'mail.test') FROM chatter.outbox o "
                "JOIN chatter.notifications n ON n.id = o.notification_id "
                "WHERE o.status = 'claimed' AND o.claimed_by = 'first'").fetchall()}
        assert 0 < len(in_flight) <= 50, "the killed listener left its batch claimed"

        second = start_listener(db_url, smtp.url, log, "second", CHATTER_LISTENER_LEASE="2")
        try:
            wait_until(lambda: scalar(db_url, "SELECT count(*) FROM chatter.outbox WHERE status = 'done'") == 300,
                       timeout=60, what="every email delivered after the restart")
        finally:
            assert stop_listener(second) == 0, log.read_text()
    finally:
        smtp.stop()
    received = smtp.mailbox.message_ids()
    assert set(received) == expected_ids(db_url), "every email delivered, none lost"
    duplicates = {mid for mid, n in received.items() if n > 1}
    assert duplicates <= in_flight, "duplicates only from the in-flight batch, recognisable by Message-ID"
    assert max(received.values()) <= 2
    assert scalar(db_url, "SELECT count(*) FROM chatter.outbox WHERE claimed_by = 'second'") >= len(in_flight)


def test_postgres_restart_under_the_listener(own_cluster, tmp_path):
    cluster, url = own_cluster
    setup(url, readers=10)
    smtp = SmtpServer(delay=0.01).start()
    log = tmp_path / "listener.log"
    try:
        proc = start_listener(url, smtp.url, log, "restart")
        try:
            post(url, 2)
            wait_until(lambda: smtp.mailbox.count() == 20, what="delivery before the restart")
            post(url, 20)   # 200 more: the restart lands in the middle of sending them
            wait_until(lambda: smtp.mailbox.count() >= 40, what="sending under way")
            cluster.stop()
            time.sleep(1.5)   # down long enough for failed reconnects with backoff
            cluster.start()
            wait_until(lambda: smtp.mailbox.count() >= 220, timeout=60, what="delivery after the restart")
            post(url, 1)
            wait_until(lambda: scalar(url, "SELECT count(*) FROM chatter.outbox WHERE status = 'done'") == 230,
                       timeout=30, what="new messages after the restart")
            assert proc.poll() is None, "the listener recovered by itself"
        finally:
            assert stop_listener(proc) == 0, log.read_text()
    finally:
        smtp.stop()
    assert "reconnecting" in log.read_text()
    received = smtp.mailbox.message_ids()
    assert set(received) == expected_ids(url)
    assert max(received.values()) == 1, "sent before the restart, recorded after it: nothing twice"
