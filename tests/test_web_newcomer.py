"""Issue 20, a newcomer's first hour, in a real headless Chromium against a real bridge in demo mode: each
test is one item of the issue and failed on the page as it was (duplicate chat rows, raw errors, toasts
without context, Discuss basics, the layout at desktop and phone widths, dialogs and activity editing,
/docs offline with a favicon, the README's curl example, the live mailbox and the reconnecting banner).

PGCHATTER_SCREENSHOTS=1 also writes the phone screenshots (docs/screenshot-phone-*.png)."""

from __future__ import annotations

import re
import shlex
import subprocess
import time

import httpx
import psycopg

from pgchatter.settings import PROJECT_ROOT
from tests.browser import (  # noqa: F401 - fixtures
    CHROMIUM,
    bell,
    bridge,
    browser,
    channel_id,
    demo_db,
    login,
    order_id,
    pytestmark,
    shot,
)

PHONE = {"width": 390, "height": 844}


def as_user(url: str, username: str):
    conn = psycopg.connect(url, autocommit=True)
    uid = conn.execute("SELECT id FROM chatter.users WHERE username = %s", (username,)).fetchone()[0]
    conn.execute("SELECT set_config('chatter.user_id', %s, false)", (str(uid),))
    return conn, uid


def rows_with(page, text: str) -> int:
    return page.locator("#chat-list .chat-message", has_text=text).count()


# --- 1. every chat message once -------------------------------------------------------------------------

def test_chat_messages_show_once_after_navigating_away_and_back(browser, bridge, demo_db):
    from playwright.sync_api import expect

    general, sales = channel_id(demo_db, "general"), channel_id(demo_db, "sales")
    bob, carol = login(browser, bridge, "bob"), login(browser, bridge, "carol")
    bob.goto(f"{bridge.base}/#/discuss/{general}")
    bob.wait_for_selector("#chat-list .chat-message")
    # Away and back, three times: to another channel, to Sales, to the mailbox.
    for away in (f"#/discuss/{sales}", "#/orders", "#/mailbox"):
        bob.goto(f"{bridge.base}/{away}")
        bob.wait_for_selector("#view .view > *")
        bob.goto(f"{bridge.base}/#/discuss/{general}")
        bob.wait_for_selector("#chat-list .chat-message")
    composer = bob.locator(".discuss-main .composer-input")
    composer.fill("one row only, please")
    bob.click(".discuss-main .composer-send")
    expect(bob.locator("#chat-list .chat-message", has_text="one row only, please")).to_have_count(1)
    # Someone else's message, arriving as a frame.
    carol.goto(f"{bridge.base}/#/discuss/{general}")
    carol.wait_for_selector("#chat-list .chat-message")
    carol.locator(".discuss-main .composer-input").fill("and mine once too")
    carol.click(".discuss-main .composer-send")
    expect(bob.locator("#chat-list .chat-message", has_text="and mine once too")).to_have_count(1)
    # One's own DM.
    bob.select_option("#dm-with", label="Carol Diaz")
    bob.wait_for_selector("#chat-list")
    bob.goto(f"{bridge.base}/#/discuss/{general}")
    bob.wait_for_selector("#chat-list .chat-message")
    bob.go_back()
    bob.wait_for_selector(".discuss-main .composer-input")
    bob.locator(".discuss-main .composer-input").fill("a DM, shown once")
    bob.click(".discuss-main .composer-send")
    expect(bob.locator("#chat-list .chat-message", has_text="a DM, shown once")).to_have_count(1)
    bob.wait_for_timeout(700)   # frames arrive in milliseconds: a duplicate would be there by now
    assert rows_with(bob, "a DM, shown once") == 1
    assert bob.errors == [] and carol.errors == []


# --- 2. errors in words, input reverted, the server unreachable -----------------------------------------

def test_errors_are_words_invalid_input_reverted_and_offline_retries(browser, bridge, demo_db):
    from playwright.sync_api import expect

    order = order_id(demo_db, "S00015")
    carol = login(browser, bridge, "carol")
    carol.goto(f"{bridge.base}/#/orders/{order}")
    carol.wait_for_selector("#feed")
    before = carol.input_value("#field-amount")
    carol.fill("#field-amount", "-5")
    carol.press("#field-amount", "Enter")
    carol.locator("#field-amount").blur()
    error = carol.locator(".field[data-column=amount_total] .field-error")
    expect(error).to_contain_text("must be greater than or equal to 0")
    expect(carol.locator("#field-amount")).to_have_value(before)
    for text in carol.locator(".toast").all_text_contents():
        assert "[{" not in text and "greater_than_equal" not in text
    # The server unreachable: a write says it was not sent and keeps what was typed; GETs are retried
    # while a banner says so, then the page carries on.
    carol.route("**/api/**", lambda route: route.abort())
    composer = carol.locator(".chatter .composer-input")
    composer.fill("written offline")
    carol.click(".chatter .composer-send")
    expect(carol.locator(".toast", has_text="Can't reach the server — not sent")).to_be_visible()
    expect(composer).to_have_value("written offline")
    carol.goto(f"{bridge.base}/#/mailbox")
    banner = carol.locator("#connection-banner")
    expect(banner).to_have_text("Can't reach the server — retrying")
    carol.wait_for_timeout(500)
    assert not any("Failed to fetch" in t for t in carol.locator(".toast").all_text_contents())
    carol.unroute("**/api/**")
    expect(carol.locator("#mailbox")).to_be_visible(timeout=15_000)
    expect(banner).to_be_hidden()
    assert carol.errors == []


# --- 3. notifications say where ---------------------------------------------------------------------------

def test_toasts_and_bell_name_the_record_and_the_channel(browser, bridge, demo_db):
    from playwright.sync_api import expect

    order = order_id(demo_db, "S00014")
    general = channel_id(demo_db, "general")
    dave = login(browser, bridge, "dave")
    dave.goto(f"{bridge.base}/#/orders")
    dave.wait_for_selector("tr.order-row")
    conn, _ = as_user(demo_db, "alice")
    with conn:
        conn.execute("SELECT chatter.create_message('<p>@dave can you check the delivery?</p>', "
                     "model => 'sale_orders', document => %s)", (order,))
        toast = dave.locator(".toast", has_text="can you check the delivery")
        expect(toast.locator(".toast-context")).to_have_text("on S00014")
        dave.click("#bell")
        entry = dave.locator("#bell-panel .notification", has_text="can you check the delivery")
        expect(entry.locator(".notification-context")).to_have_text("on S00014")
        dave.click("#bell")
        # A mention in a channel: the bell names the channel, and a click opens it.
        conn.execute("SELECT chatter.channel_post(%s, chatter.current_user_id(), '<p>@dave lunch at noon?</p>')",
                     (general,))
    dave.wait_for_timeout(300)
    dave.click("#bell")
    entry = dave.locator("#bell-panel .notification", has_text="lunch at noon")
    expect(entry.locator(".notification-context")).to_have_text("in #general")
    entry.click()
    expect(dave).to_have_url(re.compile(rf"#/discuss/{general}$"))
    expect(dave.locator("#chat-list .chat-message", has_text="lunch at noon")).to_have_count(1)
    assert dave.errors == []


# --- 4. Discuss basics ------------------------------------------------------------------------------------

def test_discuss_enter_sends_unique_names_empty_members_mute_archive_leave(browser, bridge, demo_db):
    from playwright.sync_api import expect

    alice, bob = login(browser, bridge, "alice"), login(browser, bridge, "bob")
    alice.goto(f"{bridge.base}/#/discuss")
    alice.wait_for_selector("#chat-list")
    # A second "general" (in any case) is refused, in the form, in words.
    alice.click("#new-channel")
    alice.fill("#new-channel-name", "General")
    alice.click("#new-channel-form button[type=submit]")
    expect(alice.locator("#new-channel-error")).to_contain_text("exists already")
    expect(alice.locator("#new-channel-form")).to_be_visible()
    alice.fill("#new-channel-name", "roadmap")
    alice.check("#new-channel-form input[data-username=bob]")
    alice.click("#new-channel-form button[type=submit]")
    expect(alice.locator("#channel-title")).to_have_text("roadmap")
    expect(alice.locator("#channel-title .hash.kind-public")).to_be_visible()
    roadmap = channel_id(demo_db, "roadmap")
    # An empty channel says so.
    expect(alice.locator(".chat-empty")).to_contain_text("No messages")
    # Enter sends; Shift+Enter adds a line; the hint says so.
    composer = alice.locator(".discuss-main .composer-input")
    expect(alice.locator(".discuss-main .composer-hint")).to_have_text("Enter to send · Shift+Enter for a new line")
    composer.click()
    composer.type("first line")
    composer.press("Shift+Enter")
    composer.type("second line")
    expect(composer).to_have_value("first line\nsecond line")
    composer.press("Enter")
    expect(alice.locator("#chat-list .chat-message", has_text="second line")).to_have_count(1)
    expect(composer).to_have_value("")
    expect(alice.locator(".chat-empty")).to_have_count(0)
    # Members, and an invitation.
    alice.click("#members-button")
    expect(alice.locator("#members-panel .member")).to_have_count(2)
    alice.select_option("#invite-member", label="Carol Diaz")
    expect(alice.locator("#members-panel .member[data-username=carol]")).to_be_visible()
    # Mute and unmute.
    alice.click("#mute-button")
    expect(alice.locator("#mute-button")).to_have_text("Unmute")
    alice.click("#mute-button")
    expect(alice.locator("#mute-button")).to_have_text("Mute")
    # Only the creator archives: Bob has no such button; archived, it takes no posts; unarchive.
    bob.goto(f"{bridge.base}/#/discuss/{roadmap}")
    bob.wait_for_selector("#chat-list .chat-message")
    expect(bob.locator("#archive-button")).to_have_count(0)
    alice.click("#archive-button")
    expect(alice.locator(".discuss-header .tag-archived")).to_have_text("Archived")
    expect(alice.locator(".composer-closed")).to_contain_text("archived")
    expect(alice.locator(f".channel-item.archived[data-channel-id='{roadmap}']")).to_be_visible()
    alice.click("#archive-button")
    expect(alice.locator(".discuss-main .composer-input")).to_be_visible()
    # Bob leaves, after a confirmation in the page.
    bob.reload()
    bob.wait_for_selector("#leave-button")
    bob.click("#leave-button")
    bob.click("dialog.dialog .dialog-ok")
    expect(bob.locator(f".channel-item[data-channel-id='{roadmap}']")).to_have_count(0)
    assert alice.dialogs == [] and bob.dialogs == []
    assert alice.errors == [] and bob.errors == []


# --- 5. layout: the chatter scrolls on its own, show more, toasts aside, one timestamp, a phone ------------

def test_layout_desktop_and_phone(browser, bridge, demo_db):
    from playwright.sync_api import expect

    order = order_id(demo_db, "S00016")
    conn, _ = as_user(demo_db, "bob")
    with conn:
        for i in range(25):
            conn.execute("SELECT chatter.log_message('sale_orders', %s, %s)", (order, f"<p>note {i}</p>"))
        long_body = "<p>" + " ".join(["A long message that goes on."] * 120) + "</p>"
        conn.execute("SELECT chatter.log_message('sale_orders', %s, %s)", (order, long_body))
    bob = login(browser, bridge, "bob")
    bob.goto(f"{bridge.base}/#/orders/{order}")
    bob.wait_for_selector("#feed .message")
    # The page itself does not scroll; the chatter does, and the top bar stays.
    assert bob.evaluate("document.scrollingElement.scrollHeight <= window.innerHeight + 1")
    assert bob.evaluate("(() => { const c = document.querySelector('.chatter-column');"
                        " return c.scrollHeight > c.clientHeight + 100; })()")
    bob.evaluate("document.querySelector('.chatter-column').scrollTop = 100000")
    assert bob.locator(".topbar").bounding_box()["y"] == 0
    # A long message collapses, with "Show more".
    long_msg = bob.locator("#feed .message", has_text="A long message that goes on.").first
    more = long_msg.locator(".show-more")
    expect(more).to_have_text("Show more")
    height = long_msg.bounding_box()["height"]
    more.click()
    expect(more).to_have_text("Show less")
    assert long_msg.bounding_box()["height"] > height + 100
    # One timestamp style: every time shown is a <time> with the full date on hover.
    stamps = bob.locator("#feed .message-time")
    assert stamps.count() > 20
    assert bob.evaluate("[...document.querySelectorAll('#feed .message-time')].every((t) => t.tagName === 'TIME'"
                        " && t.title && t.getAttribute('datetime'))")
    # A toast does not cover the chatter's header.
    bob.evaluate("document.querySelector('.chatter-column').scrollTop = 0")
    bob.evaluate("import('/js/state.js').then(({ state }) => state.toast('Hello', 'a toast'))")
    toast = bob.locator(".toast", has_text="a toast")
    expect(toast).to_be_visible()
    t, header = toast.bounding_box(), bob.locator(".chatter-topbar").bounding_box()
    assert t["y"] > header["y"] + header["height"] or t["x"] + t["width"] < header["x"], (t, header)

    # A phone: the form, then its chatter, full width; nothing wider than the screen; chat readable.
    phone = login(browser, bridge, "bob", viewport=PHONE)
    phone.goto(f"{bridge.base}/#/orders")
    phone.wait_for_selector("tr.order-row")
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    shot(phone, "phone-orders")
    phone.goto(f"{bridge.base}/#/orders/{order_id(demo_db, 'S00012')}")
    phone.wait_for_selector("#feed .message")
    column, form = phone.locator(".chatter-column").bounding_box(), phone.locator(".form-sheet").bounding_box()
    assert column["x"] < 2 and column["width"] >= PHONE["width"] - 20, column
    assert column["y"] >= form["y"] + form["height"] - 1, "the chatter is under the form"
    assert phone.evaluate("document.querySelector('.view').scrollWidth") <= PHONE["width"]
    shot(phone, "phone-record")
    general = channel_id(demo_db, "general")
    phone.goto(f"{bridge.base}/#/discuss")
    expect(phone.locator("#channels")).to_be_visible()
    phone.click(f".channel-item[data-channel-id='{general}']")
    phone.wait_for_selector("#chat-list .chat-message")
    expect(phone.locator("#channels")).to_be_hidden()
    body = phone.locator("#chat-list .chat-message .message-body").first.bounding_box()
    assert body["width"] > 250, body
    assert phone.evaluate("document.querySelector('.view').scrollWidth") <= PHONE["width"]
    shot(phone, "phone-discuss")
    phone.click(".back-to-channels")
    expect(phone.locator("#channels")).to_be_visible()
    assert bob.errors == [] and phone.errors == []


# --- 6. dialogs, and editing an activity ------------------------------------------------------------------

def test_activity_dialogs_edit_reschedule_reassign(browser, bridge, demo_db):
    from playwright.sync_api import expect

    order = order_id(demo_db, "S00017")
    conn, dave_id = as_user(demo_db, "dave")
    with conn:
        conn.execute("SELECT chatter.schedule_activity('sale_orders', %s, 'activity_todo', %s, 'Send the catalogue')",
                     (order, dave_id))
        conn.execute("SELECT chatter.schedule_activity('sale_orders', %s, 'activity_call', %s, 'Call to confirm')",
                     (order, dave_id))
    dave, carol = login(browser, bridge, "dave"), login(browser, bridge, "carol")
    dave.goto(f"{bridge.base}/#/orders/{order}")
    activity = dave.locator(".activity", has_text="Send the catalogue")
    expect(activity).to_be_visible()
    # Cancel asks first: keeping it keeps it.
    activity.locator(".activity-cancel").click()
    expect(dave.locator("#cancel-dialog")).to_be_visible()
    dave.click("#cancel-dialog .dialog-cancel")
    expect(dave.locator("#cancel-dialog")).to_have_count(0)
    expect(activity).to_be_visible()
    # Edit: a new title, a new date, and Carol instead of Dave, who is pinged.
    activity.locator(".activity-edit").click()
    dave.fill("#edit-activity-summary", "Send the new catalogue")
    dave.fill("#edit-activity-deadline", "2031-03-04")
    dave.select_option("#edit-activity-assignee", label="Carol Diaz")
    dave.click("#edit-activity-dialog .dialog-ok")
    edited = dave.locator(".activity", has_text="Send the new catalogue")
    expect(edited).to_contain_text("for Carol Diaz")
    expect(carol.locator(".toast", has_text="Send the new catalogue")).to_contain_text("assigned to you")
    expect(carol.locator(".toast", has_text="Send the new catalogue").locator(".toast-context")).to_have_text("on S00017")
    with psycopg.connect(demo_db) as c:
        assert c.execute("SELECT deadline::text FROM chatter.activities WHERE name = 'Send the new catalogue'"
                         ).fetchone()[0] == "2031-03-04"
    # Mark Done: feedback in a dialog of the page.
    call = dave.locator(".activity", has_text="Call to confirm")
    call.locator(".activity-done").click()
    dave.fill("#done-dialog #done-feedback", "Confirmed by phone")
    dave.click("#done-dialog .dialog-ok")
    expect(call).to_have_count(0)
    expect(dave.locator("#feed .message").first).to_contain_text("Confirmed by phone")
    assert dave.dialogs == [] and carol.dialogs == [], "no window.prompt / confirm / alert"
    assert dave.errors == [] and carol.errors == []


# --- 8. /docs offline, a favicon --------------------------------------------------------------------------

def test_docs_offline_and_favicon(browser, bridge):
    from playwright.sync_api import expect

    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []

    def only_the_bridge(route):
        if route.request.url.startswith(bridge.base):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()
    context.route("**/*", only_the_bridge)
    page.goto(f"{bridge.base}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("pgchatter", timeout=15_000)
    expect(page.locator(".opblock-tag", has_text="chat")).to_be_visible()
    assert outside == []
    for path in ("/docs", "/"):
        page.goto(f"{bridge.base}{path}")
        href = page.get_attribute("link[rel=icon]", "href")
        assert href, path
        icon = httpx.get(f"{bridge.base}{href}")
        assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/")
    assert httpx.get(f"{bridge.base}/favicon.ico").status_code == 200
    context.close()


# --- 9. the README's curl example works on the demo data -------------------------------------------------

def test_readme_curl_example_works_against_the_demo(bridge, demo_db, settings):
    readme = (PROJECT_ROOT / "README.md").read_text()
    two = re.search(r"## Two commands\n\n```sh\n(.*?)```", readme, re.DOTALL).group(1)
    assert [line.split("#")[0].strip() for line in two.strip().splitlines()] == ["make run", "make test"]
    block = re.search(r"```sh\n([^`]*?curl [^`]*?)```", readme, re.DOTALL).group(1)
    commands = [c for c in block.replace("\\\n", " ").splitlines() if c.strip() and not c.lstrip().startswith("#")]
    env = {"DATABASE_URL": demo_db, "PATH": f"{PROJECT_ROOT / '.venv' / 'bin'}:/usr/bin:/bin"}
    script = "\n".join(c.split("  #")[0] for c in commands if "pgchatter bridge" not in c)
    script = script.replace("localhost:8000", f"127.0.0.1:{bridge.port}").replace(".venv/bin/", f"{PROJECT_ROOT}/.venv/bin/")
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script + "\n"], capture_output=True, text=True, env=env,
                          cwd=PROJECT_ROOT, timeout=60, check=False)
    assert done.returncode == 0, shlex.quote(script) + done.stdout + done.stderr
    assert '"model":"sale_orders"' in done.stdout.replace(" ", "") and "Shipped" in done.stdout


# --- 10. the mailbox is live; "Reconnecting…" when the socket drops --------------------------------------

def test_mailbox_live_and_reconnecting_banner(browser, bridge):
    from playwright.sync_api import expect

    sockets = []

    def relay(ws):   # the page's WebSocket through Playwright, so the test can drop it
        ws.connect_to_server()
        sockets.append(ws)

    alice = login(browser, bridge, "alice", before=lambda page: page.route_web_socket("**/api/ws", relay))
    alice.goto(f"{bridge.base}/#/mailbox")
    alice.wait_for_selector("#mailbox")
    mail = ("From: chatter@example.invalid\r\nTo: alice@example.invalid\r\nSubject: Live mail\r\n"
            "Date: Mon, 07 Dec 2026 05:00:00 +0000\r\n\r\nArrived while the page was open.\r\n")
    (bridge.mailbox_dir / f"{time.time_ns()}-000001.eml").write_text(mail)
    expect(alice.locator("#mailbox .mail", has_text="Live mail")).to_be_visible()
    expect(alice.locator("#mailbox .mail .mail-date")).to_have_attribute("datetime", "2026-12-07T05:00:00.000Z")
    # The socket drops: a banner says so until it is back.
    banner = alice.locator("#connection-banner")
    expect(banner).to_be_hidden()
    sockets[-1].close()
    expect(banner).to_have_text("Reconnecting…")
    expect(alice.locator("body[data-live=up]")).to_be_attached(timeout=15_000)
    expect(banner).to_be_hidden()
    assert alice.errors == []
