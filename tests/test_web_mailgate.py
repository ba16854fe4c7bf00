"""Replies by email in a real Chromium (SPEC 8a): a customer's answer, posted by the mail gateway's SQL, shows
on the order as an Email with its quoted history collapsed and its inline image loaded; a bounced email says
whose mail came back."""

from __future__ import annotations

import base64
import json

import psycopg
import pytest

from listener import inbound
from tests.browser import bridge, browser, demo_db, login, order_id  # noqa: F401

pytestmark = pytest.mark.usefixtures("bridge")

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
DOMAIN = "pgchatter.localhost"


def _receive(url: str, order: int) -> tuple[int, int]:
    """Alice emails the order's customer; the customer answers with an inline image and the quoted mail;
    the gateway's functions store and post it. (the emailed message, the Email message)"""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT set_config('chatter.user_id', '', false)")
        customer, address = conn.execute("""SELECT c.id, c.email FROM public.sale_orders o
                                              JOIN chatter.contacts c ON c.id = o.customer_id WHERE o.id = %s""",
                                         (order,)).fetchone()
        sent = conn.execute("""SELECT chatter.create_message('<p>Your order ships Monday</p>', author => u.contact_id,
                                      model => 'sale_orders', document => %s, send => true)
                                 FROM chatter.users u WHERE u.username = 'alice'""", (order,)).fetchone()[0]
        reply_to = conn.execute("SELECT chatter.mail_reply_to(%s, %s, %s)", (sent, customer, DOMAIN)).fetchone()[0]
        raw = (f"From: Customer <{address}>\r\nTo: {reply_to}\r\nSubject: Re: your order\r\n"
               "Message-ID: <web-reply@customer.test>\r\nMIME-Version: 1.0\r\n"
               'Content-Type: multipart/related; boundary="R"\r\n\r\n'
               '--R\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Thanks! Here is the spot <img src="cid:spot@c"></p>'
               '<div class="gmail_quote">On Monday, Alice wrote:<blockquote>Your order ships Monday</blockquote></div>\r\n'
               "--R\r\nContent-Type: image/png\r\nContent-ID: <spot@c>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
               + base64.b64encode(PNG).decode() + "\r\n--R--\r\n").encode()
        inbound_id, refusal, _ = conn.execute(
            "SELECT * FROM chatter.mailgate_accept(%s, %s, %s, %s, %s)",
            (raw, address, [reply_to], json.dumps(inbound.route_headers(raw)), DOMAIN)).fetchone()
        assert refusal is None, refusal
        conn.execute("SELECT * FROM chatter.mailgate_claim('web', 10)")
        post = inbound.post_of(raw)
        atts = post.attachments
        email_id = conn.execute("SELECT chatter.mailgate_post(%s, 'web', %s, %s, %s, %s, %s, %s, %s)",
                                (inbound_id, post.from_name, post.subject, post.body, [a.name for a in atts],
                                 [a.mimetype for a in atts], [a.content for a in atts],
                                 [a.content_id for a in atts])).fetchone()[0]
        # The customer's mail server returns Alice's email: a delivery report.
        dsn = (b"From: MAILER-DAEMON@mx.test\r\nTo: bounces@pgchatter.localhost\r\nMIME-Version: 1.0\r\n"
               b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
               b"--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
               + f"Message-ID: <pgchatter.{sent}.{customer}@{DOMAIN}>\r\n".encode() + b"\r\n--B--\r\n")
        refusal = conn.execute("SELECT refusal FROM chatter.mailgate_accept(%s, '', '{bounces@pgchatter.localhost}', %s, %s)",
                               (dsn, json.dumps(inbound.route_headers(dsn)), DOMAIN)).fetchone()[0]
        assert refusal is None, refusal
    return sent, email_id


def test_an_email_reply_shows_collapsed_with_its_image_and_a_bounce(browser, bridge, demo_db):
    from playwright.sync_api import expect

    order = order_id(demo_db, "S00015")
    sent, email_id = _receive(demo_db, order)
    page = login(browser, bridge, "alice")
    page.goto(f"{bridge.base}/#/orders/{order}")
    page.wait_for_selector(f"body[data-watching='sale_orders/{order}']")
    shown = page.locator(f"#feed .message[data-id='{email_id}']")
    expect(shown).to_have_attribute("data-type", "Email")
    expect(shown.locator(".tag-email")).to_have_text("Email")
    expect(shown.locator(".message-body")).to_contain_text("Thanks! Here is the spot")
    # The quoted history is there, collapsed: its summary shows, its text does not until opened.
    quoted = shown.locator(".message-body details")
    expect(quoted.locator("summary")).to_have_text("Show quoted text")
    expect(quoted.locator("blockquote")).to_be_hidden()
    quoted.locator("summary").click()
    expect(quoted.locator("blockquote")).to_be_visible()
    # The inline image is the stored file, loaded with alice's token.
    image = shown.locator(".message-body img[data-attachment]")
    expect(image).to_have_count(1)
    page.wait_for_function("img => img.complete && img.naturalWidth === 1", arg=image.element_handle())
    # Alice's email to the customer bounced: the page says so under her message.
    expect(page.locator(f"#feed .message[data-id='{sent}'] .bounced")).to_contain_text("Email bounced: Ready Mat")
