"""Capped counts in the page (issue 26): the database stops counting at 100 (chatter._count_cap), and the
page shows "99+" from there on: the bell, a channel's badge and Discuss's total. A real Chromium against a
real bridge (the fixtures of test_web_page.py); the backlog is written with plain SQL."""

from __future__ import annotations

import psycopg

from tests.browser import bridge, browser, demo_db, login, pytestmark  # noqa: F401


def test_a_backlog_past_the_cap_reads_99_plus(browser, bridge, demo_db):
    from playwright.sync_api import expect

    with psycopg.connect(demo_db, autocommit=True) as conn:
        bob, bob_contact = conn.execute(
            "SELECT u.id, u.contact_id FROM chatter.users AS u WHERE u.username = 'bob'").fetchone()
        alice = conn.execute("SELECT contact_id FROM chatter.users WHERE username = 'alice'").fetchone()[0]
        channel = conn.execute("SELECT chatter.create_channel('flood-counts', 'Public', NULL, %s)", ([bob],)).fetchone()[0]
        conn.execute("UPDATE chatter.channel_members SET last_read_message = 0 WHERE channel_id = %s", (channel,))
        conn.execute("""INSERT INTO chatter.messages (channel_id, author_id, body)
                        SELECT %s, %s, 'flood ' || g FROM generate_series(1, 150) AS g""", (channel, alice))
        conn.execute("""INSERT INTO chatter.notifications (message_id, contact_id, user_id)
                        SELECT id, %s, %s FROM chatter.messages WHERE channel_id = %s""", (bob_contact, bob, channel))
        assert conn.execute("SELECT chatter.unread_count(%s, %s)", (channel, bob)).fetchone()[0] == 100

    page = login(browser, bridge, "bob")
    expect(page.locator("#bell-count")).to_have_text("99+")
    expect(page.locator("#discuss-unread")).to_have_text("99+")
    page.goto(f"{bridge.base}/#/discuss")
    row = page.locator(".channel-item", has_text="flood-counts")
    expect(row.locator(".badge.unread")).to_have_text("99+")
