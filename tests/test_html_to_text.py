"""HTML -> text, written once (issue 19): chatter.html_text is the rule (its cases: sql/tests/html_text_test.sql).
The email's text/plain part, as a real listener sends it through a real SMTP server, and the notification
preview (toast, bell, Web Push) both come from it: the email text is html_text of the body, the preview is
that text on one line, cut to 140 characters, with < > as the angle quotes ‹ › (a preview put into HTML by
some client must not become markup). Before, the preview decoded six entities with regular expressions and
the email parsed with Python's HTMLParser: the same body read differently in a push and in the email."""

from __future__ import annotations

import psycopg
import pytest

from tests.delivery_support import config, running, scalar, setup, until
from tests.servers import SmtpServer

BODIES = {
    "named entities": "<p>Caf&eacute; cr&egrave;me &hellip; &copy; 2026 &rarr; done</p>",
    "numeric entities": "<p>Total: 5&#8364; or 5&#x20AC;, &#233;t&#233;</p>",
    "common escapes": "<p>a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; e&nbsp;f</p>",
    "double escaped": "<p>&amp;lt;tag&amp;gt; and &amp;amp;</p>",
    "line breaks": "first line<br>second line<br/>third",
    "nested tags": "<div><p>Stage: <b>New <i>and <u>urgent</u></i></b></p><p>next</p></div>",
    "list": "<ul><li>one</li><li>two</li></ul>",
    "link": '<p>see <a href="https://example.com/x">the page</a></p>',
    "script and style": "<p>hi</p><script>alert(1)</script><style>p{}</style>",
    "comment": "<p>a<!-- hidden -->b</p>",
    "inline tag inside a word": "<p>un<b>break</b>able</p>",
    "unclosed angle": "<p>1 < 2 and 3 > 2</p>",
    "long": "<p>" + "word " * 100 + "</p>",
}

# What a reader of each rendered body would type out (the email's text part, without its final newline).
EXPECTED = {
    "named entities": "Café crème … © 2026 → done",
    "numeric entities": "Total: 5€ or 5€, été",
    "common escapes": "a <b> & \"c\" 'd' e f",
    "double escaped": "&lt;tag&gt; and &amp;",
    "line breaks": "first line\nsecond line\nthird",
    "nested tags": "Stage: New and urgent\n\nnext",
    "list": "- one\n\n- two",
    "link": "see the page <https://example.com/x>",
    "script and style": "hi",
    "comment": "ab",
    "inline tag inside a word": "unbreakable",
    "unclosed angle": "1 < 2 and 3 > 2",
    "long": ("word " * 100).strip(),
}


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


async def test_the_email_text_and_the_preview_read_the_same_text(db_url, smtp):
    setup(db_url)
    with psycopg.connect(db_url, autocommit=True) as conn:
        ids = {name: conn.execute("SELECT chatter.create_message(%s, author => 1, model => 'leads', document => 1,"
                                  " send => true)", (body,)).fetchone()[0]
               for name, body in BODIES.items()}
        previews = {name: conn.execute("SELECT chatter.notification_payload(%s) ->> 'body'", (mid,)).fetchone()[0]
                    for name, mid in ids.items()}
    async with running(db_url, config(smtp.url)):
        await until(lambda: smtp.mailbox.count() == len(BODIES), what="one email per body")
    texts = {str(m["Message-ID"]): m.get_body(("plain",)).get_content().replace("\r\n", "\n")
             for m in smtp.mailbox.messages()}
    for name, expected in EXPECTED.items():
        assert texts[f"<pgchatter.{ids[name]}.101@mail.test>"] == expected + "\n", name
        one_line = " ".join(expected.split()).replace("<", "‹").replace(">", "›")
        assert previews[name] == one_line[:140], name
    assert scalar(db_url, "SELECT chatter.html_text(%s)", BODIES["list"]) == EXPECTED["list"]
