"""Chat notifications through the listener, against real servers on loopback (aiosmtpd, a push service
that checks VAPID and decrypts): the delayed DM email (one per conversation, due after
CHATTER_CHAT_EMAIL_DELAY, cancelled by reading) and the DM's Web Push, which names the conversation."""

from __future__ import annotations

import asyncio
import json

import psycopg
import pytest

from listener import vapid as vapid_keys
from listener.config import ListenerConfig
from tests.conftest import run_seed
from tests.delivery_support import config, running, scalar, until
from tests.servers import PushService, SmtpServer

SETUP = """
INSERT INTO chatter.contacts (id, name, email) VALUES (1, 'Alice Author', 'alice@example.com'),
                                                      (2, 'Bob Reader', 'bob@example.com');
INSERT INTO chatter.users (id, contact_id, username, notification) VALUES (1, 1, 'alice', 'email'),
                                                                          (2, 2, 'bob', 'email');
"""


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


def _dm(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        run_seed(conn, SETUP)
        return conn.execute("SELECT chatter.get_or_create_dm(1, 2)").fetchone()[0]


def _post(url: str, channel: int, body: str, user: int = 1) -> int:
    return scalar(url, "SELECT chatter.channel_post(%s, %s, %s)", channel, user, body)


def _email_jobs(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return dict(conn.execute("SELECT status, count(*) FROM chatter.outbox WHERE kind = 'email' GROUP BY 1")
                    .fetchall())


async def _delay_applied(url: str, seconds: str) -> None:
    """The listener writes CHATTER_CHAT_EMAIL_DELAY when it connects."""
    await until(lambda: scalar(url, "SELECT chatter.chat_email_delay()::text") == seconds,
                what=f"chat_email_delay {seconds}")


def test_the_delay_comes_from_the_environment():
    assert ListenerConfig.from_env({"CHATTER_CHAT_EMAIL_DELAY": "2.5"}).chat_email_delay == 2.5
    assert ListenerConfig.from_env({}).chat_email_delay is None


async def test_one_email_per_conversation_after_the_delay(db_url, smtp):
    dm = _dm(db_url)
    assert scalar(db_url, "SELECT chatter.chat_email_delay()::text") == "00:10:00", "10 minutes by default"
    async with running(db_url, config(smtp.url, chat_email_delay=1.5)):
        await _delay_applied(db_url, "00:00:01.5")
        first = _post(db_url, dm, "<p>Are you there?</p>")
        _post(db_url, dm, "<p>It is about <b>the quote</b></p>")
        await asyncio.sleep(0.8)
        assert smtp.mailbox.count() == 0, "nothing before the delay"
        assert _email_jobs(db_url) == {"pending": 1}, "one waiting job for the conversation"
        await until(lambda: smtp.mailbox.count() == 1, timeout=10, what="the delayed email")
        await until(lambda: _email_jobs(db_url) == {"done": 1}, what="the job done")
        await asyncio.sleep(1.5)
        assert smtp.mailbox.count() == 1, "one email for two messages"
    [mail] = smtp.mailbox.messages()
    assert mail["To"] == "Bob Reader <bob@example.com>"
    assert mail["From"] == "Alice Author <alice@example.com>"
    assert mail["Subject"] == "Unread messages from Alice Author"
    assert mail["Message-ID"] == f"<pgchatter.{first}.2@mail.test>"
    html = mail.get_body(("html",)).get_content()
    assert "Are you there?" in html and "<b>the quote</b>" in html
    text = mail.get_body(("plain",)).get_content()
    assert "Alice Author" in text and "It is about the quote" in text
    assert scalar(db_url, "SELECT count(*) FROM chatter.outbox WHERE kind = 'email' AND email = 'alice@example.com'") == 0


async def test_reading_first_cancels_the_email(db_url, smtp):
    dm = _dm(db_url)
    async with running(db_url, config(smtp.url, chat_email_delay=1)):
        await _delay_applied(db_url, "00:00:01")
        _post(db_url, dm, "<p>Read me soon</p>")
        assert _email_jobs(db_url) == {"pending": 1}
        scalar(db_url, "SELECT chatter.mark_read(%s, 2)", dm)
        assert _email_jobs(db_url) == {}, "reading deletes the waiting job"
        await asyncio.sleep(2.5)
        assert smtp.mailbox.count() == 0, "read in time: no email"
        # Bob answers; Alice, who does not read, gets hers.
        _post(db_url, dm, "<p>Read it, thanks</p>", user=2)
        await until(lambda: smtp.mailbox.count() == 1, timeout=10, what="Alice's email")
    [mail] = smtp.mailbox.messages()
    assert mail["To"] == "Alice Author <alice@example.com>"
    assert mail["Subject"] == "Unread messages from Bob Reader"


async def test_a_dm_push_opens_the_conversation_and_a_muted_one_sends_none(db_url, smtp, push_service, vapid):
    dm = _dm(db_url)
    browser = push_service.browser("bob")
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO chatter.push_subscriptions (user_id, endpoint, p256dh, auth) VALUES (2, %s, %s, %s)",
                     (push_service.endpoint("bob"), browser.p256dh, browser.auth_b64))
    message = _post(db_url, dm, "<p>Lunch?</p>")
    async with running(db_url, config(smtp.url), vapid=vapid):
        await until(lambda: push_service.count() == 1, what="the push")
        [received] = push_service.received
        payload = received.payload if isinstance(received.payload, dict) else json.loads(received.payload)
        assert payload["channel_id"] == dm and payload["channel_kind"] == "Direct"
        assert payload["partner_name"] == "Alice Author" and payload["message_id"] == message
        assert payload["body"] == "Lunch?"
        scalar(db_url, "SELECT chatter.channel_mute(%s, 2)", dm)
        _post(db_url, dm, "<p>Muted lunch?</p>")
        await asyncio.sleep(1.5)
        assert push_service.count() == 1, "a muted conversation sends no push"
    assert scalar(db_url, "SELECT count(*) FROM chatter.notifications WHERE user_id = 2") == 2, \
        "muted: the inbox entry is still written"
