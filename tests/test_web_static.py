"""The page's files and the demo routes, without a browser."""

from __future__ import annotations

import re

from pgchatter.settings import PROJECT_ROOT

STATIC = PROJECT_ROOT / "bridge" / "static"


def test_demo_routes_need_demo_mode(api):
    """The bridge of the API tests runs without CHATTER_DEMO: no demo routes, but the page is served."""
    assert api.get("/api/demo/logins").status_code == 404
    assert api.get("/api/demo/mailbox").status_code == 404
    page = api.get("/")
    assert page.status_code == 200 and "/js/app.js" in page.text
    assert api.get("/js/sanitize.js").headers["content-type"].startswith("text/javascript")
    assert "/api/demo/logins" not in api.get("/openapi.json").json()["paths"]


def test_no_markup_from_data():
    """Data reaches the DOM as text nodes or through sanitize(); nothing parses HTML into the live page.
    The single innerHTML read serializes text nodes we built (textToHtml)."""
    sinks = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|"
                       r"createContextualFragment|setHTML")
    found = {}
    for path in sorted(STATIC.rglob("*.js")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if sinks.search(line) and not line.lstrip().startswith("//"):
                found[f"{path.relative_to(STATIC)}:{n}"] = line.strip()
    assert list(found.values()) == ["return wrap.innerHTML;   // serializing our own escaped text nodes, never parsing input"]
