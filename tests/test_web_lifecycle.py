"""Messages that live (issue 21) in a real Chromium, two users in two pages: an edit seen live by the
other, reactions counted live, a reply quoting its parent, the Starred box, a deleted message leaving the
feed and its tombstone in chat, and "Load older" past the first hundred messages of a feed and a chat."""

from __future__ import annotations

import psycopg
import pytest

from tests.browser import bridge, browser, channel_id, demo_db, login, order_id  # noqa: F401

pytestmark = pytest.mark.usefixtures("bridge")


def user_id(url: str, username: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT id FROM chatter.users WHERE username = %s", (username,)).fetchone()[0]


def test_edit_react_reply_star_delete_on_a_record(browser, bridge, demo_db):
    from playwright.sync_api import expect

    order = order_id(demo_db, "S00016")
    alice, bob = login(browser, bridge, "alice"), login(browser, bridge, "bob")
    for page in (alice, bob):
        page.goto(f"{bridge.base}/#/orders/{order}")
        page.wait_for_selector(f"body[data-watching='sale_orders/{order}']")
    alice.locator(".chatter .composer-input").fill("Teh plan for S00016")
    alice.click(".chatter .composer-send")
    mine = alice.locator("#feed .message").filter(has_text="Teh plan for S00016")
    expect(mine).to_have_count(1)
    message = int(mine.get_attribute("data-id"))
    theirs = bob.locator(f"#feed .message[data-id='{message}']")
    expect(theirs).to_contain_text("Teh plan")
    expect(theirs.locator(".message-edit")).to_have_count(0)       # not Bob's to edit

    # Alice corrects the typo: Bob sees the new text and "(edited)" without reloading.
    mine.locator(".message-edit").click()
    mine.locator(".message-editor-input").fill("The plan for S00016")
    mine.locator(".message-save").click()
    for page in (alice, bob):
        shown = page.locator(f"#feed .message[data-id='{message}']")
        expect(shown.locator(".message-body")).to_have_text("The plan for S00016")
        expect(shown.locator(".message-edited")).to_have_text("(edited)")

    # Bob reacts: Alice sees the count, live.
    theirs.locator(".message-react").click()
    theirs.locator(".emoji-choice[data-emoji='👍']").click()
    expect(alice.locator(f"#feed .message[data-id='{message}'] .reaction[data-emoji='👍'] .reaction-count")).to_have_text("1")
    expect(bob.locator(f"#feed .message[data-id='{message}'] .reaction.mine")).to_have_count(1)

    # Bob replies: both see the quoted parent.
    theirs.locator(".message-reply").click()
    expect(bob.locator(".chatter .reply-target")).to_contain_text("Replying to Alice")
    bob.locator(".chatter .composer-input").fill("Agreed")
    bob.click(".chatter .composer-send")
    for page in (alice, bob):
        reply = page.locator("#feed .message").filter(has_text="Agreed")
        expect(reply.locator(".message-parent")).to_contain_text("The plan for S00016")

    # Bob stars it: his Starred box has it, Alice's does not.
    theirs.locator(".message-star").click()
    expect(bob.locator(f"#feed .message[data-id='{message}'] .message-star.starred")).to_have_count(1)
    bob.goto(f"{bridge.base}/#/starred")
    expect(bob.locator(f"#starred .starred-message[data-id='{message}']")).to_contain_text("The plan for S00016")
    alice.goto(f"{bridge.base}/#/starred")
    expect(alice.locator("#starred")).to_contain_text("No starred messages")
    bob.goto(f"{bridge.base}/#/orders/{order}")
    bob.wait_for_selector(f"body[data-watching='sale_orders/{order}']")
    alice.goto(f"{bridge.base}/#/orders/{order}")
    alice.wait_for_selector(f"body[data-watching='sale_orders/{order}']")

    # Alice deletes it: it leaves both feeds; the reply shows its parent deleted after a reload.
    alice.locator(f"#feed .message[data-id='{message}'] .message-delete").click()
    alice.click("#delete-message-dialog .dialog-ok")   # an in-page dialog, never window.confirm
    expect(alice.locator(f"#feed .message[data-id='{message}']")).to_have_count(0)
    expect(bob.locator(f"#feed .message[data-id='{message}']")).to_have_count(0)
    bob.goto(f"{bridge.base}/#/starred")
    expect(bob.locator(f"#starred .starred-message[data-id='{message}']")).to_have_count(0)
    assert alice.errors == [] and bob.errors == []
    assert alice.dialogs == [] and bob.dialogs == []


def test_chat_tombstone_live_and_load_older(browser, bridge, demo_db):
    from playwright.sync_api import expect

    alice_id, bob_id = user_id(demo_db, "alice"), user_id(demo_db, "bob")
    order = order_id(demo_db, "S00017")
    with psycopg.connect(demo_db) as conn:
        conn.execute("SET chatter.wakeups = off")
        room = conn.execute("SELECT chatter.create_channel('lifecycle-room', 'Private', %s, %s)",
                            (alice_id, [bob_id])).fetchone()[0]
        conn.execute("SELECT chatter.channel_post(%s, %s, 'old ' || i) FROM generate_series(1, 130) AS i",
                     (room, bob_id))
        conn.execute("SELECT chatter.create_message('older note ' || i, model => 'sale_orders', document => %s) "
                     "FROM generate_series(1, 130) AS i", (order,))
    alice, bob = login(browser, bridge, "alice"), login(browser, bridge, "bob")
    for page in (alice, bob):
        page.goto(f"{bridge.base}/#/discuss/{room}")
        page.wait_for_selector("#chat-list .chat-message")

    # Load older: the first hundred, then the rest.
    expect(bob.locator("#chat-list .chat-message")).to_have_count(100)
    bob.click("#chat-list .load-older")
    expect(bob.locator("#chat-list .chat-message")).to_have_count(130)
    expect(bob.locator("#chat-list .chat-message").first).to_contain_text("old 1")
    expect(bob.locator("#chat-list .load-older")).to_be_hidden()

    # Alice posts and deletes: Bob sees the tombstone, live.
    alice.locator(".discuss-main .composer-input").fill("wrong room, sorry")
    alice.click(".discuss-main .composer-send")
    posted = bob.locator("#chat-list .chat-message").filter(has_text="wrong room, sorry")
    expect(posted).to_have_count(1)
    posted_id = posted.get_attribute("data-id")
    alice.locator("#chat-list .chat-message").filter(has_text="wrong room, sorry").locator(".message-delete").click()
    alice.click("#delete-message-dialog .dialog-ok")
    tomb = bob.locator(f"#chat-list .chat-message[data-id='{posted_id}']")
    expect(tomb.locator(".message-deleted")).to_have_text("This message was deleted")
    expect(bob.locator("#chat-list").filter(has_text="wrong room, sorry")).to_have_count(0)

    # The record feed pages too.
    bob.goto(f"{bridge.base}/#/orders/{order}")
    bob.wait_for_selector("#feed .message")
    expect(bob.locator("#feed .message").filter(has_text="older note")).to_have_count(100)
    bob.click("#feed .load-older")
    expect(bob.locator("#feed .message").filter(has_text="older note")).to_have_count(130)
    assert alice.errors == [] and bob.errors == []
