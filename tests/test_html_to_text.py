"""HTML -> text, written twice: chatter.notification_payload (SQL: the toast, bell and Web Push preview)
strips tags with a regex and decodes six entities; the listener's email text part (listener/mail.py
to_text) parses the sanitized body with Python's HTMLParser, which knows every entity and drops what the
sanitizer drops. The same body reads differently in a push and in the email.

This test shows it, body by body, and does not fail the suite (xfail, not strict): the SQL side is for its
owner to change. Compared on the text only: whitespace collapsed to single spaces on both sides (the
preview is one line, the email keeps paragraphs and line breaks, by design).

Found (2026-12-07): the preview leaves every entity but six as written (&eacute;, &hellip;, &#8364; ...);
turns &lt; &gt; into the angle quotes ‹ › where the email has < >; keeps the text of <script> and <style>
(the email drops it, as the sanitizer does); puts a space where any tag was, even inside a word
(un<b>break</b>able) and for a comment; loses the text after a bare "<" up to the next ">"; has no list
bullets and no link targets (the email writes "- " and " <https://...>")."""

from __future__ import annotations

import psycopg
import pytest

from listener.mail import to_text
from pgchatter import database
from pgchatter.html import sanitize
from tests.conftest import copy_of

BODIES = {
    "named entities": "<p>Caf&eacute; cr&egrave;me &hellip; &copy; 2026 &rarr; done</p>",
    "numeric entities": "<p>Total: 5&#8364; or 5&#x20AC;, &#233;t&#233;</p>",
    "the six SQL decodes": "<p>a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; e&nbsp;f</p>",
    "double escaped": "<p>&amp;lt;tag&amp;gt; and &amp;amp;</p>",
    "line breaks": "first line<br>second line<br/>third",
    "nested tags": "<div><p>Stage: <b>New <i>and <u>urgent</u></i></b></p><p>next</p></div>",
    "list": "<ul><li>one</li><li>two</li></ul>",
    "link": '<p>see <a href="https://example.com/x">the page</a></p>',
    "script and style": "<p>hi</p><script>alert(1)</script><style>p{}</style>",
    "comment": "<p>a<!-- hidden -->b</p>",
    "inline tag inside a word": "<p>un<b>break</b>able</p>",
    "unclosed angle": "<p>1 < 2 and 3 > 2</p>",
}

SEED = """
INSERT INTO chatter.contacts (id, name, email) VALUES (1, 'Alice', 'alice@example.com');
INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 1, 'alice');
CREATE TABLE public.orders (id int PRIMARY KEY, name text);
INSERT INTO public.orders VALUES (1, 'SO1');
SELECT chatter.enable('orders');
"""


@pytest.fixture(scope="module")
def previews(settings, deployed_template) -> dict[str, str]:
    """Each body's notification_payload preview, from a message created the way the bridge creates it."""
    _, url = copy_of(settings, deployed_template, "pgchatter_html_text")
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(SEED)
            conn.execute("SELECT set_config('chatter.user_id', '1', false)")
            found = {}
            for name, body in BODIES.items():
                message = conn.execute("SELECT chatter.create_message(%s, model => 'orders', document => 1)",
                                       (body,)).fetchone()[0]
                found[name] = conn.execute("SELECT chatter.notification_payload(%s) ->> 'body'",
                                           (message,)).fetchone()[0]
        yield found
    finally:
        database.drop_database(url)


def email_text(body: str) -> str:
    """The email's text/plain part of a body (as listener/mail.py writes it), on one line."""
    return " ".join(to_text(sanitize(body)).split())


@pytest.mark.xfail(strict=False, reason="HTML -> text is written twice (SQL notification_payload, Python "
                   "listener/mail.py to_text) and they differ; for the SQL owner to decide")
@pytest.mark.parametrize("case", list(BODIES))
def test_push_preview_and_email_text_agree(previews, case):
    assert previews[case] == email_text(BODIES[case])[:140]
