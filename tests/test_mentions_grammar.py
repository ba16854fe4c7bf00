"""One @mention grammar in two languages: chatter._mentioned_contacts (SQL, who is notified) and the page's
bridge/static/js/mentions.js (what is shown as a mention, what the suggestions look up). Both are read from
where they run: the function's definition from the deployed database, the patterns from the JS file; first
compared as text, then run on the same strings (PostgreSQL's regexp_matches, Chromium's RegExp)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pgchatter.settings import PROJECT_ROOT
from tests.browser import CHROMIUM

STATIC = PROJECT_ROOT / "bridge" / "static"
MENTIONS_JS = STATIC / "js" / "mentions.js"
FORMS = ("MENTION_ID", "MENTION_NAME", "MENTION_USERNAME")   # the order of the three SELECTs in SQL
GROUP = {"MENTION_ID": 1, "MENTION_NAME": 1, "MENTION_USERNAME": 2}   # the captured id, name, username
# SQL's [[:alnum:]] under the cluster's lc_ctype C.UTF-8 is every letter and digit: \p{L}\p{N} in JS.
SQL_TO_JS = {"[:alnum:]": r"\p{L}\p{N}"}

SAMPLES = [
    "", "@", "@@", '@""', "plain text, no mention",
    "hello @bob and @alice.", "(@bob) [@alice] @bob, @bob; @bob! @bob?",
    "mail bob@example.com, not a mention; @bob.stone- ends before the dash; @x",
    "@a@b @a,@b @a-@b @a.@b @a_@b", "@_under_ @a.b-c. @-x @.y @@z x@y a.@b a_@b",
    "@élodie @Zoë @日本語 @Ωmega @١٢٣ @ß", "tab\t@bob newline\n@alice nbsp\u00a0@carol",
    '@"Alice Martin" and @"Bob Stone", @" spaced "', '@"a<b" @"x>y" @"ok" @"unclosed',
    '@"' + "A" * 199 + '"', '@"' + "B" * 200 + '"', '@"' + "C" * 201 + '"', '@"' + "D" * 100 + '"',
    'multi\nline @"Name\nWith newline"', '@"Zoë Ærø" @"日本 語"',
    "@[42] @[1234567890123456789] @[123456789012345678] @[] @[x] @[ 1] x@[7]", "@[1]@[2]@bob@[3]",
    "@\"quoted @inner\" @[5]@\"n\"",
]


def js_patterns(source: str) -> dict[str, tuple[str, str]]:
    """{name: (pattern, flags)} of the exported regular expression literals of mentions.js."""
    found = {name: (pattern, flags) for name, pattern, flags in
             re.findall(r"^export const (MENTION_\w+) = /(.+)/([a-z]*);$", source, re.MULTILINE)}
    assert set(FORMS) | {"MENTION_TYPING"} <= set(found), f"mentions.js exports {sorted(found)}"
    return found


def sql_patterns(conn) -> list[str]:
    """The three patterns of the deployed chatter._mentioned_contacts, in order."""
    definition = conn.execute(
        "SELECT pg_get_functiondef('chatter._mentioned_contacts(text)'::regprocedure)").fetchone()[0]
    patterns = [p.replace("''", "'") for p in re.findall(r"regexp_matches\(b\.t, '((?:[^']|'')*)', 'g'\)", definition)]
    assert len(patterns) == len(FORMS), definition
    return patterns


def as_js(sql_pattern: str) -> str:
    for sql_class, js_class in SQL_TO_JS.items():
        sql_pattern = sql_pattern.replace(sql_class, js_class)
    return sql_pattern


@pytest.fixture(scope="module")
def deployed(settings, deployed_template):
    from pgchatter import database
    from tests.conftest import copy_of

    _, url = copy_of(settings, deployed_template, "pgchatter_mentions")
    yield url
    database.drop_database(url)


def test_the_page_has_the_database_grammar(deployed):
    """Text to text: the JS patterns are the deployed function's, with [[:alnum:]] spelled \\p{L}\\p{N}
    (so the 200-character name, its [^"<>] class and the username's rule cannot drift apart)."""
    import psycopg

    js = js_patterns(MENTIONS_JS.read_text())
    with psycopg.connect(deployed) as conn:
        sql = sql_patterns(conn)
    assert [js[name][0] for name in FORMS] == [as_js(p) for p in sql]
    assert all(set(js[name][1]) >= {"g", "u"} for name in FORMS), "global (every mention) and Unicode"
    # The suggestions' query: the username's characters, typed so far, after the same preceding character.
    username = js["MENTION_USERNAME"][0]
    prefix = username[:username.index("@") + 1]
    typing = js["MENTION_TYPING"][0]
    assert typing.startswith(prefix) and r"[\p{L}\p{N}_]" in typing and r"[\p{L}\p{N}_.-]" in typing


def test_nothing_else_in_the_page_parses_mentions():
    """mentions.js is the page's only copy of the grammar: no other file spells a mention pattern."""
    spelled = re.compile(r"""/[^/\n]*@(?:\\\[|"|\(|\[)""")
    others = [f"{path.name}:{n}" for path in sorted((STATIC / "js").glob("*.js")) if path != MENTIONS_JS
              for n, line in enumerate(path.read_text().splitlines(), 1)
              if spelled.search(line) and not line.lstrip().startswith("//")]
    assert others == []


def sql_mentions(conn, patterns: list[str], text: str) -> dict[str, list[str]]:
    found = {}
    for name, pattern in zip(FORMS, patterns, strict=True):
        found[name] = [row[0] for row in conn.execute(
            "SELECT m[%s] FROM regexp_matches(%s, %s, 'g') WITH ORDINALITY AS r(m, n) ORDER BY n",
            (GROUP[name], text, pattern))]
    return found


@pytest.fixture(scope="module")
def js_page():
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        # The page's own files, served by Playwright from the source tree: no bridge needed.
        page.route("http://pgchatter.test/**", lambda route: route.fulfill(
            status=200, content_type="text/javascript" if route.request.url.endswith(".js") else "text/html",
            body=(STATIC / route.request.url.removeprefix("http://pgchatter.test/")).read_bytes()
            if route.request.url.endswith(".js") else b"<!doctype html><title>t</title>"))
        page.goto("http://pgchatter.test/")
        yield page
        browser.close()


def test_same_mentions_in_the_browser_and_in_postgresql(deployed, js_page):
    """Every sample through both: the ids, names and usernames each side finds, in order, are the same."""
    import psycopg

    with psycopg.connect(deployed) as conn:
        patterns = sql_patterns(conn)
        want = [sql_mentions(conn, patterns, text) for text in SAMPLES]
    got = js_page.evaluate("""async (samples) => {
        const { mentionsIn } = await import("/js/mentions.js");
        return samples.map((text) => {
            const m = mentionsIn(text);
            return { MENTION_ID: m.ids, MENTION_NAME: m.names, MENTION_USERNAME: m.usernames };
        });
    }""", SAMPLES)
    differ = [(text, sql, js) for text, sql, js in zip(SAMPLES, want, got, strict=True) if sql != js]
    assert differ == []
    # The samples do reach the limits: a 200-character name is a mention, a 201-character one is not.
    assert want[SAMPLES.index('@"' + "B" * 200 + '"')]["MENTION_NAME"] == ["B" * 200]
    assert want[SAMPLES.index('@"' + "C" * 201 + '"')]["MENTION_NAME"] == []


def test_the_page_marks_what_the_database_notifies(js_page):
    """sanitize() shows as mentions the spans of the same grammar (an email address stays text)."""
    got = js_page.evaluate("""async (cases) => {
        const { sanitize } = await import("/js/sanitize.js");
        return cases.map((html) => {
            const box = document.createElement("div");
            box.append(sanitize(html));
            return [...box.querySelectorAll(".mention")].map((s) => s.textContent);
        });
    }""", ["<p>hi @bob, mail bob@example.com</p>", '<p>@"' + "N" * 150 + '" (@élodie) @[7].</p>',
           "<p>@a@b @bob.</p>"])
    assert got == [["@bob"], ['@"' + "N" * 150 + '"', "@élodie", "@[7]"], ["@a", "@bob"]]
