"""The browser tests' shared set-up: a freshly deployed and seeded demo database, a real bridge process in
demo mode on it, Debian's Chromium driven by Playwright, and a logged-in page per user. Modules import the
fixtures they use (module-scoped: each module gets its own database, bridge and browser).

PGCHATTER_SCREENSHOTS=1 also writes docs/screenshot-*.png (scripts/screenshots)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import psycopg
import pytest

from pgchatter.settings import PROJECT_ROOT
from tests.conftest import demo_database
from tests.servers import Bridge

CHROMIUM = os.environ.get("PGCHATTER_CHROMIUM", "/usr/bin/chromium")
SHOTS = PROJECT_ROOT / "docs" if os.environ.get("PGCHATTER_SCREENSHOTS") else None

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which("chromium") is None and
                                not Path(CHROMIUM).exists(), reason="chromium is not installed")


@pytest.fixture(scope="module")
def demo_db(settings, request):
    yield from demo_database(settings, "pgchatter_" + request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_"))


@pytest.fixture(scope="module")
def bridge(demo_db, tmp_path_factory):
    """The demo's bridge; its mailbox directory (the demo SMTP server's, empty here) is bridge.mailbox_dir."""
    mailbox_dir = tmp_path_factory.mktemp("mailbox")
    b = Bridge(demo_db, {"CHATTER_DEMO": "1", "CHATTER_DEMO_MAILBOX": str(mailbox_dir)})
    b.mailbox_dir = mailbox_dir
    yield b
    b.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def login(browser, bridge, username: str, viewport: dict | None = None, before=None):
    """A logged-in page; `before(page)` runs before the page loads (routes to install). Page errors are
    kept in page.errors; window.alert/confirm/prompt, which the page must not use, in page.dialogs
    (each dismissed)."""
    context = browser.new_context(viewport=viewport or {"width": 1400, "height": 860})
    page = context.new_page()
    page.errors = []
    page.dialogs = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.set_default_timeout(10_000)
    if before:
        before(page)
    page.goto(f"{bridge.base}/")
    page.click(f"button.login-user[data-username={username}]")
    page.wait_for_selector(f"#me[data-username={username}]")
    page.wait_for_selector("body[data-live=up]")
    return page


def shot(page, name: str, toasts: bool = False) -> None:
    if SHOTS is not None:
        if not toasts:   # toasts cover the top right corner: keep them only where they are the point
            page.evaluate("document.querySelectorAll('.toast').forEach((t) => t.remove())")
        page.screenshot(path=str(SHOTS / f"screenshot-{name}.png"))


def bell(page) -> int:
    """The bell count once the page has read it (body[data-bell] is set by each refresh)."""
    page.wait_for_selector("body[data-bell]", state="attached")
    return int(page.get_attribute("body", "data-bell"))


def order_id(url: str, name: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT id FROM public.sale_orders WHERE name = %s", (name,)).fetchone()[0]


def channel_id(url: str, name: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT id FROM chatter.channels WHERE name = %s", (name,)).fetchone()[0]
