"""The listener against real servers on loopback: aiosmtpd for SMTP, a push service that checks VAPID
and decrypts. The listener runs in the test's event loop; crash and restart tests are in
test_listener_recovery.py."""

from __future__ import annotations

import asyncio
import base64
import dataclasses

import psycopg
import pytest

from listener import vapid as vapid_keys
from listener.daemon import Listener
from tests.conftest import run_cli
from tests.delivery_support import (
    config,
    post,
    running,
    scalar,
    setup,
    until,
)
from tests.servers import PushService, SmtpServer, free_port


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def vapid(tmp_path):
    _, key = vapid_keys.generate(tmp_path / "vapid")
    return key


@pytest.fixture
def push_service(vapid):
    service = PushService(vapid_keys.application_server_key(vapid)).start()
    yield service
    service.stop()


def _status(url: str, kind: str = "email") -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return dict(conn.execute("SELECT status, count(*) FROM chatter.outbox WHERE kind = %s GROUP BY 1",
                                 (kind,)).fetchall())


async def test_email_parts_headers_attachments_and_threading(db_url, smtp):
    setup(db_url)
    with psycopg.connect(db_url, autocommit=True) as conn:
        att = conn.execute("SELECT chatter.add_attachment('quote.pdf', '\\x25504446', 'application/pdf')").fetchone()[0]
        att2 = conn.execute("SELECT chatter.add_attachment('Devis \"été\".txt', convert_to('Prix : 10 €', 'UTF8'), "
                            "'text/plain')").fetchone()[0]
    first = post(db_url, body='<p>Price: <b>10 €</b><script>alert(1)</script> <a href="https://x.test/q">quote</a></p>',
                 subject="Your quote", attachments=[att, att2])[0]
    reply = post(db_url, body="<p>Any news?</p>", parent=first, reply_to="sales@example.com")[0]
    async with running(db_url, config(smtp.url)) as daemon:
        await until(lambda: smtp.mailbox.count() == 2, what="two emails")
        await until(lambda: _status(db_url) == {"done": 2}, what="jobs done")
        assert daemon.smtp.connections == 1, "one SMTP connection for the whole run"
    mails = {str(m["Message-ID"]): m for m in smtp.mailbox.messages()}
    m1 = mails[f"<pgchatter.{first}.101@mail.test>"]
    m2 = mails[f"<pgchatter.{reply}.101@mail.test>"]
    assert m1["From"] == "Alice Author <alice@example.com>"
    assert m1["To"] == "Reader 1 <reader1@example.com>"
    # SPEC 8a: replies go to the mail gateway, under the thread's authenticated token.
    assert m1["Reply-To"] == scalar(db_url, "SELECT chatter.mail_reply_to(%s, 101, 'mail.test')", first)
    assert str(m1["Reply-To"]).startswith(f"reply+{first}-101-")
    assert m1["Subject"] == "Your quote"
    assert m1.get_content_type() == "multipart/mixed"
    assert [p.get_content_type() for p in m1.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html", "application/pdf", "text/plain"]
    assert not [p.defects for p in m1.walk() if p.defects], "well-formed MIME"
    html = m1.get_body(("html",)).get_content()
    text = m1.get_body(("plain",)).get_content()
    assert "<b>10 €</b>" in html and "<script>" not in html and "alert(1)" not in html
    assert "Price: 10 €" in text and "<https://x.test/q>" in text and "<" not in text.replace("<https://x.test/q>", "")
    pdf, txt = list(m1.iter_attachments())
    assert pdf.get_filename() == "quote.pdf" and pdf.get_content() == b"%PDF"
    assert txt.get_filename() == 'Devis "été".txt' and txt.get_payload(decode=True) == "Prix : 10 €".encode()
    assert m2["Subject"] == "Big deal", "no subject: the record's label"
    assert m2["Reply-To"] == "sales@example.com"
    assert m2["In-Reply-To"] == f"<pgchatter.{first}.101@mail.test>"
    assert m2["References"] == f"<pgchatter.{first}.101@mail.test>"
    assert scalar(db_url, "SELECT string_agg(DISTINCT email_status, ',') FROM chatter.notifications") == "sent"


async def test_push_payload_vapid_and_ttl(db_url, smtp, push_service, vapid):
    setup(db_url)
    browser = push_service.browser("reader1")
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO chatter.push_subscriptions (user_id, endpoint, p256dh, auth) VALUES (101, %s, %s, %s)",
                     (push_service.endpoint("reader1"), browser.p256dh, browser.auth_b64))
    [message] = post(db_url, subject="Ping")
    async with running(db_url, config(smtp.url, push_ttl=3600), vapid=vapid):
        await until(lambda: push_service.count() == 1, what="the push")
        await until(lambda: _status(db_url, "push") == {"done": 1}, what="push job done")
    assert push_service.rejected == []
    [received] = push_service.received
    payload = scalar(db_url, "SELECT chatter.notification_payload(%s)", message)
    assert received.payload == payload
    assert received.ttl == 3600
    assert received.claims["sub"] == "mailto:ops@mail.test"
    assert scalar(db_url, "SELECT push_status FROM chatter.notifications WHERE message_id = %s", message) == "sent"


async def test_push_gone_expires_and_busy_is_retried(db_url, smtp, push_service, vapid):
    setup(db_url, readers=2)
    gone, busy = push_service.browser("gone", [410]), push_service.browser("busy", [429, 500])
    with psycopg.connect(db_url, autocommit=True) as conn:
        for user, b in ((101, gone), (102, busy)):
            conn.execute("INSERT INTO chatter.push_subscriptions (user_id, endpoint, p256dh, auth) "
                         "VALUES (%s, %s, %s, %s)", (user, push_service.endpoint(b.name), b.p256dh, b.auth_b64))
    post(db_url)
    cfg = config(smtp.url)
    async with running(db_url, cfg, vapid=vapid):
        await until(lambda: _status(db_url, "push").get("dead") == 1, what="the 410 dead letter")
        assert scalar(db_url, "SELECT expired_at IS NOT NULL FROM chatter.push_subscriptions WHERE user_id = 101")
        assert scalar(db_url, "SELECT last_error FROM chatter.dead_letters") == "push 410 Gone"
        # 429 then 500: retried after 2 s and 4 s of backoff, then delivered.
        await until(lambda: push_service.count() == 1, timeout=20, what="the retried push")
        await until(lambda: _status(db_url, "push").get("done") == 1, what="push job done")
    assert scalar(db_url, "SELECT attempts FROM chatter.outbox WHERE status = 'done' AND kind = 'push'") == 3
    # No new push job for an expired subscription.
    post(db_url)
    assert scalar(db_url, "SELECT count(*) FROM chatter.outbox WHERE kind = 'push'") == 3


async def test_push_service_retry_after_is_honoured(db_url, smtp, push_service, vapid):
    setup(db_url, readers=2)
    slow = push_service.browser("slow", [(503, {"Retry-After": "120"})])
    dated = push_service.browser("dated", [(429, {"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"})])
    with psycopg.connect(db_url, autocommit=True) as conn:
        for user, b in ((101, slow), (102, dated)):
            conn.execute("INSERT INTO chatter.push_subscriptions (user_id, endpoint, p256dh, auth) "
                         "VALUES (%s, %s, %s, %s)", (user, push_service.endpoint(b.name), b.p256dh, b.auth_b64))
    post(db_url)
    async with running(db_url, config(smtp.url), vapid=vapid):
        await until(lambda: scalar(db_url, "SELECT count(*) FROM chatter.outbox WHERE kind = 'push' "
                                           "AND status = 'pending' AND attempts = 1") == 2, what="both failures")
    with psycopg.connect(db_url) as conn:
        waits = dict(conn.execute("""SELECT s.user_id, extract(epoch FROM o.run_after - now())::int
                                    FROM chatter.outbox AS o
                                    JOIN chatter.push_subscriptions AS s ON s.id = o.push_subscription_id
                                   WHERE o.kind = 'push'""").fetchall())
    assert 100 <= waits[101] <= 120, "Retry-After in seconds, not the 2 s backoff"
    assert 86000 <= waits[102] <= 86400, "an HTTP-date far ahead: at most a day"
    assert push_service.count() == 0


async def test_smtp_refusals_retry_or_dead_letter(db_url, smtp):
    setup(db_url, readers=2)
    smtp.mailbox.refuse = {"reader1@example.com": "550 5.1.1 No such user",
                           "reader2@example.com": "451 4.3.0 Try again later"}
    post(db_url)
    async with running(db_url, config(smtp.url)):
        await until(lambda: _status(db_url).get("dead") == 1, what="the 550 dead letter")
        await until(lambda: scalar(db_url, "SELECT count(*) FROM chatter.outbox WHERE status = 'pending' "
                                           "AND last_error LIKE 'SMTP 451%%'") == 1, what="the 451 retry")
        smtp.mailbox.refuse = {}
        await until(lambda: smtp.mailbox.count() == 1, timeout=10, what="the retried email")
    assert scalar(db_url, "SELECT last_error FROM chatter.dead_letters") == "SMTP 550 5.1.1 No such user"
    assert scalar(db_url, "SELECT email_status FROM chatter.notifications WHERE contact_id = 101") == "failed"
    assert scalar(db_url, "SELECT email_status FROM chatter.notifications WHERE contact_id = 102") == "sent"


async def test_last_attempt_is_a_visible_dead_letter(db_url, smtp):
    setup(db_url)
    smtp.mailbox.refuse = {"reader1@example.com": "451 4.3.0 Try again later"}
    post(db_url)
    async with running(db_url, config(smtp.url, max_attempts=2)):
        await until(lambda: _status(db_url).get("dead") == 1, timeout=10, what="dead letter after 2 attempts")
    assert scalar(db_url, "SELECT attempts || ' ' || last_error FROM chatter.dead_letters") == \
        "2 SMTP 451 4.3.0 Try again later"
    assert scalar(db_url, "SELECT email_status FROM chatter.notifications") == "failed"


async def test_smtp_down_then_up(db_url):
    setup(db_url, readers=5)
    server = SmtpServer(port=free_port())   # not started: connection refused
    post(db_url, 4)
    async with running(db_url, config(server.url)):
        await asyncio.sleep(1.5)   # a few connection attempts, each giving the batch back
        await until(lambda: _status(db_url) == {"pending": 20}
                    and scalar(db_url, "SELECT max(attempts) FROM chatter.outbox") == 0,
                    timeout=5, what="an outage spends no attempt and loses nothing")
        assert "unreachable" in scalar(db_url, "SELECT max(last_error) FROM chatter.outbox")
        server.start()
        try:
            await until(lambda: _status(db_url) == {"done": 20}, timeout=30, what="delivery after the outage")
        finally:
            server.stop()
    ids = server.mailbox.message_ids()
    assert len(ids) == 20 and set(ids.values()) == {1}


async def test_two_listeners_never_send_the_same_job(db_url, smtp):
    setup(db_url, readers=20)
    cfg = config(smtp.url, batch=10)
    async with running(db_url, dataclasses.replace(cfg, worker="a")) as a, \
            running(db_url, dataclasses.replace(cfg, worker="b")) as b:
        await asyncio.sleep(0.3)   # both listening: every post wakes both
        post(db_url, 15)   # 300 emails
        await until(lambda: _status(db_url) == {"done": 300}, timeout=60, what="300 emails")
    ids = smtp.mailbox.message_ids()
    assert len(ids) == 300 and max(ids.values()) == 1, "every email exactly once"
    assert a.stats.emails + b.stats.emails == 300
    assert scalar(db_url, "SELECT count(DISTINCT claimed_by) FROM chatter.outbox") == 2, "both listeners worked"


async def test_notify_wakes_and_poll_catches_a_lost_wakeup(db_url, smtp):
    setup(db_url)
    async with running(db_url, config(smtp.url, poll=30)):
        await asyncio.sleep(0.3)
        post(db_url)
        await until(lambda: smtp.mailbox.count() == 1, timeout=3, what="delivery on NOTIFY, long before the poll")
    async with running(db_url, config(smtp.url, poll=0.3)):
        await asyncio.sleep(0.3)
        with psycopg.connect(db_url, autocommit=True) as conn, conn.transaction():
            conn.execute("SET LOCAL chatter.wakeups = 'off'")   # the wake-up is lost
            conn.execute("SELECT chatter.create_message('x', author => 1, model => 'leads', document => 1, "
                         "send => true)")
        await until(lambda: smtp.mailbox.count() == 2, timeout=3, what="delivery by the poll")


async def test_catches_up_at_start_and_leaves_push_to_listeners_with_a_key(db_url, smtp):
    setup(db_url, readers=3)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO chatter.push_subscriptions (user_id, endpoint, p256dh, auth) "
                     "VALUES (101, 'http://127.0.0.1:9/push/x', 'k', 'a')")
    post(db_url, 5)
    daemon = Listener(db_url, config(smtp.url))   # no VAPID key
    await asyncio.wait_for(daemon.run(once=True), 20)
    assert _status(db_url) == {"done": 15}
    assert smtp.mailbox.count() == 15
    assert _status(db_url, "push") == {"pending": 5}, "push jobs wait, unclaimed, for a listener with a key"
    assert scalar(db_url, "SELECT max(attempts) FROM chatter.outbox WHERE kind = 'push'") == 0


async def test_headers_are_encoded_and_cannot_be_injected(db_url, smtp):
    setup(db_url)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("UPDATE chatter.contacts SET name = 'Zoë Ünal' WHERE id = 1")
    post(db_url, subject="Résumé\r\nBcc: evil@example.com", body="<p>ok</p>")
    async with running(db_url, config(smtp.url)):
        await until(lambda: smtp.mailbox.count() == 1, what="the email")
    [mail] = smtp.mailbox.messages()
    assert mail["From"] == "Zoë Ünal <alice@example.com>"
    assert mail["Subject"] == "Résumé Bcc: evil@example.com"
    assert mail["Bcc"] is None
    [(_, rcpt, raw)] = smtp.mailbox.raw
    assert rcpt == ["reader1@example.com"] and raw.isascii()


def test_vapid_generate_cli(tmp_path):
    made = run_cli("vapid", "generate", "--dir", str(tmp_path))
    assert made.returncode == 0, made.stderr
    lines = dict(line.split("=", 1) for line in made.stdout.split())
    assert lines["CHATTER_VAPID_PRIVATE_KEY"] == str(tmp_path / "private_key.pem")
    assert (tmp_path / "private_key.pem").stat().st_mode & 0o077 == 0, "the private key is private"
    raw = base64.urlsafe_b64decode(lines["CHATTER_VAPID_PUBLIC_KEY"] + "==")
    assert len(raw) == 65 and raw[0] == 4, "an uncompressed P-256 point (applicationServerKey)"
    assert run_cli("vapid", "generate", "--dir", str(tmp_path)).returncode == 1, "never overwritten silently"
    shown = run_cli("vapid", "public", env={"CHATTER_VAPID_PRIVATE_KEY": lines["CHATTER_VAPID_PRIVATE_KEY"]})
    assert shown.stdout.strip() == lines["CHATTER_VAPID_PUBLIC_KEY"]


async def test_a_slow_batch_gives_back_what_it_cannot_send_within_the_lease(db_url):
    setup(db_url, readers=10)
    smtp = SmtpServer(delay=0.2).start()   # a slow server: 10 emails take 2 s, the lease is 1 s
    try:
        post(db_url)
        async with running(db_url, config(smtp.url, lease=1, batch=10)):
            await until(lambda: _status(db_url) == {"done": 10}, timeout=30, what="all ten emails")
    finally:
        smtp.stop()
    ids = smtp.mailbox.message_ids()
    assert len(ids) == 10 and max(ids.values()) == 1, "never past the lease, so never taken over and sent twice"
    assert scalar(db_url, "SELECT max(attempts) FROM chatter.outbox") == 1, "giving back spends no attempt"
