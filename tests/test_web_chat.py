"""Chat notifications and "Edit subscription" in a real headless Chromium against a real bridge process
(the fixtures of test_web_page.py): two users in two pages. A DM to Bob, who is elsewhere, gives him a toast
and a bell entry that name the conversation; a click on either opens the DM in Discuss and reads it. Then a
follower chooses the subtypes they are notified of, and the database has the choice."""

from __future__ import annotations

import psycopg

from tests.browser import bell, bridge, browser, demo_db, login, order_id, pytestmark  # noqa: F401


def _name(url: str, username: str) -> str:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT c.name FROM chatter.users AS u JOIN chatter.contacts AS c ON c.id = u.contact_id "
                            "WHERE u.username = %s", (username,)).fetchone()[0]


def test_a_dm_toasts_rings_and_opens_the_conversation(browser, bridge, demo_db):
    from playwright.sync_api import expect

    bob = login(browser, bridge, "bob")
    bob.wait_for_selector("tr.order-row")   # Bob is on the orders list, not in Discuss
    before = bell(bob)
    alice = login(browser, bridge, "alice")
    alice.goto(f"{bridge.base}/#/discuss")
    alice.wait_for_selector("#chat-list")
    alice.select_option("#dm-with", label=_name(demo_db, "bob"))
    alice.wait_for_url("**/#/discuss/*")
    dm = int(alice.url.rsplit("/", 1)[1])
    chat = alice.locator(".discuss-main .composer-input")
    chat.fill("Lunch at noon?")
    alice.click(".discuss-main .composer-send")

    # A toast that says where; a click opens the DM, which reads it (the bell goes back).
    toast = bob.locator(".toast").filter(has_text="Lunch at noon?")
    expect(toast).to_contain_text("Direct message")
    expect(bob.locator("#bell-count")).to_have_text(str(before + 1))
    toast.click()
    bob.wait_for_url(f"**/#/discuss/{dm}")
    expect(bob.locator("#chat-list .chat-message").last).to_contain_text("Lunch at noon?")
    expect(bob.locator("body")).to_have_attribute("data-bell", str(before))

    # Elsewhere again: the second message rings the bell; its entry names the DM and opens it.
    bob.goto(f"{bridge.base}/#/orders")
    bob.wait_for_selector("tr.order-row")
    chat.fill("Or at one?")
    alice.click(".discuss-main .composer-send")
    expect(bob.locator("#bell-count")).to_have_text(str(before + 1))
    bob.evaluate("document.querySelectorAll('.toast').forEach((t) => t.remove())")
    bob.click("#bell")
    entry = bob.locator(".notification.unread").filter(has_text="Or at one?")
    expect(entry).to_contain_text("Direct message")
    expect(entry).to_contain_text(_name(demo_db, "alice"))
    entry.click()
    bob.wait_for_url(f"**/#/discuss/{dm}")
    expect(bob.locator("#chat-list .chat-message").last).to_contain_text("Or at one?")
    expect(bob.locator("body")).to_have_attribute("data-bell", str(before))
    # A message of the conversation Bob has open arrives there, read, with no toast.
    chat.fill("Deal.")
    alice.click(".discuss-main .composer-send")
    expect(bob.locator("#chat-list .chat-message").last).to_contain_text("Deal.")
    expect(bob.locator("body")).to_have_attribute("data-bell", str(before))
    assert bob.locator(".toast").filter(has_text="Deal.").count() == 0
    assert alice.errors == [] and bob.errors == []


def test_edit_subscription_in_the_follower_menu(browser, bridge, demo_db):
    from playwright.sync_api import expect

    order = order_id(demo_db, "S00014")
    carol = login(browser, bridge, "carol")
    carol.goto(f"{bridge.base}/#/orders/{order}")
    carol.wait_for_selector(f"body[data-watching='sale_orders/{order}']")
    if carol.text_content("#follow") != "Following":
        carol.click("#follow")
        expect(carol.locator("#follow")).to_have_text("Following")
    carol.click("#followers-button")
    carol.click(".follower .edit-subscription")
    box = carol.locator("#subscription-box")
    expect(box.locator("input[value=comment]")).to_be_checked()
    expect(box.locator("input[value=note]")).not_to_be_checked()
    box.locator("input[value=note]").check()
    box.locator("input[value=activities]").uncheck()
    carol.click("#subscription-apply")
    expect(carol.locator(".toast").filter(has_text="Subscription updated")).to_be_visible()
    with psycopg.connect(demo_db) as conn:
        subtypes = conn.execute("""SELECT f.subtypes FROM chatter.follower_subtypes('sale_orders', %s) AS f
                                     JOIN chatter.users AS u ON u.contact_id = f.contact_id
                                    WHERE u.username = 'carol'""", (order,)).fetchone()[0]
    assert "note" in subtypes and "comment" in subtypes and "activities" not in subtypes
    # The choice reads back when the menu opens again; only one's own row has the button.
    carol.click(".follower .edit-subscription")
    carol.click(".follower .edit-subscription")
    expect(box.locator("input[value=note]")).to_be_checked()
    assert carol.locator(".follower .edit-subscription").count() == 1
    assert carol.errors == []


def test_a_dm_push_names_the_conversation_and_points_at_it(browser, bridge, demo_db):
    """The service worker shows a DM's real payload (notification_payload of a DM the database holds) as
    "<sender> · Direct message", and its click target is the conversation in Discuss."""
    import json
    import time

    with psycopg.connect(demo_db, autocommit=True) as conn:
        alice, bob = (conn.execute("SELECT id FROM chatter.users WHERE username = %s", (u,)).fetchone()[0]
                      for u in ("alice", "bob"))
        dm = conn.execute("SELECT chatter.get_or_create_dm(%s, %s)", (alice, bob)).fetchone()[0]
        message = conn.execute("SELECT chatter.channel_post(%s, %s, '<p>Push me</p>')", (dm, alice)).fetchone()[0]
        payload = conn.execute("SELECT chatter.notification_payload(%s)", (message,)).fetchone()[0]
    page = login(browser, bridge, "bob")
    page.context.grant_permissions(["notifications"], origin=bridge.base)
    page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    cdp = page.context.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    [registration] = [r for r in registrations if r["scopeURL"] == f"{bridge.base}/"]
    shown: list = []
    for _ in range(3):   # a worker still starting may miss a delivery; the tag makes a repeat replace it
        cdp.send("ServiceWorker.deliverPushMessage", {"origin": bridge.base, "registrationId":
                                                      registration["registrationId"], "data": json.dumps(payload)})
        until = time.monotonic() + 5
        while not shown and time.monotonic() < until:
            shown = page.evaluate("""navigator.serviceWorker.ready.then((r) => r.getNotifications())
                                       .then((ns) => ns.map((n) => [n.title, n.body, n.data.url]))""")
            page.wait_for_timeout(50)
        if shown:
            break
    assert shown == [[f"{_name(demo_db, 'alice')} · Direct message", "Push me", f"/#/discuss/{dm}"]]
    assert page.errors == []
