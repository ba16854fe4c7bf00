-- chatter.html_text: HTML as plain text, the one rule the notification preview and the email's text
-- part read (issue 19). Each case is what a person reading the rendered HTML would type out.
BEGIN;
SELECT plan(20);

SET LOCAL ROLE chatter_app;

SELECT is(chatter.html_text(html), text, name) FROM (VALUES
    ('<p>Caf&eacute; cr&egrave;me &hellip; &copy; 2026 &rarr; done</p>', 'Café crème … © 2026 → done', 'named entities'),
    ('<p>Total: 5&#8364; or 5&#x20AC;, &#233;t&#233;</p>', 'Total: 5€ or 5€, été', 'numeric references'),
    ('&#128; &#0; &#xD800; a&#1;b &#x110000;', '€ � � ab �', 'references that are no character, as the HTML standard reads them'),
    ('<p>a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; &apos;e&apos; f&nbsp;g</p>', 'a <b> & "c" ''d'' ''e'' f g', 'the common escapes'),
    ('<p>&amp;lt;tag&amp;gt; and &amp;amp;</p>', '&lt;tag&gt; and &amp;', 'decoded once: double escaping stays single'),
    ('&nosuch; & && &#; AT&T', '&nosuch; & && &#; AT&T', 'what is no entity stays as written'),
    (E'first line<br>second line<br/>third', E'first line\nsecond line\nthird', 'line breaks'),
    ('<div><p>Stage: <b>New <i>and <u>urgent</u></i></b></p><p>next</p></div>', E'Stage: New and urgent\n\nnext', 'paragraphs'),
    ('<ul><li>one</li><li>two</li></ul>', E'- one\n\n- two', 'list items'),
    ('<p>see <a href="https://example.com/x?a=1&amp;b=2">the page</a> or <a class="m" href=''mailto:a@b.c''>mail</a></p>',
     'see the page <https://example.com/x?a=1&b=2> or mail <mailto:a@b.c>', 'web and mail links keep their target'),
    ('<a href="javascript:alert(1)">click</a>', 'click', 'no target for other links'),
    ('<p>hi</p><script>alert(1)</script><STYLE>p{}</STYLE><script src=x></script>after', E'hi\nafter', 'scripts and styles are not text'),
    ('a<!-- hidden -->b<!-- two -->c<!-- open', 'abc', 'comments are not text, an open one runs to the end'),
    ('<p>un<b>break</b>able</p>', 'unbreakable', 'an inline tag inside a word adds no space'),
    ('<p>1 < 2 and 3 > 2</p>', '1 < 2 and 3 > 2', 'a < that starts no tag is text'),
    ('cut <b class="x', 'cut', 'a tag cut at the end is dropped'),
    (E'  lots\n\n of \t  space  ', 'lots of space', 'white space collapses'),
    ('p<br><br><br><br>q', E'p\n\nq', 'at most one blank line')
) AS cases (html, text, name);

SELECT is(chatter.html_text(NULL), NULL, 'NULL is NULL');
SELECT is(chatter.html_text(E'a\x01b\x02c\x03d'), 'abcd', 'the characters it uses internally are dropped from the input');

SELECT * FROM finish();
ROLLBACK;
